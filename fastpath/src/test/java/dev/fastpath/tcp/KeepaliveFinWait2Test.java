package dev.fastpath.tcp;

import static dev.fastpath.tcp.SegmentFixture.LOCAL_SEQ;
import static dev.fastpath.tcp.SegmentFixture.RECV_TEMPL;
import static dev.fastpath.tcp.SegmentFixture.SEND_TEMPL;
import static dev.fastpath.uapi.SocketConstants.IPPROTO_TCP;
import static dev.fastpath.uapi.SocketConstants.SOL_SOCKET;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.FIN;
import static dev.fastpath.wire.TcpHeader.RST;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Keepalive (tcp_keepalive_timer) and FIN_WAIT2 (tcp_close, tcp_fin_time) to the millisecond, in smoltcp's
 * scripted style over {@link SegmentFixture}.
 */
class KeepaliveFinWait2Test {
    private final SegmentFixture t = new SegmentFixture();

    private long counter(TcpStat stat) {
        return t.engine.counters().get(stat);
    }

    private void keepalive(int id, int idleS, int intvlS, int cnt) {
        assertEquals(0, t.opts.setInt(id, IPPROTO_TCP, SocketConstants.TCP_KEEPIDLE, idleS, t.now()));
        assertEquals(0, t.opts.setInt(id, IPPROTO_TCP, SocketConstants.TCP_KEEPINTVL, intvlS, t.now()));
        assertEquals(0, t.opts.setInt(id, IPPROTO_TCP, SocketConstants.TCP_KEEPCNT, cnt, t.now()));
        assertEquals(0, t.opts.setInt(id, SOL_SOCKET, SocketConstants.SO_KEEPALIVE, 1, t.now()));
    }

    @Test
    @DisplayName("keepalive: the first probe keepidle after the last segment received, to the millisecond; "
            + "an answer puts the next one keepidle after it; keepcnt unanswered probes, then RST and ETIMEDOUT")
    void keepaliveTiming() {
        SegmentFixture.Established e = t.socketEstablished();
        keepalive(e.id(), 10, 2, 3);
        Seg probe = RECV_TEMPL.seq(LOCAL_SEQ); // snd_una - 1, no data
        t.advanceMs(9_999);
        t.recvNothing();
        t.advanceMs(1);
        t.recv(probe);
        assertEquals(1, counter(TcpStat.TcpExtTCPKeepAlive));
        t.advanceMs(500);
        t.send(SEND_TEMPL); // the peer answers the probe: it is alive
        t.recvNothing();
        t.advanceMs(9_999);
        t.recvNothing();
        t.advanceMs(1);
        t.recv(probe); // 10 s after the answer, not after the probe
        t.advanceMs(1_999);
        t.recvNothing();
        t.advanceMs(1);
        t.recv(probe);
        t.advanceMs(2_000);
        t.recv(probe);
        assertEquals(4, counter(TcpStat.TcpExtTCPKeepAlive));
        assertEquals(0, counter(TcpStat.TcpExtTCPAbortOnTimeout));
        t.advanceMs(1_999);
        t.recvNothing();
        t.advanceMs(1);
        t.recv(RECV_TEMPL.flags(RST | ACK));
        assertEquals(1, counter(TcpStat.TcpExtTCPAbortOnTimeout));
        assertEquals(List.of(e.id() + ":" + Errno.ETIMEDOUT), t.closed);
        assertEquals(-Errno.ETIMEDOUT, t.api.recv(e.id(), new byte[4], 0, 4, t.now()));
    }

    @Test
    @DisplayName("keepalive: data from the peer in the idle time pushes the first probe back (keepalive_time_elapsed)")
    void dataPostponesTheProbe() {
        SegmentFixture.Established e = t.socketEstablished();
        keepalive(e.id(), 10, 2, 3);
        t.advanceMs(4_000);
        t.send(SEND_TEMPL.payload("ping"));
        t.advanceMs(200); // the delayed ACK
        t.sent();
        t.advanceMs(5_800); // 10 s after arming: the timer finds 6 s of silence and waits
        t.recvNothing();
        t.advanceMs(3_999);
        t.recvNothing();
        t.advanceMs(1);
        t.recv(RECV_TEMPL.seq(LOCAL_SEQ).ack(SEND_TEMPL.seq() + 4));
    }

    @Test
    @DisplayName("keepalive off: no probe however long the silence")
    void keepaliveOff() {
        SegmentFixture.Established e = t.socketEstablished();
        keepalive(e.id(), 1, 1, 1);
        assertEquals(0, t.opts.setInt(e.id(), SOL_SOCKET, SocketConstants.SO_KEEPALIVE, 0, t.now()));
        t.advanceMs(5_000);
        t.recvNothing();
        assertEquals(0, counter(TcpStat.TcpExtTCPKeepAlive));
    }

    @Test
    @DisplayName("FIN_WAIT2 of a socket still open (shutdown(SHUT_WR)) has no timer: it waits for the peer's FIN")
    void halfClosedWaits() {
        SegmentFixture.Established e = t.socketEstablished();
        assertEquals(0, t.api.shutdown(e.id(), SocketConstants.SHUT_WR, t.now()));
        t.recv(RECV_TEMPL.flags(FIN | ACK));
        t.send(SEND_TEMPL.ack(LOCAL_SEQ + 2));
        assertEquals(TcpState.FIN_WAIT2, t.engine.sock(e.id()).state);
        t.advanceMs(200_000);
        t.recvNothing();
        assertEquals(TcpState.FIN_WAIT2, t.engine.sock(e.id()).state, "tcp_fin_timeout is for orphans only");
        assertEquals(List.of(), t.closed);
    }

    @Test
    @DisplayName("TCP_LINGER2 < 0: close() in FIN_WAIT2 resets at once (TCPAbortOnLinger)")
    void linger2NegativeResets() {
        SegmentFixture.Established e = t.socketEstablished();
        assertEquals(0, t.opts.setInt(e.id(), IPPROTO_TCP, SocketConstants.TCP_LINGER2, -1, t.now()));
        assertEquals(0, t.api.shutdown(e.id(), SocketConstants.SHUT_WR, t.now()));
        t.recv(RECV_TEMPL.flags(FIN | ACK));
        t.send(SEND_TEMPL.ack(LOCAL_SEQ + 2));
        assertEquals(0, t.api.close(e.id(), t.now()));
        t.recv(RECV_TEMPL.seq(LOCAL_SEQ + 2).flags(RST | ACK));
        assertEquals(1, counter(TcpStat.TcpExtTCPAbortOnLinger));
        assertEquals(0, t.engine.orphanCount());
    }

    @Test
    @DisplayName("an orphan in FIN_WAIT2 lives TCP_LINGER2 seconds, to the millisecond, then goes without a RST")
    void orphanFinWait2Timeout() {
        SegmentFixture.Established e = t.socketEstablished();
        assertEquals(0, t.opts.setInt(e.id(), IPPROTO_TCP, SocketConstants.TCP_LINGER2, 5, t.now()));
        assertEquals(0, t.api.shutdown(e.id(), SocketConstants.SHUT_WR, t.now()));
        t.recv(RECV_TEMPL.flags(FIN | ACK));
        t.send(SEND_TEMPL.ack(LOCAL_SEQ + 2));
        assertEquals(0, t.api.close(e.id(), t.now()));
        assertEquals(1, t.engine.orphanCount());
        t.advanceMs(4_999);
        assertEquals(1, t.engine.orphanCount());
        t.advanceMs(1);
        assertEquals(0, t.engine.orphanCount());
        t.recvNothing();
        assertEquals(0, counter(TcpStat.TcpExtTCPAbortOnLinger));
    }
}
