package dev.fastpath.io.mem;

/** Time for tests: it moves only when told to, so seconds of TCP timers pass in microseconds. */
public final class VirtualClock {
    private long nowNs;

    /** @param startNs the starting time */
    public VirtualClock(long startNs) {
        this.nowNs = startNs;
    }

    /** @return the current time */
    public long nowNs() {
        return nowNs;
    }

    /**
     * @param ns how far to move (≥ 0)
     * @return the new time
     */
    public long advance(long ns) {
        if (ns < 0) {
            throw new IllegalArgumentException("time does not go backwards: " + ns);
        }
        nowNs += ns;
        return nowNs;
    }
}
