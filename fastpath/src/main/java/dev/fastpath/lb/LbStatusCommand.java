package dev.fastpath.lb;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fastpath lb status}: what the running balancer's metrics endpoint says, as tables — per VIP, per backend
 * (with its health state), the balancer's counters and the stack's SYN-cookie and reset counters.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Prints the running balancer's metrics (its --metrics endpoint) as tables."})
final class LbStatusCommand implements Callable<Integer> {
    private static final Pattern LINE = Pattern.compile("^([a-z_]+)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    @Option(names = "--metrics", paramLabel = "[ADDR:]PORT", defaultValue = "127.0.0.1:9100",
            description = "the balancer's metrics endpoint; default 127.0.0.1:9100")
    private String metrics;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String[] hp;
        try {
            hp = LbConfig.metricsEndpoint(metrics, IllegalArgumentException::new);
        } catch (IllegalArgumentException e) {
            System.err.println("lb status: --metrics " + e.getMessage());
            return 2;
        }
        String body;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + hp[0] + ":" + hp[1]
                    + "/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            body = r.body();
        } catch (IOException e) {
            System.err.println("lb status: no balancer answers at " + hp[0] + ":" + hp[1] + " (" + e + ")");
            return 1;
        }
        System.out.print(render(body));
        return 0;
    }

    /** The exposition text as tables. */
    static String render(String exposition) {
        Map<String, Map<String, String>> vips = new TreeMap<>();
        Map<String, Map<String, String>> backends = new TreeMap<>();
        List<String[]> events = new ArrayList<>();
        List<String[]> stack = new ArrayList<>();
        for (String line : exposition.lines().toList()) {
            Matcher m = LINE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            String name = m.group(1);
            Map<String, String> labels = labels(m.group(2));
            String value = number(m.group(3));
            switch (name) {
                case "fastpath_lb_events_total" -> events.add(new String[] {labels.get("name"), value});
                case "fastpath_stack_total" -> stack.add(new String[] {labels.get("name"), value});
                case "fastpath_lb_backend_up" -> backends.computeIfAbsent(labels.get("backend"), k -> new TreeMap<>())
                        .merge("state", labels.get("state"), (a, b) -> a.equals(b) ? a : a + "," + b);
                default -> {
                    String column = name.replaceFirst("^fastpath_lb_(vip|backend)_", "").replace("_total", "")
                            + (labels.containsKey("direction") ? "_" + labels.get("direction") : "");
                    if (labels.containsKey("vip") && name.startsWith("fastpath_lb_vip_")) {
                        vips.computeIfAbsent(labels.get("vip"), k -> new TreeMap<>()).put(column, value);
                    } else if (labels.containsKey("backend")) {
                        backends.computeIfAbsent(labels.get("backend"), k -> new TreeMap<>()).put(column, value);
                    }
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        table(sb, "VIP", vips);
        table(sb, "BACKEND", backends);
        sb.append(String.format("%-32s %14s%n", "COUNTER", "VALUE"));
        for (String[] e : events) {
            if (!e[1].equals("0")) {
                sb.append(String.format("%-32s %14s%n", e[0], e[1]));
            }
        }
        for (String[] e : stack) {
            if (!e[1].equals("0") || e[0].startsWith("TcpExtSyncookies")) {
                sb.append(String.format("%-32s %14s%n", e[0], e[1]));
            }
        }
        return sb.toString();
    }

    private static void table(StringBuilder sb, String title, Map<String, Map<String, String>> rows) {
        List<String> columns = new ArrayList<>();
        for (Map<String, String> r : rows.values()) {
            for (String c : r.keySet()) {
                if (!columns.contains(c)) {
                    columns.add(c);
                }
            }
        }
        columns.sort(null);
        sb.append(String.format("%-22s", title));
        for (String c : columns) {
            sb.append(String.format(" %18s", c));
        }
        sb.append('\n');
        for (Map.Entry<String, Map<String, String>> r : rows.entrySet()) {
            sb.append(String.format("%-22s", r.getKey()));
            for (String c : columns) {
                sb.append(String.format(" %18s", r.getValue().getOrDefault(c, "-")));
            }
            sb.append('\n');
        }
        sb.append('\n');
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> m = new TreeMap<>();
        if (text != null) {
            Matcher l = LABEL.matcher(text);
            while (l.find()) {
                m.put(l.group(1), l.group(2));
            }
        }
        return m;
    }

    private static String number(String text) {
        try {
            double d = Double.parseDouble(text);
            return d == Math.rint(d) && Math.abs(d) < 1e18 ? Long.toString((long) d) : text;
        } catch (NumberFormatException e) {
            return text;
        }
    }
}
