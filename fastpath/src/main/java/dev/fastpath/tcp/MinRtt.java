package dev.fastpath.tcp;

/**
 * The windowed minimum RTT Linux keeps per connection (tcp_min_rtt(), lib/minmax.c, Kathleen Nichols'
 * algorithm): the best, second-best and third-best samples with their times, so that the minimum over the
 * last {@code tcp_min_rtt_wlen} seconds (300) is known without storing every sample. Times are in
 * milliseconds (Linux: jiffies at HZ=1000), values in microseconds; the state is three (time, value) pairs in
 * a {@code long[6]} of the socket.
 */
final class MinRtt {
    static final int SLOTS = 6;
    /** No sample yet: Linux resets the filter to ~0U. */
    static final long NONE = 0xFFFF_FFFFL;
    /** net.ipv4.tcp_min_rtt_wlen in milliseconds. */
    static final long WINDOW_MS = 300_000;

    private MinRtt() {
    }

    /** @return the current windowed minimum, microseconds ({@link #NONE} before the first sample) */
    static long get(long[] m) {
        return m[1];
    }

    /** Kernel: minmax_reset(). */
    static void reset(long[] m, long t, long v) {
        for (int i = 0; i < 3; i++) {
            m[2 * i] = t;
            m[2 * i + 1] = v;
        }
    }

    /**
     * Kernel: tcp_update_rtt_min() → minmax_running_min().
     *
     * @param rttUs a sample (0 counts as one jiffy, as Linux)
     * @param nowNs when it was taken
     */
    static void update(long[] m, long rttUs, long nowNs) {
        long t = nowNs / TcpEngine.MS;
        long v = rttUs > 0 ? rttUs : 1000;
        if (v <= m[1] || t - m[4] > WINDOW_MS) {
            reset(m, t, v); // a new minimum, or nothing left in the window
            return;
        }
        if (v <= m[3]) {
            set(m, 1, t, v);
            set(m, 2, t, v);
        } else if (v <= m[5]) {
            set(m, 2, t, v);
        }
        subwinUpdate(m, t, v);
    }

    /** Kernel: minmax_subwin_update(): age the choices as the window slides. */
    private static void subwinUpdate(long[] m, long t, long v) {
        long dt = t - m[0];
        if (dt > WINDOW_MS) {
            shift(m, t, v);
            if (t - m[0] > WINDOW_MS) {
                shift(m, t, v);
            }
        } else if (m[2] == m[0] && dt > WINDOW_MS / 4) {
            set(m, 1, t, v);
            set(m, 2, t, v);
        } else if (m[4] == m[2] && dt > WINDOW_MS / 2) {
            set(m, 2, t, v);
        }
    }

    private static void shift(long[] m, long t, long v) {
        m[0] = m[2];
        m[1] = m[3];
        m[2] = m[4];
        m[3] = m[5];
        set(m, 2, t, v);
    }

    private static void set(long[] m, int i, long t, long v) {
        m[2 * i] = t;
        m[2 * i + 1] = v;
    }
}
