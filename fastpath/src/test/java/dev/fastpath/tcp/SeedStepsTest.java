package dev.fastpath.tcp;

import static dev.fastpath.uapi.SocketConstants.IPPROTO_TCP;
import static dev.fastpath.uapi.SocketConstants.SHUT_WR;
import static dev.fastpath.uapi.SocketConstants.TCP_CORK;
import static dev.fastpath.uapi.SocketConstants.TCP_LINGER2;
import static dev.fastpath.tcp.EngineFixture.seg;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.FIN;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.RST;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Seed steps whose clauses the state-by-state tests (HandshakeTest, TeardownTest) leave open: the accept
 * queue full (H8: as Linux 6.x, every SYN dropped; the seed's "young requests" clause is older kernels'
 * inet_csk_reqsk_queue_young() check, gone from tcp_conn_request()), the three "why three segments"
 * scenarios from both ends (W1–W3), a
 * lingering close woken by the ACK of its FIN with TCP_LINGER2 &gt; 0 (F5, F9), the FIN riding on held
 * data (F4), TIME_WAIT's timestamp rule (T1) and every direction acknowledged (T3).
 */
class SeedStepsTest {
    private static final byte[] NONE = new byte[0];
    private static final byte[] HELLO = "hello".getBytes();

    private static TcpSegment from(int port, int flags, int seq, int ack) {
        return TcpSegment.of(port, 80, seq, ack, flags, 65535, List.of(), NONE);
    }

    @Nested
    class Handshake {
        @Test
        @Seed({"H8"})
        @DisplayName("H8: accept queue full → every SYN is dropped, young requests pending or not (Linux 6.x "
                + "tcp_conn_request(): sk_acceptq_is_full; the seed's 'young requests' clause describes older "
                + "kernels); once "
                + "accept() frees a slot the next SYN is taken")
        void acceptQueueFullDropsSynYoungOrNot() {
            EngineFixture t = new EngineFixture(Config.defaults().withOverrides(
                    List.of("tcp.timestamps=0", "tcp.syncookies=0")));
            int l = t.listener(80, 2);
            for (int port = 39997; port < 40000; port++) { // backlog + 1 children: the accept queue is full
                t.send(from(port, SYN, 1000, 0));
                TcpSegment sa = t.recvFlags(SYN | ACK);
                t.send(from(port, ACK, 1001, sa.seq() + 1));
                t.recvNothing();
            }
            long overflows = t.engine.counters().get(TcpStat.TcpExtListenOverflows);
            t.send(from(40001, SYN, 1000, 0)); // no young request pending: dropped all the same
            t.recvNothing();
            assertEquals(overflows + 1, t.engine.counters().get(TcpStat.TcpExtListenOverflows));
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtListenDrops));
            t.advanceMs(1000);
            t.recvNothing(); // no request was made, so no SYN-ACK is retransmitted
            assertTrue(t.api.accept(l) >= 0, "accept() frees a slot");
            t.send(from(40003, SYN, 1000, 0));
            TcpSegment taken = t.recvFlags(SYN | ACK);
            assertEquals(40003, taken.destinationPort());
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtListenDrops));
            assertEquals(0, t.engine.counters().get(TcpStat.TcpExtSyncookiesSent));
            assertEquals(2, drain(t, l));
        }

        private int drain(EngineFixture t, int l) {
            int n = 0;
            while (t.api.accept(l) >= 0) {
                n++;
            }
            return n;
        }
    }

    @Nested
    class WhyThreeSegments {
        final EngineFixture t = new EngineFixture();

        @Test
        @Seed({"W1"})
        @DisplayName("W1: an old duplicate SYN gets a SYN-ACK; the client's RST ends the request: nothing to "
                + "accept, no SYN-ACK retransmitted, a later ACK for it is reset")
        void oldSynResetByTheClient() {
            int l = t.listener(80, 16);
            t.send(seg(80, SYN, 500, 0));
            TcpSegment sa = t.recvFlags(SYN | ACK);
            assertEquals(501, sa.ack());
            t.send(seg(80, RST, 501, 0)); // Linux's reply to a SYN-ACK it has no socket for: seq = its ACK
            t.recvNothing();
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtEmbryonicRsts));
            assertEquals(-Errno.EAGAIN, t.api.accept(l));
            t.advanceMs(64_000);
            t.recvNothing();
            t.send(seg(80, ACK, 501, sa.seq() + 1));
            t.recvOne(RST, sa.seq() + 1, 0);
            assertEquals(-Errno.EAGAIN, t.api.accept(l));
            assertEquals(0, t.engine.counters().get(TcpStat.TcpPassiveOpens));
        }

        @Test
        @Seed({"W2"})
        @DisplayName("W2: the SYN-ACK is late: the client resends its SYN, ACKs the first SYN-ACK, answers the "
                + "duplicate with a duplicate ACK and one that no longer matches without a new connection")
        void lateSynAckAtTheClient() {
            int c = t.api.socket();
            t.api.connect(c, EngineFixture.PEER_IP, 80, t.now());
            TcpSegment syn = t.recvFlags(SYN);
            t.advanceMs(1000);
            t.recvOne(SYN, syn.seq(), 0);
            t.sendFromServer(syn, SYN | ACK, 9000, syn.seq() + 1, new TcpOption.Mss(1460));
            t.recvOne(ACK, syn.seq() + 1, 9001);
            assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
            t.sendFromServer(syn, SYN | ACK, 9000, syn.seq() + 1, new TcpOption.Mss(1460)); // for the resent SYN
            t.recvOne(ACK, syn.seq() + 1, 9001);
            t.sendFromServer(syn, SYN | ACK, 123_456, syn.seq() + 1, new TcpOption.Mss(1460)); // stale: other ISN
            for (TcpSegment s : t.recv()) {
                assertEquals(ACK, s.flags(), "at most an ACK, never a reset: " + s);
            }
            assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
            assertEquals(1, t.engine.counters().get(TcpStat.TcpActiveOpens));
            assertEquals(1, t.api.send(c, new byte[] {7}, 0, 1, t.now()));
            t.recvOne(ACK | PSH, syn.seq() + 1, 9001);
        }

        @Test
        @Seed({"W2"})
        @DisplayName("W2: the server answers the resent SYN with the same SYN-ACK; one ACK completes one connection; "
                + "a late copy of the SYN changes nothing")
        void resentSynAtTheServer() {
            int l = t.listener(80, 16);
            t.send(seg(80, SYN, 1000, 0));
            TcpSegment sa = t.recvFlags(SYN | ACK);
            t.send(seg(80, SYN, 1000, 0));
            t.recvOne(SYN | ACK, sa.seq(), 1001);
            t.send(seg(80, ACK, 1001, sa.seq() + 1));
            t.recvNothing();
            int c = t.api.accept(l);
            assertTrue(c >= 0, "accept " + c);
            t.send(seg(80, SYN, 1000, 0));
            for (TcpSegment s : t.recv()) {
                assertEquals(ACK, s.flags(), "at most an ACK: " + s);
            }
            assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
            assertEquals(-Errno.EAGAIN, t.api.accept(l));
            assertEquals(1, t.engine.counters().get(TcpStat.TcpPassiveOpens));
        }

        @Test
        @Seed({"W3"})
        @DisplayName("W3: the third ACK is lost: nothing to accept, the server resends the SYN-ACK after 1 s, the "
                + "client's repeated ACK completes the connection")
        void lostThirdAckAtTheServer() {
            int l = t.listener(80, 16);
            t.send(seg(80, SYN, 1000, 0));
            TcpSegment sa = t.recvFlags(SYN | ACK);
            // the client's ACK is lost: it never arrives
            t.advanceMs(999);
            t.recvNothing();
            assertEquals(-Errno.EAGAIN, t.api.accept(l));
            t.advanceMs(1);
            t.recvOne(SYN | ACK, sa.seq(), 1001);
            t.send(seg(80, ACK, 1001, sa.seq() + 1));
            t.recvNothing();
            int c = t.api.accept(l);
            assertTrue(c >= 0, "accept " + c);
            assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
        }

        @Test
        @Seed({"W3"})
        @DisplayName("W3: the client's third ACK was lost: it ACKs the resent SYN-ACK again; when the server has "
                + "given up, the client's data meets a RST and the client learns the connection is gone")
        void lostThirdAckAtTheClient() {
            EngineFixture.Connected ci = t.connected(9000); // its ACK went out; the test, as the link, drops it
            int c = ci.id();
            TcpSegment ours = TcpSegment.of(t.engine.sock(c).localPort, 80, ci.iss(), 0, SYN, 0, List.of(), NONE);
            t.sendFromServer(ours, SYN | ACK, 9000, ci.iss() + 1, new TcpOption.Mss(1460));
            t.recvOne(ACK, ci.iss() + 1, 9001);
            assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
            assertEquals(5, t.api.send(c, HELLO, 0, 5, t.now()));
            t.recvOne(ACK | PSH, ci.iss() + 1, 9001);
            t.sendFromServer(ours, RST, 9001, 0); // the server gave up: no socket, RST from the data's ACK
            assertEquals(TcpState.CLOSE, t.engine.state(c));
            assertEquals(-Errno.ECONNRESET, t.api.recv(c, new byte[10], 0, 10, t.now()));
            assertEquals(List.of(c + ":" + Errno.ECONNRESET), t.closed);
        }
    }

    @Nested
    class Teardown {
        final EngineFixture t = new EngineFixture();
        final EngineFixture.Accepted lc = t.established(1000);
        final int c = lc.child();
        final int iss = lc.iss();
        final List<String> woken = new ArrayList<>();

        Teardown() {
            t.engine.events(new TcpEvents() {
                @Override
                public void onLingerDone(int id, int errno) {
                    woken.add(id + ":" + errno);
                }
            });
        }

        @Test
        @Seed({"F5", "F9"})
        @DisplayName("F5 F9: a close() lingering 30 s is woken by the ACK of its FIN; FIN_WAIT2 then lasts "
                + "TCP_LINGER2 (5 s), not tcp_fin_timeout, and ends without a RST")
        void lingeringCloseWokenByTheAckOfItsFin() {
            assertEquals(0, t.opts.setInt(c, IPPROTO_TCP, TCP_LINGER2, 5, t.now()));
            assertEquals(0, t.opts.setLinger(c, true, 30));
            assertEquals(0, t.api.close(c, t.now()));
            t.recvOne(ACK | FIN, iss + 1, 1001);
            t.advanceMs(100);
            assertEquals(List.of(), woken, "still waiting for the ACK of the FIN");
            assertEquals(TcpState.FIN_WAIT1, t.engine.state(c));
            t.send(seg(80, ACK, 1001, iss + 2));
            assertEquals(List.of(c + ":0"), woken);
            assertEquals(TcpState.FIN_WAIT2, t.engine.state(c));
            t.advanceMs(4_999);
            assertEquals(TcpState.FIN_WAIT2, t.engine.state(c));
            assertEquals(2, t.engine.socketsInUse());
            t.advanceMs(1);
            assertEquals(1, t.engine.socketsInUse(), "only the listener is left");
            t.advanceMs(60_000);
            t.recvNothing();
            assertEquals(List.of(c + ":0"), woken);
            assertEquals(0, t.engine.counters().get(TcpStat.TcpExtTCPAbortOnLinger));
        }

        @Test
        @Seed({"F5"})
        @DisplayName("F5: a lingering close whose FIN is never acknowledged is woken when the time runs out, "
                + "with a RST")
        void lingeringCloseTimesOut() {
            assertEquals(0, t.opts.setLinger(c, true, 2));
            t.api.close(c, t.now());
            t.recvOne(ACK | FIN, iss + 1, 1001);
            t.advanceMs(1999);
            assertEquals(List.of(), woken);
            t.recv(); // the FIN's retransmissions
            t.advanceMs(1);
            List<TcpSegment> got = t.recv();
            assertEquals(RST | ACK, got.getLast().flags(), got.toString());
            assertEquals(List.of(c + ":" + Errno.ETIMEDOUT), woken);
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPAbortOnLinger));
            assertEquals(1, t.engine.socketsInUse());
        }

        @Test
        @Seed({"F4"})
        @DisplayName("F4: data held back (TCP_CORK) when close() is called leaves with the FIN on the same segment")
        void finRidesOnHeldData() {
            assertEquals(0, t.opts.setInt(c, IPPROTO_TCP, TCP_CORK, 1, t.now()));
            assertEquals(5, t.api.send(c, HELLO, 0, 5, t.now()));
            t.recvNothing();
            assertEquals(0, t.api.close(c, t.now()));
            TcpSegment s = t.recvOne(ACK | PSH | FIN, iss + 1, 1001);
            assertArrayEquals(HELLO, s.payload());
            assertEquals(TcpState.FIN_WAIT1, t.engine.state(c));
            t.send(seg(80, ACK, 1001, iss + 7));
            assertEquals(TcpState.FIN_WAIT2, t.engine.state(c));
        }

        @Test
        @Seed({"T3"})
        @DisplayName("T3: our FIN is ACKed alone, the peer still sends data, then its FIN: each of them gets an ACK")
        void everyDirectionIsAcknowledged() {
            assertEquals(0, t.api.shutdown(c, SHUT_WR, t.now()));
            t.recvOne(ACK | FIN, iss + 1, 1001);
            t.send(seg(80, ACK, 1001, iss + 2)); // the ACK of our FIN, without the peer's FIN
            t.recvNothing();
            assertEquals(TcpState.FIN_WAIT2, t.engine.state(c));
            t.send(seg(80, ACK | PSH, 1001, iss + 2, HELLO));
            t.advanceMs(40);
            t.recvOne(ACK, iss + 2, 1006);
            t.send(seg(80, ACK | FIN, 1006, iss + 2));
            t.recvOne(ACK, iss + 2, 1007);
            assertEquals(1, t.engine.timeWaitCount());
            byte[] buf = new byte[10];
            assertEquals(5, t.api.recv(c, buf, 0, 10, t.now()));
            assertArrayEquals(HELLO, Arrays.copyOf(buf, 5));
            assertEquals(0, t.api.recv(c, buf, 0, 10, t.now()));
        }
    }

    @Nested
    class TimeWaitTimestamps {
        final EngineFixture t = new EngineFixture(Config.defaults());
        int iss;

        /** A connection with timestamps that ends in TIME_WAIT with ts_recent 300; returns its last TSval. */
        void timeWait() {
            int l = t.listener(80, 16);
            t.send(seg(80, SYN, 1000, 0, NONE, new TcpOption.Mss(1460), new TcpOption.Timestamps(100, 0)));
            TcpSegment sa = t.recvFlags(SYN | ACK);
            iss = sa.seq();
            t.send(seg(80, ACK, 1001, iss + 1, NONE, new TcpOption.Timestamps(200, tsVal(sa))));
            int c = t.api.accept(l);
            assertTrue(c >= 0);
            t.api.close(c, t.now());
            TcpSegment fin = t.recvOne(ACK | FIN, iss + 1, 1001);
            t.send(seg(80, ACK | FIN, 1001, iss + 2, NONE, new TcpOption.Timestamps(300, tsVal(fin))));
            t.recvOne(ACK, iss + 2, 1002);
            assertEquals(1, t.engine.timeWaitCount());
        }

        private long tsVal(TcpSegment s) {
            for (TcpOption o : s.options()) {
                if (o instanceof TcpOption.Timestamps ts) {
                    return ts.tsVal();
                }
            }
            throw new AssertionError("no timestamps in " + s);
        }

        @Test
        @Seed({"T1"})
        @DisplayName("T1: a SYN in TIME_WAIT whose ISN is not higher is still accepted when its timestamp is newer")
        void newerTimestampReopens() {
            timeWait();
            t.send(seg(80, SYN, 500, 0, NONE, new TcpOption.Mss(1460), new TcpOption.Timestamps(5000, 0)));
            TcpSegment sa = t.recvFlags(SYN | ACK);
            assertEquals(501, sa.ack());
            assertEquals(0, t.engine.timeWaitCount());
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTWRecycled));
        }

        @Test
        @Seed({"T1"})
        @DisplayName("T1: a SYN in TIME_WAIT with neither a higher ISN nor a newer timestamp is an old duplicate")
        void olderTimestampIsAnOldDuplicate() {
            timeWait();
            t.send(seg(80, SYN, 500, 0, NONE, new TcpOption.Mss(1460), new TcpOption.Timestamps(250, 0)));
            TcpSegment ack = t.recvOne(ACK, iss + 2, 1002);
            assertEquals(300, ((TcpOption.Timestamps) ack.options().stream()
                    .filter(o -> o instanceof TcpOption.Timestamps).findFirst().orElseThrow()).tsEcr());
            assertEquals(1, t.engine.timeWaitCount());
            assertEquals(0, t.engine.counters().get(TcpStat.TcpExtTWRecycled));
        }
    }
}
