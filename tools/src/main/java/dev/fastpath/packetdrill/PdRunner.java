package dev.fastpath.packetdrill;

import dev.fastpath.api.SocketApi;
import dev.fastpath.config.Config;
import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.packetdrill.PdEvent.PdOption;
import dev.fastpath.packetdrill.PdEvent.When;
import dev.fastpath.tcp.TcpEngine;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.EthernetFrame;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.Ipv4Packet;
import dev.fastpath.wire.MalformedPacketException;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Executes one packetdrill script against a fresh engine on virtual time. The runner plays
 * packetdrill's remote host (192.0.2.1, in memory only) on the far end of an in-memory link:
 * {@code <} lines are injected at their time, {@code >} lines must come out of the engine within the
 * tolerance (packetdrill's default 4 ms), system calls go through the {@link SocketApi} with
 * blocking calls emulated on virtual time ({@code a...b}: the call must return at b).
 *
 * <p>Sequence numbers follow packetdrill: the stack's are relative to its ISN (learned from its SYN or
 * SYN-ACK), the remote's relative to the ISN the script gives in its SYN. Outbound options are
 * compared exactly unless the line says {@code <...>}; TS val only with {@code --tcp_ts_tick_usecs}.
 * The in-memory link behaves as a TSO device: back-to-back data segments sent in the same instant
 * may match one larger {@code >} line, as packetdrill sees GSO packets on its tun device.
 */
public final class PdRunner {
    static final int LOCAL_IP = 0xC0A80001; // 192.168.0.1, packetdrill's default local address
    static final int REMOTE_IP = 0xC0000201; // 192.0.2.1, packetdrill's default remote address
    static final int SERVER_PORT = 8080;
    static final int REMOTE_PORT = 48000;
    private static final long LOCAL_MAC = 0x02_00_00_00_00_01L;
    private static final long REMOTE_MAC = 0x02_00_00_00_00_02L;
    private static final long BASE_NS = 1_000_000_000L;
    private static final long STEP_US = 1000;
    private static final long ANY_LIMIT_US = 600_000_000L;

    /** The first failing line, with packetdrill-style expected vs actual. */
    static final class Fail extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int line;

        Fail(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    /** A feature the engine or the runner does not have. */
    static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int line;

        Unsupported(int line, String feature) {
            super(feature, null, false, false);
            this.line = line;
        }
    }

    private record Out(long atUs, TcpSegment seg) {
    }

    private final String name;
    private final Path dir;
    final List<String> ignored = new ArrayList<>();
    long toleranceUs = 4000;
    private long tsTickUs;
    private Config config = Config.defaults();
    private VirtualClock clock;
    private InMemoryLink link;
    TcpEngine engine;
    SocketApi api;
    private final FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
    private final ParsedFrame frame = new ParsedFrame();
    private final ArrayDeque<Out> outbound = new ArrayDeque<>();
    private long localIsn;
    private boolean isnKnown;
    private long remoteIsn;
    private long tsOffset;
    private boolean tsKnown;
    private int localPort = SERVER_PORT;
    private int remotePort = REMOTE_PORT;
    private long lastEventUs;
    private boolean tso = true;
    private PdSyscalls syscalls;

    private PdRunner(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    /**
     * Runs a script file.
     *
     * @param file the .pkt file
     * @return its result
     */
    public static PdResult run(Path file) {
        try {
            return run(file.toString(), file.toAbsolutePath().getParent(), Files.readString(file));
        } catch (IOException e) {
            return new PdResult(file.toString(), PdResult.Status.FAIL, 0, "cannot read: " + e.getMessage(), List.of());
        }
    }

    /**
     * Runs a script given as text.
     *
     * @param name for the report
     * @param dir  where {@code ../common/defaults.sh} and friends are looked up (may be null)
     * @param text the script
     * @return its result
     */
    public static PdResult run(String name, Path dir, String text) {
        PdRunner r = new PdRunner(name, dir);
        try {
            r.execute(PdParser.parse(name, text));
            return new PdResult(name, PdResult.Status.PASS, 0, "", List.copyOf(r.ignored));
        } catch (PdException e) {
            return new PdResult(name, PdResult.Status.UNSUPPORTED, e.line(), "syntax: " + e.getMessage(),
                    List.copyOf(r.ignored));
        } catch (Fail f) {
            return new PdResult(name, PdResult.Status.FAIL, f.line, f.getMessage(), List.copyOf(r.ignored));
        } catch (Unsupported u) {
            return new PdResult(name, PdResult.Status.UNSUPPORTED, u.line, u.getMessage(), List.copyOf(r.ignored));
        } catch (RuntimeException e) {
            return new PdResult(name, PdResult.Status.FAIL, 0, "runner error: " + e, List.copyOf(r.ignored));
        }
    }

    private void execute(PdParser.Script script) {
        script.options().forEach((k, v) -> {
            switch (k) {
                case "tolerance_usecs" -> toleranceUs = Long.parseLong(v);
                case "tcp_ts_tick_usecs" -> tsTickUs = Long.parseLong(v);
                default -> ignored.add("option --" + k + (v.isEmpty() ? "" : "=" + v));
            }
        });
        List<PdEvent> events = script.events();
        int i = 0;
        PdShell shell = new PdShell(dir, ignored);
        while (i < events.size() && events.get(i) instanceof PdEvent.Shell s) {
            config = shell.apply(config, s.command(), true);
            i++;
        }
        start();
        tso = !shell.tsoOff;
        for (; i < events.size(); i++) {
            PdEvent ev = events.get(i);
            long t = resolve(ev.when(), false);
            switch (ev) {
                case PdEvent.Shell s -> {
                    advanceTo(t);
                    shell.dropAll = null;
                    shell.apply(config, s.command(), false);
                    if (shell.dropAll != null) {
                        link.a().refuseTx(shell.dropAll);
                    }
                    lastEventUs = t;
                }
                case PdEvent.Packet p when p.inbound() -> {
                    advanceTo(t);
                    inject(p);
                    lastEventUs = t;
                }
                case PdEvent.Packet p -> lastEventUs = expect(p, t);
                case PdEvent.Syscall c -> {
                    advanceTo(t);
                    syscalls.call(c, t, resolve(c.when(), true));
                    lastEventUs = t;
                }
                case PdEvent.Python py -> {
                    advanceTo(t);
                    syscalls.python(py);
                    lastEventUs = t;
                }
            }
        }
        syscalls.finish();
    }

    private void start() {
        clock = new VirtualClock(BASE_NS);
        link = new InMemoryLink(clock, 1);
        engine = new TcpEngine(config, link.a(), LOCAL_IP, LOCAL_MAC, ip -> REMOTE_MAC, 7, clock.nowNs());
        api = new SocketApi(engine);
        syscalls = new PdSyscalls(this);
    }

    long nowUs() {
        return (clock.nowNs() - BASE_NS) / 1000;
    }

    long nowNs() {
        return clock.nowNs();
    }

    /** The start (or with {@code end}, the end) of an event's time column. */
    private long resolve(When w, boolean end) {
        long v = end ? w.endUs() : w.startUs();
        if (end && v < 0) {
            return -1;
        }
        return switch (w.kind()) {
            case ABSOLUTE -> v;
            case RELATIVE -> lastEventUs + v;
            case ANY -> nowUs();
        };
    }

    /** Moves virtual time forward, delivering frames, firing timers and completing blocked calls. */
    void advanceTo(long targetUs) {
        while (nowUs() < targetUs) {
            clock.advance(Math.min(STEP_US, targetUs - nowUs()) * 1000);
            engine.pollTimers(clock.nowNs());
            collect();
            syscalls.progress();
        }
    }

    /** Gathers what the engine sent, stamped with the current time. */
    void collect() {
        link.b().receive((buf, off, len, flags) -> {
            try {
                EthernetFrame eth = EthernetFrame.parse(buf, off, len);
                Ipv4Packet ip = Ipv4Packet.parse(MemorySegment.ofArray(eth.payload()), 0, eth.payload().length);
                if (ip.protocol() != Ipv4Header.PROTO_TCP) {
                    return;
                }
                outbound.add(new Out(nowUs(),
                        TcpSegment.parse(MemorySegment.ofArray(ip.payload()), 0, ip.payload().length)));
            } catch (MalformedPacketException e) {
                throw new Fail(0, "the engine sent a malformed frame: " + e.getMessage());
            }
        }, 10_000);
    }

    private void inject(PdEvent.Packet p) {
        boolean syn = (p.flags() & TcpHeader.SYN) != 0;
        if (syn) {
            remoteIsn = p.start();
        }
        long seq = syn ? p.start() : remoteIsn + p.start();
        long ack = (p.flags() & TcpHeader.ACK) == 0 || p.ack() < 0 ? 0 : isnKnown ? localIsn + p.ack() : p.ack();
        List<TcpOption> opts = new ArrayList<>();
        for (PdOption o : p.options() == null ? List.<PdOption>of() : p.options()) {
            opts.add(wireOption(p.line(), o));
        }
        TcpSegment s = TcpSegment.of(remotePort, localPort, (int) seq, (int) ack, p.flags(),
                p.window() >= 0 ? p.window() : 65535, opts, new byte[p.length()]);
        link.b().inject(EthernetFrame.ipv4Tcp(LOCAL_MAC, REMOTE_MAC, REMOTE_IP, LOCAL_IP, s));
        link.a().receive((buf, off, len, flags) -> {
            if (parser.parse(buf, off, len, flags, frame) == DropReason.NONE) {
                engine.tcpV4Rcv(frame, clock.nowNs());
            }
        }, 100);
        engine.pollTimers(clock.nowNs());
        collect();
        syscalls.progress();
    }

    private TcpOption wireOption(int line, PdOption o) {
        long[] v = o.values();
        return switch (o.kind()) {
            case "nop" -> new TcpOption.Nop();
            case "eol" -> new TcpOption.Eol(0);
            case "sackOK" -> new TcpOption.SackPermitted();
            case "mss" -> new TcpOption.Mss((int) v[0]);
            case "wscale" -> new TcpOption.WindowScale((int) v[0]);
            case "TS" -> new TcpOption.Timestamps(v[0], v[1] == 0 || !tsKnown ? v[1] : (v[1] + tsOffset) & 0xFFFFFFFFL);
            case "FO" -> {
                byte[] cookie = new byte[v.length];
                for (int i = 0; i < v.length; i++) {
                    cookie[i] = (byte) v[i];
                }
                yield new TcpOption.Unknown(dev.fastpath.wire.TcpOptions.KIND_FASTOPEN, cookie);
            }
            case "sack" -> {
                List<TcpOption.SackBlock> blocks = new ArrayList<>();
                for (int i = 0; i < v.length; i += 2) {
                    blocks.add(new TcpOption.SackBlock((localIsn + v[i]) & 0xFFFFFFFFL,
                            (localIsn + v[i + 1]) & 0xFFFFFFFFL));
                }
                yield new TcpOption.Sack(blocks);
            }
            default -> throw new Unsupported(line, "TCP option " + o.kind().substring(1));
        };
    }

    /** Waits for the engine's next segment and compares it with a {@code >} line. @return when it came */
    private long expect(PdEvent.Packet p, long t) {
        boolean any = p.when().kind() == When.Kind.ANY;
        long end = p.when().endUs() >= 0 ? resolve(p.when(), true) : t;
        long lo = any ? Long.MIN_VALUE : t - toleranceUs;
        long hi = any ? nowUs() + ANY_LIMIT_US : end + toleranceUs;
        while (outbound.isEmpty() && nowUs() < hi) {
            advanceTo(Math.min(hi, nowUs() + STEP_US));
        }
        if (outbound.isEmpty()) {
            throw new Fail(p.line(), "expected " + describe(p) + " at " + secs(t) + " s; nothing was sent by "
                    + secs(hi) + " s");
        }
        Out o = outbound.poll();
        TcpSegment seg = coalesce(o, p.length());
        if ((p.flags() & TcpHeader.SYN) != 0) {
            localIsn = seg.seq() & 0xFFFFFFFFL;
            localIsn = (localIsn - p.start()) & 0xFFFFFFFFL;
            isnKnown = true;
            if ((p.flags() & TcpHeader.ACK) == 0) {
                localPort = seg.sourcePort();
                remotePort = seg.destinationPort();
            }
        }
        String mismatch = compare(p, seg);
        if (mismatch != null) {
            throw new Fail(p.line(), "expected " + describe(p) + ", got " + actual(seg) + " (" + mismatch + ")");
        }
        if (o.atUs() < lo) {
            throw new Fail(p.line(), "timing: " + describe(p) + " expected at " + secs(t) + " s, sent at "
                    + secs(o.atUs()) + " s (tolerance " + toleranceUs + " us)");
        }
        return o.atUs();
    }

    /**
     * TSO: back-to-back data segments sent at the same instant merge into one, as packetdrill's
     * aggregate_packets() merges the frames of a GSO packet: the sequence number of the first, every other
     * header field — the flags too — of the last. The engine puts PSH where Linux's GSO puts it (on the last
     * frame of each GSO packet), so nothing is added here.
     */
    private TcpSegment coalesce(Out first, int want) {
        TcpSegment s = first.seg();
        int len = s.payload().length;
        int flags = s.flags();
        while (tso && len > 0 && len < want && !outbound.isEmpty()) {
            Out n = outbound.peek();
            TcpSegment ns = n.seg();
            if (n.atUs() != first.atUs() || ns.seq() != s.seq() + len || ns.ack() != s.ack()
                    || ns.payload().length == 0 || (flags & TcpHeader.FIN) != 0) {
                break;
            }
            outbound.poll();
            len += ns.payload().length;
            flags = ns.flags();
        }
        if (len == s.payload().length) {
            return s;
        }
        return new TcpSegment(s.sourcePort(), s.destinationPort(), s.seq(), s.ack(), s.reserved(), flags, s.window(),
                s.checksum(), s.urgentPointer(), s.options(), new byte[len]);
    }

    private String compare(PdEvent.Packet p, TcpSegment s) {
        if (s.flags() != p.flags()) {
            return "flags";
        }
        if (((s.seq() - localIsn) & 0xFFFFFFFFL) != (p.start() & 0xFFFFFFFFL)) {
            return "sequence number";
        }
        if (s.payload().length != p.length()) {
            return "length";
        }
        if (p.ack() >= 0 && (s.flags() & TcpHeader.ACK) != 0
                && ((s.ack() - remoteIsn) & 0xFFFFFFFFL) != (p.ack() & 0xFFFFFFFFL)) {
            return "ack";
        }
        if (p.window() >= 0 && s.window() != p.window()) {
            return "window";
        }
        return p.options() == PdEvent.ANY_OPTIONS ? null : compareOptions(p.options(), s.options());
    }

    private String compareOptions(List<PdOption> want, List<TcpOption> got) {
        List<PdOption> expected = want == null ? List.of() : want;
        List<PdOption> actual = scriptOptions(got, true);
        if (expected.size() != actual.size()) {
            return "options";
        }
        for (int i = 0; i < expected.size(); i++) {
            PdOption e = expected.get(i);
            PdOption a = actual.get(i);
            if (!e.kind().equals(a.kind())) {
                return "options";
            }
            if (e.kind().equals("TS")) {
                long liveVal = a.values()[0];
                if (!tsKnown) {
                    tsOffset = (liveVal - e.values()[0]) & 0xFFFFFFFFL;
                    tsKnown = true;
                } else if (tsTickUs > 0) {
                    long ticks = (liveVal - tsOffset - e.values()[0]) & 0xFFFFFFFFL;
                    long diff = Math.abs((int) ticks);
                    if (diff * tsTickUs > toleranceUs + tsTickUs) {
                        return "TS val " + ((liveVal - tsOffset) & 0xFFFFFFFFL) + " (tick " + tsTickUs + " us)";
                    }
                }
                if (a.values()[1] != e.values()[1]) {
                    return "TS ecr";
                }
            } else if (!e.equals(a)) {
                return "option " + e.kind();
            }
        }
        return null;
    }

    /** The engine's options in script terms (sack blocks relative to the remote ISN). */
    private List<PdOption> scriptOptions(List<TcpOption> got, boolean rawTs) {
        List<PdOption> out = new ArrayList<>();
        for (TcpOption o : got) {
            out.add(switch (o) {
                case TcpOption.Nop n -> new PdOption("nop", new long[0]);
                case TcpOption.Eol e -> new PdOption("eol", new long[0]);
                case TcpOption.SackPermitted sp -> new PdOption("sackOK", new long[0]);
                case TcpOption.Mss m -> new PdOption("mss", new long[] {m.value()});
                case TcpOption.WindowScale w -> new PdOption("wscale", new long[] {w.shift()});
                case TcpOption.Timestamps ts -> new PdOption("TS", new long[] {
                    rawTs || !tsKnown ? ts.tsVal() : (ts.tsVal() - tsOffset) & 0xFFFFFFFFL, ts.tsEcr()});
                case TcpOption.Sack sk -> {
                    long[] v = new long[sk.blocks().size() * 2];
                    for (int i = 0; i < sk.blocks().size(); i++) {
                        v[2 * i] = (sk.blocks().get(i).start() - remoteIsn) & 0xFFFFFFFFL;
                        v[2 * i + 1] = (sk.blocks().get(i).end() - remoteIsn) & 0xFFFFFFFFL;
                    }
                    yield new PdOption("sack", v);
                }
                case TcpOption.Unknown u when u.kind() == dev.fastpath.wire.TcpOptions.KIND_FASTOPEN -> {
                    byte[] d = u.data();
                    long[] v = new long[d.length];
                    for (int i = 0; i < d.length; i++) {
                        v[i] = d[i] & 0xFF;
                    }
                    yield new PdOption("FO", v);
                }
                case TcpOption.Unknown u -> new PdOption("kind" + u.kind(), new long[0]);
            });
        }
        return out;
    }

    private String actual(TcpSegment s) {
        long seq = (s.seq() - localIsn) & 0xFFFFFFFFL;
        StringBuilder b = new StringBuilder("`").append(flagText(s.flags())).append(' ').append(seq).append(':')
                .append(seq + s.payload().length).append('(').append(s.payload().length).append(')');
        if ((s.flags() & TcpHeader.ACK) != 0) {
            b.append(" ack ").append((s.ack() - remoteIsn) & 0xFFFFFFFFL);
        }
        b.append(" win ").append(s.window());
        List<PdOption> o = scriptOptions(s.options(), false);
        if (!o.isEmpty()) {
            b.append(" <").append(String.join(",", o.stream().map(PdOption::toString).toList())).append('>');
        }
        return b.append('`').toString();
    }

    private static String describe(PdEvent.Packet p) {
        StringBuilder b = new StringBuilder("`").append(flagText(p.flags())).append(' ').append(p.start()).append(':')
                .append(p.end()).append('(').append(p.length()).append(')');
        if (p.ack() >= 0) {
            b.append(" ack ").append(p.ack());
        }
        if (p.window() >= 0) {
            b.append(" win ").append(p.window());
        }
        if (p.options() != null) {
            b.append(" <").append(String.join(",", p.options().stream().map(PdOption::toString).toList())).append('>');
        }
        return b.append('`').toString();
    }

    static String flagText(int f) {
        StringBuilder b = new StringBuilder();
        String letters = "FSRP.UEW";
        int[] bits = {TcpHeader.FIN, TcpHeader.SYN, TcpHeader.RST, TcpHeader.PSH, TcpHeader.ACK, TcpHeader.URG,
            TcpHeader.ECE, TcpHeader.CWR};
        for (int i = 0; i < bits.length; i++) {
            if ((f & bits[i]) != 0) {
                b.append(letters.charAt(i));
            }
        }
        return b.isEmpty() ? "-" : b.toString();
    }

    static String secs(long us) {
        return String.format("%.6f", us / 1e6);
    }
}
