package dev.fastpath.stress;

import dev.fastpath.io.PacketIo;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cookie correctness matrix: for each {@link MatrixCase} a SYN of that shape from its own tuple, the handshake
 * completed through the target's cookie, then a request whose echo shows what the target honours — judged by what
 * it does, never by decoding its cookie (any encoding will do):
 * <ul>
 *   <li>MSS: no segment of the echo (payload + options, RFC 6691) larger than the SYN's MSS;</li>
 *   <li>window scale: our window field says {@link #SMALL_WINDOW} bytes; a target that applies the scale sees more
 *       and sends a larger first segment, one that lost it sends at most that;</li>
 *   <li>SACK: the echo's second and third segments are held back and the later ones SACKed; once the second is
 *       resent and only it acknowledged, a target using SACK resends the third and nothing it was told we hold; one
 *       without goes back and sends SACKed data again;</li>
 *   <li>timestamps on every segment of the echo; ECN: ECE in the SYN-ACK and ECT on the echo's packets.</li>
 * </ul>
 * Then forged cookies: ACKs from tuples that never sent a SYN, with random acknowledgment numbers; any the target
 * takes as a connection is counted against the chance a sound 32-bit cookie leaves (Linux: 2 valid counter values
 * × 4 MSS indices in 2^32). With cookie ages ({@link CookieAges}), cookies answered only that many seconds later
 * show the target's validity window. All cases run at once on one thread; the run ends when every case is done or at
 * the deadline.
 */
public final class MatrixRun implements FloodReceiver.SegmentHook, CookieAges.Sender {

    /** The echo asked for: enough for four full segments and a partial one at 1460. */
    static final int REQUEST_BYTES = 6000;
    /** The window field of the window-scale probe. */
    static final int SMALL_WINDOW = 64;
    private static final int BIG_WINDOW = SynTemplate.WINDOW;
    /** How long the SACK probe waits for a resend of SACKed data before it calls SACK used. */
    static final long SACK_WATCH_NS = 700_000_000L;
    /** Linux's chance that a random ACK passes cookie_v4_check: 2 counter values × 4 MSS indices in 2^32. */
    static final double LINUX_FORGED_P = 8.0 / 4294967296.0;

    private final PacketIo io;
    private final SegmentWriter writer;
    private final TupleWalker walker;
    private final FloodReceiver receiver;
    private final TupleIsn isn;
    private final int targetIp;
    private final int targetPort;
    private final Map<Long, MatrixProbe> probes = new HashMap<>();
    private final List<MatrixProbe> order = new ArrayList<>();
    private final byte[] request = new byte[REQUEST_BYTES];
    private final int forgedCount;
    private final Map<Long, Boolean> forged = new HashMap<>();
    private long forgedAccepted;
    private long forgedReset;
    private int txFull;
    private final List<Integer> cookieAges;
    private CookieAges aged;

    /**
     * @param io          where frames go
     * @param writer      builds them
     * @param walker      the tuples (one per case, then one per forged ACK)
     * @param receiver    hands the target's segments to this run (hook set by the caller) and answers ARP
     * @param isn         the ISN of each case's SYN
     * @param targetIp    the target
     * @param targetPort  its port
     * @param cases       the SYN shapes
     * @param forgedCount how many forged-cookie ACKs to send
     * @param cookieAges  ages in seconds of the cookies answered late (empty: none)
     */
    public MatrixRun(PacketIo io, SegmentWriter writer, TupleWalker walker, FloodReceiver receiver, TupleIsn isn,
            int targetIp, int targetPort, List<MatrixCase> cases, int forgedCount, List<Integer> cookieAges) {
        this.io = io;
        this.writer = writer;
        this.walker = walker;
        this.receiver = receiver;
        this.isn = isn;
        this.targetIp = targetIp;
        this.targetPort = targetPort;
        this.forgedCount = forgedCount;
        this.cookieAges = List.copyOf(cookieAges);
        for (int i = 0; i < request.length; i++) {
            request[i] = (byte) ('a' + i % 26);
        }
        for (MatrixCase c : cases) {
            if (!walker.next()) {
                throw new IllegalArgumentException("the source block has fewer tuples than the matrix has cases");
            }
            MatrixProbe p = new MatrixProbe(c, walker.address(), walker.port(),
                isn.isn(walker.address(), walker.port()));
            probes.put(key(p.ip, p.port), p);
            order.add(p);
        }
    }

    private static long key(int ip, int port) {
        return (long) ip << 16 | port;
    }

    /**
     * Runs every case and the forged ACKs, then returns.
     *
     * @param deadlineNs the latest end
     * @return the cases, in order
     */
    public List<MatrixProbe> run(long deadlineNs) {
        aged = new CookieAges(cookieAges, walker, isn, System.nanoTime(), this);
        for (MatrixProbe p : order) {
            sendSyn(p);
        }
        io.flush();
        sendForged();
        while (System.nanoTime() < deadlineNs && !(allDone() && aged.done())) {
            io.receive(receiver, 256);
            long now = System.nanoTime();
            checkWatches(now);
            aged.tick(now);
            io.flush();
            if (allDone()) {
                sleepBriefly(); // only the aged cookies are left: they wait seconds, the thread need not spin
            }
        }
        aged.finish();
        for (MatrixProbe p : order) {
            if (!p.done && p.synAcked) {
                finish(p, "deadline");
            }
        }
        io.flush();
        return order;
    }

    private boolean allDone() {
        for (MatrixProbe p : order) {
            if (!p.done) {
                return false;
            }
        }
        return true;
    }

    private void sendSyn(MatrixProbe p) {
        MatrixCase c = p.c;
        writer.noOptions().mss(c.mss()).windowScale(c.wscale()).sackPermitted(c.sack())
            .timestamps(c.ts(), now32(), 0);
        int flags = TcpHeader.SYN | (c.ecn() ? TcpHeader.ECE | TcpHeader.CWR : 0);
        send(p.ip, p.port, p.iss, 0, flags, BIG_WINDOW, null, 0);
    }

    /** ACKs with 1 byte of data and a FIN, from tuples that never sent a SYN, acknowledging random numbers. */
    private void sendForged() {
        java.util.SplittableRandom r = new java.util.SplittableRandom();
        for (int i = 0; i < forgedCount && walker.next(); i++) {
            writer.noOptions();
            send(walker.address(), walker.port(), r.nextInt(), r.nextInt(), TcpHeader.ACK | TcpHeader.PSH
                | TcpHeader.FIN, BIG_WINDOW, request, 1);
            forged.put(key(walker.address(), walker.port()), Boolean.FALSE);
            if ((i & 63) == 63) {
                io.flush();
            }
        }
        io.flush();
    }

    @Override
    public void onSegment(ParsedFrame f) {
        if (aged != null && aged.onSegment(f, System.nanoTime())) {
            return;
        }
        long k = key(f.dstIp(), f.dstPort());
        MatrixProbe p = probes.get(k);
        if (p == null) {
            onForgedAnswer(k, f);
            return;
        }
        if (p.done) {
            return;
        }
        int fl = f.flags();
        if ((fl & TcpHeader.RST) != 0) {
            p.end = p.synAcked ? "reset by the target" : "refused (RST)";
            p.done = true;
            return;
        }
        if ((fl & TcpHeader.SYN) != 0) {
            if ((fl & TcpHeader.ACK) != 0 && f.ack() == p.iss + 1 && !p.synAcked) {
                onSynAck(p, f);
            }
            return;
        }
        if (p.synAcked && (f.payloadLength() > 0 || (fl & TcpHeader.FIN) != 0)) {
            onData(p, f);
        }
    }

    private void onForgedAnswer(long k, ParsedFrame f) {
        Boolean seen = forged.get(k);
        if (seen == null || seen) {
            return;
        }
        forged.put(k, Boolean.TRUE);
        if ((f.flags() & TcpHeader.RST) != 0 && (f.flags() & TcpHeader.ACK) == 0) {
            forgedReset++; // the listener refused the ACK (seq = its ack number, no ACK bit)
        } else if ((f.flags() & (TcpHeader.RST | TcpHeader.SYN)) == 0) {
            forgedAccepted++; // a connection answered: it took a forged cookie
        }
    }

    private void onSynAck(MatrixProbe p, ParsedFrame f) {
        TcpOptions o = f.options();
        p.synAcked = true;
        p.end = "completed";
        p.irs = f.seq();
        p.rcvNxt = f.seq() + 1;
        p.peerMss = o.mss();
        p.peerWs = o.windowScale();
        p.peerSack = o.sackPermitted();
        p.peerTs = o.hasTimestamps();
        p.peerEcn = (f.flags() & TcpHeader.ECE) != 0;
        p.tsRecent = o.tsVal();
        p.sndNxt = p.iss + 1;
        ack(p, 0, 0);
        int chunk = Math.max(64, Math.min(1000, (p.peerMss > 0 ? p.peerMss : 536) - (p.peerTs ? 12 : 0)));
        for (int off = 0; off < REQUEST_BYTES; off += chunk) {
            int len = Math.min(chunk, REQUEST_BYTES - off);
            tsOption(p);
            send(p.ip, p.port, p.sndNxt, p.rcvNxt, TcpHeader.ACK | TcpHeader.PSH, window(p), request, len);
            p.sndNxt += len;
        }
    }

    private void onData(MatrixProbe p, ParsedFrame f) {
        int len = f.payloadLength();
        boolean fin = (f.flags() & TcpHeader.FIN) != 0;
        if (f.options().hasTimestamps()) {
            p.tsRecent = f.options().tsVal();
        }
        if (len > 0) {
            p.dataSegments++;
            p.maxSegment = Math.max(p.maxSegment, len + f.tcpHeaderLength() - TcpHeader.MIN_LENGTH);
            p.withTs += f.options().hasTimestamps() ? 1 : 0;
            p.ect += (f.ipv4().tos() & 3) != 0 ? 1 : 0;
        }
        switch (p.c.probe()) {
            case WSCALE -> onWscaleData(p, f, len);
            case SACK -> onSackData(p, f, len, fin);
            default -> onInOrder(p, f, len, fin);
        }
    }

    private void onInOrder(MatrixProbe p, ParsedFrame f, int len, boolean fin) {
        if (f.seq() == p.rcvNxt) {
            p.rcvNxt += len + (fin ? 1 : 0);
            p.echoed += len;
        }
        ack(p, 0, 0);
        if (p.echoed >= REQUEST_BYTES || fin) {
            finish(p, p.echoed >= REQUEST_BYTES ? "completed, echo received" : "completed, FIN before the echo");
        }
    }

    private void onWscaleData(MatrixProbe p, ParsedFrame f, int len) {
        if (len == 0 || p.wsResult != null) {
            return;
        }
        if (p.c.wscale() == 0 || p.peerWs < 0) {
            p.wsResult = p.c.wscale() == 0 && p.peerWs >= 0 ? MatrixProbe.INCONCLUSIVE : MatrixProbe.LOST;
            p.wsDetail = p.c.wscale() == 0 ? "a shift of 0 looks the same applied or not" : "not in the SYN-ACK";
        } else {
            p.wsResult = len > SMALL_WINDOW ? MatrixProbe.PRESERVED : MatrixProbe.LOST;
            p.wsDetail = "window field " + SMALL_WINDOW + " (" + (SMALL_WINDOW << p.c.wscale()) + " bytes scaled); "
                + "first segment " + len + " bytes";
        }
        finish(p, "completed, first segment judged");
    }

    /** The SACK probe's steps: see the class comment. */
    private void onSackData(MatrixProbe p, ParsedFrame f, int len, boolean fin) {
        if (!p.c.sack() || !p.peerSack) {
            onInOrder(p, f, len, fin);
            return;
        }
        int seq = f.seq();
        int end = seq + len;
        if (len == 0) {
            return;
        }
        switch (p.sackStage) {
            case 0 -> {
                if (seq == p.rcvNxt && p.holeStart == 0 && p.dataSegments == 1) {
                    p.rcvNxt = end; // the first segment arrives
                    ack(p, 0, 0);
                } else if (seq == p.rcvNxt) {
                    p.holeStart = seq; // the second: held back, as if lost
                    p.holeEnd = end;
                    p.sackStage = 1;
                }
            }
            case 1 -> onSackStage1(p, seq, end);
            case 2 -> {
                if (seq - p.sackedStart >= 0 && seq - p.sackedEnd < 0) {
                    p.sackResult = MatrixProbe.LOST;
                    p.sackDetail = "resent SACKed data at " + (seq - p.irs - 1);
                    finish(p, "completed");
                } else if (seq == p.rcvNxt && end == p.sackedStart) {
                    p.rcvNxt = p.sackedEnd; // the second hole filled: everything acknowledged, the watch goes on
                    ack(p, 0, 0);
                }
            }
            default -> { }
        }
    }

    /**
     * Two holes are held: the second segment, and the one right after it; what follows is SACKed. Once the first hole
     * is resent, only it is acknowledged (the SACK block still above the second hole, so nothing SACKed sits at the
     * acknowledgment number: Linux would take that as reneging) and the watch starts.
     */
    private void onSackStage1(MatrixProbe p, int seq, int end) {
        if (seq == p.holeEnd && p.hole2End == 0) {
            p.hole2End = end; // the second hole
        } else if (seq == p.holeStart && p.sackedEnd != 0) {
            p.rcvNxt = p.holeEnd;
            ack(p, p.sackedStart, p.sackedEnd);
            p.sackStage = 2;
            p.watchUntilNs = System.nanoTime() + SACK_WATCH_NS;
        } else if (p.hole2End != 0 && seq - p.hole2End >= 0) {
            p.sackedStart = p.sackedEnd == 0 ? seq : p.sackedStart;
            p.sackedEnd = p.sackedEnd == 0 || end - p.sackedEnd > 0 ? end : p.sackedEnd;
            ack(p, p.sackedStart, p.sackedEnd); // a duplicate ACK with the SACK block
        }
    }

    private void checkWatches(long now) {
        for (MatrixProbe p : order) {
            if (p.done || p.sackStage != 2 || now - p.watchUntilNs < 0) {
                continue;
            }
            if (p.rcvNxt != p.sackedEnd) {
                p.watchUntilNs = now + SACK_WATCH_NS / 4; // the second hole not resent yet: keep watching
                continue;
            }
            p.sackResult = MatrixProbe.PRESERVED;
            p.sackDetail = "both holes resent, SACKed data never resent within " + SACK_WATCH_NS / 1_000_000 + " ms";
            finish(p, "completed");
        }
    }

    private void finish(MatrixProbe p, String why) {
        p.end = why;
        p.done = true;
        writer.noOptions();
        send(p.ip, p.port, p.sndNxt, p.rcvNxt, TcpHeader.RST | TcpHeader.ACK, 0, null, 0);
    }

    private void ack(MatrixProbe p, int sackStart, int sackEnd) {
        tsOption(p);
        if (sackEnd != 0) {
            writer.sackBlocks(new int[] {sackStart}, new int[] {sackEnd}, 1);
        }
        send(p.ip, p.port, p.sndNxt, p.rcvNxt, TcpHeader.ACK, window(p), null, 0);
    }

    private void tsOption(MatrixProbe p) {
        writer.noOptions().timestamps(p.c.ts() && p.peerTs, now32(), p.tsRecent);
    }

    /** The window field: small for the window-scale probe, about 64 KB (as scaled) otherwise. */
    private static int window(MatrixProbe p) {
        if (p.c.probe() == MatrixCase.Probe.WSCALE) {
            return SMALL_WINDOW;
        }
        boolean scaled = p.c.wscale() != SegmentWriter.ABSENT && p.peerWs >= 0;
        return scaled ? Math.max(1, BIG_WINDOW >>> p.c.wscale()) : BIG_WINDOW;
    }

    private void send(int ip, int port, int seq, int ack, int flags, int window, byte[] payload, int len) {
        long at = io.txClaim();
        if (at < 0) {
            io.flush();
            at = io.txClaim();
            if (at < 0) {
                txFull++;
                return;
            }
        }
        int n = writer.write(io.txBuffer(), at, ip, port, targetIp, targetPort, seq, ack, flags, window, payload,
            len);
        io.txCommit(at, n);
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void syn(CookieAges.Probe p) {
        writer.noOptions().mss(1460).windowScale(7).sackPermitted(true).timestamps(true, now32(), 0);
        send(p.ip, p.port, p.iss, 0, TcpHeader.SYN, BIG_WINDOW, null, 0);
    }

    @Override
    public void lateAck(CookieAges.Probe p) {
        writer.noOptions().timestamps(p.peerTs, now32(), p.tsRecent);
        send(p.ip, p.port, p.iss + 1, p.irs + 1, TcpHeader.ACK | TcpHeader.PSH, BIG_WINDOW >>> 7, request, 1);
    }

    @Override
    public void reset(CookieAges.Probe p, int seq, int ack) {
        writer.noOptions();
        send(p.ip, p.port, seq, ack, TcpHeader.RST | TcpHeader.ACK, 0, null, 0);
    }

    /** @return the aged cookies' outcomes (after {@link #run}) */
    CookieAges aged() {
        return aged;
    }

    private static int now32() {
        return (int) System.currentTimeMillis();
    }

    /** @return forged ACKs sent */
    public int forgedSent() {
        return forged.size();
    }

    /** @return forged ACKs the target took as connections */
    public long forgedAccepted() {
        return forgedAccepted;
    }

    /** @return forged ACKs the target answered with a reset */
    public long forgedReset() {
        return forgedReset;
    }

    /** @return frames not sent for a full TX ring */
    public int txFull() {
        return txFull;
    }
}
