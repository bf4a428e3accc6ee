package dev.fastpath.bench.e2e;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.fastpath.lab.ProjectHome;
import dev.fastpath.lab.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fastpath bench handshakes}: full TCP handshakes per second (connect, established, close) from one
 * kernel client in namespace A ({@link HandshakeClient}, pinned to one core) against the kernel as the
 * server and against Fastpath's {@code serve} (skipped when this build has none), pinned to the other.
 */
@Command(
        name = "handshakes",
        mixinStandardHelpOptions = true,
        description = "Full handshakes per second: kernel vs Fastpath as the server, same kernel client.")
public final class HandshakesCommand implements Callable<Integer> {

    private static final Pattern DONE = Pattern.compile("done completed=(\\d+) failed=(\\d+) seconds=([0-9.]+)");

    @Option(names = "--duration", paramLabel = "S", description = "seconds per server (default: ${DEFAULT-VALUE})")
    private double duration = 5;

    @Option(names = "--threads", description = "client threads (default: ${DEFAULT-VALUE})")
    private int threads = 8;

    @Option(names = "--out", paramLabel = "DIR",
            description = "result directory (default: bench/results/handshakes-<time>)")
    private Path out;

    @Option(names = "--serve-cmd", description = "Fastpath server command; {fastpath} {io} {port} {cpu} are "
        + "replaced (default: ${DEFAULT-VALUE})")
    private String serveCmd = VictimRunner.DEFAULT_SERVE;

    @Option(names = "--port", description = "server port (default: ${DEFAULT-VALUE})")
    private int port = 8080;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** One server's result. */
    private record Row(String name, String note, long completed, long failed, double seconds) {
        double rate() {
            return seconds > 0 ? completed / seconds : 0;
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!(duration > 0 && duration <= 600)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration must be in (0, 600] seconds, not "
                + duration);
        }
        if (threads < 1 || threads > 256) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be in 1..256, not " + threads);
        }
        if (port < 1 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be in 1..65535, not " + port);
        }
        Optional<String> why = Lab.unavailableReason();
        if (why.isPresent()) {
            System.err.println("bench handshakes: " + why.get());
            return 1;
        }
        Path dir = out != null ? out : ProjectHome.root().resolve("bench/results/handshakes-"
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        List<Row> rows = new ArrayList<>();
        try (Lab lab = Lab.up()) {
            VictimRunner.prepare(lab, 0, 1);
            VictimRunner runner = new VictimRunner(lab, new VictimRunner.Settings(0, 1, port, duration, 0, "0", 1,
                "af_packet", serveCmd, dir, Placement.FAIR, false, 0));
            // Both sides with tcp_syncookies=1: cookies only when a SYN queue overflows, as a server runs normally.
            List<Victim> servers = List.of(new Victim("kernel", true, 1, null), Victim.ALL.get(2).withSyncookies(1),
                Victim.ALL.get(3).withSyncookies(1), Victim.ALL.get(4).withSyncookies(1));
            for (Victim v : servers) {
                rows.add(measure(lab, runner, v));
            }
        }
        StringBuilder md = new StringBuilder("| server | handshakes/s | completed | failed | note |\n"
            + "|---|---|---|---|---|\n");
        List<Map<String, Object>> servers = new ArrayList<>();
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %d | %d | %s |%n", r.name(), r.rate(), r.completed(),
                r.failed(), r.note()));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", r.name());
            row.put("rate", Math.round(r.rate() * 10) / 10.0);
            row.put("completed", r.completed());
            row.put("failed", r.failed());
            row.put("seconds", r.seconds());
            row.put("note", r.note());
            servers.add(row);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("threads", threads);
        doc.put("servers", servers);
        Files.writeString(dir.resolve("results.json"), JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(doc)
            + "\n");
        Files.writeString(dir.resolve("summary.md"), "# Full handshakes per second\n\n" + md);
        System.out.print(md);
        System.out.println("bench handshakes: results in " + dir);
        return rows.stream().anyMatch(r -> r.completed() > 0) ? 0 : 1;
    }

    private Row measure(Lab lab, VictimRunner runner, Victim v) throws InterruptedException {
        if (!v.kernel() && !VictimRunner.serveAvailable()) {
            System.out.println("bench handshakes: skipping " + v.name() + ": this build has no `serve` subcommand");
            return new Row(v.name(), "skipped: no serve subcommand in this build", 0, 0, 0);
        }
        Child server;
        try {
            server = runner.startVictim(v);
        } catch (IllegalStateException e) {
            return new Row(v.name(), "failed: " + e.getMessage().lines().findFirst().orElse(""), 0, 0, 0);
        }
        try {
            List<String> cmd = new ArrayList<>(List.of(Host.fastpathJava().get(0), "-cp",
                System.getProperty("java.class.path"), HandshakeClient.class.getName(), Lab.IP_B,
                Integer.toString(port), Double.toString(duration), Integer.toString(threads)));
            Child client = runner.spawn(lab.nsA(), 0, "handshake-client", cmd);
            client.waitFor((long) (duration * 1000) + 30_000);
            for (String l : client.lines()) {
                Matcher m = DONE.matcher(l);
                if (m.find()) {
                    return new Row(v.name(), v.describe(), Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                        Double.parseDouble(m.group(3)));
                }
            }
            return new Row(v.name(), "failed: client output: " + client.tail(), 0, 0, 0);
        } finally {
            server.stop();
        }
    }
}
