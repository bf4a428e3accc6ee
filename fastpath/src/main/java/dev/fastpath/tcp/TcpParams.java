package dev.fastpath.tcp;

import dev.fastpath.config.Config;
import dev.fastpath.config.Knob;

/**
 * The engine's knobs in the engine's units, converted from {@link Config} once when the engine is built: times in
 * nanoseconds ({@code Ns}) unless a name says seconds ({@code S}, where the engine keeps seconds as Linux does
 * for per-socket overrides), sizes in bytes, switches as booleans. The engine reads these, never the Config.
 *
 * @param syncookies         net.ipv4.tcp_syncookies: 0 never, 1 when the SYN queue is full, 2 always
 * @param maxSynBacklog      net.ipv4.tcp_max_syn_backlog
 * @param somaxconn          net.core.somaxconn: the largest accept queue
 * @param abortOnOverflow    net.ipv4.tcp_abort_on_overflow
 * @param synackRetries      net.ipv4.tcp_synack_retries
 * @param synRetries         net.ipv4.tcp_syn_retries
 * @param localPortLow       net.ipv4.ip_local_port_range, low end
 * @param localPortHigh      net.ipv4.ip_local_port_range, high end
 * @param finTimeoutS        net.ipv4.tcp_fin_timeout, seconds (TCP_LINGER2 reports it in seconds)
 * @param maxOrphans         net.ipv4.tcp_max_orphans
 * @param maxTwBuckets       net.ipv4.tcp_max_tw_buckets
 * @param keepaliveTimeS     net.ipv4.tcp_keepalive_time, seconds (a socket's TCP_KEEPIDLE)
 * @param keepaliveIntvlS    net.ipv4.tcp_keepalive_intvl, seconds (TCP_KEEPINTVL)
 * @param keepaliveProbes    net.ipv4.tcp_keepalive_probes
 * @param retries2           net.ipv4.tcp_retries2
 * @param orphanRetries      net.ipv4.tcp_orphan_retries (0 means 8, as Linux)
 * @param rmemDefault        net.ipv4.tcp_rmem[1], bytes
 * @param rmemMax            net.ipv4.tcp_rmem[2], bytes
 * @param wmemDefault        net.ipv4.tcp_wmem[1], bytes
 * @param netWmemMax         net.core.wmem_max, bytes
 * @param netRmemMax         net.core.rmem_max, bytes
 * @param timestamps         net.ipv4.tcp_timestamps: 1 or 2 (timestamps on)
 * @param timestampOffsets   net.ipv4.tcp_timestamps == 1: each pair of addresses gets its own TSval offset
 * @param sack               net.ipv4.tcp_sack
 * @param windowScaling      net.ipv4.tcp_window_scaling
 * @param dsack              net.ipv4.tcp_dsack
 * @param invalidRatelimitNs net.ipv4.tcp_invalid_ratelimit
 * @param timewaitLenNs      TCP_TIMEWAIT_LEN (2MSL)
 * @param timeoutInitNs      TCP_TIMEOUT_INIT, the initial RTO
 * @param rtoMinNs           TCP_RTO_MIN
 * @param rtoMaxNs           TCP_RTO_MAX
 * @param delackMinNs        TCP_DELACK_MIN (= TCP_ATO_MIN)
 * @param delackMaxNs        TCP_DELACK_MAX
 * @param appWin             net.ipv4.tcp_app_win
 * @param moderateRcvbuf     net.ipv4.tcp_moderate_rcvbuf
 * @param shrinkWindow       net.ipv4.tcp_shrink_window
 * @param pingpongThresh     net.ipv4.tcp_pingpong_thresh
 * @param reordering         net.ipv4.tcp_reordering: the duplicate-ACK threshold
 * @param slowStartAfterIdle net.ipv4.tcp_slow_start_after_idle
 * @param fastOpen           net.ipv4.tcp_fastopen: the TFO_* bits (0x1 client on, 0x4 client without a cookie)
 * @param rfc1337            net.ipv4.tcp_rfc1337
 * @param congestionControl  net.ipv4.tcp_congestion_control: 0 Reno, 1 CUBIC
 * @param initCwnd           TCP_INIT_CWND, segments
 * @param mss                the MSS this stack advertises (MTU − 40)
 * @param maxConnections     stack.max_connections: sockets preallocated per engine
 * @param timerBudget        stack.timer_budget: timers expired per poll at most
 * @param wmemMax            net.ipv4.tcp_wmem[2]: the largest send buffer autotuning grows to, bytes
 * @param notsentLowat       net.ipv4.tcp_notsent_lowat, bytes (TCP_NOTSENT_LOWAT overrides it per socket)
 * @param minTsoSegs         net.ipv4.tcp_min_tso_segs
 * @param tsoWinDivisor      net.ipv4.tcp_tso_win_divisor
 * @param tsoRttLog          net.ipv4.tcp_tso_rtt_log
 * @param pacingSsRatio      net.ipv4.tcp_pacing_ss_ratio, percent
 * @param pacingCaRatio      net.ipv4.tcp_pacing_ca_ratio, percent
 * @param maxReordering      net.ipv4.tcp_max_reordering: the largest reordering degree learned, segments
 * @param recovery           net.ipv4.tcp_recovery: RACK's flag bits (0x2 static window, 0x4 no dupthresh)
 * @param earlyRetrans       net.ipv4.tcp_early_retrans: 3 or 4 arm tail loss probes
 * @param frto               net.ipv4.tcp_frto: F-RTO after an RTO unless 0
 * @param retransCollapse    net.ipv4.tcp_retrans_collapse
 * @param minRttWlenUs       net.ipv4.tcp_min_rtt_wlen: the min-RTT filter's window, microseconds
 * @param fastOpenBlackholeTimeoutNs net.ipv4.tcp_fastopen_blackhole_timeout_sec, ns (0: Fast Open never pauses)
 * @param ecn                net.ipv4.tcp_ecn: 0 off, 1 requested and accepted, 2 accepted only
 * @param minSndMss          net.ipv4.tcp_min_snd_mss: the smallest peer MSS taken (tcp_mtu_to_mss())
 * @param twReuse            net.ipv4.tcp_tw_reuse: 0, 1, 2 (loopback only)
 * @param twReuseDelayMs     net.ipv4.tcp_tw_reuse_delay, milliseconds
 * @param testCookieIgnoresMss TEST ONLY (test.cookie_ignores_mss): a cookie's connection takes {@link #mss} instead
 *                           of the MSS the cookie encoded — a broken target for {@code stress --matrix} to flag
 */
public record TcpParams(int syncookies, int maxSynBacklog, int somaxconn, boolean abortOnOverflow, int synackRetries,
        int synRetries, int localPortLow, int localPortHigh, int finTimeoutS, int maxOrphans, int maxTwBuckets,
        int keepaliveTimeS, int keepaliveIntvlS, int keepaliveProbes, int retries2, int orphanRetries,
        int rmemDefault, int rmemMax, int wmemDefault, int netWmemMax, int netRmemMax, boolean timestamps,
        boolean timestampOffsets, boolean sack, boolean windowScaling, boolean dsack, long invalidRatelimitNs,
        long timewaitLenNs, long timeoutInitNs, long rtoMinNs, long rtoMaxNs, long delackMinNs, long delackMaxNs,
        int appWin,
        boolean moderateRcvbuf, boolean shrinkWindow, int pingpongThresh, int reordering,
        boolean slowStartAfterIdle, int fastOpen, boolean rfc1337, int congestionControl, int initCwnd,
        int mss, int maxConnections, int timerBudget, int wmemMax, long notsentLowat, int minTsoSegs,
        int tsoWinDivisor, int tsoRttLog, int pacingSsRatio, int pacingCaRatio, int maxReordering, int recovery,
        int earlyRetrans, boolean frto, boolean retransCollapse, long minRttWlenUs, long fastOpenBlackholeTimeoutNs,
        int ecn, int minSndMss, int twReuse, int twReuseDelayMs, boolean testCookieIgnoresMss) {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    /**
     * Converts a configuration (already validated: every value is within its knob's range).
     *
     * @param c the configuration
     * @return the engine's parameters
     */
    public static TcpParams from(Config c) {
        return new TcpParams(
                c.intValue(Knob.TCP_SYNCOOKIES), c.intValue(Knob.TCP_MAX_SYN_BACKLOG), c.intValue(Knob.SOMAXCONN),
                c.enabled(Knob.TCP_ABORT_ON_OVERFLOW), c.intValue(Knob.TCP_SYNACK_RETRIES),
                c.intValue(Knob.TCP_SYN_RETRIES), c.intValue(Knob.IP_LOCAL_PORT_LOW),
                c.intValue(Knob.IP_LOCAL_PORT_HIGH), c.intValue(Knob.TCP_FIN_TIMEOUT),
                c.intValue(Knob.TCP_MAX_ORPHANS), c.intValue(Knob.TCP_MAX_TW_BUCKETS),
                c.intValue(Knob.TCP_KEEPALIVE_TIME), c.intValue(Knob.TCP_KEEPALIVE_INTVL),
                c.intValue(Knob.TCP_KEEPALIVE_PROBES), c.intValue(Knob.TCP_RETRIES2),
                c.intValue(Knob.TCP_ORPHAN_RETRIES), c.intValue(Knob.TCP_RMEM_DEFAULT),
                c.intValue(Knob.TCP_RMEM_MAX), c.intValue(Knob.TCP_WMEM_DEFAULT), c.intValue(Knob.NET_WMEM_MAX),
                c.intValue(Knob.NET_RMEM_MAX), c.enabled(Knob.TCP_TIMESTAMPS), c.intValue(Knob.TCP_TIMESTAMPS) == 1,
                c.enabled(Knob.TCP_SACK), c.enabled(Knob.TCP_WINDOW_SCALING), c.enabled(Knob.TCP_DSACK),
                c.get(Knob.TCP_INVALID_RATELIMIT) * MS, c.get(Knob.TCP_TIMEWAIT_LEN) * S,
                c.get(Knob.TCP_TIMEOUT_INIT) * MS, c.get(Knob.TCP_RTO_MIN) * MS, c.get(Knob.TCP_RTO_MAX) * MS,
                c.get(Knob.TCP_DELACK_MIN) * MS, c.get(Knob.TCP_DELACK_MAX) * MS, c.intValue(Knob.TCP_APP_WIN),
                c.enabled(Knob.TCP_MODERATE_RCVBUF), c.enabled(Knob.TCP_SHRINK_WINDOW),
                c.intValue(Knob.TCP_PINGPONG_THRESH), c.intValue(Knob.TCP_REORDERING),
                c.enabled(Knob.TCP_SLOW_START_AFTER_IDLE), c.intValue(Knob.TCP_FASTOPEN),
                c.enabled(Knob.TCP_RFC1337), c.intValue(Knob.TCP_CONGESTION_CONTROL), c.intValue(Knob.TCP_INIT_CWND),
                c.intValue(Knob.TCP_MSS), c.intValue(Knob.STACK_MAX_CONNECTIONS),
                c.intValue(Knob.STACK_TIMER_BUDGET), c.intValue(Knob.TCP_WMEM_MAX), c.get(Knob.TCP_NOTSENT_LOWAT),
                c.intValue(Knob.TCP_MIN_TSO_SEGS), c.intValue(Knob.TCP_TSO_WIN_DIVISOR),
                c.intValue(Knob.TCP_TSO_RTT_LOG), c.intValue(Knob.TCP_PACING_SS_RATIO),
                c.intValue(Knob.TCP_PACING_CA_RATIO), c.intValue(Knob.TCP_MAX_REORDERING),
                c.intValue(Knob.TCP_RECOVERY), c.intValue(Knob.TCP_EARLY_RETRANS), c.enabled(Knob.TCP_FRTO),
                c.enabled(Knob.TCP_RETRANS_COLLAPSE), c.get(Knob.TCP_MIN_RTT_WLEN) * 1_000_000L,
                c.get(Knob.TCP_FASTOPEN_BLACKHOLE_TIMEOUT) * S, c.intValue(Knob.TCP_ECN),
                c.intValue(Knob.TCP_MIN_SND_MSS), c.intValue(Knob.TCP_TW_REUSE), c.intValue(Knob.TCP_TW_REUSE_DELAY),
                c.enabled(Knob.TEST_COOKIE_IGNORES_MSS));
    }

    /**
     * Whether the client side of Fast Open is on.
     *
     * @return net.ipv4.tcp_fastopen bit 0 (TFO_CLIENT_ENABLE)
     */
    public boolean fastOpenClient() {
        return (fastOpen & 1) != 0;
    }
}
