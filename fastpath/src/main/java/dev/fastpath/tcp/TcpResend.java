package dev.fastpath.tcp;

import dev.fastpath.wire.TcpHeader;

/**
 * Sending again what was sent before: the go-back-N resend after a retransmission timeout, one segment
 * resent from a given sequence number, and the window probe. Flags follow the skbs the bytes were written
 * in ({@link SendQueue#flagsWithin}): a resend carries PSH when a pushed skb ends inside it, as
 * tcp_retransmit_skb() fragments and collapses skbs.
 */
final class TcpResend {
    private TcpResend() {
    }

    /**
     * After a timeout rewound snd_nxt to snd_una: resends one segment at a time up to the highest sequence
     * sent, skipping what the peer SACKed, within the congestion and peer windows.
     *
     * @param budget segments left to send (decremented)
     * @return whether snd_nxt caught up with what was sent before (new data may follow)
     */
    static boolean resendAfterTimeout(TcpEngine e, TcpSock s, long nowNs, boolean ignoreCwnd, int[] budget) {
        int dataEnd = s.finQueued && Seq.after(s.sndMax, s.finSeq) ? s.finSeq : s.sndMax;
        while (Seq.before(s.sndNxt, s.sndMax)) {
            if (budget[0] <= 0) {
                return false;
            }
            boolean finOnly = !Seq.before(s.sndNxt, dataEnd);
            if (!ignoreCwnd && !finOnly && TcpXmit.packetsInFlight(s) >= s.sndCwnd) {
                TcpXmit.tcpCwndValidate(s, true, nowNs);
                return false;
            }
            if (s.sackOk && s.sacked.count() > 0) {
                int next = s.sacked.nextUncovered(s.sndNxt); // resending after an RTO: skip what was SACKed
                if (next != s.sndNxt) {
                    s.sndNxt = Seq.before(next, s.sndMax) ? next : s.sndMax;
                    continue;
                }
            }
            int offset = s.sndNxt - s.sndUna;
            int len = finOnly ? 0 : Math.min(dataEnd - s.sndNxt, TcpXmit.tcpCurrentMss(e, s));
            len = Math.min(len, s.sendQueue.toRecordEnd(offset)); // records are never merged
            int room = s.sndUna + s.sndWnd - s.sndNxt;
            if (len > room) {
                len = Math.max(room, 0);
                if (len == 0) {
                    TcpTimers.armProbe(e, s, nowNs);
                    return false;
                }
            }
            int flags = TcpHeader.ACK;
            if (len > 0 && (s.sendQueue.flagsWithin(offset, offset + len) & SendQueue.F_PSH) != 0) {
                flags |= TcpHeader.PSH;
            }
            if (s.finQueued && s.sndNxt + len == s.finSeq) {
                flags |= TcpHeader.FIN;
            }
            if (len > 0) {
                s.sendQueue.copyOut(offset, e.scratch, 0, len);
            }
            if (!TcpXmit.send(e, s, s.sndNxt, flags, e.scratch, 0, len, nowNs)) {
                TcpTimers.armProbe(e, s, nowNs); // local congestion: the probe timer retries
                return false;
            }
            s.sendQueue.markResent(offset, offset + len, nowNs);
            TcpXmit.tcpEventDataSent(e, s, s.sndNxt, len, nowNs);
            s.sndNxt += len + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
            budget[0]--;
            TcpTimers.armXmitTimer(e, s, nowNs, false);
        }
        return true;
    }

    /**
     * Resends the segment starting at {@code from} (at most one MSS, with the FIN when it ends at it),
     * leaving snd_nxt alone. Kernel: tcp_retransmit_skb() for one segment.
     */
    static void retransmitFrom(TcpEngine e, TcpSock s, int seq, long nowNs) {
        int from = Seq.before(seq, s.sndUna) ? s.sndUna : seq; // what it pointed at may be acknowledged meanwhile
        int dataEnd = s.finQueued && Seq.after(s.sndNxt, s.finSeq) ? s.finSeq : s.sndNxt;
        int len = Math.max(0, Math.min(TcpXmit.tcpCurrentMss(e, s), dataEnd - from));
        int offset = from - s.sndUna;
        len = Math.min(len, s.sendQueue.toRecordEnd(offset));
        int flags = TcpHeader.ACK;
        if (len > 0 && (s.sendQueue.flagsWithin(offset, offset + len) & SendQueue.F_PSH) != 0) {
            flags |= TcpHeader.PSH;
        }
        if (s.finQueued && from + len == s.finSeq && Seq.after(s.sndNxt, s.finSeq)) {
            flags |= TcpHeader.FIN;
        }
        if (len > 0) {
            s.sendQueue.copyOut(offset, e.scratch, 0, len);
        }
        if (TcpXmit.send(e, s, from, flags, e.scratch, 0, len, nowNs)) {
            s.sendQueue.markResent(offset, offset + len, nowNs);
        }
    }

    /**
     * Kernel: tcp_write_wakeup(). The probe timer fired: if the peer's window has room for the send head, send
     * as much of it as fits (at most an MSS, even a window below one: sender SWS avoidance holds otherwise),
     * with PSH; otherwise a window probe (an ACK one below snd_una).
     *
     * @return whether the device took the frame
     */
    static boolean tcpWriteWakeup(TcpEngine e, TcpSock s, long nowNs) {
        SendQueue q = s.sendQueue;
        boolean finWaits = s.finQueued && s.sndNxt == s.finSeq;
        if ((q.writeQueueSkbs() > 0 || finWaits) && Seq.before(s.sndNxt, s.sndUna + s.sndWnd)) {
            int mss = TcpXmit.tcpCurrentMss(e, s);
            int skbLen = q.writeQueueSkbs() > 0 ? q.wqLen(0) : 0;
            boolean fin = s.finQueued && s.sndNxt + skbLen == s.finSeq;
            int skbEnd = s.sndNxt + skbLen + (fin ? 1 : 0);
            if (Seq.before(s.sendQueue.pushedSeq, skbEnd)) {
                s.sendQueue.pushedSeq = skbEnd;
            }
            int segSize = s.sndUna + s.sndWnd - s.sndNxt;
            int len = skbLen;
            if (segSize < skbEnd - s.sndNxt || skbLen > mss) {
                len = Math.min(segSize, mss); // tcp_fragment(): the part that fits, PSH on both parts
                fin = false;
                q.wqSetFlags(0, SendQueue.F_PSH, 0);
            }
            return TcpWriteXmit.transmitNew(e, s, len, Math.max(len, 1), fin, true, nowNs) == len;
        }
        e.counters.inc(TcpStat.TcpExtTCPWinProbe);
        return TcpXmit.send(e, s, s.sndUna - 1, TcpHeader.ACK, null, 0, 0, nowNs);
    }

    /** The probe interval's start: Linux tcp_probe0_base(). */
    static long probe0BaseNs(TcpEngine e, TcpSock s) {
        return Math.max(s.rtoNs, e.params.rtoMinNs());
    }
}
