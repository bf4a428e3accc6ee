package dev.fastpath.bench.wire;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.fastpath.wire.Checksum;

/** The RFC 1071 sum over regions the stack checksums: a bare header and a full-size packet. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChecksumBenchmark {

    /** Bytes summed. */
    @Param({"64", "1500"})
    public int length;

    private MemorySegment data;
    private int expected;
    private long sums;
    private long right;

    /** Fills the region with non-trivial bytes. */
    @Setup
    public void setUp() {
        data = Arena.ofAuto().allocate(2048, 64);
        for (int i = 0; i < 2048; i++) {
            data.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31));
        }
        expected = reference(length);
    }

    /** RFC 1071 the slow way, 16 bits at a time, folded: what every sum must equal. */
    private int reference(int n) {
        long sum = 0;
        for (int i = 0; i < n; i += 2) {
            int hi = data.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            int lo = i + 1 < n ? data.get(ValueLayout.JAVA_BYTE, i + 1) & 0xFF : 0;
            sum += hi << 8 | lo;
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /**
     * One sum.
     *
     * @return the folded sum
     */
    @Benchmark
    public int sum16() {
        int s = Checksum.sum16(data, 0, length, 0);
        sums++;
        if (s == expected) {
            right++;
        }
        return s;
    }

    /** Every sum equals the reference sum of the same bytes. */
    @TearDown(Level.Iteration)
    public void check() {
        if (sums == 0 || right != sums) {
            throw new IllegalStateException("wrong sums: " + (sums - right) + " of " + sums + " (expected 0x"
                    + Integer.toHexString(expected) + ")");
        }
    }
}
