package dev.fastpath.tcp;

import static dev.fastpath.tcp.SegmentFixture.LOCAL_SEQ;
import static dev.fastpath.tcp.SegmentFixture.RECV_TEMPL;
import static dev.fastpath.tcp.SegmentFixture.REMOTE_SEQ;
import static dev.fastpath.tcp.SegmentFixture.SEND_TEMPL;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.FIN;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.RST;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import dev.fastpath.wire.TcpOption;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * ESTABLISHED in smoltcp's style: the state fixture puts a connection there directly, the peer's segments are
 * {@link SegmentFixture#SEND_TEMPL} overridden, ours are checked against {@link SegmentFixture#RECV_TEMPL}
 * overridden; no Ethernet, no handshake replayed.
 */
class EstablishedTest {
    private final SegmentFixture t = new SegmentFixture();

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @DisplayName("the state fixture leaves the connection as connect() and the SYN-ACK do: same answers after")
    void fixtureAgreesWithTheHandshake() {
        // Through the handshake: connect(), our SYN, the peer's SYN-ACK (MSS only), our ACK.
        SegmentFixture h = new SegmentFixture();
        int c = h.api.socket();
        assertEquals(-Errno.EINPROGRESS, h.api.connect(c, SegmentFixture.REMOTE_IP, SegmentFixture.LOCAL_PORT,
                h.now()));
        Seg syn = h.sent().getFirst();
        assertEquals(SYN, syn.flags());
        int iss = syn.seq();
        h.send(new Seg(SegmentFixture.LOCAL_PORT, syn.srcPort(), REMOTE_SEQ, iss + 1, SYN | ACK,
                SegmentFixture.REMOTE_WIN, List.of(new TcpOption.Mss(SegmentFixture.MSS)), new byte[0]));
        Seg ack = h.sent().getFirst();
        // Directly: the fixture.
        SegmentFixture.Established e = t.socketEstablished();
        TcpSock viaHandshake = h.engine.sock(c);
        TcpSock direct = t.engine.sock(e.id());
        assertEquals(TcpState.ESTABLISHED, direct.state);
        assertEquals(ack.window(), windowOfAnAck(t, e.id()), "the window we advertise");
        for (String field : List.of("mss", "sndWnd", "sndCwnd", "advertisedWnd", "windowClamp", "rcvWscale",
                "sndWscale")) {
            assertEquals(read(viaHandshake, field), read(direct, field), field);
        }
        // The same 100 bytes from the peer get the same answer, relative to each side's numbers.
        h.send(new Seg(SegmentFixture.LOCAL_PORT, syn.srcPort(), REMOTE_SEQ + 1, iss + 1, ACK | PSH,
                SegmentFixture.REMOTE_WIN, List.of(), new byte[100]));
        t.send(SEND_TEMPL.flags(ACK | PSH).payload(new byte[100]));
        Seg viaH = h.sent().getFirst();
        Seg viaF = t.sent().getFirst();
        assertEquals(viaH.ack(), viaF.ack());
        assertEquals(viaH.seq() - iss, viaF.seq() - LOCAL_SEQ);
        assertEquals(viaH.window(), viaF.window());
        assertEquals(viaH.flags(), viaF.flags());
    }

    private static int windowOfAnAck(SegmentFixture f, int id) {
        TcpXmit.tcpSendAck(f.engine, f.engine.sock(id), f.now());
        return f.sent().getFirst().window();
    }

    private static long read(TcpSock s, String field) {
        try {
            Field fl = TcpSock.class.getDeclaredField(field);
            fl.setAccessible(true);
            return ((Number) fl.get(s)).longValue();
        } catch (ReflectiveOperationException ex) {
            throw new AssertionError(field, ex);
        }
    }

    @Test
    @DisplayName("data in: queued for the application and acknowledged at once (quick ACKs after the handshake)")
    void dataIn() {
        SegmentFixture.Established e = t.socketEstablished();
        t.send(SEND_TEMPL.flags(ACK | PSH).payload("abcdef"));
        t.recv(RECV_TEMPL.ack(REMOTE_SEQ + 1 + 6));
        byte[] got = new byte[16];
        assertEquals(6, t.api.recv(e.id(), got, 0, got.length, t.now()));
        assertArrayEquals(ascii("abcdef"), Arrays.copyOf(got, 6));
    }

    @Test
    @DisplayName("data out: one segment carrying it, PSH set (the write ends there)")
    void dataOut() {
        SegmentFixture.Established e = t.socketEstablished();
        assertEquals(6, t.api.send(e.id(), ascii("abcdef"), 0, 6, t.now()));
        t.recv(RECV_TEMPL.flags(ACK | PSH).payload("abcdef"));
        t.send(SEND_TEMPL.ack(LOCAL_SEQ + 1 + 6));
        t.recvNothing();
    }

    @Test
    @DisplayName("F-close: close() sends FIN (FIN_WAIT1); its ACK leads to FIN_WAIT2")
    void closeSendsFin() {
        SegmentFixture.Established e = t.socketEstablished();
        assertEquals(0, t.api.shutdown(e.id(), SocketConstants.SHUT_WR, t.now()));
        t.recv(RECV_TEMPL.flags(FIN | ACK));
        assertEquals(TcpState.FIN_WAIT1, t.engine.state(e.id()));
        t.send(SEND_TEMPL.ack(LOCAL_SEQ + 2));
        assertEquals(TcpState.FIN_WAIT2, t.engine.state(e.id()));
        t.recvNothing();
    }

    @Test
    @DisplayName("the peer's FIN: CLOSE_WAIT, and read() returns 0 once the data before it is read")
    void finIn() {
        SegmentFixture.Established e = t.socketEstablished();
        t.send(SEND_TEMPL.flags(ACK | FIN));
        assertEquals(TcpState.CLOSE_WAIT, t.engine.state(e.id()));
        t.advanceMs(250); // the FIN's ACK may wait: tcp_fin() makes the connection interactive (delayed ACK)
        t.recv(RECV_TEMPL.ack(REMOTE_SEQ + 2));
        assertEquals(0, t.api.recv(e.id(), new byte[4], 0, 4, t.now()));
    }

    @Test
    @DisplayName("RFC 5961 §3: a RST exactly at rcv_nxt resets the connection (ECONNRESET), nothing is sent")
    void rstAtRcvNxt() {
        SegmentFixture.Established e = t.socketEstablished();
        t.send(SEND_TEMPL.flags(RST));
        t.recvNothing();
        assertEquals(TcpState.CLOSE, t.engine.state(e.id()));
        assertEquals(List.of(e.id() + ":" + Errno.ECONNRESET), t.closed);
    }

    @Test
    @DisplayName("RFC 5961 §3: a RST in the window but not at rcv_nxt gets a challenge ACK and changes nothing")
    void rstInWindowChallenged() {
        SegmentFixture.Established e = t.socketEstablished();
        t.send(SEND_TEMPL.flags(RST).seq(REMOTE_SEQ + 1 + 100));
        t.recv(RECV_TEMPL);
        assertEquals(TcpState.ESTABLISHED, t.engine.state(e.id()));
    }

    @Test
    @DisplayName("RFC 9293 §3.10.7.4: data wholly before the window is answered with an ACK and dropped")
    void oldDataAcked() {
        SegmentFixture.Established e = t.socketEstablished();
        t.send(SEND_TEMPL.flags(ACK | PSH).payload("abc"));
        t.recv(RECV_TEMPL.ack(REMOTE_SEQ + 4));
        t.send(SEND_TEMPL.flags(ACK | PSH).payload("abc")); // the same bytes again
        List<Seg> got = t.sent();
        assertEquals(1, got.size(), "one ACK: " + got);
        assertEquals(REMOTE_SEQ + 4, got.getFirst().ack());
        byte[] buf = new byte[8];
        assertEquals(3, t.api.recv(e.id(), buf, 0, buf.length, t.now()), "delivered once");
    }
}
