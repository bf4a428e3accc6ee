package dev.fastpath.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fastpath demo}: by default the load balancer's demo ({@link LbDemo}: a client namespace, {@code fastpath lb}
 * and three nginx backends; live traffic through a SYN flood, a backend stopped and back, a reload; the verdict is
 * every legitimate request answered). {@code --app http} is the HTTP server's demo: the whole stack end to end,
 * bounded and self-cleaning. It builds a lab
 * (namespaces and a veth pair, 198.18.0.0/15 only), runs {@code serve --app http} in namespace A on
 * AF_XDP (or AF_PACKET), and from namespace B lets the Linux kernel be the client: curl once, then a
 * python3 client making many short connections with a request and a response each, printing
 * per-second counts while the server prints its own; then a summary, and the lab is torn down.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The load balancer in a lab (client namespace, fastpath lb, three nginx backends) through a SYN "
            + "flood, a backend stopped and back, a reload, with live counts and a verdict; or (--app http) the HTTP "
            + "server against the Linux kernel as client (root).")
public final class DemoCommand implements Callable<Integer> {
    /** The kernel-side client: threads making connections until the count or the time is reached. */
    private static final String CLIENT = """
            import socket, sys, threading, time
            host, total, seconds, threads = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
            req = b"GET / HTTP/1.1\\r\\nHost: demo\\r\\nConnection: close\\r\\n\\r\\n"
            lock = threading.Lock(); ok = [0]; failed = [0]; nbytes = [0]; started = [0]
            end = time.time() + seconds
            def worker():
                while time.time() < end:
                    with lock:
                        if started[0] >= total: return
                        started[0] += 1
                    try:
                        s = socket.create_connection((host, 80), timeout=3)
                        s.sendall(req); data = b""
                        while True:
                            b = s.recv(4096)
                            if not b: break
                            data += b
                        s.close()
                        with lock:
                            if data.startswith(b"HTTP/1.1 200"): ok[0] += 1; nbytes[0] += len(data)
                            else: failed[0] += 1
                    except OSError:
                        with lock: failed[0] += 1
            ts = [threading.Thread(target=worker) for _ in range(threads)]
            [t.start() for t in ts]
            t0 = time.time(); last = 0
            while any(t.is_alive() for t in ts):
                time.sleep(1)
                with lock: done = ok[0]
                print("client  t=%2ds  connections/s %6d  total ok %7d  failed %d"
                      % (time.time() - t0, done - last, done, failed[0]), flush=True)
                last = done
            [t.join() for t in ts]
            el = time.time() - t0
            print("client  summary: %d ok, %d failed, %d response bytes in %.1f s (%.0f connections/s)"
                  % (ok[0], failed[0], nbytes[0], el, ok[0] / el), flush=True)
            sys.exit(0 if failed[0] == 0 and ok[0] > 0 else 1)
            """;

    @Option(names = "--io", defaultValue = "af_xdp", description = "af_xdp or af_packet (default: ${DEFAULT-VALUE})")
    private String io;

    @Option(names = "--app", defaultValue = "lb", description = "lb: the load balancer's demo; http: the HTTP "
            + "server's (default: ${DEFAULT-VALUE})")
    private String app;

    @Option(names = "--connections", defaultValue = "20000",
            description = "http: at most this many (default: ${DEFAULT-VALUE})")
    private int connections;

    @Option(names = "--seconds", description = "at most this long (default: 40 for lb, 10 for http)")
    private Integer seconds;

    @Option(names = "--rate", defaultValue = "200", description = "lb: legitimate requests per second (default: "
            + "${DEFAULT-VALUE})")
    private int rate;

    @Option(names = "--flood-rate", defaultValue = "20000", paramLabel = "N|max", description = "lb: the SYN flood's "
            + "rate, bounded to a fifth of the run (default: ${DEFAULT-VALUE})")
    private String floodRate;

    @Option(names = "--threads", defaultValue = "8", description = "client threads (default: ${DEFAULT-VALUE})")
    private int threads;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private void bounded(String option, int value, int max) {
        if (value < 1 || value > max) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be in 1.." + max + ", not "
                    + value);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!io.equals("af_xdp") && !io.equals("af_packet")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--io must be af_xdp or af_packet, not '" + io + "'");
        }
        if (!app.equals("lb") && !app.equals("http")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--app must be lb or http, not '" + app + "'");
        }
        if (seconds == null) {
            seconds = app.equals("lb") ? 40 : 10;
        }
        bounded("--connections", connections, 1_000_000);
        bounded("--seconds", seconds, 600);
        bounded("--threads", threads, 64);
        bounded("--rate", rate, 5000);
        if (!floodRate.equalsIgnoreCase("max") && !floodRate.matches("[1-9][0-9]{0,8}")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--flood-rate must be a positive number or "
                    + "max, not '" + floodRate + "'");
        }
        Optional<String> why = Lab.unavailableReason();
        if (why.isPresent()) {
            spec.commandLine().getErr().println("demo needs root and network namespaces: " + why.get());
            return 1;
        }
        if (app.equals("lb")) {
            for (String tool : List.of("nginx", "curl")) {
                if (Lab.exec(List.of("sh", "-c", "command -v " + tool), 5).exitCode() != 0) {
                    spec.commandLine().getErr().println("demo: " + tool + " is not installed (bin/fastpath setup)");
                    return 1;
                }
            }
            if (seconds < 20) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--seconds must be at least 20 for the "
                        + "lb demo, not " + seconds);
            }
            return new LbDemo(out, new LbDemo.Settings(io, seconds, rate, floodRate)).run() ? 0 : 1;
        }
        try (Lab lab = Lab.up()) {
            out.println("lab " + lab.name() + ": " + lab.nsA() + " (stack, " + Lab.IP_A + ") <-> " + lab.nsB()
                    + " (Linux kernel, " + Lab.IP_B + ")");
            out.flush();
            // A's kernel must not answer for the stack's address; B's veth must not build 64 KB GSO frames.
            lab.run(lab.nsA(), 5, "ip", "addr", "flush", "dev", Lab.IF_A);
            lab.run(lab.nsB(), 5, "ethtool", "-K", Lab.IF_B, "tso", "off", "gso", "off");
            Process server = lab.spawn(lab.nsA(), serverCommand());
            Thread pump = echo(server, "server  ", out);
            if (!awaitReady(server, pump)) {
                out.println("the server did not get ready; see its output above");
                return 1;
            }
            Lab.Result curl = lab.run(lab.nsB(), 10, "curl", "-sS", "-i", "--max-time", "5",
                    "http://" + Lab.IP_A + "/");
            out.println("curl http://" + Lab.IP_A + "/ (exit " + curl.exitCode() + "):");
            out.println(curl.output().strip().indent(4).stripTrailing());
            out.flush();
            Process client = lab.spawn(lab.nsB(), "python3", "-c", CLIENT, Lab.IP_A, Integer.toString(connections),
                    Integer.toString(seconds), Integer.toString(threads));
            Thread clientPump = echo(client, "", out);
            boolean done = client.waitFor(seconds + 30L, TimeUnit.SECONDS);
            clientPump.join(5_000);
            int clientExit = done ? client.exitValue() : -1;
            if (!done) {
                client.destroyForcibly();
            }
            Lab.exec(List.of("kill", "-INT", Long.toString(server.pid())), 5);
            server.waitFor(20, TimeUnit.SECONDS);
            pump.join(5_000);
            boolean ok = clientExit == 0 && curl.exitCode() == 0;
            out.println(ok ? "demo: every connection completed"
                    : "demo: some connections failed (client exit " + clientExit + ", curl exit " + curl.exitCode()
                            + ")");
            out.println("lab torn down");
            out.flush();
            return ok ? 0 : 1;
        }
    }

    private String[] serverCommand() {
        String[] base = Lab.javaCommand(System.getProperty("java.class.path"), "dev.fastpath.cli.Main", "serve",
                "--io", io, "--iface", Lab.IF_A, "--ip", Lab.IP_A + "/24", "--port", "80", "--app", "http",
                "--stats-interval", "1");
        List<String> cmd = new ArrayList<>();
        for (String a : base) {
            if (!a.startsWith("-XX:TieredStopAtLevel")) {
                cmd.add(a); // the demo wants the full JIT, not the tests' quick start
            }
        }
        return cmd.toArray(String[]::new);
    }

    private final Object readyLock = new Object();
    private boolean ready;

    /** Copies a child's output line by line with a prefix; notices the server's {@code ready}. */
    private Thread echo(Process p, String prefix, PrintWriter out) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (out) {
                        out.println(prefix + line);
                        out.flush();
                    }
                    if (line.equals("ready")) {
                        synchronized (readyLock) {
                            ready = true;
                            readyLock.notifyAll();
                        }
                    }
                }
            } catch (IOException e) {
                // the child went away; its exit status tells the rest
            }
        }, "demo-" + prefix.strip());
        t.setDaemon(true);
        t.start();
        return t;
    }

    private boolean awaitReady(Process server, Thread pump) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (readyLock) {
            while (!ready && server.isAlive() && System.nanoTime() < until) {
                readyLock.wait(200);
            }
            return ready;
        }
    }
}
