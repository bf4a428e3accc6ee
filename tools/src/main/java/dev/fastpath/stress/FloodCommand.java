package dev.fastpath.stress;

import dev.fastpath.cli.OutputFiles;
import dev.fastpath.io.CapabilityDrop;
import dev.fastpath.io.PacketIo;
import dev.fastpath.io.Privileges;
import dev.fastpath.io.afpacket.AfPacketConfig;
import dev.fastpath.io.afpacket.AfPacketIo;
import dev.fastpath.io.xdp.AfXdpConfig;
import dev.fastpath.io.xdp.AfXdpIo;
import dev.fastpath.nativeio.NativeException;
import dev.fastpath.nativeio.bpf_h;
import dev.fastpath.pcap.PcapWriter;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.Ipv4Header;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fastpath flood}: a bounded SYN flood from spoofed sources at a fixed rate or as fast as the TX
 * ring drains, counting the SYN-ACKs that come back. Exit codes: 0 done, 1 failure, 2 bad arguments
 * (including a rate × duration the tuple space cannot cover without repeating a 4-tuple).
 */
@Command(
        name = "flood",
        mixinStandardHelpOptions = true,
        description = {"Send a bounded SYN flood from spoofed sources (every 4-tuple once) and count SYN-ACKs.",
            "Lab only: destination and sources must lie in 198.18.0.0/15."})
public final class FloodCommand implements Callable<Integer> {

    /** The backends the generator can send through. */
    public enum Io {
        /** AF_XDP when it opens, AF_PACKET otherwise (the reason printed). */
        AUTO,
        /** AF_XDP (takes the frames for the --src block, ARP for it included; the kernel keeps the rest). */
        AF_XDP,
        /** AF_PACKET TPACKET_V3 (the kernel keeps its own stack on the interface). */
        AF_PACKET,
        /**
         * XDP live frames: the kernel sends the SYNs from a BPF program run by BPF_PROG_TEST_RUN, no skb per frame
         * (Linux 5.18+; the peer needs NAPI: an XDP program, or GRO on a veth); answers come in over AF_XDP.
         */
        XDP_LIVE,
        /** No device: build the frames only (with --pcap, write them). */
        NONE
    }

    /** When to print a progress line each second. */
    public enum Progress {
        /** When stdout is a terminal. */
        AUTO,
        /** Always (machine-readable lines for the bench harness). */
        ALWAYS,
        /** Never. */
        NEVER
    }

    private static final int LAB_NET = 0xC6120000;
    private static final int LAB_MASK = 0xFFFE0000;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--iface", paramLabel = "IF", description = "interface to send on (not needed with --io none)")
    private String iface;

    @Option(names = "--dst", required = true, paramLabel = "IP:PORT", description = "the victim")
    private String dst;

    @Option(names = "--rate", paramLabel = "N|max|unpaced", description = "SYNs per second; max: as fast as the TX "
        + "ring drains (xdp_live: as fast as the driver takes them, plus a quarter); unpaced: xdp_live as fast as this "
        + "core makes them, however many the driver drops (default: ${DEFAULT-VALUE})")
    private String rate = "10000";

    /** Which answers the receiver checks in full. */
    public enum Check {
        /** sample with xdp_live, all otherwise. */
        AUTO,
        /** Every answer goes to the socket and is checked in Java. */
        ALL,
        /** Answers counted in XDP, one source address in 16 checked in full ({@link SynAckCounter}). */
        SAMPLE
    }

    @Option(names = "--check", description = "auto, all or sample: all hands every answer to the AF_XDP socket and "
        + "checks it in Java; sample counts SYN-ACKs and RSTs in XDP (the acknowledgment number checked there) and "
        + "checks one source address in 16 in full (the others' valid-looking and ts-encoded counts are estimated "
        + "from it); auto: sample with xdp_live (AF_XDP receive of a million answers a second takes the generator's "
        + "core), all otherwise (default: ${DEFAULT-VALUE})")
    private Check check = Check.AUTO;
    /** The XDP counters of the answers, when they are counted there. */
    private SynAckCounter counter;
    private boolean counterAttached;
    private int victimIp;
    private int victimPort;

    @Option(names = "--duration", paramLabel = "S", description = "seconds to send (default: ${DEFAULT-VALUE})")
    private double duration = 5;

    @Option(names = "--warmup", paramLabel = "S",
            description = "seconds to send before measuring; not counted in the result (default: ${DEFAULT-VALUE})")
    private double warmup = 0;

    @Option(names = "--src", paramLabel = "CIDR", description = "spoofed source block (default: ${DEFAULT-VALUE})")
    private String src = "198.19.0.0/16";

    @Option(names = "--ports", paramLabel = "LO-HI", description = "source ports (default: ${DEFAULT-VALUE})")
    private String ports = TupleWalker.DEFAULT_PORT_LO + "-" + TupleWalker.DEFAULT_PORT_HI;

    @Option(names = "--io", description = "auto (AF_XDP, else AF_PACKET), af_xdp, af_packet, xdp_live (the kernel "
        + "sends from an XDP program run with live frames; the peer needs NAPI, e.g. GRO on a veth) or none "
        + "(default: ${DEFAULT-VALUE})")
    private Io io = Io.AUTO;
    /** The backend actually opened ({@link Io#AUTO} resolved). */
    private Io opened;

    @Option(names = "--xdp-mode", paramLabel = "auto|native|skb",
            description = "AF_XDP attach mode for the answers; auto tries native first (default: ${DEFAULT-VALUE})")
    private String xdpMode = "auto";

    @Option(names = "--options", description = "SYN options: linux or none (default: ${DEFAULT-VALUE})")
    private SynOptions options = SynOptions.LINUX;

    @Option(names = "--dst-mac", paramLabel = "MAC", description = "victim's MAC (default: resolved by ARP)")
    private String dstMac;

    @Option(names = "--src-mac", paramLabel = "MAC", description = "source MAC (default: the interface's)")
    private String srcMac;

    @Option(names = "--count", paramLabel = "N", description = "the most SYNs to send (default: no limit but time)")
    private long count = Long.MAX_VALUE;

    @Option(names = "--pcap", paramLabel = "FILE", description = "also write every sent frame to this pcap file")
    private Path pcapFile;

    @Option(names = "--json", paramLabel = "FILE", description = "write the result as JSON to this file")
    private Path jsonFile;

    @Option(names = "--linger-ms",
            description = "keep counting answers this long after sending (default: ${DEFAULT-VALUE})")
    private int lingerMs = 300;

    @Option(names = "--progress", description = "auto, always or never (default: ${DEFAULT-VALUE})")
    private Progress progress = Progress.AUTO;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        FloodSettings settings;
        TupleWalker walker;
        try {
            walker = walker();
            settings = settings(walker);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "flood: " + e.getMessage());
        }
        String missing = privilegeProblem();
        if (missing != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), missing);
        }
        if (settings.dstMac() < 0 && (io == Io.AF_XDP || io == Io.XDP_LIVE || io == Io.AUTO)) {
            // The AF_XDP program takes only the spoofed block's frames: the ARP reply to the interface's own
            // address goes to the kernel, so resolve through AF_PACKET before it is attached.
            try (PacketIo arp = openPacket()) {
                FloodReceiver r = new FloodReceiver(walker, settings.dstIp(), settings.dstPort(), options,
                    settings.srcMac(), ChecksumPolicy.TRUST_FLAG);
                r.answerArpOn(arp);
                settings = withDstMac(settings, ArpResolver.resolve(arp, r, iface, settings));
            } catch (ArpResolver.UnresolvedException e) {
                System.err.println("flood: " + e.getMessage());
                return 1;
            }
        }
        victimIp = settings.dstIp();
        victimPort = settings.dstPort();
        PacketIo device;
        try {
            if (check == Check.SAMPLE || check == Check.AUTO && io == Io.XDP_LIVE) {
                counter = SynAckCounter.create();
            }
            device = open();
        } catch (NativeException e) {
            // A socket the kernel refuses (the queue taken by another AF_XDP socket, no CAP_NET_RAW): say so.
            System.err.println("flood: cannot open " + iface + " with --io " + io.name().toLowerCase() + ": "
                + e.getMessage());
            if (counter != null) {
                counter.close();
            }
            return 1;
        }
        try (SynAckCounter counted = counter;
             PacketIo packetIo = device;
             PcapWriter pcap = pcapFile == null ? null : new PcapWriter(pcapFile)) {
            FloodReceiver receiver = new FloodReceiver(walker, settings.dstIp(), settings.dstPort(), options,
                settings.srcMac(),
                opened == Io.AF_XDP || opened == Io.XDP_LIVE ? ChecksumPolicy.ACCEPT_PARTIAL
                    : ChecksumPolicy.TRUST_FLAG);
            receiver.answerArpOn(packetIo);
            if (counterAttached) {
                receiver.countedInXdp(counted);
            }
            if (settings.dstMac() < 0) {
                settings = withDstMac(settings, ArpResolver.resolve(packetIo, receiver, iface, settings));
            }
            FloodGenerator gen = new FloodGenerator(settings, packetIo, walker, receiver, pcap, out);
            if (opened == Io.XDP_LIVE) {
                try {
                    gen.useLiveFrames(iface);
                } catch (RuntimeException e) {
                    gen.close();
                    System.err.println("flood: XDP live frames unavailable on " + iface + ": " + e.getMessage());
                    return 1;
                }
            }
            if (opened == Io.AF_PACKET || opened == Io.AF_XDP) {
                dropCapabilities(packetIo);
            }
            FloodResult result = gen.run();
            out.println(result.summary());
            if (packetIo instanceof AfXdpIo x) {
                out.println("  " + x.stats()); // the backend's own counters: kicks refused, kernel drops
            }
            if (opened == Io.XDP_LIVE && result.sent() == 0 && result.driverDrops() > 0 && result.synAcks() == 0) {
                System.err.println("flood: the driver dropped every SYN: does the peer run NAPI? A veth peer needs an "
                    + "XDP program or GRO (ethtool -K PEER gro on)");
            }
            if (jsonFile != null) {
                Files.writeString(jsonFile, result.toJson() + "\n", StandardCharsets.UTF_8);
            }
            return 0;
        } catch (ArpResolver.UnresolvedException e) {
            System.err.println("flood: " + e.getMessage());
            return 1;
        }
    }

    private TupleWalker walker() {
        int dash = ports.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("--ports must be LO-HI, not '" + ports + "'");
        }
        TupleWalker w = TupleWalker.ofCidr(src, port("--ports", ports.substring(0, dash)),
            port("--ports", ports.substring(dash + 1)));
        int last = w.firstAddress() + w.addressCount() - 1;
        if (!inLab(w.firstAddress()) || !inLab(last)) {
            throw new IllegalArgumentException("--src " + src + " leaves the lab range 198.18.0.0/15");
        }
        return w;
    }

    /** A port, or an error naming the option (a bare NumberFormatException names none). */
    private static int port(String option, String text) {
        try {
            int p = Integer.parseInt(text.strip());
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + ": '" + text + "' is not a port (0..65535)");
    }

    private FloodSettings settings(TupleWalker walker) {
        int colon = dst.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--dst must be IP:PORT, not '" + dst + "'");
        }
        int dstIp;
        try {
            dstIp = Ipv4Header.parseAddress(dst.substring(0, colon).strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--dst: '" + dst.substring(0, colon) + "' is not an IPv4 address");
        }
        int dstPort = port("--dst port", dst.substring(colon + 1));
        if (!inLab(dstIp)) {
            throw new IllegalArgumentException("--dst " + dst + " is outside the lab range 198.18.0.0/15");
        }
        if (dstPort < 1 || dstPort > 65535) {
            throw new IllegalArgumentException("--dst port " + dstPort + " is outside 1..65535");
        }
        if (io == Io.XDP_LIVE && pcapFile != null) {
            throw new IllegalArgumentException("--pcap needs --io af_xdp, af_packet or none: with xdp_live the kernel "
                + "builds the frames");
        }
        if (io != Io.NONE && iface == null) {
            throw new IllegalArgumentException("--iface is required with --io " + io.name().toLowerCase());
        }
        long perSecond = "max".equalsIgnoreCase(rate) ? FloodSettings.MAX
            : "unpaced".equalsIgnoreCase(rate) ? FloodSettings.UNPACED : parseRate(rate);
        if (perSecond == FloodSettings.UNPACED && io != Io.XDP_LIVE) {
            throw new IllegalArgumentException("--rate unpaced needs --io xdp_live (the other backends are paced by "
                + "their TX ring: use max)");
        }
        if (check == Check.SAMPLE && (io == Io.AF_PACKET || io == Io.NONE)) {
            throw new IllegalArgumentException("--check sample needs AF_XDP answers (--io xdp_live, af_xdp or auto)");
        }
        if (!(duration > 0 && duration <= 3600)) {
            throw new IllegalArgumentException("--duration must be in (0, 3600] seconds");
        }
        if (!List.of("auto", "native", "skb").contains(xdpMode)) {
            throw new IllegalArgumentException("--xdp-mode must be auto, native or skb, not '" + xdpMode + "'");
        }
        if (!(warmup >= 0 && warmup <= 600)) {
            throw new IllegalArgumentException("--warmup must be in [0, 600] seconds");
        }
        long durationNs = (long) (duration * 1e9);
        long planned = perSecond <= 0 ? count : (long) Math.ceil(perSecond * (duration + warmup));
        if (perSecond > 0 && planned > walker.size() || count != Long.MAX_VALUE && count > walker.size()) {
            throw new IllegalArgumentException(String.format("%d SYNs (rate × duration or --count) exceed the tuple "
                + "space of %d (%d addresses × %d ports in --src %s, --ports %s): widen --src or --ports, or "
                + "send fewer", Math.max(planned, count == Long.MAX_VALUE ? 0 : count), walker.size(),
                walker.addressCount(), walker.portCount(), src, ports));
        }
        if (count < 1) {
            throw new IllegalArgumentException("--count must be positive");
        }
        for (String problem : new String[] {OutputFiles.problem("--json", jsonFile),
            OutputFiles.problem("--pcap", pcapFile)}) {
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
        long sMac = srcMac != null ? EthernetHeader.parseMac(srcMac) : interfaceMac();
        long dMac = dstMac != null ? EthernetHeader.parseMac(dstMac) : (io == Io.NONE ? EthernetHeader.BROADCAST : -1);
        return new FloodSettings(dstIp, dstPort, sMac, dMac, options, perSecond, durationNs, (long) (warmup * 1e9),
            Math.min(count, walker.size()), lingerMs * 1_000_000L, progressEvery());
    }

    private static long parseRate(String rate) {
        long perSecond;
        try {
            perSecond = Long.parseLong(rate);
        } catch (NumberFormatException e) {
            perSecond = 0;
        }
        if (perSecond < 1) {
            throw new IllegalArgumentException("--rate must be a positive number, max or unpaced, not '" + rate + "'");
        }
        return perSecond;
    }

    private int progressEvery() {
        return switch (progress) {
            case ALWAYS -> 1;
            case NEVER -> 0;
            case AUTO -> System.console() != null ? 1 : 0;
        };
    }

    private long interfaceMac() {
        if (iface == null) {
            return 0x020000000001L;
        }
        Path p = Path.of("/sys/class/net", iface, "address");
        try {
            return EthernetHeader.parseMac(Files.readString(p).strip());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the MAC of " + iface + " (" + p + "); give --src-mac");
        }
    }

    private PacketIo open() {
        opened = io;
        return switch (io) {
            case NONE -> new DiscardIo();
            case AF_PACKET -> openPacket();
            // Only the answers to the spoofed block (and ARP for it): the kernel keeps the interface's own traffic.
            case AF_XDP, XDP_LIVE -> openXdp();
            case AUTO -> {
                try {
                    opened = Io.AF_XDP;
                    yield openXdp();
                } catch (RuntimeException e) {
                    System.err.println("flood: AF_XDP unavailable on " + iface + " (" + e.getMessage()
                        + "); sending through AF_PACKET");
                    opened = Io.AF_PACKET;
                    yield openPacket();
                }
            }
        };
    }

    /**
     * Least privilege: with the ring open (and ARP resolved), sending and receiving need no capability; CAP_NET_ADMIN
     * stays only to detach an XDP program attached through netlink. The live-frames backend keeps what it has
     * (BPF_PROG_RUN each batch; its needs after loading are not measured).
     */
    private static void dropCapabilities(PacketIo packetIo) {
        boolean netlink = packetIo instanceof AfXdpIo x && x.detachNeedsNetAdmin();
        try {
            CapabilityDrop.Result r = netlink ? CapabilityDrop.keepOnly(Privileges.Cap.NET_ADMIN)
                : CapabilityDrop.keepOnly();
            System.err.println("flood: " + CapabilityDrop.describe(r));
        } catch (RuntimeException e) {
            System.err.println("flood: capabilities kept: " + e.getMessage());
        }
    }

    /** What the chosen backend needs that this process lacks, before anything is opened (null: nothing). */
    private String privilegeProblem() {
        Privileges p = Privileges.ofThisProcess();
        switch (io) {
            case AF_XDP -> p.afXdp(iface, (long) AfXdpConfig.defaults().frameSize()
                * (RX_FRAMES + AfXdpConfig.defaults().txFrames()));
            case XDP_LIVE -> p.afXdp(iface, (long) AfXdpConfig.defaults().frameSize()
                * (RX_FRAMES + AfXdpConfig.defaults().txFrames())).need(Privileges.Cap.PERFMON,
                "the live-frames program: without it the verifier refuses it as too complex");
            case AF_PACKET, AUTO -> p.afPacket(iface, false); // auto falls back to AF_PACKET
            default -> {
                return null;
            }
        }
        return p.problem("flood --io " + io.name().toLowerCase(java.util.Locale.ROOT));
    }

    private PacketIo openPacket() {
        return AfPacketIo.open(iface, new AfPacketConfig(1 << 18, 32, 2048, 1, 2048, 4096, 1 << 16, true, true, -1, 0));
    }

    /**
     * Receive chunks: with 2048 the fill ring ran empty 50-120 k times in a 9 s flood answered at 0.5-0.6 M/s,
     * and SYN-ACKs dropped here count as not answered.
     */
    private static final int RX_FRAMES = 8192;

    private PacketIo openXdp() {
        int slash = src.indexOf('/'); // already validated by TupleWalker.ofCidr
        int net = Ipv4Header.parseAddress(slash < 0 ? src : src.substring(0, slash));
        int prefix = slash < 0 ? 32 : Integer.parseInt(src.substring(slash + 1).strip());
        AfXdpConfig skb = AfXdpConfig.defaults().withRxFrames(RX_FRAMES);
        AfXdpConfig drv = skb.withXdpFlags(bpf_h.XDP_FLAGS_DRV_MODE);
        return switch (xdpMode) {
            case "skb" -> openXdp(skb, net, prefix);
            case "native" -> openXdp(drv, net, prefix);
            default -> {
                try {
                    yield openXdp(drv, net, prefix);
                } catch (RuntimeException e) {
                    System.err.println("flood: AF_XDP native mode refused on " + iface + " (" + e.getMessage()
                        + "); using skb (generic) mode");
                    yield openXdp(skb, net, prefix);
                }
            }
        };
    }

    /** The socket behind the block program, or behind {@link SynAckCounter}'s when answers are counted in XDP. */
    private PacketIo openXdp(AfXdpConfig config, int net, int prefix) {
        if (counter == null) {
            return AfXdpIo.openForBlock(iface, config, net, prefix);
        }
        AfXdpIo x = AfXdpIo.openWithProgram(iface, config,
            xsks -> counter.program(xsks, victimIp, victimPort, net, prefix), "XDP SYN-ACK counter");
        counterAttached = true;
        return x;
    }

    private static FloodSettings withDstMac(FloodSettings s, long mac) {
        return new FloodSettings(s.dstIp(), s.dstPort(), s.srcMac(), mac, s.options(), s.ratePerSecond(),
            s.durationNs(), s.warmupNs(), s.maxCount(), s.lingerNs(), s.progressEveryS());
    }

    static boolean inLab(int address) {
        return (address & LAB_MASK) == LAB_NET;
    }
}
