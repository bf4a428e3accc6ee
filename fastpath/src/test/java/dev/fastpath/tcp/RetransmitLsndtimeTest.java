package dev.fastpath.tcp;

import static dev.fastpath.tcp.SegmentFixture.LOCAL_SEQ;
import static dev.fastpath.tcp.SegmentFixture.SEND_TEMPL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * lsndtime follows retransmissions as Linux keeps it (__tcp_transmit_skb() calls tcp_event_data_sent() for any
 * segment with data): slow start after idle counts idleness from the last segment sent, old or new.
 */
class RetransmitLsndtimeTest {
    @Test
    @DisplayName("a fast retransmission (three duplicate ACKs) moves lsndtime to its own send time")
    void fastRetransmitMovesLsndtime() {
        SegmentFixture t = new SegmentFixture();
        int id = t.socketEstablished().id();
        assertEquals(5 * 1460, t.api.send(id, new byte[5 * 1460], 0, 5 * 1460, 0, t.now()));
        assertTrue(t.sent().size() >= 4, "the write leaves at once");
        long firstSend = t.now();
        t.advanceMs(30);
        // The first ACK moves snd_wl1 past the SYN-ACK's sequence (tcp_may_update_window(): FLAG_WIN_UPDATE, not a
        // duplicate); the three after it are the duplicates.
        for (int i = 0; i < 4; i++) {
            t.send(SEND_TEMPL.ack(LOCAL_SEQ + 1));
        }
        List<Seg> out = t.sent();
        assertTrue(out.stream().anyMatch(s -> s.seq() == LOCAL_SEQ + 1 && s.payload().length > 0),
                "the first segment is retransmitted: " + out);
        TcpSock s = t.engine.sock(id);
        assertEquals(t.now(), s.lastSendNs, "lsndtime is the retransmission's time, not " + firstSend);
    }
}
