package dev.fastpath.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TcpOptionsTest {

    private final TcpOptions o = new TcpOptions();

    private DropReason parse(byte[] bytes) {
        return TcpOptions.parse(MemorySegment.ofArray(bytes), 0, bytes.length, o);
    }

    @Test
    @DisplayName("the writer's Linux SYN layout parses back to the same values")
    void writerRoundTrip() {
        MemorySegment m = Frames.segment(40);
        int n = new TcpOptionWriter().wrap(m, 0).mss(1460).sackPermitted().timestamps(100, 0).nop().windowScale(8)
                .length();
        assertEquals(20, n);
        assertEquals(DropReason.NONE, TcpOptions.parse(m, 0, n, o));
        assertEquals(1460, o.mss());
        assertTrue(o.sackPermitted());
        assertEquals(100, o.tsVal());
        assertEquals(8, o.windowScale());
    }

    @Test
    @DisplayName("SACK blocks: up to four are read; a ragged length is ignored as Linux does")
    void sackBlocks() {
        MemorySegment m = Frames.segment(40);
        TcpOptionWriter w = new TcpOptionWriter().wrap(m, 0).nop().nop()
                .sackBlocks(new int[] {100, 300, 500}, new int[] {200, 400, 600}, 3);
        assertEquals(28, w.length());
        assertEquals(DropReason.NONE, TcpOptions.parse(m, 0, w.length(), o));
        assertEquals(3, o.sackBlockCount());
        assertEquals(500, o.sackBlockStart(2));
        assertEquals(600, o.sackBlockEnd(2));
        assertEquals(DropReason.NONE, parse(Frames.bytes(5, 9, 0, 0, 0, 1, 0, 0, 0, 1, 0)));
        assertEquals(0, o.sackBlockCount());
    }

    @Test
    @DisplayName("unknown options are skipped by length; EOL ends the list; known kinds with a wrong length ignored")
    void unknownAndMalformed() {
        assertEquals(DropReason.NONE, parse(Frames.bytes(30, 4, 0xAA, 0xBB, 2, 4, 0x02, 0x18, 0, 2, 4, 1, 1)));
        assertEquals(536, o.mss());
        assertEquals(DropReason.NONE, parse(Frames.bytes(2, 3, 5, 3, 3, 7)));
        assertEquals(-1, o.mss());
        assertEquals(7, o.windowScale());
        assertFalse(o.hasTimestamps());
    }

    @Test
    @DisplayName("an option whose length byte is missing, below 2 or past the header ends the walk; "
            + "what came before it stands (tcp_parse_options)")
    void lyingLengths() {
        assertEquals(DropReason.NONE, parse(Frames.bytes(1, 1, 2)));
        assertTrue(o.malformed());
        assertEquals(-1, o.mss());
        assertEquals(DropReason.NONE, parse(Frames.bytes(2, 4, 5, 0xB4, 30, 0, 1, 1, 3, 3, 7)));
        assertTrue(o.malformed());
        assertEquals(1460, o.mss(), "the MSS before the bad option is kept");
        assertEquals(-1, o.windowScale(), "nothing after it is read");
        assertEquals(DropReason.NONE, parse(Frames.bytes(4, 2, 8, 10, 0, 0, 0, 1)));
        assertTrue(o.malformed());
        assertTrue(o.sackPermitted());
        assertFalse(o.hasTimestamps(), "a truncated option is not parsed");
        assertEquals(DropReason.NONE, parse(Frames.bytes(2, 4, 5, 0xB4)));
        assertFalse(o.malformed(), "cleared by the next parse");
    }

    @Test
    @DisplayName("Fast Open: RFC 7413's kind 34 and the experimental kind 254 with ExID 0xF989 (other ExIDs are "
            + "not Fast Open); the last one wins; an even length outside 4..16 is invalid (-1), an odd one ignored")
    void fastOpenForms() {
        MemorySegment m = Frames.segment(40);
        int n = new TcpOptionWriter().wrap(m, 0).fastOpen(4, 0xabcd1234L << 32, 0, true).length();
        assertEquals(8, n, "254, 8, F9 89, 4 cookie bytes: a whole word, no padding");
        assertEquals(DropReason.NONE, TcpOptions.parse(m, 0, n, o));
        assertEquals(4, o.fastOpenLength());
        assertTrue(o.fastOpenExp());
        assertEquals(0xabcd1234L << 32, o.fastOpenHi());
        n = new TcpOptionWriter().wrap(m, 0).fastOpen(0, 0, 0, true).length();
        assertEquals(4, n, "an experimental cookie request is 4 bytes");
        assertEquals(DropReason.NONE, TcpOptions.parse(m, 0, n, o));
        assertEquals(0, o.fastOpenLength());
        assertTrue(o.fastOpenExp());

        assertEquals(DropReason.NONE, parse(new byte[] {(byte) 254, 6, 0x12, 0x34, 1, 2}));
        assertEquals(-1, o.fastOpenLength(), "another experiment's ExID");
        assertEquals(DropReason.NONE, parse(new byte[] {(byte) 254, 4, (byte) 0xF9, (byte) 0x89,
            34, 6, 1, 2, 3, 4}));
        assertEquals(4, o.fastOpenLength(), "the later RFC 7413 cookie wins");
        assertFalse(o.fastOpenExp());
        assertEquals(0x01020304L << 32, o.fastOpenHi());
        assertEquals(DropReason.NONE, parse(new byte[] {34, 6, 1, 2, 3, 4, 34, 4, 9, 9}));
        assertEquals(-1, o.fastOpenLength(), "a 2-byte cookie is invalid");
        assertEquals(DropReason.NONE, parse(new byte[] {34, 6, 1, 2, 3, 4, 34, 5, 9, 9, 9, 1}));
        assertEquals(4, o.fastOpenLength(), "an odd length is ignored");
    }
}
