package dev.fastpath.tcp;

import static dev.fastpath.uapi.SocketConstants.IPPROTO_TCP;
import static dev.fastpath.uapi.SocketConstants.SOL_SOCKET;
import static dev.fastpath.uapi.SocketConstants.SO_RCVBUF;
import static dev.fastpath.uapi.SocketConstants.TCP_QUICKACK;
import static dev.fastpath.uapi.SocketConstants.TCP_WINDOW_CLAMP;
import static dev.fastpath.tcp.EngineFixture.PEER_PORT;
import static dev.fastpath.tcp.EngineFixture.seg;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.FIN;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The receiver as Linux 6.18 runs it, one rule per test, scripted against the engine: the windows
 * tcp_select_initial_window() and __tcp_select_window() choose, tcp_sequence()'s beyond-window rule,
 * tcp_data_queue()'s zero window and FIN, the out-of-order queue's overlaps and pruning, SACK and
 * D-SACK blocks, and when ACKs go out (quick ACKs, delayed ACKs, interactive mode, reads).
 */
class ReceiverTest {
    private static final int MSS = 1000;
    private static final int ISN = 0; // the peer's ISN: its data starts at sequence 1, as in packetdrill

    /** A server connection from a peer with these SYN options, after {@code beforeListen} ran on the listener. */
    private static int[] accepted(EngineFixture t, int rcvBufOption, TcpOption... synOptions) {
        int l = t.api.socket();
        if (rcvBufOption > 0) {
            assertEquals(0, t.opts.setInt(l, SOL_SOCKET, SO_RCVBUF, rcvBufOption, t.now()));
        }
        assertEquals(0, t.api.bind(l, EngineFixture.LOCAL_IP, 80));
        assertEquals(0, t.api.listen(l, 16));
        t.send(seg(80, SYN, ISN, 0, new byte[0], synOptions));
        TcpSegment synAck = t.recvFlags(SYN | ACK);
        t.send(TcpSegment.of(PEER_PORT, 80, ISN + 1, synAck.seq() + 1, ACK, 65535, List.of(), new byte[0]));
        int c = t.api.accept(l);
        assertTrue(c >= 0);
        return new int[] {l, c, synAck.seq() + 1, synAck.window()};
    }

    private static int[] accepted(EngineFixture t) {
        return accepted(t, 0, new TcpOption.Mss(MSS), new TcpOption.SackPermitted());
    }

    private static void data(EngineFixture t, int[] c, int seq, byte[] payload) {
        t.send(seg(80, ACK | PSH, seq, c[2], payload));
    }

    private static void data(EngineFixture t, int[] c, int seq, int len) {
        data(t, c, seq, bytes(len, seq));
    }

    /** Data without PSH: tcp_measure_rcv_mss() then marks no pushed segment (no ACK on the read). */
    private static void dataNoPsh(EngineFixture t, int[] c, int seq, int len) {
        t.send(seg(80, ACK, seq, c[2], bytes(len, seq)));
    }

    private static void fin(EngineFixture t, int[] c, int seq, byte[] payload) {
        t.send(seg(80, ACK | FIN, seq, c[2], payload));
    }

    private static byte[] bytes(int n, int salt) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + salt);
        }
        return b;
    }

    private static TcpOption sack(long... edges) {
        List<TcpOption.SackBlock> blocks = new ArrayList<>();
        for (int i = 0; i < edges.length; i += 2) {
            blocks.add(new TcpOption.SackBlock(edges[i], edges[i + 1]));
        }
        return new TcpOption.Sack(blocks);
    }

    private static TcpOption sackOf(TcpSegment s) {
        return s.options().stream().filter(o -> o instanceof TcpOption.Sack).findFirst().orElse(null);
    }

    private static byte[] read(EngineFixture t, int fd, int n) {
        byte[] b = new byte[n];
        int got = t.api.recv(fd, b, 0, n, t.now());
        assertEquals(n, got, "bytes read");
        return b;
    }

    @Nested
    class Windows {
        @Test
        @DisplayName("tcp_select_initial_window: the SYN-ACK offers tcp_rmem[1]/2 in whole segments (64240, "
                + "65160 with timestamps) and the scale that reaches tcp_rmem[2] (10)")
        void initialWindowFromTheDefaultBuffer() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t, 0, new TcpOption.Mss(MSS), new TcpOption.WindowScale(7));
            assertEquals(64240, c[3]);
            EngineFixture ts = new EngineFixture(dev.fastpath.config.Config.defaults());
            int[] d = accepted(ts, 0, new TcpOption.Mss(MSS), new TcpOption.Timestamps(1, 0));
            assertEquals(65160, d[3]);
        }

        @Test
        @DisplayName("SO_RCVBUF before listen sizes the SYN-ACK's window and scale: 10000 → sk_rcvbuf 20000 → "
                + "window 8760, scale 0 (the clamp is the full space)")
        void soRcvbufBeforeListen() {
            EngineFixture t = new EngineFixture();
            int l = t.api.socket();
            assertEquals(0, t.opts.setInt(l, SOL_SOCKET, SO_RCVBUF, 10_000, t.now()));
            assertEquals(0, t.api.bind(l, EngineFixture.LOCAL_IP, 80));
            assertEquals(0, t.api.listen(l, 16));
            t.send(seg(80, SYN, ISN, 0, new byte[0], new TcpOption.Mss(MSS), new TcpOption.WindowScale(7)));
            TcpSegment synAck = t.recvFlags(SYN | ACK);
            assertEquals(8760, synAck.window());
            assertTrue(synAck.options().contains(new TcpOption.WindowScale(0)), synAck.toString());
        }

        @Test
        @DisplayName("TCP_WINDOW_CLAMP before connect limits the SYN's window (whole segments) and its scale")
        void windowClampBeforeConnect() {
            EngineFixture t = new EngineFixture();
            int fd = t.api.socket();
            assertEquals(0, t.opts.setInt(fd, IPPROTO_TCP, TCP_WINDOW_CLAMP, 5000, t.now()));
            assertEquals(5000, t.opts.getInt(fd, IPPROTO_TCP, TCP_WINDOW_CLAMP));
            assertEquals(-Errno.EINPROGRESS, t.api.connect(fd, EngineFixture.PEER_IP, 80, t.now()));
            TcpSegment syn = t.recvFlags(SYN);
            assertEquals(4380, syn.window()); // 3 × 1460
            assertTrue(syn.options().contains(new TcpOption.WindowScale(0)), syn.toString());
        }

        @Test
        @DisplayName("__tcp_select_window: after one segment the window is rcv_ssthresh (the clamp less a segment) "
                + "rounded down to the peer's MSS: 64000")
        void windowFollowsRcvSsthreshInWholeSegments() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t);
            data(t, c, 1, MSS);
            TcpSegment a = t.recvOne(ACK, c[2], 1 + MSS);
            assertEquals(64000, a.window());
        }

        @Test
        @DisplayName("a read that doubles the window we can offer sends a window update (tcp_cleanup_rbuf)")
        void readOpensTheWindow() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t, 10_000, new TcpOption.Mss(MSS));
            int last = 0;
            for (int seq = 1; seq <= 8001; seq += MSS) {
                data(t, c, seq, MSS);
                for (TcpSegment s : t.recv()) {
                    last = s.window();
                }
                t.advanceMs(1);
                for (TcpSegment s : t.recv()) {
                    last = s.window();
                }
            }
            t.advanceMs(200);
            for (TcpSegment s : t.recv()) {
                last = s.window();
            }
            assertTrue(last < 2000, "the window closed: " + last);
            read(t, c[1], 9000);
            TcpSegment update = t.recvFlags(ACK);
            assertTrue(update.window() >= 2 * Math.max(last, 1), "update " + update.window() + " after " + last);
        }
    }

    @Nested
    class Sequence {
        @Test
        @DisplayName("tcp_sequence: a segment ending beyond the window is dropped while data waits unread "
                + "(TcpExtBeyondWindow, duplicate ACK); with an empty queue it is taken")
        void beyondTheWindow() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t, 10_000, new TcpOption.Mss(MSS)); // window 8760
            data(t, c, 1, 9_000);
            t.advanceMs(40); // the buffer is more than half full: no quick ACK (tcp_rcv_big_endseq's case)
            t.recvOne(ACK, c[2], 9_001);
            assertEquals(0, t.engine.counters().get(TcpStat.TcpExtBeyondWindow), "empty queue: taken");
            EngineFixture u = new EngineFixture();
            int[] d = accepted(u, 10_000, new TcpOption.Mss(MSS));
            data(u, d, 1, MSS);
            u.recvOne(ACK, d[2], 1 + MSS);
            int right = 1 + MSS + 7760;
            data(u, d, 1 + MSS, right - (1 + MSS) + 500);
            u.recvOne(ACK, d[2], 1 + MSS);
            assertEquals(1, u.engine.counters().get(TcpStat.TcpExtBeyondWindow));
        }

        @Test
        @DisplayName("zero window: one large segment fills the buffer (an empty queue takes it whole; quick ACKs "
                + "stop, the ACK waits ato); more data is beyond the window; a bare FIN is taken, ACKed at once")
        void zeroWindowAndFin() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t, 10_000, new TcpOption.Mss(MSS));
            data(t, c, 1, 20_000);
            t.recvNothing(); // __tcp_select_window() found less than half the space free: quick = 0
            t.advanceMs(40);
            TcpSegment a = t.recvOne(ACK, c[2], 20_001);
            assertEquals(0, a.window());
            data(t, c, 20_001, MSS);
            TcpSegment z = t.recvOne(ACK, c[2], 20_001);
            assertEquals(0, z.window());
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtBeyondWindow));
            fin(t, c, 20_001, new byte[0]); // out of memory (ICSK_ACK_NOMEM | NOW): window 0, ACK now
            TcpSegment f = t.recvOne(ACK, c[2], 20_002);
            assertEquals(0, f.window());
            assertEquals(TcpState.CLOSE_WAIT, t.engine.state(c[1]));
        }

        @Test
        @DisplayName("RFC 2525 §2.17: a segment repeating received data with a new FIN: the FIN is taken; "
                + "tcp_fin()'s tcp_sack_reset() drops the D-SACK the repeat earned (tcp_close_no_rst)")
        void repeatedDataWithNewFin() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t);
            byte[] d = bytes(MSS, 5);
            data(t, c, 1, d);
            t.recvOne(ACK, c[2], 1 + MSS);
            fin(t, c, 1, d);
            assertEquals(TcpState.CLOSE_WAIT, t.engine.state(c[1]));
            t.advanceMs(40); // tcp_fin() made the connection interactive: the ACK waits ato (40 ms)
            TcpSegment a = t.recvOne(ACK, c[2], 2 + MSS);
            assertEquals(null, sackOf(a));
            assertArrayEquals(d, read(t, c[1], MSS));
        }
    }

    @Nested
    class OutOfOrder {
        @Test
        @DisplayName("a segment overlapping held out-of-order bytes: the held bytes stay, the overlap is "
                + "D-SACKed, the SACK block grows")
        void heldBytesStay() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t);
            byte[] held = bytes(MSS, 1);
            byte[] later = bytes(MSS, 2);
            data(t, c, 1001, held);
            assertEquals(sack(1001, 2001), sackOf(t.recvOne(ACK, c[2], 1)));
            data(t, c, 1501, later);
            assertEquals(sack(1501, 2001, 1001, 2501), sackOf(t.recvOne(ACK, c[2], 1)));
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPDSACKOfoSent));
            data(t, c, 1, MSS);
            t.recvOne(ACK, c[2], 2501);
            byte[] got = read(t, c[1], 2500);
            assertArrayEquals(held, Arrays.copyOfRange(got, 1000, 2000));
            assertArrayEquals(Arrays.copyOfRange(later, 500, 1000), Arrays.copyOfRange(got, 2000, 2500));
        }

        @Test
        @DisplayName("a segment starting before held bytes and covering some: Linux reads it first, so its bytes "
                + "win; the covered part is D-SACKed")
        void earlierStartWins() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t);
            byte[] held = bytes(MSS, 3);
            byte[] earlier = bytes(MSS, 4);
            data(t, c, 2001, held);
            t.recvOne(ACK, c[2], 1);
            data(t, c, 1501, earlier);
            assertEquals(sack(2001, 2501, 1501, 3001), sackOf(t.recvOne(ACK, c[2], 1)));
            data(t, c, 1, 1500);
            t.recvOne(ACK, c[2], 3001);
            byte[] got = read(t, c[1], 3000);
            assertArrayEquals(earlier, Arrays.copyOfRange(got, 1500, 2500));
            assertArrayEquals(Arrays.copyOfRange(held, 500, 1000), Arrays.copyOfRange(got, 2500, 3000));
        }

        @Test
        @DisplayName("SACK blocks as tcp_sack_new_ofo_skb keeps them: the most recent first, four at most without "
                + "timestamps, the oldest forgotten")
        void sackBlocksMostRecentFirst() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t);
            for (int i = 1; i <= 5; i++) {
                data(t, c, 1 + 2 * i * MSS, MSS);
                t.recv();
            }
            data(t, c, 1 + 4 * MSS + MSS, MSS); // joins the blocks at 4001 and 6001
            assertEquals(sack(4001, 7001, 10001, 11001, 8001, 9001), sackOf(t.recvOne(ACK, c[2], 1)));
        }

        @Test
        @DisplayName("D-SACK for an old duplicate, a partly old one, and several in a row (RFC 2883)")
        void dsacks() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t);
            data(t, c, 1, 3 * MSS);
            t.recv();
            data(t, c, 1, MSS);
            assertEquals(sack(1, 1001), sackOf(t.recvOne(ACK, c[2], 3001)));
            data(t, c, 1001, MSS);
            assertEquals(sack(1001, 2001), sackOf(t.recvOne(ACK, c[2], 3001)));
            data(t, c, 2501, MSS); // partly old: 2501..3001 repeats, 3001..3501 is new
            assertEquals(sack(2501, 3001), sackOf(t.recvOne(ACK, c[2], 3501)));
            assertEquals(3, t.engine.counters().get(TcpStat.TcpExtTCPDSACKOldSent));
            data(t, c, 3501, MSS);
            TcpSegment plain = t.recvFlags(ACK); // new data, no duplicate: the D-SACK is not repeated
            assertEquals(null, sackOf(plain));
        }

        @Test
        @DisplayName("memory: over sk_rcvbuf the out-of-order queue is pruned from its highest sequence "
                + "(TcpExtOfoPruned), the SACK blocks reset, the arriving lower segment kept")
        void pruneFromTheTop() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t, 10_000, new TcpOption.Mss(MSS), new TcpOption.SackPermitted());
            for (int seq : new int[] {2001, 4001, 6001}) {
                data(t, c, seq, MSS);
                t.recv();
            }
            assertEquals(0, t.opts.setInt(c[1], SOL_SOCKET, SO_RCVBUF, 2000, t.now())); // 4000 < 2 × 3000
            data(t, c, 1001, 500);
            assertEquals(sack(1001, 1501), sackOf(t.recvOne(ACK, c[2], 1)));
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtOfoPruned));
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtPruneCalled));
            SeqRanges ofo = t.engine.sock(c[1]).ofo;
            assertEquals(3, ofo.count(), "6001..7001 pruned: that was enough");
            assertEquals(5001, ofo.highestEnd(0));
        }
    }

    @Nested
    class Acks {
        @Test
        @DisplayName("quick ACKs: the first 16 segments are ACKed at once, the next waits ato (40 ms), two full "
                + "segments unACKed are ACKed at once")
        void quickThenDelayedThenEveryTwo() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t);
            int seq = 1;
            for (int i = 0; i < TcpAck.MAX_QUICKACKS; i++, seq += MSS) {
                dataNoPsh(t, c, seq, MSS);
                t.recvOne(ACK, c[2], seq + MSS);
                read(t, c[1], MSS);
            }
            dataNoPsh(t, c, seq, MSS);
            seq += MSS;
            read(t, c[1], MSS);
            t.recvNothing();
            t.advanceMs(39);
            t.recvNothing();
            t.advanceMs(1);
            t.recvOne(ACK, c[2], seq);
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtDelayedACKs));
            dataNoPsh(t, c, seq, MSS);
            t.recvNothing();
            read(t, c[1], MSS); // the reader keeps the window where it was: the right edge can advance
            t.recvNothing();
            dataNoPsh(t, c, seq + MSS, MSS);
            t.recvOne(ACK, c[2], seq + 2 * MSS); // more than one segment (rcv_mss) since the last ACK
        }

        @Test
        @DisplayName("interactive mode: a reply within ato delays the next ACK (tcp_event_data_sent, "
                + "tcp_pingpong_thresh 1); the delayed-ACK timer ends it; TCP_QUICKACK reports it")
        void pingpong() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t);
            assertEquals(1, t.opts.getInt(c[1], IPPROTO_TCP, TCP_QUICKACK));
            data(t, c, 1, 100);
            t.recvOne(ACK, c[2], 101);
            read(t, c[1], 100);
            assertEquals(100, t.api.send(c[1], bytes(100, 9), 0, 100, t.now()));
            t.recvFlags(ACK | PSH);
            assertEquals(0, t.opts.getInt(c[1], IPPROTO_TCP, TCP_QUICKACK), "interactive");
            t.send(seg(80, ACK | PSH, 101, c[2] + 100, bytes(100, 10)));
            t.recvNothing(); // quick ACKs remain, but not in interactive mode
            t.advanceMs(40);
            t.recvOne(ACK, c[2] + 100, 201);
            assertEquals(1, t.opts.getInt(c[1], IPPROTO_TCP, TCP_QUICKACK), "the timer ended it");
        }

        @Test
        @DisplayName("TCP_QUICKACK 1 with an ACK owed sends it now (tcp_cleanup_rbuf)")
        void quickackSendsTheOwedAck() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t);
            assertEquals(0, t.opts.setInt(c[1], IPPROTO_TCP, TCP_QUICKACK, 0, t.now()));
            data(t, c, 1, 100);
            t.recvNothing();
            read(t, c[1], 100); // interactive: the read does not ACK a pushed segment
            t.recvNothing();
            assertEquals(0, t.opts.setInt(c[1], IPPROTO_TCP, TCP_QUICKACK, 1, t.now()));
            t.recvOne(ACK, c[2], 101);
        }

        @Test
        @DisplayName("the ACK of a FIN after data waits ato (tcp_fin: inet_csk_schedule_ack, interactive mode); "
                + "without data before it goes at once (ato 0)")
        void finAckTiming() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t);
            data(t, c, 1, 100);
            t.recvOne(ACK, c[2], 101);
            read(t, c[1], 100);
            t.advanceMs(5);
            fin(t, c, 101, new byte[0]);
            t.recvNothing();
            t.advanceMs(40);
            t.recvOne(ACK, c[2], 102);
            EngineFixture u = new EngineFixture();
            int[] d = accepted(u);
            fin(u, d, 1, new byte[0]);
            u.recvOne(ACK, d[2], 2);
        }
    }

    @Nested
    class Buffers {
        @Test
        @DisplayName("autotuning (tcp_rcv_space_adjust): reading a growing flow raises sk_rcvbuf towards "
                + "tcp_rmem[2]; a buffer set with SO_RCVBUF stays")
        void autotuning() {
            assertTrue(flowGrowsBuffer(0) > 131_072, "unlocked buffer grew");
            assertEquals(20_000, flowGrowsBuffer(10_000), "SO_RCVBUF locks it");
        }

        /** Sends window-sized bursts, one per 10 ms RTT, read at once; @return sk_rcvbuf at the end */
        private int flowGrowsBuffer(int soRcvbuf) {
            EngineFixture t = new EngineFixture();
            int[] c = soRcvbuf > 0 ? accepted(t, soRcvbuf, new TcpOption.Mss(MSS)) : accepted(t, 0,
                    new TcpOption.Mss(MSS));
            int seq = 1;
            int window = c[3];
            byte[] sink = new byte[1 << 20];
            for (int round = 0; round < 12; round++) {
                int end = seq + window - window % MSS;
                for (; seq + MSS <= end; seq += MSS) {
                    data(t, c, seq, MSS);
                }
                t.advanceMs(5);
                while (t.api.recv(c[1], sink, 0, sink.length, t.now()) > 0) {
                    t.advanceMs(0);
                }
                t.advanceMs(5);
                for (TcpSegment s : t.recv()) {
                    window = s.window() + (s.ack() - seq);
                }
            }
            return t.opts.getInt(c[1], SOL_SOCKET, SO_RCVBUF);
        }
    }
}
