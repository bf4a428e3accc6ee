package dev.fastpath.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code --gen-io auto}: live frames (BPF_F_TEST_XDP_LIVE_FRAMES) exist from Linux 5.18 on. */
class GenIoChoiceTest {

    @Test
    void liveFramesFrom518On() {
        assertTrue(SynFloodCommand.liveFramesKernel("5.18.0"));
        assertTrue(SynFloodCommand.liveFramesKernel("6.18.44-fc-v657"));
        assertTrue(SynFloodCommand.liveFramesKernel("10.1"));
        assertFalse(SynFloodCommand.liveFramesKernel("5.17.15-arch1"));
        assertFalse(SynFloodCommand.liveFramesKernel("4.19.0-26-amd64"));
    }

    @Test
    void anUnreadableVersionMeansNo() {
        assertFalse(SynFloodCommand.liveFramesKernel(null));
        assertFalse(SynFloodCommand.liveFramesKernel(""));
        assertFalse(SynFloodCommand.liveFramesKernel("linux"));
    }
}
