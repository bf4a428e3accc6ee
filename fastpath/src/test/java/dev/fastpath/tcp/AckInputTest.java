package dev.fastpath.tcp;

import static dev.fastpath.tcp.EngineFixture.PEER_PORT;
import static dev.fastpath.tcp.EngineFixture.seg;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.FIN;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.RST;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * ACKs as Linux 6.18 answers them (checked side by side in KernelDifferentialTest): an ACK of data never sent
 * (tcp_ack: RFC 9293 §3.10.7.4), and TIME_WAIT's answers (tcp_timewait_state_process, tcp_v4_timewait_ack).
 */
class AckInputTest {
    private final EngineFixture t = new EngineFixture();

    @Test
    @Seed({"R3"})
    @DisplayName("R3: an ACK above snd_nxt is answered with an ACK and dropped, data and all; rate-limited")
    void ackOfUnsentDataGetsAnAck() {
        EngineFixture.Accepted est = t.established(1000);
        int iss = est.iss();
        t.send(seg(80, ACK, 1001, iss + 1001));
        t.recvOne(ACK, iss + 1, 1001);
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPChallengeACK));
        t.send(seg(80, ACK | PSH, 1001, iss + 2001, new byte[] {1, 2, 3}));
        t.recvNothing();
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPACKSkippedChallenge));
        t.advanceMs(600);
        t.send(seg(80, ACK | PSH, 1001, iss + 2001, new byte[] {1, 2, 3}));
        t.recvOne(ACK, iss + 1, 1001); // the data was not taken
        assertEquals(-dev.fastpath.uapi.Errno.EAGAIN, t.api.recv(est.child(), new byte[8], 0, 8, t.now()));
        assertEquals(TcpState.ESTABLISHED, t.engine.state(est.child()));
    }

    /** Server side: our FIN first, the peer's FIN: TIME_WAIT. @return {the last window before it, iss} */
    private int[] timeWait(EngineFixture f) {
        EngineFixture.Accepted est = f.established(1000);
        int iss = est.iss();
        f.api.close(est.child(), f.now());
        f.recvOne(ACK | FIN, iss + 1, 1001);
        f.send(seg(80, ACK | FIN, 1001, iss + 2));
        TcpSegment last = f.recvOne(ACK, iss + 2, 1002);
        assertEquals(1, f.engine.timeWaitCount());
        return new int[] {last.window(), iss};
    }

    @Test
    @Seed({"T2"})
    @DisplayName("T2: TIME_WAIT's re-ACK advertises the window the connection had, not 0 (tcp_v4_timewait_ack)")
    void reAckAdvertisesTheWindow() {
        int[] tw = timeWait(t);
        assertTrue(tw[0] > 0);
        t.send(seg(80, ACK | FIN, 1001, tw[1] + 2));
        TcpSegment again = t.recvOne(ACK, tw[1] + 2, 1002);
        assertEquals(tw[0], again.window());
    }

    @Test
    @Seed({"T2"})
    @DisplayName("T2: in TIME_WAIT a bare ACK at rcv_nxt restarts the wait silently; other segments get an ACK "
            + "at most once per tcp_invalid_ratelimit")
    void timeWaitAnswers() {
        int[] tw = timeWait(t);
        t.advanceMs(30_000);
        t.send(seg(80, ACK, 1002, tw[1] + 2));
        t.recvNothing();
        t.advanceMs(59_000);
        assertEquals(1, t.engine.timeWaitCount(), "the bare ACK restarted the 60 s wait");
        t.send(seg(80, ACK, 1002 + 500, tw[1] + 2));
        t.recvOne(ACK, tw[1] + 2, 1002);
        t.send(seg(80, ACK | FIN, 1001, tw[1] + 2));
        t.recvNothing();
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPACKSkippedTimeWait));
        t.advanceMs(600);
        t.send(seg(80, ACK | FIN, 1001, tw[1] + 2));
        t.recvOne(ACK, tw[1] + 2, 1002);
    }

    @Test
    @Seed({"R2"})
    @DisplayName("R2: in TIME_WAIT only a RST at rcv_nxt ends the wait; one elsewhere is ignored")
    void timeWaitRst() {
        int[] tw = timeWait(t);
        t.send(seg(80, RST, 1002 + 100, 0));
        t.recvNothing();
        assertEquals(1, t.engine.timeWaitCount());
        t.send(seg(80, RST, 1002, 0));
        t.recvNothing();
        assertEquals(0, t.engine.timeWaitCount());
    }

    @Test
    @Seed({"T1"})
    @DisplayName("T1: a newer SYN for a 4-tuple in TIME_WAIT with no listener any more gets the ACK, not a RST")
    void newerSynWithoutListener() {
        EngineFixture.Accepted est = t.established(1000);
        int iss = est.iss();
        t.api.close(est.listener(), t.now()); // the listener goes first
        t.api.close(est.child(), t.now());
        t.recvOne(ACK | FIN, iss + 1, 1001);
        t.send(seg(80, ACK | FIN, 1001, iss + 2));
        t.recvOne(ACK, iss + 2, 1002);
        t.send(TcpSegment.of(PEER_PORT, 80, 5000, 0, SYN, 65535, List.of(new TcpOption.Mss(1460)), new byte[0]));
        t.recvOne(ACK, iss + 2, 1002);
        assertEquals(1, t.engine.timeWaitCount());
    }

    @Test
    @Seed({"R1"})
    @DisplayName("R1: after the peer shrinks its window to 0 under data in flight, the retransmission starts at "
            + "snd_una and resends nothing already acknowledged")
    void retransmissionAfterAWindowShrink() {
        int l = t.listener(80, 16);
        t.send(TcpSegment.of(PEER_PORT, 80, 1000, 0, SYN, 65535, List.of(new TcpOption.Mss(1000)), new byte[0]));
        int iss = t.recvFlags(SYN | ACK).seq();
        t.send(seg(80, ACK, 1001, iss + 1));
        int c = t.api.accept(l);
        byte[] data = new byte[3000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        assertEquals(3000, t.api.send(c, data, 0, data.length, t.now()));
        List<TcpSegment> first = t.recv();
        assertEquals(3, first.size());
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, iss + 1001, ACK, 0, List.of(), new byte[0])); // shrink to 0
        t.recvNothing();
        List<TcpSegment> out = new java.util.ArrayList<>();
        for (int i = 0; i < 3000 && out.isEmpty(); i++) {
            t.advanceMs(1);
            out.addAll(t.recv());
        }
        assertEquals(1, out.size(), "one segment: " + out);
        TcpSegment rtx = out.getFirst();
        assertEquals(iss + 1001, rtx.seq(), "starts at snd_una, nothing acknowledged resent: " + rtx);
        assertEquals(1000, rtx.payload().length, "one MSS into the zero window serves as the probe");
        assertEquals(data[1000], rtx.payload()[0]);
        // The peer opens its window again and acknowledges the probe: the rest follows from there.
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, iss + 2001, ACK, 65535, List.of(), new byte[0]));
        for (int i = 0; i < 5000 && t.engine.sock(c).sndUna != iss + 3001; i++) {
            t.advanceMs(1);
            for (TcpSegment s : t.recv()) {
                assertTrue(!Seq.before(s.seq(), iss + 2001), "acknowledged bytes resent: " + s);
                t.send(TcpSegment.of(PEER_PORT, 80, 1001, s.seq() + s.payload().length, ACK, 65535, List.of(),
                        new byte[0]));
            }
        }
        assertEquals(iss + 3001, t.engine.sock(c).sndUna);
    }
}
