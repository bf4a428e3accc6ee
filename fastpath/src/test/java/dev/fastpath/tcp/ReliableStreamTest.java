package dev.fastpath.tcp;

import static dev.fastpath.uapi.SocketConstants.IPPROTO_TCP;
import static dev.fastpath.uapi.SocketConstants.TCP_NODELAY;
import static dev.fastpath.tcp.EngineFixture.PEER_PORT;
import static dev.fastpath.tcp.EngineFixture.seg;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.config.Config;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The reliable byte stream, one mechanism per test, scripted: out-of-order data with SACK and
 * D-SACK, fast retransmit and NewReno recovery, SACK-guided retransmission, PAWS, Nagle, and the
 * congestion window's reaction to loss.
 */
class ReliableStreamTest {
    private static final int MSS = 1000;
    private static final int CLIENT_ISN = 1000;
    private static final int RTT_MS = 100;

    /** A server-side connection from a peer that offered these options; {listener, conn, iss}. */
    private static int[] accepted(EngineFixture t, TcpOption... synOptions) {
        int l = t.listener(80, 16);
        t.send(seg(80, SYN, CLIENT_ISN, 0, new byte[0], synOptions));
        TcpSegment synAck = t.recvFlags(SYN | ACK);
        t.advanceMs(RTT_MS); // a real round trip: RACK's reordering window and the loss probe are timed by it
        long synTs = Arrays.stream(synOptions).filter(o -> o instanceof TcpOption.Timestamps)
                .mapToLong(o -> ((TcpOption.Timestamps) o).tsVal()).findFirst().orElse(-1);
        // The peer's clock moves on (an older TSval than its SYN's would fail PAWS in tcp_check_req).
        List<TcpOption> ackOptions = synTs >= 0
                ? List.of(new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Timestamps(synTs + 1, tsVal(synAck)))
                : List.of();
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1, synAck.seq() + 1, ACK, 65535, ackOptions, new byte[0]));
        int c = t.api.accept(l);
        assertTrue(c >= 0);
        return new int[] {l, c, synAck.seq()};
    }

    private static long tsVal(TcpSegment s) {
        return s.options().stream().filter(o -> o instanceof TcpOption.Timestamps)
                .mapToLong(o -> ((TcpOption.Timestamps) o).tsVal()).findFirst().orElse(0);
    }

    private static byte[] bytes(int n, int salt) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + salt);
        }
        return b;
    }

    private static TcpSegment ack(int ack, TcpOption... options) {
        return TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1, ack, ACK, 65535, List.of(options), new byte[0]);
    }

    private static TcpOption sack(long... edges) {
        List<TcpOption.SackBlock> blocks = new java.util.ArrayList<>();
        for (int i = 0; i < edges.length; i += 2) {
            blocks.add(new TcpOption.SackBlock(edges[i], edges[i + 1]));
        }
        return new TcpOption.Sack(blocks);
    }

    @Nested
    class Receiver {
        @Test
        @DisplayName("out of order: held past the hole, ACKed at once with a SACK block, delivered when the hole fills")
        void outOfOrderIsSackedAndReassembled() {
            EngineFixture t = new EngineFixture();
            int[] st = accepted(t, new TcpOption.Mss(MSS), new TcpOption.SackPermitted());
            byte[] first = bytes(MSS, 1);
            byte[] second = bytes(MSS, 2);
            t.send(seg(80, ACK | PSH, CLIENT_ISN + 1 + MSS, st[2] + 1, second));
            TcpSegment dupAck = t.recvOne(ACK, st[2] + 1, CLIENT_ISN + 1);
            assertTrue(dupAck.options().contains(sack(CLIENT_ISN + 1 + MSS, CLIENT_ISN + 1 + 2 * MSS)),
                    dupAck.toString());
            assertEquals(0, t.opts.ioctl(st[1], dev.fastpath.uapi.SocketConstants.SIOCINQ), "nothing readable yet");
            t.send(seg(80, ACK | PSH, CLIENT_ISN + 1, st[2] + 1, first));
            TcpSegment full = t.recvOne(ACK, st[2] + 1, CLIENT_ISN + 1 + 2 * MSS);
            assertTrue(full.options().stream().noneMatch(o -> o instanceof TcpOption.Sack), full.toString());
            byte[] got = new byte[3 * MSS];
            assertEquals(2 * MSS, t.api.recv(st[1], got, 0, got.length, t.now()));
            byte[] want = new byte[2 * MSS];
            System.arraycopy(first, 0, want, 0, MSS);
            System.arraycopy(second, 0, want, MSS, MSS);
            assertArrayEquals(want, Arrays.copyOf(got, 2 * MSS));
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPOFOQueue));
        }

        @Test
        @DisplayName("a duplicate segment is reported as a D-SACK block (RFC 2883)")
        void duplicateIsDsacked() {
            EngineFixture t = new EngineFixture();
            int[] st = accepted(t, new TcpOption.Mss(MSS), new TcpOption.SackPermitted());
            t.send(seg(80, ACK | PSH, CLIENT_ISN + 1, st[2] + 1, bytes(100, 3)));
            t.recvOne(ACK, st[2] + 1, CLIENT_ISN + 101);
            t.send(seg(80, ACK | PSH, CLIENT_ISN + 1, st[2] + 1, bytes(100, 3)));
            TcpSegment d = t.recvOne(ACK, st[2] + 1, CLIENT_ISN + 101);
            assertTrue(d.options().contains(sack(CLIENT_ISN + 1, CLIENT_ISN + 101)), d.toString());
        }

        @Test
        @DisplayName("PAWS: a segment whose timestamp is older than ts_recent is dropped with a duplicate ACK")
        void pawsDropsOldTimestamps() {
            EngineFixture t = new EngineFixture(Config.defaults());
            int[] st = accepted(t, new TcpOption.Mss(MSS), new TcpOption.SackPermitted(),
                    new TcpOption.Timestamps(5000, 0));
            TcpOption newer = new TcpOption.Timestamps(6000, 0);
            t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1, st[2] + 1, ACK | PSH, 65535,
                    List.of(new TcpOption.Nop(), new TcpOption.Nop(), newer), bytes(10, 4)));
            t.recvFlags(ACK);
            TcpOption older = new TcpOption.Timestamps(5500, 0);
            t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 11, st[2] + 1, ACK | PSH, 65535,
                    List.of(new TcpOption.Nop(), new TcpOption.Nop(), older), bytes(10, 5)));
            TcpSegment dup = t.recvFlags(ACK);
            assertEquals(CLIENT_ISN + 11, dup.ack(), "the old segment's data was not taken");
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtPAWSEstab));
            assertEquals(10, t.opts.ioctl(st[1], dev.fastpath.uapi.SocketConstants.SIOCINQ));
        }
    }

    @Nested
    class Sender {
        /** Five full segments in flight from an accepted connection; returns {conn, iss}. */
        private int[] fiveInFlight(EngineFixture t, TcpOption... synOptions) {
            int[] st = accepted(t, synOptions);
            assertEquals(5 * MSS, t.api.send(st[1], bytes(5 * MSS, 9), 0, 5 * MSS, t.now()));
            List<TcpSegment> out = t.recv();
            assertEquals(5, out.size(), out.toString());
            return new int[] {st[1], st[2]};
        }

        @Test
        @DisplayName("fast retransmit on the third duplicate ACK (RFC 5681 §3.2), not before; ssthresh = β·cwnd")
        void fastRetransmitOnThirdDupAck() {
            EngineFixture t = new EngineFixture();
            int[] c = fiveInFlight(t, new TcpOption.Mss(MSS));
            int una = c[1] + 1;
            t.send(ack(una));
            t.send(ack(una));
            t.recvNothing();
            t.send(ack(una));
            TcpSegment rtx = t.recvOne(ACK, una, CLIENT_ISN + 1);
            assertEquals(MSS, rtx.payload().length);
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPFastRetrans));
            dev.fastpath.uapi.TcpInfo info = t.opts.tcpInfo(c[0]);
            assertEquals(3, info.caState(), "TCP_CA_Recovery");
            assertEquals(7, info.sndSsthresh(), "CUBIC's β = 0.7 of a window of 10");
        }

        @Test
        @DisplayName("NewReno: a partial ACK retransmits the next segment; the full ACK ends recovery (RFC 6582)")
        void partialAckThenFullAck() {
            EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0",
                    "tcp.congestion_control=reno")));
            int[] c = fiveInFlight(t, new TcpOption.Mss(MSS));
            int una = c[1] + 1;
            for (int i = 0; i < 3; i++) {
                t.send(ack(una));
            }
            t.recvOne(ACK, una, CLIENT_ISN + 1);
            assertEquals(5, t.opts.tcpInfo(c[0]).sndSsthresh(), "Reno halves a window of 10");
            t.send(ack(una + MSS));
            t.recvOne(ACK, una + MSS, CLIENT_ISN + 1);
            t.send(ack(una + 5 * MSS));
            t.recvNothing();
            assertEquals(3, t.opts.tcpInfo(c[0]).caState(),
                    "NewReno holds Recovery until data above high_seq is ACKed (tcp_is_non_sack_preventing_reopen)");
            assertEquals(MSS, t.api.send(c[0], bytes(MSS, 1), 0, MSS, t.now()));
            t.recvOne(ACK | PSH, una + 5 * MSS, CLIENT_ISN + 1);
            t.send(ack(una + 6 * MSS));
            dev.fastpath.uapi.TcpInfo info = t.opts.tcpInfo(c[0]);
            assertEquals(0, info.caState(), "recovery over");
            assertEquals(5, info.sndCwnd(), "cwnd = ssthresh on leaving recovery (tcp_end_cwnd_reduction)");
        }

        @Test
        @DisplayName("SACK: the third SACKed segment marks the hole lost at once (RACK's dupthresh shortcut); only the "
                + "hole is retransmitted")
        void sackRetransmitsTheHoleOnly() {
            EngineFixture t = new EngineFixture();
            int[] c = fiveInFlight(t, new TcpOption.Mss(MSS), new TcpOption.SackPermitted());
            int una = c[1] + 1;
            t.advanceMs(RTT_MS); // the SACKs come a round trip later: RACK waits min_rtt/4 on the first two
            t.send(ack(una, sack(una + MSS, una + 2 * MSS)));
            t.send(ack(una, sack(una + MSS, una + 3 * MSS)));
            t.recvNothing();
            t.send(ack(una, sack(una + MSS, una + 4 * MSS)));
            t.recvOne(ACK, una, CLIENT_ISN + 1);
            t.send(ack(una, sack(una + MSS, una + 5 * MSS)));
            t.recvNothing(); // nothing else is missing
            t.send(ack(una + 5 * MSS));
            t.recvNothing();
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPSACKRecovery));
            assertEquals(0, t.opts.tcpInfo(c[0]).caState());
        }

        @Test
        @DisplayName("the RTO doubles with each retransmission (RFC 6298 §5.5) and cwnd falls to one segment")
        void rtoBackoffDoubles() {
            EngineFixture t = new EngineFixture();
            int[] c = fiveInFlight(t, new TcpOption.Mss(MSS));
            long rto = t.opts.tcpInfo(c[0]).rto() / 1000;
            t.advanceMs(rto - 1);
            t.recvNothing();
            t.advanceMs(1);
            t.recvOne(ACK, c[1] + 1, CLIENT_ISN + 1);
            assertEquals(1, t.opts.tcpInfo(c[0]).sndCwnd());
            t.advanceMs(2 * rto - 1);
            t.recvNothing();
            t.advanceMs(1);
            t.recvOne(ACK, c[1] + 1, CLIENT_ISN + 1);
            t.advanceMs(4 * rto - 1);
            t.recvNothing();
            t.advanceMs(1);
            t.recvOne(ACK, c[1] + 1, CLIENT_ISN + 1);
            assertEquals(3, t.opts.tcpInfo(c[0]).backoff());
        }

        @Test
        @DisplayName("slow start after idle: a window of 40 halves per idle RTO, down to the initial 10 (RFC 5681)")
        void slowStartAfterIdle() {
            EngineFixture t = new EngineFixture();
            int[] st = accepted(t, new TcpOption.Mss(MSS));
            int c = st[1];
            assertEquals(0, t.opts.setInt(c, dev.fastpath.uapi.SocketConstants.SOL_SOCKET,
                    dev.fastpath.uapi.SocketConstants.SO_SNDBUF, 1 << 20, t.now()));
            int seq = st[2] + 1;
            for (int round = 0; round < 2; round++) { // slow start: 10 → 20 → 40 segments
                int n = t.opts.tcpInfo(c).sndCwnd() * MSS;
                assertEquals(n, t.api.send(c, bytes(n, round), 0, n, t.now()));
                t.recv();
                seq += n;
                t.send(ack(seq));
            }
            assertEquals(40, t.opts.tcpInfo(c).sndCwnd());
            long rto = t.opts.tcpInfo(c).rto() / 1000;
            t.advanceMs(3 * rto);
            t.api.send(c, bytes(50 * MSS, 7), 0, 50 * MSS, t.now());
            assertEquals(10, t.recv().size(), "40 → 20 → 10 over the idle RTOs, not below the initial window");
        }

        @Test
        @DisplayName("with tcp_slow_start_after_idle=0 the window survives idleness")
        void noSlowStartAfterIdle() {
            EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0",
                    "net.ipv4.tcp_slow_start_after_idle=0")));
            int[] st = accepted(t, new TcpOption.Mss(MSS));
            int c = st[1];
            t.opts.setInt(c, dev.fastpath.uapi.SocketConstants.SOL_SOCKET, dev.fastpath.uapi.SocketConstants.SO_SNDBUF,
                    1 << 20, t.now());
            t.api.send(c, bytes(10 * MSS, 1), 0, 10 * MSS, t.now());
            t.recv();
            t.send(ack(st[2] + 1 + 10 * MSS));
            t.advanceMs(10_000);
            t.api.send(c, bytes(30 * MSS, 2), 0, 30 * MSS, t.now());
            assertEquals(20, t.recv().size());
        }

        @Test
        @DisplayName("TCP_CORK holds a small write, but not forever: the probe timer sends it after one RTO "
                + "(at least 200 ms), with PSH; uncorking sends at once")
        void corkIsBounded() {
            EngineFixture t = new EngineFixture();
            int[] st = accepted(t, new TcpOption.Mss(MSS));
            int c = st[1];
            assertEquals(0, t.opts.setInt(c, IPPROTO_TCP, dev.fastpath.uapi.SocketConstants.TCP_CORK, 1, t.now()));
            t.api.send(c, bytes(40, 1), 0, 40, t.now());
            long wait = Math.max(t.opts.tcpInfo(c).rto() / 1000, 200);
            t.advanceMs(wait - 1);
            t.recvNothing();
            t.advanceMs(1);
            t.recvOne(ACK | PSH, st[2] + 1, CLIENT_ISN + 1);
            t.send(ack(st[2] + 41));
            t.api.send(c, bytes(40, 2), 0, 40, t.now());
            t.recvNothing();
            assertEquals(0, t.opts.setInt(c, IPPROTO_TCP, dev.fastpath.uapi.SocketConstants.TCP_CORK, 0, t.now()));
            t.recvOne(ACK | PSH, st[2] + 41, CLIENT_ISN + 1);
        }

        @Test
        @DisplayName("MSG_MORE corks only its own send(): with TCP_NODELAY the full segment goes without PSH, the "
                + "rest waits, and the ACK of the first sends it at once, still without PSH (tcp_push)")
        void msgMoreCorksOnlyItsOwnSend() {
            EngineFixture t = new EngineFixture();
            int[] st = accepted(t, new TcpOption.Mss(MSS));
            int c = st[1];
            assertEquals(0, t.opts.setInt(c, IPPROTO_TCP, TCP_NODELAY, 1, t.now()));
            int n = t.api.send(c, bytes(MSS + 100, 1), 0, MSS + 100, dev.fastpath.uapi.SocketConstants.MSG_MORE,
                    t.now());
            assertEquals(MSS + 100, n);
            TcpSegment full = t.recvOne(ACK, st[2] + 1, CLIENT_ISN + 1);
            assertEquals(MSS, full.payload().length);
            t.recvNothing();
            t.send(ack(st[2] + 1 + MSS));
            TcpSegment rest = t.recvOne(ACK, st[2] + 1 + MSS, CLIENT_ISN + 1);
            assertEquals(100, rest.payload().length);
        }

        @Test
        @DisplayName("Nagle: a small write waits while a small segment is unacknowledged; TCP_NODELAY sends it")
        void nagle() {
            EngineFixture t = new EngineFixture();
            int[] st = accepted(t, new TcpOption.Mss(MSS));
            t.api.send(st[1], bytes(10, 1), 0, 10, t.now());
            t.recvOne(ACK | PSH, st[2] + 1, CLIENT_ISN + 1);
            t.api.send(st[1], bytes(10, 2), 0, 10, t.now());
            t.recvNothing();
            t.send(ack(st[2] + 11));
            t.recvOne(ACK | PSH, st[2] + 11, CLIENT_ISN + 1);
            assertEquals(0, t.opts.setInt(st[1], IPPROTO_TCP, TCP_NODELAY, 1, t.now()));
            t.api.send(st[1], bytes(10, 3), 0, 10, t.now());
            t.recvOne(ACK | PSH, st[2] + 21, CLIENT_ISN + 1);
        }
    }
}
