package dev.fastpath.bench.wire;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

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

    /** Fills the region with non-trivial bytes. */
    @Setup
    public void setUp() {
        data = Arena.ofAuto().allocate(2048, 64);
        for (int i = 0; i < 2048; i++) {
            data.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31));
        }
    }

    /**
     * One sum.
     *
     * @return the folded sum
     */
    @Benchmark
    public int sum16() {
        return Checksum.sum16(data, 0, length, 0);
    }
}
