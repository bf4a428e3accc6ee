package dev.fastpath.config;

/**
 * Every knob of the stack: its TOML key, the Linux sysctl or socket option it mirrors, its Linux
 * default, the range a value must lie in, and what it does. Defaults are those of a Linux 6.x host
 * (`sysctl net.ipv4` on this machine kind) or the kernel's compile-time constants.
 * A multi-value sysctl (ip_local_port_range, tcp_rmem, tcp_wmem) maps onto several knobs, in order.
 */
public enum Knob {
    TCP_SYNCOOKIES("tcp.syncookies", "net.ipv4.tcp_syncookies", 1, 0, 255,
            "0 never send SYN cookies; 1 (and 3..255) send them when the SYN queue is full; 2 always send them"),
    TCP_MAX_SYN_BACKLOG("tcp.max_syn_backlog", "net.ipv4.tcp_max_syn_backlog", 2048, 1, 1 << 24,
            "most requests (SYN_RCVD) a listener may hold in its SYN queue"),
    SOMAXCONN("net.somaxconn", "net.core.somaxconn", 4096, 1, 1 << 24,
            "upper bound on any listen() backlog: the accept queue's length"),
    TCP_ABORT_ON_OVERFLOW("tcp.abort_on_overflow", "net.ipv4.tcp_abort_on_overflow", 0, 0, 255,
            "1: answer the handshake's final ACK with a RST when the accept queue is full (H12)"),
    TCP_SYNACK_RETRIES("tcp.synack_retries", "net.ipv4.tcp_synack_retries", 5, 0, 255,
            "SYN-ACK retransmissions before a request is dropped (H10)"),
    TCP_SYN_RETRIES("tcp.syn_retries", "net.ipv4.tcp_syn_retries", 6, 1, 127,
            "SYN retransmissions before connect() fails with ETIMEDOUT (H4)"),
    IP_LOCAL_PORT_LOW("ip.local_port_range_low", "net.ipv4.ip_local_port_range", 32768, 1, 65535,
            "lowest ephemeral port (H2)"),
    IP_LOCAL_PORT_HIGH("ip.local_port_range_high", "net.ipv4.ip_local_port_range", 60999, 1, 65535,
            "highest ephemeral port (H2)"),
    IPFRAG_HIGH_THRESH("ip.ipfrag_high_thresh", "net.ipv4.ipfrag_high_thresh", 4_194_304, 0, Integer.MAX_VALUE,
            "bytes of IPv4 fragments held for reassembly; above it every fragment is dropped (0: no reassembly)"),
    IPFRAG_TIME("ip.ipfrag_time", "net.ipv4.ipfrag_time", 30, 1, 3600,
            "seconds an incomplete IPv4 datagram is kept, then dropped with ICMP time exceeded"),
    TCP_FIN_TIMEOUT("tcp.fin_timeout_s", "net.ipv4.tcp_fin_timeout", 60, 1, 86_400,
            "seconds an orphaned connection stays in FIN_WAIT2 (F9)"),
    TCP_MAX_ORPHANS("tcp.max_orphans", "net.ipv4.tcp_max_orphans", 131_072, 0, 1 << 26,
            "most connections closed by the application but still alive; beyond it they are reset (F6)"),
    TCP_MAX_TW_BUCKETS("tcp.max_tw_buckets", "net.ipv4.tcp_max_tw_buckets", 131_072, 0, 1 << 26,
            "most TIME_WAIT records; beyond it a closing connection skips TIME_WAIT (F12)"),
    TCP_KEEPALIVE_TIME("tcp.keepalive_time_s", "net.ipv4.tcp_keepalive_time", 7200, 1, 32_767,
            "idle seconds before the first keepalive probe (F11)"),
    TCP_KEEPALIVE_INTVL("tcp.keepalive_intvl_s", "net.ipv4.tcp_keepalive_intvl", 75, 1, 32_767,
            "seconds between keepalive probes"),
    TCP_KEEPALIVE_PROBES("tcp.keepalive_probes", "net.ipv4.tcp_keepalive_probes", 9, 1, 127,
            "unanswered probes before the connection is dropped with ETIMEDOUT (R1)"),
    TCP_RETRIES1("tcp.retries1", "net.ipv4.tcp_retries1", 3, 0, 255,
            "retransmissions before the route is suspected (reported only)"),
    TCP_RETRIES2("tcp.retries2", "net.ipv4.tcp_retries2", 15, 0, 255,
            "data retransmissions before the connection is dropped with ETIMEDOUT (R1)"),
    TCP_ORPHAN_RETRIES("tcp.orphan_retries", "net.ipv4.tcp_orphan_retries", 0, 0, 255,
            "retransmissions for an orphan before it is dropped; 0 means 8, as Linux"),
    TCP_RMEM_MIN("tcp.rmem_min", "net.ipv4.tcp_rmem", 4096, 1024, 1 << 30, "smallest receive buffer"),
    TCP_RMEM_DEFAULT("tcp.rmem_default", "net.ipv4.tcp_rmem", 131_072, 1024, 1 << 30, "initial receive buffer"),
    TCP_RMEM_MAX("tcp.rmem_max", "net.ipv4.tcp_rmem", 33_554_432, 1024, 1 << 30,
            "largest receive buffer; it sets the window scale (tcp_select_initial_window)"),
    TCP_WMEM_MIN("tcp.wmem_min", "net.ipv4.tcp_wmem", 4096, 1024, 1 << 30, "smallest send buffer"),
    TCP_WMEM_DEFAULT("tcp.wmem_default", "net.ipv4.tcp_wmem", 16_384, 1024, 1 << 30, "initial send buffer"),
    TCP_WMEM_MAX("tcp.wmem_max", "net.ipv4.tcp_wmem", 4_194_304, 1024, 1 << 30, "largest send buffer"),
    NET_WMEM_MAX("net.wmem_max", "net.core.wmem_max", 212_992, 4608, Integer.MAX_VALUE / 2,
            "largest SO_SNDBUF an application may set (doubled, as Linux)"),
    NET_RMEM_MAX("net.rmem_max", "net.core.rmem_max", 4_194_304, 2304, Integer.MAX_VALUE / 2,
            "largest SO_RCVBUF an application may set (doubled, as Linux)"),
    TCP_TIMESTAMPS("tcp.timestamps", "net.ipv4.tcp_timestamps", 1, 0, 255,
            "offer and accept RFC 7323 timestamps; 1: TSval with a secret offset per address pair, 2..255: without"),
    TCP_SACK("tcp.sack", "net.ipv4.tcp_sack", 1, 0, 255, "offer and accept SACK (RFC 2018)"),
    TCP_ECN("tcp.ecn", "net.ipv4.tcp_ecn", 2, 0, 2,
            "ECN (RFC 3168): 0 off; 1 requested in our SYNs and accepted; 2 accepted when a SYN requests it"),
    TCP_WINDOW_SCALING("tcp.window_scaling", "net.ipv4.tcp_window_scaling", 1, 0, 255,
            "offer and accept window scaling (RFC 7323)"),
    TCP_CHALLENGE_ACK_LIMIT("tcp.challenge_ack_limit", "net.ipv4.tcp_challenge_ack_limit", Integer.MAX_VALUE,
            0, Integer.MAX_VALUE, "challenge ACKs per second for the whole stack (RFC 5961 §7)"),
    TCP_INVALID_RATELIMIT("tcp.invalid_ratelimit_ms", "net.ipv4.tcp_invalid_ratelimit", 500, 0, 60_000,
            "least milliseconds between duplicate ACKs or challenge ACKs on one connection"),
    TCP_RFC1337("tcp.rfc1337", "net.ipv4.tcp_rfc1337", 0, 0, 255,
            "1: a RST in TIME_WAIT does not end the wait early (RFC 1337)"),
    TCP_TW_REUSE("tcp.tw_reuse", "net.ipv4.tcp_tw_reuse", 2, 0, 2,
            "connect() may take over a TIME_WAIT 4-tuple that had timestamps: 0 never, 1 after tw_reuse_delay_ms, "
                    + "2 only for loopback addresses (a port locked by bind() always may)"),
    TCP_TW_REUSE_DELAY("tcp.tw_reuse_delay_ms", "net.ipv4.tcp_tw_reuse_delay", 1000, 1, 60_000,
            "milliseconds a TIME_WAIT record must have existed before tw_reuse lets connect() take it over"),
    TCP_TIMEWAIT_LEN("tcp.timewait_len_s", "TCP_TIMEWAIT_LEN", 60, 1, 600, "TIME_WAIT duration, 2MSL (F12)"),
    TCP_TIMEOUT_INIT("tcp.timeout_init_ms", "TCP_TIMEOUT_INIT", 1000, 10, 60_000,
            "first SYN and SYN-ACK retransmission timeout (H4, H10)"),
    TCP_RTO_MIN("tcp.rto_min_ms", "TCP_RTO_MIN", 200, 1, 60_000, "smallest retransmission timeout"),
    TCP_RTO_MAX("tcp.rto_max_ms", "TCP_RTO_MAX", 120_000, 100, 600_000, "largest retransmission timeout"),
    TCP_DELACK_MIN("tcp.delack_min_ms", "TCP_DELACK_MIN", 40, 1, 1000, "shortest delayed-ACK timeout"),
    TCP_DELACK_MAX("tcp.delack_max_ms", "TCP_DELACK_MAX", 200, 1, 1000, "longest delayed-ACK timeout"),
    TCP_DSACK("tcp.dsack", "net.ipv4.tcp_dsack", 1, 0, 255, "report duplicates with D-SACK blocks (RFC 2883)"),
    TCP_APP_WIN("tcp.app_win", "net.ipv4.tcp_app_win", 31, 0, 31,
            "the receive buffer's 1/2^n kept out of the window for the application (tcp_init_buffer_space)"),
    TCP_MODERATE_RCVBUF("tcp.moderate_rcvbuf", "net.ipv4.tcp_moderate_rcvbuf", 1, 0, 255,
            "1: grow the receive buffer to the measured rate (tcp_rcv_space_adjust), up to tcp_rmem[2]"),
    TCP_SHRINK_WINDOW("tcp.shrink_window", "net.ipv4.tcp_shrink_window", 0, 0, 1,
            "1: with window scaling, the advertised right edge may move back (RFC 7323 §2.4)"),
    TCP_PINGPONG_THRESH("tcp.pingpong_thresh", "net.ipv4.tcp_pingpong_thresh", 1, 1, 255,
            "replies within the ACK timeout that make a connection interactive (ACKs then wait for data)"),
    TCP_REORDERING("tcp.reordering", "net.ipv4.tcp_reordering", 3, 1, 300,
            "duplicate ACKs (or SACKed segments) that mean a loss: fast retransmit's threshold"),
    TCP_MAX_REORDERING("tcp.max_reordering", "net.ipv4.tcp_max_reordering", 300, 1, 65_535,
            "largest reordering degree (segments) the sender learns from SACKs"),
    TCP_RECOVERY("tcp.recovery", "net.ipv4.tcp_recovery", 1, 0, 255,
            "RACK-TLP loss detection (RFC 8985, always on as in Linux 6.x); 0x2 keeps the reordering window "
                    + "static, 0x4 no dupthresh shortcut"),
    TCP_EARLY_RETRANS("tcp.early_retrans", "net.ipv4.tcp_early_retrans", 3, 0, 4,
            "3 or 4: tail loss probes (RFC 8985 §7); 0-2: none"),
    TCP_FRTO("tcp.frto", "net.ipv4.tcp_frto", 2, 0, 255, "F-RTO after an RTO (RFC 5682, SACK-enhanced); 0 off"),
    TCP_RETRANS_COLLAPSE("tcp.retrans_collapse", "net.ipv4.tcp_retrans_collapse", 1, 0, 255,
            "merge small segments into one when retransmitting"),
    TCP_MIN_RTT_WLEN("tcp.min_rtt_wlen_s", "net.ipv4.tcp_min_rtt_wlen", 300, 0, 86_400,
            "window of the min-RTT filter (RACK's reordering window), seconds"),
    TCP_SLOW_START_AFTER_IDLE("tcp.slow_start_after_idle", "net.ipv4.tcp_slow_start_after_idle", 1, 0, 255,
            "1: after an idle period longer than the RTO, start again from the initial window (RFC 5681 §4.1)"),
    TCP_FASTOPEN("tcp.fastopen", "net.ipv4.tcp_fastopen", 1, 0, 0xFFFFF,
            "bit 0 (0x1): Fast Open as a client (cookie requests, data in the SYN with a cached cookie, "
                    + "MSG_FASTOPEN, TCP_FASTOPEN_CONNECT); bit 2 (0x4): data in the SYN without a cookie; the "
                    + "server side is not implemented"),
    TCP_FASTOPEN_BLACKHOLE_TIMEOUT("tcp.fastopen_blackhole_timeout_sec",
            "net.ipv4.tcp_fastopen_blackhole_timeout_sec", 0, 0, Integer.MAX_VALUE,
            "seconds active Fast Open pauses after a middlebox seems to drop it (doubling per repeat, at most "
                    + "64x); 0 never pauses"),
    TCP_NOTSENT_LOWAT("tcp.notsent_lowat", "net.ipv4.tcp_notsent_lowat", 0xFFFF_FFFFL, 0, 0xFFFF_FFFFL,
            "unsent bytes past which a socket is not writeable (poll: half of it); TCP_NOTSENT_LOWAT overrides"),
    TCP_MIN_TSO_SEGS("tcp.min_tso_segs", "net.ipv4.tcp_min_tso_segs", 2, 1, 255,
            "fewest segments a GSO packet is allowed to carry (tcp_tso_autosize)"),
    TCP_TSO_WIN_DIVISOR("tcp.tso_win_divisor", "net.ipv4.tcp_tso_win_divisor", 3, 0, 255,
            "a GSO packet is not deferred once this fraction of the window can go (0: three MSS)"),
    TCP_TSO_RTT_LOG("tcp.tso_rtt_log", "net.ipv4.tcp_tso_rtt_log", 9, 0, 31,
            "GSO packets grow for short RTTs: 64 KiB halved per 2^N us of min RTT"),
    TCP_PACING_SS_RATIO("tcp.pacing_ss_ratio", "net.ipv4.tcp_pacing_ss_ratio", 200, 0, 1000,
            "pacing rate in slow start, percent of cwnd x mss / srtt (it sizes GSO packets)"),
    TCP_PACING_CA_RATIO("tcp.pacing_ca_ratio", "net.ipv4.tcp_pacing_ca_ratio", 120, 0, 1000,
            "pacing rate in congestion avoidance, percent of cwnd x mss / srtt"),
    TCP_CONGESTION_CONTROL("tcp.congestion_control", "net.ipv4.tcp_congestion_control", 1, 0, 1,
            "0 reno (RFC 5681/6582), 1 cubic (RFC 9438, Linux's default)"),
    TCP_INIT_CWND("tcp.init_cwnd", "TCP_INIT_CWND", 10, 1, 1000, "initial congestion window, segments (RFC 6928)"),
    TCP_MSS("tcp.mss", "MTU − 40", 1460, 88, 9000, "the MSS this stack advertises (device MTU minus 40)"),
    TCP_MIN_SND_MSS("tcp.min_snd_mss", "net.ipv4.tcp_min_snd_mss", 48, 48, 65535,
            "floor under the peer's announced MSS before the options are subtracted (tcp_mtu_to_mss)"),
    TCP_GSO_MAX_BYTES("tcp.gso_max_bytes", "gso_max_size", 0, 0, 65_535,
            "largest segment the output may emit at once; 0 = one MSS (real links segment at MSS)"),
    XDP_SYN_COOKIES("xdp.syn_cookies", "-", 2, 0, 2,
            "AF_XDP: 1 answers SYNs in the XDP program with the engine's own cookie SYN-ACK (XDP_TX) whenever the "
                    + "engine would send a cookie (tcp.syncookies=2, or 1 with a full SYN queue); 0 sends every "
                    + "SYN to the engine; 2 is 1 except on a veth in native mode, which delivers XDP_TX frames "
                    + "only to a peer running an XDP program of its own"),
    STACK_MAX_CONNECTIONS("stack.max_connections", "-", 65_536, 16, 1 << 24,
            "full sockets one worker can hold (preallocated)"),
    STACK_RX_BURST("stack.rx_burst", "-", 64, 1, 4096, "frames taken from the ring per poll"),
    STACK_TIMER_BUDGET("stack.timer_budget", "-", 1024, 1, 1 << 20, "timers expired per poll at most"),
    STACK_WARMUP_CONNECTIONS("stack.warmup_connections", "-", 0, 0, 1024,
            "connections run through two throwaway in-memory engines before serving, so the first real ones do not"
                    + " pay for class loading (0: none; off by default: it trains the JIT on the in-memory link, and"
                    + " the two-queue AF_XDP lab then saw client retransmissions it never sees without)"),
    TEST_COOKIE_IGNORES_MSS("test.cookie_ignores_mss", "-", 0, 0, 1,
            "TEST ONLY, never in production: 1 makes a connection built from a SYN cookie use the stack's own MSS "
                    + "instead of the one the cookie encoded (a deliberately broken target for `stress --matrix`)");

    private final String key;
    private final String linuxName;
    private final long defaultValue;
    private final long min;
    private final long max;
    private final String description;

    Knob(String key, String linuxName, long defaultValue, long min, long max, String description) {
        this.key = key;
        this.linuxName = linuxName;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.description = description;
    }

    /** @return the TOML key, {@code section.name} */
    public String key() {
        return key;
    }

    /** @return the sysctl, kernel constant or socket option this mirrors ({@code -} when Fastpath's own) */
    public String linuxName() {
        return linuxName;
    }

    /** @return the default (Linux's) */
    public long defaultValue() {
        return defaultValue;
    }

    /** @return the smallest allowed value */
    public long min() {
        return min;
    }

    /** @return the largest allowed value */
    public long max() {
        return max;
    }

    /** @return what the knob does */
    public String description() {
        return description;
    }

    /**
     * @param key a TOML key
     * @return the knob, or null
     */
    public static Knob byKey(String key) {
        for (Knob k : values()) {
            if (k.key.equals(key)) {
                return k;
            }
        }
        return null;
    }

    /**
     * @param name a symbolic value, as Linux writes it (only tcp_congestion_control has them)
     * @return its number, or −1 when the knob has no such name
     */
    public long namedValue(String name) {
        if (this == TCP_CONGESTION_CONTROL) {
            return switch (name) {
                case "reno" -> 0;
                case "cubic" -> 1;
                default -> -1;
            };
        }
        return -1;
    }

    /** @return the symbolic values this knob takes, comma-separated, or "" (Linux writes only these by name) */
    public String valueNames() {
        return this == TCP_CONGESTION_CONTROL ? "reno, cubic" : "";
    }

    /**
     * An on/off knob takes a TOML boolean too ({@code sack = true}); a knob whose values have names or more
     * than two meanings does not ({@code congestion_control = true} says nothing).
     *
     * @return whether {@code true}/{@code false} are accepted for 1/0
     */
    public boolean acceptsBoolean() {
        return min == 0 && (max == 1 || linuxU8Flag()) && valueNames().isEmpty();
    }

    /**
     * Linux 6.x keeps these on/off sysctls in a u8 written through proc_dou8vec_minmax without bounds, so it
     * takes 0..255 and reads any non-zero value as on (tcp_timestamps: 1 with offsets, any other non-zero value
     * without); measured with {@code sysctl -w} on 6.18 (256 and -1 refused). tcp_shrink_window is bounded 0..1.
     *
     * @return whether this is such a flag (its range here is 0..255 as Linux's)
     */
    public boolean linuxU8Flag() {
        return switch (this) {
            case TCP_ABORT_ON_OVERFLOW, TCP_TIMESTAMPS, TCP_SACK, TCP_WINDOW_SCALING, TCP_RFC1337, TCP_DSACK,
                 TCP_MODERATE_RCVBUF, TCP_SLOW_START_AFTER_IDLE, TCP_FRTO, TCP_RETRANS_COLLAPSE -> true;
            default -> false;
        };
    }
}
