package dev.fastpath.packetdrill;

import dev.fastpath.packetdrill.PdEvent.PdOption;
import dev.fastpath.packetdrill.PdEvent.When;
import dev.fastpath.packetdrill.PdSegments.Out;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Executes one packetdrill script against the Linux kernel, in real time, as packetdrill does: {@code <}
 * packets are written to the tun device ({@link PdTun}) at their time with the script's sequence numbers
 * and the kernel's ISN (learned from its SYN or SYN-ACK) behind the script's relative acks, {@code >}
 * packets are read from it and compared by the same code as the engine backend's ({@link PdSegments},
 * {@link PdOptions}: one comparison, two backends), system calls run on kernel sockets
 * ({@link PdKernelSyscalls}) and shell lines in the namespace ({@link PdKernelShell}). Runs inside the
 * namespace {@link PdKernel} made for it.
 */
final class PdKernelRunner {
    private static final long ANY_LIMIT_US = 600_000_000L;
    /** How long after a {@code >} line's window the runner still waits to show what came instead. */
    private static final long LATE_GRACE_US = 1_000_000L;
    /** How long a {@code >} line with data waits for the rest of its TSO packets. */
    private static final long TSO_WAIT_US = 10_000L;
    /** The kernel's segments kept for the report. */
    private static final int SENT_KEPT = 40;

    private final Path dir;
    private final List<String> notes = new ArrayList<>();
    private final PdOptions match = new PdOptions();
    private final PdPython python = new PdPython();
    private final ArrayDeque<Out> outbound = new ArrayDeque<>();
    private final ArrayDeque<Kept> sent = new ArrayDeque<>();
    private volatile long startNs = System.nanoTime();
    private PdTun tun;
    private PdKernelShell shell;
    private PdKernelSyscalls syscalls;
    private int bindPort = PdRunner.SERVER_PORT;
    private int mss;
    private boolean tso = true;
    private long lastEventUs;
    /** The origin of the current event's relative times ({@link #anchor}). */
    private long offsetUs;
    private boolean lastInbound;
    /** When the previous event really finished: a packet's wire time, a call's return, a write's end. */
    private long doneUs;
    private long localIsn;
    private boolean isnKnown;
    private long remoteIsn;
    private int localPort = PdRunner.SERVER_PORT;
    private int remotePort = PdRunner.REMOTE_PORT;
    private Under under = Under.NONE;
    private int passiveChildren;

    /**
     * A segment the kernel sent, kept for the report with the numbers to show it script-relative; formatted
     * only when the report is made (formatting on the script's clock would cost it milliseconds).
     *
     * @param line the {@code >} line that took it, 0: none took it, −1: another socket's
     */
    private record Kept(Out o, int line, long localIsn, long remoteIsn, long tsOffset, boolean tsKnown) {
        String text() {
            String why = line > 0 ? " (line " + line + ")" : line == 0 ? " (not taken by a line)"
                    : " (another socket: skipped)";
            return "  " + PdRunner.secs(o.atUs()) + " > "
                    + PdSegments.actual(o.seg(), o.ecn(), localIsn, remoteIsn, tsOffset, tsKnown) + why;
        }
    }

    /** packetdrill's socket under test, as {@link PdRunner} tracks it. */
    private enum Under { NONE, NEW, LISTENING, CONNECTING, CHILD }

    private PdKernelRunner(Path dir) {
        this.dir = dir;
    }

    /**
     * Runs a script file against the kernel of the current network namespace.
     *
     * @param file the script
     * @return its result; the notes list the segments the kernel sent
     */
    static PdResult run(Path file) {
        String name = file.toString();
        PdKernelRunner r = new PdKernelRunner(file.toAbsolutePath().getParent());
        try {
            String text = Files.readString(file);
            r.execute(PdParser.parse(name, text));
            return new PdResult(name, PdResult.Status.PASS, 0, "", r.report(false));
        } catch (IOException e) {
            return new PdResult(name, PdResult.Status.FAIL, 0, "cannot run: " + e.getMessage(), r.report(true));
        } catch (PdException e) {
            return new PdResult(name, PdResult.Status.FAIL, e.line(), "parse error: " + e.getMessage(), r.notes);
        } catch (PdRunner.Fail f) {
            return new PdResult(name, PdResult.Status.FAIL, f.line, f.getMessage(), r.report(true));
        } catch (PdRunner.Unsupported u) {
            return new PdResult(name, PdResult.Status.UNSUPPORTED, u.line, u.getMessage(), r.report(false));
        } catch (RuntimeException e) {
            return new PdResult(name, PdResult.Status.FAIL, 0, "runner error: " + e, r.report(true));
        } finally {
            if (r.tun != null) {
                r.tun.close();
            }
        }
    }

    /** The notes, then what the kernel sent (after a failure, also what it sent in the next half second). */
    private List<String> report(boolean failed) {
        List<String> out = new ArrayList<>(notes);
        if (failed && tun != null) {
            long until = nowUs() + 500_000;
            while (nowUs() < until) {
                pump(10_000);
            }
            for (Out o : outbound) {
                keep(o, 0);
            }
        }
        if (!sent.isEmpty()) {
            out.add("the kernel sent (script-relative numbers; last " + SENT_KEPT + "):");
            sent.forEach(k -> out.add(k.text()));
        }
        return out;
    }

    private void keep(Out o, int line) {
        if (sent.size() == SENT_KEPT) {
            sent.poll();
        }
        sent.add(new Kept(o, line, localIsn, remoteIsn, match.tsOffset, match.tsKnown));
    }

    private void options(Map<String, String> options) {
        options.forEach((k, v) -> {
            switch (k) {
                case "tolerance_usecs" -> match.toleranceUs = Long.parseLong(v);
                case "tolerance_percent" -> match.tolerancePercent = Double.parseDouble(v);
                case "tcp_ts_tick_usecs" -> match.tsTickUs = Long.parseLong(v);
                case "strict_segments" -> tso = false;
                case "bind_port" -> bindPort = Integer.parseInt(v);
                case "tcp_ts_ecr_scaled" -> match.tsEcrScaled = true;
                case "mss" -> mss = Integer.parseInt(v);
                case "ip_version" -> {
                    if (v.equals("ipv4-mapped-ipv6")) {
                        notes.add("--ip_version=ipv4-mapped-ipv6 runs as ipv4, as on the engine backend");
                    } else if (!v.equals("ipv4")) {
                        throw new PdRunner.Unsupported(0, "--ip_version=" + v + " (the backend is IPv4 only)");
                    }
                }
                default -> throw new PdRunner.Unsupported(0, "option --" + k + (v.isEmpty() ? "" : "=" + v));
            }
        });
    }

    private void execute(PdParser.Script script) throws IOException, PdException {
        options(script.options());
        List<PdEvent> events = script.events();
        shell = new PdKernelShell(dir, notes);
        tun = PdTun.open(this::nowUs);
        int i = 0;
        // packetdrill's set-up: back-quoted lines at time 0 before anything else run before the clock starts.
        while (i < events.size() && events.get(i) instanceof PdEvent.Shell s && s.when().startUs() == 0
                && s.when().kind() != When.Kind.ANY) {
            shell.run(s.line(), s.command());
            i++;
        }
        syscalls = new PdKernelSyscalls(this);
        syscalls.warmUp();
        warmUpPackets();
        // the warm-up's connect() and listen() moved the socket under test: back to the start
        under = Under.NONE;
        localPort = PdRunner.SERVER_PORT;
        remotePort = PdRunner.REMOTE_PORT;
        isnKnown = false;
        match.resetTs();
        String rt = PdKernel.realtime();
        if (rt != null) {
            notes.add("timing may suffer: " + rt);
        }
        startNs = System.nanoTime();
        for (; i < events.size(); i++) {
            PdEvent ev = events.get(i);
            anchor(ev);
            long t = resolve(ev.when(), false);
            syscalls.reap();
            if (!(ev instanceof PdEvent.Packet p && !p.inbound())) {
                sleepUntil(t);
            }
            tun.finalAction = i == events.size() - 1;
            switch (ev) {
                case PdEvent.Shell s -> {
                    long before = System.nanoTime();
                    shell.run(s.line(), s.command());
                    startNs += System.nanoTime() - before; // the command's own run time is not the script's
                }
                case PdEvent.Packet p when p.inbound() -> {
                    inject(p);
                    doneUs = nowUs();
                }
                case PdEvent.Packet p -> t = expect(p, t);
                case PdEvent.Icmp c -> injectIcmp(c);
                case PdEvent.Syscall c -> doneUs = syscalls.call(c, t, resolve(c.when(), true));
                case PdEvent.Python py -> snapshot(py);
            }
            lastEventUs = t;
            if (ev instanceof PdEvent.Packet p && !p.inbound()) {
                doneUs = t;
            } else if (!(ev instanceof PdEvent.Packet || ev instanceof PdEvent.Syscall)) {
                doneUs = nowUs();
            }
        }
        syscalls.finish();
        endOfScript();
        python.run(notes);
    }

    long nowUs() {
        return (System.nanoTime() - startNs) / 1000;
    }

    /** @return the congestion control to give each new socket (see {@link PdKernelShell}), or null */
    String congestionControl() {
        return shell.congestionControl();
    }

    int bindPort() {
        return bindPort;
    }

    long tolerance(long t) {
        return match.tolerance(t, lastEventUs);
    }

    void socketCreated() {
        under = Under.NEW;
    }

    boolean newSocket() {
        return under == Under.NEW || under == Under.NONE;
    }

    void listening() {
        if (under == Under.NEW) {
            under = Under.LISTENING;
        }
    }

    void connecting() {
        under = Under.CONNECTING;
        remotePort = PdRunner.SERVER_PORT;
        localPort = -1;
        isnKnown = false;
        match.resetTs();
    }

    private long resolve(When w, boolean end) {
        long v = end ? w.endUs() : w.startUs();
        if (end && v < 0) {
            return -1;
        }
        return switch (w.kind()) {
            case ABSOLUTE -> v;
            case RELATIVE -> offsetUs + v;
            case ANY -> nowUs();
        };
    }

    /**
     * Where a relative time counts from, as packetdrill's adjust_relative_event_times(): an inbound packet
     * after an inbound packet counts from that packet's script time (no drift over a train of them); any
     * other event from when the previous one really finished (packetdrill's "now", which is that moment for
     * a C program; the runner's own bookkeeping after it must not push the script later).
     */
    private void anchor(PdEvent ev) {
        boolean inbound = ev instanceof PdEvent.Packet p && p.inbound();
        offsetUs = inbound && lastInbound ? lastEventUs : doneUs;
        lastInbound = inbound;
    }

    /** Waits until script time {@code t}, taking what the kernel sends meanwhile. */
    private void sleepUntil(long t) {
        while (nowUs() < t) {
            pump(Math.min(t - nowUs(), 2000));
        }
        pump(0);
    }

    /** Takes the kernel's segments for up to {@code waitUs}; also checks blocked calls that returned. */
    void pump(long waitUs) {
        Out o = tun.poll(waitUs);
        while (o != null) {
            outbound.add(o);
            o = tun.poll(0);
        }
        if (waitUs > 0 && outbound.isEmpty()) {
            LockSupport.parkNanos(1000);
        }
    }

    private boolean underTest(TcpSegment seg) {
        if (under == Under.CONNECTING && (seg.flags() & (TcpHeader.SYN | TcpHeader.ACK)) == TcpHeader.SYN
                && seg.destinationPort() == PdRunner.SERVER_PORT) {
            localPort = seg.sourcePort();
            return true;
        }
        return seg.sourcePort() == localPort && seg.destinationPort() == remotePort;
    }

    private boolean pendingForUnderTest() {
        while (!outbound.isEmpty() && !underTest(outbound.peek().seg())) {
            Out o = outbound.poll();
            keep(o, -1);
        }
        return !outbound.isEmpty();
    }

    private void inject(PdEvent.Packet p) {
        if (under == Under.LISTENING) {
            under = Under.CHILD;
            remotePort = PdRunner.REMOTE_PORT + passiveChildren++;
            localPort = bindPort;
            isnKnown = false;
            match.resetTs();
        }
        boolean syn = (p.flags() & TcpHeader.SYN) != 0;
        if (syn) {
            remoteIsn = p.start();
        }
        tun.write(packet(p, match), mss > 0 && p.length() > mss ? mss : 0);
    }

    /** A {@code <} line as the IPv4 packet the remote host sends (no Ethernet header). */
    private byte[] packet(PdEvent.Packet p, PdOptions m) {
        boolean syn = (p.flags() & TcpHeader.SYN) != 0;
        long seq = syn ? p.start() : remoteIsn + p.start();
        long ack = (p.flags() & TcpHeader.ACK) == 0 || p.ack() < 0 ? 0 : isnKnown ? localIsn + p.ack() : p.ack();
        List<TcpOption> opts = new ArrayList<>();
        for (PdOption o : p.options() == null || p.options() == PdEvent.ANY_OPTIONS ? List.<PdOption>of()
                : p.options()) {
            opts.add(m.wire(p.line(), o, localIsn, (p.flags() & TcpHeader.ACK) != 0));
        }
        TcpSegment s = new TcpSegment(remotePort, localPort, (int) seq, (int) ack, 0, p.flags(),
                p.window() >= 0 ? p.window() : 65535, 0, Math.max(p.urg(), 0), opts, new byte[p.length()]);
        byte[] frame = PdNet.tcpFrame(0, 0, PdTun.REMOTE_IP, PdTun.LOCAL_IP, s, p.ecn());
        return Arrays.copyOfRange(frame, 14, frame.length);
    }

    /**
     * Runs the packet path once before the clock starts, on a scratch option state and without touching the
     * kernel: a {@code <} line built as a packet, read back as the tun reader reads one, compared with a
     * {@code >} line. A cold JVM otherwise spends tens of milliseconds on the first packet of the script.
     */
    private void warmUpPackets() throws PdException {
        PdParser.Script w = PdParser.parse("warm-up", """
                0 < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8>
                +0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 100 ecr 100,nop,wscale 8>
                +0 < . 1:1001(1000) ack 1 win 257 <nop,nop,TS val 101 ecr 100>
                """);
        for (int round = 0; round < 20; round++) {
            PdOptions m = new PdOptions();
            for (PdEvent ev : w.events()) {
                PdEvent.Packet p = (PdEvent.Packet) ev;
                Out o = tun.readBack(packet(p, m), nowUs());
                TcpSegment seg = PdSegments.aggregate(o, new ArrayDeque<>(), p.length(), tso, false);
                PdSegments.compare(p, seg, o.ecn(), localIsn, remoteIsn);
                m.compare(p.options(), seg.options(), 0, remoteIsn);
                PdSegments.actual(seg, o.ecn(), localIsn, remoteIsn, m.tsOffset, m.tsKnown);
                PdSegments.describe(p);
            }
        }
    }

    /** {@code %{ }%}: TCP_INFO of the socket under test now, as code.c takes it; Python runs at the end. */
    private void snapshot(PdEvent.Python py) {
        int fd = syscalls.lastFd();
        Map<String, Long> tcpi = fd < 0 ? Map.of() : PdKernelSyscalls.tcpInfo(fd);
        if (tcpi.isEmpty()) {
            throw new PdRunner.Fail(py.line(), "no socket to use for code");
        }
        python.snapshot(py.line(), tcpi, PdKernelSyscalls.memInfo(fd), py.code());
    }

    private void injectIcmp(PdEvent.Icmp c) {
        if (!isnKnown) {
            throw new PdRunner.Unsupported(c.line(), "an ICMP line before the kernel sent a SYN (nothing to quote)");
        }
        TcpSegment quoted = PdNet.quotedSegment(localPort, remotePort, localIsn + c.start(), remoteIsn + 1);
        byte[] f = PdNet.icmpFrame(0, 0, PdTun.REMOTE_IP, PdTun.LOCAL_IP, c.type(), c.code(), c.mtu(), quoted,
                c.length());
        tun.write(Arrays.copyOfRange(f, 14, f.length), 0);
    }

    /** Waits for the kernel's next segment and compares it with a {@code >} line. @return when it came */
    private long expect(PdEvent.Packet p, long t) {
        boolean any = p.when().kind() == When.Kind.ANY;
        long end = p.when().endUs() >= 0 ? resolve(p.when(), true) : t;
        long tol = tolerance(t);
        long lo = any ? Long.MIN_VALUE : t - tol;
        long hi = any ? nowUs() + ANY_LIMIT_US : end + tol;
        waitFor(hi);
        if (!pendingForUnderTest()) {
            waitFor(hi + LATE_GRACE_US);
            if (!pendingForUnderTest()) {
                throw new PdRunner.Fail(p.line(), "expected " + PdSegments.describe(p) + " at " + PdRunner.secs(t)
                        + " s; nothing was sent by " + PdRunner.secs(hi + LATE_GRACE_US) + " s");
            }
        }
        if (tso && p.length() > 0) {
            // The kernel's TSO packets for one line leave one after another (TSQ frees the next when the
            // reader takes one): let them in until the line's length is there or the wire stays quiet.
            long until = nowUs() + TSO_WAIT_US;
            while (contiguousBytes() < p.length() && nowUs() < until) {
                pump(1000);
            }
        }
        Out o = outbound.poll();
        TcpSegment seg = PdSegments.aggregate(o, outbound, p.length(), tso, false);
        if ((p.flags() & TcpHeader.SYN) != 0) {
            localIsn = ((seg.seq() & 0xFFFFFFFFL) - p.start()) & 0xFFFFFFFFL;
            isnKnown = true;
            if ((p.flags() & TcpHeader.ACK) == 0) {
                localPort = seg.sourcePort();
                remotePort = seg.destinationPort();
            }
        }
        String mismatch = PdSegments.compare(p, seg, o.ecn(), localIsn, remoteIsn);
        if (mismatch == null && p.options() != PdEvent.ANY_OPTIONS) {
            mismatch = match.compare(p.options(), seg.options(), t, remoteIsn);
        }
        keep(new Out(o.atUs(), seg, o.ecn(), o.afterFinal()), p.line());
        if (mismatch != null) {
            throw new PdRunner.Fail(p.line(), "expected " + PdSegments.describe(p) + ", got "
                    + PdSegments.actual(seg, o.ecn(), localIsn, remoteIsn, match.tsOffset, match.tsKnown) + " at "
                    + PdRunner.secs(o.atUs()) + " s (" + mismatch + ")");
        }
        if (o.atUs() < lo || o.atUs() > hi) {
            throw new PdRunner.Fail(p.line(), "timing: " + PdSegments.describe(p) + " expected at "
                    + PdRunner.secs(t) + (end != t ? "~" + PdRunner.secs(end) : "") + " s, sent at "
                    + PdRunner.secs(o.atUs()) + " s (tolerance " + tol + " us)");
        }
        return o.atUs();
    }

    private void waitFor(long untilUs) {
        while (!pendingForUnderTest() && nowUs() < untilUs) {
            pump(Math.min(untilUs - nowUs(), 2000));
            syscalls.reap();
        }
    }

    /** Payload bytes at the head of the queue that follow each other in sequence. */
    private int contiguousBytes() {
        int total = 0;
        long next = -1;
        for (Out o : outbound) {
            TcpSegment s = o.seg();
            if (next >= 0 && (s.seq() & 0xFFFFFFFFL) != next) {
                break;
            }
            total += s.payload().length;
            next = ((s.seq() & 0xFFFFFFFFL) + s.payload().length) & 0xFFFFFFFFL;
        }
        return total;
    }

    /**
     * As the engine backend ({@link PdRunner}) and packetdrill: nothing is judged after the last {@code >}
     * line; what no line took is listed in the notes.
     */
    private void endOfScript() {
        pump(0);
        int listed = 0;
        for (Out o : outbound) {
            if (underTest(o.seg()) && listed++ < 5) {
                notes.add("not judged (no line after it looks, as in packetdrill): " + PdSegments.actual(o.seg(),
                        o.ecn(), localIsn, remoteIsn, match.tsOffset, match.tsKnown) + " sent at "
                        + PdRunner.secs(o.atUs()) + " s");
            }
        }
    }
}
