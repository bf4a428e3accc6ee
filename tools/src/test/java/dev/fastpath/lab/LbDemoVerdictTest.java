package dev.fastpath.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The demo's verdict forgives only requests a backend reset after the balancer had passed them on: a reset on the
 * client for each, and the balancer counting as many pairs reset from the backend's side. A timeout, a wrong answer, or
 * a reset the balancer did not see come from the backend stay failures.
 */
class LbDemoVerdictTest {
    private static final String RESET = "failed request due at t=21.300s after 12 ms: java.net.SocketException: "
        + "Connection reset";
    private static final String TIMEOUT = "failed request due at t=11.440s after 9569 ms: "
        + "java.net.SocketTimeoutException: Read timed out";

    @Test
    void aResetTheBackendSentAfterTheRequestWasPassedOnIsExplained() {
        assertEquals(1, LbDemo.backendResets(List.of("client t= 21s ...", RESET),
            List.of("worker0.LbResetFromBackend 1", "worker0.LbPairsReset 1"), 1, 0));
        assertEquals(2, LbDemo.backendResets(List.of(RESET, RESET),
            List.of("worker0.LbResetFromBackend 1", "worker1.LbResetFromBackend 1"), 2, 0));
    }

    @Test
    void anythingElseIsNot() {
        assertEquals(-1, LbDemo.backendResets(List.of(TIMEOUT), List.of("worker0.LbResetFromClient 1"), 1, 0),
            "a timeout");
        assertEquals(-1, LbDemo.backendResets(List.of(RESET), List.of("worker0.LbResetFromClient 1"), 1, 0),
            "a reset the balancer did not get from a backend");
        assertEquals(-1, LbDemo.backendResets(List.of(RESET, TIMEOUT), List.of("worker0.LbResetFromBackend 2"), 2, 0),
            "one of two failures a timeout");
        assertEquals(-1, LbDemo.backendResets(List.of(RESET), List.of("worker0.LbResetFromBackend 1"), 1, 1),
            "a wrong answer");
        assertEquals(-1, LbDemo.backendResets(List.of(), List.of("worker0.LbResetFromBackend 3"), 0, 0),
            "nothing failed: nothing to explain");
    }
}
