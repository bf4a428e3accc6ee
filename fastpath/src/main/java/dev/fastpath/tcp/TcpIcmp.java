package dev.fastpath.tcp;

import dev.fastpath.uapi.Errno;
import dev.fastpath.table.ConnectionTable;

/**
 * ICMP errors for our connections. Kernel: tcp_ipv4.c tcp_v4_err(), tcp_v4_mtu_reduced(); the
 * error table is icmp.c icmp_err_convert[]. The network layer has already checked that the message
 * is an ICMP error quoting a TCP segment we sent and pulled the quoted 4-tuple and sequence number
 * out of it; here the connection is found, the sequence number checked against what is in flight,
 * and the error applied the way Linux applies it:
 *
 * <ul>
 *   <li>RFC 1191 fragmentation needed: the path MTU (and so the MSS) only goes down, never below
 *       Linux's ip_rt_min_pmtu (552), and what is in flight is resent at the new size;</li>
 *   <li>SYN_SENT / SYN_RECV: the error is hard, the connection attempt ends with it (connect() fails
 *       with, e.g., ECONNREFUSED for port unreachable);</li>
 *   <li>any other state: RFC 1122 §4.2.3.9 — the connection keeps trying; the error is only
 *       recorded as the soft error (Linux sk_err_soft; IP_RECVERR is not supported, so never
 *       sk_err) and reported if the connection later times out.</li>
 * </ul>
 */
public final class TcpIcmp {
    /** The quoted segment belongs to no connection of ours (Linux counts ICMP_MIB_INERRORS). */
    public static final int NO_SOCKET = 0;
    /** The quoted sequence number is outside snd_una..snd_nxt (TcpExtOutOfWindowIcmps). */
    public static final int OUT_OF_WINDOW = 1;
    /** A type or code TCP does not act on, or a TIME_WAIT record. */
    public static final int IGNORED = 2;
    /** A connection attempt was aborted with the error. */
    public static final int ABORTED = 3;
    /** The error was recorded as the connection's soft error. */
    public static final int SOFT_ERROR = 4;
    /** Fragmentation needed: the path MTU went down. */
    public static final int MTU_REDUCED = 5;
    /** Fragmentation needed, but the MTU was not below the current path MTU. */
    public static final int MTU_UNCHANGED = 6;

    static final int TYPE_DEST_UNREACH = 3;
    static final int TYPE_SOURCE_QUENCH = 4;
    static final int TYPE_REDIRECT = 5;
    static final int TYPE_TIME_EXCEEDED = 11;
    static final int TYPE_PARAMETERPROB = 12;
    static final int CODE_NET_UNREACH = 0;
    static final int CODE_HOST_UNREACH = 1;
    static final int CODE_FRAG_NEEDED = 4;
    /** Linux NR_ICMP_UNREACH: the highest destination-unreachable code. */
    static final int NR_ICMP_UNREACH = 15;
    /** Linux ip_rt_min_pmtu (512 + 20 + 20). */
    static final int MIN_PMTU = 552;
    /** Linux TCP_MIN_SND_MSS. */
    static final int MIN_SND_MSS = 48;

    // errno values Errno does not name yet (Linux asm-generic/errno.h).
    static final int ENONET = Errno.ENONET;
    static final int EPROTO = Errno.EPROTO;
    static final int EMSGSIZE = Errno.EMSGSIZE;
    static final int EHOSTDOWN = Errno.EHOSTDOWN;

    /** icmp_err_convert[code].errno for destination unreachable, codes 0..15. */
    private static final int[] UNREACH_ERRNO = {
        Errno.ENETUNREACH, Errno.EHOSTUNREACH, Errno.ENOPROTOOPT, Errno.ECONNREFUSED, EMSGSIZE, Errno.EOPNOTSUPP,
        Errno.ENETUNREACH, EHOSTDOWN, ENONET, Errno.ENETUNREACH, Errno.EHOSTUNREACH, Errno.ENETUNREACH,
        Errno.EHOSTUNREACH, Errno.EHOSTUNREACH, Errno.EHOSTUNREACH, Errno.EHOSTUNREACH,
    };

    private TcpIcmp() {
    }

    /**
     * @param e          the engine
     * @param type       ICMP type
     * @param code       ICMP code
     * @param info       next-hop MTU for fragmentation needed (RFC 1191), else unused
     * @param localIp    the quoted segment's source (us)
     * @param remoteIp   its destination
     * @param localPort  its source port
     * @param remotePort its destination port
     * @param seq        its sequence number
     * @param nowNs      the current time
     * @return one of the result constants
     */
    static int tcpV4Err(TcpEngine e, int type, int code, int info, int localIp, int remoteIp, int localPort,
            int remotePort, int seq, long nowNs) {
        int id = e.established.get(ConnectionTable.addresses(localIp, remoteIp),
                ConnectionTable.ports(localPort, remotePort));
        if (id == ConnectionTable.MISSING) {
            RequestSock r = e.listen.findRequest(localIp, remoteIp, localPort, remotePort);
            if (r != null) {
                return tcpReqErr(e, r, type, code, seq);
            }
            // A TIME_WAIT record has nothing to report to; Linux returns quietly (inet_twsk_put).
            return e.timeWait.find(localIp, remoteIp, localPort, remotePort) >= 0 ? IGNORED : NO_SOCKET;
        }
        TcpSock s = e.sock(id);
        if (s == null || s.state == TcpState.CLOSE) {
            return IGNORED;
        }
        // RFC 5927 §4.1 / Linux: only a message quoting bytes we have in flight is believed (blind ICMP attacks).
        if (s.state != TcpState.LISTEN && !between(seq, s.sndUna, s.sndNxt)) {
            e.counters.inc(TcpStat.TcpExtOutOfWindowIcmps);
            return OUT_OF_WINDOW;
        }
        int err;
        switch (type) {
            case TYPE_PARAMETERPROB -> err = EPROTO;
            case TYPE_TIME_EXCEEDED -> err = Errno.EHOSTUNREACH;
            case TYPE_DEST_UNREACH -> {
                if (code < 0 || code > NR_ICMP_UNREACH) {
                    return IGNORED;
                }
                if (code == CODE_FRAG_NEEDED) {
                    return tcpV4MtuReduced(e, s, info, nowNs);
                }
                err = UNREACH_ERRNO[code];
            }
            default -> {
                return IGNORED; // redirects are the route's business; source quench is deprecated (RFC 6633)
            }
        }
        if (s.state == TcpState.SYN_SENT || s.state == TcpState.SYN_RECV) {
            e.counters.inc(TcpStat.TcpAttemptFails); // tcp_done() counts an attempt that never connected
            e.tcpDone(s, err);
            return ABORTED;
        }
        s.softError = err;
        return SOFT_ERROR;
    }

    /**
     * Kernel: tcp_req_err(). An error about our SYN-ACK for a request in the SYN queue: a quoted sequence
     * number other than the SYN-ACK's is counted and ignored; a hard error (parameter problem, time
     * exceeded, net or host unreachable) removes the request silently — accept() must not report
     * network errors (POSIX) — and counts as a listen drop.
     */
    private static int tcpReqErr(TcpEngine e, RequestSock r, int type, int code, int seq) {
        if (seq != r.iss) {
            e.counters.inc(TcpStat.TcpExtOutOfWindowIcmps);
            return OUT_OF_WINDOW;
        }
        boolean abort = type == TYPE_PARAMETERPROB || type == TYPE_TIME_EXCEEDED
                || type == TYPE_DEST_UNREACH && (code == CODE_NET_UNREACH || code == CODE_HOST_UNREACH);
        if (!abort) {
            return IGNORED;
        }
        e.listen.drop(r);
        e.counters.inc(TcpStat.TcpExtListenDrops);
        return ABORTED;
    }

    /**
     * Kernel: tcp_v4_mtu_reduced() → tcp_sync_mss(), tcp_simple_retransmit(). A reported MTU below
     * 552 is raised to it (and the soft error becomes EMSGSIZE, as Linux when the route locks its MTU).
     */
    private static int tcpV4MtuReduced(TcpEngine e, TcpSock s, int info, long nowNs) {
        int headers = 40 + (s.tsOk ? 12 : 0);
        int current = s.mss + headers;
        int pmtu = info;
        if (pmtu < MIN_PMTU) {
            pmtu = Math.min(current, MIN_PMTU);
            s.softError = EMSGSIZE;
        }
        if (pmtu >= current) {
            return MTU_UNCHANGED; // __ip_rt_update_pmtu(): the path MTU only ever goes down
        }
        s.mss = Math.max(pmtu - headers, MIN_SND_MSS);
        if (s.stats != null) {
            s.stats.pmtuCookie = pmtu; // tcp_sync_mss()
        }
        if (s.sndNxt != s.sndUna && s.state != TcpState.SYN_SENT) {
            // The segments in flight were too big and died at the hop: resend them at the new size.
            TcpRecovery.tcpSimpleRetransmit(e, s, nowNs);
            e.out.flush();
        }
        return MTU_REDUCED;
    }

    /** Linux between(seq, low, high): low &lt;= seq &lt;= high in sequence space. */
    private static boolean between(int seq, int low, int high) {
        return Integer.compareUnsigned(seq - low, high - low) <= 0;
    }
}
