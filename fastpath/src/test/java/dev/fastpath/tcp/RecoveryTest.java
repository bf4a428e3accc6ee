package dev.fastpath.tcp;

import static dev.fastpath.tcp.EngineFixture.PEER_PORT;
import static dev.fastpath.tcp.EngineFixture.seg;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.TcpInfo;
import dev.fastpath.config.Config;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The sender's loss recovery as Linux 6.x, scripted: a connection with a 100 ms round trip sends, the peer
 * answers with ACK/SACK segments, and exactly these segments must come back. RACK's reordering timer, PRR,
 * the tail loss probe, D-SACK undo and F-RTO.
 */
class RecoveryTest {
    private static final int MSS = 1000;
    private static final int CLIENT_ISN = 1000;
    private static final int RTT_MS = 100;

    /** Accepted with SACK, MSS 1000, no timestamps, after a 100 ms handshake; {conn, una}. */
    private static int[] accepted(EngineFixture t) {
        int l = t.listener(80, 16);
        t.send(seg(80, SYN, CLIENT_ISN, 0, new byte[0], new TcpOption.Mss(MSS), new TcpOption.SackPermitted()));
        TcpSegment synAck = t.recvFlags(SYN | ACK);
        t.advanceMs(RTT_MS);
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1, synAck.seq() + 1, ACK, 65535, List.of(), new byte[0]));
        int c = t.api.accept(l);
        assertTrue(c >= 0);
        return new int[] {c, (int) synAck.seq() + 1};
    }

    private static TcpSegment ack(int ack, long... sackEdges) {
        List<TcpOption> opts = new ArrayList<>();
        if (sackEdges.length > 0) {
            List<TcpOption.SackBlock> blocks = new ArrayList<>();
            for (int i = 0; i < sackEdges.length; i += 2) {
                blocks.add(new TcpOption.SackBlock(sackEdges[i] & 0xFFFFFFFFL, sackEdges[i + 1] & 0xFFFFFFFFL));
            }
            opts.add(new TcpOption.Sack(blocks));
        }
        return TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1, ack, ACK, 65535, opts, new byte[0]);
    }

    private static int[] sendSegments(EngineFixture t, int[] c, int n) {
        assertEquals(n * MSS, t.api.send(c[0], new byte[n * MSS], 0, n * MSS, t.now()));
        assertEquals(n, t.recv().size());
        return c;
    }

    private static int seqOf(int una, int segment) {
        return una + segment * MSS;
    }

    @Test
    @DisplayName("RACK (RFC 8985): a SACK of the last of four segments waits min_rtt/4 + 2 ms, then the reordering "
            + "timer marks the other three lost and PRR lets one retransmission out")
    void rackReorderingTimer() {
        EngineFixture t = new EngineFixture();
        int[] c = sendSegments(t, accepted(t), 4);
        int una = c[1];
        t.advanceMs(RTT_MS);
        t.send(ack(una, seqOf(una, 3), seqOf(una, 4)));
        t.recvNothing();
        t.advanceMs(26);
        t.recvNothing();
        t.advanceMs(1); // tcp_rack_mark_lost(): usecs_to_jiffies(25 ms + TCP_TIMEOUT_MIN_US)
        t.recvOne(ACK, seqOf(una, 0), CLIENT_ISN + 1);
        t.recvNothing();
        TcpInfo info = t.opts.tcpInfo(c[0]);
        assertEquals(3, info.caState(), "TCP_CA_Recovery (tcp_rack_reo_timeout -> tcp_enter_recovery)");
        assertEquals(3, info.get("tcpi_lost"));
        assertEquals(1, info.get("tcpi_sacked"));
        assertEquals(1, info.get("tcpi_retrans"));
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPSACKRecovery));
    }

    @Test
    @DisplayName("PRR (RFC 6937): the third SACK marks the hole lost at once and it is retransmitted first; "
            + "ssthresh 7")
    void prrPacketConservation() {
        EngineFixture t = new EngineFixture();
        int[] c = accepted(t);
        int una = c[1];
        assertEquals(16 * MSS, t.api.send(c[0], new byte[16 * MSS], 0, 16 * MSS, t.now())); // tcp_wmem 16 KiB
        assertEquals(10, t.recv().size(), "IW10");
        t.advanceMs(RTT_MS);
        t.send(ack(una, seqOf(una, 1), seqOf(una, 2)));
        t.recvOne(ACK, seqOf(una, 10), CLIENT_ISN + 1); // a SACKed segment left the network: one new (RFC 3042)
        // The SACKs come 2 ms apart: sooner, tcp_tso_should_defer() would hold the rest of the 6-segment skb for a
        // bigger GSO packet (the last transmission less than 1 ms ago, the next ACK due within half an RTT).
        t.advanceMs(2);
        t.send(ack(una, seqOf(una, 1), seqOf(una, 3)));
        t.recvOne(ACK, seqOf(una, 11), CLIENT_ISN + 1);
        t.advanceMs(2);
        t.send(ack(una, seqOf(una, 1), seqOf(una, 4)));
        List<TcpSegment> out = t.recv();
        assertEquals(seqOf(una, 0) & 0xFFFFFFFFL, out.getFirst().seq(), "the hole first");
        TcpInfo info = t.opts.tcpInfo(c[0]);
        assertEquals(7, info.sndSsthresh(), "CUBIC: 717/1024 of 10");
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPFastRetrans));
    }

    @Test
    @DisplayName("TLP (RFC 8985 §7): with the tail unacknowledged the newest segment is resent after 2·SRTT + 2 ms, "
            + "once; the RTO follows from then")
    void tailLossProbe() {
        EngineFixture t = new EngineFixture();
        int[] c = sendSegments(t, accepted(t), 3);
        int una = c[1];
        t.advanceMs(2 * RTT_MS + 1);
        t.recvNothing();
        t.advanceMs(1);
        t.recvOne(ACK | PSH, seqOf(una, 2), CLIENT_ISN + 1);
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPLossProbes));
        long rto = t.opts.tcpInfo(c[0]).rto() / 1000;
        t.advanceMs(rto - 1);
        t.recvNothing();
        t.advanceMs(1);
        t.recvOne(ACK, seqOf(una, 0), CLIENT_ISN + 1); // tcp_retransmit_timer(): the head, in Loss
        assertEquals(4, t.opts.tcpInfo(c[0]).caState());
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPLossProbes), "one probe per episode");
    }

    @Test
    @DisplayName("D-SACK undo (RFC 2883 §4): the only retransmission comes back D-SACKed, so the reduction is "
            + "undone in recovery (tcp_try_undo_dsack): cwnd 10 again, TcpExtTCPDSACKUndo")
    void dsackUndo() {
        EngineFixture t = new EngineFixture();
        int[] c = sendSegments(t, accepted(t), 10);
        int una = c[1];
        t.advanceMs(RTT_MS);
        for (int k = 2; k <= 4; k++) {
            t.send(ack(una, seqOf(una, 1), seqOf(una, k)));
        }
        t.recvOne(ACK, seqOf(una, 0), CLIENT_ISN + 1);
        assertEquals(7, t.opts.tcpInfo(c[0]).sndCwnd());
        t.advanceMs(RTT_MS);
        // The original arrived after all: the peer ACKs through segment 5 and D-SACKs the retransmission.
        t.send(ack(seqOf(una, 5), seqOf(una, 0), seqOf(una, 1)));
        TcpInfo info = t.opts.tcpInfo(c[0]);
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPDSACKUndo));
        assertEquals(Integer.MAX_VALUE, info.sndSsthresh(), "prior_ssthresh restored");
        assertEquals(13, info.sndCwnd(), "undo_cwnd = max(cwnd, prior_cwnd) = 10, then slow start by the 3 "
                + "segments this ACK delivered (segment 1, its D-SACKed copy, segment 5)");
        assertTrue(info.caState() < 2, "Open or Disorder again");
    }

    @Test
    @DisplayName("F-RTO (RFC 5682, tcp_frto=2): after an RTO the ACK of never-retransmitted data proves the "
            + "timeout spurious: Loss is undone (TcpExtTCPSpuriousRTOs, TcpExtTCPLossUndo), cwnd restored")
    void frtoSpuriousRto() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.early_retrans=0")));
        int[] c = sendSegments(t, accepted(t), 5);
        int una = c[1];
        long rto = t.opts.tcpInfo(c[0]).rto() / 1000;
        t.advanceMs(rto);
        t.recvOne(ACK, seqOf(una, 0), CLIENT_ISN + 1);
        assertEquals(4, t.opts.tcpInfo(c[0]).caState(), "TCP_CA_Loss");
        assertEquals(1, t.opts.tcpInfo(c[0]).sndCwnd());
        t.send(ack(seqOf(una, 2))); // the originals of 1 and 2 were only delayed
        TcpInfo info = t.opts.tcpInfo(c[0]);
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPSpuriousRTOs));
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPLossUndo));
        assertEquals(0, info.caState());
        assertEquals(10, info.sndCwnd());
        TcpAckInput.verifyLeftOut(t.engine.sock(c[0]), "after F-RTO undo");
    }
}
