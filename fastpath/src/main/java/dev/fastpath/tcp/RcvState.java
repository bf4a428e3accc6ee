package dev.fastpath.tcp;

/**
 * The receiver's less-used state, allocated with the connection's rings (like its out-of-order
 * ranges): the SACK blocks it reports and the autotuning measurements. Linux keeps these in
 * {@code struct tcp_sock} (selective_acks[], num_sacks, rcvq_space, rcv_rtt_est).
 */
final class RcvState {
    /** The SACK blocks we report, most recent first (Linux selective_acks[], num_sacks). */
    final int[] sackStart = new int[TcpAck.NUM_SACKS];
    final int[] sackEnd = new int[TcpAck.NUM_SACKS];
    int numSacks;
    /** Bytes the application consumed in the last measured RTT, and where and when that RTT began (rcvq_space). */
    int rcvqSpace;
    int rcvqSeq;
    long rcvqTimeNs;
    /** The receiver's RTT estimate × 8 in µs, and the measurement in progress (rcv_rtt_est). */
    long rcvRttUs8;
    int rcvRttSeq;
    long rcvRttTimeNs;
    int rcvRttLastTsecr;

    // Receive path (Linux tcp_sock / icsk_ack fields).
    /** Bytes held in the out-of-order queue (their share of Linux sk_rmem_alloc). */
    int ofoBytes;
    int lastSegSize;
    /** When the delayed ACK is due (Linux icsk_ack.timeout). */
    long delackTimeoutNs;
    /** The delayed-ACK timeout (Linux icsk_ack.ato); 0 until the first data arrives. */
    long atoNs;
    /** When data last arrived (Linux icsk_ack.lrcvtime). */
    long lastDataRcvNs;
    /** Our estimate of the peer's MSS (Linux icsk_ack.rcv_mss, last_seg_size). */
    int rcvMss;
    /** Receive-side limits (Linux rcv_ssthresh, window_clamp) and our advertised MSS (advmss). */
    int rcvSsthresh;
    /** ACKs still to send at once before delaying (Linux icsk_ack.quick); set by the first data. */
    int quickAcks;
    int finPendingSeq;
    int dsackStart;
    int dsackEnd;
    /** A FIN that arrived out of order: processed once rcv_nxt reaches it. */
    boolean finPending;
    /** RFC 2883: a duplicate to report as the first SACK block of the next ACK (Linux rx_opt.dsack). */
    boolean dsackPending;

    void clear() {
        numSacks = 0;
        rcvqSpace = 0;
        rcvqSeq = 0;
        rcvqTimeNs = 0;
        rcvRttUs8 = 0;
        rcvRttSeq = 0;
        rcvRttTimeNs = 0;
        rcvRttLastTsecr = 0;
        ofoBytes = 0;
        lastSegSize = 0;
        delackTimeoutNs = 0;
        atoNs = 0;
        lastDataRcvNs = 0;
        rcvMss = 0;
        rcvSsthresh = 0;
        quickAcks = 0;
        finPendingSeq = 0;
        dsackStart = 0;
        dsackEnd = 0;
        finPending = false;
        dsackPending = false;
    }
}
