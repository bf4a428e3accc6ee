package dev.fastpath.tcp;

import static dev.fastpath.tcp.EngineFixture.PEER_PORT;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A peer announcing a tiny MSS (a remote denial of service once: the timestamps option subtracted without a floor
 * made the MSS zero or negative). As Linux's tcp_mtu_to_mss(): an MSS option of 0 is ignored (536), anything
 * below tcp_min_snd_mss is raised to 48, then the timestamps option is subtracted — 36 bytes of payload at least.
 */
class TinyMssTest {
    private static final byte[] NONE = new byte[0];

    static Stream<Arguments> announced() {
        List<Arguments> cases = new ArrayList<>();
        int[][] table = {{0, 536}, {1, 48}, {12, 48}, {40, 48}, {48, 48}, {60, 60}};
        for (int[] row : table) {
            cases.add(Arguments.of(row[0], false, row[1]));
            cases.add(Arguments.of(row[0], true, row[1] - 12));
        }
        return cases.stream();
    }

    private static TcpOption[] synOptions(int mss, boolean ts, long tsEcr) {
        return ts ? new TcpOption[] {new TcpOption.Mss(mss), new TcpOption.Nop(), new TcpOption.Nop(),
            new TcpOption.Timestamps(100, tsEcr)} : new TcpOption[] {new TcpOption.Mss(mss)};
    }

    private static List<TcpOption> ackOptions(boolean ts, TcpSegment from) {
        if (!ts) {
            return List.of();
        }
        long echo = from.options().stream().filter(o -> o instanceof TcpOption.Timestamps)
                .mapToLong(o -> ((TcpOption.Timestamps) o).tsVal()).findFirst().orElseThrow();
        return List.of(new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Timestamps(101, echo));
    }

    /** Sends 1000 bytes and checks what goes out: whole segments of {@code expected}, contiguous, well formed. */
    private static void sendsSegmentsOf(EngineFixture t, int id, int expected, int firstSeq) {
        byte[] data = new byte[1000];
        assertEquals(1000, t.api.send(id, data, 0, data.length, t.now()));
        List<TcpSegment> out = t.recv();
        assertTrue(out.size() >= 2, "data went out: " + out);
        int seq = firstSeq;
        for (TcpSegment s : out) {
            assertEquals(Integer.toUnsignedString(seq), Integer.toUnsignedString(s.seq()), "contiguous, never back");
            assertTrue(s.payload().length > 0 && s.payload().length <= expected, s.toString());
            seq += s.payload().length;
        }
        assertEquals(Math.min(expected, 1000), out.getFirst().payload().length, "the first segment is a full MSS");
        assertEquals(0, t.engine.counters().get(TcpStat.FpTxBadLength));
    }

    @ParameterizedTest(name = "MSS {0}, timestamps {1}: {2} bytes a segment")
    @MethodSource("announced")
    @Seed({"H12"})
    @DisplayName("H12: a passive open with a tiny announced MSS sends segments of max(MSS, 48) less the options")
    void passive(int mss, boolean ts, int expected) {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=" + (ts ? 1 : 0))));
        int l = t.listener(80, 16);
        t.send(TcpSegment.of(PEER_PORT, 80, 1000, 0, SYN, 65535, List.of(synOptions(mss, ts, 0)), NONE));
        TcpSegment sa = t.recvFlags(SYN | ACK);
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, sa.seq() + 1, ACK, 65535, ackOptions(ts, sa), NONE));
        int c = t.api.accept(l);
        assertTrue(c >= 0);
        assertEquals(expected, t.engine.sock(c).mss);
        sendsSegmentsOf(t, c, expected, sa.seq() + 1);
    }

    @ParameterizedTest(name = "MSS {0}, timestamps {1}: {2} bytes a segment")
    @MethodSource("announced")
    @Seed({"H11"})
    @DisplayName("H11: an active open whose SYN-ACK announces a tiny MSS sends segments of max(MSS, 48) less the "
            + "options")
    void active(int mss, boolean ts, int expected) {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=" + (ts ? 1 : 0))));
        int c = t.api.socket();
        assertEquals(-Errno.EINPROGRESS, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
        TcpSegment syn = t.recvFlags(SYN);
        long ourTs = ts ? ((TcpOption.Timestamps) syn.options().stream()
                .filter(o -> o instanceof TcpOption.Timestamps).findFirst().orElseThrow()).tsVal() : 0;
        t.send(TcpSegment.of(80, syn.sourcePort(), 7000, syn.seq() + 1, SYN | ACK, 65535,
                List.of(synOptions(mss, ts, ourTs)), NONE));
        t.recvFlags(ACK);
        assertEquals(TcpState.ESTABLISHED, t.engine.state(c));
        assertEquals(expected, t.engine.sock(c).mss);
        sendsSegmentsOf(t, c, expected, syn.seq() + 1);
    }

    @Test
    @Seed({"R3"})
    @DisplayName("R3: the segment writer refuses, counts and never emits a frame whose lengths do not add up")
    void writerRefusesBadLengths() {
        EngineFixture t = new EngineFixture();
        TcpOutput out = t.engine.out;
        byte[] data = new byte[100];
        assertTrue(!out.tuple(EngineFixture.LOCAL_IP, EngineFixture.PEER_IP, 80, PEER_PORT).header(1, 2, ACK, 100)
                .send(data, 0, -1), "negative payload");
        assertTrue(!out.send(data, 0, out.maxPayload() + 1), "beyond the frame");
        assertTrue(!out.send(data, 50, 60), "beyond the source");
        assertTrue(!out.send(null, 0, 10), "no source");
        assertEquals(4, t.engine.counters().get(TcpStat.FpTxBadLength));
        t.recvNothing();
        assertTrue(out.send(data, 50, 50), "a good one still goes");
        assertEquals(50, t.recv().getFirst().payload().length);
    }
}
