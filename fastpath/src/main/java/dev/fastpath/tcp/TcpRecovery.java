package dev.fastpath.tcp;


/**
 * Linux's congestion state machine (Open, Disorder, CWR, Recovery, Loss) as tcp_input.c runs it:
 * tcp_fastretrans_alert() on every dubious ACK, loss marked by RACK (SACK) or NewReno (no SACK), fast
 * recovery with Proportional Rate Reduction (RFC 6937, tcp_cwnd_reduction), the Loss state after an RTO
 * (tcp_enter_loss) with F-RTO (RFC 5682, tcp_process_loss), and every undo of a reduction that proved
 * spurious: by timestamps or no retransmission at all (tcp_try_undo_recovery, _partial, _loss) and by
 * D-SACKs of every retransmission (RFC 2883 §4, tcp_try_undo_dsack).
 */
final class TcpRecovery {
    private TcpRecovery() {
    }

    static long pack(int flag, int rexmit) {
        return (long) rexmit << 32 | (flag & 0xFFFFFFFFL);
    }

    /** icsk_ca_state changes go through here; CUBIC starts over on Loss (cubictcp_state). */
    static void tcpSetCaState(TcpEngine e, TcpSock s, int state) {
        if (state == TcpSender.CA_LOSS) {
            e.cc.onLossState(s);
        }
        s.snd.caState = state;
    }

    /** Kernel: tcp_current_ssthresh(): in a reduction ssthresh; otherwise at least ¾ of cwnd. */
    static int tcpCurrentSsthresh(TcpSock s) {
        if (s.snd.inCwndReduction()) {
            return s.ssthresh;
        }
        return Math.max(s.ssthresh, (s.sndCwnd >> 1) + (s.sndCwnd >> 2));
    }

    /**
     * Kernel: tcp_fastretrans_alert(). Leaves a state once high_seq is acknowledged (undoing if it proved
     * spurious), then processes the state: loss detection, entering Recovery, partial undos.
     *
     * @return {@link #pack} of the updated FLAG_* bits and the REXMIT_* decision
     */
    static long tcpFastretransAlert(TcpEngine e, TcpSock s, int priorSndUna, int numDupack, int flag0,
            long nowNs) {
        TcpSender t = s.snd;
        int flag = flag0;
        if (t.packetsOut == 0 && t.sackedOut != 0) {
            t.sackedOut = 0;
        }
        if (tcpCheckSackReneging(e, s, flag, nowNs)) {
            return pack(flag & ~TcpAckInput.FLAG_SET_XMIT_TIMER, TcpAckInput.REXMIT_NONE);
        }
        if (t.caState == TcpSender.CA_OPEN) {
            t.retransStampSet = false;
        } else if (!Seq.before(s.sndUna, t.highSeq)) {
            if (t.caState == TcpSender.CA_CWR) {
                if (s.sndUna != t.highSeq) {
                    tcpEndCwndReduction(s);
                    tcpSetCaState(e, s, TcpSender.CA_OPEN);
                }
            } else if (t.caState == TcpSender.CA_RECOVERY) {
                if (!s.sackOk) {
                    t.sackedOut = 0;
                }
                if (tcpTryUndoRecovery(e, s)) {
                    return pack(flag, TcpAckInput.REXMIT_NONE);
                }
                tcpEndCwndReduction(s);
            }
        }
        switch (t.caState) {
            case TcpSender.CA_RECOVERY -> {
                if ((flag & TcpAckInput.FLAG_SND_UNA_ADVANCED) == 0) {
                    if (!s.sackOk) {
                        tcpAddRenoSack(e, s, numDupack);
                    }
                } else if (tcpTryUndoPartial(e, s, priorSndUna)) {
                    return pack(flag, TcpAckInput.REXMIT_NONE);
                }
                if (tcpTryUndoDsack(e, s)) {
                    tcpTryToOpen(e, s, flag);
                }
                flag = tcpIdentifyPacketLoss(e, s, flag, nowNs);
                if (t.caState != TcpSender.CA_RECOVERY) {
                    if (t.lostOut == 0) {
                        return pack(flag, TcpAckInput.REXMIT_NONE);
                    }
                    tcpEnterRecovery(e, s, (flag & TcpAckInput.FLAG_ECE) != 0, nowNs); // reordering undone, then loss
                }
            }
            case TcpSender.CA_LOSS -> {
                int rexmit = tcpProcessLoss(e, s, flag, numDupack);
                flag = tcpIdentifyPacketLoss(e, s, flag, nowNs);
                if (!(t.caState == TcpSender.CA_OPEN || (flag & TcpAckInput.FLAG_LOST_RETRANS) != 0)) {
                    return pack(flag, rexmit);
                }
                return openOrDisorder(e, s, flag, numDupack, rexmit, nowNs);
            }
            default -> {
                return openOrDisorder(e, s, flag, numDupack, TcpAckInput.REXMIT_NONE, nowNs);
            }
        }
        return pack(flag, TcpAckInput.REXMIT_LOST);
    }

    /** tcp_fastretrans_alert() in Open, Disorder or CWR (and Loss that ended): recovery once loss is marked. */
    private static long openOrDisorder(TcpEngine e, TcpSock s, int flag0, int numDupack, int rexmit, long nowNs) {
        TcpSender t = s.snd;
        int flag = flag0;
        if (!s.sackOk) {
            if ((flag & TcpAckInput.FLAG_SND_UNA_ADVANCED) != 0) {
                t.sackedOut = 0;
            }
            tcpAddRenoSack(e, s, numDupack);
        }
        if (t.caState <= TcpSender.CA_DISORDER) {
            tcpTryUndoDsack(e, s);
        }
        flag = tcpIdentifyPacketLoss(e, s, flag, nowNs);
        if (t.lostOut == 0) { // tcp_time_to_recover(): has loss detection marked anything?
            tcpTryToOpen(e, s, flag);
            return pack(flag, rexmit);
        }
        tcpEnterRecovery(e, s, (flag & TcpAckInput.FLAG_ECE) != 0, nowNs);
        return pack(flag, TcpAckInput.REXMIT_LOST);
    }

    /**
     * Kernel: tcp_check_sack_reneging(). snd_una reached data the peer had SACKed: it may have dropped
     * it. Give it max(RTT/2, 10 ms) to SACK again before the RTO clears the scoreboard.
     */
    private static boolean tcpCheckSackReneging(TcpEngine e, TcpSock s, int flag, long nowNs) {
        if ((flag & TcpAckInput.FLAG_SACK_RENEGING) != 0 && (flag & TcpAckInput.FLAG_SND_UNA_ADVANCED) != 0) {
            long delayMs = Math.max(((s.snd.srtt8Us >> 4) + 999) / 1000, 10);
            TcpTimers.resetXmitTimer(e, s, TcpSender.TIME_RETRANS, delayMs * TcpEngine.MS, nowNs);
            return true;
        }
        return false;
    }

    /** Kernel: tcp_identify_packet_loss(). @return flag, with FLAG_LOST_RETRANS when a retransmission was lost */
    private static int tcpIdentifyPacketLoss(TcpEngine e, TcpSock s, int flag, long nowNs) {
        TcpSender t = s.snd;
        if (t.isEmpty()) {
            return flag;
        }
        if (!s.sackOk) {
            TcpRack.tcpNewrenoMarkLost(e, s, (flag & TcpAckInput.FLAG_SND_UNA_ADVANCED) != 0);
            return flag;
        }
        int priorRetrans = t.retransOut;
        int f = flag;
        if (TcpRack.tcpRackMarkLost(e, s, nowNs)) {
            f &= ~TcpAckInput.FLAG_SET_XMIT_TIMER;
        }
        if (priorRetrans > t.retransOut) {
            f |= TcpAckInput.FLAG_LOST_RETRANS;
        }
        return f;
    }

    /** Kernel: tcp_mark_skb_lost(). A lost retransmission is counted (TcpExtTCPLostRetransmit). */
    static void tcpMarkSkbLost(TcpEngine e, TcpSock s, int pos) {
        TcpSender t = s.snd;
        int sacked = t.sacked(pos);
        if ((sacked & TcpSender.SACKED_ACKED) != 0) {
            return;
        }
        if (t.retransmitHint == TcpSender.NIL && t.retransOut >= t.lostOut
                || t.retransmitHint != TcpSender.NIL && pos < t.retransmitHint) {
            t.retransmitHint = pos; // tcp_verify_retransmit_hint()
        }
        if ((sacked & TcpSender.LOST) != 0) {
            if ((sacked & TcpSender.SACKED_RETRANS) != 0) {
                t.setSacked(pos, sacked & ~TcpSender.SACKED_RETRANS);
                t.retransOut--;
                e.counters.inc(TcpStat.TcpExtTCPLostRetransmit);
                t.lost++;
            }
        } else {
            t.lostOut++;
            t.setSacked(pos, sacked | TcpSender.LOST);
            t.lost++;
        }
    }

    // ---- undo ----

    /** Kernel: tcp_init_undo(): the retransmissions in flight might still be D-SACKed later. */
    private static void tcpInitUndo(TcpSock s) {
        TcpSender t = s.snd;
        t.undoMarkerSet = true;
        t.undoMarker = s.sndUna;
        t.undoRetrans = t.retransOut;
        if (t.tlpHighSeqSet && t.tlpRetrans) {
            t.undoRetrans++;
        }
        if (t.undoRetrans == 0) {
            t.undoRetrans = -1;
        }
    }

    /** Kernel: tcp_any_retrans_done(). */
    static boolean tcpAnyRetransDone(TcpSender t) {
        return t.retransOut != 0 || !t.isEmpty() && (t.sacked(t.head) & TcpSender.EVER_RETRANS) != 0;
    }

    /** Kernel: tcp_packet_delayed(): the ACK echoes a timestamp from before the first retransmission. */
    private static boolean tcpPacketDelayed(TcpSock s) {
        TcpSender t = s.snd;
        if (t.retransStampSet) {
            return t.ackTsecrValid && Seq.before(t.ackTsecr, t.retransStamp);
        }
        if (!s.sackOk && !Seq.before(s.sndUna, t.highSeq)) {
            return false;
        }
        return true; // nothing was retransmitted yet
    }

    /** Kernel: tcp_may_undo(). */
    private static boolean tcpMayUndo(TcpSock s) {
        TcpSender t = s.snd;
        return t.undoMarkerSet && (t.undoRetrans == 0 || tcpPacketDelayed(s));
    }

    /**
     * Kernel: tcp_undo_cwnd_reduction(). Back to the window and threshold from before the reduction
     * (undo_cwnd: max(cwnd, prior_cwnd)); with {@code unmarkLoss} nothing stays marked lost.
     */
    private static void tcpUndoCwndReduction(TcpEngine e, TcpSock s, boolean unmarkLoss) {
        TcpSender t = s.snd;
        if (unmarkLoss) {
            for (int p = t.head; p < t.tail; p++) {
                t.setSacked(p, t.sacked(p) & ~TcpSender.LOST);
            }
            t.lostOut = 0;
            t.retransmitHint = TcpSender.NIL;
        }
        if (t.priorSsthresh != 0) {
            s.sndCwnd = Math.max(s.sndCwnd, t.priorCwnd);
            if (t.priorSsthresh > s.ssthresh) {
                s.ssthresh = t.priorSsthresh;
            }
        }
        t.undoMarkerSet = false;
        t.rackAdvanced = true; // let RACK look again at what is lost
    }

    /** Kernel: tcp_is_non_sack_preventing_reopen(): NewReno holds the state until above high_seq is ACKed. */
    private static boolean tcpIsNonSackPreventingReopen(TcpSock s) {
        TcpSender t = s.snd;
        if (s.sndUna == t.highSeq && !s.sackOk) {
            if (!tcpAnyRetransDone(t)) {
                t.retransStampSet = false;
            }
            return true;
        }
        return false;
    }

    /** Kernel: tcp_try_undo_recovery(). Recovery or Loss ended: undo if it was spurious. */
    static boolean tcpTryUndoRecovery(TcpEngine e, TcpSock s) {
        TcpSender t = s.snd;
        if (tcpMayUndo(s)) {
            tcpUndoCwndReduction(e, s, false);
            e.counters.inc(t.caState == TcpSender.CA_LOSS ? TcpStat.TcpExtTCPLossUndo : TcpStat.TcpExtTCPFullUndo);
        } else if (t.rackReoWndPersist > 0) {
            t.rackReoWndPersist--;
        }
        if (tcpIsNonSackPreventingReopen(s)) {
            return true;
        }
        tcpSetCaState(e, s, TcpSender.CA_OPEN);
        t.isSackReneg = false;
        return false;
    }

    /** Kernel: tcp_try_undo_dsack(): every retransmission was D-SACKed, so none was needed. */
    private static boolean tcpTryUndoDsack(TcpEngine e, TcpSock s) {
        TcpSender t = s.snd;
        if (t.undoMarkerSet && t.undoRetrans == 0) {
            t.rackReoWndPersist = Math.min(TcpRack.RACK_RECOVERY_THRESH, t.rackReoWndPersist + 1);
            tcpUndoCwndReduction(e, s, false);
            e.counters.inc(TcpStat.TcpExtTCPDSACKUndo);
            return true;
        }
        return false;
    }

    /** Kernel: tcp_try_undo_loss(): in Loss, after a partial ACK or by F-RTO. */
    private static boolean tcpTryUndoLoss(TcpEngine e, TcpSock s, boolean frtoUndo) {
        TcpSender t = s.snd;
        if (frtoUndo || tcpMayUndo(s)) {
            tcpUndoCwndReduction(e, s, true);
            e.counters.inc(TcpStat.TcpExtTCPLossUndo);
            if (frtoUndo) {
                e.counters.inc(TcpStat.TcpExtTCPSpuriousRTOs);
            }
            s.retransmits = 0;
            if (tcpIsNonSackPreventingReopen(s)) {
                return true;
            }
            if (frtoUndo || s.sackOk) {
                tcpSetCaState(e, s, TcpSender.CA_OPEN);
                t.isSackReneg = false;
            }
            return true;
        }
        return false;
    }

    /** Kernel: tcp_try_undo_partial(): a partial ACK of original data (by timestamps): the hole was reordering. */
    private static boolean tcpTryUndoPartial(TcpEngine e, TcpSock s, int priorSndUna) {
        TcpSender t = s.snd;
        if (t.undoMarkerSet && tcpPacketDelayed(s)) {
            TcpSacktag.tcpCheckSackReordering(e, s, priorSndUna, true);
            if (t.retransOut != 0) {
                return true; // clock out new data, but retransmit nothing more
            }
            if (!tcpAnyRetransDone(t)) {
                t.retransStampSet = false;
            }
            tcpUndoCwndReduction(e, s, true);
            e.counters.inc(TcpStat.TcpExtTCPPartialUndo);
            tcpTryKeepOpen(e, s);
        }
        return false;
    }

    // ---- PRR and state entry ----

    /** Kernel: tcp_init_cwnd_reduction(). */
    static void tcpInitCwndReduction(TcpEngine e, TcpSock s) {
        TcpSender t = s.snd;
        t.highSeq = s.sndNxt;
        t.tlpHighSeqSet = false;
        s.cwndCnt = 0;
        t.priorCwnd = s.sndCwnd;
        t.prrDelivered = 0;
        t.prrOut = 0;
        s.ssthresh = e.cc.ssthresh(s);
        TcpEcn.queueCwr(s); // the next new data carries CWR: the peer stops echoing ECE
    }

    /**
     * Kernel: tcp_cwnd_reduction() (RFC 6937). Above ssthresh, send ssthresh/prior_cwnd of what was
     * delivered (proportional); below it, slow start back towards ssthresh by what was delivered (+1 when
     * snd_una advanced without new loss); always the first retransmission.
     */
    static void tcpCwndReduction(TcpSock s, int newlyAckedSacked, int newlyLost, int flag) {
        TcpSender t = s.snd;
        if (newlyAckedSacked <= 0 || t.priorCwnd == 0) {
            return;
        }
        int delta = s.ssthresh - t.inFlight();
        int sndcnt;
        t.prrDelivered += newlyAckedSacked;
        if (delta < 0) {
            long dividend = (long) s.ssthresh * t.prrDelivered + t.priorCwnd - 1;
            sndcnt = (int) (dividend / t.priorCwnd) - t.prrOut;
        } else {
            sndcnt = Math.max(t.prrDelivered - t.prrOut, newlyAckedSacked);
            if ((flag & TcpAckInput.FLAG_SND_UNA_ADVANCED) != 0 && newlyLost == 0) {
                sndcnt++;
            }
            sndcnt = Math.min(delta, sndcnt);
        }
        sndcnt = Math.max(sndcnt, t.prrOut != 0 ? 0 : 1);
        s.sndCwnd = t.inFlight() + sndcnt;
    }

    /** Kernel: tcp_end_cwnd_reduction(): cwnd = ssthresh at the end of CWR or of an un-undone Recovery. */
    static void tcpEndCwndReduction(TcpSock s) {
        TcpSender t = s.snd;
        if (s.ssthresh < TcpAckInput.INFINITE_SSTHRESH && (t.caState == TcpSender.CA_CWR || t.undoMarkerSet)) {
            s.sndCwnd = s.ssthresh;
        }
    }

    /** Kernel: tcp_try_keep_open(): Disorder while anything is SACKed, lost or retransmitted. */
    static void tcpTryKeepOpen(TcpEngine e, TcpSock s) {
        TcpSender t = s.snd;
        int state = t.sackedOut + t.lostOut != 0 || tcpAnyRetransDone(t) ? TcpSender.CA_DISORDER
                : TcpSender.CA_OPEN;
        if (t.caState != state) {
            tcpSetCaState(e, s, state);
            t.highSeq = s.sndNxt;
        }
    }

    /** Kernel: tcp_try_to_open(): an ECN echo enters CWR. */
    private static void tcpTryToOpen(TcpEngine e, TcpSock s, int flag) {
        TcpSender t = s.snd;
        if (!tcpAnyRetransDone(t)) {
            t.retransStampSet = false;
        }
        if ((flag & TcpAckInput.FLAG_ECE) != 0) {
            tcpEnterCwr(e, s);
        }
        if (t.caState != TcpSender.CA_CWR) {
            tcpTryKeepOpen(e, s);
        }
    }

    /**
     * Kernel: tcp_enter_cwr(): the window reduction of an ECN echo (or a local congestion signal), once per
     * window of data and never from Recovery or Loss; PRR then drives it (tcp_cwnd_reduction).
     */
    static void tcpEnterCwr(TcpEngine e, TcpSock s) {
        TcpSender t = s.snd;
        t.priorSsthresh = 0;
        if (t.caState < TcpSender.CA_CWR) {
            t.undoMarkerSet = false;
            tcpInitCwndReduction(e, s);
            tcpSetCaState(e, s, TcpSender.CA_CWR);
        }
    }

    /** Kernel: tcp_enter_recovery(). TcpExtTCPSACKRecovery / TcpExtTCPRenoRecovery. */
    static void tcpEnterRecovery(TcpEngine e, TcpSock s, boolean eceAck, long nowNs) {
        TcpSender t = s.snd;
        if (!tcpAnyRetransDone(t)) {
            t.retransStampSet = false; // tcp_retrans_stamp_cleanup(): the clock starts with this recovery
        }
        e.counters.inc(s.sackOk ? TcpStat.TcpExtTCPSACKRecovery : TcpStat.TcpExtTCPRenoRecovery);
        t.priorSsthresh = 0;
        tcpInitUndo(s);
        if (!t.inCwndReduction()) {
            if (!eceAck) {
                t.priorSsthresh = tcpCurrentSsthresh(s);
            }
            tcpInitCwndReduction(e, s);
        }
        tcpSetCaState(e, s, TcpSender.CA_RECOVERY);
    }

    /**
     * Kernel: tcp_process_loss(). In Loss: undo if the RTO was spurious (F-RTO step 3b: never-retransmitted
     * data was (S)ACKed), send new data for F-RTO step 2b, finish when high_seq is ACKed, else retransmit
     * what is lost. @return REXMIT_*
     */
    private static int tcpProcessLoss(TcpEngine e, TcpSock s, int flag, int numDupack) {
        TcpSender t = s.snd;
        boolean recovered = !Seq.before(s.sndUna, t.highSeq);
        if ((flag & TcpAckInput.FLAG_SND_UNA_ADVANCED) != 0 && tcpTryUndoLoss(e, s, false)) {
            return TcpAckInput.REXMIT_NONE;
        }
        if (t.frto) {
            if ((flag & TcpAckInput.FLAG_ORIG_SACK_ACKED) != 0 && tcpTryUndoLoss(e, s, true)) {
                return TcpAckInput.REXMIT_NONE;
            }
            if (Seq.after(s.sndNxt, t.highSeq)) {
                if ((flag & TcpAckInput.FLAG_DATA_SACKED) != 0 || numDupack != 0) {
                    t.frto = false; // step 3a: the loss was real
                }
            } else if ((flag & TcpAckInput.FLAG_SND_UNA_ADVANCED) != 0 && !recovered) {
                t.highSeq = s.sndNxt;
                int unsent = s.sendQueue.size() - (s.sndNxt - s.sndUna);
                if (unsent > 0 && Seq.after(s.sndUna + s.sndWnd, s.sndNxt)) {
                    return TcpAckInput.REXMIT_NEW; // step 2b: new data, sent once the window is updated
                }
                t.frto = false;
            }
        }
        if (recovered) {
            tcpTryUndoRecovery(e, s); // step 2a and the first part of 3a
            return TcpAckInput.REXMIT_NONE;
        }
        if (!s.sackOk) {
            if (Seq.after(s.sndNxt, t.highSeq) && numDupack != 0) {
                tcpAddRenoSack(e, s, numDupack);
            } else if ((flag & TcpAckInput.FLAG_SND_UNA_ADVANCED) != 0) {
                t.sackedOut = 0;
            }
        }
        return TcpAckInput.REXMIT_LOST;
    }

    /**
     * Kernel: tcp_enter_loss(), on an RTO. Marks the queue lost (tcp_timeout_mark_lost: all but recently
     * sent records, or everything with SACK reneging), lowers ssthresh unless this episode already did,
     * cwnd = what is still in flight + 1, and arms F-RTO (tcp_frto).
     */
    static void tcpEnterLoss(TcpEngine e, TcpSock s, long nowNs) {
        TcpSender t = s.snd;
        boolean newRecovery = t.caState < TcpSender.CA_RECOVERY;
        tcpTimeoutMarkLost(e, s, nowNs);
        if (t.caState <= TcpSender.CA_DISORDER || !Seq.after(t.highSeq, s.sndUna)
                || t.caState == TcpSender.CA_LOSS && s.retransmits == 0) {
            t.priorSsthresh = tcpCurrentSsthresh(s);
            t.priorCwnd = s.sndCwnd;
            s.ssthresh = e.cc.ssthresh(s);
            tcpInitUndo(s);
        }
        s.sndCwnd = t.inFlight() + 1;
        s.cwndCnt = 0;
        int reordering = e.params.reordering();
        if (t.caState <= TcpSender.CA_DISORDER && t.sackedOut >= reordering) {
            t.reordering = Math.min(t.reordering, reordering);
        }
        tcpSetCaState(e, s, TcpSender.CA_LOSS);
        t.highSeq = s.sndNxt;
        t.tlpHighSeqSet = false;
        TcpEcn.queueCwr(s);
        t.frto = e.params.frto() && (newRecovery || s.retransmits > 0);
    }

    /** Kernel: tcp_timeout_mark_lost(). */
    private static void tcpTimeoutMarkLost(TcpEngine e, TcpSock s, long nowNs) {
        TcpSender t = s.snd;
        if (t.isEmpty()) {
            return;
        }
        boolean isReneg = (t.sacked(t.head) & TcpSender.SACKED_ACKED) != 0;
        if (isReneg) {
            e.counters.inc(TcpStat.TcpExtTCPSACKReneging);
            t.sackedOut = 0;
            t.isSackReneg = true;
        } else if (!s.sackOk) {
            t.sackedOut = 0;
        }
        for (int p = t.head; p < t.tail; p++) {
            if (isReneg) {
                t.setSacked(p, t.sacked(p) & ~TcpSender.SACKED_ACKED);
            } else if (p != t.head && TcpRack.tcpRackSkbTimeoutUs(t, p, 0, nowNs) > 0) {
                continue; // sent too recently to call lost
            }
            tcpMarkSkbLost(e, s, p);
        }
        t.retransmitHint = TcpSender.NIL;
    }

    // ---- NewReno: duplicate ACKs stand in for SACKs ----

    /** Kernel: tcp_add_reno_sack(). */
    private static void tcpAddRenoSack(TcpEngine e, TcpSock s, int numDupack) {
        if (numDupack == 0) {
            return;
        }
        TcpSender t = s.snd;
        int prior = t.sackedOut;
        t.sackedOut += numDupack;
        tcpCheckRenoReordering(e, s, 0);
        int delivered = t.sackedOut - prior;
        if (delivered > 0) {
            t.delivered += delivered;
        }
    }

    /** Kernel: tcp_remove_reno_sacks(): an ACK of new data ate one hole and the dup ACKs before it. */
    static void tcpRemoveRenoSacks(TcpEngine e, TcpSock s, int acked) {
        TcpSender t = s.snd;
        if (acked > 0) {
            t.delivered += Math.max(acked - t.sackedOut, 1);
            if (acked - 1 >= t.sackedOut) {
                t.sackedOut = 0;
            } else {
                t.sackedOut -= acked - 1;
            }
        }
        tcpCheckRenoReordering(e, s, acked);
    }

    /** Kernel: tcp_check_reno_reordering(): more dup ACKs than segments out is reordering. */
    private static void tcpCheckRenoReordering(TcpEngine e, TcpSock s, int addend) {
        TcpSender t = s.snd;
        int holes = Math.min(Math.max(t.lostOut, 1), t.packetsOut);
        if (t.sackedOut + holes <= t.packetsOut) {
            return;
        }
        t.sackedOut = t.packetsOut - holes; // tcp_limit_reno_sacked()
        t.reordering = Math.min(t.packetsOut + addend, e.params.maxReordering());
        t.reordSeen++;
        e.counters.inc(TcpStat.TcpExtTCPRenoReorder);
    }

    /**
     * Kernel: tcp_simple_retransmit(). The path MTU fell: every
     * record larger than the new MSS is lost; they are resent at the new size without a congestion
     * reduction (the Loss state only tracks until they are acknowledged).
     */
    static void tcpSimpleRetransmit(TcpEngine e, TcpSock s, long nowNs) {
        TcpSender t = s.snd;
        if (t == null) {
            return;
        }
        for (int p = t.head; p < t.tail; p++) {
            if (TcpXmit.dataLen(t, p) > s.mss) {
                tcpMarkSkbLost(e, s, p);
            }
        }
        if (t.lostOut == 0) {
            return;
        }
        if (!s.sackOk) {
            tcpCheckRenoReordering(e, s, 0);
        }
        tcpNonCongestionLossRetransmit(e, s, nowNs);
    }

    /**
     * Kernel: tcp_non_congestion_loss_retransmit(). What is marked lost was not lost to congestion: the Loss
     * state only tracks it until it is acknowledged (no window reduction, no undo), and it is resent now.
     */
    static void tcpNonCongestionLossRetransmit(TcpEngine e, TcpSock s, long nowNs) {
        TcpSender t = s.snd;
        if (t.caState != TcpSender.CA_LOSS) {
            t.highSeq = s.sndNxt;
            s.ssthresh = tcpCurrentSsthresh(s);
            t.priorSsthresh = 0;
            t.undoMarkerSet = false;
            tcpSetCaState(e, s, TcpSender.CA_LOSS);
        }
        TcpXmit.tcpXmitRetransmitQueue(e, s, nowNs);
    }
}
