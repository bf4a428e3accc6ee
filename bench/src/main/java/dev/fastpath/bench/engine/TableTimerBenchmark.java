package dev.fastpath.bench.engine;

import dev.fastpath.table.ConnectionTable;
import dev.fastpath.timer.TimerHandler;
import dev.fastpath.timer.TimerWheel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The connection table holding one million 4-tuples (lookup; remove + insert), and the timer wheel
 * (arm + cancel; arm + expire). Each operation counts whether it did what it claims (the lookup hit its
 * own value, the entry went back in, the timer was cancelled, the timer armed for now fired), and
 * {@link #check()} throws when one did not, so a broken table or wheel fails instead of timing fast.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TableTimerBenchmark {
    private static final int ENTRIES = 1_000_000;
    private static final long MS = 1_000_000L;
    private ConnectionTable table;
    private TimerWheel wheel;
    /** Standing timers carry payloads below this; the benchmark's own are {@link #FIRE_NOW} and {@link #LATER}. */
    private static final int STANDING = 100_000;
    private static final long FIRE_NOW = STANDING + 1;
    private static final long LATER = STANDING + 2;
    private long firedNow;
    private final TimerHandler sink = (payload, now) -> {
        if (payload == FIRE_NOW) {
            firedNow++;
        }
    };
    private int next;
    private long now;
    private long lookups;
    private long hits;
    private long reinserts;
    private long reinserted;
    private long armCancels;
    private long cancelled;
    private long armExpires;

    /** Fills the table with a million connections from 198.18.0.0/15 clients. */
    @Setup
    public void setup() {
        table = new ConnectionTable(ENTRIES + 1, 99);
        for (int i = 0; i < ENTRIES; i++) {
            table.put(address(i), ports(i), i);
        }
        wheel = new TimerWheel(MS, 4096, 0, 1024);
        for (int i = 0; i < STANDING; i++) {
            wheel.schedule(i * MS, i); // a standing population of timers
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
        int v = table.get(address(next), ports(next));
        lookups++;
        if (v == next) {
            hits++;
        }
        return v;
    }

    /** @return whether the entry went back in */
    @Benchmark
    public boolean tableRemoveInsert() {
        next = next == ENTRIES - 1 ? 0 : next + 1;
        int v = table.remove(address(next), ports(next));
        boolean in = table.put(address(next), ports(next), v);
        reinserts++;
        if (in && v == next) {
            reinserted++;
        }
        return in;
    }

    /** @return whether the timer was cancelled */
    @Benchmark
    public boolean timerArmCancel() {
        long h = wheel.schedule(now + 200 * MS, LATER);
        boolean c = wheel.cancel(h);
        armCancels++;
        if (c) {
            cancelled++;
        }
        return c;
    }

    /** @return timers fired */
    @Benchmark
    public int timerArmExpire() {
        now += MS;
        wheel.schedule(now, FIRE_NOW);
        wheel.schedule(now + STANDING * MS, LATER); // keeps the standing population
        armExpires++;
        return wheel.poll(now, sink, 1 << 20);
    }

    /**
     * Every lookup hit its own entry, every removed entry went back in (the table still holds them all),
     * every armed timer was cancelled (none left behind), every timer armed for now fired once.
     */
    @TearDown(Level.Iteration)
    public void check() {
        if (lookups + reinserts + armCancels + armExpires == 0) {
            throw new IllegalStateException("no operation ran");
        }
        if (hits != lookups) {
            throw new IllegalStateException("lookups missed: " + (lookups - hits) + " of " + lookups);
        }
        if (reinserted != reinserts || table.size() != ENTRIES) {
            throw new IllegalStateException("remove + insert lost entries: " + reinserted + " of " + reinserts
                    + ", table size " + table.size());
        }
        if (cancelled != armCancels || armCancels > 0 && wheel.size() != STANDING) {
            throw new IllegalStateException("timers not cancelled: " + cancelled + " of " + armCancels + ", "
                    + wheel.size() + " pending");
        }
        if (firedNow != armExpires) {
            throw new IllegalStateException("timers due now did not fire: " + firedNow + " of " + armExpires);
        }
    }
}
