package dev.fastpath.tcp;

import static dev.fastpath.tcp.EngineFixture.PEER_PORT;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.TcpInfo;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * getsockopt(TCP_INFO) as Linux 6.18 fills it. The expected figures were taken from this machine's kernel: the
 * same exchanges between two sockets in a network namespace, read back with getsockopt (see each test).
 */
class TcpInfoTest {
    private static final int CLIENT_ISN = 1000;

    private static TcpInfo info(EngineFixture t, int fd) {
        return t.opts.tcpInfo(fd, t.now());
    }

    /** A passive connection after a 10 ms handshake: {listener, fd, first data sequence}. */
    private static int[] accepted(EngineFixture t) {
        int l = t.listener(80, 5);
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN, 0, SYN, 65535,
                List.of(new TcpOption.Mss(1460), new TcpOption.SackPermitted(), new TcpOption.WindowScale(7)),
                new byte[0]));
        TcpSegment synAck = t.recvFlags(SYN | ACK);
        t.advanceMs(10);
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1, synAck.seq() + 1, ACK, 512, List.of(), new byte[0]));
        int c = t.api.accept(l);
        assertTrue(c >= 0);
        return new int[] {l, c, synAck.seq() + 1};
    }

    @Test
    @DisplayName("the struct is Linux 6.18's: 280 bytes, fields at the uapi offsets, the wscale nibbles in byte 6")
    void layout() {
        assertEquals(280, TcpInfo.SIZE);
        assertEquals(8, TcpInfo.RTO);
        assertEquals(104, TcpInfo.PACING_RATE);
        assertEquals(192, TcpInfo.DELIVERED);
        assertEquals(228, TcpInfo.SND_WND);
        assertEquals(240, TcpInfo.TOTAL_RTO);
        assertEquals(276, TcpInfo.ECN_BITS);
        byte[] b = new byte[TcpInfo.SIZE];
        b[6] = (byte) 0xA7;
        TcpInfo.put(b, TcpInfo.TOTAL_RTO_RECOVERIES, 3);
        TcpInfo.put(b, TcpInfo.BYTES_ACKED, 1L << 40);
        TcpInfo i = new TcpInfo(b);
        assertEquals(7, i.sndWscale());
        assertEquals(10, i.rcvWscale());
        assertEquals(3, i.get("tcpi_total_rto_recoveries"));
        assertEquals(1L << 40, i.get("bytes_acked"));
        assertThrows(IllegalArgumentException.class, () -> i.get("tcpi_nonsense"));
    }

    @Test
    @DisplayName("getsockopt copies min(optlen, 280) bytes and returns that length; optlen < 0 is EINVAL; a "
            + "buffer shorter than optlen EFAULT")
    void truncation() {
        EngineFixture t = new EngineFixture();
        int[] c = accepted(t);
        byte[] full = new byte[400];
        assertEquals(280, t.opts.getTcpInfo(c[1], full, 300, t.now()));
        for (int len : new int[] {0, 1, 7, 10, 104, 279, 280}) {
            byte[] part = new byte[len];
            assertEquals(len, t.opts.getTcpInfo(c[1], part, len, t.now()));
            assertArrayEquals(Arrays.copyOf(full, len), part, "the first " + len + " bytes");
        }
        assertEquals(-Errno.EINVAL, t.opts.getTcpInfo(c[1], full, -1, t.now()));
        assertEquals(-Errno.EFAULT, t.opts.getTcpInfo(c[1], new byte[10], 20, t.now()));
        assertEquals(-Errno.EBADF, t.opts.getTcpInfo(999, full, 280, t.now()));
    }

    @Test
    @DisplayName("a listener: state 10, tcpi_unacked = children waiting for accept(), tcpi_sacked = the backlog, "
            + "cwnd 10, reordering 3, pacing rates ~0")
    void listener() {
        EngineFixture t = new EngineFixture();
        int l = t.listener(80, 5);
        t.send(EngineFixture.seg(80, SYN, CLIENT_ISN, 0, new byte[0], new TcpOption.Mss(1460)));
        TcpSegment synAck = t.recvFlags(SYN | ACK);
        t.send(EngineFixture.seg(80, ACK, CLIENT_ISN + 1, synAck.seq() + 1));
        TcpInfo i = info(t, l);
        assertEquals(TcpState.LISTEN, i.state());
        assertEquals(1, i.unacked());
        assertEquals(5, i.get("sacked"));
        assertEquals(10, i.sndCwnd());
        assertEquals(3, i.get("reordering"));
        assertEquals(-1L, i.get("pacing_rate"));
        assertEquals(-1L, i.get("max_pacing_rate"));
    }

    @Test
    @DisplayName("a passive connection after its handshake (as Linux: segs_in 2 — the SYN and the ACK —, segs_out "
            + "0, delivered 1, bytes_acked 0, min_rtt the SYN-ACK's RTT)")
    void passiveAfterHandshake() {
        EngineFixture t = new EngineFixture();
        int[] c = accepted(t);
        t.advanceMs(5);
        TcpInfo i = info(t, c[1]);
        assertEquals(TcpState.ESTABLISHED, i.state());
        assertEquals(0, i.caState());
        assertEquals(TcpInfo.OPT_SACK | TcpInfo.OPT_WSCALE, i.options());
        assertEquals(7, i.sndWscale());
        assertEquals(2, i.get("segs_in"));
        assertEquals(0, i.get("segs_out"));
        assertEquals(0, i.get("data_segs_in"));
        assertEquals(1, i.get("delivered"));
        assertEquals(0, i.get("bytes_acked"));
        assertEquals(0, i.get("bytes_received"));
        assertEquals(10_000, i.get("min_rtt"));
        assertEquals(10_000, i.rtt());
        assertEquals(0x7FFF_FFFF, i.sndSsthresh());
        assertEquals(1500, i.get("pmtu"));
        assertEquals(512 << 7, i.sndWnd());
        assertEquals(5, i.get("last_data_sent"));
        assertEquals(5, i.get("last_data_recv"));
        assertEquals(5, i.get("last_ack_recv"));
        assertEquals(0, i.get("ato"), "no data yet");
    }

    @Test
    @DisplayName("an active connection after its handshake: bytes_acked 1 (the SYN), segs_out 2, segs_in 1, "
            + "delivered 1")
    void activeAfterHandshake() {
        EngineFixture t = new EngineFixture();
        EngineFixture.Connected c = t.connected(5000);
        TcpInfo i = info(t, c.id());
        assertEquals(1, i.get("bytes_acked"));
        assertEquals(2, i.get("segs_out"));
        assertEquals(1, i.get("segs_in"));
        assertEquals(1, i.get("delivered"));
        assertEquals(0, i.get("data_segs_out"));
    }

    @Test
    @DisplayName("data both ways: bytes_received/bytes_acked/bytes_sent, data_segs_in/out, delivered per segment, "
            + "unacked and notsent_bytes from the send queue")
    void dataCounters() {
        EngineFixture t = new EngineFixture();
        int[] c = accepted(t);
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1, c[2], ACK | PSH, 512, List.of(), new byte[1000]));
        assertEquals(1000, t.api.recv(c[1], new byte[2000], 0, 2000, t.now()));
        assertEquals(3000, t.api.send(c[1], new byte[3000], 0, 3000, t.now()));
        List<TcpSegment> out = t.recv();
        TcpInfo sent = info(t, c[1]);
        assertEquals(1000, sent.get("bytes_received"));
        assertEquals(1, sent.get("data_segs_in"));
        assertEquals(3000, sent.get("bytes_sent"));
        long dataSegs = out.stream().filter(s -> s.payload().length > 0).count();
        assertEquals(dataSegs, sent.get("data_segs_out"));
        assertEquals(out.size(), sent.get("segs_out"));
        assertEquals(dataSegs, sent.unacked(), "packets_out");
        t.advanceMs(10);
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1001, c[2] + 3000, ACK, 512, List.of(), new byte[0]));
        TcpInfo acked = info(t, c[1]);
        assertEquals(3000, acked.get("bytes_acked"));
        assertEquals(1 + dataSegs, acked.get("delivered"));
        assertEquals(0, acked.unacked());
        assertEquals(4, acked.get("segs_in"));
        assertEquals(40_000, acked.get("ato"), "TCP_ATO_MIN after the first data");
        assertEquals(0, acked.get("total_retrans"));
    }

    @Test
    @DisplayName("an RTO: total_retrans, bytes_retrans, total_rto, total_rto_recoveries and rehash count it; the "
            + "ACK that ends the recovery closes total_rto_time")
    void rtoTotals() {
        EngineFixture t = new EngineFixture();
        int[] c = accepted(t);
        assertEquals(500, t.api.send(c[1], new byte[500], 0, 500, t.now()));
        t.recv();
        long rto = info(t, c[1]).rto() / 1000;
        t.advanceMs(rto);
        assertEquals(1, t.recv().size(), "the tail loss probe");
        TcpInfo probed = info(t, c[1]);
        assertEquals(1, probed.get("total_retrans"));
        assertEquals(500, probed.get("bytes_retrans"));
        assertEquals(1000, probed.get("bytes_sent"), "bytes_sent counts the retransmission too");
        assertEquals(0, probed.get("total_rto"), "a loss probe is no RTO");
        t.advanceMs(rto);
        assertEquals(1, t.recv().size(), "the RTO's retransmission");
        TcpInfo lost = info(t, c[1]);
        assertEquals(2, lost.get("total_retrans"));
        assertEquals(1000, lost.get("bytes_retrans"));
        assertEquals(1, lost.get("total_rto"));
        assertEquals(1, lost.get("total_rto_recoveries"));
        assertEquals(1, lost.get("rehash"));
        assertEquals(4, lost.caState(), "TCP_CA_Loss");
        t.advanceMs(30);
        assertEquals(30, info(t, c[1]).get("total_rto_time"), "an unfinished recovery counts up to now");
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1, c[2] + 500, ACK, 512, List.of(), new byte[0]));
        t.advanceMs(100);
        TcpInfo done = info(t, c[1]);
        assertEquals(30, done.get("total_rto_time"));
        assertEquals(0, done.caState());
    }

    @Test
    @DisplayName("a segment beyond a hole counts in rcv_ooopack; one that fills the hole does not")
    void outOfOrder() {
        EngineFixture t = new EngineFixture();
        int[] c = accepted(t);
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1001, c[2], ACK, 512, List.of(), new byte[500]));
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1, c[2], ACK, 512, List.of(), new byte[1000]));
        TcpInfo i = info(t, c[1]);
        assertEquals(1, i.get("rcv_ooopack"));
        assertEquals(1500, i.get("bytes_received"));
    }

    /**
     * Linux selftest tcp_info/tcp-info-rwnd-limited, on the engine: a zero window while data waits is rwnd-limited
     * time; busy time runs from the first byte queued until everything is acknowledged.
     */
    @Test
    @DisplayName("chronographs: rwnd_limited while the peer's window holds data back, busy_time while data is "
            + "queued or in flight (Linux's tcp-info-rwnd-limited.pkt)")
    void rwndLimitedChrono() {
        EngineFixture t = new EngineFixture();
        int c = t.api.socket();
        assertEquals(-Errno.EINPROGRESS, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
        TcpSegment syn = t.recvFlags(SYN);
        t.advanceMs(10);
        int port = syn.sourcePort();
        int una = syn.seq() + 1;
        t.send(TcpSegment.of(80, port, 0, una, SYN | ACK, 0, List.of(new TcpOption.Mss(1000),
                new TcpOption.SackPermitted()), new byte[0]));
        t.recvFlags(ACK);
        assertEquals(0, info(t, c).get("rwnd_limited"));
        assertEquals(1000, t.api.send(c, new byte[1000], 0, 1000, t.now()));
        t.advanceMs(100);
        t.recv(); // window probes
        assertEquals(100_000, info(t, c).get("rwnd_limited"));
        t.advanceMs(100);
        t.recv();
        t.send(TcpSegment.of(80, port, 1, una, ACK, 2000, List.of(), new byte[0]));
        assertEquals(200_000, info(t, c).get("rwnd_limited"));
        assertEquals(1000, t.recv().stream().mapToInt(s -> s.payload().length).sum());
        t.advanceMs(30);
        t.send(TcpSegment.of(80, port, 1, una + 1000, ACK, 10, List.of(), new byte[0]));
        assertEquals(1000, t.api.send(c, new byte[1000], 0, 1000, t.now()));
        t.advanceMs(100);
        t.recv();
        t.send(TcpSegment.of(80, port, 1, una + 1000, ACK, 2000, List.of(), new byte[0]));
        TcpInfo i = info(t, c);
        assertEquals(300_000, i.get("rwnd_limited"));
        assertEquals(330_000, i.get("busy_time"));
        t.recv();
        t.advanceMs(20);
        t.send(TcpSegment.of(80, port, 1, una + 2000, ACK, 2000, List.of(), new byte[0]));
        assertEquals(350_000, info(t, c).get("busy_time"));
        assertEquals(0, info(t, c).get("sndbuf_limited"));
    }
}
