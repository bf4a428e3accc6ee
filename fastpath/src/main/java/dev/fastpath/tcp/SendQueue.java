package dev.fastpath.tcp;

/**
 * A connection's send queue kept as Linux keeps it: the bytes from snd_una to write_seq in one ring, cut
 * into skbs ({@code struct sk_buff}) that decide how the data goes out and what the queue costs.
 *
 * <ul>
 *   <li>The <b>write queue</b> ({@code sk_write_queue}): skbs not sent yet. tcp_sendmsg() appends to its
 *       tail skb until the skb reaches the size goal (or carries MSG_EOR), then starts a new one.</li>
 *   <li>The <b>retransmission queue</b> ({@code tcp_rtx_queue}): skbs sent and not yet acknowledged. A
 *       transmission takes a prefix of the write queue's head skb (tso_fragment() splits it there: the part
 *       sent keeps no PSH, the rest keeps the skb's flags) and moves it here, with the segment size it was
 *       cut to (its pcount) and when it left.</li>
 *   <li>Each skb carries TCPHDR_PSH (tcp_mark_push()) and eor (MSG_EOR: nothing is ever added to it, no
 *       retransmission merges it with the next).</li>
 *   <li><b>Memory</b> is Linux's sk_wmem_queued: every skb costs {@link #SKB_TRUESIZE} plus its bytes (tcp
 *       skbs hold their payload in page fragments, which are charged byte for byte), so tiny writes fill
 *       the send buffer long before their bytes do.</li>
 * </ul>
 *
 * Positions are a running byte count that wraps like sequence numbers; offsets are from the head
 * (snd_una). The byte ring and both skb rings grow by doubling when they must (the send buffer grows
 * with tcp_sndbuf_expand()), never shrink, and are kept when the socket returns to the pool.
 */
final class SendQueue {
    /**
     * What one skb costs beyond its payload (skb->truesize with no data): measured on this machine's Linux
     * 6.18, one byte written into a TCP send queue under TCP_REPAIR shows sk_wmem_queued 833.
     */
    static final int SKB_TRUESIZE = 832;
    /** skb flags: TCPHDR_PSH and the eor bit. */
    static final int F_PSH = 1;
    static final int F_EOR = 2;
    private static final int INITIAL_SKBS = 8;

    // The send path's own state, kept here (allocated with the connection's buffers, not in TcpSock).
    /** write_seq at the last tcp_mark_push() (Linux pushed_seq): forced_push() measures from it. */
    int pushedSeq;
    /** SOCK_NOSPACE: a writer found the send buffer full; ACKs that free enough space wake it. */
    boolean noSpace;
    /** The last write on this blocking socket returned short: the next one continues it (one sendmsg). */
    boolean sendContinues;
    /** A blocking write sleeps in sk_stream_wait_memory() until sk_stream_write_space() wakes it. */
    boolean writerWaiting;
    /** When anything last left (tp->tcp_wstamp_ns without pacing): tcp_tso_should_defer() looks at it. */
    long lastXmitNs;
    /** sk_pacing_rate in bytes per second (tcp_update_pacing_rate()); Long.MAX_VALUE until the first ACK. */
    long pacingRate = Long.MAX_VALUE;

    private byte[] data;
    private int head;
    private int size;
    /** Bytes consumed so far (wrapping): the position of the head byte. */
    private int consumed;

    // Retransmission queue: sent skbs, oldest first.
    private int[] rtxEnd = new int[INITIAL_SKBS];
    private byte[] rtxFlags = new byte[INITIAL_SKBS];
    private int[] rtxSegSize = new int[INITIAL_SKBS];
    private long[] rtxSentNs = new long[INITIAL_SKBS];
    private int rtxHead;
    private int rtxCount;
    /** Sum of the sent skbs' pcounts (Linux packets_out). */
    private int packetsOut;

    // Write queue: unsent skbs, oldest (the send head) first.
    private int[] wqEnd = new int[INITIAL_SKBS];
    private byte[] wqFlags = new byte[INITIAL_SKBS];
    private int wqHead;
    private int wqCount;
    /** Where the write queue starts (the end of the last sent byte). */
    private int sentEnd;

    SendQueue(int capacity) {
        this.data = new byte[Math.max(capacity, 64)];
    }

    /** @return queue, emptied, or a new one when there is none yet */
    static SendQueue reuse(SendQueue queue, int capacity) {
        if (queue == null) {
            return new SendQueue(capacity);
        }
        queue.clear();
        return queue;
    }

    int size() {
        return size;
    }

    int capacity() {
        return data.length;
    }

    /** Bytes the ring can still take without growing. */
    int free() {
        return data.length - size;
    }

    /** sk_wmem_queued: every skb's truesize. */
    int wmemQueued() {
        return (rtxCount + wqCount) * SKB_TRUESIZE + size;
    }

    /** @return skbs queued (both queues) */
    int skbCount() {
        return rtxCount + wqCount;
    }

    /** Makes room for {@code extra} more bytes, doubling the ring (the send buffer grew or a write overshoots). */
    void ensureRoom(int extra) {
        if (data.length - size >= extra) {
            return;
        }
        int cap = data.length;
        while (cap - size < extra) {
            cap *= 2;
        }
        byte[] d = new byte[cap];
        copyOut(0, d, 0, size);
        data = d;
        head = 0;
    }

    /** Copies bytes in at the tail (the caller has made room). */
    void append(byte[] src, int off, int len) {
        int tail = (head + size) % data.length;
        int first = Math.min(len, data.length - tail);
        System.arraycopy(src, off, data, tail, first);
        System.arraycopy(src, off + first, data, 0, len - first);
        size += len;
    }

    /**
     * Copies bytes in at the tail straight from another connection's receive ring (the one copy of a splice; the
     * caller has made room and consumes them from {@code src}).
     *
     * @param src  a receive ring
     * @param from offset in {@code src} from its head
     * @param len  bytes
     */
    void appendFrom(ByteRing src, int from, int len) {
        int tail = (head + size) % data.length;
        int first = Math.min(len, data.length - tail);
        src.copyOut(from, data, tail, first);
        src.copyOut(from + first, data, 0, len - first);
        size += len;
    }

    void copyOut(int from, byte[] dst, int off, int len) {
        int start = (head + from) % data.length;
        int first = Math.min(len, data.length - start);
        System.arraycopy(data, start, dst, off, first);
        System.arraycopy(data, 0, dst, off + first, len - first);
    }

    void clear() {
        pushedSeq = 0;
        noSpace = false;
        sendContinues = false;
        writerWaiting = false;
        lastXmitNs = 0;
        pacingRate = Long.MAX_VALUE;
        head = 0;
        size = 0;
        consumed = 0;
        rtxHead = 0;
        rtxCount = 0;
        packetsOut = 0;
        wqHead = 0;
        wqCount = 0;
        sentEnd = 0;
    }

    // ---- the write queue --------------------------------------------------------------------------------

    /** @return unsent skbs */
    int writeQueueSkbs() {
        return wqCount;
    }

    /** @return offset from the head where unsent data begins */
    int sentOffset() {
        return sentEnd - consumed;
    }

    /** Offset of the end of the i-th unsent skb (0 = the send head). */
    int wqEndOffset(int i) {
        return wqEnd[(wqHead + i) & (wqEnd.length - 1)] - consumed;
    }

    int wqFlags(int i) {
        return wqFlags[(wqHead + i) & (wqFlags.length - 1)];
    }

    /** Length of the i-th unsent skb. */
    int wqLen(int i) {
        int start = i == 0 ? sentEnd : wqEnd[(wqHead + i - 1) & (wqEnd.length - 1)];
        return wqEnd[(wqHead + i) & (wqEnd.length - 1)] - start;
    }

    /** Sets or clears flag bits of the i-th unsent skb. */
    void wqSetFlags(int i, int set, int clear) {
        int k = (wqHead + i) & (wqFlags.length - 1);
        wqFlags[k] = (byte) ((wqFlags[k] & ~clear) | set);
    }

    /** Kernel: tcp_skb_entail(): an empty skb at the tail of the write queue. */
    void entail() {
        if (wqCount == wqEnd.length) {
            growWriteQueue();
        }
        int k = (wqHead + wqCount) & (wqEnd.length - 1);
        wqEnd[k] = consumed + size;
        wqFlags[k] = 0;
        wqCount++;
    }

    /** The tail skb took the {@code n} bytes just appended (TCP_SKB_CB(skb)->end_seq += copy). */
    void growTail(int n) {
        int k = (wqHead + wqCount - 1) & (wqEnd.length - 1);
        wqEnd[k] += n;
    }

    /** Kernel: tcp_remove_empty_skb(): an skb that got no bytes leaves again. */
    void removeEmptyTail() {
        if (wqCount > 0 && wqLen(wqCount - 1) == 0) {
            wqCount--;
        }
    }

    private void growWriteQueue() {
        int n = wqEnd.length;
        int[] e = new int[n * 2];
        byte[] f = new byte[n * 2];
        for (int i = 0; i < wqCount; i++) {
            e[i] = wqEnd[(wqHead + i) & (n - 1)];
            f[i] = wqFlags[(wqHead + i) & (n - 1)];
        }
        wqEnd = e;
        wqFlags = f;
        wqHead = 0;
    }

    /**
     * A transmission of the send head's first {@code len} bytes, cut into {@code segSize} segments. When the
     * skb is longer, tso_fragment() splits it: the part sent loses PSH (and eor), the rest keeps the flags.
     * The part sent joins the retransmission queue.
     *
     * @return the flags the part sent carries
     */
    int transmitHead(int len, int segSize, long nowNs) {
        int k = wqHead & (wqEnd.length - 1);
        int flags = wqFlags[k];
        int end = sentEnd + len;
        if (end != wqEnd[k]) {
            flags &= ~(F_PSH | F_EOR); // tcp_fragment()/tso_fragment(): PSH (and eor) stay with the second part
        } else {
            wqHead = (wqHead + 1) & (wqEnd.length - 1);
            wqCount--;
        }
        sentEnd = end;
        pushRtx(end, flags, segSize, nowNs);
        return flags;
    }

    private void pushRtx(int end, int flags, int segSize, long nowNs) {
        if (rtxCount == rtxEnd.length) {
            growRtx();
        }
        int k = (rtxHead + rtxCount) & (rtxEnd.length - 1);
        int start = rtxCount == 0 ? consumed : rtxEnd[(k - 1) & (rtxEnd.length - 1)];
        rtxEnd[k] = end;
        rtxFlags[k] = (byte) flags;
        rtxSegSize[k] = segSize;
        rtxSentNs[k] = nowNs;
        rtxCount++;
        packetsOut += pcount(end - start, segSize);
    }

    private void growRtx() {
        int n = rtxEnd.length;
        int[] e = new int[n * 2];
        byte[] f = new byte[n * 2];
        int[] g = new int[n * 2];
        long[] t = new long[n * 2];
        for (int i = 0; i < rtxCount; i++) {
            int k = (rtxHead + i) & (n - 1);
            e[i] = rtxEnd[k];
            f[i] = rtxFlags[k];
            g[i] = rtxSegSize[k];
            t[i] = rtxSentNs[k];
        }
        rtxEnd = e;
        rtxFlags = f;
        rtxSegSize = g;
        rtxSentNs = t;
        rtxHead = 0;
    }

    static int pcount(int len, int segSize) {
        return len <= segSize ? 1 : (len + segSize - 1) / segSize;
    }

    // ---- the retransmission queue -------------------------------------------------------------------------

    /** @return Linux packets_out: segments sent and not yet acknowledged, counted per skb */
    int packetsOut() {
        return packetsOut;
    }

    /** @return sent skbs not yet acknowledged */
    int rtxSkbs() {
        return rtxCount;
    }

    /** When the oldest unacknowledged skb was last sent (tcp_rtx_queue_head(sk)->tstamp), or −1 for none. */
    long rtxHeadSentNs() {
        return rtxCount == 0 ? -1 : rtxSentNs[rtxHead & (rtxEnd.length - 1)];
    }

    /**
     * Segments sent before {@code offset} (Linux counts the skbs' pcounts): what is in flight when a
     * timeout made the sender go back and resend from snd_una.
     */
    int packetsBefore(int offset) {
        int at = consumed + offset;
        int n = 0;
        int start = consumed;
        for (int i = 0; i < rtxCount; i++) {
            int k = (rtxHead + i) & (rtxEnd.length - 1);
            int end = rtxEnd[k];
            if (!Seq.before(start, at)) {
                break;
            }
            int upTo = Seq.before(at, end) ? at : end;
            n += pcount(upTo - start, rtxSegSize[k]);
            start = end;
        }
        return n;
    }

    /** Records a resend of the bytes at [from, to) (their skbs' send time; retransmissions go by skb). */
    void markResent(int from, int to, long nowNs) {
        int a = consumed + from;
        int b = consumed + to;
        int start = consumed;
        for (int i = 0; i < rtxCount; i++) {
            int k = (rtxHead + i) & (rtxEnd.length - 1);
            if (Seq.before(start, b) && Seq.after(rtxEnd[k], a)) {
                rtxSentNs[k] = nowNs;
            }
            start = rtxEnd[k];
        }
    }

    /**
     * The flags a resend of the sent bytes [from, to) carries: as tcp_retransmit_skb() cuts and merges skbs,
     * PSH (or eor) is there when an skb carrying it ends inside the range or at its end (a collapsed skb
     * takes the next one's flags; a fragment cut short of the skb's end has none).
     */
    int flagsWithin(int from, int to) {
        int a = consumed + from;
        int b = consumed + to;
        int flags = 0;
        for (int i = 0; i < rtxCount; i++) {
            int k = (rtxHead + i) & (rtxEnd.length - 1);
            int end = rtxEnd[k];
            if (Seq.after(end, b)) {
                break;
            }
            if (Seq.after(end, a)) {
                flags |= rtxFlags[k];
            }
        }
        return flags;
    }

    /**
     * Bytes from {@code from} to the end of the eor skb it lies in (records are never merged), or
     * {@link Integer#MAX_VALUE} when no eor skb ends at or after it.
     */
    int toRecordEnd(int from) {
        int at = consumed + from;
        for (int i = 0; i < rtxCount; i++) {
            int k = (rtxHead + i) & (rtxEnd.length - 1);
            if (Seq.after(rtxEnd[k], at) && (rtxFlags[k] & F_EOR) != 0) {
                return rtxEnd[k] - at;
            }
        }
        for (int i = 0; i < wqCount; i++) {
            int k = (wqHead + i) & (wqEnd.length - 1);
            if (Seq.after(wqEnd[k], at) && (wqFlags[k] & F_EOR) != 0) {
                return wqEnd[k] - at;
            }
        }
        return Integer.MAX_VALUE;
    }

    /**
     * Kernel: tcp_clean_rtx_queue(). {@code n} bytes acknowledged: skbs wholly below the new snd_una leave
     * (with their truesize and pcount); a partly acknowledged head is trimmed (tcp_trim_head(): its bytes go,
     * its pcount is recounted).
     */
    void consume(int n) {
        int before = consumed;
        head = (head + n) % data.length;
        size -= n;
        consumed += n;
        int start = before; // the head skb was already trimmed to the old snd_una
        while (rtxCount > 0) {
            int k = rtxHead & (rtxEnd.length - 1);
            int end = rtxEnd[k];
            if (Seq.after(end, consumed)) {
                packetsOut -= pcount(end - start, rtxSegSize[k]) - pcount(end - consumed, rtxSegSize[k]);
                break;
            }
            packetsOut -= pcount(end - start, rtxSegSize[k]);
            rtxHead = (rtxHead + 1) & (rtxEnd.length - 1);
            rtxCount--;
            start = end;
        }
        if (Seq.before(sentEnd, consumed)) {
            sentEnd = consumed; // an ACK can cover bytes not yet (re)sent after a timeout rewound snd_nxt
        }
        while (wqCount > 0 && !Seq.after(wqEnd[wqHead & (wqEnd.length - 1)], consumed)) {
            wqHead = (wqHead + 1) & (wqEnd.length - 1);
            wqCount--;
        }
    }
}
