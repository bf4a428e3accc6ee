package dev.fastpath.tcp;

/**
 * The Fast Open client's data in the SYN (RFC 7413 §4.1), as Linux sends and settles it. Kernel:
 * tcp_fastopen.c tcp_fastopen_cookie_check(), tcp_output.c tcp_send_syn_data(), tcp_input.c
 * tcp_rcv_fastopen_synack().
 *
 * <ul>
 *   <li>A SYN carries data when a cookie for the server is cached (or net.ipv4.tcp_fastopen has
 *       TFO_CLIENT_NO_COOKIE: then data and no option): at most one segment of the cached MSS less 40 bytes
 *       of option room (MAX_TCP_OPTION_SPACE), as much of the write as fits. The bytes count as sent: snd_nxt
 *       is past them, and the write returns what the SYN took.</li>
 *   <li>Only the first SYN carries the option or data: a retransmitted SYN is a plain one.</li>
 *   <li>The SYN-ACK: the server's MSS (and its cookie, if we asked for one) go to the cache. If it acknowledges
 *       all the data, the connection counts as TFO (TCPI_OPT_SYN_DATA); what it leaves unacknowledged is
 *       retransmitted at once, and that retransmission carries the handshake's ACK.</li>
 * </ul>
 */
final class TcpFastOpen {
    /** tcp_fastopen_client_fail values (tcpi_fastopen_client_fail). */
    static final int TFO_COOKIE_UNAVAILABLE = 1;
    static final int TFO_DATA_NOT_ACKED = 2;
    static final int TFO_SYN_RETRANSMITTED = 3;
    /** TcpSock.fastOpen bits: the SYN carried the option (syn_fastopen), data (syn_data), the data was acked. */
    static final int SYN_FASTOPEN = 1;
    static final int SYN_DATA = 2;
    static final int SYN_DATA_ACKED = 4;
    /** The SYN's option was the experimental form (syn_fastopen_exp). */
    static final int SYN_FASTOPEN_EXP = 8;
    /** Fast Open was allowed again after a blackhole pause: a success resets the pause (syn_fastopen_ch). */
    static final int SYN_FASTOPEN_CH = 16;
    /** The SYN carries no Fast Open option at all: Fast Open is paused (cookie.len = -1). */
    static final int SYN_NO_OPTION = 32;
    private static final int FAIL_SHIFT = 8;
    /** The longest pause is 2^6 blackhole timeouts. */
    private static final int MAX_DISABLE_SHIFT = 6;
    /** MAX_TCP_OPTION_SPACE. */
    private static final int MAX_TCP_OPTION_SPACE = 40;
    /** TFO_CLIENT_ENABLE and TFO_CLIENT_NO_COOKIE bits of net.ipv4.tcp_fastopen. */
    static final long TFO_CLIENT_ENABLE = 1;
    private static final long TFO_CLIENT_NO_COOKIE = 4;

    private TcpFastOpen() {
    }

    static int clientFail(SockStats st) {
        return st.fastOpen >>> FAIL_SHIFT;
    }

    private static void setClientFail(TcpSock s, int fail) {
        s.stats.fastOpen = (s.stats.fastOpen & ((1 << FAIL_SHIFT) - 1)) | fail << FAIL_SHIFT;
    }

    /**
     * Kernel: tcp_fastopen_cookie_check(): whether the SYN may carry data — a cookie is cached for the server, or
     * none is needed.
     */
    static boolean cookieCheck(TcpEngine e, TcpSock s, long nowNs) {
        if (activeShouldDisable(e, s, nowNs)) {
            s.stats.fastOpen |= SYN_NO_OPTION; // a plain SYN, no cookie request either
            return false;
        }
        if ((e.params.fastOpen() & TFO_CLIENT_NO_COOKIE) != 0 || e.fastOpen.find(s.remoteIp) >= 0) {
            return true;
        }
        setClientFail(s, TFO_COOKIE_UNAVAILABLE);
        return false;
    }

    /**
     * Kernel: tcp_send_syn_data(). The SYN with as much of {@code src} as one SYN takes; SYN_SENT follows.
     *
     * @return bytes the SYN carries (0 when the write was empty)
     */
    static int tcpSendSynData(TcpEngine e, TcpSock s, byte[] src, int off, int len, long nowNs) {
        int cached = e.fastOpen.mss(s.remoteIp);
        int clamp = cached > 0 ? cached : s.mssClamp; // tcp_fastopen_cache_get(), else advmss
        if (s.userMss > 0 && s.userMss < clamp) {
            clamp = s.userMss; // tcp_mss_clamp()
        }
        int mtuMss = Math.max(Math.min(s.stats.pmtuCookie - 40, clamp), 48); // __tcp_mtu_to_mss()
        int space = Math.max(0, Math.min(mtuMss - MAX_TCP_OPTION_SPACE, len));
        if (s.stats.synData == null || s.stats.synData.length < space) {
            s.stats.synData = new byte[Math.max(space, 64)];
        }
        System.arraycopy(src, off, s.stats.synData, 0, space);
        s.stats.synDataLen = space;
        TcpXmit.tcpTransmitSyn(e, s, s.stats.synData, space, nowNs);
        s.sndNxt = s.iss + 1 + space;
        if (space > 0) {
            s.stats.fastOpen |= SYN_DATA;
            s.stats.tcpChronoStart(SockStats.CHRONO_BUSY, nowNs);
        }
        return space;
    }

    /**
     * Kernel: tcp_rcv_fastopen_synack(), after the SYN-ACK's ACK was taken (snd_una moved). Caches the server's
     * MSS and cookie; puts the SYN's data in the send queue as sent and acknowledged as far as the ACK says;
     * retransmits the rest.
     *
     * @return true when data was retransmitted (it carries the ACK: no separate one is due)
     */
    static boolean tcpRcvFastopenSynack(TcpEngine e, TcpSock s, int peerMss, int cookieLength, long cookieHi,
            long cookieLo, boolean cookieExp, long nowNs) {
        int flags = s.stats.fastOpen;
        if ((flags & (SYN_FASTOPEN | SYN_DATA)) != 0) {
            int cookie = cookieLength;
            int tryExp = 0;
            if ((flags & SYN_FASTOPEN) == 0) {
                cookie = -1; // an unsolicited cookie is ignored
            } else if (s.stats.totalRetrans == 0 && cookie < 0 && (flags & SYN_DATA) == 0) {
                // asked for a cookie and got none: ask in the experimental form next time or, when this was
                // that form, go back to RFC 7413's for good
                tryExp = (flags & SYN_FASTOPEN_EXP) != 0 ? 2 : 1;
            }
            e.fastOpen.update(s.remoteIp, peerMss, Math.max(cookie, 0), cookieHi, cookieLo, cookieExp, tryExp);
        }
        int len = s.stats.synDataLen;
        s.stats.synDataLen = 0;
        if (len == 0) {
            return false;
        }
        SendQueue q = s.sendQueue;
        int acked = s.sndUna - (s.iss + 1);
        int rest = len - acked;
        if (rest <= 0) {
            s.stats.fastOpen |= SYN_DATA_ACKED; // syn_data_acked: this connection is a Fast Open one
            e.counters.inc(TcpStat.TcpExtTCPFastOpenActive);
            s.stats.tcpChronoStop(SockStats.CHRONO_BUSY, true, nowNs); // tcp_clean_rtx_queue(): all acked
            return false;
        }
        // The unacknowledged part is in flight: in the queue as one sent skb (PSH, as tcp_send_syn_data() marks
        // it), then marked lost and retransmitted (tcp_non_congestion_loss_retransmit()).
        q.ensureRoom(rest);
        q.entail();
        q.append(s.stats.synData, acked, rest);
        q.growTail(rest);
        q.wqSetFlags(0, SendQueue.F_PSH, 0);
        int mss = Math.max(TcpXmit.tcpCurrentMss(e, s), 1);
        q.transmitHead(rest, mss, nowNs);
        setClientFail(s, s.stats.totalRetrans > 0 ? TFO_SYN_RETRANSMITTED : TFO_DATA_NOT_ACKED);
        e.counters.inc(TcpStat.TcpExtTCPFastOpenActiveFail);
        TcpSender t = s.snd;
        for (int seq = s.sndUna; Seq.before(seq, s.sndNxt); seq += mss) { // one record a segment, all lost
            int end = Seq.before(seq + mss, s.sndNxt) ? seq + mss : s.sndNxt;
            TcpWriteXmit.tcpEventNewDataSent(e, s, seq, end, end == s.sndNxt ? TcpSender.F_PSH : 0, nowNs);
            TcpRecovery.tcpMarkSkbLost(e, s, t.tail - 1);
        }
        TcpRecovery.tcpNonCongestionLossRetransmit(e, s, nowNs);
        return true;
    }

    /**
     * Whether the SYN carries the Fast Open option (the cached cookie, or a request for one; Linux
     * tcp_syn_options()): only the first SYN of a Fast Open connect, and never in TFO_CLIENT_NO_COOKIE mode.
     */
    static boolean synOption(TcpEngine e, TcpSock s) {
        int sysctl = e.params.fastOpen();
        if (!s.fastOpenConnect || (sysctl & TFO_CLIENT_ENABLE) == 0 || (sysctl & TFO_CLIENT_NO_COOKIE) != 0
                || s.retransmits > 0 || (s.stats.fastOpen & SYN_NO_OPTION) != 0) {
            return false;
        }
        s.stats.fastOpen |= SYN_FASTOPEN;
        return true;
    }

    // ---- middleboxes that drop Fast Open: active Fast Open pauses (tcp_fastopen.c) ----

    /**
     * Kernel: tcp_fastopen_active_disable(). Fast Open looks blackholed on this path: pause it for every server,
     * for net.ipv4.tcp_fastopen_blackhole_timeout_sec (0: never), doubled per repeat.
     */
    static void activeDisable(TcpEngine e, long nowNs) {
        if (e.params.fastOpenBlackholeTimeoutNs() == 0) {
            return;
        }
        e.fastOpen.disableStampNs = nowNs;
        e.fastOpen.disableTimes++;
        e.counters.inc(TcpStat.TcpExtTCPFastOpenBlackhole);
    }

    /**
     * Kernel: tcp_fastopen_active_should_disable(): whether the pause still runs (timeout × 2^(times − 1), at most
     * 2^6). Past it, the socket is marked so that its success ends the pauses.
     */
    static boolean activeShouldDisable(TcpEngine e, TcpSock s, long nowNs) {
        long timeout = e.params.fastOpenBlackholeTimeoutNs();
        int times = e.fastOpen.disableTimes;
        if (timeout == 0 || times == 0) {
            return false;
        }
        long until = e.fastOpen.disableStampNs + (timeout << Math.min(times - 1, MAX_DISABLE_SHIFT));
        if (nowNs - until < 0) {
            return true;
        }
        s.stats.fastOpen |= SYN_FASTOPEN_CH;
        return false;
    }

    /**
     * Kernel: tcp_fastopen_active_disable_ofo_check(), as the socket goes: a Fast Open connection that got a FIN
     * out of order and never any data was likely cut by a middlebox; one that did get data after a pause ended
     * the pauses.
     */
    static void activeDisableOfoCheck(TcpEngine e, TcpSock s, long nowNs) {
        if (s.stats == null || (s.stats.fastOpen & SYN_FASTOPEN) == 0) {
            return;
        }
        if (s.stats.dataSegsIn == 0) {
            if (s.rx != null && s.rx.finPending) {
                activeDisable(e, nowNs);
            }
        } else if ((s.stats.fastOpen & SYN_FASTOPEN_CH) != 0) {
            e.fastOpen.disableTimes = 0;
        }
    }

    /**
     * Kernel: tcp_fastopen_active_detect_blackhole(), from tcp_write_timeout(): a Fast Open connection at its
     * third timeout in a row (or giving up sooner) pauses Fast Open.
     *
     * @param timeouts the timeouts before this one (icsk_retransmits)
     */
    static void activeDetectBlackhole(TcpEngine e, TcpSock s, int timeouts, boolean expired, long nowNs) {
        if (s.stats != null && (s.stats.fastOpen & (SYN_FASTOPEN | SYN_DATA | SYN_DATA_ACKED)) != 0
                && (timeouts == 2 || timeouts < 2 && expired)) {
            activeDisable(e, nowNs);
            e.counters.inc(TcpStat.TcpExtTCPFastOpenActiveFail);
        }
    }

    /**
     * Kernel: tcp_validate_incoming(): an in-window RST not at rcv_nxt on an established Fast Open connection
     * that has received no data yet pauses Fast Open.
     */
    static void outOfOrderRst(TcpEngine e, TcpSock s, long nowNs) {
        if (s.stats != null && (s.stats.fastOpen & SYN_FASTOPEN) != 0 && s.stats.dataSegsIn == 0
                && s.state == TcpState.ESTABLISHED) {
            activeDisable(e, nowNs);
        }
    }
}
