package dev.fastpath.tcp;

import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.wire.TcpSegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * ICMP errors for our connections (RFC 1122 §4.2.3.9, RFC 1191, Linux tcp_v4_err()), scripted on the
 * in-memory link: the test plays a router reporting on a segment the engine sent.
 */
class TcpIcmpTest {
    private static final int UNREACH = 3;
    private static final int PORT_UNREACH = 3;
    private static final int FRAG_NEEDED = 4;
    private static final int TIME_EXCEEDED = 11;

    final EngineFixture t = new EngineFixture();

    private int err(int type, int code, int info, int localPort, int seq) {
        return t.engine.tcpV4Err(type, code, info, EngineFixture.LOCAL_IP, EngineFixture.PEER_IP, localPort, 80, seq,
                t.now());
    }

    @Nested
    class SynQueue {
        @Test
        @DisplayName("host unreachable quoting our SYN-ACK drops the request silently (tcp_req_err); a wrong "
                + "sequence number or a soft error leaves it")
        void requestDroppedOnHardError() {
            t.listener(80, 8);
            t.send(EngineFixture.seg(80, SYN, 1000, 0, new byte[0], new dev.fastpath.wire.TcpOption.Mss(1460)));
            TcpSegment synAck = t.recvFlags(SYN | dev.fastpath.wire.TcpHeader.ACK);
            int local = 80;
            assertEquals(TcpIcmp.OUT_OF_WINDOW, t.engine.tcpV4Err(UNREACH, 1, 0, EngineFixture.LOCAL_IP,
                    EngineFixture.PEER_IP, local, EngineFixture.PEER_PORT, synAck.seq() + 5, t.now()));
            assertEquals(TcpIcmp.IGNORED, t.engine.tcpV4Err(UNREACH, PORT_UNREACH, 0, EngineFixture.LOCAL_IP,
                    EngineFixture.PEER_IP, local, EngineFixture.PEER_PORT, synAck.seq(), t.now()));
            assertEquals(TcpIcmp.ABORTED, t.engine.tcpV4Err(UNREACH, 1, 0, EngineFixture.LOCAL_IP,
                    EngineFixture.PEER_IP, local, EngineFixture.PEER_PORT, synAck.seq(), t.now()));
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtListenDrops));
            t.advanceMs(2000);
            t.recvNothing(); // no SYN-ACK retransmission: the request is gone
        }
    }

    @Nested
    class SynSent {
        int id;
        TcpSegment syn;

        void connect() {
            id = t.api.socket();
            assertEquals(-Errno.EINPROGRESS, t.api.connect(id, EngineFixture.PEER_IP, 80, t.now()));
            syn = t.recvFlags(SYN);
        }

        @Test
        @DisplayName("port unreachable quoting our SYN is a hard error: connect() fails with ECONNREFUSED")
        void portUnreachableAbortsConnect() {
            connect();
            assertEquals(TcpIcmp.ABORTED, err(UNREACH, PORT_UNREACH, 0, syn.sourcePort(), syn.seq()));
            assertEquals(TcpState.CLOSE, t.engine.state(id));
            assertEquals(List.of(id + ":" + Errno.ECONNREFUSED), t.closed);
            assertEquals(1, t.engine.counters().get(TcpStat.TcpAttemptFails));
            t.advanceMs(3000);
            t.recvNothing(); // no SYN retransmission after the abort
        }

        @Test
        @DisplayName("time exceeded in SYN_SENT aborts with EHOSTUNREACH")
        void timeExceededAbortsConnect() {
            connect();
            assertEquals(TcpIcmp.ABORTED, err(TIME_EXCEEDED, 0, 0, syn.sourcePort(), syn.seq()));
            assertEquals(List.of(id + ":" + Errno.EHOSTUNREACH), t.closed);
        }

        @Test
        @DisplayName("a quoted sequence number outside snd_una..snd_nxt is ignored and counted")
        void outOfWindowIgnored() {
            connect();
            assertEquals(TcpIcmp.OUT_OF_WINDOW, err(UNREACH, PORT_UNREACH, 0, syn.sourcePort(), syn.seq() + 100));
            assertEquals(TcpState.SYN_SENT, t.engine.state(id));
            assertEquals(1, t.engine.counters().get(TcpStat.TcpExtOutOfWindowIcmps));
            assertEquals(List.of(), t.closed);
        }

        @Test
        @DisplayName("codes above NR_ICMP_UNREACH and other types (redirect, source quench) are ignored")
        void unknownCodesIgnored() {
            connect();
            assertEquals(TcpIcmp.IGNORED, err(UNREACH, 16, 0, syn.sourcePort(), syn.seq()));
            assertEquals(TcpIcmp.IGNORED, err(4, 0, 0, syn.sourcePort(), syn.seq()));
            assertEquals(TcpIcmp.IGNORED, err(5, 1, 0, syn.sourcePort(), syn.seq()));
            assertEquals(TcpState.SYN_SENT, t.engine.state(id));
        }
    }

    @Nested
    class Established {
        @Test
        @DisplayName("RFC 1122 4.2.3.9: port unreachable on an established connection is only a soft error")
        void softErrorWhenConnected() {
            EngineFixture.Connected c = t.connected(9000);
            int port = t.engine.sock(c.id()).localPort;
            assertEquals(TcpIcmp.SOFT_ERROR, err(UNREACH, PORT_UNREACH, 0, port, c.iss() + 1));
            assertEquals(TcpState.ESTABLISHED, t.engine.state(c.id()));
            assertEquals(Errno.ECONNREFUSED, t.engine.sock(c.id()).softError);
            assertEquals(0, t.engine.sock(c.id()).error);
            assertEquals(List.of(), t.closed);
        }

        @Test
        @DisplayName("RFC 1191: fragmentation needed lowers the MSS and resends the segments in flight at the new size")
        void fragNeededLowersMss() {
            EngineFixture.Connected c = t.connected(9000);
            int port = t.engine.sock(c.id()).localPort;
            assertEquals(3000, t.api.send(c.id(), new byte[3000], 0, 3000, t.now()));
            List<TcpSegment> first = t.recv();
            assertEquals(1460, first.getFirst().payload().length, first.toString());
            assertEquals(TcpIcmp.MTU_REDUCED, err(UNREACH, FRAG_NEEDED, 1000, port, c.iss() + 1));
            assertEquals(960, t.engine.sock(c.id()).mss);
            List<TcpSegment> again = t.recv(); // tcp_simple_retransmit(): every too-big segment, at the new size
            assertEquals(c.iss() + 1, again.getFirst().seq());
            assertEquals(960, again.getFirst().payload().length);
            assertTrue(again.stream().allMatch(x -> x.payload().length <= 960), again.toString());
            assertEquals(TcpIcmp.MTU_UNCHANGED, err(UNREACH, FRAG_NEEDED, 1400, port, c.iss() + 1));
            assertEquals(960, t.engine.sock(c.id()).mss);
            assertEquals(TcpState.ESTABLISHED, t.engine.state(c.id()));
        }

        @Test
        @DisplayName("a next-hop MTU below 552 (or 0, from an old router) is raised to 552; soft error EMSGSIZE")
        void tinyMtuClampedToMinimum() {
            EngineFixture.Connected c = t.connected(9000);
            int port = t.engine.sock(c.id()).localPort;
            assertEquals(TcpIcmp.MTU_REDUCED, err(UNREACH, FRAG_NEEDED, 0, port, c.iss() + 1));
            assertEquals(512, t.engine.sock(c.id()).mss);
            assertEquals(TcpIcmp.EMSGSIZE, t.engine.sock(c.id()).softError);
        }

        @Test
        @DisplayName("an error for a 4-tuple we have no connection for finds no socket")
        void noSocket() {
            assertEquals(TcpIcmp.NO_SOCKET, err(UNREACH, PORT_UNREACH, 0, 40000, 1));
        }
    }
}
