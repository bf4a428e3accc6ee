package dev.fastpath.serve;

import dev.fastpath.nativeio.bpf_h;
import dev.fastpath.apps.App;
import dev.fastpath.apps.AppKind;
import dev.fastpath.config.Config;
import dev.fastpath.config.Knob;
import dev.fastpath.io.CapabilityDrop;
import dev.fastpath.io.PacketIo;
import dev.fastpath.io.Privileges;
import dev.fastpath.io.afpacket.AfPacketConfig;
import dev.fastpath.io.afpacket.AfPacketIo;
import dev.fastpath.io.afpacket.KernelIngressDrop;
import dev.fastpath.io.afpacket.PortSteering;
import dev.fastpath.io.xdp.AfXdpConfig;
import dev.fastpath.io.xdp.AfXdpIo;
import dev.fastpath.io.xdp.EthtoolStats;
import dev.fastpath.io.xdp.RssTable;
import dev.fastpath.io.xdp.XdpSynCookies;
import dev.fastpath.iface.InterfaceConfig;
import dev.fastpath.iface.IpCidr;
import dev.fastpath.iface.Route;
import dev.fastpath.iface.Routes;
import dev.fastpath.iface.XdpCookieMaps;
import dev.fastpath.net.NeighbourTiming;
import dev.fastpath.net.SharedNeighbours;
import dev.fastpath.pcap.PcapWriter;
import dev.fastpath.poll.Idle;
import dev.fastpath.poll.EngineWarmup;
import dev.fastpath.poll.StackWorker;
import dev.fastpath.tcp.XdpCookieOffload;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.EthernetHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.agrona.concurrent.AgentRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the rings, builds one {@link StackWorker} per ring, runs each on its own thread under an
 * {@link AgentRunner}, and stops them all from a shutdown hook (SIGINT, SIGTERM): runners closed (each
 * worker closes its ring on its own thread, which detaches XDP), then the counters printed.
 */
public final class Server {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    /** The packet backends. */
    public enum Io {
        /** {@link AfXdpIo}; AF_XDP gives no checksum flag, so kernel peers' partial checksums are accepted. */
        AF_XDP,
        /** {@link AfPacketIo}; the kernel flags unfinished checksums, the parser trusts the flag. */
        AF_PACKET
    }

    /**
     * What {@code serve} was asked for.
     *
     * @param io              backend
     * @param iface           interface
     * @param ip              the stack's address
     * @param prefix          its prefix length
     * @param gateway         gateway or 0
     * @param port            TCP port
     * @param app             application
     * @param config          knobs
     * @param workers         how many workers
     * @param cpus            CPUs to pin worker i to (empty: no pinning)
     * @param pcap            capture file or null (worker i &gt; 0 writes FILE.i)
     * @param statsIntervalNs stats line period, 0 for none
     * @param idle            idle strategy
     * @param neighbours      static entries as {ip, mac}
     * @param xdpMode         AF_XDP attach mode: {@code native}, {@code skb}, or {@code auto} (native,
     *                        falling back to skb with a log line when the driver refuses)
     * @param tpacket         AF_PACKET ring version, 2 or 3
     * @param kernelIngressDrop AF_PACKET: keep the kernel's own stack away from {@code ip}
     *                        ({@link KernelIngressDrop})
     * @param moreAddresses   further addresses of the interface
     * @param routes          further routes
     * @param tx              each worker's TX ring (size, AF_PACKET qdisc bypass)
     */
    public record Settings(Io io, String iface, int ip, int prefix, int gateway, int port, AppKind app,
            Config config, int workers, List<Integer> cpus, Path pcap, long statsIntervalNs, Idle idle,
            List<long[]> neighbours, String xdpMode, int tpacket, boolean kernelIngressDrop,
            List<IpCidr> moreAddresses, List<Route> routes, StackOptions.TxRing tx) {
    }

    /**
     * The routing table a worker gets: the subnets of its addresses, the default route through the gateway, and
     * the further routes.
     *
     * @param ip            the primary address
     * @param prefix        its prefix length
     * @param gateway       the default gateway, or 0
     * @param moreAddresses further addresses
     * @param routes        further routes
     * @return the table
     */
    public static Routes routes(int ip, int prefix, int gateway, List<IpCidr> moreAddresses, List<Route> routes) {
        Routes r = new Routes();
        r.add(new Route(IpCidr.v4(ip, prefix).network(), null, 0));
        for (IpCidr a : moreAddresses) {
            r.add(new Route(a.network(), null, 0));
        }
        workerRoutes(gateway, routes).forEach(r::add);
        return r;
    }

    private static List<Route> workerRoutes(int gateway, List<Route> routes) {
        List<Route> all = new ArrayList<>(routes);
        if (gateway != 0) {
            all.add(Route.defaultV4(gateway, 0));
        }
        return all;
    }

    /** Receive chunks per queue (16 MiB): under a flood the fill ring, not the CPU, ran out first with 2048. */
    private static final int RX_FRAMES = 8192;
    /**
     * 8192 transmit chunks too: in copy mode a frame stays in flight until the receiver frees its skb, and a
     * busy receiver (the flood generator's NAPI) held the 2048 of before — TX ring full ~115 k times in a 9 s
     * flood, each a SYN-ACK not sent.
     */
    private static final int TX_FRAMES = 8192;

    private static int txFrames(StackOptions.TxRing tx) {
        return tx.slots() > 0 ? tx.slots() : TX_FRAMES;
    }

    /**
     * The capabilities these settings need that this process lacks, checked before anything is opened.
     *
     * @param s       the settings
     * @param command the command line's name for the message, e.g. {@code serve}
     * @return one line naming what is needed and what is missing, or null when nothing is
     */
    public static String privilegeProblem(Settings s, String command) {
        Privileges p = Privileges.ofThisProcess();
        if (s.io() == Io.AF_XDP) {
            long frames = RX_FRAMES + txFrames(s.tx());
            p.afXdp(s.iface(), (long) s.workers() * AfXdpConfig.defaults().frameSize() * frames);
        } else {
            p.afPacket(s.iface(), s.kernelIngressDrop());
        }
        return p.problem(command + " --io " + s.io().name().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Opens AF_XDP in the requested mode. Native (driver) mode runs the redirect in the driver's
     * receive path before an skb exists; on veth it took the stack from 70 k to 350 k SYN-ACK/s in
     * the SYN-flood bench. Generic (skb) mode works on every device.
     */
    private static List<AfXdpIo> openXdp(String iface, String mode, int queues, XdpSynCookies cookies, int txFrames) {
        AfXdpConfig base = AfXdpConfig.defaults();
        AfXdpConfig d = base.withRxFrames(RX_FRAMES).withTxFrames(txFrames);
        AfXdpConfig nativeMode = d.withXdpFlags(bpf_h.XDP_FLAGS_DRV_MODE);
        return switch (mode) {
            case "skb" -> openQueues(iface, d, queues, cookies);
            case "native" -> openQueues(iface, nativeMode, queues, cookies);
            default -> {
                try {
                    yield openQueues(iface, nativeMode, queues, cookies);
                } catch (RuntimeException e) {
                    LOG.warn("AF_XDP native mode refused on {} ({}); falling back to skb (generic) mode", iface,
                            e.getMessage());
                    yield openQueues(iface, d, queues, cookies);
                }
            }
        };
    }

    private static List<AfXdpIo> openQueues(String iface, AfXdpConfig c, int queues, XdpSynCookies cookies) {
        return cookies == null ? AfXdpIo.openQueues(iface, c, queues) : AfXdpIo.openQueues(iface, c, queues, cookies);
    }

    /**
     * The maps of the program that answers SYNs in XDP ({@link XdpSynCookies}), or null when it is off: switched
     * off ({@code xdp.syn_cookies=0}), no listening port, a capture asked for (answered SYNs would be missing from
     * it), or a kernel that refuses the program (said, then every SYN goes to the engine). Auto also turns it off
     * on a veth in native mode once the sockets are open (whose XDP_TX frames reach only a peer with an XDP
     * program: without one veth counts them as XDP_TX errors, and with GRO alone they were not delivered either
     * on 6.18 — veth kicks the peer's NAPI after XDP_TX only when the peer runs a program).
     */
    private static XdpSynCookies synCookieMaps(Settings s) {
        int mode = s.config().intValue(Knob.XDP_SYN_COOKIES);
        if (mode == 0 || s.port() <= 0) {
            return null;
        }
        if (s.pcap() != null) {
            LOG.info("xdp.syn_cookies: off while capturing (--pcap): SYNs answered in XDP never reach the capture");
            return null;
        }
        try {
            return XdpSynCookies.create(s.workers()).verified();
        } catch (RuntimeException e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            LOG.warn("xdp.syn_cookies: the kernel refused the SYN-answering XDP program ({}); "
                    + "every SYN goes to the engine", why);
            return null;
        }
    }

    private final List<StackWorker> workers = new ArrayList<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private KernelIngressDrop ingressDrop;
    private XdpSynCookies cookies;
    private final List<XdpCookieOffload> offloads = new ArrayList<>();
    /** Closing a ring detaches a program through netlink: CAP_NET_ADMIN must stay for the stop. */
    private boolean detachNeedsNetAdmin;
    private Thread txWatch;
    /** The AF_XDP program runs in native mode on a veth (set by build when the program answers SYNs). */
    private boolean vethNative;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean stopping;

    private Server() {
    }

    /**
     * Starts serving and prints {@code ready}.
     *
     * @param s the settings
     * @return the running server
     * @throws RuntimeException when a ring cannot be opened or the port cannot be bound
     */
    public static Server start(Settings s) {
        return start(s, () -> s.app().create(s.config()), w -> { }, true);
    }

    /**
     * Starts the workers with an application of the caller's (e.g. {@code connect}'s client).
     *
     * @param s        the settings ({@code app} unused; {@code port} is passed to {@link App#start})
     * @param apps     one application per worker
     * @param prepare  called with each worker before its thread starts (still on the calling thread)
     * @param announce whether to print {@code ready}
     * @return the running server
     * @throws RuntimeException when a ring cannot be opened or the application cannot start
     */
    public static Server start(Settings s, Supplier<App> apps, Consumer<StackWorker> prepare, boolean announce) {
        warmUp(s.config());
        Server server = new Server();
        try {
            server.build(s, apps);
            server.workers.forEach(prepare);
            if (s.kernelIngressDrop()) {
                server.ingressDrop = KernelIngressDrop.attach(s.iface(), s.ip());
            }
        } catch (RuntimeException e) {
            for (StackWorker w : server.workers) {
                w.onClose();
            }
            server.closeCookies();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "fastpath-stop"));
        if (!server.offloads.isEmpty() && server.vethNative) {
            server.txWatch = Thread.ofPlatform().daemon().name("fastpath-xdp-tx-watch")
                    .start(() -> server.watchXdpTx(s.iface()));
        }
        for (int i = 0; i < server.workers.size(); i++) {
            AgentRunner runner = new AgentRunner(s.idle().strategy(), Server::onError, null, server.workers.get(i));
            server.runners.add(runner);
            AgentRunner.startOnThread(runner);
        }
        if (announce) {
            announceReady();
        }
        return server;
    }

    /**
     * The L4 checksum rule of an AF_XDP worker, which gets no flag for an unfinished checksum. Only a veth carries
     * frames with one (its peer is a local kernel that left the checksum to an offload: CHECKSUM_PARTIAL, the field
     * holding the pseudo-header sum): there such a value is accepted, any other must verify. A real NIC never
     * delivers a partial checksum, so on anything else every checksum must verify (a forged RST whose field merely
     * equals the pseudo-header sum is dropped).
     *
     * @param driver the interface's driver (ETHTOOL_GDRVINFO), or "" when unknown
     * @return {@link ChecksumPolicy#ACCEPT_PARTIAL} for a veth, {@link ChecksumPolicy#STRICT} otherwise
     */
    static ChecksumPolicy xdpChecksumPolicy(String driver) {
        return "veth".equals(driver) ? ChecksumPolicy.ACCEPT_PARTIAL : ChecksumPolicy.STRICT;
    }

    /** Runs the engine's paths once on throwaway engines ({@link EngineWarmup}), before any ring is open. */
    private static void warmUp(Config config) {
        int n = config.intValue(Knob.STACK_WARMUP_CONNECTIONS);
        if (n == 0) {
            return;
        }
        EngineWarmup.Result r = EngineWarmup.run(config, n);
        if (r.completed() == r.connections()) {
            LOG.info("warm-up: {} in-memory connections in {} ms", n, r.elapsedNs() / 1_000_000);
        } else {
            LOG.warn("warm-up: only {} of {} in-memory connections completed in {} ms (serving anyway)",
                    r.completed(), n, r.elapsedNs() / 1_000_000);
        }
    }

    /** Prints {@code ready}: the line scripts and tests wait for. */
    public static void announceReady() {
        System.out.println("ready");
        System.out.flush();
    }

    /**
     * Least privilege: once the rings are open and the programs attached, nothing the server does needs a
     * capability — the rings, sockets, maps (mmap'd) and links are file descriptors it holds, and closing a BPF link
     * detaches its program — except detaching an XDP program attached through netlink, for which CAP_NET_ADMIN
     * stays. Every thread drops them ({@link CapabilityDrop}); said on stderr. A drop that cannot be done (another
     * architecture, a thread that does not answer) is said too, and the server runs on with what it holds.
     *
     * @param command the command's name for the line
     */
    public void dropCapabilities(String command) {
        try {
            CapabilityDrop.Result r = detachNeedsNetAdmin ? CapabilityDrop.keepOnly(Privileges.Cap.NET_ADMIN)
                    : CapabilityDrop.keepOnly();
            LOG.info("{}: {}{}", command, CapabilityDrop.describe(r),
                    detachNeedsNetAdmin ? " (detaching XDP through netlink at the stop)" : "");
        } catch (RuntimeException e) {
            LOG.warn("{}: capabilities kept: {}", command, e.getMessage());
        }
    }

    private void build(Settings s, Supplier<App> apps) {
        long mac = macOf(s.iface());
        List<IpCidr> addresses = new ArrayList<>();
        addresses.add(IpCidr.v4(s.ip(), s.prefix()));
        addresses.addAll(s.moreAddresses());
        List<Route> routes = workerRoutes(s.gateway(), s.routes());
        SecureRandom seeds = new SecureRandom();
        int fanoutGroup = (int) (ProcessHandle.current().pid() & 0xFFFF);
        SharedNeighbours shared = s.workers() > 1 ? new SharedNeighbours(4096) : null;
        // AF_XDP: one socket per RX queue, queue i for worker i, one program (AfXdpIo.openQueues).
        cookies = s.io() == Io.AF_XDP ? synCookieMaps(s) : null;
        List<AfXdpIo> xdp;
        try {
            xdp = s.io() == Io.AF_XDP ? openXdp(s.iface(), s.xdpMode(), s.workers(), cookies, txFrames(s.tx()))
                    : null;
        } catch (RuntimeException e) {
            closeCookies();
            throw e;
        }
        String driver = xdp != null ? EthtoolStats.driver(s.iface()) : "";
        ChecksumPolicy xdpChecksums = xdpChecksumPolicy(driver);
        detachNeedsNetAdmin = xdp != null && xdp.stream().anyMatch(AfXdpIo::detachNeedsNetAdmin);
        // Only a veth in native mode can drop XDP_TX frames wholesale (its peer runs no XDP): auto keeps the program
        // off there, a forced one is watched.
        vethNative = cookies != null
                && (xdp.getFirst().config().xdpFlags() & bpf_h.XDP_FLAGS_DRV_MODE) != 0
                && "veth".equals(driver);
        if (vethNative && s.config().intValue(Knob.XDP_SYN_COOKIES) == 2) {
            // Generic (skb) mode sends XDP_TX frames through the device's normal transmit, which any veth peer
            // takes; native mode hands them to the peer's XDP receive, which exists only with a program there.
            LOG.info("xdp.syn_cookies: off on {}, a veth in native mode: it delivers XDP_TX frames only to a peer "
                    + "running an XDP program; --set xdp.syn_cookies=1 when the peer does", s.iface());
            closeCookies(); // the program stays, switched off: it redirects every frame
        }
        java.util.Optional<RssTable> rss = xdp != null && s.workers() > 1 ? RssTable.read(s.iface())
                : java.util.Optional.empty();
        if (xdp != null && s.workers() > 1 && rss.isEmpty()) {
            LOG.info("AF_XDP on {}: no Toeplitz RSS to read (ETHTOOL_GRSSH); the queue a reply arrives on is the "
                    + "device's choice, so outgoing connections cannot pick their worker", s.iface());
        }
        for (int i = 0; i < s.workers(); i++) {
            PacketIo io;
            ChecksumPolicy policy;
            if (xdp != null) {
                io = xdp.get(i);
                policy = xdpChecksums;
            } else {
                // Several workers: a PACKET_FANOUT_CBPF group steered by the TCP ports (PortSteering), joined
                // in worker order on this thread, so that socket i of the group is worker i.
                AfPacketConfig c = AfPacketConfig.defaults().withTpacketVersion(s.tpacket())
                        .withQdiscBypass(s.tx().qdiscBypass());
                c = s.tx().slots() > 0 ? c.withTxSlots(s.tx().slots()) : c;
                io = AfPacketIo.open(s.iface(), s.workers() > 1 ? c.withPortSteering(fanoutGroup, s.workers()) : c);
                policy = ChecksumPolicy.TRUST_FLAG;
            }
            PcapWriter pcap = pcap(s.pcap(), i);
            int cpu = s.cpus().isEmpty() ? -1 : s.cpus().get(i);
            StackWorker.Spec spec = new StackWorker.Spec(i, s.config(), routes, s.port(), cpu, pcap,
                    s.statsIntervalNs(), System.out, seeds.nextLong());
            InterfaceConfig ifc = new InterfaceConfig(s.iface(), io, mac, addresses, policy, NeighbourTiming.LINUX);
            StackWorker w;
            try {
                w = StackWorker.single(spec, ifc, apps.get(), System::nanoTime);
                if (cookies != null) {
                    // the engine's clock is System::nanoTime: CLOCK_MONOTONIC, bpf_ktime_get_ns's clock plus the
                    // offset of a time namespace, if any
                    XdpCookieMaps maps = new XdpCookieMaps(cookies.config(i), cookies.held(i),
                            IpCidr.v4(s.ip(), s.prefix()), s.port(), mac, s.gateway() != 0 || !s.routes().isEmpty(),
                            XdpSynCookies.monotonicOffsetNs(), seeds.nextInt(),
                            policy == ChecksumPolicy.ACCEPT_PARTIAL);
                    XdpCookieOffload o = new XdpCookieOffload(w.engine(), maps, s.ip(), s.port());
                    w.cookieOffload(o);
                    offloads.add(o);
                }
            } catch (RuntimeException e) {
                closeAll(i, xdp, io);
                throw e;
            }
            if (s.io() == Io.AF_XDP && s.workers() > 1 && rss.isPresent()) {
                // Worker i owns RX queue i: connect() picks 4-tuples the NIC's RSS delivers to that queue.
                RssTable table = rss.get();
                int self = i;
                w.engine().flowFilter((local, remote, localPort, remotePort)
                        -> table.queueOf(remote, local, remotePort, localPort) == self);
            }
            if (s.io() == Io.AF_PACKET && s.workers() > 1) {
                // connect() picks only local ports whose replies the program steers back to this worker.
                int n = s.workers();
                int self = i;
                w.engine().localPortFilter(ports -> PortSteering.workerOf(ports >>> 16, ports & 0xFFFF, n) == self);
            }
            if (shared != null) {
                w.neighbours().share(shared);
            }
            for (long[] n : s.neighbours()) {
                w.neighbours().addStatic((int) n[0], n[1]);
            }
            workers.add(w);
        }
    }

    /** After a failure while building worker {@code from}: closes its ring and the AF_XDP rings not yet owned. */
    private static void closeAll(int from, List<AfXdpIo> xdp, PacketIo failed) {
        if (failed != null && xdp == null) {
            failed.close();
        }
        if (xdp != null) {
            for (int j = from; j < xdp.size(); j++) {
                xdp.get(j).close();
            }
        }
    }

    private static PcapWriter pcap(Path file, int worker) {
        if (file == null) {
            return null;
        }
        Path f = worker == 0 ? file : Path.of(file + "." + worker);
        try {
            return new PcapWriter(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f, e);
        }
    }

    /**
     * The interface's MAC from sysfs ({@code ip netns exec} mounts the namespace's own /sys).
     *
     * @param iface the interface
     * @return its MAC
     */
    static long macOf(String iface) {
        Path p = Path.of("/sys/class/net", iface, "address");
        try {
            return EthernetHeader.parseMac(Files.readString(p).strip());
        } catch (IOException e) {
            throw new IllegalArgumentException("no interface " + iface + " (cannot read " + p + ")", e);
        }
    }

    private static void onError(Throwable t) {
        LOG.error("worker error", t);
    }

    /**
     * veth drops every frame XDP_TX hands it when the peer runs no NAPI, and counts it (with GRO alone on the
     * peer the frames vanish uncounted: xdp.syn_cookies=2 stays off on veth for that reason). Once a second,
     * while anything is answered, compare veth's XDP_TX failures ({@code rx_queue_N_xdp_tx_errors}) with the
     * answers; when nearly all fail, switch the program off for good and say so: the engine answers from then on
     * (clients retransmit the lost SYNs after a second). Started only for a veth in native mode: elsewhere
     * XDP_TX does not fail that way, and an ethtool process a second would be wasted.
     */
    private void watchXdpTx(String iface) {
        long errors = EthtoolStats.sum(iface, "rx_queue_N_xdp_tx_errors");
        if (errors < 0) {
            return;
        }
        long answered = 0;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            long a = 0;
            for (XdpCookieOffload o : offloads) {
                a += o.answered();
            }
            long e = EthtoolStats.sum(iface, "rx_queue_N_xdp_tx_errors");
            if (e < 0) {
                return;
            }
            if (a > answered && e - errors >= Math.max(1, (a - answered) * 9 / 10)) {
                offloads.forEach(XdpCookieOffload::refuse);
                LOG.warn("xdp.syn_cookies: {} dropped {} of {} SYN-ACKs sent with XDP_TX (a veth whose peer runs "
                        + "no XDP program); the engine answers SYNs from now on", iface, e - errors, a - answered);
                return;
            }
            errors = e;
            answered = a;
        }
    }

    private void closeCookies() {
        if (cookies != null) {
            cookies.close(); // the workers are done: nothing reads the mappings any more
            cookies = null;
        }
    }

    /** Blocks until the shutdown hook has stopped everything. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Stops the workers (each closes its ring on its own thread) and prints the counters. Idempotent. */
    public synchronized void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        for (AgentRunner r : runners) {
            r.close();
        }
        if (ingressDrop != null) {
            ingressDrop.close();
        }
        if (txWatch != null) {
            txWatch.interrupt();
            try {
                txWatch.join(6_000); // an ethtool in flight ends within 5 s; its line must come before "stopped"
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeCookies();
        StringBuilder sb = new StringBuilder("counters\n");
        for (StackWorker w : workers) {
            w.report(sb);
        }
        System.out.print(sb);
        System.out.println("stopped");
        System.out.flush();
        stopped.countDown();
    }

    /** @return the workers (after {@link #stop()}, or racy) */
    public List<StackWorker> workers() {
        return workers;
    }
}
