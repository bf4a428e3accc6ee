package dev.fastpath.tcp;

import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.RST;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;
import dev.fastpath.tcp.cookie.SynCookies;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CookieTest {
    private static final byte[] NONE = new byte[0];

    private static TcpSegment syn(int port, int isn, TcpOption... options) {
        return TcpSegment.of(port, 80, isn, 0, SYN, 65535, List.of(options), NONE);
    }

    private static TcpSegment ack(int port, int seq, int ack, TcpOption... options) {
        return TcpSegment.of(port, 80, seq, ack, ACK, 65535, List.of(options), NONE);
    }

    @Test
    @Seed({"H8"})
    @DisplayName("H8: with tcp_syncookies=1 a full SYN queue answers with a cookie; its ACK builds the child")
    void cookieWhenQueueFull() {
        EngineFixture t = new EngineFixture();
        int l = t.listener(80, 1);
        for (int port = 39998; port < 40000; port++) { // backlog 1 holds two requests (qlen > backlog is full)
            t.send(syn(port, 100));
            assertEquals(List.of(new TcpOption.Mss(1460)), t.recvFlags(SYN | ACK).options());
        }
        assertEquals(0, t.engine.counters().get(TcpStat.TcpExtSyncookiesSent));
        t.send(syn(40001, 5000, new TcpOption.Mss(1400)));
        TcpSegment sa = t.recvFlags(SYN | ACK);
        assertEquals(List.of(new TcpOption.Mss(1460)), sa.options(), "the SYN-ACK advertises our own MSS");
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtSyncookiesSent));
        assertEquals(2, t.engine.listen.requestCount(), "the cookie SYN stored nothing");
        t.send(ack(40001, 5001, sa.seq() + 1));
        t.recvNothing();
        int c = t.api.accept(l);
        assertTrue(c >= 0);
        assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
        assertEquals(1300, t.engine.sock(c).mss, "the peer's 1400 comes back rounded down to the cookie table");
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtSyncookiesRecv));
    }

    @Test
    @Seed({"H8"})
    @DisplayName("H8: with tcp_syncookies=2 every SYN gets a cookie; window scale and SACK ride in the TSval")
    void alwaysCookies() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.syncookies=2")));
        int l = t.listener(80, 16);
        t.send(syn(40000, 5000, new TcpOption.Mss(1460), new TcpOption.SackPermitted(),
                new TcpOption.Timestamps(4242, 0), new TcpOption.Nop(), new TcpOption.WindowScale(7)));
        TcpSegment sa = t.recvFlags(SYN | ACK);
        assertEquals(0, t.engine.listen.requestCount());
        long tsVal = ((TcpOption.Timestamps) sa.options().get(2)).tsVal();
        t.send(ack(40000, 5001, sa.seq() + 1, new TcpOption.Nop(), new TcpOption.Nop(),
                new TcpOption.Timestamps(4243, tsVal)));
        int c = t.api.accept(l);
        assertTrue(c >= 0);
        TcpSock s = t.engine.sock(c);
        assertEquals(7, s.sndWscale);
        assertTrue(s.sackOk && s.tsOk && s.wscaleOk);
        assertEquals(10, s.rcvWscale);
        int echoed = (int) tsVal - t.engine.tsOffset(EngineFixture.LOCAL_IP, EngineFixture.PEER_IP);
        assertEquals(7, SynCookies.decodeWscale(echoed));
    }

    @Test
    @Seed({"H12"})
    @DisplayName("H12: an ACK with a forged cookie is counted as failed and reset; nothing is created")
    void forgedCookie() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.syncookies=2")));
        int l = t.listener(80, 16);
        t.send(syn(40000, 5000));
        TcpSegment sa = t.recvFlags(SYN | ACK);
        t.send(ack(40000, 5001, sa.seq() + 1000));
        t.recvOne(RST, sa.seq() + 1000, 0);
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtSyncookiesFailed));
        assertEquals(-Errno.EAGAIN, t.api.accept(l));
    }

    @Test
    @Seed({"H12"})
    @DisplayName("H12: a cookie ACK more than two minutes old fails")
    void expiredCookie() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.syncookies=2")));
        int l = t.listener(80, 16);
        t.send(syn(40000, 5000));
        TcpSegment sa = t.recvFlags(SYN | ACK);
        t.send(syn(40009, 1)); // keep the overflow recent
        t.recv();
        t.clock.advance(150_000_000_000L);
        t.send(syn(40010, 1));
        t.recv();
        t.send(ack(40000, 5001, sa.seq() + 1));
        t.recvFlags(RST);
        assertEquals(-Errno.EAGAIN, t.api.accept(l));
    }

    @Test
    @Seed({"H9"})
    @DisplayName("H9: a cookie SYN without timestamps gets MSS only (tcp_clear_options): no window scale, no SACK")
    void cookieWithoutTimestampsOffersMssOnly() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.syncookies=2")));
        int l = t.listener(80, 16);
        t.send(syn(40000, 5000, new TcpOption.Mss(1460), new TcpOption.Nop(), new TcpOption.WindowScale(7),
                new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.SackPermitted()));
        TcpSegment sa = t.recvFlags(SYN | ACK);
        assertEquals(List.of(new TcpOption.Mss(1460)), sa.options(), "nothing the cookie could not remember");
        assertEquals(64240, sa.window(), "unscaled, whole 1460-byte segments");
        t.send(ack(40000, 5001, sa.seq() + 1));
        int c = t.api.accept(l);
        assertTrue(c >= 0);
        TcpSock s = t.engine.sock(c);
        assertTrue(!s.wscaleOk && !s.sackOk && !s.tsOk, "the rebuilt connection matches what was offered");
        assertEquals(0, s.sndWscale);
        assertEquals(0, s.rcvWscale);
        assertEquals(1460, s.mss);
        // The peer sends as much as the (unscaled) window allows: all of it is taken, nothing beyond it dropped.
        byte[] data = new byte[1460];
        for (int i = 0; i < 40; i++) {
            t.send(TcpSegment.of(40000, 80, 5001 + i * 1460, sa.seq() + 1, ACK, 65535, List.of(), data));
        }
        t.advanceMs(300); // past the delayed ACK
        assertEquals(0, t.engine.counters().get(TcpStat.TcpExtTCPRcvQDrop));
        List<TcpSegment> acks = t.recv();
        assertEquals(5001 + 40 * 1460, acks.getLast().ack());
    }

    @Test
    @Seed({"H9"})
    @DisplayName("H9: a cookie SYN with timestamps keeps every option; one without keeps none, whatever the sysctls")
    void cookieOptionsFollowTheTimestamps() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.syncookies=2")));
        t.listener(80, 16);
        t.send(syn(40000, 5000, new TcpOption.Mss(1440), new TcpOption.SackPermitted(),
                new TcpOption.Timestamps(4242, 0), new TcpOption.Nop(), new TcpOption.WindowScale(2)));
        TcpSegment sa = t.recvFlags(SYN | ACK);
        assertEquals(5, sa.options().size(), sa.toString());
        assertEquals(65160, sa.window(), "whole 1448-byte segments with timestamps");
        t.send(syn(40001, 5000, new TcpOption.Mss(1440), new TcpOption.Nop(), new TcpOption.Nop(),
                new TcpOption.SackPermitted()));
        assertEquals(List.of(new TcpOption.Mss(1460)), t.recvFlags(SYN | ACK).options());
    }

    @Test
    @Seed({"H9"})
    @DisplayName("H9: a request (no cookie) keeps SACK and window scale without timestamps")
    void requestsKeepOptionsWithoutTimestamps() {
        EngineFixture t = new EngineFixture(Config.defaults());
        t.listener(80, 16);
        t.send(syn(40000, 5000, new TcpOption.Mss(1460), new TcpOption.Nop(), new TcpOption.WindowScale(7),
                new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.SackPermitted()));
        TcpSegment sa = t.recvFlags(SYN | ACK);
        assertEquals(List.of(new TcpOption.Mss(1460), new TcpOption.Nop(), new TcpOption.Nop(),
                new TcpOption.SackPermitted(), new TcpOption.Nop(), new TcpOption.WindowScale(10)), sa.options());
    }

    @Test
    @Seed({"H8"})
    @DisplayName("H8: TCP_MAXSEG on the listener clamps the MSS a cookie encodes; tcp.mss does not (tcp_parse_options)")
    void cookieMssIsThePeersClampedByMaxseg() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.syncookies=2",
                "tcp.mss=1400", "tcp.timestamps=0")));
        int l = t.listener(80, 16);
        t.send(syn(40000, 5000, new TcpOption.Mss(1460)));
        TcpSegment sa = t.recvFlags(SYN | ACK);
        assertEquals(List.of(new TcpOption.Mss(1400)), sa.options());
        t.send(ack(40000, 5001, sa.seq() + 1));
        int c = t.api.accept(l);
        assertEquals(1400, t.engine.sock(c).mss, "the cookie kept 1460; the path's 1400 bounds what we send");
    }
}
