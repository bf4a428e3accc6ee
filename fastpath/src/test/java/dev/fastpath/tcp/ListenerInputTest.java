package dev.fastpath.tcp;

import static dev.fastpath.tcp.EngineFixture.PEER_PORT;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.FIN;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The listener's input checks as Linux's tcp_v4_rcv() and tcp_rcv_state_process() (case TCP_LISTEN) make them;
 * each checked against Linux 6.18 in KernelDifferentialTest (cases listen/*).
 */
class ListenerInputTest {
    private final EngineFixture t = new EngineFixture();

    private static TcpSegment syn(int flags, byte[] data) {
        return TcpSegment.of(PEER_PORT, 80, 1000, 0, flags, 65535, List.of(new TcpOption.Mss(1460)), data);
    }

    @Test
    @Seed({"H5"})
    @DisplayName("H5: SYN+FIN is dropped, not answered, with or without data (SKB_DROP_REASON_TCP_FLAGS)")
    void synFinIsDropped() {
        t.listener(80, 16);
        t.send(syn(SYN | FIN, new byte[0]));
        t.send(syn(SYN | FIN | PSH, new byte[] {1, 2, 3}));
        t.recvNothing();
        assertEquals(0, t.engine.listen.requestCount());
        assertEquals(2, t.engine.counters().get(TcpStat.FpDropTcpFlags));
        t.send(syn(SYN, new byte[0]));
        t.recvFlags(SYN | ACK);
    }

    @Test
    @Seed({"H5"})
    @DisplayName("H5: a segment with neither SYN, ACK nor RST (a bare FIN) is dropped by the listener")
    void bareFinIsDropped() {
        t.listener(80, 16);
        t.send(TcpSegment.of(PEER_PORT, 80, 1000, 0, FIN, 65535, List.of(), new byte[0]));
        t.recvNothing();
        assertEquals(1, t.engine.counters().get(TcpStat.FpDropTcpFlags));
    }

    @Test
    @Seed({"W1"})
    @DisplayName("W1: an ACK without a request or a valid cookie gets a RST; a SYN-ACK to a listener too")
    void ackAndSynAckAreReset() {
        t.listener(80, 16);
        t.send(TcpSegment.of(PEER_PORT, 80, 1000, 12345, ACK, 65535, List.of(), new byte[0]));
        t.recvOne(dev.fastpath.wire.TcpHeader.RST, 12345, 0);
        t.send(TcpSegment.of(PEER_PORT, 80, 1000, 777, SYN | ACK, 65535, List.of(), new byte[0]));
        t.recvOne(dev.fastpath.wire.TcpHeader.RST, 777, 0);
    }
}
