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
}
