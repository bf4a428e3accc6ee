package dev.fastpath.tcp;

import static dev.fastpath.api.SocketConstants.IPPROTO_TCP;
import static dev.fastpath.api.SocketConstants.MSG_EOR;
import static dev.fastpath.api.SocketConstants.TCP_NODELAY;
import static dev.fastpath.tcp.EngineFixture.PEER_PORT;
import static dev.fastpath.tcp.EngineFixture.seg;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * send(…, MSG_EOR): a record ends where the send() ends, and nothing written later shares a segment with it —
 * neither in the first transmission nor in a retransmission (Linux: TCP_SKB_CB(skb)->eor, tcp_skb_can_collapse_to();
 * packetdrill eor/no-coalesce-*).
 */
class RecordBoundaryTest {

    private static final int MSS = 1000;
    private static final int CLIENT_ISN = 1000;

    /** {conn, iss} of a server-side connection; the peer offered MSS 1000 and a 64 KiB window. */
    private static int[] accepted(EngineFixture t) {
        int l = t.listener(80, 16);
        t.send(seg(80, SYN, CLIENT_ISN, 0, new byte[0], new TcpOption.Mss(MSS), new TcpOption.SackPermitted()));
        TcpSegment synAck = t.recvFlags(SYN | ACK);
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1, synAck.seq() + 1, ACK, 65535, List.of(), new byte[0]));
        int c = t.api.accept(l);
        assertTrue(c >= 0);
        return new int[] {c, synAck.seq() + 1};
    }

    private static void expect(TcpSegment s, int flags, int seq, int len) {
        assertEquals(flags, s.flags(), "flags of the segment at " + seq);
        assertEquals(seq, (int) s.seq());
        assertEquals(len, s.payload().length, "length of the segment at " + seq);
    }

    @Test
    @DisplayName("records end segments; the bytes written after one start a new segment, PSH on each record end")
    void recordsNeverShareASegment() {
        EngineFixture t = new EngineFixture();
        int[] c = accepted(t);
        int una = c[1];
        assertEquals(1500, t.api.send(c[0], new byte[1500], 0, 1500, MSG_EOR, t.now()));
        assertEquals(300, t.api.send(c[0], new byte[300], 0, 300, MSG_EOR, t.now()));
        assertEquals(2000, t.api.send(c[0], new byte[2000], 0, 2000, t.now()));
        List<TcpSegment> out = t.recv();
        assertEquals(5, out.size(), out.toString());
        expect(out.get(0), ACK, una, 1000);
        expect(out.get(1), ACK | PSH, una + 1000, 500); // end of the first record
        // Without the mark, Nagle would have merged these 300 bytes with the write that follows.
        expect(out.get(2), ACK | PSH, una + 1500, 300);
        expect(out.get(3), ACK, una + 1800, 1000);
        expect(out.get(4), ACK | PSH, una + 2800, 1000);
    }

    @Test
    @DisplayName("a retransmission stops at the record's end")
    void retransmissionKeepsTheRecords() {
        EngineFixture t = new EngineFixture();
        int[] c = accepted(t);
        int una = c[1];
        assertEquals(0, t.opts.setInt(c[0], IPPROTO_TCP, TCP_NODELAY, 1, t.now()));
        for (int i = 0; i < 3; i++) {
            assertEquals(400, t.api.send(c[0], new byte[400], 0, 400, MSG_EOR, t.now()));
        }
        assertEquals(3, t.recv().size());
        t.advanceMs(1200); // past the initial RTO (1 s): tcp_retransmit_timer() resends the head
        List<TcpSegment> again = t.recv();
        assertFalse(again.isEmpty());
        expect(again.get(0), ACK | PSH, una, 400);
    }

    @Test
    @DisplayName("a fast retransmission resends the lost record alone, not the SACKed one behind it")
    void fastRetransmissionKeepsTheRecords() {
        EngineFixture t = new EngineFixture();
        int[] c = accepted(t);
        int una = c[1];
        assertEquals(0, t.opts.setInt(c[0], IPPROTO_TCP, TCP_NODELAY, 1, t.now()));
        for (int i = 0; i < 4; i++) {
            assertEquals(400, t.api.send(c[0], new byte[400], 0, 400, MSG_EOR, t.now()));
        }
        assertEquals(4, t.recv().size());
        for (int d = 1; d <= 3; d++) { // the first record lost, the others SACKed: three duplicate ACKs
            long right = (una + 400L * (d + 1)) & 0xFFFFFFFFL;
            TcpOption sack = new TcpOption.Sack(List.of(new TcpOption.SackBlock((una + 400L) & 0xFFFFFFFFL, right)));
            t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1, una, ACK, 65535, List.of(sack), new byte[0]));
        }
        List<TcpSegment> again = t.recv();
        assertFalse(again.isEmpty(), "RFC 6675: the third duplicate ACK retransmits");
        expect(again.get(0), ACK | PSH, una, 400);
    }

    @Test
    @DisplayName("a send() only partly taken, or of no bytes, ends no record (tcp_sendmsg sets eor on the last byte)")
    void partialOrEmptySendEndsNoRecord() {
        EngineFixture t = new EngineFixture();
        int[] c = accepted(t);
        ByteRing q = t.engine.sock(c[0]).sendQueue;
        int free = q.free();
        assertEquals(free, t.api.send(c[0], new byte[free + 100], 0, free + 100, MSG_EOR, t.now()));
        assertFalse(q.recordEndsAt(q.size()), "the rest of that send() is still to come: no record end yet");
        t.recv();
        EngineFixture u = new EngineFixture();
        int[] d = accepted(u);
        assertEquals(10, u.api.send(d[0], new byte[10], 0, 10, u.now()));
        assertEquals(0, u.api.send(d[0], new byte[0], 0, 0, MSG_EOR, u.now()));
        assertFalse(u.engine.sock(d[0]).sendQueue.recordEndsAt(10), "a send() of no bytes marks nothing");
    }

    @Test
    @DisplayName("record marks: one per end, found from any position, gone when consumed, bounded, wrapping")
    void recordMarksKeepEndsInOrder() {
        RecordMarks m = new RecordMarks();
        m.add(100);
        m.add(100);
        assertEquals(1, m.size(), "one record, marked twice");
        m.add(300);
        assertEquals(100, m.room(0));
        assertEquals(200, m.room(100));
        assertEquals(Integer.MAX_VALUE, m.room(300));
        assertTrue(m.endsAt(300));
        m.ackedTo(100);
        assertEquals(1, m.size());
        assertFalse(m.endsAt(100));
        m.ackedTo(300);
        assertEquals(0, m.size());
        for (int i = 1; i <= RecordMarks.MAX; i++) {
            m.add(-2_000_000_000 + i); // grows past its first array; wraps through 2^31 like sequence numbers
        }
        assertFalse(m.hasRoom());
        assertEquals(1, m.room(-2_000_000_000));
    }
}
