package dev.fastpath.poll;

import dev.fastpath.apps.App;
import dev.fastpath.config.Config;
import dev.fastpath.config.Knob;
import dev.fastpath.io.PacketIo;
import dev.fastpath.io.afpacket.AfPacketIo;
import dev.fastpath.io.xdp.AfXdpIo;
import dev.fastpath.net.IcmpEcho;
import dev.fastpath.net.IcmpErrors;
import dev.fastpath.net.NetConfig;
import dev.fastpath.net.NetDropReason;
import dev.fastpath.net.NetStat;
import dev.fastpath.net.Neighbours;
import dev.fastpath.pcap.PcapWriter;
import dev.fastpath.stat.EnumCounters;
import dev.fastpath.tcp.TcpEngine;
import dev.fastpath.tcp.TcpStat;
import dev.fastpath.tcp.XdpCookieOffload;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.util.function.LongSupplier;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker: a packet ring, the TCP engine, the neighbour cache, ICMP and an application, all driven by
 * one thread (docs/design.md, "Threading and memory ordering"). Each {@link #doWork()} is one bounded duty cycle:
 *
 * <ol>
 *   <li>RX burst of at most {@code stack.rx_burst} frames, each parsed in place and handed to ARP, ICMP
 *       or {@link TcpEngine#tcpV4Rcv} (the engine's events only queue socket ids in the app);</li>
 *   <li>the application serves the connections that had events;</li>
 *   <li>engine timers (at most {@code stack.timer_budget}), neighbour probes and expiry;</li>
 *   <li>TX flush (one kick for everything the cycle produced).</li>
 * </ol>
 *
 * Nothing here allocates per frame. Frames that are not for this stack are counted with a reason.
 */
public final class StackWorker implements Agent, PacketIo.RxHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StackWorker.class);

    /** Everything a worker needs besides its ring and its application. */
    public record Spec(int index, Config config, NetConfig net, ChecksumPolicy checksums, int port, int cpu,
            PcapWriter pcap, long statsIntervalNs, PrintStream out, long seed) {
    }

    private final Spec spec;
    private final PacketIo io;
    private final PacketIo txIo;
    private final CapturingIo capture;
    private final FrameParser parser;
    private final ParsedFrame frame = new ParsedFrame();
    private final NetStat.Counters netCounters = new NetStat.Counters();
    private final Neighbours neighbours;
    private final IcmpEcho icmp;
    private final IcmpErrors icmpErrors;
    private final TcpEngine engine;
    private final App app;
    private final int rxBurst;
    private final EnumCounters<DropReason> parseDrops = new EnumCounters<>(DropReason.class);
    private final EnumCounters<WorkerStat> workerCounters = new EnumCounters<>(WorkerStat.class);
    private final LongSupplier clock;
    private long nowNs;
    /** The engine's half of SYNs answered in XDP, or null. */
    private XdpCookieOffload cookieOffload;
    private long nextStatsNs;
    private int pinResult = 1;
    private String ioStats = "";
    private long allocatedAtStart = -1;

    /**
     * Builds the worker on the calling thread; from {@link #onStart()} on, only the worker's thread touches it.
     *
     * @param spec  configuration
     * @param io    the ring (closed by {@link #onClose()})
     * @param app   the application
     * @param clock monotonic nanoseconds ({@code System::nanoTime}; tests may pass virtual time)
     * @throws IllegalStateException when the application cannot listen
     */
    public StackWorker(Spec spec, PacketIo io, App app, LongSupplier clock) {
        this.spec = spec;
        this.io = io;
        this.clock = clock;
        this.capture = spec.pcap() == null ? null : new CapturingIo(io, spec.pcap(), new CapturingIo.PcapClock());
        this.txIo = capture == null ? io : capture;
        this.parser = new FrameParser(spec.checksums());
        this.rxBurst = spec.config().intValue(Knob.STACK_RX_BURST);
        this.nowNs = clock.getAsLong();
        this.neighbours = new Neighbours(spec.net(), txIo, netCounters);
        this.icmp = new IcmpEcho(spec.net(), txIo, netCounters);
        this.engine = new TcpEngine(spec.config(), txIo, spec.net().localIp(), spec.net().localMac(),
                neighbours::lookup, spec.seed(), nowNs);
        this.icmpErrors = new IcmpErrors(spec.net(), netCounters, engine::tcpV4Err);
        this.app = app;
        int r = app.start(engine, spec.port(), nowNs);
        if (r < 0) {
            throw new IllegalStateException("cannot listen on port " + spec.port() + ": errno " + -r);
        }
        this.nextStatsNs = nowNs + spec.statsIntervalNs();
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
        neighbours.tick(clock.getAsLong());
        neighbours.announce();
        txIo.flush();
    }

    @Override
    public int doWork() {
        long now = clock.getAsLong();
        nowNs = now;
        neighbours.tick(now);
        // Before the receive: the program's switch follows the listener (closed, accept queue full) promptly.
        int work = cookieOffload != null ? cookieOffload.poll(now) : 0;
        work += io.receive(this, rxBurst);
        work += app.doWork(now);
        work += engine.pollTimers(now);
        work += neighbours.poll(now);
        txIo.flush();
        if (spec.statsIntervalNs() > 0 && now - nextStatsNs >= 0) {
            nextStatsNs = now + spec.statsIntervalNs();
            spec.out().println(summary());
        }
        return work;
    }

    @Override
    public void onFrame(MemorySegment buffer, long offset, int length, int flags) {
        workerCounters.inc(WorkerStat.FpRxFrames);
        if (capture != null) {
            capture.capture(buffer, offset, length);
        }
        DropReason r = parser.parse(buffer, offset, length, flags, frame);
        if (r != DropReason.NONE) {
            parseDrops.inc(r);
            if (r == DropReason.BAD_TCP_CHECKSUM || r == DropReason.BAD_DATA_OFFSET) {
                engine.tcpInError(r == DropReason.BAD_TCP_CHECKSUM);
            }
            return;
        }
        long dst = frame.ethernet().destination();
        if (dst != spec.net().localMac() && (dst & 0x0100_0000_0000L) == 0) {
            // unicast to another MAC (PACKET_OTHERHOST): ip_rcv() drops it, SKB_DROP_REASON_OTHERHOST
            workerCounters.inc(WorkerStat.FpRxOtherHost);
            return;
        }
        switch (frame.kind()) {
            case TCP -> tcp();
            case ARP -> neighbours.arpRcv(frame, nowNs);
            case ICMP -> icmp();
            default -> workerCounters.inc(WorkerStat.FpRxUnhandled);
        }
    }

    private void tcp() {
        boolean onLink = spec.net().onLink(frame.srcIp());
        int gateway = spec.net().gateway();
        boolean hint = onLink || gateway != 0;
        if (onLink) {
            neighbours.rxHint(frame.srcIp(), frame.ethernet().source(),
                    (frame.flags() & (TcpHeader.SYN | TcpHeader.ACK)) == TcpHeader.SYN);
        } else if (hint) {
            // From off the subnet the frame came through a router: while the gateway is unresolved (its ARP
            // replies can drown in a flood) a reply may go back to that router's MAC, borrowed, never learned.
            neighbours.rxHint(gateway, frame.ethernet().source(), true);
        }
        engine.tcpV4Rcv(frame, nowNs);
        if (hint) {
            neighbours.rxHint(0, 0, false);
        }
    }

    /** Echo requests are answered; errors quoting our TCP segments go to the engine (tcp_v4_err). */
    private void icmp() {
        if (IcmpErrors.isError(frame.icmp().type())) {
            icmpErrors.icmpRcv(frame, nowNs);
        } else {
            icmp.icmpRcv(frame);
        }
    }

    @Override
    public void onClose() {
        if (allocatedAtStart >= 0) {
            long bytes = threadAllocatedBytes() - allocatedAtStart;
            workerCounters.add(WorkerStat.FpWorkerAllocatedBytes,
                    bytes - workerCounters.get(WorkerStat.FpWorkerAllocatedBytes));
        }
        ioStats = ioStats();
        io.close(); // AF_XDP: closing the socket drops the BPF link, detaching the program
        if (capture != null) {
            capture.close();
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

    /** @return the neighbour cache (same rule as {@link #engine()}) */
    public Neighbours neighbours() {
        return neighbours;
    }

    /** @return the worker's own counters (frames received, dropped before any layer); live, any thread */
    public EnumCounters<WorkerStat> workerCounters() {
        return workerCounters;
    }

    /** @return the frames the parser dropped, by reason; live, any thread */
    public EnumCounters<DropReason> parseDrops() {
        return parseDrops;
    }

    /** @return the ARP/ICMP/neighbour counters */
    public NetStat.Counters netCounters() {
        return netCounters;
    }

    /** @return the application */
    public App app() {
        return app;
    }

    /** @return one line for the stats interval */
    public String summary() {
        TcpStat.Counters c = engine.counters();
        return "stats worker=" + spec.index() + " rx=" + workerCounters.get(WorkerStat.FpRxFrames)
                + " tcpIn=" + c.get(TcpStat.TcpInSegs)
                + " tcpOut=" + c.get(TcpStat.TcpOutSegs) + " estab=" + c.get(TcpStat.TcpCurrEstab)
                + " passiveOpens=" + c.get(TcpStat.TcpPassiveOpens) + " open=" + app.openConnections()
                + " sockets=" + engine.socketsInUse() + " timeWait=" + engine.timeWaitCount()
                + " neighbours=" + neighbours.size() + " allocatedBytes=" + (threadAllocatedBytes() - allocatedAtStart);
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
        workerCounters.forEach((s, v) -> line(sb, p, s.name(), v));
        for (DropReason r : DropReason.values()) {
            line(sb, p, "FpParseDrop_" + r.name(), parseDrops.get(r));
        }
        for (NetStat s : NetStat.values()) {
            line(sb, p, s.name(), netCounters.get(s));
        }
        for (NetDropReason r : NetDropReason.values()) {
            line(sb, p, "FpNetDrop_" + r.name(), netCounters.drops(r));
        }
        TcpStat.Counters c = engine.counters();
        for (TcpStat s : TcpStat.values()) {
            line(sb, p, s.name(), c.get(s));
        }
        app.report(sb, p);
        if (cookieOffload != null) {
            line(sb, p, "FpXdpSynAcks", cookieOffload.answered()); // of TcpExtSyncookiesSent: sent by the program
        }
        if (capture != null) {
            line(sb, p, "FpPcapRecords", capture.records());
            line(sb, p, "FpPcapErrors", capture.errors());
        }
        String stats = ioStats.isEmpty() ? ioStats() : ioStats;
        if (!stats.isEmpty()) {
            sb.append(p).append(stats).append('\n');
        }
    }

    private String ioStats() {
        if (io instanceof AfPacketIo a) {
            return "afpacket " + a.stats();
        }
        if (io instanceof AfXdpIo x) {
            return "afxdp " + x.stats();
        }
        return "";
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
