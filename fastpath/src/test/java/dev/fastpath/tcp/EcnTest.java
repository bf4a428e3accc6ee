package dev.fastpath.tcp;

import static dev.fastpath.tcp.EngineFixture.PEER_PORT;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.CWR;
import static dev.fastpath.wire.TcpHeader.ECE;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * ECN as Linux's default tcp_ecn=2 negotiates it (a server answers an ECN-setup SYN with ECE; a client does not
 * ask) and as RFC 3168 runs it once on: ECT(0) on new data, ECE after a CE mark until CWR, CWR after a reduction.
 */
class EcnTest {
    private static final byte[] NONE = new byte[0];

    private static TcpSegment syn(int flags) {
        return TcpSegment.of(PEER_PORT, 80, 1000, 0, flags, 65535, List.of(new TcpOption.Mss(1000)), NONE);
    }

    /** The frame with its IPv4 TOS byte set (checksum fixed). */
    private static byte[] withTos(byte[] frame, int tos) {
        byte[] f = frame.clone();
        f[RawFrames.IP + 1] = (byte) tos;
        return RawFrames.ipChecksum(f);
    }

    /** The IPv4 TOS of every frame the engine sent since the last call, in order, beside their segments. */
    private static List<int[]> sent(EngineFixture t, List<TcpSegment> segments) {
        List<int[]> out = new ArrayList<>();
        t.link.b().receive((buf, off, len, flags) -> {
            byte[] f = buf.asSlice(off, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            out.add(new int[] {f[RawFrames.IP + 1] & 0xFF, f[RawFrames.TCP + 13] & 0xFF});
            try {
                segments.add(TcpSegment.parse(java.lang.foreign.MemorySegment.ofArray(f), RawFrames.TCP,
                        len - RawFrames.TCP));
            } catch (dev.fastpath.wire.MalformedPacketException e) {
                throw new AssertionError(e);
            }
        }, 1000);
        return out;
    }

    @Test
    @Seed({"H9"})
    @DisplayName("H9: with tcp_ecn=2 an ECN-setup SYN (ECE and CWR) is answered with ECE; the connection uses ECN")
    void serverAcceptsEcn() {
        EngineFixture t = new EngineFixture();
        int l = t.listener(80, 16);
        t.send(syn(SYN | ECE | CWR));
        TcpSegment sa = t.recvFlags(SYN | ACK | ECE);
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, sa.seq() + 1, ACK, 65535, List.of(), NONE));
        int c = t.api.accept(l);
        assertTrue(t.engine.sock(c).ecn != null);
        assertEquals(5, t.api.send(c, new byte[5], 0, 5, t.now()));
        List<TcpSegment> segs = new ArrayList<>();
        List<int[]> out = sent(t, segs);
        assertEquals(1, out.size());
        assertEquals(TcpEcn.ECT_0, out.getFirst()[0] & 3, "new data goes out ECT(0)");
    }

    @Test
    @Seed({"H9"})
    @DisplayName("H9: no ECN for a SYN with ECE alone, with ECT in its IP header, or with tcp_ecn=0")
    void serverRefusesEcn() {
        EngineFixture t = new EngineFixture();
        t.listener(80, 16);
        t.send(syn(SYN | ECE));
        t.recvFlags(SYN | ACK);
        t.sendRaw(withTos(EngineFixture.frame(TcpSegment.of(PEER_PORT + 1, 80, 1000, 0, SYN | ECE | CWR, 65535,
                List.of(), NONE)), TcpEcn.ECT_0));
        t.recvFlags(SYN | ACK);
        EngineFixture off = new EngineFixture(Config.defaults()
                .withOverrides(List.of("tcp.ecn=0", "tcp.timestamps=0")));
        off.listener(80, 16);
        off.send(syn(SYN | ECE | CWR));
        off.recvFlags(SYN | ACK);
    }

    @Test
    @Seed({"H3"})
    @DisplayName("H3: with tcp_ecn=2 a client does not ask for ECN; with 1 its SYN carries ECE and CWR, a SYN-ACK "
            + "with ECE turns it on")
    void clientAsksOnlyWithOne() {
        EngineFixture t = new EngineFixture();
        int c = t.api.socket();
        assertEquals(-Errno.EINPROGRESS, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
        t.recvFlags(SYN);
        EngineFixture one = new EngineFixture(Config.defaults()
                .withOverrides(List.of("tcp.ecn=1", "tcp.timestamps=0")));
        int c1 = one.api.socket();
        assertEquals(-Errno.EINPROGRESS, one.api.connect(c1, EngineFixture.PEER_IP, 80, one.now()));
        TcpSegment s = one.recvFlags(SYN | ECE | CWR);
        one.sendFromServer(s, SYN | ACK | ECE, 7000, s.seq() + 1, new TcpOption.Mss(1000));
        one.recvOne(ACK, s.seq() + 1, 7001);
        assertTrue(one.engine.sock(c1).ecn != null);
        EngineFixture two = new EngineFixture(Config.defaults()
                .withOverrides(List.of("tcp.ecn=1", "tcp.timestamps=0")));
        int c2 = two.api.socket();
        two.api.connect(c2, EngineFixture.PEER_IP, 80, two.now());
        TcpSegment s2 = two.recvFlags(SYN | ECE | CWR);
        two.sendFromServer(s2, SYN | ACK, 7000, s2.seq() + 1, new TcpOption.Mss(1000));
        two.recvFlags(ACK);
        assertTrue(two.engine.sock(c2).ecn == null, "a SYN-ACK without ECE: no ECN");
    }

    @Test
    @Seed({"T3"})
    @DisplayName("T3: a CE-marked segment is ACKed at once with ECE; ECE stays on every ACK until the sender's CWR")
    void ceMarkIsEchoedUntilCwr() {
        EngineFixture t = new EngineFixture();
        int l = t.listener(80, 16);
        t.send(syn(SYN | ECE | CWR));
        int iss = t.recvFlags(SYN | ACK | ECE).seq();
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, iss + 1, ACK, 65535, List.of(), NONE));
        assertTrue(t.api.accept(l) >= 0);
        byte[] data = new byte[100];
        t.sendRaw(withTos(EngineFixture.frame(TcpSegment.of(PEER_PORT, 80, 1001, iss + 1, ACK | PSH, 65535,
                List.of(), data)), TcpEcn.CE));
        t.recvOne(ACK | ECE, iss + 1, 1101);
        t.sendRaw(withTos(EngineFixture.frame(TcpSegment.of(PEER_PORT, 80, 1101, iss + 1, ACK | PSH, 65535,
                List.of(), data)), TcpEcn.ECT_0));
        t.advanceMs(300);
        t.recvOne(ACK | ECE, iss + 1, 1201);
        t.sendRaw(withTos(EngineFixture.frame(TcpSegment.of(PEER_PORT, 80, 1201, iss + 1, ACK | PSH | CWR, 65535,
                List.of(), data)), TcpEcn.ECT_0));
        t.advanceMs(300);
        t.recvOne(ACK, iss + 1, 1301);
    }

    /** An accepted ECN connection from an ECN-setup SYN, its ISS in {@code iss[0]}. @return the socket id */
    private static int ecnConnection(EngineFixture t, int[] iss) {
        int l = t.listener(80, 16);
        t.send(syn(SYN | ECE | CWR));
        iss[0] = t.recvFlags(SYN | ACK | ECE).seq();
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, iss[0] + 1, ACK, 65535, List.of(), NONE));
        return t.api.accept(l);
    }

    @Test
    @Seed({"R1"})
    @DisplayName("R1: an ACK with ECE enters CWR once per window; PRR brings the window down (cwnd 10 -> 5 as Linux "
            + "after 1 of 4 segments, cwnd-moderation-ecn-enter-cwr); the next new data carries CWR")
    void eceReducesOnceAndSendsCwr() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0")));
        int[] iss = new int[1];
        int c = ecnConnection(t, iss);
        TcpSock s = t.engine.sock(c);
        assertEquals(4000, t.api.send(c, new byte[4000], 0, 4000, t.now()));
        assertEquals(4, t.recv().size());
        assertEquals(10, s.sndCwnd);
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, iss[0] + 1001, ACK | ECE, 65535, List.of(), NONE));
        assertEquals(2, t.opts.tcpInfo(c).caState(), "TCP_CA_CWR");
        assertEquals(7, s.ssthresh, "CUBIC's beta 717/1024 of 10");
        assertEquals(5, s.sndCwnd, "3 in flight, ssthresh 7: PRR sends min(4, 1 + 1) more");
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, iss[0] + 2001, ACK | ECE, 65535, List.of(), NONE));
        assertEquals(7, s.ssthresh, "no second reduction within the window");
        assertEquals(1000, t.api.send(c, new byte[1000], 0, 1000, t.now()));
        List<TcpSegment> segs = new ArrayList<>();
        List<int[]> out = sent(t, segs);
        assertEquals(1, segs.size());
        assertEquals(ACK | PSH | CWR, segs.getFirst().flags(), "the next new data segment carries CWR: " + segs);
        assertEquals(TcpEcn.ECT_0, out.getFirst()[0] & 3);
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, iss[0] + 4001, ACK, 65535, List.of(), NONE));
        assertEquals(2, t.opts.tcpInfo(c).caState(), "an ACK of exactly the mark keeps CWR (the CWR must arrive)");
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, iss[0] + 5001, ACK, 65535, List.of(), NONE));
        assertEquals(0, t.opts.tcpInfo(c).caState(), "past the mark: Open again");
        assertEquals(7, s.sndCwnd, "tcp_end_cwnd_reduction(): cwnd = ssthresh");
    }

    @Test
    @Seed({"R1"})
    @DisplayName("R1: ECE on an old ACK, or with nothing in flight, reduces nothing")
    void eceWithoutDataInFlightIsIgnored() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0")));
        int[] iss = new int[1];
        int c = ecnConnection(t, iss);
        TcpSock s = t.engine.sock(c);
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, iss[0] + 1, ACK | ECE, 65535, List.of(), NONE));
        assertEquals(0, t.opts.tcpInfo(c).caState());
        assertEquals(2000, t.api.send(c, new byte[2000], 0, 2000, t.now()));
        t.recv();
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, iss[0] + 1001, ACK, 65535, List.of(), NONE));
        int cwnd = s.sndCwnd;
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, iss[0] + 1, ACK | ECE, 65535, List.of(), NONE));
        assertEquals(0, t.opts.tcpInfo(c).caState(), "an ACK below snd_una is old: no ECE processing");
        assertEquals(cwnd, s.sndCwnd);
    }

    @Test
    @Seed({"T3"})
    @DisplayName("T3: CWR on a pure ACK ends the ECE echo (Linux since 5.10); CWR on data is ACKed at once")
    void cwrAcceptedOnAnyAckAndDataWithCwrIsAckedNow() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0")));
        int[] iss = new int[1];
        ecnConnection(t, iss);
        byte[] data = new byte[100];
        int seq = 1001;
        t.sendRaw(withTos(EngineFixture.frame(TcpSegment.of(PEER_PORT, 80, seq, iss[0] + 1, ACK | PSH, 65535,
                List.of(), data)), TcpEcn.CE));
        seq += 100;
        t.recvOne(ACK | ECE, iss[0] + 1, seq);
        t.send(TcpSegment.of(PEER_PORT, 80, seq, iss[0] + 1, ACK | CWR, 65535, List.of(), NONE));
        t.recvNothing();
        // quick ACKs used up: ECT data is ACKed late (delayed ACK) and without ECE now
        int delayedAt = -1;
        for (int i = 0; i < 40 && delayedAt < 0; i++) {
            t.sendRaw(withTos(EngineFixture.frame(TcpSegment.of(PEER_PORT, 80, seq, iss[0] + 1, ACK | PSH, 65535,
                    List.of(), data)), TcpEcn.ECT_0));
            seq += 100;
            if (t.recv().isEmpty()) {
                delayedAt = i;
            } else {
                t.advanceMs(1);
            }
        }
        assertTrue(delayedAt >= 0, "a delayed ACK after the quick ACKs");
        t.advanceMs(60); // the delayed-ACK timer, well within the RTO (a longer gap would restart quick ACKs)
        t.recvOne(ACK, iss[0] + 1, seq);
        t.sendRaw(withTos(EngineFixture.frame(TcpSegment.of(PEER_PORT, 80, seq, iss[0] + 1, ACK | PSH | CWR, 65535,
                List.of(), data)), TcpEcn.ECT_0));
        t.recvOne(ACK, iss[0] + 1, seq + 100);
    }

    @Test
    @Seed({"H9"})
    @DisplayName("H9: a cookie keeps ECN in the TSval; without timestamps a cookie connection has no ECN")
    void cookiesAndEcn() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.syncookies=2")));
        int l = t.listener(80, 16);
        t.send(TcpSegment.of(PEER_PORT, 80, 1000, 0, SYN | ECE | CWR, 65535, List.of(new TcpOption.Mss(1000),
                new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Timestamps(10, 0)), NONE));
        TcpSegment sa = t.recvFlags(SYN | ACK | ECE);
        long tsVal = ((TcpOption.Timestamps) sa.options().get(3)).tsVal();
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, sa.seq() + 1, ACK, 65535, List.of(new TcpOption.Nop(),
                new TcpOption.Nop(), new TcpOption.Timestamps(11, tsVal)), NONE));
        int c = t.api.accept(l);
        assertTrue(t.engine.sock(c).ecn != null);
        t.send(TcpSegment.of(PEER_PORT + 1, 80, 1000, 0, SYN | ECE | CWR, 65535, List.of(new TcpOption.Mss(1000)),
                NONE));
        t.recvFlags(SYN | ACK);
    }
}
