package dev.fastpath.tcp;

import static dev.fastpath.tcp.EngineFixture.seg;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.fastpath.config.Config;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** net.ipv4.tcp_timestamps as Linux reads it: 1 adds a per-pair random offset to TSval, 2 sends the clock bare. */
class TimestampsSysctlTest {

    private static long synAckTsVal(String timestamps) {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=" + timestamps)));
        t.listener(80, 16);
        t.send(seg(80, SYN, 1000, 0, new byte[0], new TcpOption.Mss(1400), new TcpOption.Timestamps(7, 0)));
        TcpSegment sa = t.recvFlags(SYN | ACK);
        return sa.options().stream().filter(o -> o instanceof TcpOption.Timestamps)
                .map(o -> ((TcpOption.Timestamps) o).tsVal()).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("tcp_timestamps=2: the SYN-ACK's TSval is the millisecond clock, no offset (secure_tcp_ts_off)")
    void twoSendsTheClockWithoutOffset() {
        long nowMs = new EngineFixture().now() / EngineFixture.MS;
        assertEquals(nowMs, synAckTsVal("2"));
        assertNotEquals(nowMs, synAckTsVal("1"), "tcp_timestamps=1 hides the clock behind a per-pair offset");
    }
}
