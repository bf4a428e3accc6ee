package dev.fastpath.tcp;

import static dev.fastpath.uapi.SocketConstants.IPPROTO_TCP;
import static dev.fastpath.uapi.SocketConstants.SOL_SOCKET;
import static dev.fastpath.uapi.SocketConstants.SHUT_WR;
import static dev.fastpath.uapi.SocketConstants.SO_KEEPALIVE;
import static dev.fastpath.uapi.SocketConstants.TCP_KEEPCNT;
import static dev.fastpath.uapi.SocketConstants.TCP_KEEPIDLE;
import static dev.fastpath.uapi.SocketConstants.TCP_KEEPINTVL;
import static dev.fastpath.uapi.SocketConstants.TCP_LINGER2;
import static dev.fastpath.uapi.SocketConstants.TCP_QUICKACK;
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
import dev.fastpath.wire.TcpSegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Server-side connection on port 80; the peer's ISN is 1000, so its next byte is 1001. */
class TeardownTest {
    private static final byte[] HELLO = "hello".getBytes();

    final EngineFixture t = new EngineFixture();
    final EngineFixture.Accepted lc = t.established(1000);
    final int c = lc.child();
    final int iss = lc.iss();
    final byte[] buf = new byte[100];

    @Nested
    class Established {
        @Test
        @Seed({"R2"})
        @DisplayName("R2: a RST exactly at rcv_nxt closes the connection at once with ECONNRESET")
        void exactRst() {
            t.send(seg(80, RST, 1001, 0));
            t.recvNothing();
            assertEquals(TcpState.CLOSE, t.engine.state(c));
            assertEquals(-Errno.ECONNRESET, t.api.recv(c, buf, 0, 100, t.now()));
            assertEquals(1, t.engine.counters().get(TcpStat.TcpEstabResets));
        }

        @Test
        @Seed({"R2"})
        @DisplayName("R2: a RST in the window but not at rcv_nxt gets a challenge ACK and changes nothing")
        void inWindowRst() {
            t.send(seg(80, RST, 1500, 0));
            t.recvOne(ACK, iss + 1, 1001);
            assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPChallengeACK));
        }

        @Test
        @Seed({"H6"})
        @DisplayName("H6: a SYN on an ESTABLISHED connection gets a challenge ACK (RFC 5961 §4)")
        void synOnEstablished() {
            t.send(seg(80, SYN, 1001, 0));
            t.recvOne(ACK, iss + 1, 1001);
            assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
        }

        @Test
        @Seed({"R3"})
        @DisplayName("R3: an out-of-window segment gets a duplicate ACK, not a reset")
        void outOfWindow() {
            t.send(seg(80, ACK, 1001 + 10_000_000, iss + 1, HELLO));
            t.recvOne(ACK, iss + 1, 1001);
            assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
        }

        @Test
        @DisplayName("data is delivered; the first segments are ACKed at once (quick-ACK mode)")
        void dataIsAcked() {
            t.send(seg(80, ACK | PSH, 1001, iss + 1, HELLO));
            t.recvOne(ACK, iss + 1, 1006);
            assertEquals(5, t.api.recv(c, buf, 0, 100, t.now()));
            assertArrayEquals(HELLO, java.util.Arrays.copyOf(buf, 5));
        }

        @Test
        @DisplayName("with TCP_QUICKACK off a lone segment's ACK waits tcp_delack_min (40 ms)")
        void delayedAck() {
            assertEquals(0, t.opts.setInt(c, IPPROTO_TCP, TCP_QUICKACK, 0, t.now()));
            t.send(seg(80, ACK | PSH, 1001, iss + 1, HELLO));
            t.recvNothing();
            t.advanceMs(39);
            t.recvNothing();
            t.advanceMs(1);
            t.recvOne(ACK, iss + 1, 1006);
        }
    }

    @Nested
    class PassiveClose {
        @Test
        @Seed({"F7"})
        @DisplayName("F7: a FIN in ESTABLISHED → CLOSE_WAIT, ACKed at once, read returns 0")
        void finToCloseWait() {
            t.send(seg(80, ACK | FIN, 1001, iss + 1));
            t.recvOne(ACK, iss + 1, 1002);
            assertEquals(TcpState.CLOSE_WAIT, t.engine.state(c));
            assertEquals(0, t.api.recv(c, buf, 0, 100, t.now()));
        }

        @Test
        @Seed({"F8", "F10", "F13", "T3"})
        @DisplayName("F8 F10 F13: CLOSE_WAIT still sends data; close() → LAST_ACK with FIN; its ACK → CLOSED")
        void closeWaitToClosed() {
            t.send(seg(80, ACK | FIN, 1001, iss + 1));
            t.recvOne(ACK, iss + 1, 1002);
            assertEquals(5, t.api.send(c, HELLO, 0, 5, t.now()));
            t.recvOne(ACK | PSH, iss + 1, 1002);
            assertEquals(0, t.api.close(c, t.now()));
            assertEquals(TcpState.LAST_ACK, t.engine.state(c));
            t.recvOne(ACK | FIN, iss + 6, 1002);
            t.send(seg(80, ACK, 1002, iss + 7));
            t.recvNothing();
            assertEquals(0, t.engine.socketsInUse() - 1, "only the listener is left");
            assertEquals(0, t.engine.establishedCount());
        }

        @Test
        @Seed({"F11"})
        @DisplayName("F11: a CLOSE_WAIT connection never closed is killed by keepalive when the peer is gone")
        void keepaliveKillsCloseWait() {
            assertEquals(0, t.opts.setInt(c, IPPROTO_TCP, TCP_KEEPIDLE, 10, t.now()));
            assertEquals(0, t.opts.setInt(c, IPPROTO_TCP, TCP_KEEPINTVL, 5, t.now()));
            assertEquals(0, t.opts.setInt(c, IPPROTO_TCP, TCP_KEEPCNT, 3, t.now()));
            assertEquals(0, t.opts.setInt(c, SOL_SOCKET, SO_KEEPALIVE, 1, t.now()));
            t.send(seg(80, ACK | FIN, 1001, iss + 1));
            t.recvOne(ACK, iss + 1, 1002);
            t.advanceMs(10_000);
            t.recvOne(ACK, iss, 1002); // probe: seq snd_una − 1
            t.advanceMs(5_000);
            t.recvOne(ACK, iss, 1002);
            t.advanceMs(5_000);
            t.recvOne(ACK, iss, 1002);
            t.advanceMs(5_000);
            t.recvOne(RST | ACK, iss + 1, 1002);
            assertEquals(TcpState.CLOSE, t.engine.state(c));
            assertEquals(-Errno.ETIMEDOUT, t.api.recv(c, buf, 0, 100, t.now()));
        }
    }

    @Nested
    class ActiveClose {
        @Test
        @Seed({"F4", "F6", "F9", "F12", "T2"})
        @DisplayName("F4 F6 F9 F12 T2: close() → FIN_WAIT1, FIN_WAIT2, TIME_WAIT; a resent FIN is ACKed again")
        void normalClose() {
            assertEquals(0, t.api.close(c, t.now()));
            t.recvOne(ACK | FIN, iss + 1, 1001);
            assertEquals(TcpState.FIN_WAIT1, t.engine.state(c));
            assertEquals(1, t.engine.orphanCount());
            t.send(seg(80, ACK, 1001, iss + 2));
            assertEquals(TcpState.FIN_WAIT2, t.engine.state(c));
            t.send(seg(80, ACK | FIN, 1001, iss + 2));
            t.recvOne(ACK, iss + 2, 1002);
            assertEquals(1, t.engine.timeWaitCount());
            assertEquals(0, t.engine.orphanCount());
            // T2: the last ACK was lost, the FIN comes again: the record ACKs it again.
            t.send(seg(80, ACK | FIN, 1001, iss + 2));
            t.recvOne(ACK, iss + 2, 1002);
            t.advanceMs(59_999);
            assertEquals(1, t.engine.timeWaitCount(), "T2 restarted the 2MSL wait");
            t.advanceMs(1);
            assertEquals(0, t.engine.timeWaitCount());
            assertEquals(1, t.engine.socketsInUse(), "only the listener is left");
            assertEquals(0, t.engine.timersPending());
        }

        @Test
        @Seed({"F9"})
        @DisplayName("F9: an orphan in FIN_WAIT2 is closed after tcp_fin_timeout")
        void finWait2Timeout() {
            t.api.close(c, t.now());
            t.recvOne(ACK | FIN, iss + 1, 1001);
            t.send(seg(80, ACK, 1001, iss + 2));
            t.advanceMs(59_999);
            assertEquals(TcpState.FIN_WAIT2, t.engine.state(c));
            t.advanceMs(1);
            assertEquals(1, t.engine.socketsInUse());
            t.recvNothing();
        }

        @Test
        @Seed({"F9"})
        @DisplayName("F9: TCP_LINGER2 < 0 closes an orphan at once with a RST on entering FIN_WAIT2")
        void negativeLinger2() {
            assertEquals(0, t.opts.setInt(c, IPPROTO_TCP, TCP_LINGER2, -1, t.now()));
            t.api.close(c, t.now());
            t.recvOne(ACK | FIN, iss + 1, 1001);
            t.send(seg(80, ACK, 1001, iss + 2));
            t.recvOne(RST | ACK, iss + 2, 1001);
            assertEquals(1, t.engine.socketsInUse());
        }

        @Test
        @Seed({"F14"})
        @DisplayName("F14: simultaneous close: a FIN in FIN_WAIT1 → CLOSING; the ACK of our FIN → TIME_WAIT")
        void simultaneousClose() {
            t.api.close(c, t.now());
            t.recvOne(ACK | FIN, iss + 1, 1001);
            t.send(seg(80, ACK | FIN, 1001, iss + 1));
            t.recvOne(ACK, iss + 2, 1002);
            assertEquals(TcpState.CLOSING, t.engine.state(c));
            t.send(seg(80, ACK, 1002, iss + 2));
            assertEquals(1, t.engine.timeWaitCount());
        }

        @Test
        @Seed({"F8"})
        @DisplayName("F8: after close(), new data from the peer in FIN_WAIT2 is answered with a RST")
        void dataAfterClose() {
            t.api.close(c, t.now());
            t.recvOne(ACK | FIN, iss + 1, 1001);
            t.send(seg(80, ACK, 1001, iss + 2));
            t.send(seg(80, ACK | PSH, 1001, iss + 2, HELLO));
            t.recvOne(RST, iss + 2, 0); // tcp_v4_send_reset() from the segment: seq = its ACK, no ACK bit
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPAbortOnData));
        }

        @Test
        @Seed({"F8"})
        @DisplayName("F8: after shutdown(SHUT_WR) data from the peer is received and ACKed as usual")
        void dataAfterShutdown() {
            assertEquals(0, t.api.shutdown(c, SHUT_WR, t.now()));
            t.recvOne(ACK | FIN, iss + 1, 1001);
            t.send(seg(80, ACK, 1001, iss + 2));
            t.send(seg(80, ACK | PSH, 1001, iss + 2, HELLO));
            t.advanceMs(40);
            t.recvOne(ACK, iss + 2, 1006);
            assertEquals(5, t.api.recv(c, buf, 0, 100, t.now()));
            assertEquals(-Errno.EPIPE, t.api.send(c, HELLO, 0, 5, t.now()));
        }

        @Test
        @Seed({"F3"})
        @DisplayName("F3: close() with unread data sends a RST and frees at once")
        void unreadData() {
            t.send(seg(80, ACK | PSH, 1001, iss + 1, HELLO));
            t.advanceMs(40);
            t.recv();
            t.api.close(c, t.now());
            t.recvOne(RST | ACK, iss + 1, 1006);
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPAbortOnClose));
            assertEquals(1, t.engine.socketsInUse());
        }

        @Test
        @Seed({"R4"})
        @DisplayName("R4: SO_LINGER on with time 0: close() sends a RST and drops the send queue")
        void lingerZero() {
            t.opts.setLinger(c, true, 0);
            t.api.close(c, t.now());
            t.recvOne(RST | ACK, iss + 1, 1001);
            assertEquals(1, t.engine.socketsInUse());
        }

        @Test
        @Seed({"F5"})
        @DisplayName("F5: SO_LINGER with a time: nothing acknowledged by then → RST")
        void lingerTimeout() {
            t.opts.setLinger(c, true, 2);
            t.api.close(c, t.now());
            t.recvOne(ACK | FIN, iss + 1, 1001);
            t.advanceMs(1999);
            t.recv(); // the FIN's retransmission
            t.advanceMs(1);
            List<TcpSegment> got = t.recv();
            assertEquals(RST | ACK, got.getLast().flags());
            assertEquals(1, t.engine.socketsInUse());
        }

        @Test
        @Seed({"F1"})
        @DisplayName("F1: close() on a socket with two handles only drops a reference; shutdown() acts at once")
        void references() {
            t.api.dup(c);
            t.api.close(c, t.now());
            t.recvNothing();
            assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
            t.api.shutdown(c, SHUT_WR, t.now());
            t.recvOne(ACK | FIN, iss + 1, 1001);
        }

        @Test
        @Seed({"F1"})
        @DisplayName("F1: after the last close() the descriptor is gone (EBADF) while the orphan finishes; "
                + "closing it again counts no second orphan")
        void closedDescriptorIsGone() {
            assertEquals(0, t.api.close(c, t.now()));
            t.recvOne(ACK | FIN, iss + 1, 1001);
            assertEquals(1, t.engine.orphanCount());
            assertEquals(-Errno.EBADF, t.api.close(c, t.now()));
            assertEquals(-Errno.EBADF, t.api.send(c, HELLO, 0, 5, t.now()));
            assertEquals(-Errno.EBADF, t.api.dup(c));
            t.recvNothing();
            assertEquals(1, t.engine.orphanCount(), "one connection, one orphan");
            assertEquals(TcpState.FIN_WAIT1, t.engine.state(c), "the protocol still finishes the close");
            t.send(seg(80, ACK | FIN, 1001, iss + 2));
            t.recvOne(ACK, iss + 2, 1002);
            assertEquals(0, t.engine.orphanCount(), "TIME_WAIT holds no orphan");
        }

        @Test
        @Seed({"F1"})
        @DisplayName("F1: a child not yet accept()ed has no descriptor: close() on its id is EBADF, the queue keeps it")
        void unacceptedChildHasNoDescriptor() {
            int port = 50001; // a second client beside the fixture's connection
            t.send(TcpSegment.of(port, 80, 5000, 0, SYN, 65535, List.of(new dev.fastpath.wire.TcpOption.Mss(1460)),
                    new byte[0]));
            TcpSegment synAck = t.recvFlags(SYN | ACK);
            t.send(TcpSegment.of(port, 80, 5001, synAck.seq() + 1, ACK, 65535, List.of(), new byte[0]));
            t.recvNothing();
            int before = t.engine.socketsInUse();
            int child = -1;
            for (int id = 0; id < 64; id++) {
                if (id != c && id != lc.listener() && t.engine.sock(id) != null) {
                    child = id;
                }
            }
            assertTrue(child >= 0, "the child exists in the engine");
            assertEquals(-Errno.EBADF, t.api.close(child, t.now()));
            assertEquals(0, t.engine.orphanCount());
            assertEquals(before, t.engine.socketsInUse());
            assertEquals(child, t.api.accept(lc.listener()), "accept() still hands it out");
        }

        @Test
        @Seed({"F6", "R5"})
        @DisplayName("F6 R5: beyond tcp_max_orphans a closing connection is reset")
        void orphanLimit() {
            EngineFixture small = new EngineFixture(Config.defaults().withOverrides(
                    List.of("tcp.timestamps=0", "tcp.max_orphans=0")));
            EngineFixture.Accepted x = small.established(1000);
            small.api.close(x.child(), small.now());
            List<TcpSegment> got = small.recv();
            assertEquals(RST | ACK, got.getLast().flags());
            assertEquals(1, small.engine.counters().get(TcpStat.TcpExtTCPAbortOnMemory));
        }

        @Test
        @Seed({"R1"})
        @DisplayName("R1: data retransmissions run out after tcp_retries2 → ETIMEDOUT, nothing more is sent")
        void retransmissionsRunOut() {
            EngineFixture few = new EngineFixture(Config.defaults().withOverrides(
                    List.of("tcp.timestamps=0", "tcp.retries2=2")));
            EngineFixture.Accepted x = few.established(1000);
            long rto = few.opts.tcpInfo(x.child()).rto() / 1000;
            few.api.send(x.child(), HELLO, 0, 5, few.now());
            few.recvFlags(ACK | PSH);
            few.advanceMs(rto);
            few.recvFlags(ACK | PSH);
            few.advanceMs(2 * rto);
            few.recvFlags(ACK | PSH);
            few.advanceMs(4 * rto - 1);
            assertEquals(TcpState.ESTABLISHED, few.engine.state(x.child()));
            few.advanceMs(1);
            few.recvNothing();
            assertEquals(TcpState.CLOSE, few.engine.state(x.child()));
            assertEquals(List.of(x.child() + ":" + Errno.ETIMEDOUT), few.closed);
        }

        @Test
        @Seed({"F2"})
        @DisplayName("F2: closing a listener resets the connections still in its accept queue")
        void listenerClose() {
            EngineFixture s = new EngineFixture();
            int l = s.listener(80, 16);
            s.send(seg(80, SYN, 5000, 0));
            TcpSegment sa = s.recvFlags(SYN | ACK);
            s.send(seg(80, ACK, 5001, sa.seq() + 1));
            s.api.close(l, s.now());
            s.recvOne(RST | ACK, sa.seq() + 1, 5001);
            assertEquals(0, s.engine.socketsInUse());
            s.send(seg(80, SYN, 7000, 0));
            s.recvOne(RST | ACK, 0, 7001);
        }
    }

    @Nested
    class TimeWait {
        @Test
        @Seed({"T1"})
        @DisplayName("T1: a newer SYN for a 4-tuple in TIME_WAIT ends the wait and starts a new connection")
        void newerSynReopens() {
            t.api.close(c, t.now());
            t.recvOne(ACK | FIN, iss + 1, 1001);
            t.send(seg(80, ACK | FIN, 1001, iss + 2));
            t.recvOne(ACK, iss + 2, 1002);
            assertEquals(1, t.engine.timeWaitCount());
            t.send(seg(80, SYN, 1_000_000, 0));
            TcpSegment sa = t.recvFlags(SYN | ACK);
            assertEquals(1_000_001, sa.ack());
            assertEquals(iss + 2 + 65535 + 2, sa.seq(), "Linux: the new ISN is past the old connection's");
            assertEquals(0, t.engine.timeWaitCount());
        }

        @Test
        @Seed({"T1"})
        @DisplayName("T1: an old duplicate SYN for a 4-tuple in TIME_WAIT gets an ACK, not a new connection")
        void oldSynIgnored() {
            t.api.close(c, t.now());
            t.recvOne(ACK | FIN, iss + 1, 1001);
            t.send(seg(80, ACK | FIN, 1001, iss + 2));
            t.recvOne(ACK, iss + 2, 1002);
            t.send(seg(80, SYN, 500, 0));
            t.recvOne(ACK, iss + 2, 1002);
            assertEquals(1, t.engine.timeWaitCount());
            assertTrue(t.engine.counters().get(TcpStat.TcpExtTWRecycled) == 0);
        }
    }
}
