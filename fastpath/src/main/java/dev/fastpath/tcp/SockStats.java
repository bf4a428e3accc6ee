package dev.fastpath.tcp;

/**
 * A connection's own counters and chronographs, the ones Linux keeps in {@code struct tcp_sock} for TCP_INFO
 * (RFC 4898 statistics, tcp_chrono_*, the RTO totals of Linux 6.7). Updated where Linux updates them (see each
 * field); read only by {@link TcpGetInfo}. Allocated with the connection's queues when it first connects or
 * is accepted (listeners and unconnected sockets have none) and kept when the socket returns to the pool.
 */
final class SockStats {
    /** tcp_chrono types, in Linux's priority order (a higher one takes over from a lower). */
    static final int CHRONO_UNSPEC = 0;
    static final int CHRONO_BUSY = 1;
    static final int CHRONO_RWND_LIMITED = 2;
    static final int CHRONO_SNDBUF_LIMITED = 3;

    /** bytes_acked: every advance of snd_una by an ACK (tcp_snd_una_update()), the SYN's and FIN's included. */
    long bytesAcked;
    /** bytes_received: every advance of rcv_nxt after the handshake (tcp_rcv_nxt_update()), the FIN included. */
    long bytesReceived;
    /** bytes_sent / bytes_retrans: payload handed to the device, and the retransmitted part of it. */
    long bytesSent;
    long bytesRetrans;
    /** segs_out / data_segs_out (__tcp_transmit_skb()), segs_in / data_segs_in (tcp_segs_in()). */
    int segsOut;
    int dataSegsOut;
    int segsIn;
    int dataSegsIn;
    /** total_retrans: segments retransmitted, SYNs included (tcp_retransmit_skb()). */
    int totalRetrans;
    /** delivered: segments the peer acknowledged (tcp_clean_rtx_queue()), the handshake's one included. */
    int delivered;
    /** rcv_ooopack: segments queued out of order (tcp_data_queue_ofo()). */
    int rcvOoopack;
    /** timeout_rehash: RTOs after which Linux picks a new flow hash (tcp_write_timeout()). */
    int timeoutRehash;
    /** total_rto, total_rto_recoveries, total_rto_time (ms), rto_stamp (tcp_update_rto_stats()). */
    int totalRto;
    int totalRtoRecoveries;
    long totalRtoTimeMs;
    long rtoStampMs = -1;
    /** lsndtime: when data (new or old) last left (tcp_event_data_sent()). */
    long lsndtimeNs;
    /** icsk_pmtu_cookie: the path MTU the MSS was last synced to (tcp_sync_mss()), 0 before. */
    int pmtuCookie;
    /** Fast Open client bits (TcpFastOpen.SYN_*, the client-fail code) and the SYN's data until the SYN-ACK. */
    int fastOpen;
    int synDataLen;
    byte[] synData;
    /** chrono_type, chrono_start (ms) and chrono_stat[] (ms, one per type) of tcp_chrono_set(). */
    int chronoType;
    long chronoStartMs;
    private long chronoBusyMs;
    private long chronoRwndMs;
    private long chronoSndbufMs;

    void clear() {
        bytesAcked = 0;
        bytesReceived = 0;
        bytesSent = 0;
        bytesRetrans = 0;
        segsOut = 0;
        dataSegsOut = 0;
        segsIn = 0;
        dataSegsIn = 0;
        totalRetrans = 0;
        delivered = 0;
        rcvOoopack = 0;
        timeoutRehash = 0;
        totalRto = 0;
        totalRtoRecoveries = 0;
        totalRtoTimeMs = 0;
        rtoStampMs = -1;
        lsndtimeNs = 0;
        pmtuCookie = 0;
        fastOpen = 0;
        synDataLen = 0;
        chronoType = CHRONO_UNSPEC;
        chronoStartMs = 0;
        chronoBusyMs = 0;
        chronoRwndMs = 0;
        chronoSndbufMs = 0;
    }

    /** Linux's tcp_jiffies32 with HZ=1000: the chronographs and RTO totals count whole milliseconds. */
    static long jiffies(long nowNs) {
        return Math.floorDiv(nowNs, TcpEngine.MS);
    }

    /** A segment left: segs_out, and for payload data_segs_out, bytes_sent, lsndtime (__tcp_transmit_skb()). */
    void onTransmit(int len, boolean retransmission, long nowNs) {
        segsOut++;
        if (len > 0) {
            dataSegsOut++;
            bytesSent += len;
            lsndtimeNs = nowNs;
            if (retransmission) {
                totalRetrans++;
                bytesRetrans += len;
            }
        } else if (retransmission) {
            totalRetrans++; // a SYN or FIN resent
        }
    }

    /** Kernel: tcp_segs_in(). */
    void onReceive(int payloadLen) {
        segsIn++;
        if (payloadLen > 0) {
            dataSegsIn++;
        }
    }

    /** Kernel: tcp_update_rto_stats(), run before icsk_retransmits is raised. */
    void tcpUpdateRtoStats(int retransmitsBefore, long nowNs) {
        if (retransmitsBefore == 0) {
            totalRtoRecoveries++;
            rtoStampMs = jiffies(nowNs);
        }
        totalRto++;
    }

    /** Kernel: tcp_update_rto_time(): leaving CA_Loss closes the RTO recovery's time. */
    void tcpUpdateRtoTime(long nowNs) {
        if (rtoStampMs >= 0) {
            totalRtoTimeMs += jiffies(nowNs) - rtoStampMs;
            rtoStampMs = -1;
        }
    }

    private void tcpChronoSet(int type, long nowNs) {
        long now = jiffies(nowNs);
        switch (chronoType) {
            case CHRONO_BUSY -> chronoBusyMs += now - chronoStartMs;
            case CHRONO_RWND_LIMITED -> chronoRwndMs += now - chronoStartMs;
            case CHRONO_SNDBUF_LIMITED -> chronoSndbufMs += now - chronoStartMs;
            default -> { }
        }
        chronoStartMs = now;
        chronoType = type;
    }

    /** Kernel: tcp_chrono_start(): a more interesting condition takes over. */
    void tcpChronoStart(int type, long nowNs) {
        if (type > chronoType) {
            tcpChronoSet(type, nowNs);
        }
    }

    /** Kernel: tcp_chrono_stop(): back to busy while data is queued, else no chronograph. */
    void tcpChronoStop(int type, boolean queuesEmpty, long nowNs) {
        if (queuesEmpty) {
            tcpChronoSet(CHRONO_UNSPEC, nowNs);
        } else if (type == chronoType) {
            tcpChronoSet(CHRONO_BUSY, nowNs);
        }
    }

    /** Kernel: tcp_get_info_chrono_stats(): µs per type, the running one up to now. */
    long chronoUs(int type, long nowNs) {
        long ms = type == CHRONO_BUSY ? chronoBusyMs : type == CHRONO_RWND_LIMITED ? chronoRwndMs : chronoSndbufMs;
        if (type == chronoType) {
            ms += jiffies(nowNs) - chronoStartMs;
        }
        return ms * 1000;
    }
}
