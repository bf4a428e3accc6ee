package dev.fastpath.tcp;

import static dev.fastpath.tcp.EngineFixture.seg;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.FIN;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The FIN of a passive close is a packet like any other for the tail loss probe (RFC 8985 §7, tcp_send_fin() then
 * tcp_write_xmit() then tcp_schedule_loss_probe()): with the response and the FIN in flight the probe waits
 * PTO = 2·SRTT + 2 ms and sends the FIN again, the RTO after it sends the response with the FIN collapsed onto it.
 * Never sooner: the interop lab once saw the FIN twice 0.4 ms apart (a probe armed on a stale clock).
 */
class FinProbeTest {
    final EngineFixture t = new EngineFixture();

    @Test
    @DisplayName("LAST_ACK: the FIN is probed once at PTO = 2·SRTT + 2 ms, not before; the RTO resends data + FIN")
    void finIsProbedAtThePtoNotBefore() {
        int l = t.listener(80, 16);
        t.send(seg(80, SYN, 1000, 0, new byte[0], new TcpOption.Mss(1460), new TcpOption.SackPermitted()));
        int iss = t.recvFlags(SYN | ACK).seq();
        t.clock.advance(100_000); // SRTT 100 µs from the SYN-ACK (tcp_synack_rtt_meas)
        t.send(seg(80, ACK, 1001, iss + 1));
        int c = t.api.accept(l);
        t.send(seg(80, ACK | PSH | FIN, 1001, iss + 1, new byte[47]));
        t.recvNothing(); // tcp_fin() enters ping-pong mode: the ACK waits for the response
        assertEquals(47, t.api.recv(c, new byte[100], 0, 100, t.now()));
        assertEquals(86, t.api.send(c, new byte[86], 0, 86, t.now()));
        t.recvOne(ACK | PSH, iss + 1, 1049);
        assertEquals(0, t.api.close(c, t.now()));
        t.recvOne(ACK | FIN, iss + 87, 1049);
        assertEquals(TcpState.LAST_ACK, t.engine.state(c));
        t.advanceMs(2); // PTO = 2 · 100 µs + 2 ms (TCP_TIMEOUT_MIN, two packets out), rounded up to 3 jiffies
        t.recvNothing();
        t.advanceMs(1);
        t.recvOne(ACK | FIN, iss + 87, 1049);
        assertEquals(1, t.engine.counters().get(TcpStat.TcpExtTCPLossProbes));
        t.advanceMs(199); // the RTO (200 ms minimum) runs from the probe
        t.recvNothing();
        t.advanceMs(2);
        TcpSegment rto = t.recvOne(ACK | PSH | FIN, iss + 1, 1049);
        assertEquals(86, rto.payload().length, "tcp_retrans_try_collapse() puts the FIN on the response");
        t.send(seg(80, ACK, 1049, iss + 88));
        assertEquals(1, t.engine.socketsInUse(), "only the listener is left");
    }
}
