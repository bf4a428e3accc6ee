package dev.fastpath.bench.engine;

import dev.fastpath.table.ConnectionTable;
import dev.fastpath.timer.TimerHandler;
import dev.fastpath.timer.TimerWheel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The connection table holding one million 4-tuples (lookup; remove + insert), and the timer wheel
 * (arm + cancel; arm + expire).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TableTimerBenchmark {
    private static final int ENTRIES = 1_000_000;
    private static final long MS = 1_000_000L;
    private ConnectionTable table;
    private TimerWheel wheel;
    private final TimerHandler sink = (payload, now) -> { };
    private int next;
    private long now;

    /** Fills the table with a million connections from 198.18.0.0/15 clients. */
    @Setup
    public void setup() {
        table = new ConnectionTable(ENTRIES + 1, 99);
        for (int i = 0; i < ENTRIES; i++) {
            table.put(address(i), ports(i), i);
        }
        wheel = new TimerWheel(MS, 4096, 0, 1024);
        for (int i = 0; i < 100_000; i++) {
            wheel.schedule((i % 100_000) * MS, i); // a standing population of timers
        }
    }

    private static long address(int i) {
        return ConnectionTable.addresses(0xC6120001, 0xC6120002 + (i & 0xFFFF));
    }

    private static int ports(int i) {
        return ConnectionTable.ports(80, 1024 + (i >>> 16));
    }

    /** @return the value found */
    @Benchmark
    public int tableLookup() {
        next = next == ENTRIES - 1 ? 0 : next + 1;
        return table.get(address(next), ports(next));
    }

    /** @return whether the entry went back in */
    @Benchmark
    public boolean tableRemoveInsert() {
        next = next == ENTRIES - 1 ? 0 : next + 1;
        int v = table.remove(address(next), ports(next));
        return table.put(address(next), ports(next), v);
    }

    /** @return whether the timer was cancelled */
    @Benchmark
    public boolean timerArmCancel() {
        long h = wheel.schedule(now + 200 * MS, 1);
        return wheel.cancel(h);
    }

    /** @return timers fired */
    @Benchmark
    public int timerArmExpire() {
        now += MS;
        wheel.schedule(now, 1);
        wheel.schedule(now + 100_000 * MS, 2); // keeps the standing population
        return wheel.poll(now, sink, 1 << 20);
    }
}
