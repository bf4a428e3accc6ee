package dev.fastpath.tcp;

import static dev.fastpath.tcp.SegmentFixture.LOCAL_SEQ;
import static dev.fastpath.tcp.SegmentFixture.REMOTE_SEQ;
import static dev.fastpath.tcp.SegmentFixture.SEND_TEMPL;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.URG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import dev.fastpath.wire.TcpSegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Urgent data in smoltcp's style on an ESTABLISHED connection, as Linux sends and takes it (tcp_mark_urg(),
 * __tcp_transmit_skb(), tcp_check_urg(), tcp_urg(), tcp_recv_urg(), tcp_recvmsg_locked()): BSD's pointer, one
 * past the urgent byte.
 */
class UrgentDataTest {
    private final SegmentFixture t = new SegmentFixture();
    private final int id = t.socketEstablished().id();

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The peer sends {@code data} at {@code offset} past its first byte, URG with {@code urgPtr} if ≥ 0. */
    private void peer(int offset, String data, int urgPtr) {
        TcpSegment seg = SEND_TEMPL.seq(REMOTE_SEQ + 1 + offset).flags(ACK | PSH | (urgPtr >= 0 ? URG : 0))
                .payload(data).toSegment();
        TcpSegment withUrg = new TcpSegment(seg.sourcePort(), seg.destinationPort(), seg.seq(), seg.ack(), 0,
                seg.flags(), seg.window(), 0, Math.max(urgPtr, 0), seg.options(), seg.payload());
        t.engine.tcpV4Rcv(t.link.arriving(SegmentFixture.REMOTE_IP, SegmentFixture.LOCAL_IP, withUrg), t.now());
    }

    private String read(int len, int flags) {
        byte[] b = new byte[len];
        int n = t.api.recv(id, b, 0, len, flags, t.now());
        assertTrue(n >= 0, "recv returned " + n);
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    private int readErr(int flags) {
        return t.api.recv(id, new byte[8], 0, 8, flags, t.now());
    }

    private List<TcpSegment> sentRaw() {
        return t.link.drain().stream().map(SegmentLink.Sent::segment).toList();
    }

    @Test
    @DisplayName("send(MSG_OOB): the segment carries URG and the pointer one past the last byte; it stays on "
            + "later segments until the urgent byte is acknowledged, then goes")
    void sendSetsThePointer() {
        assertEquals(3, t.api.send(id, ascii("abc"), 0, 3, SocketConstants.MSG_OOB, t.now()));
        TcpSegment first = sentRaw().getFirst();
        assertEquals(ACK | PSH | URG, first.flags());
        assertEquals(3, first.urgentPointer(), "snd_up − seq: one past the urgent byte 'c'");
        // Before the ACK, a pure ACK starting at snd_nxt (past snd_up) has no URG; acknowledging part of the
        // data keeps urgent mode: a new segment past snd_up has none either (only segments before snd_up).
        t.send(SEND_TEMPL.ack(LOCAL_SEQ + 2));
        t.sent();
        assertEquals(2, t.api.send(id, ascii("de"), 0, 2, 0, t.now()));
        TcpSegment second = sentRaw().getFirst();
        assertEquals(ACK | PSH, second.flags());
        assertTrue(TcpXmit.urgMode(t.engine.sock(id)), "the urgent byte is not acknowledged yet");
        t.send(SEND_TEMPL.ack(LOCAL_SEQ + 4));
        assertTrue(!TcpXmit.urgMode(t.engine.sock(id)), "acknowledged: urgent mode ends (snd_up = snd_una)");
    }

    @Test
    @DisplayName("a retransmission starting before snd_up carries URG with the pointer from its own start")
    void retransmissionKeepsUrg() {
        assertEquals(1, t.api.send(id, ascii("x"), 0, 1, 0, t.now()));
        assertEquals(2, t.api.send(id, ascii("yz"), 0, 2, SocketConstants.MSG_OOB, t.now()));
        List<TcpSegment> out = sentRaw();
        assertEquals(2, out.size(), out.toString());
        assertEquals(0, out.get(0).flags() & URG, "'x' left before send(MSG_OOB): no urgent mode yet");
        assertEquals(2, out.get(1).urgentPointer());
        t.advanceMs(1000);
        List<TcpSegment> again = sentRaw();
        assertTrue(!again.isEmpty());
        assertEquals(URG, again.getFirst().flags() & URG);
        assertEquals(3, again.getFirst().urgentPointer());
    }

    @Test
    @DisplayName("receive without SO_OOBINLINE: a read stops before the mark; recv(MSG_OOB) takes the byte; the "
            + "next read skips it; a second recv(MSG_OOB) is EINVAL")
    void receiveOutOfLine() {
        peer(0, "hello!world", 6); // the urgent byte is '!', at offset 5
        assertEquals(0, t.opts.ioctl(id, SocketConstants.SIOCATMARK));
        assertEquals(SocketConstants.POLLPRI, t.opts.poll(id) & SocketConstants.POLLPRI);
        assertEquals("hello", read(100, 0), "a read stops at the mark");
        assertEquals(1, t.opts.ioctl(id, SocketConstants.SIOCATMARK));
        assertEquals("!", read(1, SocketConstants.MSG_OOB | SocketConstants.MSG_PEEK), "peek leaves it");
        assertEquals("!", read(1, SocketConstants.MSG_OOB));
        assertEquals(-Errno.EINVAL, readErr(SocketConstants.MSG_OOB), "TCP_URG_READ: nothing to read");
        assertEquals("world", read(100, 0), "the urgent byte is not in the stream");
        assertEquals(0, t.opts.ioctl(id, SocketConstants.SIOCATMARK));
        assertEquals(-Errno.EINVAL, readErr(SocketConstants.MSG_OOB), "past the mark: urg_data cleared");
    }

    @Test
    @DisplayName("a read at the mark skips the urgent byte even when recv(MSG_OOB) never took it")
    void readSkipsUnreadUrgentByte() {
        peer(0, "ab", 2);
        assertEquals("a", read(100, 0));
        assertEquals("", read(0, 0));
        peer(2, "cd", -1);
        assertEquals("cd", read(100, 0), "'b' is skipped");
        assertEquals(-Errno.EINVAL, readErr(SocketConstants.MSG_OOB));
    }

    @Test
    @DisplayName("SO_OOBINLINE: the byte stays in the stream (reads still stop at the mark); recv(MSG_OOB) is "
            + "EINVAL")
    void receiveInline() {
        assertEquals(0, t.opts.setInt(id, SocketConstants.SOL_SOCKET, SocketConstants.SO_OOBINLINE, 1,
                t.now()));
        peer(0, "hello!world", 6);
        assertEquals(-Errno.EINVAL, readErr(SocketConstants.MSG_OOB));
        assertEquals("hello", read(100, 0));
        assertEquals(1, t.opts.ioctl(id, SocketConstants.SIOCATMARK));
        assertEquals("!world", read(100, 0));
    }

    @Test
    @DisplayName("the pointer arrives before the urgent byte: recv(MSG_OOB) is EAGAIN until the byte comes "
            + "(TCP_URG_NOTYET), then reads it")
    void pointerBeforeByte() {
        peer(0, "abc", 10); // urgent byte at offset 9, not here yet
        assertEquals(-Errno.EAGAIN, readErr(SocketConstants.MSG_OOB));
        assertEquals(0, t.opts.poll(id) & SocketConstants.POLLPRI);
        peer(3, "defghijk", -1);
        assertEquals("j", read(1, SocketConstants.MSG_OOB));
        assertEquals("abcdefghi", read(100, 0));
        assertEquals("k", read(100, 0));
    }

    @Test
    @DisplayName("recv(MSG_OOB) with no urgent data is EINVAL, even with data queued; after the peer's FIN, "
            + "with no urgent byte pending, still EINVAL (nothing was ever marked)")
    void errnos() {
        assertEquals(-Errno.EINVAL, readErr(SocketConstants.MSG_OOB));
        peer(0, "x", -1);
        assertEquals(-Errno.EINVAL, readErr(SocketConstants.MSG_OOB));
        byte[] b = new byte[4];
        assertEquals(1, t.api.recv(id, b, 0, 4, 0, t.now()));
        assertArrayEquals(ascii("x"), Arrays.copyOf(b, 1));
    }
}
