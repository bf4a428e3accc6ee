package dev.fastpath.io.xdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.NativeException;
import dev.fastpath.nativeio.bpf_h;
import org.junit.jupiter.api.Test;

/** Configuration checks and failures that need no lab. */
class AfXdpConfigTest {

    @Test
    void defaults() {
        AfXdpConfig c = AfXdpConfig.defaults();
        assertEquals(0, c.queueId());
        assertEquals(8L << 20, c.umemBytes());
        assertEquals(bpf_h.XDP_FLAGS_SKB_MODE, c.xdpFlags());
        assertTrue(c.tryZeroCopy());
    }

    @Test
    void badValuesNameTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new AfXdpConfig(0, 3000, 2048, 2048, 2048, true, bpf_h.XDP_FLAGS_SKB_MODE));
        assertTrue(e.getMessage().startsWith("frameSize = 3000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
            () -> new AfXdpConfig(0, 2048, 1000, 2048, 2048, true, bpf_h.XDP_FLAGS_SKB_MODE));
        assertTrue(e.getMessage().startsWith("rxFrames = 1000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
            () -> new AfXdpConfig(0, 2048, 2048, 2048, 2048, true, bpf_h.XDP_FLAGS_HW_MODE));
        assertTrue(e.getMessage().startsWith("xdpFlags = "), e.getMessage());
    }

    @Test
    void withersChangeOnlyWhatTheyName() {
        // withRxFrames sizes the RX ring with the frames (the fill ring is kept full); withTxFrames the TX and
        // completion rings (txFrames is their size).
        AfXdpConfig c = AfXdpConfig.defaults().withRxFrames(8192).withTxFrames(4096)
            .withXdpFlags(bpf_h.XDP_FLAGS_DRV_MODE).withQueueId(3);
        assertEquals(new AfXdpConfig(3, 2048, 8192, 4096, 8192, true, bpf_h.XDP_FLAGS_DRV_MODE), c);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> AfXdpConfig.defaults().withTxFrames(3000));
        assertTrue(e.getMessage().startsWith("txFrames = 3000"), e.getMessage());
    }

    @Test
    void unknownInterfaceIsANativeExceptionNamingTheCall() {
        NativeException e = assertThrows(NativeException.class, () -> AfXdpIo.open("fp-none0"));
        assertEquals(Errors.ENODEV, e.errno());
        assertTrue(e.call().startsWith("if_nametoindex(fp-none0)"), e.call());
    }
}
