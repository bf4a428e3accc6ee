package dev.fastpath.tcp;

import static dev.fastpath.uapi.SocketConstants.IPPROTO_TCP;
import static dev.fastpath.uapi.SocketConstants.TCP_INQ;
import static dev.fastpath.tcp.EngineFixture.PEER_PORT;
import static dev.fastpath.tcp.EngineFixture.seg;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.FIN;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** TCP_INQ (Linux tcp_inq_hint()): what stays queued after a read; 1 once only the peer's FIN is left. */
class InqHintTest {

    private static final int CLIENT_ISN = 1000;

    @Test
    @DisplayName("the hint is the bytes left after each read, then 1 after the FIN, and EINVAL while TCP_INQ is off")
    void hintFollowsTheReceiveQueue() {
        EngineFixture t = new EngineFixture();
        int l = t.listener(80, 16);
        t.send(seg(80, SYN, CLIENT_ISN, 0, new byte[0], new TcpOption.Mss(1000)));
        TcpSegment synAck = t.recvFlags(SYN | ACK);
        int ack = synAck.seq() + 1;
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1, ack, ACK, 65535, List.of(), new byte[0]));
        int c = t.api.accept(l);
        assertTrue(c >= 0);
        assertEquals(-Errno.EINVAL, t.api.inq(c), "no hint before TCP_INQ");
        assertEquals(0, t.opts.setInt(c, IPPROTO_TCP, TCP_INQ, 1, t.now()));
        assertEquals(-Errno.EINVAL, t.opts.setInt(c, IPPROTO_TCP, TCP_INQ, 2, t.now()));
        assertEquals(1, t.opts.getInt(c, IPPROTO_TCP, TCP_INQ));
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1, ack, ACK, 65535, List.of(), new byte[3000]));
        byte[] buf = new byte[3000];
        assertEquals(1000, t.api.recv(c, buf, 0, 1000, t.now()));
        assertEquals(2000, t.api.inq(c));
        assertEquals(2000, t.api.recv(c, buf, 0, 3000, t.now()));
        assertEquals(0, t.api.inq(c), "all read, no FIN yet");
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 3001, ack, ACK | FIN, 65535, List.of(), new byte[500]));
        assertEquals(500, t.api.inq(c));
        assertEquals(500, t.api.recv(c, buf, 0, 3000, t.now()));
        assertEquals(1, t.api.inq(c), "only the FIN is left: read on to see the end (tcp_inq_hint)");
        assertEquals(0, t.api.recv(c, buf, 0, 3000, t.now()));
    }
}
