package dev.fastpath.serve;

import dev.fastpath.apps.AppKind;
import dev.fastpath.poll.CpuAffinity;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fastpath serve}: runs a demo server (echo, discard, http) on an interface through the stack.
 * Prints exactly one line {@code ready} on stdout once it accepts connections, serves until SIGINT or
 * SIGTERM, then stops the workers, closes the rings (detaching XDP) and prints every non-zero counter.
 * Wrong arguments are picocli usage errors (exit code 2).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves echo, discard or http from the userspace stack on an interface (root).",
            "Prints 'ready' once it accepts connections; stops on SIGINT/SIGTERM and prints its counters.",
            "On AF_PACKET the kernel still sees the traffic: the interface must not carry --ip itself."})
public final class ServeCommand implements Callable<Integer> {

    @CommandLine.Mixin
    private StackOptions stack;

    @Option(names = "--port", required = true, paramLabel = "N", description = "TCP port to listen on")
    private int port;

    @Option(names = "--app", required = true, paramLabel = "echo|discard|http", description = "what to serve")
    private String app;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "workers (AF_PACKET: one socket each in a port-steered fanout group; AF_XDP: one socket "
                    + "per RX queue 0..N-1); default 1")
    private int workers;

    @Option(names = "--cpus", paramLabel = "LIST", description = "pin worker i to CPU i of LIST, e.g. 1 or 0,2-3")
    private String cpus;

    @Option(names = "--stats-interval", paramLabel = "S", defaultValue = "0",
            description = "print a stats line every S seconds (0: never)")
    private double statsInterval;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Server.Settings settings = settings();
        String missing = Server.privilegeProblem(settings, "serve");
        if (missing != null) {
            throw stack.usage(missing);
        }
        Server server;
        try {
            server = Server.start(settings, () -> settings.app().create(settings.config()), w -> { }, false);
        } catch (RuntimeException e) {
            System.err.println("serve: " + e.getMessage());
            return 1;
        }
        server.dropCapabilities("serve");
        Server.announceReady();
        server.awaitStop();
        return 0;
    }

    /** Parses and validates every argument; all problems are usage errors. */
    Server.Settings settings() throws IOException {
        AppKind appKind = switch (app.toLowerCase(Locale.ROOT)) {
            case "echo" -> AppKind.ECHO;
            case "discard" -> AppKind.DISCARD;
            case "http" -> AppKind.HTTP;
            default -> throw stack.usage("--app must be echo, discard or http, not '" + app + "'");
        };
        if (port < 1 || port > 65535) {
            throw stack.usage("--port must be in 1..65535, not " + port);
        }
        StackOptions.Parsed p = stack.parse();
        if (workers < 1 || workers > 64) {
            throw stack.usage("--workers must be in 1..64, not " + workers);
        }
        List<Integer> cpuList = cpuList();
        if (statsInterval < 0) {
            throw stack.usage("--stats-interval must be >= 0");
        }
        return new Server.Settings(p.io(), p.iface(), p.ip(), p.prefix(), p.gateway(), port, appKind, p.config(),
                workers, cpuList, p.pcap(), (long) (statsInterval * 1e9), p.idle(), p.neighbours(), p.xdpMode(),
                p.tpacket(), p.kernelIngressDrop(), p.moreAddresses(), p.routes(), p.tx());
    }

    private List<Integer> cpuList() {
        if (cpus == null) {
            return List.of();
        }
        try {
            List<Integer> list = CpuAffinity.parseList(cpus);
            if (list.size() < workers) {
                throw stack.usage("--cpus " + cpus + " names " + list.size() + " CPUs for " + workers + " workers");
            }
            return list;
        } catch (IllegalArgumentException e) {
            throw stack.usage("--cpus: " + e.getMessage());
        }
    }
}
