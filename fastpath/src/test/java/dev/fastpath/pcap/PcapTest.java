package dev.fastpath.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsBytesTimesAndOrder() throws Exception {
        Path file = dir.resolve("a.pcap");
        try (PcapWriter w = new PcapWriter(file)) {
            for (int i = 0; i < 3000; i++) {
                byte[] frame = new byte[60 + i % 1455];
                Arrays.fill(frame, (byte) i);
                w.write(frame, 1_700_000_000_123_456_789L + i);
            }
            assertEquals(3000, w.records());
        }
        List<PcapRecord> read = PcapReader.read(file);
        assertEquals(3000, read.size());
        for (int i = 0; i < read.size(); i++) {
            assertEquals(1_700_000_000_123_456_789L + i, read.get(i).timeNs());
            assertEquals(60 + i % 1455, read.get(i).data().length);
            assertEquals((byte) i, read.get(i).data()[7]);
        }
    }

    @Test
    void snaplenCutsTheCaptureButKeepsTheWireLength() throws Exception {
        Path file = dir.resolve("b.pcap");
        try (PcapWriter w = new PcapWriter(file, 64)) {
            w.write(MemorySegment.ofArray(new byte[1514]), 0, 1514, 5);
        }
        PcapRecord r = PcapReader.read(file).getFirst();
        assertEquals(64, r.data().length);
        assertEquals(1514, r.originalLength());
    }

    @Test
    void readsMicrosecondBigEndianFiles() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + 4).order(ByteOrder.BIG_ENDIAN);
        b.putInt(PcapWriter.MAGIC_MICROS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(65535).putInt(1);
        b.putInt(10).putInt(250).putInt(4).putInt(4).put(new byte[] {1, 2, 3, 4});
        PcapRecord r = PcapReader.read(b.array()).getFirst();
        assertEquals(10_000_250_000L, r.timeNs());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, r.data());
    }

    @Test
    void malformedFilesAreClearErrors() throws Exception {
        Path file = dir.resolve("c.pcap");
        try (PcapWriter w = new PcapWriter(file)) {
            w.write(new byte[100], 1);
        }
        byte[] good = Files.readAllBytes(file);
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapReader.read(new byte[10])).getMessage()
                .contains("shorter than a pcap header"));
        byte[] badMagic = good.clone();
        badMagic[0] = 0x11;
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapReader.read(badMagic)).getMessage()
                .contains("magic"));
        assertTrue(assertThrows(PcapFormatException.class,
                () -> PcapReader.read(Arrays.copyOf(good, good.length - 1))).getMessage().contains("past the end"));
        assertTrue(assertThrows(PcapFormatException.class,
                () -> PcapReader.read(Arrays.copyOf(good, 24 + 8))).getMessage().contains("cut short"));
        byte[] lying = good.clone();
        ByteBuffer.wrap(lying).order(ByteOrder.nativeOrder()).putInt(24 + 8, -1);
        assertTrue(assertThrows(PcapFormatException.class, () -> PcapReader.read(lying)).getMessage()
                .contains("claims"));
        assertThrows(IllegalArgumentException.class, () -> new PcapWriter(dir.resolve("d.pcap"), 0));
    }
}
