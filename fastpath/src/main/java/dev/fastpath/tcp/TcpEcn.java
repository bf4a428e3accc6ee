package dev.fastpath.tcp;

import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpSegmentView;

/**
 * Explicit Congestion Notification as Linux runs it with RFC 3168 (include/net/tcp_ecn.h, tcp_input.c): negotiated
 * in the handshake by {@code tcp_ecn} (0 off; 1 requested in our SYNs and accepted; 2, Linux's default, accepted
 * when a SYN requests it); once on, new data goes out ECT(0), a CE mark makes the receiver set ECE on its ACKs
 * until the sender answers with CWR, and an ECE makes the sender reduce its window once per window of data (the
 * CWR state) and mark its next new data segment CWR. The handshake's side (what a SYN-ACK answers) is
 * {@link SynOptions#accepted}'s {@link SynOptions#ECN} bit.
 */
final class TcpEcn {
    /** Linux TCP_ECN_OK, TCP_ECN_QUEUE_CWR, TCP_ECN_DEMAND_CWR, TCP_ECN_SEEN (State.flags). */
    static final int OK = 1;
    static final int QUEUE_CWR = 2;
    static final int DEMAND_CWR = 4;
    static final int SEEN = 8;
    /** The ECN field of the IPv4 TOS byte (RFC 3168 §5). */
    static final int ECN_MASK = 3;
    static final int ECT_1 = 1;
    static final int ECT_0 = 2;
    static final int CE = 3;

    /**
     * A connection's ECN state (Linux's ecn_flags, and the CWR state with its PRR counts); {@code TcpSock.ecn} is
     * null for a connection that does not use ECN, so only ECN connections pay for it.
     */
    static final class State {
        int flags = OK;
        /** In the CWR state (tcp_enter_cwr()) until snd_una passes {@link #cwrHigh}. */
        boolean cwr;
        int cwrHigh;
        /** PRR in the CWR state (tcp_cwnd_reduction()): the window at its start, segments delivered and sent since. */
        int prrPriorCwnd;
        int prrDelivered;
        int prrOut;
    }

    private TcpEcn() {
    }

    /** @return whether the connection is in the CWR state (TCP_CA_CWR) */
    static boolean inCwr(TcpSock s) {
        return s.ecn != null && s.ecn.cwr;
    }

    /**
     * Kernel: tcp_ecn_create_request()'s test of a SYN: ECE and CWR set, and the IP header not claiming ECT (a
     * network playing games with the TOS bits, RFC 3168 §6.1.1) unless a reserved TCP bit is set (RFC 8311 §4.3).
     */
    static boolean ecnSetupSyn(TcpSegmentView f) {
        if ((f.flags() & (TcpHeader.ECE | TcpHeader.CWR)) != (TcpHeader.ECE | TcpHeader.CWR)) {
            return false;
        }
        int res1 = f.tcp().reservedBits();
        return (f.dsfield() & ECN_MASK) == 0 || res1 != 0;
    }

    /**
     * Kernel: tcp_ecn_send_syn(): with tcp_ecn 1 our first SYN asks for ECN (ECE and CWR); a retransmitted one does
     * not (tcp_ecn_clear_syn(), tcp_ecn_fallback), while the connection stays ready for it until the SYN-ACK.
     */
    static int synFlags(TcpEngine e, TcpSock s) {
        if (s.retransmits == 0) {
            s.ecn = e.params.ecn() == 1 ? new State() : null;
        }
        return s.ecn != null && s.retransmits == 0 ? TcpHeader.ECE | TcpHeader.CWR : 0;
    }

    /** Kernel: tcp_ecn_rcv_synack(): the SYN-ACK must carry ECE and not CWR, else no ECN. */
    static void rcvSynAck(TcpSock s, int flags) {
        if (s.ecn != null && ((flags & TcpHeader.ECE) == 0 || (flags & TcpHeader.CWR) != 0)) {
            s.ecn = null;
        }
    }

    /** Kernel: tcp_ecn_rcv_syn() (simultaneous open): the peer's SYN must carry both ECE and CWR. */
    static void rcvSyn(TcpSock s, int flags) {
        if (s.ecn != null && (flags & (TcpHeader.ECE | TcpHeader.CWR)) != (TcpHeader.ECE | TcpHeader.CWR)) {
            s.ecn = null;
        }
    }

    /** Kernel: tcp_ecn_send_synack(): a SYN-ACK carries ECE when ECN is on, never CWR. */
    static int synAckFlags(TcpSock s) {
        return s.ecn != null ? TcpHeader.ECE : 0;
    }

    /**
     * Kernel: tcp_ecn_send(): the flags and IP TOS of a segment of a connection. New data (not a retransmission,
     * not a bare ACK) is ECT(0) and carries CWR once after a reduction; every segment carries ECE while the peer's
     * CE mark waits for its CWR.
     *
     * @return the flags to add; {@link #tos} says the TOS
     */
    static int sendFlags(TcpSock s, int seq, int len) {
        if (s.ecn == null) {
            return 0;
        }
        int flags = 0;
        if (len > 0 && !Seq.before(seq, s.sndMax) && (s.ecn.flags & QUEUE_CWR) != 0) {
            s.ecn.flags &= ~QUEUE_CWR;
            flags |= TcpHeader.CWR;
        }
        if ((s.ecn.flags & DEMAND_CWR) != 0) {
            flags |= TcpHeader.ECE;
        }
        return flags;
    }

    /** @return the IPv4 TOS byte of a segment of this connection (INET_ECN_xmit / INET_ECN_dontxmit) */
    static int tos(TcpSock s, int seq, int len) {
        return s.ecn != null && len > 0 && !Seq.before(seq, s.sndMax) ? ECT_0 : 0;
    }

    /**
     * Kernel: tcp_ecn_check_ce() for a segment with data of an ECN connection (tcp_event_data_recv(),
     * tcp_data_queue_ofo()): a CE mark starts the demand for CWR (ACKed at once: the sender may have a tiny window);
     * a segment without ECT after ECT ones is probably a retransmission, also ACKed at once.
     */
    static void tcpEcnCheckCe(TcpEngine e, TcpSock s, TcpSegmentView f) {
        if (s.ecn == null || f.payloadLength() == 0) {
            return;
        }
        switch (f.dsfield() & ECN_MASK) {
            case CE -> {
                if ((s.ecn.flags & DEMAND_CWR) == 0) {
                    TcpAck.tcpEnterQuickackMode(e, s, 2);
                    s.ecn.flags |= DEMAND_CWR;
                }
                s.ecn.flags |= SEEN;
            }
            case 0 -> {
                if ((s.ecn.flags & SEEN) != 0) {
                    TcpAck.tcpEnterQuickackMode(e, s, 2);
                }
            }
            default -> s.ecn.flags |= SEEN;
        }
    }

    /**
     * The ECN steps of tcp_ack() for an ACK that is not old, in the kernel's order, before snd_una moves to
     * {@code ack}: tcp_ecn_accept_cwr() (on any such ACK since Linux 5.10; with data it is ACKed at once), the end
     * of the CWR state once something above its mark is acknowledged (tcp_fastretrans_alert(): CWR must have
     * reached the receiver; tcp_end_cwnd_reduction()), then tcp_ecn_rcv_ecn_echo(): an ECE (not a SYN's) with data
     * in flight enters CWR (tcp_try_to_open() -> tcp_enter_cwr()).
     */
    static void tcpAckEcn(TcpEngine e, TcpSock s, TcpSegmentView f, int ack, long nowNs) {
        if (s.ecn == null) {
            return;
        }
        if ((f.flags() & TcpHeader.CWR) != 0) {
            s.ecn.flags &= ~DEMAND_CWR;
            if (f.payloadLength() > 0 || (f.flags() & TcpHeader.FIN) != 0) {
                s.ackPending |= TcpAck.ACK_NOW;
            }
        }
        if (s.ecn.cwr && Seq.after(ack, s.ecn.cwrHigh)) {
            s.ecn.cwr = false;
            s.sndCwnd = Math.max(s.ssthresh, 1);
            s.cwndCnt = 0;
        }
        boolean priorPackets = s.sndMax != s.sndUna;
        if (rcvEcnEcho(s, f) && priorPackets) {
            tcpEnterCwr(e, s, nowNs);
        }
    }

    /**
     * Kernel: tcp_ecn_rcv_ecn_echo(): whether this ACK's ECE is a congestion echo (FLAG_ECE in tcp_ack()): ECN on
     * for the connection, ECE set, not a SYN's. The seam for tcp_ack()'s flag word.
     */
    static boolean rcvEcnEcho(TcpSock s, TcpSegmentView f) {
        return s.ecn != null && (f.flags() & (TcpHeader.ECE | TcpHeader.SYN)) == TcpHeader.ECE;
    }

    /**
     * Kernel: tcp_enter_cwr() and tcp_init_cwnd_reduction(): outside Recovery and Loss, and once per window of
     * data, ssthresh from the congestion control; the window then falls by PRR ({@link #tcpCwndReduction}), and
     * the next new data carries CWR (tcp_ecn_queue_cwr()).
     */
    static void tcpEnterCwr(TcpEngine e, TcpSock s, long nowNs) {
        if (s.ecn.cwr || s.inRecovery || s.retransmits > 0) {
            return;
        }
        s.ecn.cwr = true;
        s.ecn.cwrHigh = s.sndMax;
        s.ecn.prrPriorCwnd = s.sndCwnd;
        s.ecn.prrDelivered = 0;
        s.ecn.prrOut = 0;
        s.cwndCnt = 0;
        s.ssthresh = e.cc.onLoss(s, nowNs);
        s.ecn.flags |= QUEUE_CWR;
    }

    /**
     * Kernel: tcp_cwnd_reduction() (RFC 6937 PRR) in the CWR state, for an ACK that delivered {@code delivered}
     * segments and advanced snd_una (no losses: the CWR state has none): below ssthresh the window grows back
     * towards it by at most what was delivered plus one; above it falls in proportion to what was delivered.
     */
    static void tcpCwndReduction(TcpSock s, int delivered) {
        if (delivered <= 0 || s.ecn.prrPriorCwnd == 0) {
            return;
        }
        int inFlight = (s.sndNxt - s.sndUna + s.mss - 1) / s.mss;
        int delta = s.ssthresh - inFlight;
        s.ecn.prrDelivered += delivered;
        int sndcnt;
        if (delta < 0) {
            long dividend = (long) s.ssthresh * s.ecn.prrDelivered + s.ecn.prrPriorCwnd - 1;
            sndcnt = (int) (dividend / s.ecn.prrPriorCwnd) - s.ecn.prrOut;
        } else {
            sndcnt = Math.min(delta, Math.max(s.ecn.prrDelivered - s.ecn.prrOut, delivered) + 1);
        }
        sndcnt = Math.max(sndcnt, s.ecn.prrOut == 0 ? 1 : 0);
        s.sndCwnd = Math.max(inFlight + sndcnt, 1);
    }

    /** Kernel: tcp_ecn_queue_cwr() as Recovery and Loss call it: their window reduction is signalled too. */
    static void queueCwr(TcpSock s) {
        if (s.ecn != null) {
            s.ecn.cwr = false;
            s.ecn.flags |= QUEUE_CWR;
        }
    }

    /** Kernel: tcp_write_xmit()'s prr_out: segments sent while the window is being reduced. */
    static void onSent(TcpSock s, int len) {
        if (inCwr(s) && len > 0) {
            s.ecn.prrOut += (len + s.mss - 1) / s.mss;
        }
    }
}
