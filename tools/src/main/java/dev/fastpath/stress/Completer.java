package dev.fastpath.stress;

import dev.fastpath.io.PacketIo;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOptions;

/**
 * The cookie-completing clients of {@code fastpath stress --complete}: answers every SYN-ACK that answers our SYN
 * (its acknowledgment number is our ISN + 1, the ISN a keyed hash of the tuple: {@link TupleIsn}) with the final ACK
 * of the handshake — timestamps echoed, so a target that encoded options in its TSval gets them back — carrying the
 * request bytes if any, then closes: a FIN right behind the ACK, or an RST once the target showed the connection
 * established. The target's data and FIN are acknowledged so it can close cleanly. Nothing is kept per flow: every
 * answer is computed from the segment it answers and the tuple's ISN.
 *
 * <p><b>Completed</b> means the target took the connection through its life as only an established connection
 * does. Closing with FIN: the target's own FIN on the tuple (after our request bytes, acknowledging at most what we
 * sent), or its RST+ACK acknowledging our bytes or FIN (its application reset the connection it had accepted).
 * Closing with RST: the first segment on the tuple (no SYN) that acknowledges our request bytes or carries data or
 * a FIN, answered by our RST. A listener that did not take our ACK as a valid cookie answers with a bare RST (its
 * sequence number is our acknowledgment number, no ACK bit) or not at all, and a closed port answers the SYN with
 * RST+ACK acknowledging the SYN only: neither counts. A target that keeps a half-closed connection open without
 * ever closing it is not counted with FIN; use RST with a request for it.
 *
 * <p>Lost segments: our FIN is sent again whenever the target's data or FIN arrives without acknowledging it (its
 * acknowledgment number says what it is missing), and the target's FIN is acknowledged every time it comes. A
 * connection's FIN retransmitted by the target, or segments in flight when our RST left, would count twice; a fixed
 * table of {@link #SEEN_SLOTS} recently completed ISNs (1 MiB, whatever the number of flows) counts each
 * connection once, unless a connection whose ISN shares the slot completed in between.
 */
public final class Completer implements FloodReceiver.SegmentHook {

    /** How the clients close. */
    public enum Close {
        /** A FIN right behind the handshake's ACK; the target's FIN is acknowledged. */
        FIN,
        /** An RST once the target showed the connection established (needs request bytes to answer). */
        RST
    }

    static final int SEEN_SLOTS = 1 << 18;
    private static final int WINDOW = SynTemplate.WINDOW;

    private final PacketIo io;
    private final SegmentWriter writer;
    private final TupleIsn isn;
    private final int targetIp;
    private final int targetPort;
    private final byte[] request;
    private final Close close;
    private final int offeredWscale;
    private final int[] seen = new int[SEEN_SLOTS];

    private long handshakes;
    private long completed;
    private long completedByReset;
    private long refused;
    private long txFull;

    /**
     * @param io            where the answers go
     * @param writer        builds them (our MAC to the target's)
     * @param isn           the ISN of our SYNs
     * @param targetIp      the target's address
     * @param targetPort    the target's port
     * @param request       bytes sent with the final ACK (may be empty)
     * @param close         how to close
     * @param offeredWscale the window scale our SYNs offered, or {@link SegmentWriter#ABSENT}
     */
    public Completer(PacketIo io, SegmentWriter writer, TupleIsn isn, int targetIp, int targetPort, byte[] request,
            Close close, int offeredWscale) {
        if (close == Close.RST && request.length == 0) {
            throw new IllegalArgumentException("closing with RST needs request bytes: an established connection "
                + "answers nothing to a bare ACK, so completion could not be seen");
        }
        this.io = io;
        this.writer = writer;
        this.isn = isn;
        this.targetIp = targetIp;
        this.targetPort = targetPort;
        this.request = request;
        this.close = close;
        this.offeredWscale = offeredWscale;
    }

    @Override
    public void onSegment(ParsedFrame f) {
        int fl = f.flags();
        int ours = isn.isn(f.dstIp(), f.dstPort());
        if ((fl & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.RST)) == (TcpHeader.SYN | TcpHeader.ACK)) {
            if (f.ack() == ours + 1) {
                answerSynAck(f, ours);
            }
            return;
        }
        if ((fl & (TcpHeader.SYN | TcpHeader.ACK)) != TcpHeader.ACK) {
            return; // no ACK bit: a listener's reset of an ACK it refused, or nothing of a connection
        }
        int sent = request.length + (close == Close.FIN ? 1 : 0);
        int d = f.ack() - (ours + 1);
        if (d < 0 || d > sent) {
            return; // not an acknowledgment of anything we sent on this tuple
        }
        boolean fin = (fl & TcpHeader.FIN) != 0;
        int len = f.payloadLength();
        if ((fl & TcpHeader.RST) != 0) {
            if (d >= 1) {
                count(ours, true);
            } else {
                refused++; // RST+ACK acknowledging the SYN alone: a closed port
            }
            return;
        }
        if (close == Close.RST) {
            if (d == 0 && len == 0 && !fin) {
                return; // a bare ACK of the handshake: nothing an established connection is obliged to send
            }
            count(ours, false);
            send(f.dstIp(), f.dstPort(), ours + 1 + request.length, f.seq() + len + (fin ? 1 : 0),
                TcpHeader.RST | TcpHeader.ACK, 0, f.options(), false);
            return;
        }
        if (fin) {
            count(ours, false);
        }
        if (len > 0 || fin) {
            // Its data or FIN is acknowledged, with the window of the handshake (a zero window would hold its FIN
            // back behind window probes). While it has not acknowledged our FIN, the answer carries our FIN again (a
            // stateless retransmission: the target's acknowledgment number says it is missing).
            boolean finMissing = d < sent;
            send(f.dstIp(), f.dstPort(), ours + 1 + request.length + (finMissing ? 0 : 1),
                f.seq() + len + (fin ? 1 : 0), TcpHeader.ACK | (finMissing ? TcpHeader.FIN : 0), openWindow(),
                f.options(), false);
        }
    }

    /**
     * The window field of our ACKs after the handshake: about 64 KB whether or not the target agreed to the scale we
     * offered (nothing is kept to know): scaled, 64 KB; unscaled, 501 bytes — never zero.
     */
    private int openWindow() {
        return offeredWscale == SegmentWriter.ABSENT ? WINDOW : WINDOW >>> offeredWscale;
    }

    private void count(int ours, boolean byReset) {
        int slot = ours & (SEEN_SLOTS - 1);
        if (seen[slot] == ours && ours != 0) {
            return;
        }
        seen[slot] = ours;
        completed++;
        if (byReset) {
            completedByReset++;
        }
    }

    /** The handshake's third segment (with the request), and the FIN behind it when closing with FIN. */
    private void answerSynAck(ParsedFrame f, int ours) {
        TcpOptions o = f.options();
        int peerIsn = f.seq();
        boolean scaled = o.windowScale() >= 0 && offeredWscale != SegmentWriter.ABSENT;
        int window = scaled ? WINDOW >>> offeredWscale : WINDOW;
        int flags = TcpHeader.ACK | (request.length > 0 ? TcpHeader.PSH : 0);
        if (send(f.dstIp(), f.dstPort(), ours + 1, peerIsn + 1, flags, window, o, true)) {
            handshakes++;
        }
        if (close == Close.FIN) {
            send(f.dstIp(), f.dstPort(), ours + 1 + request.length, peerIsn + 1, TcpHeader.FIN | TcpHeader.ACK,
                window, o, false);
        }
    }

    private boolean send(int ip, int port, int seq, int ack, int flags, int window, TcpOptions peer,
            boolean withRequest) {
        long at = io.txClaim();
        if (at < 0) {
            txFull++;
            return false;
        }
        writer.noOptions().timestamps(peer.hasTimestamps(), (int) System.currentTimeMillis(), peer.tsVal());
        int len = writer.write(io.txBuffer(), at, ip, port, targetIp, targetPort, seq, ack, flags, window,
            request, withRequest ? request.length : 0);
        io.txCommit(at, len);
        return true;
    }

    /** @return final ACKs sent (one per SYN-ACK answering our SYN, retransmitted SYN-ACKs included) */
    public long handshakes() {
        return handshakes;
    }

    /** @return connections the target showed established (see the class comment) */
    public long completed() {
        return completed;
    }

    /** @return of {@link #completed}, those shown by the target's RST+ACK after our bytes */
    public long completedByReset() {
        return completedByReset;
    }

    /** @return RST+ACKs acknowledging only our SYN (a closed port) */
    public long refused() {
        return refused;
    }

    /** @return answers not sent because the TX ring was full */
    public long txFull() {
        return txFull;
    }
}
