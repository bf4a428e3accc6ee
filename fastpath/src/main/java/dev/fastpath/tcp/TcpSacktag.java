package dev.fastpath.tcp;

import dev.fastpath.wire.TcpSegmentView;
import dev.fastpath.wire.TcpOptions;

/**
 * SACK processing on the sender. Kernel: tcp_input.c tcp_sacktag_write_queue() and its helpers. Blocks are
 * validated (tcp_is_sackblock_valid), a leading D-SACK is recognised (RFC 2883 §4, tcp_check_dsack) and
 * counted against the retransmissions it proves spurious (undo_retrans), and every record a block covers
 * entirely is tagged (tcp_sacktag_one): the scoreboard counts, RACK's newest delivery, the rate sample,
 * and the reordering a SACK below the highest SACKed sequence reveals (tcp_check_sack_reordering).
 */
final class TcpSacktag {
    private static final int MAX_BLOCKS = 4;

    private TcpSacktag() {
    }

    /** Resets the per-ACK tcp_sacktag_state. */
    static void startState(TcpSender t, int sndNxt) {
        t.stHaveSackt = false;
        t.stFirstSacktNs = 0;
        t.stLastSacktNs = 0;
        t.stReord = sndNxt;
        t.stSackDelivered = 0;
        t.stFlag = 0;
    }

    /**
     * Kernel: tcp_sacktag_write_queue().
     *
     * @return the FLAG_* bits (FLAG_DATA_SACKED, FLAG_DSACKING_ACK, FLAG_DSACK_TLP, FLAG_ORIG_SACK_ACKED)
     */
    static int tcpSacktagWriteQueue(TcpEngine e, TcpSock s, TcpSegmentView f, int priorSndUna, long nowNs) {
        TcpSender t = s.snd;
        TcpOptions o = f.options();
        int numSacks = Math.min(MAX_BLOCKS, o.sackBlockCount());
        if (t.sackedOut == 0) {
            t.highestSack = t.isEmpty() ? TcpSender.NIL : t.head; // tcp_highest_sack_reset()
        }
        boolean foundDupSack = tcpCheckDsack(e, s, o, numSacks, f.ack(), priorSndUna);
        if (Seq.before(f.ack(), priorSndUna - s.maxWindow)) {
            return 0; // too old to trust
        }
        if (t.packetsOut == 0) {
            return t.stFlag;
        }
        int[] starts = t.sackStarts;
        int[] ends = t.sackEnds;
        int used = 0;
        int firstSackIndex = 0;
        for (int i = 0; i < numSacks; i++) {
            boolean dupSack = i == 0 && foundDupSack;
            int start = o.sackBlockStart(i);
            int end = o.sackBlockEnd(i);
            if (!tcpIsSackblockValid(s, dupSack, start, end)) {
                if (dupSack) {
                    e.counters.inc(t.undoMarkerSet ? TcpStat.TcpExtTCPDSACKIgnoredOld
                            : TcpStat.TcpExtTCPDSACKIgnoredNoUndo);
                } else {
                    if (f.ack() != s.sndUna && !Seq.after(end, s.sndUna)) {
                        continue; // an old block from a reordered ACK
                    }
                    e.counters.inc(TcpStat.TcpExtTCPSACKDiscard);
                }
                if (i == 0) {
                    firstSackIndex = -1;
                }
                continue;
            }
            if (!Seq.after(end, priorSndUna)) {
                if (i == 0) {
                    firstSackIndex = -1;
                }
                continue;
            }
            starts[used] = start;
            ends[used] = end;
            used++;
        }
        for (int i = used - 1; i > 0; i--) { // order the blocks for one in-order walk of the queue
            for (int j = 0; j < i; j++) {
                if (Seq.after(starts[j], starts[j + 1])) {
                    swap(starts, j);
                    swap(ends, j);
                    if (j == firstSackIndex) {
                        firstSackIndex = j + 1;
                    } else if (j + 1 == firstSackIndex) {
                        firstSackIndex = j;
                    }
                }
            }
        }
        int cursor = TcpSender.NIL;
        for (int i = 0; i < used; i++) {
            boolean dupSack = foundDupSack && i == firstSackIndex;
            boolean nextDup = foundDupSack && i + 1 == firstSackIndex;
            int start = starts[i];
            int end = ends[i];
            cursor = tcpSacktagSkip(t, cursor, start);
            if (cursor == TcpSender.NIL) {
                continue;
            }
            cursor = tcpSacktagWalk(e, s, cursor, start, end, dupSack,
                    nextDup ? starts[i + 1] : 0, nextDup ? ends[i + 1] : 0, nextDup, nowNs);
        }
        if (t.caState != TcpSender.CA_LOSS || t.undoMarkerSet) {
            tcpCheckSackReordering(e, s, t.stReord, false);
        }
        return t.stFlag;
    }

    private static void swap(int[] a, int j) {
        int x = a[j];
        a[j] = a[j + 1];
        a[j + 1] = x;
    }

    /** Kernel: tcp_sacktag_skip(): never walk backwards; otherwise find the record holding {@code seq}. */
    private static int tcpSacktagSkip(TcpSender t, int cursor, int seq) {
        if (cursor != TcpSender.NIL && cursor < t.tail && Seq.after(t.seq(cursor), seq)) {
            return cursor;
        }
        int pos = t.find(seq);
        if (pos == TcpSender.NIL && !t.isEmpty() && Seq.before(seq, t.seq(t.head))) {
            return t.head;
        }
        return pos;
    }

    /** Kernel: tcp_sacktag_walk(). @return where the walk stopped */
    private static int tcpSacktagWalk(TcpEngine e, TcpSock s, int from, int start, int end, boolean dupSackIn,
            int dupStart, int dupEnd, boolean hasNextDup, long nowNs) {
        TcpSender t = s.snd;
        int pos = from;
        for (; pos < t.tail; pos++) {
            int seq = t.seq(pos);
            int recEnd = t.end(pos);
            if (!Seq.before(seq, end)) {
                break;
            }
            boolean dupSack = dupSackIn;
            boolean inSack = false;
            if (hasNextDup && Seq.before(seq, dupEnd) && !Seq.after(dupStart, seq) && !Seq.before(dupEnd, recEnd)) {
                inSack = true;
                dupSack = true;
            }
            if (!inSack) {
                inSack = !Seq.after(start, seq) && !Seq.before(end, recEnd); // tcp_match_skb_to_sack, pcount 1
            }
            if (!inSack) {
                continue;
            }
            int sacked = tcpSacktagOne(e, s, t.sacked(pos), seq, recEnd, dupSack, t.xmitNs(pos), nowNs);
            t.setSacked(pos, sacked);
            TcpRate.tcpRateSkbDelivered(t, pos);
            if ((sacked & TcpSender.SACKED_ACKED) != 0) {
                t.tsUnlink(pos);
            }
            if (!Seq.before(seq, t.highestSackSeq(s.sndUna, s.sndNxt))) {
                t.highestSack = pos + 1 < t.tail ? pos + 1 : TcpSender.NIL; // tcp_advance_highest_sack()
            }
        }
        return pos < t.tail ? pos : TcpSender.NIL;
    }

    /** Kernel: tcp_sacktag_one(). @return the record's new tag bits */
    private static int tcpSacktagOne(TcpEngine e, TcpSock s, int sackedIn, int startSeq, int endSeq, boolean dupSack,
            long xmitNs, long nowNs) {
        TcpSender t = s.snd;
        int sacked = sackedIn;
        if (dupSack && (sacked & TcpSender.RETRANS) != 0) {
            if (t.undoMarkerSet && t.undoRetrans > 0 && Seq.after(endSeq, t.undoMarker)) {
                t.undoRetrans = Math.max(0, t.undoRetrans - 1);
            }
            if ((sacked & TcpSender.SACKED_ACKED) != 0 && Seq.before(startSeq, t.stReord)) {
                t.stReord = startSeq;
            }
        }
        if (!Seq.after(endSeq, s.sndUna)) {
            return sacked;
        }
        if ((sacked & TcpSender.SACKED_ACKED) == 0) {
            TcpRack.tcpRackAdvance(t, sacked, endSeq, xmitNs, nowNs);
            if ((sacked & TcpSender.SACKED_RETRANS) != 0) {
                if ((sacked & TcpSender.LOST) != 0) { // the retransmission arrived
                    sacked &= ~(TcpSender.LOST | TcpSender.SACKED_RETRANS);
                    t.lostOut--;
                    t.retransOut--;
                }
            } else {
                if ((sacked & TcpSender.RETRANS) == 0) {
                    // Never retransmitted and SACKed below the highest SACK: reordering.
                    if (Seq.before(startSeq, t.highestSackSeq(s.sndUna, s.sndNxt))
                            && Seq.before(startSeq, t.stReord)) {
                        t.stReord = startSeq;
                    }
                    if (!Seq.after(endSeq, t.highSeq)) {
                        t.stFlag |= TcpAckInput.FLAG_ORIG_SACK_ACKED;
                    }
                    if (!t.stHaveSackt) {
                        t.stFirstSacktNs = xmitNs;
                        t.stHaveSackt = true;
                    }
                    t.stLastSacktNs = xmitNs;
                }
                if ((sacked & TcpSender.LOST) != 0) {
                    sacked &= ~TcpSender.LOST;
                    t.lostOut--;
                }
            }
            sacked |= TcpSender.SACKED_ACKED;
            t.stFlag |= TcpAckInput.FLAG_DATA_SACKED;
            t.sackedOut++;
            t.stSackDelivered++;
        }
        if (dupSack && (sacked & TcpSender.SACKED_RETRANS) != 0) {
            sacked &= ~TcpSender.SACKED_RETRANS; // D-SACK: the retransmission was redundant
            t.retransOut--;
        }
        return sacked;
    }

    /**
     * Kernel: tcp_is_sackblock_valid(): inside snd_una..snd_nxt, or for a D-SACK below snd_una down to
     * the undo marker (what can still change an undo decision).
     */
    private static boolean tcpIsSackblockValid(TcpSock s, boolean isDsack, int start, int end) {
        TcpSender t = s.snd;
        if (Seq.after(end, s.sndNxt) || !Seq.before(start, end)) {
            return false;
        }
        if (!Seq.before(start, s.sndNxt)) {
            return false;
        }
        if (Seq.after(start, s.sndUna)) {
            return true;
        }
        if (!isDsack || !t.undoMarkerSet) {
            return false;
        }
        if (Seq.after(end, s.sndUna)) {
            return false;
        }
        if (!Seq.before(start, t.undoMarker)) {
            return true;
        }
        if (!Seq.after(end, t.undoMarker)) {
            return false;
        }
        return !Seq.before(start, end - s.maxWindow);
    }

    /**
     * Kernel: tcp_check_dsack(). The first block is a D-SACK when it lies below the cumulative ACK or
     * inside the second block (RFC 2883 §4).
     */
    private static boolean tcpCheckDsack(TcpEngine e, TcpSock s, TcpOptions o, int numSacks, int ack,
            int priorSndUna) {
        TcpSender t = s.snd;
        int start0 = o.sackBlockStart(0);
        int end0 = o.sackBlockEnd(0);
        if (Seq.before(start0, ack)) {
            e.counters.inc(TcpStat.TcpExtTCPDSACKRecv);
        } else if (numSacks > 1) {
            int end1 = o.sackBlockEnd(1);
            int start1 = o.sackBlockStart(1);
            if (Seq.after(end0, end1) || Seq.before(start0, start1)) {
                return false;
            }
            e.counters.inc(TcpStat.TcpExtTCPDSACKOfoRecv);
        } else {
            return false;
        }
        int dupSegs = tcpDsackSeen(s, start0, end0);
        if (dupSegs == 0) {
            e.counters.inc(TcpStat.TcpExtTCPDSACKIgnoredDubious);
            return false;
        }
        e.counters.add(TcpStat.TcpExtTCPDSACKRecvSegs, dupSegs);
        if (t.undoMarkerSet && t.undoRetrans > 0 && !Seq.after(end0, priorSndUna)
                && Seq.after(end0, t.undoMarker)) {
            t.undoRetrans = Math.max(0, t.undoRetrans - dupSegs); // D-SACK for data already acknowledged
        }
        return true;
    }

    /**
     * Kernel: tcp_dsack_seen(). A D-SACK larger than any window, or proving more duplicates than we ever
     * retransmitted, is ignored; one for the TLP probe is marked; otherwise RACK may widen its window.
     */
    private static int tcpDsackSeen(TcpSock s, int start, int end) {
        TcpSender t = s.snd;
        if (!Seq.before(start, end)) {
            return 0;
        }
        int len = end - start;
        if (len > s.maxWindow) {
            return 0;
        }
        int dupSegs = 1;
        if (len > s.mss) {
            dupSegs = (len + s.mss - 1) / s.mss;
        } else if (t.tlpHighSeqSet && t.tlpHighSeq == end) {
            t.stFlag |= TcpAckInput.FLAG_DSACK_TLP;
        }
        t.dsackDups += dupSegs;
        if (t.dsackDups > t.totalRetrans) {
            return 0;
        }
        if (t.reordSeen > 0 && (t.stFlag & TcpAckInput.FLAG_DSACK_TLP) == 0) {
            t.rackDsackSeen = true;
        }
        t.stFlag |= TcpAckInput.FLAG_DSACKING_ACK;
        t.stSackDelivered += dupSegs; // a spurious retransmission was delivered
        return dupSegs;
    }

    /**
     * Kernel: tcp_check_sack_reordering(). A never-retransmitted segment delivered below the highest SACK
     * is reordering: remember the degree (in segments, up to tcp_max_reordering) and that it was seen.
     */
    static void tcpCheckSackReordering(TcpEngine e, TcpSock s, int lowSeq, boolean ts) {
        TcpSender t = s.snd;
        int fack = t.highestSackSeq(s.sndUna, s.sndNxt);
        if (!Seq.before(lowSeq, fack)) {
            return;
        }
        int metric = fack - lowSeq;
        int mss = s.mss;
        if (mss > 0 && metric > t.reordering * mss) {
            t.reordering = Math.min((metric + mss - 1) / mss, e.params.maxReordering());
        }
        t.reordSeen++;
        e.counters.inc(ts ? TcpStat.TcpExtTCPTSReorder : TcpStat.TcpExtTCPSACKReorder);
    }
}
