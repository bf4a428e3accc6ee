package dev.fastpath.tcp;

import dev.fastpath.wire.TcpHeader;

/**
 * What the probe timer sends: the send head when the peer's window has room for it, else the window probe.
 * Retransmissions are {@link TcpXmit#tcpRetransmitSkb} and {@link TcpXmit#tcpXmitRetransmitQueue}, from the
 * retransmission queue's records.
 */
final class TcpResend {
    private TcpResend() {
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
