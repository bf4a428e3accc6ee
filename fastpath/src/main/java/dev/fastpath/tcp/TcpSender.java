package dev.fastpath.tcp;

/**
 * The sender half of Linux's {@code struct tcp_sock}. The retransmission queue keeps one record per
 * transmitted segment, as the kernel keeps one skb (TCP_SKB_CB: sequence range, the {@code sacked} tag bits,
 * the send time and the delivery snapshot of tcp_rate_skb_sent()); records also form the time-sorted list
 * RACK walks ({@code tsorted_sent_queue}). Beside them: the scoreboard counts (packets_out, sacked_out,
 * lost_out, retrans_out), the congestion state machine (icsk_ca_state, high_seq, undo, PRR), RACK, TLP,
 * F-RTO, delivery-rate sampling and the RTT estimator. One per connection, reused with the socket.
 *
 * <p>Records live in a ring addressed by absolute positions (slot = position &amp; mask): appends at the
 * tail, frees at the head, and a rare split or merge in the middle shifts the rest. The ring grows by
 * doubling (allocation only then) up to {@link #MAX_RECORDS}; a full ring stops new data as Linux's
 * send-buffer accounting would.
 */
final class TcpSender {
    // TCP_SKB_CB(skb)->sacked bits.
    static final int SACKED_ACKED = 0x01;
    static final int SACKED_RETRANS = 0x02;
    static final int LOST = 0x04;
    static final int TAGBITS = 0x07;
    static final int EVER_RETRANS = 0x80;
    static final int RETRANS = SACKED_RETRANS | EVER_RETRANS;
    // Record flags: what the segment carried as sent, and the tx.is_app_limited snapshot.
    static final int F_FIN = 1;
    static final int F_PSH = 2;
    static final int F_EOR = 4;
    static final int F_APP_LIMITED = 8;
    /** The delivery snapshot was used (tx.delivered_mstamp cleared once SACKed). */
    static final int F_TX_USED = 16;
    // icsk_ca_state.
    static final int CA_OPEN = 0;
    static final int CA_DISORDER = 1;
    static final int CA_CWR = 2;
    static final int CA_RECOVERY = 3;
    static final int CA_LOSS = 4;
    // icsk_pending for the retransmit timer.
    static final int TIME_RETRANS = 1;
    static final int TIME_REO_TIMEOUT = 2;
    static final int TIME_LOSS_PROBE = 3;
    static final int NIL = -1;
    private static final int UNLINKED = -2;
    static final int MAX_RECORDS = 1 << 16;
    private static final int INITIAL_RECORDS = 64;

    private int[] rSeq;
    private int[] rEnd;
    private byte[] rSacked;
    private byte[] rFlags;
    private long[] rXmitNs;
    private int[] rTxDelivered;
    private long[] rTxDeliveredNs;
    private long[] rTxFirstTxNs;
    private int[] tsNext;
    private int[] tsPrev;
    private int mask;
    /** Absolute positions of the first record and one past the last. */
    int head;
    int tail;
    /** Oldest and newest (re)transmission among un-SACKed records (tsorted_sent_queue). */
    int tsHead = NIL;
    int tsTail = NIL;

    // Scoreboard (segments).
    int packetsOut;
    int sackedOut;
    int lostOut;
    int retransOut;
    /** The record after the highest SACKed one (tp->highest_sack), NIL when past the tail. */
    int highestSack = NIL;
    /** Where tcp_xmit_retransmit_queue() resumes (retransmit_skb_hint), NIL: from the head. */
    int retransmitHint = NIL;

    // Congestion state machine.
    int caState;
    int highSeq;
    int priorSsthresh;
    int priorCwnd;
    boolean undoMarkerSet;
    int undoMarker;
    int undoRetrans = -1;
    int prrDelivered;
    int prrOut;
    int reordering;
    int reordSeen;
    boolean isSackReneg;
    boolean frto;
    /** TLP episode: tlp_high_seq (valid when tlpHighSeqSet) and whether the probe was a retransmission. */
    boolean tlpHighSeqSet;
    int tlpHighSeq;
    boolean tlpRetrans;
    /** When the first retransmission of the episode went out (retrans_stamp), TSval clock; 0 none. */
    int retransStamp;
    boolean retransStampSet;
    /** icsk_retransmits: RTOs of the current episode. */
    int timeoutRetransmits;

    // Counters as tcp_info reports them.
    int lost;
    int delivered;
    int totalRetrans;
    int dsackDups;
    long bytesRetrans;
    long bytesAcked;
    int sndCwndUsed;
    long sndCwndStampNs;

    // Delivery rate (tcp_rate.c).
    long deliveredNs;
    long firstTxNs;
    /** tp->app_limited: the delivered count at which the application-limited bubble ends; 0 none. */
    int appLimited;
    int rateDelivered;
    long rateIntervalUs;
    boolean rateAppLimited;

    // RACK (RFC 8985, tcp_recovery.c).
    long rackXmitNs;
    int rackEndSeq;
    long rackRttUs;
    boolean rackAdvanced;
    int rackReoWndSteps = 1;
    int rackReoWndPersist;
    boolean rackDsackSeen;
    int rackLastDelivered;

    // RTT (tcp_rtt_estimator): scaled as Linux's srtt_us (×8) and mdev_us (×4), in microseconds.
    long srtt8Us;
    long mdev4Us;
    long mdevMax4Us;
    long rttvar4Us;
    int rttSeq;
    /** tp->rtt_min: a windowed minimum over three samples (lib/win_minmax.c), µs; times in ms. */
    final long[] minRttUs = new long[3];
    final long[] minRttMs = new long[3];

    // The retransmit timer's event (icsk_pending) and when it fires.
    int pending;
    long timeoutNs;

    // The rate sample of the ACK being processed (struct rate_sample).
    int rsPriorDelivered;
    boolean rsHavePrior;
    long rsPriorNs;
    long rsIntervalUs;
    boolean rsIsAppLimited;
    boolean rsIsRetrans;
    int rsLastEndSeq;
    long rsRttUs;
    int rsDelivered;
    int rsLosses;
    int rsAckedSacked;
    boolean rsIsAckDelayed;
    int rsPriorInFlight;

    // SACK tagging of the ACK being processed (struct tcp_sacktag_state), and its sorted blocks.
    boolean stHaveSackt;
    long stFirstSacktNs;
    long stLastSacktNs;
    int stReord;
    int stSackDelivered;
    int stFlag;
    final int[] sackStarts = new int[4];
    final int[] sackEnds = new int[4];

    /** tcp_mstamp: the time of the event being processed. */
    long mstampNs;
    /** The ACK being processed echoed a timestamp (rx_opt.saw_tstamp and rcv_tsecr). */
    boolean ackTsecrValid;
    int ackTsecr;
    /** sk_pacing_rate, bytes per second (~0 until the first RTT sample). */

    // CUBIC (struct bictcp) and HyStart.
    int cubicCnt;
    int cubicLastMaxCwnd;
    int cubicLastCwnd;
    long cubicLastTimeMs;
    int cubicOriginPoint;
    long cubicK;
    long cubicDelayMinUs;
    long cubicEpochStartMs;
    boolean cubicEpochSet;
    int cubicAckCnt;
    int cubicTcpCwnd;
    int hystartSampleCnt;
    boolean hystartFound;
    long hystartRoundStartUs;
    int hystartEndSeq;
    long hystartLastAckUs;
    long hystartCurrRttUs;

    TcpSender() {
        allocate(INITIAL_RECORDS);
    }

    private void allocate(int n) {
        rSeq = new int[n];
        rEnd = new int[n];
        rSacked = new byte[n];
        rFlags = new byte[n];
        rXmitNs = new long[n];
        rTxDelivered = new int[n];
        rTxDeliveredNs = new long[n];
        rTxFirstTxNs = new long[n];
        tsNext = new int[n];
        tsPrev = new int[n];
        mask = n - 1;
    }

    /** Back to a fresh connection's state (tcp_init_sock for the sender; the arrays are kept). */
    void reset(int initialReordering) {
        head = 0;
        tail = 0;
        tsHead = NIL;
        tsTail = NIL;
        packetsOut = 0;
        sackedOut = 0;
        lostOut = 0;
        retransOut = 0;
        highestSack = NIL;
        retransmitHint = NIL;
        caState = CA_OPEN;
        highSeq = 0;
        priorSsthresh = 0;
        priorCwnd = 0;
        undoMarkerSet = false;
        undoMarker = 0;
        undoRetrans = -1;
        prrDelivered = 0;
        prrOut = 0;
        reordering = initialReordering;
        reordSeen = 0;
        isSackReneg = false;
        frto = false;
        tlpHighSeqSet = false;
        tlpHighSeq = 0;
        tlpRetrans = false;
        retransStamp = 0;
        retransStampSet = false;
        timeoutRetransmits = 0;
        resetCounters();
        resetRack();
        resetRtt();
        pending = 0;
        timeoutNs = 0;
        mstampNs = 0;
        ackTsecrValid = false;
        ackTsecr = 0;
        resetCubic();
    }

    private void resetCounters() {
        lost = 0;
        delivered = 0;
        totalRetrans = 0;
        dsackDups = 0;
        bytesRetrans = 0;
        bytesAcked = 0;
        sndCwndUsed = 0;
        sndCwndStampNs = 0;
        deliveredNs = 0;
        firstTxNs = 0;
        appLimited = 0;
        rateDelivered = 0;
        rateIntervalUs = 0;
        rateAppLimited = false;
    }

    private void resetRack() {
        rackXmitNs = 0;
        rackEndSeq = 0;
        rackRttUs = 0;
        rackAdvanced = false;
        rackReoWndSteps = 1;
        rackReoWndPersist = 0;
        rackDsackSeen = false;
        rackLastDelivered = 0;
    }

    private void resetRtt() {
        srtt8Us = 0;
        mdev4Us = 0;
        mdevMax4Us = 0;
        rttvar4Us = 0;
        rttSeq = 0;
        for (int i = 0; i < 3; i++) {
            minRttUs[i] = Long.MAX_VALUE;
            minRttMs[i] = 0;
        }
    }

    void resetCubic() {
        cubicCnt = 0;
        cubicLastMaxCwnd = 0;
        cubicLastCwnd = 0;
        cubicLastTimeMs = 0;
        cubicOriginPoint = 0;
        cubicK = 0;
        cubicDelayMinUs = 0;
        cubicEpochStartMs = 0;
        cubicEpochSet = false;
        cubicAckCnt = 0;
        cubicTcpCwnd = 0;
        hystartFound = false;
    }

    // ---- records ----

    int size() {
        return tail - head;
    }

    boolean isEmpty() {
        return tail == head;
    }

    int seq(int pos) {
        return rSeq[pos & mask];
    }

    int end(int pos) {
        return rEnd[pos & mask];
    }

    void setSeq(int pos, int seq) {
        rSeq[pos & mask] = seq;
    }

    void setEnd(int pos, int end) {
        rEnd[pos & mask] = end;
    }

    int sacked(int pos) {
        return rSacked[pos & mask] & 0xFF;
    }

    void setSacked(int pos, int bits) {
        rSacked[pos & mask] = (byte) bits;
    }

    int flags(int pos) {
        return rFlags[pos & mask];
    }

    void setFlags(int pos, int flags) {
        rFlags[pos & mask] = (byte) flags;
    }

    long xmitNs(int pos) {
        return rXmitNs[pos & mask];
    }

    void setXmitNs(int pos, long ns) {
        rXmitNs[pos & mask] = ns;
    }

    int txDelivered(int pos) {
        return rTxDelivered[pos & mask];
    }

    long txDeliveredNs(int pos) {
        return rTxDeliveredNs[pos & mask];
    }

    long txFirstTxNs(int pos) {
        return rTxFirstTxNs[pos & mask];
    }

    /** tcp_rate_skb_sent(): the delivery snapshot a later (S)ACK of this record turns into a rate sample. */
    void snapshot(int pos, int deliveredNow, long deliveredAtNs, long firstTxAtNs, boolean appLimitedNow) {
        int i = pos & mask;
        rTxDelivered[i] = deliveredNow;
        rTxDeliveredNs[i] = deliveredAtNs;
        rTxFirstTxNs[i] = firstTxAtNs;
        int fl = rFlags[i] & ~(F_APP_LIMITED | F_TX_USED);
        rFlags[i] = (byte) (appLimitedNow ? fl | F_APP_LIMITED : fl);
    }

    boolean txDeliveredValid(int pos) {
        return (rFlags[pos & mask] & F_TX_USED) == 0;
    }

    void clearTxDelivered(int pos) {
        rFlags[pos & mask] |= F_TX_USED;
    }

    boolean full() {
        return size() == MAX_RECORDS;
    }

    /**
     * A segment of new data went out (tcp_event_new_data_sent moves the skb to the rtx queue).
     *
     * @return its position
     */
    int append(int seq, int end, int flags, long nowNs) {
        if (size() == mask + 1) {
            grow();
        }
        if (tail == Integer.MAX_VALUE) {
            renumber();
        }
        int pos = tail++;
        int i = pos & mask;
        rSeq[i] = seq;
        rEnd[i] = end;
        rSacked[i] = 0;
        rFlags[i] = (byte) flags;
        rXmitNs[i] = nowNs;
        tsPrev[i] = UNLINKED;
        tsNext[i] = UNLINKED;
        tsAppend(pos);
        return pos;
    }

    /** Frees the head record (cumulatively acknowledged). */
    void removeHead() {
        int pos = head;
        tsUnlink(pos);
        if (highestSack == pos) {
            highestSack = head + 1 == tail ? NIL : head + 1;
        }
        if (retransmitHint == pos) {
            retransmitHint = NIL;
        }
        head++;
        if (head == tail) {
            head = 0;
            tail = 0;
            highestSack = NIL;
            retransmitHint = NIL;
        }
    }

    /** @return the position of the record holding {@code seq}, or NIL (tcp_sacktag_bsearch) */
    int find(int seq) {
        int lo = head;
        int hi = tail - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Seq.before(seq, seq(mid))) {
                hi = mid - 1;
            } else if (!Seq.before(seq, end(mid))) {
                lo = mid + 1;
            } else {
                return mid;
            }
        }
        return NIL;
    }

    /**
     * Kernel: tcp_fragment() in the rtx queue. Splits the record at {@code pos} at {@code splitSeq}; the new
     * second part follows it in both lists and takes the FIN and PSH.
     */
    void split(int pos, int splitSeq) {
        if (size() == mask + 1) {
            grow();
        }
        for (int q = tail; q > pos + 1; q--) {
            copy(q - 1, q);
        }
        tail++;
        shiftLinks(pos + 1, 1);
        int a = pos & mask;
        int b = (pos + 1) & mask;
        rSeq[b] = splitSeq;
        rEnd[b] = rEnd[a];
        rEnd[a] = splitSeq;
        rSacked[b] = rSacked[a];
        rFlags[b] = rFlags[a];
        rFlags[a] = (byte) (rFlags[a] & ~(F_FIN | F_PSH | F_EOR));
        rXmitNs[b] = rXmitNs[a];
        rTxDelivered[b] = rTxDelivered[a];
        rTxDeliveredNs[b] = rTxDeliveredNs[a];
        rTxFirstTxNs[b] = rTxFirstTxNs[a];
        if (tsPrev[a] == UNLINKED) {
            tsPrev[b] = UNLINKED;
            tsNext[b] = UNLINKED;
        } else {
            int next = tsNext[a];
            tsPrev[b] = pos;
            tsNext[b] = next;
            tsNext[a] = pos + 1;
            if (next == NIL) {
                tsTail = pos + 1;
            } else {
                tsPrev[next & mask] = pos + 1;
            }
        }
        if (highestSack != NIL && highestSack > pos) {
            highestSack++;
        }
        if (retransmitHint != NIL && retransmitHint > pos) {
            retransmitHint++;
        }
    }

    /** Removes the record at {@code pos} (merged into its predecessor by tcp_collapse_retrans()). */
    void removeAt(int pos) {
        tsUnlink(pos);
        for (int q = pos; q < tail - 1; q++) {
            copy(q + 1, q);
        }
        tail--;
        shiftLinks(pos + 1, -1);
        if (highestSack != NIL && highestSack > pos) {
            highestSack = highestSack - 1 < tail ? highestSack - 1 : NIL;
        } else if (highestSack == pos) {
            highestSack = pos < tail ? pos : NIL;
        }
        if (retransmitHint != NIL && retransmitHint >= pos) {
            retransmitHint = retransmitHint > pos ? retransmitHint - 1 : pos - 1;
        }
    }

    private void copy(int from, int to) {
        int f = from & mask;
        int t = to & mask;
        rSeq[t] = rSeq[f];
        rEnd[t] = rEnd[f];
        rSacked[t] = rSacked[f];
        rFlags[t] = rFlags[f];
        rXmitNs[t] = rXmitNs[f];
        rTxDelivered[t] = rTxDelivered[f];
        rTxDeliveredNs[t] = rTxDeliveredNs[f];
        rTxFirstTxNs[t] = rTxFirstTxNs[f];
        tsNext[t] = tsNext[f];
        tsPrev[t] = tsPrev[f];
    }

    /** Every time-list link at or beyond {@code from} moves by {@code by} (records shifted in the ring). */
    private void shiftLinks(int from, int by) {
        for (int q = head; q < tail; q++) {
            int i = q & mask;
            if (tsNext[i] >= from) {
                tsNext[i] += by;
            }
            if (tsPrev[i] >= from) {
                tsPrev[i] += by;
            }
        }
        if (tsHead >= from) {
            tsHead += by;
        }
        if (tsTail >= from) {
            tsTail += by;
        }
    }

    private void grow() {
        int n = mask + 1;
        int[] seqs = rSeq;
        int[] ends = rEnd;
        byte[] sack = rSacked;
        byte[] fl = rFlags;
        long[] xmit = rXmitNs;
        int[] txd = rTxDelivered;
        long[] txdNs = rTxDeliveredNs;
        long[] txfNs = rTxFirstTxNs;
        int[] next = tsNext;
        int[] prev = tsPrev;
        int oldMask = mask;
        allocate(n * 2);
        for (int q = head; q < tail; q++) {
            int f = q & oldMask;
            int t = q & mask;
            rSeq[t] = seqs[f];
            rEnd[t] = ends[f];
            rSacked[t] = sack[f];
            rFlags[t] = fl[f];
            rXmitNs[t] = xmit[f];
            rTxDelivered[t] = txd[f];
            rTxDeliveredNs[t] = txdNs[f];
            rTxFirstTxNs[t] = txfNs[f];
            tsNext[t] = next[f];
            tsPrev[t] = prev[f];
        }
    }

    /** Positions restart from 0 (they are absolute and would overflow after 2^31 records): rare. */
    private void renumber() {
        int n = size();
        int oldHead = head;
        int by = -head;
        shiftLinks(head, by);
        int[] seqs = rSeq.clone();
        int[] ends = rEnd.clone();
        byte[] sack = rSacked.clone();
        byte[] fl = rFlags.clone();
        long[] xmit = rXmitNs.clone();
        int[] txd = rTxDelivered.clone();
        long[] txdNs = rTxDeliveredNs.clone();
        long[] txfNs = rTxFirstTxNs.clone();
        int[] next = tsNext.clone();
        int[] prev = tsPrev.clone();
        for (int q = 0; q < n; q++) {
            int f = (oldHead + q) & mask;
            int t = q & mask;
            rSeq[t] = seqs[f];
            rEnd[t] = ends[f];
            rSacked[t] = sack[f];
            rFlags[t] = fl[f];
            rXmitNs[t] = xmit[f];
            rTxDelivered[t] = txd[f];
            rTxDeliveredNs[t] = txdNs[f];
            rTxFirstTxNs[t] = txfNs[f];
            tsNext[t] = next[f];
            tsPrev[t] = prev[f];
        }
        highestSack = highestSack == NIL ? NIL : highestSack + by;
        retransmitHint = retransmitHint == NIL ? NIL : retransmitHint + by;
        head = 0;
        tail = n;
    }

    // ---- the time-sorted list ----

    boolean tsLinked(int pos) {
        return tsPrev[pos & mask] != UNLINKED;
    }

    int tsNext(int pos) {
        return tsNext[pos & mask];
    }

    /** list_move_tail(&skb->tcp_tsorted_anchor, &tp->tsorted_sent_queue). */
    void tsAppend(int pos) {
        tsUnlink(pos);
        int i = pos & mask;
        tsPrev[i] = tsTail;
        tsNext[i] = NIL;
        if (tsTail == NIL) {
            tsHead = pos;
        } else {
            tsNext[tsTail & mask] = pos;
        }
        tsTail = pos;
    }

    /** list_del_init(&skb->tcp_tsorted_anchor). */
    void tsUnlink(int pos) {
        int i = pos & mask;
        if (tsPrev[i] == UNLINKED) {
            return;
        }
        int prev = tsPrev[i];
        int next = tsNext[i];
        if (prev == NIL) {
            tsHead = next;
        } else {
            tsNext[prev & mask] = next;
        }
        if (next == NIL) {
            tsTail = prev;
        } else {
            tsPrev[next & mask] = prev;
        }
        tsPrev[i] = UNLINKED;
        tsNext[i] = UNLINKED;
    }

    // ---- derived values ----

    /** Kernel: tcp_packets_in_flight(). */
    int inFlight() {
        return packetsOut - (sackedOut + lostOut) + retransOut;
    }

    /** Kernel: tcp_in_cwnd_reduction(). */
    boolean inCwndReduction() {
        return caState == CA_CWR || caState == CA_RECOVERY;
    }

    /** Kernel: tcp_min_rtt() in µs; Long.MAX_VALUE before the first sample. */
    long minRttUs() {
        return minRttUs[0];
    }

    /** Kernel: tcp_highest_sack_seq(). */
    int highestSackSeq(int sndUna, int sndNxt) {
        if (sackedOut == 0) {
            return sndUna;
        }
        return highestSack == NIL ? sndNxt : seq(highestSack);
    }
}
