package dev.fastpath.client;

import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Knob;
import dev.fastpath.iface.Routes;
import dev.fastpath.serve.Server;
import dev.fastpath.serve.StackOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fastpath connect}: the stack as a client. Runs one worker on an interface (the {@code serve}
 * machinery: {@link Server}, {@link StackOptions}) with a {@link ClientApp} that opens N connections to a
 * server, drives each through the chosen mode, prints one result line per connection, a summary and the
 * verdict, then stops the worker and prints its counters. Exit code 0 only when everything went as the mode
 * expects, 1 otherwise (also on --timeout), 2 for usage errors.
 */
@Command(name = "connect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Connects from the userspace stack to a TCP server and checks what comes back (root).",
            "Modes: echo-check (send N, compare the echo's SHA-256, close first), close-first (send N, close),",
            "wait-close (read the echo until the server closes), linger0 (abort with SO_LINGER 0),",
            "half-close (send N, shutdown(SHUT_WR), read the echo to its end).",
            "On AF_PACKET the interface must not carry --ip itself (the kernel would reset our connections)."})
public final class ConnectCommand implements Callable<Integer> {

    @CommandLine.Mixin
    private StackOptions stack;

    @Option(names = "--to", required = true, paramLabel = "IP:PORT", description = "the server")
    private String to;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "1", description = "connections; default 1")
    private int connections;

    @Option(names = "--send-bytes", paramLabel = "N", defaultValue = "0",
            description = "bytes each connection sends; default 0")
    private long sendBytes;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "echo-check",
            description = "echo-check|close-first|wait-close|linger0|half-close; default echo-check")
    private String modeName;

    @Option(names = "--expect-errno", paramLabel = "NAME",
            description = "connections are expected to fail with this errno (e.g. ECONNREFUSED, EADDRNOTAVAIL)")
    private String expectErrno;

    @Option(names = "--expect-failures", paramLabel = "N", defaultValue = "-1",
            description = "how many fail with --expect-errno (default: all); the others must succeed")
    private int expectFailures;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "workers, each opening its share of the connections (AF_PACKET: a port-steered fanout "
                    + "group, each worker picking local ports whose replies come back to it); default 1")
    private int workers;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "30",
            description = "give up after S seconds (exit code 1); default 30")
    private double timeoutSeconds;

    @Override
    public Integer call() throws IOException, InterruptedException {
        StackOptions.Parsed p = stack.parse();
        ClientMode mode = ClientMode.parse(modeName);
        if (mode == null) {
            throw stack.usage("--mode must be echo-check, close-first, wait-close, linger0 or half-close, not '"
                    + modeName + "'");
        }
        int colon = to.lastIndexOf(':');
        if (colon < 0) {
            throw stack.usage("--to must be IP:PORT, not '" + to + "'");
        }
        int ip = stack.address("--to", to.substring(0, colon));
        int port = stack.number("--to port", to.substring(colon + 1), 1, 65535);
        int max = p.config().intValue(Knob.STACK_MAX_CONNECTIONS);
        if (connections < 1 || connections > max) {
            throw stack.usage("--connections must be in 1.." + max + " (stack.max_connections), not " + connections);
        }
        if (sendBytes < 0) {
            throw stack.usage("--send-bytes must be >= 0");
        }
        if (!(timeoutSeconds > 0 && timeoutSeconds <= 3600)) {
            throw stack.usage("--timeout must be in (0, 3600] seconds");
        }
        int errno = 0;
        if (expectErrno != null) {
            errno = Errno.byName(expectErrno);
            if (errno < 0) {
                throw stack.usage("--expect-errno: unknown errno name '" + expectErrno + "'");
            }
        }
        if (workers < 1 || workers > Math.min(64, connections)) {
            throw stack.usage("--workers must be in 1..min(64, --connections), not " + workers);
        }
        if (workers > 1 && (expectErrno != null || p.io() != Server.Io.AF_PACKET)) {
            throw stack.usage("--workers > 1 needs --io af_packet and no --expect-errno");
        }
        int failures = expectFailures < 0 ? connections : expectFailures;
        if (failures > connections) {
            throw stack.usage("--expect-failures must be at most --connections");
        }
        Routes table = Server.routes(p.ip(), p.prefix(), p.gateway(), p.moreAddresses(), p.routes());
        int route = table.lookupV4(ip);
        if (route < 0) {
            throw stack.usage("--to " + to + " is off-subnet and there is no --gateway or --route to it");
        }
        int hop = table.nextHopV4(route, ip);
        return run(p, mode, ip, port, hop, errno, failures);
    }

    private int run(StackOptions.Parsed p, ClientMode mode, int ip, int port, int hop, int errno, int failures)
            throws InterruptedException {
        long timeoutNs = (long) (timeoutSeconds * 1e9);
        // Teardowns (FIN exchange, TIME_WAIT entry) get a bounded moment after the last connection is done.
        long settleNs = Math.min(5_000_000_000L, timeoutNs / 2);
        List<ClientApp> apps = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            int share = connections / workers + (i < connections % workers ? 1 : 0);
            apps.add(new ClientApp(p.config(), mode, ip, port, share, sendBytes, settleNs));
        }
        Server.Settings settings = new Server.Settings(p.io(), p.iface(), p.ip(), p.prefix(), p.gateway(), 0, null,
                p.config(), workers, List.of(), p.pcap(), 0, p.idle(), p.neighbours(), p.xdpMode(),
                p.tpacket(), p.kernelIngressDrop(), p.moreAddresses(), p.routes(), p.tx());
        String missing = Server.privilegeProblem(settings, "connect");
        if (missing != null) {
            throw stack.usage(missing);
        }
        long started = System.nanoTime();
        Server server;
        int[] next = new int[2]; // the server builds, then prepares, worker 0, 1, … in order
        try {
            server = Server.start(settings, () -> apps.get(next[0]++),
                    w -> apps.get(next[1]++).neighbours(hop, w.neighbours()::peek, w.ip()::resolveV4), false);
        } catch (RuntimeException e) {
            System.err.println("connect: " + e.getMessage());
            return 1;
        }
        server.dropCapabilities("connect");
        boolean done = true;
        for (ClientApp app : apps) {
            long left = timeoutNs - (System.nanoTime() - started);
            done &= app.finished().await(Math.max(0, left), TimeUnit.NANOSECONDS);
        }
        long elapsed = System.nanoTime() - started;
        if (!done) {
            server.stop(); // joins the workers: what they wrote is visible to this thread from here on
            System.out.println("timeout after " + timeoutSeconds + " s");
        }
        boolean good = done;
        for (int i = 0; i < workers; i++) {
            if (workers > 1) {
                System.out.println("worker " + i);
            }
            good &= apps.get(i).report(System.out, elapsed, errno, failures);
        }
        if (workers > 1) {
            System.out.println("workers=" + workers + (good ? " verdict ok" : " verdict FAILED"));
        }
        server.stop();
        return good ? 0 : 1;
    }
}
