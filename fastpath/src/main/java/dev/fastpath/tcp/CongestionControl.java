package dev.fastpath.tcp;

/**
 * A congestion-control algorithm (Linux's {@code struct tcp_congestion_ops}): how the window grows
 * on ACKs and where the slow-start threshold goes on loss. Windows are in segments. State lives in
 * the socket's fields so one instance serves every connection of an engine.
 */
interface CongestionControl {
    /** Linux's default (RFC 9438). */
    int CUBIC = 1;
    /** RFC 5681 / 6582. */
    int RENO = 0;

    /**
     * Window growth for ACKed data outside recovery. Kernel: cong_avoid().
     *
     * @param segments newly acknowledged segments
     */
    void onAck(TcpSock s, int segments, long nowNs);

    /**
     * Loss detected (fast retransmit or RTO): remember what the algorithm needs and return the new
     * slow-start threshold. Kernel: ssthresh().
     */
    int onLoss(TcpSock s, long nowNs);

    /** @return its name as in {@code net.ipv4.tcp_congestion_control} */
    String name();

    /**
     * @param which {@link #CUBIC} or {@link #RENO}
     * @return the algorithm
     */
    static CongestionControl of(int which) {
        return which == RENO ? Reno.INSTANCE : Cubic.INSTANCE;
    }

    /**
     * Kernel: tcp_is_cwnd_limited(). In slow start the window may grow while it is below twice the
     * most segments recently in flight; later only if the window itself limited the sender.
     */
    static boolean cwndLimited(TcpSock s) {
        return s.sndCwnd < s.ssthresh ? s.sndCwnd < 2 * s.maxPacketsOut : s.cwndLimited;
    }

    /** Slow start: one segment per acknowledged segment, up to ssthresh (RFC 5681 §3.1). @return left over */
    static int slowStart(TcpSock s, int segments) {
        int room = Math.max(s.ssthresh - s.sndCwnd, 0);
        int used = Math.min(segments, room);
        s.sndCwnd += used;
        return segments - used;
    }

    /** RFC 5681: NewReno's additive increase and halving. */
    final class Reno implements CongestionControl {
        static final Reno INSTANCE = new Reno();

        @Override
        public void onAck(TcpSock s, int segments, long nowNs) {
            if (!cwndLimited(s)) {
                return;
            }
            int left = s.sndCwnd < s.ssthresh ? slowStart(s, segments) : segments;
            if (left == 0) {
                return;
            }
            s.cwndCnt += left;
            if (s.cwndCnt >= s.sndCwnd) {
                s.cwndCnt -= s.sndCwnd;
                s.sndCwnd = Math.min(s.sndCwnd + 1, MAX_CWND);
            }
        }

        @Override
        public int onLoss(TcpSock s, long nowNs) {
            return Math.max(s.sndCwnd / 2, 2);
        }

        @Override
        public String name() {
            return "reno";
        }
    }

    /** A bound that keeps window arithmetic far from overflow. */
    int MAX_CWND = 1 << 20;

    /**
     * RFC 9438 CUBIC: after a loss the window follows W(t) = C·(t − K)³ + W_max, concave up to the
     * old maximum and convex beyond it, never below what Reno would have (the Reno-friendly region);
     * β = 0.7, C = 0.4, fast convergence. (Linux's HyStart is not modelled: slow start is RFC 5681's.)
     */
    final class Cubic implements CongestionControl {
        static final Cubic INSTANCE = new Cubic();
        private static final double C = 0.4;
        private static final double BETA = 0.7;

        @Override
        public void onAck(TcpSock s, int segments, long nowNs) {
            if (!cwndLimited(s)) {
                return;
            }
            int left = s.sndCwnd < s.ssthresh ? slowStart(s, segments) : segments;
            if (left == 0) {
                return;
            }
            int cwnd = s.sndCwnd;
            if (s.cubicEpochNs == 0) {
                s.cubicEpochNs = nowNs;
                if (cwnd < s.cubicWmax) {
                    s.cubicK = (float) Math.cbrt((s.cubicWmax - cwnd) / C);
                    s.cubicOrigin = s.cubicWmax;
                } else {
                    s.cubicK = 0;
                    s.cubicOrigin = cwnd;
                }
                s.cubicWest = cwnd;
            }
            double t = (nowNs - s.cubicEpochNs + Math.max(s.srttNs, 1_000_000L)) / 1e9; // W at t + RTT
            double target = s.cubicOrigin + C * Math.pow(t - s.cubicK, 3);
            s.cubicWest += (float) (3 * (1 - BETA) / (1 + BETA) * left / cwnd); // RFC 9438 §4.3
            target = Math.max(target, s.cubicWest);
            int cnt = target > cwnd ? (int) Math.max(1, cwnd / (target - cwnd)) : 100 * cwnd;
            s.cwndCnt += left;
            if (s.cwndCnt >= cnt) {
                s.sndCwnd = Math.min(cwnd + s.cwndCnt / cnt, MAX_CWND);
                s.cwndCnt %= cnt;
            }
        }

        @Override
        public int onLoss(TcpSock s, long nowNs) {
            int cwnd = s.sndCwnd;
            // Fast convergence (RFC 9438 §4.7): a flow that lost below its last maximum yields more.
            s.cubicWmax = cwnd < s.cubicWmax ? (float) (cwnd * (1 + BETA) / 2) : cwnd;
            s.cubicEpochNs = 0;
            return Math.max((int) (cwnd * BETA), 2);
        }

        @Override
        public String name() {
            return "cubic";
        }
    }
}
