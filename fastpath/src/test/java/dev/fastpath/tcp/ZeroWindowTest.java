package dev.fastpath.tcp;

import static dev.fastpath.uapi.SocketConstants.IPPROTO_TCP;
import static dev.fastpath.uapi.SocketConstants.TCP_USER_TIMEOUT;
import static dev.fastpath.tcp.EngineFixture.PEER_PORT;
import static dev.fastpath.tcp.EngineFixture.seg;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.PSH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;
import dev.fastpath.wire.TcpSegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The persist timer (RFC 9293 §3.8.6.1, Linux tcp_probe_timer) and TCP_USER_TIMEOUT (RFC 5482):
 * an ESTABLISHED server-side connection whose peer shuts its window or goes silent.
 */
class ZeroWindowTest {
    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    private static TcpSegment windowAck(int seq, int ack, int window) {
        return TcpSegment.of(PEER_PORT, 80, seq, ack, ACK, window, List.of(), new byte[0]);
    }

    private static long rtoMs(EngineFixture t, int c) {
        return SocketOptions.of(t.engine).tcpInfo(c).rto() / 1000;
    }

    @Test
    @DisplayName("zero window: a probe (seq snd_una − 1) after one RTO, the next after twice that; data when it opens")
    void probesUntilTheWindowOpens() {
        EngineFixture t = new EngineFixture();
        EngineFixture.Accepted st = t.established(1000);
        int c = st.child();
        int iss = st.iss();
        t.send(windowAck(1001, iss + 1, 0));
        t.recvNothing();
        assertEquals(5, t.api.send(c, HELLO, 0, HELLO.length, t.now()), "queued behind the shut window");
        t.recvNothing();
        long rto = rtoMs(t, c);
        t.advanceMs(rto - 1);
        t.recvNothing();
        t.advanceMs(1);
        t.recvOne(ACK, iss, 1001);
        assertEquals(1, SocketOptions.of(t.engine).tcpInfo(c).backoff());
        t.send(windowAck(1001, iss + 1, 0)); // answered, still shut: the wait restarts from now
        t.advanceMs(2 * rto - 1);
        t.recvNothing();
        t.advanceMs(1);
        t.recvOne(ACK, iss, 1001);
        t.send(windowAck(1001, iss + 1, 65535));
        TcpSegment data = t.recvOne(ACK | PSH, iss + 1, 1001);
        assertArrayEquals(HELLO, data.payload());
        t.send(seg(80, ACK, 1001, iss + 6));
        t.advanceMs(60_000);
        t.recvNothing();
        assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
        assertEquals(2, t.engine.counters().get(TcpStat.TcpExtTCPWinProbe));
    }

    @Test
    @Seed({"R1"})
    @DisplayName("R1: probes nobody answers end the connection after tcp_retries2 of them, ETIMEDOUT, no RST")
    void silentPeerTimesOut() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0",
                "tcp.retries2=3")));
        EngineFixture.Accepted st = t.established(1000);
        int c = st.child();
        int iss = st.iss();
        t.send(windowAck(1001, iss + 1, 0));
        t.api.send(c, HELLO, 0, HELLO.length, t.now());
        long rto = rtoMs(t, c);
        for (int i = 0; i < 3; i++) {
            t.advanceMs(rto << i);
            t.recvOne(ACK, iss, 1001);
        }
        t.advanceMs((rto << 3) - 1);
        assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
        t.advanceMs(1);
        t.recvNothing();
        assertEquals(TcpState.CLOSE, t.engine.state(c));
        assertEquals(-Errno.ETIMEDOUT, t.api.recv(c, new byte[8], 0, 8, t.now()));
        assertEquals(List.of(c + ":" + Errno.ETIMEDOUT), t.closed);
    }

    @Test
    @Seed({"R1"})
    @DisplayName("R1: TCP_USER_TIMEOUT ends a connection whose data goes unacknowledged that long, before tcp_retries2")
    void userTimeout() {
        EngineFixture t = new EngineFixture();
        EngineFixture.Accepted st = t.established(1000);
        int c = st.child();
        int iss = st.iss();
        assertEquals(0, t.opts.setInt(c, IPPROTO_TCP, TCP_USER_TIMEOUT, 3000, t.now()));
        assertEquals(3000, t.opts.getInt(c, IPPROTO_TCP, TCP_USER_TIMEOUT));
        long rto = rtoMs(t, c);
        t.api.send(c, HELLO, 0, HELLO.length, t.now());
        t.recvOne(ACK | PSH, iss + 1, 1001);
        t.advanceMs(rto);
        t.recvOne(ACK | PSH, iss + 1, 1001); // first retransmission
        t.advanceMs(3000 - rto - 1);
        List<TcpSegment> more = t.recv();
        assertTrue(more.size() < 4 && more.stream().allMatch(s -> s.seq() == iss + 1), "backed-off retransmissions");
        assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
        t.advanceMs(1);
        t.recvNothing();
        assertEquals(TcpState.CLOSE, t.engine.state(c));
        assertEquals(-Errno.ETIMEDOUT, t.api.send(c, HELLO, 0, 1, t.now()));
    }

    @Test
    @Seed({"R1"})
    @DisplayName("R1: a device that refuses frames: data stays unsent, probed every 500 ms without backoff, "
            + "TCP_USER_TIMEOUT ends it")
    void localCongestion() {
        EngineFixture t = new EngineFixture();
        EngineFixture.Accepted st = t.established(1000);
        int c = st.child();
        assertEquals(0, t.opts.setInt(c, IPPROTO_TCP, TCP_USER_TIMEOUT, 3000, t.now()));
        long base = Math.max(rtoMs(t, c), 200);
        t.link.a().refuseTx(true);
        assertEquals(5, t.api.send(c, HELLO, 0, HELLO.length, t.now()));
        assertEquals(5, t.opts.ioctl(c, dev.fastpath.uapi.SocketConstants.SIOCOUTQNSD), "still unsent");
        t.advanceMs(base);
        assertEquals(1, SocketOptions.of(t.engine).tcpInfo(c).probes());
        t.advanceMs(5 * 500);
        dev.fastpath.uapi.TcpInfo info = SocketOptions.of(t.engine).tcpInfo(c);
        assertEquals(6, info.probes());
        assertEquals(0, info.backoff(), "local congestion does not back off");
        assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
        t.advanceMs(499);
        assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
        t.advanceMs(1);
        assertEquals(TcpState.CLOSE, t.engine.state(c), "3 s after the first probe");
        assertEquals(-Errno.ETIMEDOUT, t.api.send(c, HELLO, 0, 1, t.now()));
        t.link.a().refuseTx(false);
        t.recvNothing();
    }

    @Test
    @DisplayName("a device that refuses frames for a while: the data goes out once it takes them again")
    void localCongestionRecovers() {
        EngineFixture t = new EngineFixture();
        EngineFixture.Accepted st = t.established(1000);
        int c = st.child();
        t.link.a().refuseTx(true);
        t.api.send(c, HELLO, 0, HELLO.length, t.now());
        t.advanceMs(1000);
        t.link.a().refuseTx(false);
        List<TcpSegment> got = List.of();
        for (int ms = 0; ms < 600 && got.isEmpty(); ms++) {
            t.advanceMs(1);
            got = t.recv();
        }
        assertEquals(1, got.size(), got.toString());
        assertArrayEquals(HELLO, got.getFirst().payload(), "the next probe sent the data");
        t.send(seg(80, ACK, 1001, st.iss() + 6));
        assertEquals(0, SocketOptions.of(t.engine).tcpInfo(c).probes());
    }
}
