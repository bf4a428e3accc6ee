package dev.fastpath.tcp;

import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastpath.config.Config;
import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * TS.Recent as Linux keeps it (tcp_replace_ts_recent(), RFC 7323 §4.3): taken only from a segment that starts at
 * or before the last ACK sent (seq ≤ rcv_wup) and only forward (a TSval below TS.Recent never replaces it), and
 * never from an old ACK. What the ACKs echo shows it.
 */
class TsRecentTest {
    private static final int SERVER_ISN = 9000;
    private final EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=1")));
    private int id;
    private int ourSeq;
    private int peerSeq;
    private int peerPort;

    /** Client side with timestamps: the peer's SYN-ACK carries TSval 1000. */
    private void connect() {
        id = t.api.socket();
        assertEquals(-Errno.EINPROGRESS, t.api.connect(id, EngineFixture.PEER_IP, 80, t.now()));
        TcpSegment syn = t.recvFlags(SYN);
        peerPort = syn.sourcePort();
        t.sendFromServer(syn, SYN | ACK, SERVER_ISN, syn.seq() + 1, new TcpOption.Mss(1460),
                new TcpOption.Timestamps(1000, tsVal(syn)));
        t.recvOne(ACK, syn.seq() + 1, SERVER_ISN + 1);
        ourSeq = syn.seq() + 1;
        peerSeq = SERVER_ISN + 1;
    }

    private void data(int seq, int bytes, long tsVal) {
        t.send(TcpSegment.of(80, peerPort, seq, ourSeq, ACK | PSH, 65535,
                List.of(new TcpOption.Timestamps(tsVal, 0)), new byte[bytes]));
    }

    private static long tsVal(TcpSegment s) {
        return s.options().stream().filter(o -> o instanceof TcpOption.Timestamps)
                .map(o -> ((TcpOption.Timestamps) o).tsVal()).findFirst().orElse(-1L);
    }

    private static long tsEcr(TcpSegment s) {
        return s.options().stream().filter(o -> o instanceof TcpOption.Timestamps)
                .map(o -> ((TcpOption.Timestamps) o).tsEcr()).findFirst().orElse(-1L);
    }

    @Test
    @DisplayName("a segment past rcv_wup (its ACK still delayed) does not replace TS.Recent: the delayed ACK echoes"
            + " the first segment's TSval, the earliest unacknowledged")
    void onlyUpToTheLastAckSent() {
        connect();
        assertEquals(0, t.opts.setInt(id, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_QUICKACK, 0, t.now()));
        data(peerSeq, 10, 2000);
        t.recvNothing(); // delayed
        data(peerSeq + 10, 10, 3000);
        t.recvNothing();
        t.advanceMs(200);
        TcpSegment ack = t.recvOne(ACK, ourSeq, peerSeq + 20);
        assertEquals(2000, tsEcr(ack));
    }

    @Test
    @DisplayName("a TSval one below TS.Recent passes PAWS (its window of 1) but does not move TS.Recent back")
    void onlyForward() {
        connect();
        data(peerSeq, 10, 2000);
        assertEquals(2000, tsEcr(t.recvOne(ACK, ourSeq, peerSeq + 10)));
        data(peerSeq + 10, 10, 1999);
        assertEquals(2000, tsEcr(t.recvOne(ACK, ourSeq, peerSeq + 20)), "the data was taken, TS.Recent kept");
    }

    @Test
    @DisplayName("a disordered pure ACK with an older TSval passes PAWS (tcp_disordered_ack) and leaves TS.Recent")
    void disorderedAckLeavesTsRecent() {
        connect();
        data(peerSeq, 10, 2000);
        t.recvOne(ACK, ourSeq, peerSeq + 10);
        t.send(TcpSegment.of(80, peerPort, peerSeq + 10, ourSeq, ACK, 65535,
                List.of(new TcpOption.Timestamps(1500, 0)), new byte[0]));
        t.recvNothing();
        data(peerSeq + 10, 10, 1999); // had the ACK moved TS.Recent to 1500, this would replace it
        assertEquals(2000, tsEcr(t.recvOne(ACK, ourSeq, peerSeq + 20)));
    }
}
