package dev.fastpath.tcp;

import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.TcpInfo;
import dev.fastpath.config.Config;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpOptions;
import dev.fastpath.wire.TcpSegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Fast Open client's data in the SYN, as Linux (tcp_send_syn_data(), tcp_rcv_fastopen_synack()) and as
 * google/packetdrill's gtests/fastopen/client scripts show it: non-blocking sendto(MSG_FASTOPEN) returns what
 * the SYN took; the SYN-ACK acknowledging all, part or none of it.
 */
class FastOpenClientTest {
    private static final TcpOption REQUEST = new TcpOption.Unknown(TcpOptions.KIND_FASTOPEN, new byte[0]);
    private static final TcpOption COOKIE = new TcpOption.Unknown(TcpOptions.KIND_FASTOPEN,
            new byte[] {(byte) 0xab, (byte) 0xcd, 0x12, 0x34});

    private static final TcpOption EXP_REQUEST = new TcpOption.Unknown(TcpOptions.KIND_EXP,
            new byte[] {(byte) 0xF9, (byte) 0x89});
    private static final TcpOption EXP_COOKIE = new TcpOption.Unknown(TcpOptions.KIND_EXP,
            new byte[] {(byte) 0xF9, (byte) 0x89, 0x12, 0x34, (byte) 0xab, (byte) 0xcd});

    private static boolean hasFastOpen(TcpSegment seg) {
        return seg.options().stream().anyMatch(o -> o instanceof TcpOption.Unknown u
                && (u.kind() == TcpOptions.KIND_FASTOPEN || u.kind() == TcpOptions.KIND_EXP));
    }

    private static int nonBlocking(EngineFixture t) {
        int c = t.api.socket();
        assertEquals(0, t.opts.setNonBlocking(c, true));
        return c;
    }

    private static int sendto(EngineFixture t, int c, int len) {
        return t.api.sendFastOpen(c, new byte[len], 0, len, EngineFixture.PEER_IP, 80, t.now());
    }

    /** A first connection asks for a cookie; the server gives one and says its MSS is {@code mss}. */
    private static void cacheCookie(EngineFixture t, int mss) {
        int c = nonBlocking(t);
        assertEquals(-Errno.EINPROGRESS, sendto(t, c, 0));
        TcpSegment syn = t.recvFlags(SYN);
        assertTrue(syn.options().contains(REQUEST), syn.toString());
        t.advanceMs(10);
        t.sendFromServer(syn, SYN | ACK, 123, syn.seq() + 1, new TcpOption.Mss(mss), COOKIE);
        t.recvOne(ACK, syn.seq() + 1, 124);
        assertEquals(0, t.opts.tcpInfo(c, t.now()).options() & TcpInfo.OPT_SYN_DATA);
    }

    @Test
    @DisplayName("with a cached cookie the SYN carries the data (cached MSS 940 − 40 = 900 of 2000 bytes); a "
            + "SYN-ACK acknowledging all of it makes a Fast Open connection (TCPI_OPT_SYN_DATA)")
    void synDataAcked() {
        EngineFixture t = new EngineFixture();
        cacheCookie(t, 940);
        int c = nonBlocking(t);
        assertEquals(900, sendto(t, c, 2000));
        TcpSegment syn = t.recvFlags(SYN);
        assertEquals(900, syn.payload().length);
        assertTrue(syn.options().contains(COOKIE), syn.toString());
        t.advanceMs(20);
        t.sendFromServer(syn, SYN | ACK, 5678, syn.seq() + 901, new TcpOption.Mss(1460));
        t.recvOne(ACK, syn.seq() + 901, 5679);
        TcpInfo i = t.opts.tcpInfo(c, t.now());
        assertEquals(TcpInfo.OPT_SYN_DATA, i.options() & TcpInfo.OPT_SYN_DATA);
        assertEquals(901, i.get("bytes_acked"));
        assertEquals(0, i.unacked());
        assertEquals(0, t.opts.ioctl(c, dev.fastpath.uapi.SocketConstants.SIOCOUTQ));
        assertEquals(1000, t.api.send(c, new byte[1000], 0, 1000, t.now()));
        TcpSegment next = t.recvOne(ACK | PSH, syn.seq() + 901, 5679);
        assertEquals(1000, next.payload().length);
    }

    @Test
    @DisplayName("the server's data acknowledging less than its SYN-ACK did (ack 1000 after 1001) is an old ACK within "
            + "the bytes acknowledged so far (the SYN and its data): the data is taken and ACKed, no challenge ACK "
            + "(gtests/fastopen/client/nonblocking-connect-bypass)")
    void dataWithAckBelowSynAck() {
        EngineFixture t = new EngineFixture();
        cacheCookie(t, 1460);
        int c = nonBlocking(t);
        assertEquals(1000, sendto(t, c, 1000));
        TcpSegment syn = t.recvFlags(SYN);
        t.advanceMs(10);
        t.sendFromServer(syn, SYN | ACK, 1234, syn.seq() + 1001, new TcpOption.Mss(1460));
        t.recvOne(ACK, syn.seq() + 1001, 1235);
        t.send(TcpSegment.of(80, syn.sourcePort(), 1235, syn.seq() + 1000, ACK | PSH, 257, List.of(),
                new byte[500]));
        t.recvOne(ACK, syn.seq() + 1001, 1235 + 500);
        assertEquals(500, t.api.recv(c, new byte[4096], 0, 4096, t.now()));
        assertEquals(0, t.engine.counters().get(TcpStat.TcpExtTCPChallengeACK));
    }

    @Test
    @DisplayName("a SYN-ACK with data (and FIN) acknowledging all the SYN's data: its bytes are received and the "
            + "handshake's ACK covers them (tcp_fastopen_add_skb; gtests/fastopen/client/synack-data)")
    void synAckData() {
        EngineFixture t = new EngineFixture();
        cacheCookie(t, 1460);
        int c = nonBlocking(t);
        assertEquals(1000, sendto(t, c, 1000));
        TcpSegment syn = t.recvFlags(SYN);
        t.advanceMs(10);
        t.send(TcpSegment.of(80, syn.sourcePort(), 1000000, syn.seq() + 1001, SYN | ACK, 5840,
                List.of(new TcpOption.Mss(1040)), new byte[1400]));
        t.recvOne(ACK, syn.seq() + 1001, 1000001 + 1400);
        t.send(TcpSegment.of(80, syn.sourcePort(), 1001401, syn.seq() + 1001, ACK | PSH, 257, List.of(),
                new byte[200]));
        t.recvOne(ACK, syn.seq() + 1001, 1001401 + 200);
        assertEquals(1600, t.api.recv(c, new byte[4096], 0, 4096, t.now()));

        int d = nonBlocking(t);
        assertEquals(1000, sendto(t, d, 1000));
        TcpSegment syn2 = t.recvFlags(SYN);
        t.advanceMs(10);
        t.send(TcpSegment.of(80, syn2.sourcePort(), 5000, syn2.seq() + 1001, SYN | ACK | TcpHeader.FIN, 5840,
                List.of(new TcpOption.Mss(1040)), new byte[300]));
        t.recvOne(ACK, syn2.seq() + 1001, 5001 + 300 + 1);
        assertEquals(TcpState.CLOSE_WAIT, t.engine.state(d));
        assertEquals(300, t.api.recv(d, new byte[4096], 0, 4096, t.now()));
        assertEquals(0, t.api.recv(d, new byte[4096], 0, 4096, t.now()));
    }

    @Test
    @DisplayName("without Fast Open data in the SYN, a SYN-ACK's data is not taken: the ACK covers only the SYN")
    void synAckDataWithoutSynData() {
        EngineFixture t = new EngineFixture();
        int c = t.api.socket();
        t.api.connect(c, EngineFixture.PEER_IP, 80, t.now());
        TcpSegment syn = t.recvFlags(SYN);
        t.send(TcpSegment.of(80, syn.sourcePort(), 7000, syn.seq() + 1, SYN | ACK, 5840,
                List.of(new TcpOption.Mss(1460)), new byte[100]));
        t.recvOne(ACK, syn.seq() + 1, 7001);
        assertEquals(-Errno.EAGAIN, t.api.recv(c, new byte[4096], 0, 4096, t.now()));
    }

    @Test
    @DisplayName("a SYN-ACK that acknowledges only the SYN: the data is retransmitted at once with PSH, carrying "
            + "the handshake's ACK (no separate one); tcpi_fastopen_client_fail = TFO_DATA_NOT_ACKED")
    void onlySynAcked() {
        EngineFixture t = new EngineFixture();
        cacheCookie(t, 1460);
        int c = nonBlocking(t);
        assertEquals(700, sendto(t, c, 700));
        TcpSegment syn = t.recvFlags(SYN);
        t.advanceMs(20);
        t.sendFromServer(syn, SYN | ACK, 0, syn.seq() + 1, new TcpOption.Mss(1040), COOKIE);
        TcpSegment data = t.recvOne(ACK | PSH, syn.seq() + 1, 1);
        assertEquals(700, data.payload().length);
        TcpInfo i = t.opts.tcpInfo(c, t.now());
        assertEquals(0, i.options() & TcpInfo.OPT_SYN_DATA);
        assertEquals(TcpFastOpen.TFO_DATA_NOT_ACKED, i.get("fastopen_client_fail"));
        assertEquals(1, i.get("total_retrans"));
        assertEquals(1, i.unacked());
        t.send(TcpSegment.of(80, syn.sourcePort(), 1, syn.seq() + 701, ACK, 257, List.of(), new byte[0]));
        assertEquals(0, t.opts.tcpInfo(c, t.now()).unacked());
        assertEquals(1040, t.engine.fastOpen.mss(EngineFixture.PEER_IP), "the SYN-ACK's MSS is cached");
    }

    @Test
    @DisplayName("a SYN-ACK acknowledging part of the data: the rest is retransmitted")
    void partlyAcked() {
        EngineFixture t = new EngineFixture();
        cacheCookie(t, 1460);
        int c = nonBlocking(t);
        assertEquals(1000, sendto(t, c, 1000));
        TcpSegment syn = t.recvFlags(SYN);
        t.sendFromServer(syn, SYN | ACK, 0, syn.seq() + 401, new TcpOption.Mss(1460));
        TcpSegment rest = t.recvOne(ACK | PSH, syn.seq() + 401, 1);
        assertEquals(600, rest.payload().length);
    }

    @Test
    @DisplayName("the SYN times out: the retransmitted SYN is a plain one (no data, no Fast Open option); a "
            + "SYN-ACK of the SYN alone then gets the data again (TFO_SYN_RETRANSMITTED)")
    void synRetransmittedPlain() {
        EngineFixture t = new EngineFixture();
        cacheCookie(t, 1460);
        int c = nonBlocking(t);
        assertEquals(1000, sendto(t, c, 1000));
        TcpSegment syn = t.recvFlags(SYN);
        assertEquals(1000, syn.payload().length);
        t.advanceMs(1000);
        TcpSegment again = t.recvFlags(SYN);
        assertEquals(0, again.payload().length);
        assertFalse(again.options().contains(COOKIE), again.toString());
        assertFalse(again.options().contains(REQUEST), again.toString());
        t.sendFromServer(syn, SYN | ACK, 0, syn.seq() + 1, new TcpOption.Mss(1460));
        TcpSegment data = t.recvOne(ACK | PSH, syn.seq() + 1, 1);
        assertEquals(1000, data.payload().length);
        assertEquals(TcpFastOpen.TFO_SYN_RETRANSMITTED, t.opts.tcpInfo(c, t.now()).get("fastopen_client_fail"));
    }

    @Test
    @DisplayName("without a cookie the SYN asks for one and carries nothing (EINPROGRESS, "
            + "TFO_COOKIE_UNAVAILABLE); an empty write with a cookie sends the cookie and no data")
    void noCookieNoData() {
        EngineFixture t = new EngineFixture();
        int c = nonBlocking(t);
        assertEquals(-Errno.EINPROGRESS, sendto(t, c, 500));
        TcpSegment syn = t.recvFlags(SYN);
        assertEquals(0, syn.payload().length);
        assertTrue(syn.options().contains(REQUEST), syn.toString());
        assertEquals(TcpFastOpen.TFO_COOKIE_UNAVAILABLE, t.opts.tcpInfo(c, t.now()).get("fastopen_client_fail"));
        t.sendFromServer(syn, SYN | ACK, 0, syn.seq() + 1, new TcpOption.Mss(1460), COOKIE);
        t.recvFlags(ACK);
        int d = nonBlocking(t);
        assertEquals(-Errno.EINPROGRESS, sendto(t, d, 0));
        TcpSegment syn2 = t.recvFlags(SYN);
        assertEquals(0, syn2.payload().length);
        assertTrue(syn2.options().contains(COOKIE), syn2.toString());
    }

    @Test
    @DisplayName("net.ipv4.tcp_fastopen=5 (TFO_CLIENT_NO_COOKIE): data in the SYN and no Fast Open option")
    void noCookieMode() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0",
                "tcp.fastopen=5")));
        int c = nonBlocking(t);
        assertEquals(1000, sendto(t, c, 1000));
        TcpSegment syn = t.recvFlags(SYN);
        assertEquals(1000, syn.payload().length);
        assertFalse(syn.options().stream().anyMatch(o -> o instanceof TcpOption.Unknown u
                && u.kind() == TcpOptions.KIND_FASTOPEN), syn.toString());
    }

    /** One Fast Open connect whose SYN is answered by {@code answer}; returns the SYN. */
    private static TcpSegment handshake(EngineFixture t, int len, TcpOption... answer) {
        int c = nonBlocking(t);
        sendto(t, c, len);
        TcpSegment syn = t.recvFlags(SYN);
        t.advanceMs(10);
        TcpOption[] opts = new TcpOption[answer.length + 1];
        opts[0] = new TcpOption.Mss(1460);
        System.arraycopy(answer, 0, opts, 1, answer.length);
        t.sendFromServer(syn, SYN | ACK, 0, syn.seq() + 1 + syn.payload().length, opts);
        t.recvFlags(ACK);
        return syn;
    }

    @Test
    @DisplayName("the experimental option (kind 254, 0xF989): a plain request that got no cookie is asked again in "
            + "that form; a cookie given in it goes back in it, with data; a later RFC 7413 cookie replaces it")
    void experimentalOption() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0")));
        assertTrue(handshake(t, 0).options().contains(REQUEST));
        TcpSegment second = handshake(t, 0, EXP_COOKIE);
        assertTrue(second.options().contains(EXP_REQUEST), second.toString());
        assertFalse(second.options().contains(REQUEST), second.toString());
        TcpSegment third = handshake(t, 100, COOKIE);
        assertTrue(third.options().contains(EXP_COOKIE), third.toString());
        assertEquals(100, third.payload().length);
        TcpSegment fourth = handshake(t, 100);
        assertTrue(fourth.options().contains(COOKIE), fourth.toString());
    }

    @Test
    @DisplayName("a server that answers neither form: RFC 7413 request, experimental request, then RFC 7413's for "
            + "good (tcp_fastopen_cache_set() try_exp 1 then 2)")
    void experimentalThenBack() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0")));
        assertTrue(handshake(t, 0).options().contains(REQUEST));
        assertTrue(handshake(t, 0).options().contains(EXP_REQUEST));
        assertTrue(handshake(t, 0).options().contains(REQUEST));
        assertTrue(handshake(t, 0).options().contains(REQUEST));
    }

    @Test
    @DisplayName("tcp_fastopen_blackhole_timeout_sec: a Fast Open SYN timing out a third time pauses Fast Open "
            + "(TCPFastOpenBlackhole): plain SYNs, no option, no data; the pause ends after the timeout")
    void blackholeOnSynTimeouts() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0",
                "tcp.fastopen_blackhole_timeout_sec=60")));
        cacheCookie(t, 1460);
        int c = nonBlocking(t);
        assertEquals(1000, sendto(t, c, 1000));
        t.recvFlags(SYN);
        t.advanceMs(1000);
        t.recvFlags(SYN);
        t.advanceMs(2000);
        t.recvFlags(SYN);
        assertEquals(0, t.engine.counters().get(TcpStat.TcpExtTCPFastOpenBlackhole));
        t.advanceMs(4000);
        t.recvFlags(SYN);
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPFastOpenBlackhole));
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPFastOpenActiveFail));
        int d = nonBlocking(t);
        assertEquals(-Errno.EINPROGRESS, sendto(t, d, 1000), "no data in the SYN while paused");
        TcpSegment plain = t.recvFlags(SYN);
        assertEquals(0, plain.payload().length);
        assertFalse(hasFastOpen(plain), plain.toString());
        assertEquals(0, t.opts.tcpInfo(d, t.now()).get("fastopen_client_fail"), "not COOKIE_UNAVAILABLE");
        t.advanceMs(60_000);
        t.recv(); // the two connections' SYN retransmissions meanwhile
        int f = nonBlocking(t);
        assertEquals(1000, sendto(t, f, 1000), "the pause is over");
        TcpSegment again = t.recvFlags(SYN);
        assertTrue(again.options().contains(COOKIE), again.toString());
    }

    @Test
    @DisplayName("the blackhole pause is off by default (timeout 0, Linux's default since 5.14)")
    void blackholeOffByDefault() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0")));
        cacheCookie(t, 1460);
        int c = nonBlocking(t);
        assertEquals(1000, sendto(t, c, 1000));
        t.recvFlags(SYN);
        for (int k = 0; k < 3; k++) {
            t.advanceMs(1000L << k);
            t.recvFlags(SYN);
        }
        assertEquals(0, t.engine.counters().get(TcpStat.TcpExtTCPFastOpenBlackhole));
        int d = nonBlocking(t);
        assertEquals(1000, sendto(t, d, 1000));
    }

    @Test
    @DisplayName("an in-window RST past rcv_nxt on an established Fast Open connection that got no data yet: a "
            + "challenge ACK, and Fast Open pauses")
    void blackholeOnOutOfOrderRst() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0",
                "tcp.fastopen_blackhole_timeout_sec=60")));
        cacheCookie(t, 1460);
        int c = nonBlocking(t);
        assertEquals(100, sendto(t, c, 100));
        TcpSegment syn = t.recvFlags(SYN);
        t.sendFromServer(syn, SYN | ACK, 0, syn.seq() + 101, new TcpOption.Mss(1460));
        t.recvFlags(ACK);
        t.send(TcpSegment.of(80, syn.sourcePort(), 5, syn.seq() + 101, TcpHeader.RST, 257,
                List.of(), new byte[0]));
        t.recvOne(ACK, syn.seq() + 101, 1);
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPFastOpenBlackhole));
        assertEquals(-Errno.EINPROGRESS, sendto(t, nonBlocking(t), 100));
    }

    @Test
    @DisplayName("a blocking sendto(MSG_FASTOPEN) waits for the handshake (sk_write_pending): the SYN-ACK sends no "
            + "ACK of its own; the rest of the write carries it, or TCP_DELACK_MAX (200 ms) sends it")
    void blockingWriterSavesTheAck() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0")));
        cacheCookie(t, 940);
        int c = t.api.socket(); // blocking
        assertEquals(900, sendto(t, c, 1900));
        TcpSegment syn = t.recvFlags(SYN);
        t.advanceMs(10);
        t.sendFromServer(syn, SYN | ACK, 0, syn.seq() + 901, new TcpOption.Mss(1460));
        t.recvNothing();
        assertEquals(1000, t.api.send(c, new byte[1000], 0, 1000, t.now()));
        TcpSegment rest = t.recvOne(ACK | PSH, syn.seq() + 901, 1);
        assertEquals(1000, rest.payload().length);

        int d = t.api.socket();
        assertEquals(1420, sendto(t, d, 1900), "the cache now holds the last SYN-ACK's MSS, 1460");
        TcpSegment syn2 = t.recvFlags(SYN);
        t.sendFromServer(syn2, SYN | ACK, 0, syn2.seq() + 1421, new TcpOption.Mss(1460));
        t.advanceMs(199);
        t.recvNothing();
        t.advanceMs(1);
        t.recvOne(ACK, syn2.seq() + 1421, 1);
    }
}
