package dev.fastpath.stress;

import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.FIN;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.RST;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.ParsedFrame;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The completing clients, segment by segment: a SYN-ACK answering our keyed ISN gets the final ACK (TSval echoed,
 * request bytes, the window scaled as agreed) and a FIN; one that does not is ignored; the target's FIN counts one
 * completion however often it comes and is acknowledged; a listener's bare RST and a closed port's RST+ACK do not
 * count; with --close rst the first sign of the established connection is answered with an RST.
 */
class CompleterTest {

    private static final int TARGET = Ipv4Header.parseAddress("198.18.0.2");
    private static final int PORT = 8080;
    private static final int SRC = Ipv4Header.parseAddress("198.19.0.5");
    private static final int SPORT = 4000;
    private static final long MAC_A = 0x0200C6120001L;
    private static final long MAC_B = 0x0200C6120002L;
    private static final byte[] REQUEST = "GET /\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int PEER_ISN = 1_000_000;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment rx = arena.allocate(2048);
    private final SegmentWriter fromTarget = new SegmentWriter(MAC_B, MAC_A);
    private final TupleIsn isn = TupleIsn.keyed(0x0706050403020100L, 0x0F0E0D0C0B0A0908L, TARGET, PORT);
    private final int ours = isn.isn(SRC, SPORT);
    private final ListIo io = new ListIo();
    private final FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);

    @AfterEach
    void close() {
        io.close();
        arena.close();
    }

    private FloodReceiver receiver(Completer c) {
        FloodReceiver r = new FloodReceiver(TupleWalker.ofCidr("198.19.0.0/24", 1024, 65535), TARGET, PORT,
            SynOptions.LINUX, MAC_A, ChecksumPolicy.STRICT);
        r.isn(isn);
        r.segmentHook(c);
        r.tsWindow(0, 1000); // our SYNs' TSvals: the SYN-ACKs below echo 555
        return r;
    }

    private Completer completer(byte[] request, Completer.Close close) {
        return new Completer(io, new SegmentWriter(MAC_A, MAC_B), isn, TARGET, PORT, request, close,
            SynTemplate.WSCALE);
    }

    /** The target sends one segment to our tuple. */
    private void target(FloodReceiver r, int seq, int ack, int flags, boolean synOptions, int payload) {
        fromTarget.noOptions().timestamps(true, 777, 555);
        if (synOptions) {
            fromTarget.mss(1460).sackPermitted(true).windowScale(7);
        }
        byte[] data = new byte[payload];
        int len = fromTarget.write(rx, 0, TARGET, PORT, SRC, SPORT, seq, ack, flags, 509, data, payload);
        r.onFrame(rx, 0, len, 0);
    }

    private ParsedFrame sent(int i) {
        ParsedFrame f = new ParsedFrame();
        byte[] b = io.sent.get(i);
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(b), 0, b.length, 0, f), "frame " + i);
        assertEquals(SRC, f.srcIp());
        assertEquals(SPORT, f.srcPort());
        assertEquals(TARGET, f.dstIp());
        assertEquals(PORT, f.dstPort());
        return f;
    }

    @Test
    void synAckAnsweringOurIsnGetsTheFinalAckWithRequestThenFin() {
        Completer c = completer(REQUEST, Completer.Close.FIN);
        FloodReceiver r = receiver(c);
        target(r, PEER_ISN, ours + 1, SYN | ACK, true, 0);
        assertEquals(2, io.sent.size());
        ParsedFrame ack = sent(0);
        assertEquals(ACK | PSH, ack.flags());
        assertEquals(ours + 1, ack.seq());
        assertEquals(PEER_ISN + 1, ack.ack());
        assertEquals(REQUEST.length, ack.payloadLength());
        assertTrue(ack.options().hasTimestamps());
        assertEquals(777, ack.options().tsEcr(), "the SYN-ACK's TSval echoed: a cookie's options may be in it");
        assertEquals(SynTemplate.WINDOW >>> SynTemplate.WSCALE, ack.window(), "window scaled as both offered");
        ParsedFrame fin = sent(1);
        assertEquals(FIN | ACK, fin.flags());
        assertEquals(ours + 1 + REQUEST.length, fin.seq());
        assertEquals(PEER_ISN + 1, fin.ack());
        assertEquals(1, c.handshakes());
        assertEquals(0, c.completed(), "a SYN-ACK is no proof of a connection");
        assertEquals(1, r.validLooking());
    }

    @Test
    void synAckNotAnsweringOurIsnIsIgnored() {
        Completer c = completer(new byte[0], Completer.Close.FIN);
        FloodReceiver r = receiver(c);
        target(r, PEER_ISN, ours + 2, SYN | ACK, true, 0);
        target(r, PEER_ISN, FloodGenerator.isn(SRC, SPORT) + 1, SYN | ACK, true, 0);
        assertEquals(0, io.sent.size());
        assertEquals(0, c.handshakes());
        assertEquals(0, r.validLooking());
    }

    @Test
    void targetsFinCountsOnceAndIsAcknowledgedEachTime() {
        Completer c = completer(REQUEST, Completer.Close.FIN);
        FloodReceiver r = receiver(c);
        int afterOurFin = ours + 1 + REQUEST.length + 1;
        target(r, PEER_ISN + 1, afterOurFin, ACK, false, 0); // the ACK of our FIN
        assertEquals(0, c.completed(), "closing with FIN, the target's FIN completes");
        assertEquals(0, io.sent.size(), "a bare ACK needs no answer");
        target(r, PEER_ISN + 1, afterOurFin, FIN | ACK, false, 0);
        target(r, PEER_ISN + 1, afterOurFin, FIN | ACK, false, 0); // retransmitted
        assertEquals(1, c.completed(), "one connection, counted once");
        assertEquals(2, io.sent.size());
        for (int i = 0; i < 2; i++) {
            ParsedFrame a = sent(i);
            assertEquals(ACK, a.flags());
            assertEquals(SynTemplate.WINDOW >>> SynTemplate.WSCALE, a.window(), "never a zero window: its FIN waits");
            assertEquals(afterOurFin, a.seq());
            assertEquals(PEER_ISN + 2, a.ack());
        }
    }

    @Test
    void responseDataIsAcknowledgedWithOurFinAgainWhileItIsMissing() {
        Completer c = completer(REQUEST, Completer.Close.FIN);
        FloodReceiver r = receiver(c);
        target(r, PEER_ISN + 1, ours + 1 + REQUEST.length, ACK | PSH, false, 100); // our FIN not acknowledged
        ParsedFrame a = sent(0);
        assertEquals(FIN | ACK, a.flags(), "our FIN again: the target's acknowledgment says it is missing");
        assertEquals(ours + 1 + REQUEST.length, a.seq());
        assertEquals(PEER_ISN + 101, a.ack());
        target(r, PEER_ISN + 101, ours + 2 + REQUEST.length, ACK | PSH, false, 10); // now it is acknowledged
        ParsedFrame b = sent(1);
        assertEquals(ACK, b.flags());
        assertEquals(ours + 2 + REQUEST.length, b.seq(), "after our FIN");
        assertEquals(PEER_ISN + 111, b.ack());
        assertEquals(0, c.completed(), "data alone, closing with FIN, is not the end of the connection");
    }

    @Test
    void resetsOfAListenerOrAClosedPortAreNoCompletion() {
        Completer c = completer(REQUEST, Completer.Close.FIN);
        FloodReceiver r = receiver(c);
        target(r, ours + 1, 0, RST, false, 0); // a listener refusing our ACK: seq = our ack, no ACK bit
        target(r, 0, ours + 1, RST | ACK, false, 0); // a closed port answering the SYN
        target(r, PEER_ISN + 1, ours + 50, ACK, false, 0); // acknowledges what we never sent
        assertEquals(0, c.completed());
        assertEquals(1, c.refused());
        target(r, PEER_ISN + 1, ours + 1 + REQUEST.length, RST | ACK, false, 0); // reset after reading our bytes
        assertEquals(1, c.completed());
        assertEquals(1, c.completedByReset());
        assertEquals(0, io.sent.size(), "an RST is never answered");
    }

    @Test
    void closeRstResetsOnTheFirstSignOfTheConnection() {
        Completer c = completer(REQUEST, Completer.Close.RST);
        FloodReceiver r = receiver(c);
        target(r, PEER_ISN, ours + 1, SYN | ACK, true, 0);
        assertEquals(1, io.sent.size(), "no FIN behind the ACK");
        target(r, PEER_ISN + 1, ours + 1 + REQUEST.length, ACK, false, 0);
        assertEquals(1, c.completed());
        ParsedFrame rst = sent(1);
        assertEquals(RST | ACK, rst.flags());
        assertEquals(ours + 1 + REQUEST.length, rst.seq());
    }

    @Test
    void fullTxRingIsCountedNotFatal() {
        Completer c = completer(REQUEST, Completer.Close.FIN);
        FloodReceiver r = receiver(c);
        io.full = true;
        target(r, PEER_ISN, ours + 1, SYN | ACK, true, 0);
        assertEquals(0, c.handshakes());
        assertEquals(2, c.txFull());
    }

    @Test
    void closeRstWithoutRequestIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> completer(new byte[0], Completer.Close.RST));
    }

    @Test
    void keyedIsnDependsOnKeyAndTuple() {
        TupleIsn other = TupleIsn.keyed(1, 2, TARGET, PORT);
        assertFalse(isn.isn(SRC, SPORT) == other.isn(SRC, SPORT));
        assertFalse(isn.isn(SRC, SPORT) == isn.isn(SRC, SPORT + 1));
        assertEquals(isn.isn(SRC, SPORT), TupleIsn.keyed(0x0706050403020100L, 0x0F0E0D0C0B0A0908L, TARGET, PORT)
            .isn(SRC, SPORT));
    }
}
