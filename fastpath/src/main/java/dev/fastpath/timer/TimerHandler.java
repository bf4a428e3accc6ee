package dev.fastpath.timer;

/** Called for each timer that expires during {@link TimerWheel#poll}. */
@FunctionalInterface
public interface TimerHandler {
    /**
     * @param payload what the timer was scheduled with
     * @param nowNs   the poll's time
     */
    void onTimer(long payload, long nowNs);
}
