package dev.fastpath.tcp;

import dev.fastpath.wire.TcpOptions;

/**
 * Where a SYN's options meet ours, in one place: which options a connection gets, the MSS we advertise, the
 * peer's MSS and the sending MSS (the windows are {@link TcpWindow}'s). The listen path, the cookie check, the
 * active open and the XDP program (through the table {@link XdpCookieOffload} publishes, computed here) all
 * ask here.
 *
 * <p>An options set is a small bit set: {@link #WSCALE}, {@link #SACK}, {@link #TS}, {@link #ECN}.
 */
final class SynOptions {
    static final int WSCALE = 1;
    static final int SACK = 2;
    static final int TS = 4;
    /** An ECN-setup SYN (ECE and CWR, RFC 3168 §6.1.1) / an ECN-setup SYN-ACK (ECE). */
    static final int ECN = 8;
    /** Every combination of the four bits. */
    static final int COMBINATIONS = 16;
    /** Linux TCP_MSS_DEFAULT: the peer's MSS when its SYN has none (RFC 9293 §3.7.1). */
    static final int TCP_MSS_DEFAULT = 536;
    /** Linux TCPOLEN_TSTAMP_ALIGNED: what the timestamps option costs every segment. */
    static final int TCPOLEN_TSTAMP_ALIGNED = 12;
    /** Linux TCP_MAX_WSCALE (RFC 7323 §2.3). */
    static final int TCP_MAX_WSCALE = 14;

    private SynOptions() {
    }

    /** @return the options set present in a SYN's options (before our sysctls are applied) */
    static int present(TcpOptions o, boolean ecnSetup) {
        return (o.windowScale() >= 0 ? WSCALE : 0) | (o.sackPermitted() ? SACK : 0) | (o.hasTimestamps() ? TS : 0)
                | (ecnSetup ? ECN : 0);
    }

    /**
     * The options a connection made from a SYN that offered {@code present} gets, which its SYN-ACK offers back.
     * Kernel: tcp_parse_options() with estab = 0 takes window scale, SACK and timestamps only while their sysctl
     * is on; tcp_conn_request() then, for a cookie SYN without timestamps, calls tcp_clear_options(): the TSval
     * is the only place a cookie keeps them, so the SYN-ACK offers none (and inet_rsk(req)->ecn_ok = 0). ECN is
     * taken when the SYN is an ECN-setup SYN (TcpEcn.ecnSetupSyn) and tcp_ecn is 1 or 2.
     *
     * @param present what the SYN carried ({@link #present})
     * @param cookie  whether the SYN is answered with a cookie
     * @return the accepted set
     */
    static int accepted(TcpEngine e, int present, boolean cookie) {
        int set = present;
        if (!e.params.windowScaling()) {
            set &= ~WSCALE;
        }
        if (!e.params.sack()) {
            set &= ~SACK;
        }
        if (!e.params.timestamps()) {
            set &= ~TS;
        }
        if (e.params.ecn() == 0) {
            set &= ~ECN; // tcp_ecn_create_request(): ecn_ok needs tcp_ecn 1 or 2
        }
        if (cookie && (set & TS) == 0) {
            set = 0;
        }
        return set;
    }

    /**
     * The MSS we advertise in a SYN or SYN-ACK. Kernel: tcp_mss_clamp(): the route's advmss ({@code tcp.mss}),
     * lowered by TCP_MAXSEG when that is smaller.
     */
    static int advertisedMss(TcpEngine e, int userMss) {
        int advmss = e.params.mss();
        return userMss > 0 && userMss < advmss ? userMss : advmss;
    }

    /**
     * The peer's MSS from its SYN (Linux rx_opt.mss_clamp). Kernel: tcp_parse_options(): an MSS option of 0 is
     * ignored, none means TCP_MSS_DEFAULT, TCP_MAXSEG lowers a larger one.
     */
    static int peerMss(TcpOptions o, int userMss) {
        int mss = o.mss();
        if (mss <= 0) {
            return TCP_MSS_DEFAULT;
        }
        return userMss > 0 && userMss < mss ? userMss : mss;
    }

    /** @return the peer's window scale, capped at 14 (tcp_parse_options) */
    static int peerWscale(TcpOptions o) {
        return Math.min(o.windowScale(), TCP_MAX_WSCALE);
    }

    /**
     * The MSS a connection sends with. Kernel: tcp_mtu_to_mss(): the path's MSS ({@code tcp.mss}, MTU − 40)
     * lowered to the peer's, raised to tcp_min_snd_mss (48: a peer announcing 0..47 cannot make us send
     * tiny segments), then less the timestamps option — at least 36 bytes of payload, never zero or below.
     *
     * @param peerMss the peer's MSS (Linux rx_opt.mss_clamp)
     * @param ts      whether timestamps ride on every segment
     */
    static int sendMss(TcpEngine e, int peerMss, boolean ts) {
        int mss = Math.min(e.params.mss(), peerMss);
        mss = Math.max(mss, e.params.minSndMss());
        return mss - (ts ? TCPOLEN_TSTAMP_ALIGNED : 0);
    }
}
