package dev.fastpath.tcp;

import static dev.fastpath.uapi.TcpInfo.put;

import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.TcpInfo;
import java.util.Arrays;

/**
 * getsockopt(TCP_INFO) as Linux 6.18 answers it. Kernel: tcp.c tcp_get_info(), tcp_get_info_chrono_stats(),
 * do_tcp_getsockopt() case TCP_INFO. The struct is {@link TcpInfo}'s 280-byte layout; a shorter buffer gets
 * the struct's first bytes and the length copied, a longer one 280.
 *
 * <p>The sender's fields (ca_state, unacked, sacked, lost, retrans, reordering, delivered, delivery_rate, dsack_dups,
 * reord_seen, min_rtt) come from its scoreboard, {@link TcpSender}. Fields left 0 because the engine has nothing
 * behind them yet (docs/design.md lists them with reasons): the ECN and AccECN fields, last_ack_sent and
 * fackets (Linux never sets them).
 */
final class TcpGetInfo {
    /** Linux TCP_INFINITE_SSTHRESH. */
    private static final int INFINITE_SSTHRESH = 0x7FFF_FFFF;
    /** What a socket that never connected reports: nothing counted. */
    private static final SockStats NONE = new SockStats();
    /** tcp_min_rtt() before the first sample: minmax_reset(..., ~0U). */
    private static final long MIN_RTT_NONE = 0xFFFF_FFFFL;

    private TcpGetInfo() {
    }

    /**
     * Kernel: do_tcp_getsockopt(TCP_INFO): min(optlen as unsigned, sizeof(info)) bytes copied.
     *
     * @return bytes written into {@code optval} (the new optlen), or −EINVAL for a negative optlen, −EFAULT
     *     when optval is shorter than that
     */
    static int getsockopt(TcpEngine e, TcpSock s, byte[] optval, int optlen, long nowNs) {
        if (optlen < 0) {
            return -Errno.EINVAL; // the socket layer refuses a negative optlen before TCP sees it
        }
        int len = Math.min(optlen, TcpInfo.SIZE);
        if (optval == null || optval.length < len) {
            return -Errno.EFAULT;
        }
        byte[] info = new byte[TcpInfo.SIZE];
        tcpGetInfo(e, s, info, nowNs);
        System.arraycopy(info, 0, optval, 0, len);
        return len;
    }

    /** Kernel: tcp_get_info(). Fills all 280 bytes of {@code b}. */
    static void tcpGetInfo(TcpEngine e, TcpSock s, byte[] b, long nowNs) {
        Arrays.fill(b, 0, TcpInfo.SIZE, (byte) 0);
        put(b, TcpInfo.STATE, s.state);
        // Fields meaningful in every state, listeners included.
        long pacing = s.sendQueue == null ? Long.MAX_VALUE : s.sendQueue.pacingRate;
        put(b, TcpInfo.PACING_RATE, pacing == Long.MAX_VALUE ? -1L : pacing); // ~0UL: not set
        put(b, TcpInfo.MAX_PACING_RATE, -1L); // SO_MAX_PACING_RATE is not offered: ~0UL
        TcpSender t = s.snd;
        put(b, TcpInfo.REORDERING, t == null || !s.synchronizedState() ? e.params.reordering() : t.reordering);
        put(b, TcpInfo.SND_CWND, s.sndCwnd > 0 ? s.sndCwnd : e.params.initCwnd());
        if (s.state == TcpState.LISTEN) {
            // Aliased: tcpi_unacked is the accept queue, tcpi_sacked the backlog.
            put(b, TcpInfo.UNACKED, s.acceptQueue == null ? 0 : s.acceptQueue.size());
            put(b, TcpInfo.SACKED, s.backlog);
            return;
        }
        SockStats st = s.stats == null ? NONE : s.stats;
        put(b, TcpInfo.CA_STATE, t == null ? 0 : t.caState);
        put(b, TcpInfo.RETRANSMITS, s.retransmits);
        put(b, TcpInfo.PROBES, Math.max(s.probesOut, s.keepaliveProbes));
        put(b, TcpInfo.BACKOFF, s.backoff);
        int options = (s.tsOk ? TcpInfo.OPT_TIMESTAMPS : 0) | (s.sackOk ? TcpInfo.OPT_SACK : 0)
                | ((st.fastOpen & TcpFastOpen.SYN_DATA_ACKED) != 0 ? TcpInfo.OPT_SYN_DATA : 0)
                | (s.ecn != null ? TcpInfo.OPT_ECN : 0);
        put(b, TcpInfo.FLAGS7, TcpFastOpen.clientFail(st) << 1); // tcpi_fastopen_client_fail:2 after app_limited:1
        if (s.wscaleOk) {
            options |= TcpInfo.OPT_WSCALE;
            put(b, TcpInfo.WSCALE, (s.sndWscale & 0xF) | (s.rcvWscale & 0xF) << 4);
        }
        put(b, TcpInfo.OPTIONS, options);
        put(b, TcpInfo.RTO, s.rtoNs / 1000);
        put(b, TcpInfo.SND_MSS, s.mss);
        if (t != null) {
            senderFields(t, s.mss, b);
        }
        put(b, TcpInfo.LAST_DATA_SENT, ageMs(st.lsndtimeNs, nowNs));
        put(b, TcpInfo.LAST_ACK_RECV, ageMs(s.lastRcvNs, nowNs));
        put(b, TcpInfo.PMTU, st.pmtuCookie);
        put(b, TcpInfo.RTT, s.srttNs / 1000);
        put(b, TcpInfo.RTTVAR, s.rttvarNs / 1000);
        put(b, TcpInfo.SND_SSTHRESH, Math.min(s.ssthresh, INFINITE_SSTHRESH));
        put(b, TcpInfo.ADVMSS, s.advMss);
        put(b, TcpInfo.TOTAL_RETRANS, st.totalRetrans);
        put(b, TcpInfo.BYTES_ACKED, st.bytesAcked);
        put(b, TcpInfo.BYTES_RECEIVED, st.bytesReceived);
        put(b, TcpInfo.SEGS_OUT, st.segsOut);
        put(b, TcpInfo.SEGS_IN, st.segsIn);
        put(b, TcpInfo.DATA_SEGS_OUT, st.dataSegsOut);
        put(b, TcpInfo.DATA_SEGS_IN, st.dataSegsIn);
        // The handshake's SYN or SYN-ACK (SockStats) and what the scoreboard saw ACKed or SACKed since.
        put(b, TcpInfo.DELIVERED, st.delivered + (t == null ? 0 : t.delivered));
        put(b, TcpInfo.BYTES_SENT, st.bytesSent);
        put(b, TcpInfo.BYTES_RETRANS, st.bytesRetrans);
        put(b, TcpInfo.RCV_OOOPACK, st.rcvOoopack);
        put(b, TcpInfo.SND_WND, s.sndWnd);
        put(b, TcpInfo.RCV_WND, s.advertisedWnd);
        put(b, TcpInfo.REHASH, st.timeoutRehash);
        put(b, TcpInfo.TOTAL_RTO, st.totalRto);
        put(b, TcpInfo.TOTAL_RTO_RECOVERIES, st.totalRtoRecoveries);
        long rtoTime = st.totalRtoTimeMs + (st.rtoStampMs >= 0 ? SockStats.jiffies(nowNs) - st.rtoStampMs : 0);
        put(b, TcpInfo.TOTAL_RTO_TIME, rtoTime);
        if (s.synchronizedState() && s.sendQueue != null) {
            put(b, TcpInfo.NOTSENT_BYTES, Math.max(0, TcpSend.writeSeq(s) - TcpXmit.sndHigh(s)));
        }
        receiverFields(s, b, nowNs);
        chronoStats(st, b, nowNs);
    }

    /** The receiver's side: icsk_ack.ato and rcv_mss, lrcvtime, rcv_ssthresh, rcv_rtt_est, rcvq_space. */
    private static void receiverFields(TcpSock s, byte[] b, long nowNs) {
        RcvState rx = s.rx;
        if (rx == null) {
            put(b, TcpInfo.LAST_DATA_RECV, ageMs(0, nowNs));
            return;
        }
        put(b, TcpInfo.ATO, rx.atoNs / 1000);
        put(b, TcpInfo.RCV_MSS, rx.rcvMss);
        put(b, TcpInfo.LAST_DATA_RECV, ageMs(rx.lastDataRcvNs, nowNs));
        put(b, TcpInfo.RCV_SSTHRESH, rx.rcvSsthresh);
        put(b, TcpInfo.RCV_RTT, rx.rcvRttUs8 >> 3);
        put(b, TcpInfo.RCV_SPACE, rx.rcvqSpace);
    }

    /** Kernel: tcp_get_info_chrono_stats(): busy time is all three chronographs together. */
    private static void chronoStats(SockStats st, byte[] b, long nowNs) {
        long busy = st.chronoUs(SockStats.CHRONO_BUSY, nowNs);
        long rwnd = st.chronoUs(SockStats.CHRONO_RWND_LIMITED, nowNs);
        long sndbuf = st.chronoUs(SockStats.CHRONO_SNDBUF_LIMITED, nowNs);
        put(b, TcpInfo.BUSY_TIME, busy + rwnd + sndbuf);
        put(b, TcpInfo.RWND_LIMITED, rwnd);
        put(b, TcpInfo.SNDBUF_LIMITED, sndbuf);
    }

    /** jiffies_to_msecs(now - stamp). */
    private static long ageMs(long stampNs, long nowNs) {
        return SockStats.jiffies(nowNs) - SockStats.jiffies(stampNs);
    }

    /**
     * tcp_get_info()'s sender half: the scoreboard's counters (Linux packets_out, sacked_out, lost_out,
     * retrans_out), the delivery rate of the best recent sample (rate_delivered × mss_cache ÷ rate_interval_us,
     * bytes/s) and its app-limited bit, D-SACKs and reorderings seen, tcp_min_rtt() (~0U before a sample).
     */
    private static void senderFields(TcpSender t, int mss, byte[] b) {
        put(b, TcpInfo.UNACKED, t.packetsOut);
        put(b, TcpInfo.SACKED, t.sackedOut);
        put(b, TcpInfo.LOST, t.lostOut);
        put(b, TcpInfo.RETRANS, t.retransOut);
        if (t.rateDelivered != 0 && t.rateIntervalUs != 0) {
            put(b, TcpInfo.DELIVERY_RATE, (long) t.rateDelivered * mss * 1_000_000L / t.rateIntervalUs);
        }
        if (t.rateAppLimited) {
            put(b, TcpInfo.FLAGS7, b[TcpInfo.FLAGS7] | 1); // tcpi_delivery_rate_app_limited, bit 0 of byte 7
        }
        put(b, TcpInfo.DSACK_DUPS, t.dsackDups);
        put(b, TcpInfo.REORD_SEEN, t.reordSeen);
        long minRtt = t.minRttUs();
        put(b, TcpInfo.MIN_RTT, minRtt >= MIN_RTT_NONE ? MIN_RTT_NONE : minRtt);
    }
}
