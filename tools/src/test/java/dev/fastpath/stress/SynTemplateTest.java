package dev.fastpath.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.wire.Checksum;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Incremental checksum patching (RFC 1624) gives the same checksums as summing the frame again. */
class SynTemplateTest {

    private static final int DST = Ipv4Header.parseAddress("198.18.0.2");

    @ParameterizedTest
    @EnumSource(SynOptions.class)
    void patchedChecksumsEqualFullRecomputation(SynOptions options) {
        SplittableRandom rnd = new SplittableRandom(7);
        FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
        ParsedFrame f = new ParsedFrame();
        try (SynTemplate t = new SynTemplate(0x020000000001L, 0x0200C6120002L, DST, 8080, options);
             Arena arena = Arena.ofConfined()) {
            MemorySegment copy = arena.allocate(t.length());
            for (int i = 0; i < 100_000; i++) {
                // Random values hit the corner cases too: equal fields, 0x0000/0xFFFF words, carries.
                int ip = i % 7 == 0 ? 0 : rnd.nextInt();
                t.set(ip, rnd.nextInt(65536), i % 5 == 0 ? -1 : rnd.nextInt(), rnd.nextInt(65536));
                if (i % 3 == 0) {
                    t.tsVal(rnd.nextInt());
                }
                t.copyTo(copy, 0);
                assertEquals(DropReason.NONE, parser.parse(copy, 0, t.length(), 0, f), "frame " + i);
                assertEquals(expectedIpChecksum(copy), f.ipv4().checksum() == 0xFFFF ? 0 : f.ipv4().checksum(),
                    "IP checksum, frame " + i);
                int tcpLen = t.length() - SynTemplate.tcpOffset();
                assertTrue(Checksum.verifyTcp(copy, SynTemplate.tcpOffset(), tcpLen, f.srcIp(), DST), "frame " + i);
                assertEquals(expectedTcpChecksum(copy, tcpLen, f.srcIp()), normalise(f.tcp().checksum()),
                    "TCP checksum, frame " + i);
            }
        }
    }

    /** One's complement has two zeros; a full recomputation never yields 0xFFFF, RFC 1624 may. */
    private static int normalise(int sum) {
        return sum == 0xFFFF ? 0 : sum;
    }

    private static int expectedIpChecksum(MemorySegment frame) {
        Ipv4Header h = new Ipv4Header().wrap(frame, SynTemplate.ipOffset());
        int stored = h.checksum();
        h.checksum(0);
        int full = Checksum.fold(Checksum.sum16(frame, SynTemplate.ipOffset(), Ipv4Header.MIN_LENGTH, 0));
        h.checksum(stored);
        return normalise(full);
    }

    private static int expectedTcpChecksum(MemorySegment frame, int tcpLen, int srcIp) {
        TcpHeader h = new TcpHeader().wrap(frame, SynTemplate.tcpOffset());
        int stored = h.checksum();
        h.checksum(0);
        int full = Checksum.tcpChecksum(frame, SynTemplate.tcpOffset(), tcpLen, srcIp, DST);
        h.checksum(stored);
        return normalise(full);
    }
}
