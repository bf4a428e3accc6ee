package dev.fastpath.tcp;

import static dev.fastpath.uapi.SocketConstants.IPPROTO_TCP;
import static dev.fastpath.uapi.SocketConstants.MSG_EOR;
import static dev.fastpath.uapi.SocketConstants.SOL_SOCKET;
import static dev.fastpath.uapi.SocketConstants.SO_SNDBUF;
import static dev.fastpath.uapi.SocketConstants.TCP_CORK;
import static dev.fastpath.uapi.SocketConstants.TCP_NODELAY;
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
        t.advanceMs(1200); // past the RTO: tcp_retransmit_timer() resends the head (after a loss probe of the tail)
        List<TcpSegment> again = t.recv();
        TcpSegment head = again.stream().filter(x -> x.seq() == (una & 0xFFFFFFFFL)).findFirst().orElseThrow();
        expect(head, ACK | PSH, una, 400);
        assertTrue(again.stream().allMatch(x -> x.payload().length == 400), again.toString());
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
        assertEquals(0, t.opts.setInt(c[0], SOL_SOCKET, SO_SNDBUF, 1, t.now())); // SOCK_MIN_SNDBUF
        SendQueue q = t.engine.sock(c[0]).sendQueue;
        int taken = t.api.send(c[0], new byte[100_000], 0, 100_000, MSG_EOR, t.now());
        assertTrue(taken > 0 && taken < 100_000, "a send larger than the buffer is taken in part: " + taken);
        int last = q.writeQueueSkbs() - 1;
        assertTrue(last >= 0, "data waits unsent");
        assertEquals(0, q.wqFlags(last) & SendQueue.F_EOR, "the rest of that send() is still to come: no record end");
        EngineFixture u = new EngineFixture();
        int[] d = accepted(u);
        assertEquals(0, u.opts.setInt(d[0], IPPROTO_TCP, TCP_CORK, 1, u.now()));
        assertEquals(10, u.api.send(d[0], new byte[10], 0, 10, u.now()));
        assertEquals(0, u.api.send(d[0], new byte[0], 0, 0, MSG_EOR, u.now()));
        SendQueue r = u.engine.sock(d[0]).sendQueue;
        assertEquals(1, r.writeQueueSkbs());
        assertEquals(0, r.wqFlags(0) & SendQueue.F_EOR, "a send() of no bytes marks nothing");
    }

    @Test
    @DisplayName("skbs: a sent prefix is split off without PSH; acked skbs leave with their truesize and pcount")
    void sendQueueKeepsSkbs() {
        SendQueue q = new SendQueue(64);
        q.entail();
        q.ensureRoom(3000);
        q.append(new byte[3000], 0, 3000);
        q.growTail(3000);
        q.wqSetFlags(0, SendQueue.F_PSH | SendQueue.F_EOR, 0);
        assertEquals(SendQueue.SKB_TRUESIZE + 3000, q.wmemQueued());
        assertEquals(0, q.transmitHead(2000, 1000, 5), "the part sent before the skb's end carries no PSH or eor");
        assertEquals(2, q.skbCount());
        assertEquals(2, q.packetsOut());
        assertEquals(SendQueue.F_PSH | SendQueue.F_EOR, q.transmitHead(1000, 1000, 6));
        assertEquals(3, q.packetsOut());
        assertEquals(1000, q.toRecordEnd(2000));
        assertEquals(SendQueue.F_PSH | SendQueue.F_EOR, q.flagsWithin(1500, 3000));
        assertEquals(0, q.flagsWithin(0, 1500));
        q.consume(1500);
        assertEquals(2, q.packetsOut(), "the head skb trimmed to 500 bytes counts one segment");
        assertEquals(2 * SendQueue.SKB_TRUESIZE + 1500, q.wmemQueued());
        q.consume(1500);
        assertEquals(0, q.packetsOut());
        assertEquals(0, q.wmemQueued());
    }
}
