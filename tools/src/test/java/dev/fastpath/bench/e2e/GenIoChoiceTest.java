package dev.fastpath.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.stress.XdpLiveSender;
import org.junit.jupiter.api.Test;

/** {@code --gen-io auto}: live frames (BPF_F_TEST_XDP_LIVE_FRAMES) exist from Linux 5.18 on. */
class GenIoChoiceTest {

    @Test
    void liveFramesFrom518On() {
        assertTrue(XdpLiveSender.kernelHasLiveFrames("5.18.0"));
        assertTrue(XdpLiveSender.kernelHasLiveFrames("6.18.44-fc-v657"));
        assertTrue(XdpLiveSender.kernelHasLiveFrames("10.1"));
        assertFalse(XdpLiveSender.kernelHasLiveFrames("5.17.15-arch1"));
        assertFalse(XdpLiveSender.kernelHasLiveFrames("4.19.0-26-amd64"));
    }

    @Test
    void anUnreadableVersionMeansNo() {
        assertFalse(XdpLiveSender.kernelHasLiveFrames(null));
        assertFalse(XdpLiveSender.kernelHasLiveFrames(""));
        assertFalse(XdpLiveSender.kernelHasLiveFrames("linux"));
    }
}
