package dev.fastpath.api;

/**
 * The fields of Linux's {@code struct tcp_info} (TCP_INFO) that Fastpath keeps. Times are in
 * microseconds as in Linux; {@code state} is a TcpState value (Linux numbering).
 *
 * @param state        TCP state
 * @param retransmits  retransmissions of the current loss episode (tcpi_retransmits)
 * @param probes       unanswered zero-window or keepalive probes (tcpi_probes)
 * @param backoff      exponential backoff count (tcpi_backoff)
 * @param options      TCPI_OPT_* bits
 * @param sndWscale    the peer's window scale
 * @param rcvWscale    our window scale
 * @param rtoUs        retransmission timeout
 * @param sndMss       MSS for sending
 * @param unacked      bytes sent and not yet acknowledged
 * @param rttUs        smoothed RTT
 * @param rttvarUs     RTT variation
 * @param notsentBytes bytes queued and not yet sent
 * @param sndWnd       the peer's advertised window in bytes
 * @param advMss       the MSS we advertise (tcpi_advmss)
 * @param sndCwnd      congestion window, segments
 * @param sndSsthresh  slow-start threshold, segments (Linux reports 0x7fffffff before the first loss)
 * @param caState      TCP_CA_Open 0, Disorder 1, Recovery 3, Loss 4
 * @param unacked      segments in flight (tcpi_unacked)
 */
public record TcpInfo(int state, int retransmits, int probes, int backoff, int options, int sndWscale,
        int rcvWscale, long rtoUs, int sndMss, int unacked, long rttUs, long rttvarUs, int notsentBytes,
        int sndWnd, int advMss, int sndCwnd, int sndSsthresh, int caState, int unackedSegments) {
}
