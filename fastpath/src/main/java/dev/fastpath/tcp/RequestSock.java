package dev.fastpath.tcp;

import dev.fastpath.timer.TimerWheel;

/** A SYN_RECV request in a listener's SYN queue: Linux's {@code struct tcp_request_sock}, compact. */
final class RequestSock {
    final int id;
    TcpSock listener;
    int localIp;
    int localPort;
    int remoteIp;
    int remotePort;
    int irs;
    int iss;
    int mss;
    int sndWscale;
    int rcvWscale;
    /** The window our SYN-ACK offers and its clamp (Linux rsk_rcv_wnd, rsk_window_clamp). */
    int rcvWnd;
    int windowClamp;
    boolean wscaleOk;
    boolean sackOk;
    boolean tsOk;
    /** ECN negotiated (inet_rsk(req)->ecn_ok): the SYN-ACK carries ECE. */
    boolean ecnOk;
    int tsRecent;
    int tsOffset;
    int peerWindow;
    int retransmits;
    /** When the first SYN-ACK went out: the handshake's RTT sample (tcp_synack_rtt_meas). */
    long synackSentNs;
    /** SYN-ACKs resent for a retransmitted SYN (Linux num_retrans beyond the timer's): no RTT sample then. */
    int synackRtx;
    /** The TSval of the first and the latest SYN-ACK (Linux snt_tsval_first/last): what a TSecr may echo. */
    int tsFirst;
    int tsLast;
    /** When an out-of-window segment was last answered (Linux last_oow_ack_time); Long.MIN_VALUE: never. */
    long lastOowAckNs = Long.MIN_VALUE;
    /** The final ACK came but the accept queue was full (Linux inet_rsk(req)->acked). */
    boolean acked;
    long timer = TimerWheel.NONE;
    boolean live;

    RequestSock(int id) {
        this.id = id;
    }
}
