package dev.fastpath.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Option parsing and writing at their edges (Linux tcp_parse_options / tcp_options_write, RFC 7413): each kind
 * only at its length, unsigned values, block and cookie bounds, the holder cleared per parse, EOL, an option
 * ending exactly at the header's end, the writer's bytes.
 */
class TcpOptionsEdgesTest {

    private final TcpOptions o = new TcpOptions();

    private DropReason parse(byte[] bytes) {
        return TcpOptions.parse(MemorySegment.ofArray(bytes), 0, bytes.length, o);
    }

    @Test
    @DisplayName("each known kind counts only at its RFC length (tcp_parse_options' opsize checks), else skipped")
    void knownKindsOnlyAtTheirLength() {
        assertEquals(DropReason.NONE, parse(Frames.bytes(2, 5, 0x05, 0xb4, 0, 2, 4, 0x02, 0x18)));
        assertEquals(0x218, o.mss(), "MSS of length 5 skipped, the next one taken");
        assertEquals(DropReason.NONE, parse(Frames.bytes(3, 2, 3, 4, 7, 0, 3, 3, 9)));
        assertEquals(9, o.windowScale(), "window scale of length 2 and 4 skipped");
        assertEquals(DropReason.NONE, parse(Frames.bytes(4, 3, 0)));
        assertFalse(o.sackPermitted(), "SACK-permitted of length 3");
        assertEquals(DropReason.NONE, parse(Frames.bytes(4, 2)));
        assertTrue(o.sackPermitted());
        assertEquals(DropReason.NONE, parse(Frames.bytes(8, 9, 0, 0, 0, 1, 0, 0, 0)));
        assertFalse(o.hasTimestamps(), "timestamps of length 9");
        assertEquals(DropReason.NONE, parse(Frames.bytes(8, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0)));
        assertFalse(o.hasTimestamps(), "timestamps of length 11");
        assertEquals(0, o.tsVal());
    }

    @Test
    @DisplayName("timestamps: TSval then TSecr, both full 32-bit big-endian words")
    void timestampsAreBigEndianWords() {
        assertEquals(DropReason.NONE, parse(Frames.bytes(1, 1, 8, 10, 0xFF, 0xFE, 0x00, 0x01, 0x80, 0x00, 0x00, 0x7F)));
        assertTrue(o.hasTimestamps());
        assertEquals(0xFFFE0001, o.tsVal());
        assertEquals(0x8000007F, o.tsEcr());
    }

    @Test
    @DisplayName("MSS and window scale are unsigned: 65535 and 255 are read as sent (the engine clamps)")
    void unsignedValues() {
        assertEquals(DropReason.NONE, parse(Frames.bytes(2, 4, 0xFF, 0xFF, 3, 3, 0xFF, 0)));
        assertEquals(65535, o.mss());
        assertEquals(255, o.windowScale());
    }

    @Test
    @DisplayName("SACK: one block (length 10) and four (34) are read edge by edge; length 2 or 9 carries none")
    void sackBlockBounds() {
        assertEquals(DropReason.NONE, parse(Frames.bytes(5, 10, 0x80, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF)));
        assertEquals(1, o.sackBlockCount());
        assertEquals(0x80000001, o.sackBlockStart(0));
        assertEquals(0xFFFFFFFF, o.sackBlockEnd(0));
        MemorySegment m = Frames.segment(40);
        TcpOptionWriter w = new TcpOptionWriter().wrap(m, 0).nop().nop()
                .sackBlocks(new int[] {1, 3, 5, 7}, new int[] {2, 4, 6, 8}, 4);
        assertEquals(36, w.length());
        assertEquals(DropReason.NONE, TcpOptions.parse(m, 0, w.length(), o));
        assertEquals(4, o.sackBlockCount());
        for (int k = 0; k < 4; k++) {
            assertEquals(2 * k + 1, o.sackBlockStart(k));
            assertEquals(2 * k + 2, o.sackBlockEnd(k));
        }
        assertEquals(DropReason.NONE, parse(Frames.bytes(5, 2)));
        assertEquals(0, o.sackBlockCount());
        assertEquals(DropReason.NONE, parse(Frames.bytes(5, 9, 0, 0, 0, 1, 0, 0, 0)));
        assertEquals(0, o.sackBlockCount());
    }

    @Test
    @DisplayName("Fast Open (RFC 7413 §4.1.1): a request (length 2) or an even 4..16-byte cookie; others ignored")
    void fastOpenCookie() {
        assertEquals(DropReason.NONE, parse(Frames.bytes(1, 1, 34, 2)));
        assertEquals(0, o.fastOpenLength(), "cookie request");
        assertEquals(DropReason.NONE, parse(Frames.bytes(34, 6, 0xDE, 0xAD, 0xBE, 0xEF)));
        assertEquals(4, o.fastOpenLength());
        assertEquals(0xDEADBEEF00000000L, o.fastOpenHi());
        assertEquals(0, o.fastOpenLo());
        byte[] sixteen = new byte[18];
        sixteen[0] = 34;
        sixteen[1] = 18;
        for (int k = 0; k < 16; k++) {
            sixteen[2 + k] = (byte) (0x11 * (k + 1));
        }
        assertEquals(DropReason.NONE, parse(sixteen));
        assertEquals(16, o.fastOpenLength());
        assertEquals(0x1122334455667788L, o.fastOpenHi());
        assertEquals(0x99AABBCCDDEEFF10L, o.fastOpenLo(), "bytes 8..15 (the last one 0x110 cut to a byte)");
        for (int bad : new int[] {3, 4, 5, 7, 19, 20}) {
            byte[] opt = new byte[bad];
            opt[0] = 34;
            opt[1] = (byte) bad;
            assertEquals(DropReason.NONE, parse(opt), "length " + bad);
            assertEquals(-1, o.fastOpenLength(), "a cookie option of length " + bad + " is ignored");
            assertEquals(0, o.fastOpenHi());
        }
    }

    @Test
    @DisplayName("the holder is cleared by every parse: nothing of the last segment's options survives")
    void everyParseStartsClean() {
        MemorySegment m = Frames.segment(40);
        int n = new TcpOptionWriter().wrap(m, 0).mss(1460).sackPermitted().timestamps(5, 6).nop().windowScale(3)
                .nop().nop().sackBlocks(new int[] {1}, new int[] {2}, 1).length();
        assertEquals(DropReason.NONE, TcpOptions.parse(m, 0, n, o));
        assertEquals(DropReason.NONE, parse(Frames.bytes(34, 6, 1, 2, 3, 4)));
        assertEquals(-1, o.mss());
        assertEquals(-1, o.windowScale());
        assertFalse(o.sackPermitted());
        assertFalse(o.hasTimestamps());
        assertEquals(0, o.tsVal());
        assertEquals(0, o.tsEcr());
        assertEquals(0, o.sackBlockCount());
        assertEquals(DropReason.NONE, parse(new byte[0]));
        assertEquals(-1, o.fastOpenLength());
        assertEquals(0, o.fastOpenHi());
        assertEquals(0, o.fastOpenLo());
    }

    @Test
    @DisplayName("EOL ends the list: what follows is padding, even bytes that look like options")
    void eolEndsTheList() {
        assertEquals(DropReason.NONE, parse(Frames.bytes(2, 4, 0x01, 0x00, 0, 3, 3, 7)));
        assertEquals(256, o.mss());
        assertEquals(-1, o.windowScale(), "a window scale after EOL");
        assertEquals(DropReason.NONE, parse(Frames.bytes(0, 30, 0)), "a lying length after EOL is never read");
    }

    @Test
    @DisplayName("bounds: an option ending exactly at the header's end is taken; one byte past it ends the walk, what "
            + "came before stands and the segment is kept (tcp_parse_options(): \"don't parse partial options\")")
    void optionBounds() {
        assertEquals(DropReason.NONE, parse(Frames.bytes(1, 1, 1, 1, 2, 4, 0x12, 0x34)));
        assertEquals(0x1234, o.mss());
        assertFalse(o.malformed());
        assertEquals(DropReason.NONE, parse(Frames.bytes(1, 1, 1, 30, 4, 0, 0)));
        assertFalse(o.malformed());
        assertEquals(DropReason.NONE, parse(Frames.bytes(2, 4, 0x12, 0x34, 30, 5, 0, 0)));
        assertTrue(o.malformed(), "one byte past the area");
        assertEquals(0x1234, o.mss(), "the MSS before the partial option stands");
        assertEquals(DropReason.NONE, parse(Frames.bytes(1, 1, 30, 3)));
        assertTrue(o.malformed(), "the length byte is the area's last byte and says more");
        assertEquals(DropReason.NONE, parse(Frames.bytes(30)));
        assertTrue(o.malformed(), "a kind without its length byte");
        assertEquals(DropReason.NONE, parse(Frames.bytes(30, 1, 2, 4, 0x12, 0x34)));
        assertTrue(o.malformed(), "a length below 2");
        assertEquals(-1, o.mss(), "nothing after a silly option is read");
        assertEquals(DropReason.NONE, parse(Frames.bytes(30, 2)), "an empty unknown option");
        assertFalse(o.malformed());
        assertEquals(DropReason.NONE, parse(Frames.bytes(1)), "a lone NOP");
    }

    @Test
    @DisplayName("the writer: kind, length, big-endian value at their bytes; Linux's SYN layout; EOL padding")
    void writerBytes() {
        MemorySegment m = Frames.segment(40);
        TcpOptionWriter w = new TcpOptionWriter().wrap(m, 4);
        w.mss(0x05b4).sackPermitted().timestamps(0x01020304, 0x0A0B0C0D).nop().windowScale(7);
        assertEquals(20, w.length());
        assertArrayEquals(Frames.bytes(2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 10, 11, 12, 13, 1, 3, 3, 7),
                Bytes.copy(m, 4, 20));
        w.wrap(m, 0);
        assertEquals(0, w.length(), "wrap starts over");
        w.nop().eol().mss(1);
        assertEquals(6, w.length());
        assertEquals(8, w.padToWord());
        assertArrayEquals(Frames.bytes(1, 0, 2, 4, 0, 1, 0, 0), Bytes.copy(m, 0, 8));
        assertEquals(8, w.padToWord(), "already on a word");
    }

    @Test
    @DisplayName("a fresh holder says absent for every option, as a cleared one does")
    void freshHolder() {
        TcpOptions fresh = new TcpOptions();
        assertEquals(-1, fresh.mss());
        assertEquals(-1, fresh.windowScale());
        assertEquals(-1, fresh.fastOpenLength());
    }

    @Test
    @DisplayName("the writer's Fast Open option after another option, and nothing written past an option's end")
    void writerFastOpenAfterMss() {
        MemorySegment m = Frames.segment(40);
        m.fill((byte) 0x5A);
        TcpOptionWriter w = new TcpOptionWriter().wrap(m, 0).mss(1460).fastOpen(6, 0x0102030405060000L, 0);
        assertEquals(12, w.length());
        assertArrayEquals(Frames.bytes(2, 4, 0x05, 0xB4, 34, 8, 1, 2, 3, 4, 5, 6, 0x5A), Bytes.copy(m, 0, 13));
    }

    @Test
    @DisplayName("the writer's Fast Open option: request, 8-byte cookie padded by two NOPs, 6- and 16-byte cookies")
    void writerFastOpen() {
        MemorySegment m = Frames.segment(40);
        TcpOptionWriter w = new TcpOptionWriter().wrap(m, 0).fastOpen(0, 0, 0);
        assertEquals(4, w.length(), "a request (length 2) padded to the word");
        assertArrayEquals(Frames.bytes(34, 2, 1, 1), Bytes.copy(m, 0, 4));
        w.wrap(m, 0).fastOpen(8, 0x0102030405060708L, -1);
        assertEquals(12, w.length());
        assertArrayEquals(Frames.bytes(34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1), Bytes.copy(m, 0, 12));
        w.wrap(m, 0).fastOpen(6, 0xA1A2A3A4A5A6A7A8L, 0);
        assertEquals(8, w.length(), "8 bytes: already a word, no NOPs");
        assertArrayEquals(Frames.bytes(34, 8, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6), Bytes.copy(m, 0, 8));
        w.wrap(m, 0).fastOpen(16, 0x0001020304050607L, 0x08090A0B0C0D0E0FL);
        assertEquals(20, w.length());
        assertEquals(DropReason.NONE, TcpOptions.parse(m, 0, w.length(), o));
        assertEquals(16, o.fastOpenLength());
        assertEquals(0x0001020304050607L, o.fastOpenHi());
        assertEquals(0x08090A0B0C0D0E0FL, o.fastOpenLo());
    }
}
