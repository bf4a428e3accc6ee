package dev.fastpath.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.pcap.PcapRecord;
import dev.fastpath.pcap.PcapWriter;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frames Fastpath writes (through the records and the pcap writer) are what tshark decodes. */
class PcapTsharkTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("tshark opens the writer's file, finds nothing malformed, every checksum good, the same fields")
    void writerOutputDecodesInTshark() throws Exception {
        List<byte[]> frames = new ArrayList<>(RecordFrames.variety());
        for (PcapRecord r : GoldenCaptureTest.frames()) {
            frames.add(r.data());
        }
        Path file = dir.resolve("out.pcap");
        try (PcapWriter w = new PcapWriter(file)) {
            for (int i = 0; i < frames.size(); i++) {
                byte[] f = frames.get(i);
                w.write(MemorySegment.ofArray(f), 0, f.length, 1_764_000_000_000_000_000L + 1_000L * i);
            }
        }
        List<Map<String, String>> rows = TsharkColumns.parseTsv(TsharkColumns.runTshark(file));
        assertEquals(frames.size(), rows.size());
        FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
        ParsedFrame f = new ParsedFrame();
        for (int i = 0; i < frames.size(); i++) {
            Map<String, String> row = rows.get(i);
            byte[] bytes = frames.get(i);
            DropReason reason = parser.parse(MemorySegment.ofArray(bytes), 0, bytes.length, 0, f);
            assertTrue(row.get("_ws.malformed").isEmpty(), "malformed: frame " + (i + 1));
            for (String status : List.of("ip.checksum.status", "icmp.checksum.status", "tcp.checksum.status")) {
                assertTrue(row.get(status).isEmpty() || row.get(status).equals("1"),
                        status + "=" + row.get(status) + " in frame " + (i + 1));
            }
            Map<String, String> expected = TsharkColumns.comparable(row);
            if (bytes == frames.get(1)) {
                // tshark has no column for the SACK blocks; the TCP fields still match.
                expected.remove("tcp.options.sack_perm");
            }
            assertEquals(expected, TsharkColumns.of(f, reason), "frame " + (i + 1));
        }
    }
}
