package dev.fastpath.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ChecksumTest {

    /** A byte-at-a-time RFC 1071 reference, written the slow and obvious way. */
    private static int referenceSum(byte[] data, int from, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int hi = data[from + i] & 0xFF;
            int lo = i + 1 < length ? data[from + i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    @Test
    @DisplayName("RFC 1071 §3 worked example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2")
    void rfc1071Example() {
        MemorySegment m = MemorySegment.ofArray(Frames.bytes(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7));
        assertEquals(0xddf2, Checksum.sum16(m, 0, 8, 0));
        assertEquals(~0xddf2 & 0xFFFF, Checksum.fold(0xddf2));
    }

    @Test
    @DisplayName("the wide sum equals the byte-wise reference for every length 0..300 and odd offsets")
    void wideSumMatchesReference() {
        SplittableRandom rnd = new SplittableRandom(1071);
        byte[] data = new byte[400];
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) rnd.nextInt(256);
            }
            MemorySegment m = MemorySegment.ofArray(data);
            for (int off = 0; off < 4; off++) {
                for (int len = 0; len <= 300; len++) {
                    assertEquals(referenceSum(data, off, len), Checksum.sum16(m, off, len, 0),
                            "offset " + off + " length " + len);
                }
            }
        }
    }

    @Test
    @DisplayName("an all-0xFF region sums to 0xFFFF (no lost carries in the 64-bit lanes)")
    void carriesAreNotLost() {
        byte[] ff = new byte[65536];
        java.util.Arrays.fill(ff, (byte) 0xFF);
        assertEquals(0xFFFF, Checksum.sum16(MemorySegment.ofArray(ff), 0, ff.length, 0));
        assertEquals(referenceSum(ff, 1, 65535), Checksum.sum16(MemorySegment.ofArray(ff), 1, 65535, 0));
    }

    @Test
    @DisplayName("a filled TCP checksum verifies; one flipped payload bit fails verification")
    void tcpChecksumVerifies() {
        MemorySegment m = Frames.segment(200);
        int len = Frames.tcp(m, TcpHeader.ACK | TcpHeader.PSH, 1, 2, new byte[0], "hello, wire".getBytes());
        long tcp = EthernetHeader.LENGTH + 20;
        int tcpLen = len - (int) tcp;
        assertTrue(Checksum.verifyTcp(m, tcp, tcpLen, Frames.IP_A, Frames.IP_B));
        m.set(java.lang.foreign.ValueLayout.JAVA_BYTE, len - 1, (byte) (m.get(java.lang.foreign.ValueLayout.JAVA_BYTE,
                len - 1) ^ 1));
        assertFalse(Checksum.verifyTcp(m, tcp, tcpLen, Frames.IP_A, Frames.IP_B));
    }

    @Test
    @DisplayName("RFC 1624 incremental updates equal a full recomputation (addresses and ports)")
    void incrementalUpdateMatchesRecompute() {
        SplittableRandom rnd = new SplittableRandom(1624);
        MemorySegment m = Frames.segment(200);
        for (int i = 0; i < 2000; i++) {
            byte[] payload = new byte[rnd.nextInt(60)];
            for (int k = 0; k < payload.length; k++) {
                payload[k] = (byte) rnd.nextInt(256);
            }
            int len = Frames.tcp(m, TcpHeader.ACK, rnd.nextInt(), rnd.nextInt(), new byte[0], payload);
            long t = EthernetHeader.LENGTH + 20;
            TcpHeader tcp = new TcpHeader().wrap(m, t);
            int newIp = rnd.nextInt();
            int newPort = rnd.nextInt(65536);
            int c = Checksum.update32(tcp.checksum(), Frames.IP_B, newIp);
            c = Checksum.update16(c, tcp.destinationPort(), newPort);
            tcp.destinationPort(newPort);
            tcp.checksum(c);
            assertTrue(Checksum.verifyTcp(m, t, len - (int) t, Frames.IP_A, newIp), "round " + i);
        }
    }

    @Test
    @DisplayName("the unfinished value a CHECKSUM_PARTIAL sender leaves is the folded pseudo-header sum")
    void partialChecksumIsThePseudoHeaderSum() {
        int partial = Checksum.partialChecksum(Frames.IP_A, Frames.IP_B, 6, 40);
        assertEquals(Checksum.fold16(Checksum.pseudoHeaderSum(Frames.IP_A, Frames.IP_B, 6, 40)), partial);
    }
}
