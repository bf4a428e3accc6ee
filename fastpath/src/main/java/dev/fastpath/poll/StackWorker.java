package dev.fastpath.poll;

import dev.fastpath.apps.App;
import dev.fastpath.config.Config;
import dev.fastpath.config.Knob;
import dev.fastpath.iface.Interface;
import dev.fastpath.iface.InterfaceConfig;
import dev.fastpath.iface.IpStack;
import dev.fastpath.iface.LinkStat;
import dev.fastpath.iface.Route;
import dev.fastpath.io.afpacket.AfPacketIo;
import dev.fastpath.io.xdp.AfXdpIo;
import dev.fastpath.net.NetDropReason;
import dev.fastpath.net.NetStat;
import dev.fastpath.net.Neighbours;
import dev.fastpath.pcap.PcapWriter;
import dev.fastpath.stat.EnumCounters;
import dev.fastpath.tcp.TcpEngine;
import dev.fastpath.tcp.TcpStat;
import dev.fastpath.tcp.XdpCookieOffload;
import dev.fastpath.wire.DropReason;
import java.io.PrintStream;
import java.util.List;
import java.util.function.LongSupplier;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker: its interfaces ({@link IpStack}: rings, addresses, routes, neighbours, ARP, ICMP), the TCP engine
 * and an application, all driven by one thread (docs/design.md, "Threading and memory ordering"). Each
 * {@link #doWork()} is one bounded duty cycle:
 *
 * <ol>
 *   <li>RX burst of at most {@code stack.rx_burst} frames per interface, each parsed in place and handed to ARP,
 *       ICMP or {@link TcpEngine#tcpV4Rcv} (the engine's events only queue socket ids in the app);</li>
 *   <li>the application serves the connections that had events;</li>
 *   <li>engine timers (at most {@code stack.timer_budget}), neighbour probes and expiry;</li>
 *   <li>TX flush (one kick per interface for everything the cycle produced).</li>
 * </ol>
 *
 * Nothing here allocates per frame. Frames that are not for this stack are counted with a reason.
 */
public final class StackWorker implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(StackWorker.class);

    /**
     * Everything a worker needs besides its interfaces and its application.
     *
     * @param index           the worker's number
     * @param config          the knobs
     * @param routes          routes beyond the interfaces' own subnets (gateways, a default route)
     * @param port            the port the application serves (passed to {@link App#start})
     * @param cpu             the CPU to pin to, or −1
     * @param pcap            where to capture every frame both ways, or null
     * @param statsIntervalNs how often to print a stats line, 0 for never
     * @param out             where stats lines go
     * @param seed            the engine's seed
     */
    public record Spec(int index, Config config, List<Route> routes, int port, int cpu, PcapWriter pcap,
            long statsIntervalNs, PrintStream out, long seed) {
    }

    private final Spec spec;
    private final IpStack ip;
    private final CapturingIo[] captures;
    private final TcpEngine engine;
    private final App app;
    private final int rxBurst;
    private final EnumCounters<WorkerStat> workerCounters = new EnumCounters<>(WorkerStat.class);
    private final LongSupplier clock;
    /** The engine's half of SYNs answered in XDP, or null. */
    private XdpCookieOffload cookieOffload;
    private long nextStatsNs;
    private int pinResult = 1;
    private String ioStats = "";
    private long allocatedAtStart = -1;

    /**
     * Builds the worker on the calling thread; from {@link #onStart()} on, only the worker's thread touches it.
     *
     * @param spec       configuration
     * @param interfaces the worker's interfaces (their rings are closed by {@link #onClose()})
     * @param app        the application
     * @param clock      monotonic nanoseconds ({@code System::nanoTime}; tests may pass virtual time)
     * @throws IllegalStateException when the application cannot listen
     */
    public StackWorker(Spec spec, List<InterfaceConfig> interfaces, App app, LongSupplier clock) {
        this.spec = spec;
        this.clock = clock;
        this.ip = new IpStack(interfaces, spec.routes());
        ip.ipfrag(spec.config().intValue(Knob.IPFRAG_HIGH_THRESH),
                spec.config().intValue(Knob.IPFRAG_TIME) * 1_000_000_000L);
        this.captures = new CapturingIo[interfaces.size()];
        if (spec.pcap() != null) {
            CapturingIo.PcapClock pcapClock = new CapturingIo.PcapClock();
            for (Interface i : ip.interfaces()) {
                CapturingIo c = new CapturingIo(i.io(), spec.pcap(), pcapClock);
                captures[i.index()] = c;
                i.capture(c, c::capture);
            }
        }
        this.rxBurst = spec.config().intValue(Knob.STACK_RX_BURST);
        long nowNs = clock.getAsLong();
        ip.tick(nowNs);
        this.engine = new TcpEngine(spec.config(), ip, spec.seed(), nowNs);
        ip.attach(engine);
        this.app = app;
        int r = app.start(engine, spec.port(), nowNs);
        if (r < 0) {
            throw new IllegalStateException("cannot listen on port " + spec.port() + ": errno " + -r);
        }
        this.nextStatsNs = nowNs + spec.statsIntervalNs();
    }

    /**
     * One interface, one address, optionally a default gateway: what {@code serve} and {@code connect} run.
     *
     * @param spec       configuration
     * @param iface      the interface
     * @param app        the application
     * @param clock      monotonic nanoseconds
     * @return the worker
     */
    public static StackWorker single(Spec spec, InterfaceConfig iface, App app, LongSupplier clock) {
        return new StackWorker(spec, List.of(iface), app, clock);
    }

    @Override
    public String roleName() {
        return "fastpath-worker-" + spec.index();
    }

    @Override
    public void onStart() {
        if (spec.cpu() >= 0) {
            pinResult = CpuAffinity.pinCurrentThread(spec.cpu());
            if (pinResult < 0) {
                LOG.warn("{}: cannot pin to CPU {}: {} (running unpinned)", roleName(), spec.cpu(),
                        CpuAffinity.describe(pinResult));
            }
        }
        allocatedAtStart = threadAllocatedBytes();
        ip.tick(clock.getAsLong());
        ip.announce();
        ip.flush();
    }

    @Override
    public int doWork() {
        long now = clock.getAsLong();
        ip.tick(now);
        // Before the receive: the program's switch follows the listener (closed, accept queue full) promptly.
        int work = cookieOffload != null ? cookieOffload.poll(now) : 0;
        work += ip.receive(rxBurst);
        // A stage that did work took real time (a cold path can take milliseconds). What the next stage
        // arms counts from the clock as it is when its frames leave, as jiffies would, or a loss probe
        // armed on a stale now fires before the peer could have answered (a spurious FIN retransmission).
        now = work != 0 ? clock.getAsLong() : now;
        int appWork = app.doWork(now);
        now = appWork != 0 ? clock.getAsLong() : now;
        work += appWork + engine.pollTimers(now);
        work += ip.poll(now);
        ip.flush();
        if (spec.statsIntervalNs() > 0 && now - nextStatsNs >= 0) {
            nextStatsNs = now + spec.statsIntervalNs();
            spec.out().println(summary());
        }
        return work;
    }

    @Override
    public void onClose() {
        if (allocatedAtStart >= 0) {
            long bytes = threadAllocatedBytes() - allocatedAtStart;
            workerCounters.add(WorkerStat.FpWorkerAllocatedBytes,
                    bytes - workerCounters.get(WorkerStat.FpWorkerAllocatedBytes));
        }
        ioStats = ioStats();
        ip.close(); // AF_XDP: closing the socket drops the BPF link, detaching the program
        if (spec.pcap() != null) {
            captures[0].close(); // one pcap for every interface: closed once
        }
    }

    /**
     * Lets the AF_XDP program answer SYNs for this worker's engine (before the worker's thread starts).
     *
     * @param offload the engine's half, polled each duty cycle
     */
    public void cookieOffload(XdpCookieOffload offload) {
        this.cookieOffload = offload;
    }

    /** @return the engine (tests; touch it on the worker thread or after the worker stopped) */
    public TcpEngine engine() {
        return engine;
    }

    /** @return the interface layer (same rule as {@link #engine()}) */
    public IpStack ip() {
        return ip;
    }

    /** @return the first interface's neighbour cache (same rule as {@link #engine()}) */
    public Neighbours neighbours() {
        return ip.iface(0).neighbours();
    }

    /** @return the worker's own counters (frames received, dropped before any layer); live, any thread */
    public EnumCounters<WorkerStat> workerCounters() {
        return workerCounters;
    }

    /** @return the frames the parser dropped, by reason; live, any thread */
    public EnumCounters<DropReason> parseDrops() {
        return ip.parseDrops();
    }

    /** @return the ARP/ICMP/neighbour counters of every interface; live, any thread */
    public NetStat.Counters netCounters() {
        return ip.counters();
    }

    /** @return the application */
    public App app() {
        return app;
    }

    /** @return one line for the stats interval */
    public String summary() {
        TcpStat.Counters c = engine.counters();
        return "stats worker=" + spec.index() + " rx=" + ip.linkCounters().get(LinkStat.FpRxFrames)
                + " tcpIn=" + c.get(TcpStat.TcpInSegs)
                + " tcpOut=" + c.get(TcpStat.TcpOutSegs) + " estab=" + c.get(TcpStat.TcpCurrEstab)
                + " passiveOpens=" + c.get(TcpStat.TcpPassiveOpens) + " open=" + app.openConnections()
                + " sockets=" + engine.socketsInUse() + " timeWait=" + engine.timeWaitCount()
                + " timers=" + engine.timersPending() + " cookiesSent=" + c.get(TcpStat.TcpExtSyncookiesSent)
                + " neighbours=" + neighbours().size()
                + " allocatedBytes=" + (threadAllocatedBytes() - allocatedAtStart);
    }

    /**
     * Every non-zero counter, one per line as nstat prints them ({@code Name value}), prefixed with the
     * worker's index. Any thread: while the worker runs each value is live (see {@link EnumCounters}); after it
     * stopped, exact.
     *
     * @param sb where to append
     */
    public void report(StringBuilder sb) {
        String p = "worker" + spec.index() + ".";
        ip.linkCounters().forEach((s, v) -> line(sb, p, s.name(), v));
        workerCounters.forEach((s, v) -> line(sb, p, s.name(), v));
        for (DropReason r : DropReason.values()) {
            line(sb, p, "FpParseDrop_" + r.name(), ip.parseDrops().get(r));
        }
        for (NetStat s : NetStat.values()) {
            line(sb, p, s.name(), ip.counters().get(s));
        }
        for (NetDropReason r : NetDropReason.values()) {
            line(sb, p, "FpNetDrop_" + r.name(), ip.counters().drops(r));
        }
        TcpStat.Counters c = engine.counters();
        for (TcpStat s : TcpStat.values()) {
            line(sb, p, s.name(), c.get(s));
        }
        app.report(sb, p);
        if (cookieOffload != null) {
            line(sb, p, "FpXdpSynAcks", cookieOffload.answered()); // of TcpExtSyncookiesSent: sent by the program
        }
        if (spec.pcap() != null) {
            long errors = 0;
            for (CapturingIo capture : captures) {
                errors += capture.errors();
            }
            line(sb, p, "FpPcapRecords", captures[0].records());
            line(sb, p, "FpPcapErrors", errors);
        }
        String stats = ioStats.isEmpty() ? ioStats() : ioStats;
        if (!stats.isEmpty()) {
            sb.append(p).append(stats).append('\n');
        }
    }

    private String ioStats() {
        StringBuilder b = new StringBuilder();
        for (Interface i : ip.interfaces()) {
            String one = i.io() instanceof AfPacketIo a ? "afpacket " + a.stats()
                    : i.io() instanceof AfXdpIo x ? "afxdp " + x.stats() : "";
            if (!one.isEmpty()) {
                b.append(b.isEmpty() ? "" : " | ").append(ip.interfaces().size() > 1 ? i.name() + " " : "").append(one);
            }
        }
        return b.toString();
    }

    /** Bytes this thread allocated so far (HotSpot's per-thread TLAB accounting), −1 when unsupported. */
    private static long threadAllocatedBytes() {
        if (java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t) {
            return t.getCurrentThreadAllocatedBytes();
        }
        return -1;
    }

    /**
     * Every counter name {@link #report} can print (without the {@code workerN.} prefix): a test that looks a
     * counter up by a name not in here has a typo or names a counter that does not exist.
     *
     * @return the names
     */
    public static java.util.Set<String> counterNames() {
        java.util.Set<String> names = new java.util.TreeSet<>(java.util.List.of("FpXdpSynAcks", "FpPcapRecords",
                "FpPcapErrors"));
        for (WorkerStat s : WorkerStat.values()) {
            names.add(s.name());
        }
        for (LinkStat s : LinkStat.values()) {
            names.add(s.name());
        }
        for (DropReason r : DropReason.values()) {
            names.add("FpParseDrop_" + r.name());
        }
        for (NetStat s : NetStat.values()) {
            names.add(s.name());
        }
        for (NetDropReason r : NetDropReason.values()) {
            names.add("FpNetDrop_" + r.name());
        }
        for (TcpStat s : TcpStat.values()) {
            names.add(s.name());
        }
        return names;
    }

    private static void line(StringBuilder sb, String prefix, String name, long value) {
        if (value != 0) {
            sb.append(prefix).append(name).append(' ').append(value).append('\n');
        }
    }
}
