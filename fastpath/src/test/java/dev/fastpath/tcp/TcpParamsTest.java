package dev.fastpath.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.config.Config;
import org.junit.jupiter.api.Test;

/** Values Linux takes for its on/off sysctls beyond 0 and 1 mean what they mean there. */
class TcpParamsTest {

    @Test
    void anyNonZeroFlagIsOnAndOnlyTimestampsOneHasOffsets() {
        TcpParams p = TcpParams.from(Config.defaults().withOverrides(java.util.List.of("tcp.sack=7",
                "tcp.window_scaling=255", "tcp.dsack=2", "tcp.timestamps=3", "tcp.syncookies=3")));
        assertTrue(p.sack());
        assertTrue(p.windowScaling());
        assertTrue(p.timestamps());
        // tcp_v4_init_ts_off / secure_tcp_ts_off: an offset only when tcp_timestamps == 1
        assertFalse(p.timestampOffsets());
        assertTrue(TcpParams.from(Config.defaults()).timestampOffsets());
        assertEquals(3, p.syncookies()); // TcpListen tests 0 and 2 only, as tcp_conn_request: 3 acts as 1
        assertFalse(TcpParams.from(Config.defaults().withOverrides(java.util.List.of("tcp.sack=0"))).sack());
    }
}
