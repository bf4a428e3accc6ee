package dev.fastpath.tcp;

import dev.fastpath.timer.TimerWheel;
import dev.fastpath.wire.TcpSegmentView;
import dev.fastpath.wire.TcpHeader;

/**
 * The ACK path of a full connection, step by step as Linux's tcp_ack(): window update, SACK tagging, freeing
 * the acknowledged records with their RTT and delivery samples, RACK's reordering window, the TLP episode, the
 * congestion state machine ({@link TcpRecovery}), the rate sample, the congestion control (PRR in
 * recovery, the algorithm's growth otherwise) and the retransmissions recovery asks for.
 */
final class TcpAckInput {
    static final int FLAG_DATA = 0x01;
    static final int FLAG_WIN_UPDATE = 0x02;
    static final int FLAG_DATA_ACKED = 0x04;
    static final int FLAG_RETRANS_DATA_ACKED = 0x08;
    static final int FLAG_SYN_ACKED = 0x10;
    static final int FLAG_DATA_SACKED = 0x20;
    static final int FLAG_ECE = 0x40;
    static final int FLAG_LOST_RETRANS = 0x80;
    static final int FLAG_ORIG_SACK_ACKED = 0x200;
    static final int FLAG_SND_UNA_ADVANCED = 0x400;
    static final int FLAG_DSACKING_ACK = 0x800;
    static final int FLAG_SET_XMIT_TIMER = 0x1000;
    static final int FLAG_SACK_RENEGING = 0x2000;
    static final int FLAG_ACK_MAYBE_DELAYED = 0x10000;
    static final int FLAG_DSACK_TLP = 0x20000;
    static final int FLAG_ACKED = FLAG_DATA_ACKED | FLAG_SYN_ACKED;
    static final int FLAG_NOT_DUP = FLAG_DATA | FLAG_WIN_UPDATE | FLAG_ACKED;
    static final int FLAG_CA_ALERT = FLAG_DATA_SACKED | FLAG_ECE | FLAG_DSACKING_ACK;
    static final int FLAG_FORWARD_PROGRESS = FLAG_ACKED | FLAG_DATA_SACKED;
    static final int REXMIT_NONE = 0;
    static final int REXMIT_LOST = 1;
    static final int REXMIT_NEW = 2;
    /** Linux TCP_INFINITE_SSTHRESH. */
    static final int INFINITE_SSTHRESH = 0x7fffffff;

    private TcpAckInput() {
    }

    /**
     * Kernel: tcp_ack(). RFC 5961 §5.2: an ACK older than the window we could have sent (and than what was
     * ever acknowledged) is answered with a challenge ACK and dropped; an ACK beyond snd_nxt is dropped.
     *
     * @return −1 drop the segment, 0 old ACK (its SACK blocks were still used), 1 processed
     */
    static int tcpAck(TcpEngine e, TcpSock s, TcpSegmentView f, long nowNs) {
        TcpSender t = s.snd;
        int ack = f.ack();
        int priorSndUna = s.sndUna;
        t.mstampNs = nowNs;
        t.ackTsecrValid = s.tsOk && f.options().hasTimestamps() && f.options().tsEcr() != 0;
        t.ackTsecr = f.options().tsEcr();
        if (Seq.before(ack, priorSndUna)) {
            int maxWindow = (int) Math.min(s.maxWindow, t.bytesAcked);
            if (Seq.before(ack, priorSndUna - maxWindow)) {
                e.input.tcpSendChallengeAck(s, nowNs);
                return -1;
            }
            oldAck(e, s, f, priorSndUna, nowNs);
            return 0;
        }
        if (Seq.after(ack, s.sndNxt)) {
            // Acknowledges data never sent (SKB_DROP_REASON_TCP_ACK_UNSENT_DATA): RFC 9293 §3.10.7.4, send an ACK
            // and drop the segment, data and all; Linux 6.18 sends it as a challenge ACK (rate-limited).
            e.counters.inc(TcpStat.FpBadAckDrop);
            e.input.tcpSendChallengeAck(s, nowNs);
            return -1;
        }
        boolean isSackReneg = t.isSackReneg;
        int priorPackets = t.packetsOut;
        int deliveredBefore = t.delivered;
        int lostBefore = t.lost;
        int flag = 0;
        if (Seq.after(ack, priorSndUna)) {
            flag |= FLAG_SND_UNA_ADVANCED;
            if (s.retransmits > 0) {
                s.stats.tcpUpdateRtoTime(nowNs); // the ACK ends the RTO recovery (CA_Loss)
            }
            s.retransmits = 0;
        }
        int priorFack = s.sackOk ? t.highestSackSeq(priorSndUna, s.sndNxt) : priorSndUna;
        TcpRate.startSample(t);
        t.rsPriorInFlight = t.inFlight();
        TcpInput.tcpReplaceTsRecent(s, f); // FLAG_UPDATE_TS_RECENT: only once the ACK is known to be acceptable
        if (f.payloadLength() > 0 || (f.flags() & (TcpHeader.SYN | TcpHeader.FIN)) != 0) {
            flag |= FLAG_DATA;
        } else {
            e.counters.inc(TcpStat.TcpExtTCPPureAcks);
        }
        flag |= tcpAckUpdateWindow(e, s, f, ack, nowNs);
        TcpSacktag.startState(t, s.sndNxt);
        if (f.options().sackBlockCount() > 0 && s.sackOk) {
            flag |= TcpSacktag.tcpSacktagWriteQueue(e, s, f, priorSndUna, nowNs);
        }
        if (t.stSackDelivered > 0) {
            t.delivered += t.stSackDelivered;
        }
        if (TcpEcn.tcpAckEcn(s, f)) {
            flag |= FLAG_ECE; // tcp_ecn_rcv_ecn_echo()
        }
        s.softError = 0;
        s.probesOut = 0;
        if (priorPackets == 0) {
            noQueue(e, s, f, priorSndUna, flag, deliveredBefore, nowNs);
            return 1;
        }
        flag |= tcpCleanRtxQueue(e, s, f, priorFack, priorSndUna, nowNs);
        TcpRack.tcpRackUpdateReoWnd(e, t);
        if (t.tlpHighSeqSet) {
            tcpProcessTlpAck(e, s, ack, flag);
        }
        int rexmit = REXMIT_NONE;
        if (tcpAckIsDubious(t, flag)) {
            int numDupack = (flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP | FLAG_DSACKING_ACK)) == 0 ? 1 : 0;
            long r = TcpRecovery.tcpFastretransAlert(e, s, priorSndUna, numDupack, flag, nowNs);
            flag = (int) r;
            rexmit = (int) (r >>> 32);
        }
        if ((flag & FLAG_SET_XMIT_TIMER) != 0) {
            TcpTimers.tcpSetXmitTimer(e, s, nowNs);
        }
        int delivered = tcpNewlyDelivered(e, t, deliveredBefore);
        int lost = t.lost - lostBefore;
        t.rsIsAckDelayed = (flag & FLAG_ACK_MAYBE_DELAYED) != 0;
        TcpRate.tcpRateGen(t, delivered, lost, isSackReneg, nowNs);
        tcpCongControl(e, s, delivered, flag, nowNs);
        tcpXmitRecovery(e, s, rexmit, nowNs);
        return 1;
    }

    /** tcp_ack() with an empty retransmission queue: a window update, a D-SACK undo, the probe timer. */
    private static void noQueue(TcpEngine e, TcpSock s, TcpSegmentView f, int priorSndUna, int flag0,
            int deliveredBefore, long nowNs) {
        TcpSender t = s.snd;
        int flag = flag0;
        if ((flag & FLAG_DSACKING_ACK) != 0) {
            long r = TcpRecovery.tcpFastretransAlert(e, s, priorSndUna, 0, flag, nowNs);
            flag = (int) r;
            tcpNewlyDelivered(e, t, deliveredBefore);
        }
        tcpAckProbe(e, s, nowNs);
        if (t.tlpHighSeqSet) {
            tcpProcessTlpAck(e, s, f.ack(), flag);
        }
    }

    /** tcp_ack()'s old_ack: SACK blocks of an old ACK still tag the queue and may start recovery. */
    private static void oldAck(TcpEngine e, TcpSock s, TcpSegmentView f, int priorSndUna, long nowNs) {
        TcpSender t = s.snd;
        if (f.options().sackBlockCount() == 0 || !s.sackOk) {
            return;
        }
        int deliveredBefore = t.delivered;
        TcpRate.startSample(t);
        TcpSacktag.startState(t, s.sndNxt);
        int flag = TcpSacktag.tcpSacktagWriteQueue(e, s, f, priorSndUna, nowNs);
        if (t.stSackDelivered > 0) {
            t.delivered += t.stSackDelivered;
        }
        long r = TcpRecovery.tcpFastretransAlert(e, s, priorSndUna, 0, flag, nowNs);
        tcpNewlyDelivered(e, t, deliveredBefore);
        tcpXmitRecovery(e, s, (int) (r >>> 32), nowNs);
    }

    /**
     * Kernel: tcp_ack_probe(). The zero-window probe's answer: a window that opened ends probing (and its
     * backoff); one still shut restarts the wait from now.
     */
    private static void tcpAckProbe(TcpEngine e, TcpSock s, long nowNs) {
        if (!e.timers.pending(s.probeTimer)) {
            return;
        }
        if (s.sndWnd > 0) {
            e.timers.cancel(s.probeTimer);
            s.probeTimer = TimerWheel.NONE;
            s.backoff = 0;
            s.retransStartNs = 0;
            s.probesStartNs = 0;
        } else {
            TcpTimers.rearmProbe(e, s, nowNs);
        }
    }

    /**
     * Kernel: tcp_ack_update_window() and tcp_snd_una_update(). The window is taken from a newer segment,
     * or from the same one when it grows or closes (tcp_may_update_window); acknowledged bytes leave the
     * send queue.
     */
    private static int tcpAckUpdateWindow(TcpEngine e, TcpSock s, TcpSegmentView f, int ack, long nowNs) {
        int flag = 0;
        int nwin = (f.flags() & TcpHeader.SYN) != 0 ? f.window() : f.window() << s.sndWscale;
        int seq = f.seq();
        if (Seq.after(ack, s.sndUna) || Seq.after(seq, s.sndWl1)
                || seq == s.sndWl1 && (Integer.compareUnsigned(nwin, s.sndWnd) > 0 || nwin == 0)) {
            flag |= FLAG_WIN_UPDATE;
            s.sndWl1 = seq;
            s.sndWl2 = ack;
            if (nwin != s.sndWnd && s.sendQueue.writeQueueSkbs() > 0) {
                s.sndWnd = nwin;
                TcpXmit.tcpSlowStartAfterIdleCheck(e, s, nowNs); // a window change with data waiting
            }
            s.sndWnd = nwin;
            s.maxWindow = Math.max(s.maxWindow, nwin); // the handshake's window counts too (tcp_init_wl)
        }
        int acked = ack - s.sndUna;
        if (acked > 0) {
            int bytes = acked;
            if (s.finQueued && Seq.after(ack, s.finSeq)) {
                bytes--;
            }
            s.sendQueue.consume(Math.min(bytes, s.sendQueue.size()));
            s.snd.bytesAcked += acked;
            s.stats.bytesAcked += acked; // tcp_snd_una_update()
            s.sndUna = ack;
            TcpUrg.ackAdvanced(s, ack); // tcp_clean_rtx_queue(): urgent mode ends once snd_up is acknowledged
        }
        return flag;
    }

    /**
     * Kernel: tcp_clean_rtx_queue(). Frees the records snd_una passed: the scoreboard counts, the delivered
     * count, RACK's newest delivery, the rate sample, the RTT sample (from never-retransmitted records only,
     * Karn) and the reordering a cumulatively filled hole reveals.
     */
    private static int tcpCleanRtxQueue(TcpEngine e, TcpSock s, TcpSegmentView f, int priorFack, int priorSndUna,
            long nowNs) {
        TcpSender t = s.snd;
        int priorSacked = t.sackedOut;
        int reord = s.sndNxt;
        boolean haveAckt = false;
        long firstAcktNs = 0;
        long lastAcktNs = 0;
        int pktsAcked = 0;
        int flag = 0;
        while (!t.isEmpty()) {
            int pos = t.head;
            int end = t.end(pos);
            if (Seq.after(end, s.sndUna)) {
                break; // not (or only partly) acknowledged: one segment per record, as a pcount-1 skb
            }
            int startSeq = t.seq(pos);
            int sacked = t.sacked(pos);
            long xmit = t.xmitNs(pos);
            if ((sacked & TcpSender.RETRANS) != 0) {
                if ((sacked & TcpSender.SACKED_RETRANS) != 0) {
                    t.retransOut--;
                }
                flag |= FLAG_RETRANS_DATA_ACKED;
            } else if ((sacked & TcpSender.SACKED_ACKED) == 0) {
                lastAcktNs = xmit;
                if (!haveAckt) {
                    firstAcktNs = xmit;
                    haveAckt = true;
                }
                if (Seq.before(startSeq, reord)) {
                    reord = startSeq;
                }
                if (!Seq.after(end, t.highSeq)) {
                    flag |= FLAG_ORIG_SACK_ACKED;
                }
            }
            if ((sacked & TcpSender.SACKED_ACKED) != 0) {
                t.sackedOut--;
            } else if (s.sackOk) {
                t.delivered++;
                if (!tcpSkbSpuriousRetrans(e, s, f, pos)) {
                    TcpRack.tcpRackAdvance(t, sacked, end, xmit, nowNs);
                }
            }
            if ((sacked & TcpSender.LOST) != 0) {
                t.lostOut--;
            }
            t.packetsOut--;
            pktsAcked++;
            TcpRate.tcpRateSkbDelivered(t, pos);
            flag |= FLAG_DATA_ACKED;
            t.removeHead();
        }
        if (!t.isEmpty() && (t.sacked(t.head) & TcpSender.SACKED_ACKED) != 0) {
            flag |= FLAG_SACK_RENEGING;
        }
        if (t.isEmpty()) { // everything sent is acknowledged
            s.stats.tcpChronoStop(SockStats.CHRONO_BUSY, s.sendQueue.skbCount() == 0, nowNs);
        }
        long seqRttUs = -1;
        long caRttUs = -1;
        long sackRttUs = -1;
        if (haveAckt && (flag & FLAG_RETRANS_DATA_ACKED) == 0) {
            seqRttUs = us(nowNs - firstAcktNs);
            caRttUs = us(nowNs - lastAcktNs);
            if (pktsAcked == 1 && priorSacked == 0 && s.sndUna - priorSndUna < s.mss
                    && t.rsPriorDelivered + 1 == t.delivered && (flag & (FLAG_CA_ALERT | FLAG_SYN_ACKED)) == 0) {
                flag |= FLAG_ACK_MAYBE_DELAYED; // likely a delayed ACK of a lone runt
            }
        }
        if (t.stHaveSackt) {
            sackRttUs = us(nowNs - t.stFirstSacktNs);
            caRttUs = us(nowNs - t.stLastSacktNs);
        }
        boolean rttUpdate = tcpAckUpdateRtt(e, s, f, flag, seqRttUs, sackRttUs, caRttUs, nowNs);
        if ((flag & FLAG_ACKED) != 0) {
            flag |= FLAG_SET_XMIT_TIMER;
            if (!s.sackOk) {
                TcpRecovery.tcpRemoveRenoSacks(e, s, pktsAcked);
                if ((flag & FLAG_RETRANS_DATA_ACKED) != 0) {
                    flag &= ~FLAG_ORIG_SACK_ACKED;
                }
            } else if (Seq.before(reord, priorFack)) {
                TcpSacktag.tcpCheckSackReordering(e, s, reord, false); // a never-resent hole filled
            }
        } else if (!t.isEmpty() && rttUpdate && sackRttUs >= 0 && sackRttUs > us(nowNs - t.xmitNs(t.head))) {
            flag |= FLAG_SET_XMIT_TIMER; // the SACK RTT is of data sent before the head's last transmission
        }
        e.cc.pktsAcked(e.counters, s, pktsAcked, t.rsRttUs, nowNs);
        return flag;
    }

    /** Kernel: tcp_verify_left_out(), as a test's check that the counts match the tag bits. */
    static void verifyLeftOut(TcpSock s, String where) {
        TcpSender t = s.snd;
        int sacked = 0;
        int lost = 0;
        int retr = 0;
        for (int p = t.head; p < t.tail; p++) {
            int b = t.sacked(p);
            sacked += (b & TcpSender.SACKED_ACKED) != 0 ? 1 : 0;
            lost += (b & TcpSender.LOST) != 0 ? 1 : 0;
            retr += (b & TcpSender.SACKED_RETRANS) != 0 ? 1 : 0;
        }
        if (t.size() != t.packetsOut || s.sackOk && sacked != t.sackedOut || lost != t.lostOut
                || retr != t.retransOut) {
            throw new IllegalStateException(where + " size=" + t.size() + " out=" + t.packetsOut + " sacked="
                    + sacked + "/" + t.sackedOut + " lost=" + lost + "/" + t.lostOut + " retr=" + retr + "/"
                    + t.retransOut);
        }
    }

    static long us(long ns) {
        return ns / 1000;
    }

    /** Kernel: tcp_skb_spurious_retrans(): the echoed timestamp predates this record's retransmission. */
    private static boolean tcpSkbSpuriousRetrans(TcpEngine e, TcpSock s, TcpSegmentView f, int pos) {
        TcpSender t = s.snd;
        return (t.sacked(pos) & TcpSender.RETRANS) != 0 && t.ackTsecrValid
                && Seq.before(t.ackTsecr, e.tsVal(s, t.xmitNs(pos))); // tcp_tsopt_ecr_before()
    }

    /**
     * Kernel: tcp_ack_update_rtt(). Prefer the RTT of never-retransmitted data this ACK acknowledged, then
     * of newly SACKed data, then the echoed timestamp (RFC 7323 §4.1, only when new data was acknowledged);
     * update the windowed minimum, SRTT/RTTVAR and the RTO, and clear the backoff (RFC 6298 §5.7).
     */
    static boolean tcpAckUpdateRtt(TcpEngine e, TcpSock s, TcpSegmentView f, int flag, long seqRtt, long sackRttUs,
            long caRtt, long nowNs) {
        long seqRttUs = seqRtt < 0 ? sackRttUs : seqRtt;
        long caRttUs = caRtt;
        if (seqRttUs < 0 && s.tsOk && f != null && f.options().hasTimestamps() && f.options().tsEcr() != 0
                && (flag & FLAG_ACKED) != 0) {
            long delta = e.tsVal(s, nowNs) - f.options().tsEcr();
            if (delta >= 0 && delta < Integer.MAX_VALUE / 1000) {
                seqRttUs = Math.max(delta, 1) * 1000; // tcp_rtt_tsopt_us(): TSval ticks are ms
                caRttUs = seqRttUs;
            }
        }
        s.snd.rsRttUs = caRttUs;
        if (seqRttUs < 0) {
            return false;
        }
        tcpUpdateRttMin(e, s.snd, caRttUs, flag, nowNs);
        tcpRttEstimator(e, s, seqRttUs);
        tcpSetRto(e, s);
        s.backoff = 0;
        return true;
    }

    /** Kernel: tcp_synack_rtt_meas(): the handshake's RTT starts the estimator and the minimum. */
    static void tcpSynackRttMeas(TcpEngine e, TcpSock s, long rttNs, long nowNs) {
        tcpAckUpdateRtt(e, s, null, FLAG_SYN_ACKED, us(rttNs), -1, us(rttNs), nowNs);
    }

    /**
     * Kernel: tcp_update_rtt_min() over lib/win_minmax.c's running minimum (tcp_min_rtt_wlen, 300 s): the
     * best sample, plus second and third choices from later in the window, so an old minimum expires.
     */
    private static void tcpUpdateRttMin(TcpEngine e, TcpSender t, long rttUs, int flag, long nowNs) {
        if ((flag & FLAG_ACK_MAYBE_DELAYED) != 0 && rttUs > t.minRttUs()) {
            return; // a suspected delayed ACK would inflate the minimum once the real one expires
        }
        long v = Math.max(rttUs, 1000); // rtt_us ?: jiffies_to_usecs(1)
        if (rttUs > 0) {
            v = rttUs;
        }
        long now = nowNs / TcpEngine.MS;
        long win = e.params.minRttWlenUs() / 1000;
        long[] val = t.minRttUs;
        long[] at = t.minRttMs;
        if (v <= val[0] || now - at[2] > win) {
            val[0] = v;
            val[1] = v;
            val[2] = v;
            at[0] = now;
            at[1] = now;
            at[2] = now;
            return;
        }
        if (v <= val[1]) {
            val[1] = v;
            val[2] = v;
            at[1] = now;
            at[2] = now;
        } else if (v <= val[2]) {
            val[2] = v;
            at[2] = now;
        }
        long dt = now - at[0];
        if (dt > win) {
            shiftMin(val, at, v, now);
            if (now - at[0] > win) {
                shiftMin(val, at, v, now);
            }
        } else if (at[1] == at[0] && dt > win / 4) {
            val[1] = v;
            val[2] = v;
            at[1] = now;
            at[2] = now;
        } else if (at[2] == at[1] && dt > win / 2) {
            val[2] = v;
            at[2] = now;
        }
    }

    private static void shiftMin(long[] val, long[] at, long v, long now) {
        val[0] = val[1];
        at[0] = at[1];
        val[1] = val[2];
        at[1] = at[2];
        val[2] = v;
        at[2] = now;
    }

    /**
     * Kernel: tcp_rtt_estimator(). Jacobson/Karels with Linux's refinements: SRTT gains 1/8; the mean
     * deviation gains 1/4, but only 1/32 when the RTT falls (so a falling RTT does not inflate the RTO);
     * RTTVAR follows the largest deviation of the last window of data and decays once per window, never
     * below TCP_RTO_MIN.
     */
    private static void tcpRttEstimator(TcpEngine e, TcpSock s, long mrttUs) {
        TcpSender t = s.snd;
        long rtoMinUs = (e.params.rtoMinNs() / 1000);
        long m = mrttUs;
        long srtt = t.srtt8Us;
        if (srtt != 0) {
            m -= srtt >> 3;
            srtt += m;
            if (m < 0) {
                m = -m;
                m -= t.mdev4Us >> 2;
                if (m > 0) {
                    m >>= 3;
                }
            } else {
                m -= t.mdev4Us >> 2;
            }
            t.mdev4Us += m;
            if (t.mdev4Us > t.mdevMax4Us) {
                t.mdevMax4Us = t.mdev4Us;
                if (t.mdevMax4Us > t.rttvar4Us) {
                    t.rttvar4Us = t.mdevMax4Us;
                }
            }
            if (Seq.after(s.sndUna, t.rttSeq)) {
                if (t.mdevMax4Us < t.rttvar4Us) {
                    t.rttvar4Us -= (t.rttvar4Us - t.mdevMax4Us) >> 2;
                }
                t.rttSeq = s.sndNxt;
                t.mdevMax4Us = rtoMinUs;
            }
        } else {
            srtt = m << 3;
            t.mdev4Us = m << 1;
            t.rttvar4Us = Math.max(t.mdev4Us, rtoMinUs);
            t.mdevMax4Us = t.rttvar4Us;
            t.rttSeq = s.sndNxt;
        }
        t.srtt8Us = Math.max(1, srtt);
        s.srttNs = (t.srtt8Us >> 3) * 1000;
        s.rttvarNs = (t.mdev4Us >> 2) * 1000;
    }

    /** Kernel: tcp_set_rto() and tcp_bound_rto(): SRTT + RTTVAR in whole jiffies (ms), at most TCP_RTO_MAX. */
    private static void tcpSetRto(TcpEngine e, TcpSock s) {
        long us = (s.snd.srtt8Us >> 3) + s.snd.rttvar4Us;
        long ms = (us + 999) / 1000;
        s.rtoNs = Math.min(ms * TcpEngine.MS, e.params.rtoMaxNs());
    }

    /** Kernel: tcp_ack_is_dubious(): anything but a plain advancing ACK in the Open state. */
    private static boolean tcpAckIsDubious(TcpSender t, int flag) {
        return (flag & FLAG_NOT_DUP) == 0 || (flag & FLAG_CA_ALERT) != 0 || t.caState != TcpSender.CA_OPEN;
    }

    /**
     * Kernel: tcp_process_tlp_ack() (RFC 8985 §7.4). The episode ends when the probe's data is acknowledged:
     * a D-SACK of the probe or a plain duplicate ACK means nothing was lost; an ACK beyond it means the tail
     * was lost and repaired by the probe alone, which still costs a window reduction.
     */
    private static void tcpProcessTlpAck(TcpEngine e, TcpSock s, int ack, int flag) {
        TcpSender t = s.snd;
        if (Seq.before(ack, t.tlpHighSeq)) {
            return;
        }
        if (!t.tlpRetrans) {
            t.tlpHighSeqSet = false;
        } else if ((flag & FLAG_DSACK_TLP) != 0) {
            t.tlpHighSeqSet = false;
        } else if (Seq.after(ack, t.tlpHighSeq)) {
            TcpRecovery.tcpInitCwndReduction(e, s);
            TcpRecovery.tcpSetCaState(e, s, TcpSender.CA_CWR);
            TcpRecovery.tcpEndCwndReduction(s);
            TcpRecovery.tcpTryKeepOpen(e, s);
            e.counters.inc(TcpStat.TcpExtTCPLossProbeRecovery);
        } else if ((flag & (FLAG_SND_UNA_ADVANCED | FLAG_NOT_DUP | FLAG_DATA_SACKED)) == 0) {
            t.tlpHighSeqSet = false;
        }
    }

    /** Kernel: tcp_newly_delivered(): TcpExtTCPDelivered. */
    private static int tcpNewlyDelivered(TcpEngine e, TcpSender t, int before) {
        int d = t.delivered - before;
        e.counters.add(TcpStat.TcpExtTCPDelivered, d);
        return d;
    }

    /**
     * Kernel: tcp_cong_control(). In CWR or Recovery PRR sets the window from what was delivered
     * (RFC 6937); otherwise the algorithm grows it, on in-order progress only unless reordering was seen.
     */
    private static void tcpCongControl(TcpEngine e, TcpSock s, int ackedSacked, int flag, long nowNs) {
        TcpSender t = s.snd;
        if (t.inCwndReduction()) {
            TcpRecovery.tcpCwndReduction(s, ackedSacked, t.rsLosses, flag);
        } else if (tcpMayRaiseCwnd(e, t, flag)) {
            e.cc.congAvoid(s, ackedSacked, nowNs);
            t.sndCwndStampNs = nowNs;
        }
        TcpSend.tcpUpdatePacingRate(e, s);
    }

    /** Kernel: tcp_may_raise_cwnd(). */
    private static boolean tcpMayRaiseCwnd(TcpEngine e, TcpSender t, int flag) {
        if (t.reordering > e.params.reordering()) {
            return (flag & FLAG_FORWARD_PROGRESS) != 0;
        }
        return (flag & FLAG_DATA_ACKED) != 0;
    }

    /**
     * Kernel: tcp_xmit_recovery(). After the window was set: F-RTO's new data, or the retransmissions of
     * what is marked lost.
     */
    static void tcpXmitRecovery(TcpEngine e, TcpSock s, int rexmit, long nowNs) {
        if (rexmit == REXMIT_NONE) {
            return;
        }
        TcpSender t = s.snd;
        if (rexmit == REXMIT_NEW) {
            TcpXmit.tcpPushPendingFrames(e, s, TcpXmit.NAGLE_OFF, nowNs); // __tcp_push_pending_frames()
            if (Seq.after(s.sndNxt, t.highSeq)) {
                return;
            }
            t.frto = false;
        }
        TcpXmit.tcpXmitRetransmitQueue(e, s, nowNs);
    }
}
