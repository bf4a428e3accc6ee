package dev.fastpath.tcp;

import static dev.fastpath.tcp.EngineFixture.PEER_PORT;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.RST;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A segment for a pending request, as Linux 6.18's tcp_check_req() answers it (each behaviour checked against the
 * kernel side by side: KernelDifferentialTest, cases synrecv/*). The peer's ISN is {@code C}; the request's window
 * is the SYN-ACK's 64240.
 */
class SynRecvTest {
    private static final int C = 1000;
    private static final byte[] NONE = new byte[0];
    private final EngineFixture t = new EngineFixture();
    private int l;
    private int s;

    private TcpSegment seg(int flags, int seq, int ack, TcpOption... options) {
        return TcpSegment.of(PEER_PORT, 80, seq, ack, flags, 65535, List.of(options), NONE);
    }

    /** A listener and a request: the SYN answered; {@code s} is the request's ISN. */
    private void request() {
        l = t.listener(80, 16);
        t.send(seg(SYN, C, 0, new TcpOption.Mss(1460)));
        s = t.recvFlags(SYN | ACK).seq();
        assertEquals(1, t.engine.listen.requestCount());
    }

    private void completes() {
        t.send(seg(ACK, C + 1, s + 1));
        t.recvNothing();
        assertTrue(t.api.accept(l) >= 0, "the request was still there");
    }

    private void isGone() {
        assertEquals(0, t.engine.listen.requestCount());
        t.send(seg(ACK, C + 1, s + 1));
        t.recvOne(RST, s + 1, 0); // no request, no cookie: the listener resets the ACK
        assertEquals(-Errno.EAGAIN, t.api.accept(l));
    }

    @Test
    @Seed({"H10"})
    @DisplayName("H10: a RST at rcv_nxt removes the request; its SYN-ACK is not retransmitted")
    void exactRstRemovesTheRequest() {
        request();
        t.send(seg(RST, C + 1, 0));
        t.recvNothing();
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtEmbryonicRsts));
        assertEquals(1, t.engine.counters().get(TcpStat.TcpAttemptFails));
        t.advanceMs(4000);
        t.recvNothing();
        isGone();
    }

    @Test
    @Seed({"R2"})
    @DisplayName("R2: a RST elsewhere in the window gets a challenge ACK (RFC 5961 §3.2); the request stays")
    void inWindowRstGetsAChallengeAck() {
        request();
        t.send(seg(RST, C + 1000, 0));
        TcpSegment a = t.recvOne(ACK, s + 1, C + 1);
        assertEquals(64240, a.window());
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPChallengeACK));
        t.send(seg(RST, C + 1 + 64240, 0)); // the window's right edge, 100 ms later: rate-limited
        t.recvNothing();
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPACKSkippedSynRecv));
        t.advanceMs(600);
        t.recv(); // the SYN-ACK retransmission at 1 s may have come; not what this test looks at
        t.send(seg(RST, C + 2000, 0));
        t.recvOne(ACK, s + 1, C + 1);
        completes();
    }

    @Test
    @Seed({"R2"})
    @DisplayName("R2: the ACK field of a RST is not checked: a wrong one still resets at rcv_nxt, is challenged in "
            + "the window")
    void aRstsAckFieldDoesNotMatter() {
        request();
        t.send(seg(RST | ACK, C + 1000, s + 7));
        t.recvOne(ACK, s + 1, C + 1);
        t.send(seg(RST | ACK, C + 1, s + 7));
        t.recvNothing();
        isGone();
    }

    @Test
    @Seed({"R2"})
    @DisplayName("R2: a RST outside the window is dropped without an answer")
    void outOfWindowRstIsDropped() {
        request();
        t.send(seg(RST, C + 1 + 64241, 0));
        t.send(seg(RST, C, 0));
        t.recvNothing();
        assertEquals(2, t.engine.counters().get(TcpStat.FpDropTcpOverwindow));
        completes();
    }

    @Test
    @Seed({"H6"})
    @DisplayName("H6: a SYN with another ISN inside the window is answered with a RST and removes the request")
    void inWindowSynWithAnotherIsnIsReset() {
        request();
        t.send(seg(SYN, C + 100, 0, new TcpOption.Mss(1460)));
        t.recvOne(RST | ACK, 0, C + 101);
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtEmbryonicRsts));
        isGone();
    }

    @Test
    @Seed({"H6"})
    @DisplayName("H6: a SYN with an ISN below the window is out of window: an ACK, and the request stays")
    void synBelowTheWindowGetsAnAck() {
        request();
        t.send(seg(SYN, C - 100, 0, new TcpOption.Mss(1460)));
        t.recvOne(ACK, s + 1, C + 1);
        completes();
    }

    @Test
    @Seed({"H6"})
    @DisplayName("H6: a retransmitted SYN gets the SYN-ACK again, at most once per tcp_invalid_ratelimit, and "
            + "restarts the SYN-ACK timer")
    void retransmittedSynIsRateLimited() {
        request();
        t.advanceMs(600);
        t.send(seg(SYN, C, 0, new TcpOption.Mss(1460)));
        t.recvOne(SYN | ACK, s, C + 1);
        t.send(seg(SYN, C, 0, new TcpOption.Mss(1460)));
        t.recvNothing();
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPACKSkippedSynRecv));
        t.advanceMs(1000 - 1); // the timer now runs from the resent SYN-ACK: not at 1 s after the first
        t.recvNothing();
        t.advanceMs(2);
        t.recvOne(SYN | ACK, s, C + 1);
        assertEquals(2, t.engine.counters().get(TcpStat.TcpExtTCPSynRetrans));
    }

    @Test
    @Seed({"H12"})
    @DisplayName("H12: the final ACK with a sequence number outside the window gets an ACK; the request stays")
    void finalAckOutOfWindowGetsAnAck() {
        request();
        t.send(seg(ACK, C + 1 + 100_000, s + 1));
        t.recvOne(ACK, s + 1, C + 1);
        assertEquals(-Errno.EAGAIN, t.api.accept(l));
        completes();
    }

    @Test
    @Seed({"H12"})
    @DisplayName("H12: an ACK of another ISN gets a RST from the listener; the request stays")
    void ackOfAnotherIsnIsReset() {
        request();
        t.send(seg(ACK, C + 1, s + 5));
        t.recvOne(RST, s + 5, 0);
        completes();
    }

    @Test
    @Seed({"H6"})
    @DisplayName("H6: a SYN-ACK to a request, inside the window: a RST from its ACK number, the request removed")
    void synAckToARequestIsReset() {
        request();
        t.send(seg(SYN | ACK, C + 100, s + 1));
        t.recvOne(RST, s + 1, 0);
        isGone();
    }

    @Test
    @Seed({"H12"})
    @DisplayName("H12: PAWS and a TSecr we never sent make the final ACK out of window: an ACK, counted")
    void pawsAndTsecrOnTheFinalAck() {
        EngineFixture ts = new EngineFixture(Config.defaults());
        int lts = ts.listener(80, 16);
        ts.send(TcpSegment.of(PEER_PORT, 80, C, 0, SYN, 65535, List.of(new TcpOption.Mss(1460), new TcpOption.Nop(),
                new TcpOption.Nop(), new TcpOption.Timestamps(5000, 0)), NONE));
        TcpSegment sa = ts.recvFlags(SYN | ACK);
        long ourTs = ((TcpOption.Timestamps) sa.options().get(3)).tsVal();
        ts.send(TcpSegment.of(PEER_PORT, 80, C + 1, sa.seq() + 1, ACK, 65535, List.of(new TcpOption.Nop(),
                new TcpOption.Nop(), new TcpOption.Timestamps(4000, ourTs)), NONE));
        TcpSegment a = ts.recvOne(ACK, sa.seq() + 1, C + 1);
        assertEquals(new TcpOption.Timestamps(((TcpOption.Timestamps) a.options().get(2)).tsVal(), 5000),
                a.options().get(2), "the ACK echoes the SYN's TSval");
        assertEquals(1, ts.engine.counters().get(TcpStat.TcpExtPAWSEstab));
        ts.advanceMs(600);
        ts.recv();
        ts.send(TcpSegment.of(PEER_PORT, 80, C + 1, sa.seq() + 1, ACK, 65535, List.of(new TcpOption.Nop(),
                new TcpOption.Nop(), new TcpOption.Timestamps(5001, ourTs + 100_000)), NONE));
        ts.recvOne(ACK, sa.seq() + 1, C + 1);
        assertEquals(1, ts.engine.counters().get(TcpStat.TcpExtTSECRRejected));
        ts.send(TcpSegment.of(PEER_PORT, 80, C + 1, sa.seq() + 1, ACK, 65535, List.of(new TcpOption.Nop(),
                new TcpOption.Nop(), new TcpOption.Timestamps(5002, ourTs)), NONE));
        ts.recvNothing();
        assertTrue(ts.api.accept(lts) >= 0);
    }
}
