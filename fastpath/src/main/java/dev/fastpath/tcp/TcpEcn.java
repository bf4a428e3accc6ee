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
     * A connection's ECN state (Linux's ecn_flags; the CWR state itself is the sender's TCP_CA_CWR, driven by PRR in
     * {@link TcpRecovery}); {@code TcpSock.ecn} is null for a connection that does not use ECN, so only ECN
     * connections pay for it.
     */
    static final class State {
        int flags = OK;
    }

    private TcpEcn() {
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
        if (len > 0 && !Seq.before(seq, s.sndNxt) && (s.ecn.flags & QUEUE_CWR) != 0) {
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
        return s.ecn != null && len > 0 && !Seq.before(seq, s.sndNxt) ? ECT_0 : 0;
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
     * The ECN steps of tcp_ack() for an ACK that is not old, before snd_una moves: tcp_ecn_accept_cwr() (on any such
     * ACK since Linux 5.10; with data it is ACKed at once), then tcp_ecn_rcv_ecn_echo(): an ECE that is not a SYN's
     * is FLAG_ECE, which makes tcp_fastretrans_alert() enter CWR (tcp_try_to_open() -> tcp_enter_cwr()).
     *
     * @return whether the ACK echoes congestion (FLAG_ECE)
     */
    static boolean tcpAckEcn(TcpSock s, TcpSegmentView f) {
        if (s.ecn == null) {
            return false;
        }
        if ((f.flags() & TcpHeader.CWR) != 0) {
            s.ecn.flags &= ~DEMAND_CWR;
            if (f.payloadLength() > 0 || (f.flags() & TcpHeader.FIN) != 0) {
                s.ackPending |= TcpAck.ACK_NOW;
            }
        }
        return rcvEcnEcho(s, f);
    }

    /**
     * Kernel: tcp_ecn_rcv_ecn_echo(): whether this ACK's ECE is a congestion echo (FLAG_ECE in tcp_ack()): ECN on
     * for the connection, ECE set, not a SYN's.
     */
    static boolean rcvEcnEcho(TcpSock s, TcpSegmentView f) {
        return s.ecn != null && (f.flags() & (TcpHeader.ECE | TcpHeader.SYN)) == TcpHeader.ECE;
    }

    /**
     * Kernel: tcp_ecn_queue_cwr(): the next new data segment carries CWR (tcp_init_cwnd_reduction() of CWR or
     * Recovery, tcp_enter_loss()).
     */
    static void queueCwr(TcpSock s) {
        if (s.ecn != null) {
            s.ecn.flags |= QUEUE_CWR;
        }
    }
}
