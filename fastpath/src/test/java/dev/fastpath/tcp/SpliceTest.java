package dev.fastpath.tcp;

import static dev.fastpath.uapi.SocketConstants.SHUT_WR;
import static dev.fastpath.uapi.SocketConstants.SIOCINQ;
import static dev.fastpath.uapi.SocketConstants.SOL_SOCKET;
import static dev.fastpath.uapi.SocketConstants.SO_SNDBUF;
import static dev.fastpath.tcp.EngineFixture.seg;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.FIN;
import static dev.fastpath.wire.TcpHeader.PSH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.wire.TcpSegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SocketOps.splice(), the load balancer's relay: bytes received on one connection leave on another, in order,
 * as much as the sink's send buffer takes; the rest stays in the source's receive queue (its window closes).
 */
class SpliceTest {
    private final EngineFixture t = new EngineFixture();

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    @DisplayName("received bytes leave on the other connection in order; nothing queued: EAGAIN; FIN: 0")
    void relaysInOrderAndEndsAtFin() {
        EngineFixture.Accepted src = t.established(1000);
        EngineFixture.Connected sink = t.connected(7000);
        byte[] data = bytes(3000, 1);
        t.send(seg(80, ACK | PSH, 1001, src.iss() + 1, java.util.Arrays.copyOf(data, 1400)));
        t.send(seg(80, ACK | PSH, 2401, src.iss() + 1, java.util.Arrays.copyOfRange(data, 1400, 3000)));
        t.recv(); // the source's ACKs
        assertEquals(3000, t.api.splice(src.child(), sink.id(), 65536, t.now()));
        List<TcpSegment> out = t.recv().stream().filter(s -> s.payload().length > 0).toList();
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        int seq = sink.iss() + 1;
        for (TcpSegment s : out) {
            assertEquals(80, s.destinationPort(), "on the sink connection");
            assertEquals(seq, s.seq());
            seq += s.payload().length;
            got.writeBytes(s.payload());
        }
        assertArrayEquals(data, got.toByteArray());
        assertEquals(0, t.opts.ioctl(src.child(), SIOCINQ));
        assertEquals(-Errno.EAGAIN, t.api.splice(src.child(), sink.id(), 65536, t.now()));
        t.send(seg(80, ACK | FIN, 4001, src.iss() + 1));
        assertEquals(0, t.api.splice(src.child(), sink.id(), 65536, t.now()), "end of stream");
    }

    @Test
    @DisplayName("a full sink takes only what its send buffer holds; the rest waits in the source until ACKs free room")
    void backpressure() {
        EngineFixture.Accepted src = t.established(1000);
        EngineFixture.Connected sink = t.connected(7000);
        assertEquals(0, t.opts.setInt(sink.id(), SOL_SOCKET, SO_SNDBUF, 4096, t.now())); // 8192: one skb's worth
        int sent = 0;
        int moved = 0;
        int last = 0;
        int sinkPort = 0;
        int sinkSent = sink.iss() + 1; // the end of what the sink has sent
        // tcp_sendmsg_locked() checks the memory only when it needs a new skb: the first may fill up to the size
        // goal, the second finds the buffer full
        for (int round = 0; round < 6 && t.opts.ioctl(src.child(), SIOCINQ) == 0; round++) {
            for (int i = 0; i < 20; i++) {
                t.send(seg(80, ACK, 1001 + sent, src.iss() + 1, bytes(1400, i)));
                sent += 1400;
            }
            for (last = t.api.splice(src.child(), sink.id(), 65536, t.now()); last > 0;
                    last = t.api.splice(src.child(), sink.id(), 65536, t.now())) {
                moved += last;
            }
            for (TcpSegment s : t.recv()) {
                if (s.destinationPort() == 80 && s.payload().length > 0) {
                    sinkPort = s.sourcePort();
                    sinkSent = Math.max(sinkSent, s.seq() + s.payload().length);
                }
            }
        }
        assertEquals(-Errno.EAGAIN, last, "the sink filled up: " + moved + " of " + sent);
        assertTrue(moved > 0 && moved < sent, moved + " of " + sent);
        assertEquals(sent - moved, t.opts.ioctl(src.child(), SIOCINQ), "the rest waits in the source");
        int more = -Errno.EAGAIN;
        for (int i = 0; i < 20 && more == -Errno.EAGAIN; i++) { // the peer acknowledges what the sink sent
            t.send(TcpSegment.of(80, sinkPort, 7001, sinkSent, ACK, 65535, List.of(), new byte[0]));
            for (TcpSegment s : t.recv()) {
                if (s.destinationPort() == 80 && s.payload().length > 0) {
                    sinkSent = Math.max(sinkSent, s.seq() + s.payload().length);
                }
            }
            more = t.api.splice(src.child(), sink.id(), 65536, t.now());
        }
        assertTrue(more > 0, "room again once the sink's data is acknowledged: " + more);
    }

    @Test
    @DisplayName("a sink still connecting: EAGAIN; a sink shut for writing: EPIPE")
    void sinkStates() {
        EngineFixture.Accepted src = t.established(1000);
        t.send(seg(80, ACK | PSH, 1001, src.iss() + 1, bytes(100, 3)));
        int connecting = t.api.socket();
        assertEquals(-Errno.EINPROGRESS, t.api.connect(connecting, EngineFixture.PEER_IP, 81, t.now()));
        assertEquals(-Errno.EAGAIN, t.api.splice(src.child(), connecting, 65536, t.now()));
        t.recv(); // the SYN to port 81 and the source's ACK
        EngineFixture.Connected sink = t.connected(7000);
        assertEquals(0, t.api.shutdown(sink.id(), SHUT_WR, t.now()));
        assertEquals(-Errno.EPIPE, t.api.splice(src.child(), sink.id(), 65536, t.now()));
        assertEquals(100, t.opts.ioctl(src.child(), SIOCINQ), "nothing was taken");
    }
}
