package dev.fastpath.tcp;

import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.FIN;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastpath.config.Config;
import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * connect() over a TIME_WAIT 4-tuple, as Linux's tcp_twsk_unique() (tcp_ipv4.c) lets it: only a record that
 * saw timestamps; with tcp_tw_reuse=1 once tcp_tw_reuse_delay ms have passed since the record was made, with 2
 * only on loopback addresses, with a port locked by bind() at once. The new connection starts at the record's
 * snd_nxt + 65535 + 2 and its SYN echoes the record's ts_recent. The scenarios of the upstream packetdrill
 * scripts gtests/net/tcp/ts_recent/tw_reuse (one port: IP_LOCAL_PORT_RANGE; the peer is the server).
 */
class TwReuseTest {
    private static final int PORT = 57005; // 0xdead, the scripts' port
    private static final int SERVER_ISN = 5000;

    private static EngineFixture fixture(String... overrides) {
        List<String> o = new ArrayList<>(List.of("tcp.timestamps=1"));
        o.addAll(List.of(overrides));
        return new EngineFixture(Config.defaults().withOverrides(o));
    }

    /** A socket whose connect() may only use PORT (IP_LOCAL_PORT_RANGE lo = hi = PORT). */
    private static int socketOnOnePort(EngineFixture t) {
        int c = t.api.socket();
        assertEquals(0, t.opts.setInt(c, SocketConstants.SOL_IP, SocketConstants.IP_BIND_ADDRESS_NO_PORT, 1, t.now()));
        assertEquals(0, t.opts.setInt(c, SocketConstants.SOL_IP, SocketConstants.IP_LOCAL_PORT_RANGE,
                PORT << 16 | PORT, t.now()));
        return c;
    }

    private static long tsVal(TcpSegment s) {
        return s.options().stream().filter(o -> o instanceof TcpOption.Timestamps)
                .map(o -> ((TcpOption.Timestamps) o).tsVal()).findFirst().orElse(-1L);
    }

    private static long tsEcr(TcpSegment s) {
        return s.options().stream().filter(o -> o instanceof TcpOption.Timestamps)
                .map(o -> ((TcpOption.Timestamps) o).tsEcr()).findFirst().orElse(-1L);
    }

    /**
     * Opens a connection from PORT, closes it first: TIME_WAIT. The peer's last TSval is 3002 (with timestamps).
     *
     * @return our snd_nxt in TIME_WAIT
     */
    private static int primeTimeWait(EngineFixture t, int c, boolean timestamps) {
        assertEquals(-Errno.EINPROGRESS, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
        TcpSegment syn = t.recvFlags(SYN);
        assertEquals(PORT, syn.sourcePort());
        TcpOption[] opts = timestamps
                ? new TcpOption[] {new TcpOption.Mss(1460), new TcpOption.Timestamps(3001, tsVal(syn))}
                : new TcpOption[] {new TcpOption.Mss(1460)};
        t.sendFromServer(syn, SYN | ACK, SERVER_ISN, syn.seq() + 1, opts);
        t.recvOne(ACK, syn.seq() + 1, SERVER_ISN + 1);
        t.api.close(c, t.now());
        TcpSegment fin = t.recvOne(FIN | ACK, syn.seq() + 1, SERVER_ISN + 1);
        TcpOption[] finOpts = timestamps ? new TcpOption[] {new TcpOption.Timestamps(3002, tsVal(fin))}
                : new TcpOption[0];
        t.sendFromServer(syn, FIN | ACK, SERVER_ISN + 1, syn.seq() + 2, finOpts);
        t.recvOne(ACK, syn.seq() + 2, SERVER_ISN + 2);
        assertEquals(1, t.engine.timeWaitCount());
        return syn.seq() + 2;
    }

    @Test
    @DisplayName("tw_reuse=1: the TIME_WAIT 4-tuple is refused 990 ms after it began, taken over after the delay:"
            + " ISN = snd_nxt + 65537, the SYN echoes ts_recent, the record goes (TcpExtTWRecycled)")
    void reuseAfterTheDelay() {
        EngineFixture t = fixture("tcp.tw_reuse=1", "tcp.tw_reuse_delay_ms=1000");
        int sndNxt = primeTimeWait(t, socketOnOnePort(t), true);
        int c = socketOnOnePort(t);
        t.advanceMs(990);
        assertEquals(-Errno.EADDRNOTAVAIL, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
        t.recvNothing();
        t.advanceMs(11); // time_after32(now, entry + delay): strictly after
        assertEquals(-Errno.EINPROGRESS, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
        TcpSegment syn = t.recvFlags(SYN);
        assertEquals(PORT, syn.sourcePort());
        assertEquals(Integer.toUnsignedString(sndNxt + 65535 + 2), Integer.toUnsignedString(syn.seq()));
        assertEquals(3002, tsEcr(syn), "the SYN echoes the record's ts_recent (tcp_syn_options)");
        assertEquals(0, t.engine.timeWaitCount());
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTWRecycled));
    }

    @Test
    @DisplayName("tw_reuse_delay_ms=1: a record 2 ms old is taken over")
    void shortDelay() {
        EngineFixture t = fixture("tcp.tw_reuse=1", "tcp.tw_reuse_delay_ms=1");
        primeTimeWait(t, socketOnOnePort(t), true);
        int c = socketOnOnePort(t);
        t.advanceMs(2);
        assertEquals(-Errno.EINPROGRESS, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
        assertEquals(PORT, t.recvFlags(SYN).sourcePort());
    }

    @Test
    @DisplayName("a TIME_WAIT without timestamps is never taken over (no PAWS to guard the new connection)")
    void withoutTimestampsNever() {
        EngineFixture t = fixture("tcp.tw_reuse=1", "tcp.tw_reuse_delay_ms=1000");
        primeTimeWait(t, socketOnOnePort(t), false);
        int c = socketOnOnePort(t);
        t.advanceMs(2000);
        assertEquals(-Errno.EADDRNOTAVAIL, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
        assertEquals(1, t.engine.timeWaitCount());
    }

    @Test
    @DisplayName("tw_reuse=2 (Linux's default) is for loopback only, and 0 is never: the port stays busy")
    void loopbackOnlyAndOff() {
        for (String reuse : new String[] {"tcp.tw_reuse=2", "tcp.tw_reuse=0"}) {
            EngineFixture t = fixture(reuse);
            primeTimeWait(t, socketOnOnePort(t), true);
            int c = socketOnOnePort(t);
            t.advanceMs(2000);
            assertEquals(-Errno.EADDRNOTAVAIL, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()), reuse);
            assertEquals(0, t.engine.counters().get(TcpStat.TcpExtTWRecycled));
        }
    }

    @Test
    @DisplayName("a port locked by bind() takes the TIME_WAIT over at once, whatever tw_reuse (no twp: no delay)")
    void boundPortAtOnce() {
        EngineFixture t = fixture("tcp.tw_reuse=0");
        int first = t.api.socket();
        assertEquals(0, t.opts.setInt(first, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR, 1, t.now()));
        assertEquals(0, t.api.bind(first, EngineFixture.LOCAL_IP, PORT));
        int sndNxt = primeTimeWait(t, first, true);
        int c = t.api.socket();
        assertEquals(0, t.opts.setInt(c, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR, 1, t.now()));
        assertEquals(0, t.api.bind(c, EngineFixture.LOCAL_IP, PORT));
        assertEquals(-Errno.EINPROGRESS, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
        TcpSegment syn = t.recvFlags(SYN);
        assertEquals(Integer.toUnsignedString(sndNxt + 65535 + 2), Integer.toUnsignedString(syn.seq()));
        assertEquals(3002, tsEcr(syn));
    }

    @Test
    @DisplayName("a bound port over a TIME_WAIT without timestamps: connect() fails with EADDRNOTAVAIL")
    void boundPortWithoutTimestamps() {
        EngineFixture t = fixture("tcp.tw_reuse=1");
        int first = t.api.socket();
        assertEquals(0, t.api.bind(first, EngineFixture.LOCAL_IP, PORT));
        primeTimeWait(t, first, false);
        int c = t.api.socket();
        assertEquals(0, t.api.bind(c, EngineFixture.LOCAL_IP, PORT));
        assertEquals(-Errno.EADDRNOTAVAIL, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
    }
}
