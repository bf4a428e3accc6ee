package dev.fastpath.tcp;

import dev.fastpath.wire.TcpSegmentView;
import dev.fastpath.wire.TcpHeader;

/**
 * The receiver's queues: in-order data, the out-of-order queue, the SACK and D-SACK blocks we
 * report, and what happens when memory runs out. Kernel: tcp_input.c tcp_data_queue(),
 * tcp_data_queue_ofo(), tcp_ofo_queue(), tcp_sack_new_ofo_skb(), tcp_sack_extend(),
 * tcp_sack_maybe_coalesce(), tcp_sack_remove(), tcp_dsack_set(), tcp_dsack_extend(),
 * tcp_try_rmem_schedule(), tcp_prune_queue(), tcp_prune_ofo_queue().
 *
 * <p>Bytes live in the connection's ring: in-order bytes at its tail, out-of-order bytes written at
 * their distance from rcv_nxt and remembered as merged ranges ({@link SeqRanges}; Linux keeps skbs
 * in an rbtree). Overlaps resolve as Linux's queue order makes them resolve when the data is read:
 * bytes held in a range that starts before a new segment are kept; the new segment's bytes replace
 * those of ranges that start at or after its own start (Linux reads the earlier-starting skb first,
 * and an skb that covers one with the same start replaces it); in-order data wins over anything the
 * out-of-order queue held for the same sequence numbers. Linux decides per skb, the engine per merged
 * range: the two differ only when retransmissions of one range carry different bytes.
 */
final class TcpDataQueue {
    private TcpDataQueue() {
    }

    /**
     * Kernel: tcp_data_queue(). In order: queued (even a bare FIN at a zero window); then what the
     * out-of-order queue holds next moves in. Entirely old: a D-SACK and an immediate ACK. At or
     * beyond the window's right edge: dropped with an immediate ACK. Partly old: the new part is
     * queued and the old part D-SACKed. Otherwise: the out-of-order queue.
     *
     * @return false when the connection is gone
     */
    static boolean tcpDataQueue(TcpEngine e, TcpSock s, TcpSegmentView f, long nowNs) {
        int seq = f.seq();
        int len = f.payloadLength();
        boolean fin = (f.flags() & TcpHeader.FIN) != 0;
        int endSeq = seq + len + (fin ? 1 : 0);
        if (seq == endSeq) {
            return true;
        }
        s.rx.dsackPending = false;
        int wnd = TcpWindow.tcpReceiveWindow(s);
        if (seq == s.rcvNxt) {
            if (wnd == 0 && !(len == 0 && fin)) {
                e.counters.inc(TcpStat.TcpExtTCPZeroWindowDrop); // a bare FIN is taken even so
                outOfWindow(e, s);
                return true;
            }
            return queueAndOut(e, s, f, nowNs);
        }
        if (!Seq.after(endSeq, s.rcvNxt)) {
            e.counters.inc(TcpStat.TcpExtDelayedACKLost); // a retransmission: our ACK was lost
            tcpDsackSet(e, s, seq, endSeq);
            outOfWindow(e, s);
            return true;
        }
        if (!Seq.before(seq, s.rcvNxt + wnd)) {
            outOfWindow(e, s); // at or past the right edge: a zero-window probe, say
            return true;
        }
        if (Seq.before(seq, s.rcvNxt)) {
            tcpDsackSet(e, s, seq, s.rcvNxt); // partly old: D-SACK the old part (RFC 2883 §4.1.2)
            if (wnd == 0) {
                e.counters.inc(TcpStat.TcpExtTCPZeroWindowDrop);
                outOfWindow(e, s);
                return true;
            }
            return queueAndOut(e, s, f, nowNs);
        }
        tcpDataQueueOfo(e, s, f, nowNs);
        return true;
    }

    /** tcp_data_queue()'s out_of_window: quick-ACK mode and an ACK owed now. */
    private static void outOfWindow(TcpEngine e, TcpSock s) {
        TcpAck.tcpEnterQuickackMode(e, s, TcpAck.MAX_QUICKACKS);
        s.ackPending |= TcpAck.ACK_SCHED;
    }

    /** tcp_data_queue()'s queue_and_out: the segment's new bytes (and FIN) join the receive queue. */
    private static boolean queueAndOut(TcpEngine e, TcpSock s, TcpSegmentView f, long nowNs) {
        int len = f.payloadLength();
        int skip = s.rcvNxt - f.seq();
        int n = len - skip;
        if (!tcpTryRmemSchedule(e, s, f.seq())) {
            s.ackPending |= TcpAck.ACK_NOMEM | TcpAck.ACK_NOW | TcpAck.ACK_SCHED;
            if (s.recvQueue.size() > 0 && len > 0) {
                e.counters.inc(TcpStat.TcpExtTCPRcvQDrop);
                return true;
            }
            // an empty queue takes the segment anyway (sk_forced_mem_schedule)
        }
        if (n > 0) {
            TcpWindow.ensureRing(s, n);
            s.recvQueue.writeAt(0, f.buffer(), f.payloadOffset() + skip, n);
            s.recvQueue.commit(n);
            s.rcvNxt += n;
            s.stats.bytesReceived += n; // tcp_rcv_nxt_update()
            if (s.ofo.count() > 0) {
                ofoOvertaken(e, s); // in-order bytes win over what the queue held for them
            }
            TcpAck.tcpEventDataRecv(e, s, f, nowNs);
        }
        boolean fin = (f.flags() & TcpHeader.FIN) != 0;
        if (fin) {
            s.rcvNxt++;
            s.stats.bytesReceived++; // the FIN's sequence number
            return e.input.tcpFin(s, nowNs);
        }
        if (s.ofo.count() > 0) {
            if (!tcpOfoQueue(e, s, nowNs)) {
                return false;
            }
            if (s.ofo.count() == 0) {
                s.ackPending |= TcpAck.ACK_NOW; // RFC 5681 §4.2: the hole is filled, say so now
            }
        }
        if (s.rx.numSacks > 0) {
            tcpSackRemove(s);
        }
        e.events.onReadable(s.id);
        return true;
    }

    /**
     * tcp_ofo_queue()'s D-SACK for held bytes that in-order data has just covered: each range that
     * starts below the new rcv_nxt is reported up to its end or rcv_nxt (tcp_dsack_extend() keeps only
     * what touches the first); then the queue forgets them.
     */
    private static void ofoOvertaken(TcpEngine e, TcpSock s) {
        for (int i = 0; i < s.ofo.count() && Seq.before(s.ofo.start(i), s.rcvNxt); i++) {
            int end = s.ofo.end(i);
            tcpDsackExtend(e, s, s.ofo.start(i), Seq.before(end, s.rcvNxt) ? end : s.rcvNxt);
        }
        dropOfoBefore(s, s.rcvNxt);
    }

    /** The out-of-order queue forgets what rcv_nxt has passed (freeing its share of memory). */
    private static void dropOfoBefore(TcpSock s, int seq) {
        int before = s.ofo.bytes();
        s.ofo.removeBefore(seq);
        s.rx.ofoBytes -= before - s.ofo.bytes();
    }

    /**
     * Kernel: tcp_ofo_queue(). The range that now starts at or before rcv_nxt moves into the receive
     * queue; the part of it rcv_nxt had already passed is reported as a D-SACK. A FIN that waited at
     * its end is taken.
     *
     * @return false when the connection is gone
     */
    private static boolean tcpOfoQueue(TcpEngine e, TcpSock s, long nowNs) {
        if (s.ofo.count() == 0 || Seq.after(s.ofo.start(0), s.rcvNxt)) {
            return true;
        }
        int start = s.ofo.start(0);
        int end = s.ofo.end(0);
        if (Seq.before(start, s.rcvNxt)) {
            tcpDsackExtend(e, s, start, s.rcvNxt);
        }
        int advance = end - s.rcvNxt;
        s.recvQueue.commit(advance);
        s.rcvNxt = end;
        s.stats.bytesReceived += advance;
        dropOfoBefore(s, end);
        if (s.rx.finPending && s.rx.finPendingSeq == s.rcvNxt) {
            s.rx.finPending = false;
            s.rcvNxt++;
            s.stats.bytesReceived++; // the FIN's sequence number
            return e.input.tcpFin(s, nowNs);
        }
        return true;
    }

    /**
     * Kernel: tcp_data_queue_ofo(). Stores a segment beyond a hole (memory permitting: else it is
     * dropped, TCPOFODrop), merging it with what is held as Linux does (see the class comment),
     * D-SACKing bytes already held, and updates the SACK blocks (most recent first).
     */
    private static void tcpDataQueueOfo(TcpEngine e, TcpSock s, TcpSegmentView f, long nowNs) {
        int seq = f.seq();
        int len = f.payloadLength();
        int end = seq + len;
        if (!tcpTryRmemSchedule(e, s, seq)) {
            e.counters.inc(TcpStat.TcpExtTCPOFODrop);
            return;
        }
        s.ackPending |= TcpAck.ACK_SCHED;
        TcpAck.tcpMeasureRcvMss(s, f);
        e.counters.inc(TcpStat.TcpExtTCPOFOQueue);
        s.stats.rcvOoopack++;
        if ((f.flags() & TcpHeader.FIN) != 0) {
            s.rx.finPending = true; // an out-of-order FIN waits with its data
            s.rx.finPendingSeq = end;
        }
        int writeFrom = seq;
        boolean queued = true;
        int holder = holderOf(s.ofo, seq);
        if (holder >= 0) {
            int rs = s.ofo.start(holder);
            int re = s.ofo.end(holder);
            if (!Seq.after(end, re)) {
                e.counters.inc(TcpStat.TcpExtTCPOFOMerge); // all the bits are present
                tcpDsackSet(e, s, seq, end);
                queued = false;
                writeFrom = end;
            } else if (Seq.after(seq, rs)) {
                tcpDsackSet(e, s, seq, re); // partial overlap: the held bytes stay
                writeFrom = re;
            } else {
                tcpDsackExtend(e, s, rs, re); // same start, covers it: replaces it
                e.counters.inc(TcpStat.TcpExtTCPOFOMerge);
            }
        }
        if (queued && !adjacentToPrevious(s.ofo, seq)) {
            mergeRight(e, s, seq, end);
        }
        if (Seq.before(writeFrom, end)) {
            int before = s.ofo.bytes();
            TcpWindow.ensureRing(s, end - s.rcvNxt);
            if (!s.ofo.add(writeFrom, end)) {
                e.counters.inc(TcpStat.TcpExtTCPOFODrop); // every range slot holds a hole already
                return;
            }
            s.rx.ofoBytes += s.ofo.bytes() - before;
            int gap = writeFrom - s.rcvNxt;
            s.recvQueue.writeAt(gap, f.buffer(), f.payloadOffset() + (writeFrom - seq), end - writeFrom);
        }
        if (s.sackOk) {
            tcpSackNewOfoSkb(s, seq, end);
            if (queued) {
                TcpWindow.tcpGrowWindow(s, len); // non-SACK flows keep the window: duplicate ACKs
            }
        }
        TcpWindow.tcpRcvbufGrow(e, s);
    }

    /** @return the range that holds {@code seq} (start at or before it, end after it), or −1 */
    private static int holderOf(SeqRanges r, int seq) {
        for (int i = 0; i < r.count(); i++) {
            if (!Seq.after(r.start(i), seq) && Seq.after(r.end(i), seq)) {
                return i;
            }
        }
        return -1;
    }

    /** Linux coalesces a segment into the skb it directly follows, without looking further right. */
    private static boolean adjacentToPrevious(SeqRanges r, int seq) {
        for (int i = 0; i < r.count(); i++) {
            if (r.end(i) == seq) {
                return true;
            }
        }
        return false;
    }

    /** tcp_data_queue_ofo()'s merge_right: ranges the segment covers are replaced and D-SACKed. */
    private static void mergeRight(TcpEngine e, TcpSock s, int seq, int end) {
        for (int i = 0; i < s.ofo.count(); i++) {
            int ns = s.ofo.start(i);
            int ne = s.ofo.end(i);
            if (!Seq.after(ns, seq)) {
                continue;
            }
            if (!Seq.after(end, ns)) {
                break;
            }
            if (Seq.before(end, ne)) {
                tcpDsackExtend(e, s, ns, end);
                break;
            }
            tcpDsackExtend(e, s, ns, ne);
            e.counters.inc(TcpStat.TcpExtTCPOFOMerge);
        }
    }

    /**
     * Kernel: tcp_try_rmem_schedule(). Over sk_rcvbuf: tcp_prune_queue() first (the window is
     * clamped; an unlocked buffer may simply grow), then the out-of-order queue is pruned from its
     * highest sequence down. Collapsing (tcp_collapse) has nothing to win under the fixed truesize
     * model and is not done.
     *
     * @param seq the arriving segment's sequence number (pruning stops below it)
     * @return false when the segment does not fit
     */
    static boolean tcpTryRmemSchedule(TcpEngine e, TcpSock s, int seq) {
        if (TcpWindow.rmemAlloc(s) <= s.rcvBuf) {
            return true;
        }
        e.counters.inc(TcpStat.TcpExtPruneCalled);
        if (TcpWindow.rmemAlloc(s) >= s.rcvBuf) {
            TcpWindow.tcpClampWindow(e, s);
        }
        if (TcpWindow.rmemAlloc(s) <= s.rcvBuf) {
            return true;
        }
        tcpPruneOfoQueue(e, s, seq);
        if (TcpWindow.rmemAlloc(s) <= s.rcvBuf) {
            return true;
        }
        e.counters.inc(TcpStat.TcpExtRcvPruned);
        return false;
    }

    /**
     * Kernel: tcp_prune_ofo_queue(). Drops out-of-order ranges from the highest sequence down (so
     * holes can still fill), at least an eighth of sk_rcvbuf, until memory fits, never one that starts
     * below the arriving segment; resets the SACK blocks.
     */
    private static void tcpPruneOfoQueue(TcpEngine e, TcpSock s, int seq) {
        if (s.ofo.count() == 0) {
            return;
        }
        int goal = s.rcvBuf >> 3;
        boolean pruned = false;
        while (s.ofo.count() > 0) {
            int last = s.ofo.count() - 1;
            int start = s.ofo.start(last);
            if (Seq.after(seq, start)) {
                break;
            }
            int bytes = s.ofo.end(last) - start;
            s.ofo.removeFrom(start);
            s.rx.ofoBytes -= bytes;
            if (s.rx.finPending && s.rx.finPendingSeq == start + bytes) {
                s.rx.finPending = false;
            }
            pruned = true;
            goal -= 2 * bytes;
            if ((s.ofo.count() == 0 || goal <= 0)) {
                if (TcpWindow.rmemAlloc(s) <= s.rcvBuf) {
                    break;
                }
                goal = s.rcvBuf >> 3;
            }
        }
        if (pruned) {
            e.counters.inc(TcpStat.TcpExtOfoPruned);
            s.rx.numSacks = 0; // tcp_sack_reset(): a pending D-SACK goes too
            s.rx.dsackPending = false;
        }
    }

    /** Kernel: tcp_dsack_set(). */
    static void tcpDsackSet(TcpEngine e, TcpSock s, int seq, int end) {
        if (!s.sackOk || !e.params.dsack()) {
            return;
        }
        e.counters.inc(Seq.before(seq, s.rcvNxt) ? TcpStat.TcpExtTCPDSACKOldSent : TcpStat.TcpExtTCPDSACKOfoSent);
        s.rx.dsackPending = true;
        s.rx.dsackStart = seq;
        s.rx.dsackEnd = end;
    }

    /** Kernel: tcp_dsack_extend(). */
    private static void tcpDsackExtend(TcpEngine e, TcpSock s, int seq, int end) {
        if (!s.rx.dsackPending) {
            tcpDsackSet(e, s, seq, end);
        } else if (!Seq.after(seq, s.rx.dsackEnd) && !Seq.after(s.rx.dsackStart, end)) {
            if (Seq.before(seq, s.rx.dsackStart)) {
                s.rx.dsackStart = seq;
            }
            if (Seq.after(end, s.rx.dsackEnd)) {
                s.rx.dsackEnd = end;
            }
        }
    }

    /** Kernel: tcp_sack_extend(): grows block i by an overlapping or touching [seq, end). */
    private static boolean tcpSackExtend(TcpSock s, int i, int seq, int end) {
        if (!Seq.after(seq, s.rx.sackEnd[i]) && !Seq.after(s.rx.sackStart[i], end)) {
            if (Seq.before(seq, s.rx.sackStart[i])) {
                s.rx.sackStart[i] = seq;
            }
            if (Seq.after(end, s.rx.sackEnd[i])) {
                s.rx.sackEnd[i] = end;
            }
            return true;
        }
        return false;
    }

    /**
     * Kernel: tcp_sack_new_ofo_skb(). The block the segment extends moves to the front (and absorbs
     * the blocks it now reaches); otherwise a new block goes first and, with four already, the oldest
     * is forgotten (RFC 2018 §4: the most recent first).
     */
    static void tcpSackNewOfoSkb(TcpSock s, int seq, int end) {
        int cur = s.rx.numSacks;
        for (int i = 0; i < cur; i++) {
            if (tcpSackExtend(s, i, seq, end)) {
                for (int j = i; j > 0; j--) {
                    swap(s, j, j - 1);
                }
                if (cur > 1) {
                    tcpSackMaybeCoalesce(s);
                }
                return;
            }
        }
        int n = cur;
        if (n >= TcpAck.NUM_SACKS) {
            n--;
            s.rx.numSacks--;
        }
        for (int j = n; j > 0; j--) {
            s.rx.sackStart[j] = s.rx.sackStart[j - 1];
            s.rx.sackEnd[j] = s.rx.sackEnd[j - 1];
        }
        s.rx.sackStart[0] = seq;
        s.rx.sackEnd[0] = end;
        s.rx.numSacks++;
    }

    private static void swap(TcpSock s, int a, int b) {
        int st = s.rx.sackStart[a];
        int en = s.rx.sackEnd[a];
        s.rx.sackStart[a] = s.rx.sackStart[b];
        s.rx.sackEnd[a] = s.rx.sackEnd[b];
        s.rx.sackStart[b] = st;
        s.rx.sackEnd[b] = en;
    }

    /** Kernel: tcp_sack_maybe_coalesce(): the first block absorbs the others it now overlaps. */
    private static void tcpSackMaybeCoalesce(TcpSock s) {
        int i = 1;
        while (i < s.rx.numSacks) {
            if (tcpSackExtend(s, 0, s.rx.sackStart[i], s.rx.sackEnd[i])) {
                s.rx.numSacks--;
                for (int j = i; j < s.rx.numSacks; j++) {
                    s.rx.sackStart[j] = s.rx.sackStart[j + 1];
                    s.rx.sackEnd[j] = s.rx.sackEnd[j + 1];
                }
                continue;
            }
            i++;
        }
    }

    /** Kernel: tcp_sack_remove(): blocks rcv_nxt has reached are eaten; an empty queue clears all. */
    static void tcpSackRemove(TcpSock s) {
        if (s.ofo.count() == 0) {
            s.rx.numSacks = 0;
            return;
        }
        int i = 0;
        while (i < s.rx.numSacks) {
            if (!Seq.before(s.rcvNxt, s.rx.sackStart[i])) {
                for (int j = i + 1; j < s.rx.numSacks; j++) {
                    s.rx.sackStart[j - 1] = s.rx.sackStart[j];
                    s.rx.sackEnd[j - 1] = s.rx.sackEnd[j];
                }
                s.rx.numSacks--;
                continue;
            }
            i++;
        }
    }
}
