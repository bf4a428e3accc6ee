package dev.fastpath.lb;

import dev.fastpath.poll.CpuAffinity;
import dev.fastpath.serve.Server;
import dev.fastpath.serve.StackOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fastpath lb}: the load balancer. The stack answers the VIP, each worker relays its clients to backends it
 * connects to itself ({@link ProxyApp}). It runs on {@code serve}'s wiring ({@link Server}): the same workers,
 * options, {@code ready} line and counters at SIGINT/SIGTERM. Wrong arguments are usage errors (exit code 2).
 */
@Command(name = "lb", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = {LbReloadCommand.class, LbStatusCommand.class},
        description = {"Load balancer: relays connections to a VIP to backends picked by weighted Maglev (root).",
            "Prints 'ready' once it accepts connections; stops on SIGINT/SIGTERM and prints its counters.",
            "Quick start: --io af_xdp --iface IF --ip ADDR/PREFIX --vip ADDR:PORT --backend ADDR:PORT[@WEIGHT] ..."})
public final class LbCommand implements Callable<Integer> {
    private static final long MS = 1_000_000L;

    @CommandLine.Mixin
    private StackOptions stack;

    @Option(names = "--vip", paramLabel = "ADDR:PORT",
            description = "the virtual address clients connect to (the stack's own --ip address for now)")
    private String vip;

    @Option(names = "--backend", paramLabel = "ADDR:PORT[@WEIGHT]",
            description = "a backend, weight 1..256 (default 1); repeat for each")
    private List<String> backends = new ArrayList<>();

    @Option(names = "--proxy-protocol", description = "open every backend connection with a PROXY protocol v2 header")
    private boolean proxyProtocol;

    @Option(names = "--connect-timeout", paramLabel = "MS", defaultValue = "2000",
            description = "a backend connect not done after MS is abandoned for the next backend; default 2000")
    private long connectTimeoutMs;

    @Option(names = "--idle-timeout", paramLabel = "S", defaultValue = "300",
            description = "a pair with no byte either way for S seconds is reset (0: never); default 300")
    private long idleTimeoutS;

    @Option(names = "--attempts", paramLabel = "N", defaultValue = "3",
            description = "backends tried per client connection (1..16); default 3")
    private int attempts;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "0",
            description = "client connections open at once through the VIP, past which new ones are reset (0: none)")
    private int maxConnections;

    @Option(names = "--max-new-per-second", paramLabel = "N", defaultValue = "0",
            description = "new client connections per second, past which new ones are reset (0: no limit)")
    private int maxNewPerSecond;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "workers (as serve: AF_PACKET fanout members or AF_XDP RX queues 0..N-1); default 1")
    private int workers;

    @Option(names = "--cpus", paramLabel = "LIST", description = "pin worker i to CPU i of LIST, e.g. 1 or 0,2-3")
    private String cpus;

    @Option(names = "--metrics", paramLabel = "[ADDR:]PORT",
            description = "serve Prometheus metrics at http://ADDR:PORT/metrics through the kernel (ADDR default "
                    + "127.0.0.1; a management address, never the stack's); default none")
    private String metrics;

    @Option(names = "--stats-interval", paramLabel = "S", defaultValue = "0",
            description = "print a stats line every S seconds (0: never)")
    private double statsInterval;

    private SnapshotRef ref;
    private Plan plan;
    /** The configuration running now (replaced by a good reload). */
    private LbConfig running;
    private final HealthEvents healthEvents = new HealthEvents();
    private final HealthTracker tracker = new HealthTracker(healthEvents);

    @Override
    public Integer call() throws IOException, InterruptedException {
        plan = plan();
        running = plan.config();
        ref = new SnapshotRef(plan.snapshot());
        VipLimits limits = new VipLimits(ProxyApp.VIP_SLOTS);
        java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
        Server server;
        try {
            // worker 0's application runs the active health checks
            server = Server.start(plan.settings(), () -> new ProxyApp(plan.settings().config(), ref, limits,
                    plan.settings().ip(), healthEvents, made.getAndIncrement() == 0), w -> { }, false);
        } catch (RuntimeException e) {
            System.err.println("lb: " + e.getMessage());
            return 1;
        }
        if (plan.file() != null) {
            // SIGHUP re-reads the file, as `fastpath lb reload` asks (sun.misc.Signal: the JDK's only signal API)
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> reload());
        }
        LbMetrics endpoint = null;
        String[] m = plan.metrics();
        if (m != null) {
            List<LbMetrics.Source> sources = server.workers().stream()
                    .map(w -> new LbMetrics.Source((ProxyApp) w.app(), w.engine().counters())).toList();
            try {
                endpoint = new LbMetrics(java.net.InetAddress.getByName(m[0]), Integer.parseInt(m[1]), ref::current,
                        sources);
            } catch (IOException e) {
                System.err.println("lb: metrics " + m[0] + ":" + m[1] + ": cannot listen: " + e.getMessage());
                server.stop();
                return 1;
            }
        }
        Thread control = Thread.ofPlatform().daemon().name("lb-control").start(this::controlLoop);
        server.dropCapabilities("lb"); // the metrics socket is bound: nothing else needs one
        Server.announceReady();
        server.awaitStop();
        control.interrupt();
        if (endpoint != null) {
            endpoint.close();
        }
        return 0;
    }

    /** The control thread: applies the workers' health events; a state change publishes a new snapshot. */
    private void controlLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
            boolean[] changed = {false};
            LbSnapshot now = ref.current();
            healthEvents.drain(e -> changed[0] |= tracker.apply(e, now));
            if (changed[0]) {
                publish();
            }
        }
    }

    /** Builds the running configuration's snapshot with the health states and publishes it (one release). */
    private synchronized LbSnapshot publish() {
        LbSnapshot s = running.toSnapshot(ref.current(), System.nanoTime(), tracker::isDown);
        ref.publish(s);
        tracker.retain(s);
        return s;
    }

    /**
     * Re-reads the file and publishes its snapshot; a file that does not check out changes nothing and says why.
     * The stack's own settings (interface, address, knobs, workers) stay as they started.
     */
    synchronized void reload() {
        try {
            LbConfig next = LbConfig.load(plan.file());
            checkVips(next, plan.settings().ip());
            next.toSnapshot(ref.current(), System.nanoTime()); // slots must fit before anything changes
            running = next;
            LbSnapshot s = publish();
            System.out.println("reloaded generation " + s.generation() + ": " + s.vips().size() + " VIPs");
        } catch (LbConfigException e) {
            System.err.println("lb: reload refused, the running configuration stays: " + e.getMessage());
        } catch (IOException e) {
            // the exception's kind says why: AccessDeniedException, NoSuchFileException name only the path
            System.err.println("lb: reload refused, the running configuration stays: " + e);
        }
        System.out.flush();
    }

    /**
     * What the command line asks for.
     *
     * @param settings the stack's
     * @param snapshot the first snapshot
     * @param file     the configuration file with the [lb] table (reloads re-read it), or null
     * @param config   the configuration the snapshot was built from
     * @param metrics  the metrics endpoint {host, port}, or null
     */
    record Plan(Server.Settings settings, LbSnapshot snapshot, Path file, LbConfig config, String[] metrics) {
    }

    /** Parses and validates every argument and the file; all problems are usage errors. */
    Plan plan() throws IOException {
        Path file = stack.configFile();
        LbConfig config;
        boolean fromFile = file != null && java.nio.file.Files.isRegularFile(file) && LbConfig.hasLbTable(file);
        if (fromFile) {
            if (vip != null || !backends.isEmpty()) {
                throw stack.usage("--config " + file + " has an [lb] table: give the VIPs there, not with --vip/"
                        + "--backend");
            }
            try {
                config = LbConfig.load(file);
            } catch (LbConfigException e) {
                throw stack.usage(e.getMessage());
            }
            stack.commandTable("lb");
            stack.fileDefaults(config.io(), config.iface(), config.ip(), config.gateway());
        } else {
            config = quickStart();
        }
        StackOptions.Parsed p = stack.parse();
        if (workers < 1 || workers > 64) {
            throw stack.usage("--workers must be in 1..64, not " + workers);
        }
        if (statsInterval < 0) {
            throw stack.usage("--stats-interval must be >= 0");
        }
        try {
            checkVips(config, p.ip());
        } catch (LbConfigException e) {
            throw stack.usage(e.getMessage());
        }
        LbSnapshot first = config.toSnapshot(null, System.nanoTime());
        Server.Settings s = new Server.Settings(p.io(), p.iface(), p.ip(), p.prefix(), p.gateway(),
                config.vips().getFirst().port(), null, p.config(), workers, cpuList(), p.pcap(),
                (long) (statsInterval * 1e9), p.idle(), p.neighbours(), p.xdpMode(), p.tpacket(),
                p.kernelIngressDrop(), p.moreAddresses(), p.routes(), p.tx());
        String metricsText = metrics != null ? metrics : config.metrics();
        String[] endpoint = metricsText == null ? null
                : LbConfig.metricsEndpoint(metricsText, msg -> stack.usage("--metrics: " + msg));
        return new Plan(s, first, fromFile ? file : null, config, endpoint);
    }

    /** One address per stack until the interface layer lands: every VIP is on the stack's own address. */
    private static void checkVips(LbConfig config, int stackIp) {
        for (int i = 0; i < config.vips().size(); i++) {
            LbConfig.VipSpec v = config.vips().get(i);
            if (v.ip() != stackIp) {
                throw new LbConfigException("lb.vip[" + i + "].address " + LbConfig.addressOf(v.ip(), v.port())
                        + ": the VIP must be the stack's own address (--ip) for now");
            }
        }
    }

    /** The quick start's flags as a configuration of one VIP. */
    private LbConfig quickStart() {
        if (vip == null || backends.isEmpty()) {
            throw stack.usage("missing --vip ADDR:PORT and --backend ADDR:PORT[@WEIGHT] (or --config FILE with an "
                    + "[lb] table)");
        }
        long[] v = endpoint("--vip", vip);
        if (attempts < 1 || attempts > 16) {
            throw stack.usage("--attempts must be in 1..16, not " + attempts);
        }
        if (connectTimeoutMs < 1 || idleTimeoutS < 0 || maxConnections < 0 || maxNewPerSecond < 0) {
            throw stack.usage("timeouts must be positive, limits >= 0");
        }
        List<LbConfig.BackendSpec> list = new ArrayList<>();
        for (String b : backends) {
            int at = b.lastIndexOf('@');
            int weight = at < 0 ? 1
                    : stack.number("--backend " + b + " weight", b.substring(at + 1), 1, LbConfig.MAX_WEIGHT);
            long[] e = endpoint("--backend", at < 0 ? b : b.substring(0, at));
            for (LbConfig.BackendSpec other : list) {
                if (other.ip() == (int) e[0] && other.port() == (int) e[1]) {
                    throw stack.usage("--backend " + LbConfig.addressOf((int) e[0], (int) e[1]) + " is given twice");
                }
            }
            list.add(new LbConfig.BackendSpec((int) e[0], (int) e[1], weight, false));
        }
        LbConfig.VipSpec spec = new LbConfig.VipSpec((int) v[0], (int) v[1], maxConnections, maxNewPerSecond,
                connectTimeoutMs * MS, idleTimeoutS * 1000 * MS, attempts, proxyProtocol, list, null);
        return new LbConfig(null, null, null, null, 60_000 * MS, List.of(spec), null);
    }

    /** @return {address, port} of {@code ADDR:PORT} */
    private long[] endpoint(String option, String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw stack.usage(option + " must be ADDR:PORT, not '" + text + "'");
        }
        int ip = stack.address(option, text.substring(0, colon));
        int port = stack.number(option + " port", text.substring(colon + 1), 1, 65535);
        return new long[] {ip, port};
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
