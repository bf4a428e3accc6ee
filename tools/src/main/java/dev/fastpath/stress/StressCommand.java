package dev.fastpath.stress;

import dev.fastpath.cli.OutputFiles;
import dev.fastpath.iface.IpCidr;
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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fastpath stress}: SYN-cookie stress testing of a target. Sends SYNs from spoofed, never repeated tuples
 * whose ISN is a keyed hash of the tuple ({@link TupleIsn}); counts the SYN-ACKs that answer them; with
 * {@code --complete} answers each with the handshake's final ACK and closes ({@link Completer}), so the target's
 * whole cookie path is loaded, and counts the connections it showed established. Exit codes: 0 the run passed,
 * 1 it did not (no answer, nothing completed, an SLO missed, a device error), 2 bad arguments or a refused target.
 */
@Command(
        name = "stress",
        mixinStandardHelpOptions = true,
        subcommands = {StressMergeCommand.class},
        description = {"SYN-cookie stress test of a target: a flood from spoofed tuples, cookie-completing clients "
            + "(--complete), answers counted per second.",
            "Targets outside 198.18.0.0/15 need --allow-target CIDR and a confirmation (or --yes)."})
public final class StressCommand implements Callable<Integer> {

    /** The backends the generator can use. */
    public enum Io {
        /** AF_XDP when it opens, AF_PACKET otherwise. */
        AUTO,
        /** AF_XDP on the spoofed block (the kernel keeps the interface's own traffic). */
        AF_XDP,
        /** AF_PACKET (the kernel keeps its own stack on the interface). */
        AF_PACKET,
        /** No device: build the SYNs only (with --pcap, write them); nothing is sent. */
        NONE
    }

    /** The lowest rate the default bounds start from. */
    static final long DEFAULT_RATE = 1000;
    /** The most SYNs {@code --rate max} sends unless {@code --count} says otherwise. */
    static final long DEFAULT_MAX_COUNT = 10_000_000L;
    private static final int RX_FRAMES = 8192;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--iface", paramLabel = "IF", description = "interface to send on (not needed with --io none)")
    private String iface;

    @Option(names = "--target", paramLabel = "ADDR:PORT", description = "the system under test")
    private String target;

    @Option(names = "--duration", paramLabel = "S", description = "seconds to send, at most 3600 "
        + "(default: ${DEFAULT-VALUE})")
    private double duration = 10;

    @Option(names = "--rate", paramLabel = "N|max", description = "SYNs per second, or max: as fast as the TX ring "
        + "drains (default: ${DEFAULT-VALUE}, deliberately low)")
    private String rate = Long.toString(DEFAULT_RATE);

    @Option(names = "--step", paramLabel = "INC/S", description = "a staircase: raise the rate by INC every S "
        + "seconds (e.g. 5000/3)")
    private String step;

    @Option(names = "--count", paramLabel = "N", description = "the most SYNs to send (default: rate × duration; "
        + DEFAULT_MAX_COUNT + " with --rate max)")
    private Long count;

    @Option(names = "--src", paramLabel = "CIDR", description = "spoofed source block (default: ${DEFAULT-VALUE})")
    private String src = "198.19.0.0/16";

    @Option(names = "--ports", paramLabel = "LO-HI", description = "source ports (default: ${DEFAULT-VALUE})")
    private String ports = TupleWalker.DEFAULT_PORT_LO + "-" + TupleWalker.DEFAULT_PORT_HI;

    @Option(names = "--shard", paramLabel = "I/N", description = "walk only slice I of N (0-based) of the source "
        + "ports, so N generators send disjoint tuples; merge their reports with `stress merge`")
    private String shard;

    @Option(names = "--complete", description = "answer each SYN-ACK with the final ACK and close: load the "
        + "target's whole cookie path, count the connections it completes")
    private boolean complete;

    @Option(names = "--request", paramLabel = "TEXT", description = "bytes sent with the final ACK (\\r and \\n "
        + "understood), e.g. 'GET / HTTP/1.0\\r\\n\\r\\n'")
    private String request = "";

    @Option(names = "--close", paramLabel = "fin|rst", description = "how the completing clients close: fin right "
        + "after the ACK, or rst once the target answered the request (needs --request) (default: ${DEFAULT-VALUE})")
    private String close = "fin";

    @Option(names = "--matrix", description = "the cookie correctness matrix instead of a flood: SYNs of every shape "
        + "(MSS, window scale, SACK, timestamps, ECN), each completed through the cookie, then what the target honours "
        + "(docs/stress.md); exit 1 when the target broke the MSS a SYN asked for or took a forged cookie")
    private boolean matrix;

    @Option(names = "--forged", paramLabel = "N", description = "with --matrix: ACKs with forged cookies to send "
        + "(default: ${DEFAULT-VALUE})")
    private int forgedAcks = 2000;

    @Option(names = "--cookie-ages", split = ",", paramLabel = "S[,S...]", description = "with --matrix: also answer "
        + "SYN-ACKs only S seconds late (4 tuples per age, 0..3600) and report what the target does with such old "
        + "cookies (accepted, reset, silent); the run lasts the oldest age and a few seconds, whatever --duration says")
    private List<Integer> cookieAges = new ArrayList<>();

    @Option(names = "--options", description = "SYN options: linux or none (default: ${DEFAULT-VALUE})")
    private SynOptions options = SynOptions.LINUX;

    @Option(names = "--io", description = "auto, af_xdp, af_packet or none (default: ${DEFAULT-VALUE})")
    private Io io = Io.AUTO;

    @Option(names = "--xdp-mode", paramLabel = "auto|native|skb", description = "AF_XDP attach mode "
        + "(default: ${DEFAULT-VALUE})")
    private String xdpMode = "auto";

    @Option(names = "--dst-mac", paramLabel = "MAC", description = "the target's (or next hop's) MAC "
        + "(default: resolved by ARP)")
    private String dstMac;

    @Option(names = "--src-mac", paramLabel = "MAC", description = "source MAC (default: the interface's)")
    private String srcMac;

    @Option(names = "--allow-target", paramLabel = "CIDR", description = "also allow targets and sources in this "
        + "block (repeatable); the run then asks for confirmation unless --yes")
    private List<String> allowTargets = new ArrayList<>();

    @Option(names = "--yes", description = "do not ask for confirmation of a target outside 198.18.0.0/15")
    private boolean yes;

    @Option(names = "--linger-ms", description = "keep receiving and completing this long after the last SYN "
        + "(default: ${DEFAULT-VALUE})")
    private int lingerMs = 500;

    @Option(names = "--pcap", paramLabel = "FILE", description = "also write every SYN sent to this pcap file")
    private Path pcapFile;

    @Option(names = "--json", paramLabel = "FILE", description = "write the summary as JSON to this file")
    private Path jsonFile;

    @Option(names = "--legit-rate", paramLabel = "N", description = "legitimate clients per second on Fastpath's "
        + "own engine (at --legit-ip, AF_PACKET): connect, request, first byte of the response; their success and "
        + "latency are the verdict (default: none)")
    private long legitRate;

    @Option(names = "--legit-ip", paramLabel = "ADDR/PREFIX", description = "the legitimate clients' address, on the "
        + "target's subnet (e.g. 198.18.0.3/24)")
    private String legitIp;

    @Option(names = "--legit-request", paramLabel = "TEXT", description = "what each legitimate client sends "
        + "(default: ${DEFAULT-VALUE})")
    private String legitRequest = "GET / HTTP/1.0\\r\\n\\r\\n";

    @Option(names = "--legit-timeout-ms", paramLabel = "MS", description = "a legitimate client fails without the "
        + "response's first byte this long after connect() (default: ${DEFAULT-VALUE})")
    private int legitTimeoutMs = 3000;

    @Option(names = "--slo", paramLabel = "KEY=VALUE", description = "an objective the run must meet (exit 1 "
        + "otherwise): legit-success=PCT (at least), p99-ms=MS (time to first byte, at most); repeatable")
    private List<String> slos = new ArrayList<>();

    @Option(names = "--markdown", paramLabel = "FILE", description = "write a Markdown summary here")
    private Path markdownFile;

    @Option(names = "--plot", paramLabel = "FILE", description = "write a PNG plot (rates, completions, legitimate "
        + "latency over time) here")
    private Path plotFile;

    @Option(names = "--json-lines", paramLabel = "FILE", description = "write one JSON line per second to this "
        + "file while running")
    private Path jsonLinesFile;

    /** The backend actually opened. */
    private Io opened;

    @Override
    public Integer call() throws IOException {
        Plan p;
        try {
            p = plan();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "stress: " + e.getMessage());
        }
        String refused = p.policy.refusal(p.targetIp, p.walker.firstAddress(),
            p.walker.firstAddress() + p.walker.addressCount() - 1);
        if (refused != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "stress: " + refused);
        }
        if (p.policy.needsConfirmation(p.targetIp) && !yes && !TargetPolicy.confirm("stress: about to send up to "
                + p.maxCount + " SYNs to " + target + ", outside the benchmark range 198.18.0.0/15.",
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.err)) {
            System.err.println("stress: not confirmed; nothing sent");
            return 2;
        }
        if (io != Io.NONE) {
            String missing = privilegeProblem();
            if (missing != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), missing);
            }
        }
        return run(p);
    }

    /** Everything the arguments decide, checked. */
    private record Plan(int targetIp, int targetPort, TupleWalker walker, StressRun.RatePlan rates, long maxCount,
            long durationNs, long srcMac, long dstMac, byte[] request, Completer.Close close, TargetPolicy policy,
            StressSlo slo) {
    }

    private void checkMatrixOptions() {
        if (matrix && (forgedAcks < 0 || forgedAcks > 1_000_000)) {
            throw new IllegalArgumentException("--forged must be in 0..1000000");
        }
        if (!cookieAges.isEmpty() && (!matrix || cookieAges.size() > 16
                || cookieAges.stream().anyMatch(a -> a == null || a < 0 || a > 3600))) {
            throw new IllegalArgumentException(
                "--cookie-ages needs --matrix and at most 16 ages, each 0..3600 seconds");
        }
    }

    private Plan plan() {
        if (target == null) {
            throw new IllegalArgumentException("--target ADDR:PORT is required");
        }
        int colon = target.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--target must be ADDR:PORT, not '" + target + "'");
        }
        int targetIp;
        try {
            targetIp = Ipv4Header.parseAddress(target.substring(0, colon).strip());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--target: '" + target.substring(0, colon) + "' is not an IPv4 "
                + "address");
        }
        int targetPort = port("--target port", target.substring(colon + 1));
        if (targetPort < 1) {
            throw new IllegalArgumentException("--target port must be in 1..65535");
        }
        TargetPolicy policy = new TargetPolicy(allowTargets);
        TupleWalker walker = walker();
        if (!(duration > 0 && duration <= 3600)) {
            throw new IllegalArgumentException("--duration must be in (0, 3600] seconds");
        }
        if (lingerMs < 0 || lingerMs > 5000) {
            throw new IllegalArgumentException("--linger-ms must be in [0, 5000]");
        }
        if (io != Io.NONE && iface == null) {
            throw new IllegalArgumentException("--iface is required with --io " + io.name().toLowerCase());
        }
        if (!List.of("auto", "native", "skb").contains(xdpMode)) {
            throw new IllegalArgumentException("--xdp-mode must be auto, native or skb, not '" + xdpMode + "'");
        }
        StressRun.RatePlan rates = rates();
        long planned = rates.start() == 0 ? DEFAULT_MAX_COUNT : plannedSyns(rates);
        long max = count != null ? count : planned;
        if (max < 1) {
            throw new IllegalArgumentException("--count must be positive");
        }
        if (max > walker.size()) {
            throw new IllegalArgumentException(String.format("%d SYNs (rate × duration or --count) exceed the tuple "
                + "space of %d (%d addresses × %d ports): widen --src or --ports, or send fewer", max, walker.size(),
                walker.addressCount(), walker.portCount()));
        }
        checkMatrixOptions();
        StressSlo slo = StressSlo.parse(slos);
        if (slo.any() && legitRate <= 0) {
            throw new IllegalArgumentException("--slo needs --legit-rate: the objectives are the legitimate clients'");
        }
        if (legitRate < 0 || legitRate > 1_000_000) {
            throw new IllegalArgumentException("--legit-rate must be in 0..1000000");
        }
        if (legitRate > 0 && (legitIp == null || io == Io.NONE)) {
            throw new IllegalArgumentException(
                "--legit-rate needs --legit-ip ADDR/PREFIX and a device (not --io none)");
        }
        if (legitTimeoutMs < 1 || legitTimeoutMs > 60_000) {
            throw new IllegalArgumentException("--legit-timeout-ms must be in 1..60000");
        }
        if (legitIp != null) {
            try {
                int a = IpCidr.parse(legitIp).address().v4();
                if (!TargetPolicy.inLab(a) && !policy.inAllowed(a)) {
                    throw new IllegalArgumentException("--legit-ip " + legitIp + " is outside " + TargetPolicy.LAB
                        + " and every --allow-target block");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(e.getMessage() != null && e.getMessage().startsWith("--legit-ip")
                    ? e.getMessage() : "--legit-ip '" + legitIp + "' is not ADDR/PREFIX", e);
            }
        }
        for (String problem : new String[] {OutputFiles.problem("--json", jsonFile),
            OutputFiles.problem("--json-lines", jsonLinesFile), OutputFiles.problem("--pcap", pcapFile),
            OutputFiles.problem("--markdown", markdownFile), OutputFiles.problem("--plot", plotFile)}) {
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
        Completer.Close how = switch (close.toLowerCase(java.util.Locale.ROOT)) {
            case "fin" -> Completer.Close.FIN;
            case "rst" -> Completer.Close.RST;
            default -> throw new IllegalArgumentException("--close must be fin or rst, not '" + close + "'");
        };
        byte[] req = unescape(request).getBytes(StandardCharsets.ISO_8859_1);
        if (complete && how == Completer.Close.RST && req.length == 0) {
            throw new IllegalArgumentException("--close rst needs --request: an established connection answers "
                + "nothing to a bare ACK");
        }
        if (req.length > 1000) {
            throw new IllegalArgumentException("--request is limited to 1000 bytes (one segment)");
        }
        long sMac = srcMac != null ? mac("--src-mac", srcMac) : interfaceMac();
        long dMac = dstMac != null ? mac("--dst-mac", dstMac) : (io == Io.NONE ? EthernetHeader.BROADCAST : -1);
        return new Plan(targetIp, targetPort, walker, rates, max, (long) (duration * 1e9), sMac, dMac, req, how,
            policy, slo);
    }

    private long plannedSyns(StressRun.RatePlan rates) {
        long total = 0;
        int seconds = (int) Math.ceil(duration);
        for (int s = 0; s < seconds; s++) {
            total += rates.rateAt(s);
        }
        return total;
    }

    private StressRun.RatePlan rates() {
        long start;
        if ("max".equalsIgnoreCase(rate)) {
            start = 0;
        } else {
            try {
                start = Long.parseLong(rate.strip());
            } catch (NumberFormatException e) {
                start = -1;
            }
            if (start < 1) {
                throw new IllegalArgumentException("--rate must be a positive number or max, not '" + rate + "'");
            }
        }
        if (step == null) {
            return StressRun.RatePlan.fixed(start);
        }
        if (start == 0) {
            throw new IllegalArgumentException("--step needs a numeric --rate to start from");
        }
        String[] parts = step.split("/");
        try {
            long inc = Long.parseLong(parts[0].strip());
            int every = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : -1;
            if (parts.length != 2 || inc < 1 || every < 1) {
                throw new NumberFormatException();
            }
            return new StressRun.RatePlan(start, inc, every);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--step must be INC/SECONDS with both positive, e.g. 5000/3, not '"
                + step + "'");
        }
    }

    private TupleWalker walker() {
        int dash = ports.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("--ports must be LO-HI, not '" + ports + "'");
        }
        int lo = port("--ports", ports.substring(0, dash));
        int hi = port("--ports", ports.substring(dash + 1));
        if (lo < 1 || lo > hi) {
            throw new IllegalArgumentException("--ports " + ports + " must be LO-HI within 1-65535");
        }
        if (shard != null) {
            int[] in = shard(shard, hi - lo + 1);
            int size = (hi - lo + 1) / in[1];
            lo = lo + in[0] * size;
            hi = in[0] == in[1] - 1 ? hi : lo + size - 1;
        }
        return TupleWalker.ofCidr(src, lo, hi);
    }

    /** @return {I, N} of {@code --shard I/N} */
    static int[] shard(String text, int portCount) {
        String[] parts = text.split("/");
        try {
            int i = Integer.parseInt(parts[0].strip());
            int n = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : -1;
            if (parts.length == 2 && n >= 1 && i >= 0 && i < n && n <= portCount) {
                return new int[] {i, n};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--shard must be I/N with 0 <= I < N <= the number of source ports, not '"
            + text + "'");
    }

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

    private static long mac(String option, String text) {
        try {
            return EthernetHeader.parseMac(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a MAC address");
        }
    }

    static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");
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

    private String privilegeProblem() {
        Privileges p = Privileges.ofThisProcess();
        if (io == Io.AF_XDP) {
            p.afXdp(iface, (long) AfXdpConfig.defaults().frameSize() * (RX_FRAMES + AfXdpConfig.defaults().txFrames()));
        } else {
            p.afPacket(iface, false);
        }
        return p.problem("stress --io " + io.name().toLowerCase(java.util.Locale.ROOT));
    }

    private int run(Plan p) throws IOException {
        PrintStream out = System.out;
        long dMac = p.dstMac;
        TupleIsn isn = TupleIsn.randomKey(p.targetIp, p.targetPort);
        FloodSettings forArp = new FloodSettings(p.targetIp, p.targetPort, p.srcMac, dMac, options, 1,
            p.durationNs, 0, p.maxCount, 0, 0);
        if (dMac < 0 && io != Io.NONE) {
            // Resolved before the AF_XDP program is attached: the ARP reply to our own address goes to the kernel.
            try (PacketIo arp = openPacket()) {
                FloodReceiver r = new FloodReceiver(p.walker, p.targetIp, p.targetPort, options, p.srcMac,
                    ChecksumPolicy.TRUST_FLAG);
                r.answerArpOn(arp);
                dMac = ArpResolver.resolve(arp, r, iface, forArp);
            } catch (ArpResolver.UnresolvedException e) {
                System.err.println("stress: " + e.getMessage());
                return 1;
            }
        }
        PacketIo device;
        try {
            device = open(p);
        } catch (NativeException | IllegalStateException e) {
            System.err.println("stress: cannot open " + iface + " with --io " + io.name().toLowerCase() + ": "
                + e.getMessage());
            return 1;
        }
        if (matrix) {
            return runMatrix(p, device, dMac, isn);
        }
        StressReport report;
        LegitRun legit = null;
        List<StressRun.Sample> samples = new ArrayList<>();
        try (PacketIo packetIo = device;
             PcapWriter pcap = pcapFile == null ? null : new PcapWriter(pcapFile);
             SynTemplate template = new SynTemplate(p.srcMac, dMac, p.targetIp, p.targetPort, options);
             Writer lines = jsonLinesFile == null ? null : Files.newBufferedWriter(jsonLinesFile)) {
            FloodReceiver receiver = new FloodReceiver(p.walker, p.targetIp, p.targetPort, options, p.srcMac,
                opened == Io.AF_XDP ? ChecksumPolicy.ACCEPT_PARTIAL : ChecksumPolicy.TRUST_FLAG);
            receiver.answerArpOn(packetIo);
            receiver.isn(isn);
            Completer completer = null;
            if (complete) {
                completer = new Completer(packetIo, new SegmentWriter(p.srcMac, dMac), isn, p.targetIp,
                    p.targetPort, p.request, p.close, options == SynOptions.LINUX ? SynTemplate.WSCALE
                        : SegmentWriter.ABSENT);
                receiver.segmentHook(completer);
            }
            if (legitRate > 0) {
                legit = startLegit(p);
                if (legit == null) {
                    return 1;
                }
            }
            out.printf("stress: %s -> %s, %s, up to %d SYNs in %.1f s%s%s%n", src, target, rateText(p.rates),
                p.maxCount, duration, complete ? ", completing (close " + p.close.name().toLowerCase() + ")" : "",
                legit == null ? "" : ", " + legitRate + " legitimate clients/s from " + legitIp);
            out.flush();
            StressRun.SecondListener perSecond = perSecond(samples, legit, lines);
            StressRun run = new StressRun(packetIo, p.walker, receiver, completer, template, isn, p.rates,
                p.durationNs, p.maxCount, lingerMs * 1_000_000L, pcap, perSecond);
            StressRun.Totals totals = run.run();
            if (legit != null) {
                legit.finish();
            }
            report = StressReport.of(target, opened.name().toLowerCase(java.util.Locale.ROOT), shard, totals,
                receiver, completer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            if (legit != null) {
                legit.close();
            }
        }
        return finishReport(p, report, legit);
    }

    private static void mergeLegitSeconds(Map<String, Object> summary, LegitRun legit) {
        List<?> base = (List<?>) summary.get("per_second");
        for (int i = 0; i < base.size() && i < legit.seconds().size(); i++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> e = (Map<String, Object>) base.get(i);
            LegitRun.Second ls = legit.seconds().get(i);
            e.put("legit_ok", ls.successes());
            e.put("legit_failed", ls.failures());
            e.put("legit_p99_ms", ls.p99Ms());
        }
    }

    private LegitRun startLegit(Plan p) {
        try {
            return LegitRun.start(iface, IpCidr.parse(legitIp), p.targetIp, p.targetPort, legitRate,
                unescape(legitRequest).getBytes(StandardCharsets.ISO_8859_1), legitTimeoutMs * 1_000_000L);
        } catch (RuntimeException e) {
            System.err.println("stress: cannot start the legitimate clients: " + e.getMessage());
            return null;
        }
    }

    /** Each second: the sample kept, the legitimate clients' second taken, the JSON line written. */
    private static StressRun.SecondListener perSecond(List<StressRun.Sample> samples, LegitRun legit, Writer lines) {
        return s -> {
            samples.add(s);
            Map<String, Object> line = StressReport.sampleMap(s);
            if (legit != null) {
                LegitRun.Second ls = legit.second();
                line.put("legit_ok", ls.successes());
                line.put("legit_failed", ls.failures());
                line.put("legit_p99_ms", ls.p99Ms());
            }
            if (lines != null) {
                writeLine(lines, StressReport.json(line));
            }
        };
    }

    /** Prints and writes the summary (JSON, Markdown, PNG) with the legitimate clients' figures; the exit code. */
    private int finishReport(Plan p, StressReport report, LegitRun legit) throws IOException {
        PrintStream out = System.out;
        out.println(report.summary());
        List<String> failures = new ArrayList<>(report.failures(io == Io.NONE, complete));
        if (legit != null) {
            failures.addAll(p.slo.missed(legit.successPct(), legit.p99Ms()));
        }
        Map<String, Object> summary = report.toMap(failures);
        if (legit != null) {
            legit.putTotals(summary);
            out.printf(java.util.Locale.ROOT, "stress: legitimate clients %s %% succeeded, p99 to first byte %s ms%n",
                summary.get("legit_success_pct"), summary.get("legit_p99_ms"));
            mergeLegitSeconds(summary, legit);
        }
        if (step != null) {
            StressKnee.put(summary, report.perSecond(), legit == null ? null : legit.seconds(), p.rates, p.slo);
        }
        if (jsonFile != null) {
            Files.writeString(jsonFile, StressReport.json(summary) + "\n", StandardCharsets.UTF_8);
        }
        if (markdownFile != null) {
            Files.writeString(markdownFile, StressCharts.markdown(summary, report.perSecond(),
                legit == null ? null : legit.seconds()), StandardCharsets.UTF_8);
        }
        if (plotFile != null) {
            StressCharts.plot(plotFile, report.perSecond(), legit == null ? null : legit.seconds());
        }
        for (String f : failures) {
            System.err.println("stress: FAIL " + f);
        }
        return failures.isEmpty() ? 0 : 1;
    }

    private int runMatrix(Plan p, PacketIo device, long dMac, TupleIsn isn) throws IOException {
        List<MatrixProbe> cases;
        MatrixRun run;
        try (PacketIo packetIo = device) {
            FloodReceiver receiver = new FloodReceiver(p.walker, p.targetIp, p.targetPort, options, p.srcMac,
                opened == Io.AF_XDP ? ChecksumPolicy.ACCEPT_PARTIAL : ChecksumPolicy.TRUST_FLAG);
            receiver.answerArpOn(packetIo);
            receiver.isn(isn);
            run = new MatrixRun(packetIo, new SegmentWriter(p.srcMac, dMac), p.walker, receiver, isn, p.targetIp,
                p.targetPort, MatrixCase.defaults(), forgedAcks, cookieAges);
            receiver.segmentHook(run);
            System.out.printf("stress --matrix: %d cases and %d forged ACKs to %s%n", MatrixCase.defaults().size(),
                forgedAcks, target);
            long span = cookieAges.isEmpty() ? 0 : CookieAges.spanNs(cookieAges);
            cases = run.run(System.nanoTime() + Math.max(p.durationNs, span));
        }
        MatrixReport report = new MatrixReport(target, cases, run.forgedSent(), run.forgedAccepted(),
            run.forgedReset(), io == Io.NONE, run.aged());
        System.out.println(report.table());
        if (jsonFile != null) {
            Files.writeString(jsonFile, report.toJson() + "\n", StandardCharsets.UTF_8);
        }
        for (String f : report.failures()) {
            System.err.println("stress: FAIL " + f);
        }
        return report.failures().isEmpty() ? 0 : 1;
    }

    private static void writeLine(Writer w, String line) {
        try {
            w.write(line);
            w.write('\n');
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write --json-lines", e);
        }
    }

    private static String rateText(StressRun.RatePlan r) {
        if (r.start() == 0) {
            return "rate max";
        }
        return r.increment() == 0 ? r.start() + " SYN/s"
            : r.start() + " SYN/s + " + r.increment() + " every " + r.stepSeconds() + " s";
    }

    private PacketIo open(Plan p) {
        opened = io;
        return switch (io) {
            case NONE -> new DiscardIo();
            case AF_PACKET -> openPacket();
            case AF_XDP -> openXdp(p);
            case AUTO -> {
                try {
                    opened = Io.AF_XDP;
                    yield openXdp(p);
                } catch (RuntimeException e) {
                    System.err.println("stress: AF_XDP unavailable on " + iface + " (" + e.getMessage()
                        + "); using AF_PACKET");
                    opened = Io.AF_PACKET;
                    yield openPacket();
                }
            }
        };
    }

    private PacketIo openPacket() {
        return AfPacketIo.open(iface, new AfPacketConfig(1 << 18, 32, 2048, 1, 2048, 4096, 1 << 16, true, true, -1, 0));
    }

    private PacketIo openXdp(Plan p) {
        int slash = src.indexOf('/');
        int prefix = slash < 0 ? 32 : Integer.parseInt(src.substring(slash + 1).strip());
        int net = p.walker.firstAddress() & (prefix == 0 ? 0 : -1 << (32 - prefix));
        AfXdpConfig skb = AfXdpConfig.defaults().withRxFrames(RX_FRAMES);
        AfXdpConfig drv = skb.withXdpFlags(bpf_h.XDP_FLAGS_DRV_MODE);
        return switch (xdpMode) {
            case "skb" -> AfXdpIo.openForBlock(iface, skb, net, prefix);
            case "native" -> AfXdpIo.openForBlock(iface, drv, net, prefix);
            default -> {
                try {
                    yield AfXdpIo.openForBlock(iface, drv, net, prefix);
                } catch (RuntimeException e) {
                    yield AfXdpIo.openForBlock(iface, skb, net, prefix);
                }
            }
        };
    }
}
