package dev.fastpath.io.xdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The driver query and the counter sums on what every machine has; veth's answers are checked in the lab tests. */
class EthtoolStatsTest {
    @Test
    @DisplayName("lo has no driver information and an unknown interface none either: null, not an exception")
    void driverUnknown() {
        assertNull(EthtoolStats.driver("lo"));
        assertNull(EthtoolStats.driver("fp-no-such0"));
        assertNull(EthtoolStats.driver("a-name-longer-than-fifteen"));
    }

    @Test
    @DisplayName("a counter the driver does not have (or no such interface) sums to -1")
    void missingCounter() {
        assertEquals(-1, EthtoolStats.sum("fp-no-such0", "rx_queue_N_xdp_tx_errors"));
        assertEquals(-1, EthtoolStats.sum("lo", "rx_queue_N_xdp_tx_errors"));
    }
}
