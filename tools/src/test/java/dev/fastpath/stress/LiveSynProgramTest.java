package dev.fastpath.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.NativeException;
import dev.fastpath.nativeio.bpf_attr_test_run;
import dev.fastpath.nativeio.bpf_h;
import dev.fastpath.nativeio.unistd_h;
import dev.fastpath.wire.Checksum;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.ParsedFrame;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The live-frames SYN program, run by the kernel's BPF_PROG_TEST_RUN without live frames (nothing is sent: the
 * verdict comes back with the rewritten frame): SYN n must be byte for byte what the Java generator sends as its
 * n-th, with valid checksums, whatever the page held before; the limit, the pacing and the interface guard hold.
 * Needs root (CAP_BPF); skipped otherwise.
 */
class LiveSynProgramTest {

    private static final int DST = Ipv4Header.parseAddress("198.18.0.2");
    private static final int LO = 1;
    private static final int IP_CHECK = 14 + 10;
    private static final int TCP_CHECK = 14 + 20 + 16;

    /** A loaded program with its state map, and a test-run call over one frame. */
    private static final class Rig implements AutoCloseable {
        final Arena arena = Arena.ofConfined();
        final int map;
        final int prog;
        final MemorySegment in;
        final MemorySegment out;
        final int length;

        Rig(SynTemplate t, TupleWalker w, int ifindex, long interval, long limit, long slack) {
            map = XdpLiveSender.createMap();
            int p;
            try {
                p = bpf_h.progLoad(bpf_h.BPF_PROG_TYPE_XDP, LiveSynProgram.instructions(map, ifindex, t, w),
                    "test");
            } catch (NativeException e) {
                unistd_h.close(map);
                throw e;
            }
            prog = p;
            length = t.length();
            in = arena.allocate(length);
            out = arena.allocate(length);
            t.copyTo(in, 0);
            MemorySegment v = arena.allocate(LiveSynProgram.VALUE_SIZE);
            v.set(ValueLayout.JAVA_LONG, LiveSynProgram.INTERVAL, interval);
            v.set(ValueLayout.JAVA_LONG, LiveSynProgram.LIMIT, limit);
            v.set(ValueLayout.JAVA_LONG, LiveSynProgram.SLACK, slack);
            t.copyTo(v, LiveSynProgram.FRAME);
            mapCall(bpf_h.BPF_MAP_UPDATE_ELEM, v);
        }

        private void mapCall(int cmd, MemorySegment v) {
            Errors.check("map", bpf_h.mapElem(cmd, map, arena.allocateFrom(ValueLayout.JAVA_INT, 0), v, 0));
        }

        long n() {
            MemorySegment v = arena.allocate(LiveSynProgram.VALUE_SIZE);
            mapCall(bpf_h.BPF_MAP_LOOKUP_ELEM, v);
            return v.get(ValueLayout.JAVA_LONG, LiveSynProgram.N);
        }

        /** Runs the program once on {@link #in}; the frame it leaves is in {@link #out}. */
        int run() {
            return runRepeated(1)[0];
        }

        /** Runs the program {@code repeat} times in one test run: {last verdict, mean ns per run}. */
        int[] runRepeated(int repeat) {
            MemorySegment a = XdpLiveSender.testRun(arena, prog, in, LO);
            bpf_attr_test_run.data_out(a, out.address());
            bpf_attr_test_run.data_size_out(a, length);
            bpf_attr_test_run.repeat(a, repeat);
            Errors.check("test run", bpf_h.bpf(bpf_h.BPF_PROG_TEST_RUN, a, bpf_attr_test_run.sizeof()));
            assertEquals(length, bpf_attr_test_run.data_size_out(a));
            return new int[] {bpf_attr_test_run.retval(a), bpf_attr_test_run.duration(a)};
        }

        @Override
        public void close() {
            unistd_h.close(prog);
            unistd_h.close(map);
            arena.close();
        }
    }

    private static Rig rig(SynTemplate t, TupleWalker w, int ifindex, long interval, long limit) {
        return rig(t, w, ifindex, interval, limit, 0);
    }

    private static Rig rig(SynTemplate t, TupleWalker w, int ifindex, long interval, long limit, long slack) {
        try {
            return new Rig(t, w, ifindex, interval, limit, slack);
        } catch (NativeException e) {
            assumeTrue(e.errno() != Errors.EPERM, "BPF needs root (CAP_BPF): " + e.getMessage());
            throw e;
        }
    }

    private static SynTemplate template(SynOptions options) {
        SynTemplate t = new SynTemplate(0x020000000001L, 0x0200C6120002L, DST, 8080, options);
        t.tsVal(0x12345678);
        return t;
    }

    @ParameterizedTest
    @EnumSource(SynOptions.class)
    void synNIsTheJavaGeneratorsNthWhateverThePageHeld(SynOptions options) {
        // 6 addresses: the walk wraps to the next port every 6 SYNs, so ports change within the run too.
        TupleWalker walker = TupleWalker.ofCidr("198.19.7.0/29", 1024, 65535);
        TupleWalker expected = TupleWalker.ofCidr("198.19.7.0/29", 1024, 65535);
        FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
        ParsedFrame f = new ParsedFrame();
        try (SynTemplate t = template(options); SynTemplate java = template(options);
             Rig r = rig(t, walker, LO, 0, walker.size())) {
            for (int n = 0; n < 70_000; n += n < 100 ? 1 : 997) {
                while (expected.walked() <= n) {
                    expected.next();
                }
                // A fresh page holds the template, a recycled one the previous SYN — or what a victim that answers
                // in place made of it (addresses and ports swapped, ACK set), or anything: the output must not care.
                switch (n % 4) {
                    case 0 -> t.copyTo(r.in, 0);
                    case 1 -> MemorySegment.copy(r.out, 0, r.in, 0, r.length);
                    case 2 -> answeredInPlace(r.out, r.in, r.length);
                    default -> r.in.fill((byte) (n * 37));
                }
                forceN(r, n);
                assertEquals(bpf_h.XDP_TX, r.run(), "SYN " + n);
                java.set(expected.address(), expected.port(), FloodGenerator.isn(expected.address(), expected.port()),
                    n & 0xFFFF);
                assertSameExceptChecksums(java.frame(), r.out, r.length, n);
                assertEquals(DropReason.NONE, parser.parse(r.out, 0, r.length, 0, f), "SYN " + n);
                assertTrue(Checksum.verifyTcp(r.out, SynTemplate.tcpOffset(), r.length - SynTemplate.tcpOffset(),
                    expected.address(), DST), "TCP checksum of SYN " + n);
                assertEquals(n + 1, r.n());
            }
        }
    }

    /** The SYN {@code from} turned into a SYN-ACK in place, as an XDP reflector would hand the page back. */
    private static void answeredInPlace(MemorySegment from, MemorySegment to, int length) {
        MemorySegment.copy(from, 0, to, 0, length);
        for (int i = 0; i < 6; i++) { // swap the MACs
            byte d = to.get(ValueLayout.JAVA_BYTE, i);
            to.set(ValueLayout.JAVA_BYTE, i, to.get(ValueLayout.JAVA_BYTE, 6 + i));
            to.set(ValueLayout.JAVA_BYTE, 6 + i, d);
        }
        int src = to.get(ValueLayout.JAVA_INT_UNALIGNED, 26);
        to.set(ValueLayout.JAVA_INT_UNALIGNED, 26, to.get(ValueLayout.JAVA_INT_UNALIGNED, 30));
        to.set(ValueLayout.JAVA_INT_UNALIGNED, 30, src);
        short sport = to.get(ValueLayout.JAVA_SHORT_UNALIGNED, 34);
        to.set(ValueLayout.JAVA_SHORT_UNALIGNED, 34, to.get(ValueLayout.JAVA_SHORT_UNALIGNED, 36));
        to.set(ValueLayout.JAVA_SHORT_UNALIGNED, 36, sport);
        to.set(ValueLayout.JAVA_BYTE, 47, (byte) 0x12); // SYN + ACK
        to.set(ValueLayout.JAVA_INT_UNALIGNED, 42, 0x01020304); // an acknowledgment number
    }

    /** Sets the program's next SYN number (the test skips ahead instead of running 70,000 times). */
    private static void forceN(Rig r, long n) {
        MemorySegment v = r.arena.allocate(LiveSynProgram.VALUE_SIZE);
        r.mapCall(bpf_h.BPF_MAP_LOOKUP_ELEM, v);
        v.set(ValueLayout.JAVA_LONG, LiveSynProgram.N, n);
        r.mapCall(bpf_h.BPF_MAP_UPDATE_ELEM, v);
    }

    /** Equal bytes everywhere but the checksum fields (RFC 1624 patching may give 0xFFFF where a full sum gives 0). */
    private static void assertSameExceptChecksums(MemorySegment want, MemorySegment got, int length, int n) {
        for (int i = 0; i < length; i++) {
            boolean checksum = i == IP_CHECK || i == IP_CHECK + 1 || i == TCP_CHECK || i == TCP_CHECK + 1;
            if (!checksum) {
                assertEquals(want.get(ValueLayout.JAVA_BYTE, i), got.get(ValueLayout.JAVA_BYTE, i),
                    "byte " + i + " of SYN " + n);
            }
        }
    }

    @Test
    void stopsAtTheLimit() {
        TupleWalker walker = TupleWalker.ofCidr("198.19.0.0/16", 1024, 65535);
        try (SynTemplate t = template(SynOptions.LINUX); Rig r = rig(t, walker, LO, 0, 3)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(bpf_h.XDP_TX, r.run());
            }
            assertEquals(bpf_h.XDP_DROP, r.run());
            assertEquals(bpf_h.XDP_DROP, r.run());
            assertEquals(3, r.n());
        }
    }

    @Test
    void aFrameBeforeItsTimeWaitsOrIsDroppedAndCostsNoSyn() {
        TupleWalker walker = TupleWalker.ofCidr("198.19.0.0/16", 1024, 65535);
        // One SYN every 100 s: the first goes at once, the next is far too early for the wait loop.
        try (SynTemplate t = template(SynOptions.LINUX); Rig r = rig(t, walker, LO, 100_000_000_000L, 1000)) {
            assertEquals(bpf_h.XDP_TX, r.run());
            assertEquals(bpf_h.XDP_DROP, r.run());
            assertEquals(bpf_h.XDP_DROP, r.run());
            assertEquals(1, r.n());
        }
    }

    @Test
    void aFrameShortlyEarlyWaitsForItsTimeInsteadOfBeingDropped() {
        TupleWalker walker = TupleWalker.ofCidr("198.19.0.0/16", 1024, 65535);
        // One SYN a microsecond, 50 runs back to back in one test run (each far shorter than that): every frame
        // but the first is early, within the program's wait of up to 4 µs — none is dropped, and they are
        // spaced by the interval (no catch-up slack here: the first SYN starts the schedule).
        try (SynTemplate t = template(SynOptions.LINUX); Rig r = rig(t, walker, LO, 1000, 1000)) {
            int[] verdictAndMeanNs = r.runRepeated(50);
            assertEquals(bpf_h.XDP_TX, verdictAndMeanNs[0]);
            assertEquals(50, r.n(), "no early frame dropped");
            assertTrue(verdictAndMeanNs[1] >= 49 * 1000 / 50, "spaced by the interval: " + verdictAndMeanNs[1]);
        }
    }

    @Test
    void theFirstSynStartsTheScheduleWithoutACatchUpBurst() {
        TupleWalker walker = TupleWalker.ofCidr("198.19.0.0/16", 1024, 65535);
        // A catch-up allowance of 20 SYNs: were the schedule to start in the past, 20 would leave back to back.
        try (SynTemplate t = template(SynOptions.LINUX); Rig r = rig(t, walker, LO, 1000, 1000, 20_000)) {
            int[] verdictAndMeanNs = r.runRepeated(50);
            assertEquals(50, r.n());
            assertTrue(verdictAndMeanNs[1] >= 49 * 1000 / 50, "spaced from the first SYN on: " + verdictAndMeanNs[1]);
        }
    }

    @Test
    void framesOfAnotherInterfacePassUntouched() {
        TupleWalker walker = TupleWalker.ofCidr("198.19.0.0/16", 1024, 65535);
        // Built for interface 999999, run on lo: what the copy attached to lo does with lo's own traffic.
        try (SynTemplate t = template(SynOptions.LINUX); Rig r = rig(t, walker, 999_999, 0, 1000)) {
            assertEquals(bpf_h.XDP_PASS, r.run());
            assertEquals(-1, r.in.mismatch(r.out));
            assertEquals(0, r.n());
        }
    }
}
