package dev.fastpath.io.afpacket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.NativeException;
import org.junit.jupiter.api.Test;

/** Configuration checks and failures that need no lab. */
class AfPacketConfigTest {

    @Test
    void defaultsAreConsistent() {
        AfPacketConfig c = AfPacketConfig.defaults();
        assertEquals(1 << 18, c.rxBlockSize());
        assertEquals(32, c.rxBlockCount());
        assertEquals(32, c.txFramesPerBlock());
        assertEquals(16, c.txBlockCount());
        assertEquals(-1, c.fanoutGroup());
        assertEquals(7, c.withFanoutGroup(7).fanoutGroup());
        assertEquals(48, AfPacketIo.TX_DATA_OFFSET);
    }

    /** A ring of N slots has N slots: the kernel takes tp_frame_nr only as the blocks' frames exactly. */
    @Test
    void txSlotsSizeTheRingExactly() {
        AfPacketConfig tiny = AfPacketConfig.defaults().withTxSlots(8);
        assertEquals(8 * 2048, tiny.txBlockSize());
        assertEquals(8, tiny.txFramesPerBlock() * tiny.txBlockCount());
        AfPacketConfig big = AfPacketConfig.defaults().withTxSlots(4096);
        assertEquals(1 << 16, big.txBlockSize());
        assertEquals(4096, big.txFramesPerBlock() * big.txBlockCount());
        assertEquals(512, AfPacketConfig.defaults().withTxSlots(512).txFramesPerBlock()
            * AfPacketConfig.defaults().withTxSlots(512).txBlockCount());
        assertThrows(IllegalArgumentException.class, () -> AfPacketConfig.defaults().withTxSlots(96));
        assertTrue(AfPacketConfig.defaults().qdiscBypass());
        assertEquals(false, AfPacketConfig.defaults().withQdiscBypass(false).qdiscBypass());
    }

    @Test
    void badValuesNameTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> AfPacketConfig.defaults().withRxRing(3000, 8));
        assertTrue(e.getMessage().startsWith("rxBlockSize = 3000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AfPacketConfig.defaults().withFanoutGroup(70_000));
        assertTrue(e.getMessage().startsWith("fanoutGroup = 70000"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AfPacketConfig(4096, 1, 2008, 1, 2048, 1, 4096,
            true, true, -1, 0));
        assertTrue(e.getMessage().contains("multiples of 16"), e.getMessage());
    }

    @Test
    void unknownInterfaceIsANativeExceptionNamingTheCall() {
        NativeException e = assertThrows(NativeException.class, () -> AfPacketIo.open("fp-none0"));
        assertEquals(Errors.ENODEV, e.errno());
        assertTrue(e.call().startsWith("if_nametoindex(fp-none0)"), e.call());
    }
}
