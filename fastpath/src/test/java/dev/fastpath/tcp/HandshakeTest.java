package dev.fastpath.tcp;

import static dev.fastpath.tcp.EngineFixture.seg;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.FIN;
import static dev.fastpath.wire.TcpHeader.PSH;
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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HandshakeTest {
    private static final byte[] NONE = new byte[0];

    @Nested
    class Listen {
        final EngineFixture t = new EngineFixture(Config.defaults());

        @Test
        @Seed({"H5", "H9"})
        @DisplayName("H5 H9: a SYN to a listener gets a SYN-ACK acking ISN+1 whose options mirror the SYN's")
        void synGetsSynAck() {
            t.listener(80, 16);
            t.send(seg(80, SYN, 1000, 0, NONE, new TcpOption.Mss(1400), new TcpOption.SackPermitted(),
                    new TcpOption.Timestamps(7, 0), new TcpOption.Nop(), new TcpOption.WindowScale(7)));
            TcpSegment sa = t.recvFlags(SYN | ACK);
            assertEquals(1001, sa.ack());
            assertEquals(List.of(new TcpOption.Mss(1460), new TcpOption.SackPermitted(),
                    new TcpOption.Timestamps(((TcpOption.Timestamps) sa.options().get(2)).tsVal(), 7),
                    new TcpOption.Nop(), new TcpOption.WindowScale(10)), sa.options());
            assertEquals(65160, sa.window()); // tcp_openreq_init_rwin(): 45 × (1460 − 12), timestamps on
        }

        @Test
        @Seed({"H9"})
        @DisplayName("H9: without options in the SYN the SYN-ACK carries only the MSS")
        void bareSynBareSynAck() {
            t.listener(80, 16);
            t.send(seg(80, SYN, 1000, 0));
            TcpSegment sa = t.recvFlags(SYN | ACK);
            assertEquals(List.of(new TcpOption.Mss(1460)), sa.options());
            assertEquals(64240, sa.window(), "no timestamps: whole 1460-byte segments");
        }

        @Test
        @Seed({"H10"})
        @DisplayName("H10: the SYN-ACK is retransmitted after 1, 2, 4, 8, 16 s and the request dropped after "
                + "tcp_synack_retries")
        void synAckRetransmission() {
            t.listener(80, 16);
            t.send(seg(80, SYN, 1000, 0));
            TcpSegment first = t.recvFlags(SYN | ACK);
            long[] waits = {1000, 2000, 4000, 8000, 16000};
            for (long w : waits) {
                t.advanceMs(w - 1);
                t.recvNothing();
                t.advanceMs(1);
                t.recvOne(SYN | ACK, first.seq(), 1001);
            }
            t.advanceMs(32000);
            t.recvNothing();
            // W3: the server gave up, so the client's late ACK meets no request: RST.
            t.send(seg(80, ACK, 1001, first.seq() + 1));
            t.recvOne(RST, first.seq() + 1, 0);
        }

        @Test
        @Seed({"H6", "H7"})
        @DisplayName("H6 H7: a retransmitted SYN for a pending request gets the same SYN-ACK again")
        void retransmittedSyn() {
            t.listener(80, 16);
            t.send(seg(80, SYN, 1000, 0));
            TcpSegment sa = t.recvFlags(SYN | ACK);
            t.send(seg(80, SYN, 1000, 0));
            t.recvOne(SYN | ACK, sa.seq(), 1001);
        }

        @Test
        @Seed({"H12"})
        @DisplayName("H12: the third ACK creates an ESTABLISHED child that accept() hands out")
        void thirdAckCreatesChild() {
            EngineFixture.Accepted lc = t.established(5000);
            assertEquals(TcpState.SS_CONNECTED, t.engine.socketState(lc.child()));
            assertEquals(-Errno.EAGAIN, t.api.accept(lc.listener()));
            assertEquals(1, t.engine.counters().get(TcpStat.TcpPassiveOpens));
        }

        @Test
        @Seed({"H12"})
        @DisplayName("H12: an ACK for another ISN gets a RST and creates nothing")
        void wrongAckGetsRst() {
            int l = t.listener(80, 16);
            t.send(seg(80, SYN, 1000, 0));
            TcpSegment sa = t.recvFlags(SYN | ACK);
            t.send(seg(80, ACK, 1001, sa.seq() + 77));
            t.recvOne(RST, sa.seq() + 77, 0);
            assertEquals(-Errno.EAGAIN, t.api.accept(l));
        }
    }

    @Nested
    class Queues {
        @Test
        @Seed({"H8"})
        @DisplayName("H8: SYN queue full without syncookies drops the SYN")
        void synQueueFullDrops() {
            EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.syncookies=0")));
            t.listener(80, 2);
            for (int i = 0; i < 3; i++) { // qlen > backlog is full: a backlog of 2 holds three requests
                t.send(TcpSegment.of(40000 + i, 80, 1000, 0, SYN, 65535, List.of(), NONE));
                t.recvFlags(SYN | ACK);
            }
            t.send(TcpSegment.of(40009, 80, 1000, 0, SYN, 65535, List.of(), NONE));
            t.recvNothing();
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtListenDrops));
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPReqQFullDrop));
        }

        @Test
        @Seed({"H12"})
        @DisplayName("H12: accept queue full drops the third ACK; the request stays and the SYN-ACK timer retries")
        void acceptQueueFullDropsAck() {
            EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0")));
            int l = t.listener(80, 1);
            t.send(TcpSegment.of(40001, 80, 1000, 0, SYN, 65535, List.of(), NONE));
            TcpSegment sa = t.recvFlags(SYN | ACK);
            completeFrom(t, 39999);
            completeFrom(t, 40000); // Linux lets backlog + 1 children wait: the queue is now full
            t.send(TcpSegment.of(40001, 80, 1001, sa.seq() + 1, ACK, 65535, List.of(), NONE));
            t.recvNothing();
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtListenOverflows));
            assertTrue(t.api.accept(l) >= 0);
            t.advanceMs(1000);
            t.recvOne(SYN | ACK, sa.seq(), 1001);
            t.send(TcpSegment.of(40001, 80, 1001, sa.seq() + 1, ACK, 65535, List.of(), NONE));
            assertTrue(t.api.accept(l) >= 0);
        }

        @Test
        @Seed({"H8"})
        @DisplayName("H8: a SYN to a listener whose accept queue is full is dropped (sk_acceptq_is_full, Linux 6.x)")
        void acceptQueueFullDropsSyn() {
            EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0")));
            int l = t.listener(80, 1);
            completeFrom(t, 39999);
            completeFrom(t, 40000);
            t.send(TcpSegment.of(40001, 80, 1000, 0, SYN, 65535, List.of(), NONE));
            t.recvNothing();
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtListenOverflows));
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtListenDrops));
            assertTrue(t.api.accept(l) >= 0);
            t.send(TcpSegment.of(40001, 80, 1000, 0, SYN, 65535, List.of(), NONE));
            t.recvFlags(SYN | ACK); // room again: the retransmitted SYN is answered
        }

        @Test
        @Seed({"H12"})
        @DisplayName("H12: with tcp_abort_on_overflow a full accept queue answers the third ACK with a RST")
        void abortOnOverflow() {
            EngineFixture t = new EngineFixture(Config.defaults().withOverrides(
                    List.of("tcp.timestamps=0", "tcp.abort_on_overflow=1")));
            t.listener(80, 1);
            t.send(TcpSegment.of(40001, 80, 1000, 0, SYN, 65535, List.of(), NONE));
            TcpSegment sa = t.recvFlags(SYN | ACK);
            completeFrom(t, 39999);
            completeFrom(t, 40000);
            t.send(TcpSegment.of(40001, 80, 1001, sa.seq() + 1, ACK, 65535, List.of(), NONE));
            t.recvOne(RST, sa.seq() + 1, 0);
        }

        private void completeFrom(EngineFixture t, int port) {
            t.send(TcpSegment.of(port, 80, 1000, 0, SYN, 65535, List.of(), NONE));
            TcpSegment sa = t.recvFlags(SYN | ACK);
            t.send(TcpSegment.of(port, 80, 1001, sa.seq() + 1, ACK, 65535, List.of(), NONE));
            t.recvNothing();
        }
    }

    @Nested
    class Connect {
        final EngineFixture t = new EngineFixture();

        @Test
        @Seed({"H1", "H3"})
        @DisplayName("H1 H3: connect() sends one SYN at once, states SYN_SENT / SS_CONNECTING; "
                + "a second connect() is EALREADY")
        void connectSendsSyn() {
            int c = t.api.socket();
            assertEquals(-Errno.EINPROGRESS, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
            TcpSegment syn = t.recvFlags(SYN);
            assertEquals(List.of(new TcpOption.Mss(1460), new TcpOption.Nop(), new TcpOption.Nop(),
                    new TcpOption.SackPermitted(), new TcpOption.Nop(), new TcpOption.WindowScale(10)), syn.options());
            assertEquals(TcpState.SYN_SENT, t.engine.state(c));
            assertEquals(TcpState.SS_CONNECTING, t.engine.socketState(c));
            assertEquals(-Errno.EALREADY, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
            assertTrue(syn.sourcePort() >= 32768 && syn.sourcePort() <= 60999, "H2 ephemeral port " + syn);
        }

        @Test
        @Seed({"H4", "R1"})
        @DisplayName("H4 R1: the SYN is retransmitted after 1, 2, 4, 8, 16, 32 s, then connect fails with ETIMEDOUT")
        void synRetransmission() {
            int c = t.api.socket();
            t.api.connect(c, EngineFixture.PEER_IP, 80, t.now());
            TcpSegment syn = t.recvFlags(SYN);
            for (long w : new long[] {1000, 2000, 4000, 8000, 16000, 32000}) {
                t.advanceMs(w - 1);
                t.recvNothing();
                t.advanceMs(1);
                t.recvOne(SYN, syn.seq(), 0);
            }
            t.advanceMs(64000);
            t.recvNothing();
            assertEquals(TcpState.CLOSE, t.engine.state(c));
            assertEquals(List.of(c + ":" + Errno.ETIMEDOUT), t.closed);
        }

        @Test
        @Seed({"H11"})
        @DisplayName("H11: a SYN-ACK completes the connection: ESTABLISHED, SS_CONNECTED, the ACK goes out")
        void synAckCompletes() {
            EngineFixture.Connected c = t.connected(9000);
            assertEquals(TcpState.SS_CONNECTED, t.engine.socketState(c.id()));
            assertEquals(-Errno.EISCONN, t.api.connect(c.id(), EngineFixture.PEER_IP, 80, t.now()));
        }

        @Test
        @Seed({"H2"})
        @DisplayName("H2: with a flow filter (a worker's RSS share) connect() only takes 4-tuples it accepts; "
                + "none left → EADDRNOTAVAIL")
        void flowFilterSteersPortChoice() {
            t.engine.flowFilter((local, remote, localPort, remotePort) -> localPort % 7 == 3);
            for (int i = 0; i < 20; i++) {
                int c = t.api.socket();
                assertEquals(-Errno.EINPROGRESS, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
                assertEquals(3, t.recvFlags(SYN).sourcePort() % 7);
            }
            t.engine.flowFilter((local, remote, localPort, remotePort) -> false);
            assertEquals(-Errno.EADDRNOTAVAIL, t.api.connect(t.api.socket(), EngineFixture.PEER_IP, 80, t.now()));
        }

        @Test
        @DisplayName("TCP Fast Open client: a cookie request, the cookie cached, then connect() defers the SYN "
                + "carrying it to the first write (RFC 7413)")
        void fastOpenClient() {
            SocketOptions o = t.opts;
            int c = t.api.socket();
            assertEquals(0, o.setInt(c, dev.fastpath.uapi.SocketConstants.IPPROTO_TCP,
                    dev.fastpath.uapi.SocketConstants.TCP_FASTOPEN_CONNECT, 1, t.now()));
            assertEquals(-Errno.EINPROGRESS, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
            TcpSegment syn = t.recvFlags(SYN);
            TcpOption request = new TcpOption.Unknown(dev.fastpath.wire.TcpOptions.KIND_FASTOPEN, new byte[0]);
            assertTrue(syn.options().contains(request), syn.toString());
            TcpOption cookie = new TcpOption.Unknown(dev.fastpath.wire.TcpOptions.KIND_FASTOPEN,
                    new byte[] {(byte) 0xab, (byte) 0xcd, 0x12, 0x34});
            t.sendFromServer(syn, SYN | ACK, 9000, syn.seq() + 1, new TcpOption.Mss(1460), cookie);
            t.recvOne(ACK, syn.seq() + 1, 9001);
            int d = t.api.socket();
            o.setInt(d, dev.fastpath.uapi.SocketConstants.IPPROTO_TCP,
                    dev.fastpath.uapi.SocketConstants.TCP_FASTOPEN_CONNECT, 1, t.now());
            assertEquals(0, t.api.connect(d, EngineFixture.PEER_IP, 80, t.now()), "deferred: a cookie is cached");
            t.recvNothing();
            assertEquals(1, t.api.send(d, new byte[] {1}, 0, 1, t.now()), "the byte rides in the SYN");
            TcpSegment syn2 = t.recvFlags(SYN);
            assertTrue(syn2.options().contains(cookie), syn2.toString());
            assertEquals(1, syn2.payload().length, syn2.toString());
        }

        @Test
        @DisplayName("simultaneous open: a SYN in SYN_SENT → SYN_RECV and a SYN-ACK; the peer's SYN-ACK "
                + "completes it and is ACKed")
        void simultaneousOpen() {
            int c = t.api.socket();
            t.api.connect(c, EngineFixture.PEER_IP, 80, t.now());
            TcpSegment syn = t.recvFlags(SYN);
            t.sendFromServer(syn, SYN, 7000, 0, new TcpOption.Mss(1200));
            TcpSegment synAck = t.recvOne(SYN | ACK, syn.seq(), 7001);
            assertEquals(TcpState.SYN_RECV, t.engine.state(c));
            assertEquals(-Errno.EAGAIN, t.api.send(c, new byte[1], 0, 1, t.now()));
            assertTrue(synAck.options().contains(new TcpOption.Mss(1460)), synAck.toString());
            t.sendFromServer(syn, SYN | ACK, 7000, syn.seq() + 1, new TcpOption.Mss(1200));
            t.recvOne(ACK, syn.seq() + 1, 7001);
            assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
            assertEquals(TcpState.SS_CONNECTED, t.engine.socketState(c));
            assertEquals(1, t.api.send(c, new byte[] {42}, 0, 1, t.now()));
            t.recvOne(ACK | PSH, syn.seq() + 1, 7001);
        }

        @Test
        @DisplayName("simultaneous open: the SYN-ACK is retransmitted on timeout; a plain ACK completes it")
        void simultaneousOpenPlainAck() {
            int c = t.api.socket();
            t.api.connect(c, EngineFixture.PEER_IP, 80, t.now());
            TcpSegment syn = t.recvFlags(SYN);
            t.sendFromServer(syn, SYN, 7000, 0);
            t.recvOne(SYN | ACK, syn.seq(), 7001);
            t.advanceMs(1000);
            t.recvOne(SYN | ACK, syn.seq(), 7001);
            t.sendFromServer(syn, ACK, 7001, syn.seq() + 1);
            t.recvNothing();
            assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
        }

        @Test
        @DisplayName("simultaneous open closed in SYN_RECV: FIN_WAIT1 sends its FIN after the SYN and keeps "
                + "retransmitting the SYN-ACK until the peer ACKs it; nothing is left afterwards (tcp_close_state())")
        void simultaneousOpenClosedInSynRecv() {
            int c = t.api.socket();
            t.api.connect(c, EngineFixture.PEER_IP, 80, t.now());
            TcpSegment syn = t.recvFlags(SYN);
            t.sendFromServer(syn, SYN, 7000, 0);
            t.recvOne(SYN | ACK, syn.seq(), 7001);
            assertEquals(0, t.api.close(c, t.now()));
            t.recvOne(FIN | ACK, syn.seq() + 1, 7001);
            assertEquals(TcpState.FIN_WAIT1, t.engine.sock(c).state);
            t.advanceMs(1000);
            t.recvOne(SYN | ACK, syn.seq(), 7001);
            t.sendFromServer(syn, ACK, 7001, syn.seq() + 2);
            t.recvNothing();
            assertEquals(TcpState.FIN_WAIT2, t.engine.sock(c).state);
            t.advanceMs(61_000); // tcp_fin_timeout
            assertEquals(0, t.engine.socketsInUse());
            assertEquals(0, t.engine.orphanCount());
            assertEquals(0, t.engine.timersPending());
        }

        @Test
        @Seed({"H11"})
        @DisplayName("H11: a SYN-ACK that does not acknowledge our SYN gets a RST; the connection keeps waiting")
        void badSynAckGetsRst() {
            int c = t.api.socket();
            t.api.connect(c, EngineFixture.PEER_IP, 80, t.now());
            TcpSegment syn = t.recvFlags(SYN);
            t.sendFromServer(syn, SYN | ACK, 9000, syn.seq() + 5);
            t.recvOne(RST, syn.seq() + 5, 0);
            assertEquals(TcpState.SYN_SENT, t.engine.state(c));
        }

        @Test
        @DisplayName("a RST with an acceptable ACK refuses the connection (ECONNREFUSED)")
        void refused() {
            int c = t.api.socket();
            t.api.connect(c, EngineFixture.PEER_IP, 80, t.now());
            TcpSegment syn = t.recvFlags(SYN);
            t.sendFromServer(syn, RST | ACK, 0, syn.seq() + 1);
            assertEquals(TcpState.CLOSE, t.engine.state(c));
            assertEquals(List.of(c + ":" + Errno.ECONNREFUSED), t.closed);
        }

        @Test
        @Seed({"H2"})
        @DisplayName("H2: with every port of ip_local_port_range taken, connect fails with EADDRNOTAVAIL")
        void portsExhausted() {
            EngineFixture small = new EngineFixture(Config.defaults().withOverrides(
                    List.of("net.ipv4.ip_local_port_range=40000 40001")));
            for (int i = 0; i < 2; i++) {
                assertEquals(-Errno.EINPROGRESS, small.api.connect(small.api.socket(), EngineFixture.PEER_IP, 80,
                        small.now()));
            }
            assertEquals(-Errno.EADDRNOTAVAIL, small.api.connect(small.api.socket(), EngineFixture.PEER_IP, 80,
                    small.now()));
            assertEquals("Cannot assign requested address", Errno.message(Errno.EADDRNOTAVAIL));
        }

        @Test
        @Seed({"W2"})
        @DisplayName("W2: a late duplicate SYN-ACK after the handshake changes nothing (it earns a duplicate ACK)")
        void lateSynAck() {
            EngineFixture.Connected c = t.connected(9000);
            t.send(TcpSegment.of(80, localPort(c.id()), 9000, c.iss() + 1, SYN | ACK, 65535, List.of(), NONE));
            t.recvOne(ACK, c.iss() + 1, 9001);
            assertEquals(TcpState.ESTABLISHED, t.engine.state(c.id()));
        }

        private int localPort(int id) {
            return t.engine.sock(id).localPort;
        }
    }

    @Nested
    class NoConnection {
        final EngineFixture t = new EngineFixture();

        @Test
        @Seed({"R3"})
        @DisplayName("R3: a SYN to a closed port gets RST|ACK acking it")
        void closedPort() {
            t.send(seg(81, SYN, 1000, 0));
            t.recvOne(RST | ACK, 0, 1001);
        }

        @Test
        @Seed({"W1"})
        @DisplayName("W1: a SYN-ACK for no connection (an old duplicate) gets a RST taken from its ACK")
        void strayAck() {
            t.send(seg(81, SYN | ACK, 1000, 777));
            t.recvOne(RST, 777, 0);
            t.send(seg(81, RST, 1000, 0));
            t.recvNothing();
        }
    }
}
