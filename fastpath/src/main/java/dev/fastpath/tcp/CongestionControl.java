package dev.fastpath.tcp;

/**
 * A congestion-control algorithm (Linux's {@code struct tcp_congestion_ops}): how the window grows on ACKs
 * (cong_avoid), where ssthresh goes on loss (ssthresh), what a delay sample tells it (pkts_acked), and its
 * reaction to state changes and to restarting after idleness. Windows are in segments. State lives in the
 * connection ({@link TcpSender}) so one instance serves every connection of an engine. Reductions and
 * their undo (PRR, undo_cwnd = max(cwnd, prior_cwnd)) are the state machine's ({@link TcpRecovery}).
 */
interface CongestionControl {
    /** Linux's default (tcp_cubic.c). */
    int CUBIC = 1;
    /** tcp_cong.c's Reno. */
    int RENO = 0;
    /** A bound that keeps window arithmetic far from overflow (snd_cwnd_clamp). */
    int MAX_CWND = 1 << 20;

    /** Kernel: init(), at tcp_init_transfer(). */
    void init(TcpSock s, long nowNs);

    /**
     * Kernel: cong_avoid(): window growth for delivered data outside a reduction.
     *
     * @param acked segments newly acknowledged or SACKed
     */
    void congAvoid(TcpSock s, int acked, long nowNs);

    /** Kernel: ssthresh(): the new slow-start threshold on loss (and the algorithm's own bookkeeping). */
    int ssthresh(TcpSock s);

    /** Kernel: pkts_acked(): a delay sample (−1: none); HyStart counts its exits in {@code c}. */
    void pktsAcked(TcpStat.Counters c, TcpSock s, int pktsAcked, long rttUs, long nowNs);

    /** Kernel: set_state(TCP_CA_Loss). */
    void onLossState(TcpSock s);

    /** Kernel: cwnd_event(CA_EVENT_TX_START): sending resumes with nothing in flight. */
    void txStart(TcpSock s, long nowNs);

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
     * Kernel: tcp_is_cwnd_limited(). In slow start the window may grow while it is below twice the most
     * segments recently in flight; later only if the window itself limited the sender.
     */
    static boolean cwndLimited(TcpSock s) {
        return s.sndCwnd < s.ssthresh ? s.sndCwnd < 2 * s.maxPacketsOut : s.cwndLimited;
    }

    /** Kernel: tcp_slow_start(): one segment per acknowledged segment, up to ssthresh. @return left over */
    static int slowStart(TcpSock s, int acked) {
        int cwnd = Math.min(s.sndCwnd + acked, s.ssthresh);
        int left = acked - (cwnd - s.sndCwnd);
        s.sndCwnd = Math.min(cwnd, MAX_CWND);
        return left;
    }

    /** Kernel: tcp_cong_avoid_ai(): one segment per {@code w} acknowledged. */
    static void congAvoidAi(TcpSock s, int w, int acked) {
        if (s.cwndCnt >= w) {
            s.cwndCnt = 0;
            s.sndCwnd++;
        }
        s.cwndCnt += acked;
        if (s.cwndCnt >= w) {
            int delta = s.cwndCnt / w;
            s.cwndCnt -= delta * w;
            s.sndCwnd += delta;
        }
        s.sndCwnd = Math.min(s.sndCwnd, MAX_CWND);
    }

    /** tcp_cong.c: tcp_reno_cong_avoid(), tcp_reno_ssthresh() (RFC 5681). */
    final class Reno implements CongestionControl {
        static final Reno INSTANCE = new Reno();

        @Override
        public void init(TcpSock s, long nowNs) {
        }

        @Override
        public void congAvoid(TcpSock s, int acked, long nowNs) {
            if (!cwndLimited(s)) {
                return;
            }
            int left = acked;
            if (s.sndCwnd < s.ssthresh) {
                left = slowStart(s, acked);
                if (left == 0) {
                    return;
                }
            }
            congAvoidAi(s, s.sndCwnd, left);
        }

        @Override
        public int ssthresh(TcpSock s) {
            return Math.max(s.sndCwnd >> 1, 2);
        }

        @Override
        public void pktsAcked(TcpStat.Counters c, TcpSock s, int pktsAcked, long rttUs, long nowNs) {
        }

        @Override
        public void onLossState(TcpSock s) {
        }

        @Override
        public void txStart(TcpSock s, long nowNs) {
        }

        @Override
        public String name() {
            return "reno";
        }
    }

    /**
     * tcp_cubic.c: CUBIC (RFC 9438) with Linux's fixed-point arithmetic in jiffies (1 ms), β = 717/1024,
     * C = 41/1024·10, fast convergence, the Reno-friendly estimate, the first-epoch cap of 5 % growth per
     * RTT, at most 1.5× per RTT — and HyStart (ACK-train and delay detection) to leave slow start before
     * the first loss.
     */
    final class Cubic implements CongestionControl {
        static final Cubic INSTANCE = new Cubic();
        private static final int BETA = 717;
        private static final int BETA_SCALE = 1024;
        private static final int BIC_SCALE = 41;
        private static final int HZ_SHIFT = 10;
        private static final long HZ = 1000;
        /** 8·(1024 + β) / 3 / (1024 − β): the Reno-friendly increase. */
        private static final int FRIENDLY_SCALE = 8 * (BETA_SCALE + BETA) / 3 / (BETA_SCALE - BETA);
        private static final long CUBE_RTT_SCALE = BIC_SCALE * 10;
        private static final long CUBE_FACTOR = (1L << (10 + 3 * HZ_SHIFT)) / (BIC_SCALE * 10);
        private static final int HYSTART_LOW_WINDOW = 16;
        private static final long HYSTART_ACK_DELTA_US = 2000;
        private static final int HYSTART_MIN_SAMPLES = 8;
        private static final long HYSTART_DELAY_MIN_US = 4000;
        private static final long HYSTART_DELAY_MAX_US = 16000;
        private static final long GSO_MAX_BYTES = 65536;

        private static long jiffies(long nowNs) {
            return nowNs / TcpEngine.MS;
        }

        /** bictcp_reset(): everything but the HyStart round. */
        private static void bictcpReset(TcpSender t) {
            t.resetCubic();
        }

        /** bictcp_hystart_reset(): a new round starts at snd_nxt. */
        private static void hystartReset(TcpSock s, long nowNs) {
            TcpSender t = s.snd;
            t.hystartRoundStartUs = nowNs / 1000;
            t.hystartLastAckUs = t.hystartRoundStartUs;
            t.hystartEndSeq = s.sndNxt;
            t.hystartCurrRttUs = Long.MAX_VALUE;
            t.hystartSampleCnt = 0;
        }

        @Override
        public void init(TcpSock s, long nowNs) {
            bictcpReset(s.snd);
            hystartReset(s, nowNs);
        }

        @Override
        public void congAvoid(TcpSock s, int acked, long nowNs) {
            if (!cwndLimited(s)) {
                return;
            }
            int left = acked;
            if (s.sndCwnd < s.ssthresh) {
                left = slowStart(s, acked);
                if (left == 0) {
                    return;
                }
            }
            bictcpUpdate(s.snd, s.sndCwnd, left, jiffies(nowNs));
            congAvoidAi(s, s.snd.cubicCnt, left);
        }

        /** bictcp_update(): how many ACKed segments per window increment (ca->cnt). */
        private static void bictcpUpdate(TcpSender t, int cwnd, int acked, long now) {
            t.cubicAckCnt += acked;
            if (t.cubicLastCwnd == cwnd && now - t.cubicLastTimeMs <= HZ / 32) {
                return;
            }
            if (!(t.cubicEpochSet && now == t.cubicLastTimeMs)) { // at most once per jiffy
                t.cubicLastCwnd = cwnd;
                t.cubicLastTimeMs = now;
                if (!t.cubicEpochSet) {
                    t.cubicEpochSet = true;
                    t.cubicEpochStartMs = now;
                    t.cubicAckCnt = acked;
                    t.cubicTcpCwnd = cwnd;
                    if (t.cubicLastMaxCwnd <= cwnd) {
                        t.cubicK = 0;
                        t.cubicOriginPoint = cwnd;
                    } else {
                        t.cubicK = (long) Math.cbrt((double) CUBE_FACTOR * (t.cubicLastMaxCwnd - cwnd));
                        t.cubicOriginPoint = t.cubicLastMaxCwnd;
                    }
                }
                long time = now - t.cubicEpochStartMs + (t.cubicDelayMinUs + 999) / 1000;
                time = (time << HZ_SHIFT) / HZ;
                long offs = time < t.cubicK ? t.cubicK - time : time - t.cubicK;
                long delta = (CUBE_RTT_SCALE * offs * offs * offs) >> (10 + 3 * HZ_SHIFT);
                long target = time < t.cubicK ? t.cubicOriginPoint - delta : t.cubicOriginPoint + delta;
                if (target > cwnd) {
                    t.cubicCnt = (int) (cwnd / (target - cwnd));
                } else {
                    t.cubicCnt = 100 * cwnd;
                }
                if (t.cubicLastMaxCwnd == 0 && t.cubicCnt > 20) {
                    t.cubicCnt = 20; // the first epoch grows at most 5 % per RTT
                }
            }
            int d = cwnd * FRIENDLY_SCALE >> 3; // the Reno-friendly region
            while (d > 0 && t.cubicAckCnt > d) {
                t.cubicAckCnt -= d;
                t.cubicTcpCwnd++;
            }
            if (t.cubicTcpCwnd > cwnd) {
                int maxCnt = cwnd / (t.cubicTcpCwnd - cwnd);
                if (t.cubicCnt > maxCnt) {
                    t.cubicCnt = maxCnt;
                }
            }
            t.cubicCnt = Math.max(t.cubicCnt, 2);
        }

        @Override
        public int ssthresh(TcpSock s) {
            TcpSender t = s.snd;
            t.cubicEpochSet = false;
            if (s.sndCwnd < t.cubicLastMaxCwnd) {
                t.cubicLastMaxCwnd = s.sndCwnd * (BETA_SCALE + BETA) / (2 * BETA_SCALE); // fast convergence
            } else {
                t.cubicLastMaxCwnd = s.sndCwnd;
            }
            return Math.max(s.sndCwnd * BETA / BETA_SCALE, 2);
        }

        @Override
        public void onLossState(TcpSock s) {
            bictcpReset(s.snd);
            hystartReset(s, s.snd.mstampNs);
        }

        @Override
        public void txStart(TcpSock s, long nowNs) {
            TcpSender t = s.snd;
            long now = jiffies(nowNs);
            long delta = now - jiffies(s.lastSendNs);
            if (t.cubicEpochSet && delta > 0) { // idle: keep to the curve instead of jumping along it
                t.cubicEpochStartMs += delta;
                if (t.cubicEpochStartMs > now) {
                    t.cubicEpochStartMs = now;
                }
            }
        }

        @Override
        public void pktsAcked(TcpStat.Counters c, TcpSock s, int pktsAcked, long rttUs, long nowNs) {
            TcpSender t = s.snd;
            if (rttUs < 0) {
                return;
            }
            if (t.cubicEpochSet && jiffies(nowNs) - t.cubicEpochStartMs < HZ) {
                return; // delay samples right after a recovery are discarded
            }
            long delay = rttUs == 0 ? 1 : rttUs;
            if (t.cubicDelayMinUs == 0 || t.cubicDelayMinUs > delay) {
                t.cubicDelayMinUs = delay;
            }
            if (!t.hystartFound && s.sndCwnd < s.ssthresh) {
                hystartUpdate(c, s, delay, nowNs);
            }
        }

        /** hystart_update(): leave slow start when ACKs of a round stretch out or the delay grows. */
        private static void hystartUpdate(TcpStat.Counters c, TcpSock s, long delay, long nowNs) {
            TcpSender t = s.snd;
            if (Seq.after(s.sndUna, t.hystartEndSeq)) {
                hystartReset(s, nowNs);
            }
            if (s.sndCwnd < HYSTART_LOW_WINDOW) {
                return;
            }
            long now = nowNs / 1000;
            if (now - t.hystartLastAckUs <= HYSTART_ACK_DELTA_US) {
                t.hystartLastAckUs = now;
                long threshold = (t.cubicDelayMinUs + hystartAckDelayUs(s.sendQueue.pacingRate)) >> 1; // no fq pacing
                if (now - t.hystartRoundStartUs > threshold) {
                    t.hystartFound = true;
                    c.inc(TcpStat.TcpExtTCPHystartTrainDetect);
                    c.add(TcpStat.TcpExtTCPHystartTrainCwnd, s.sndCwnd);
                    s.ssthresh = s.sndCwnd;
                }
            }
            if (t.hystartCurrRttUs > delay) {
                t.hystartCurrRttUs = delay;
            }
            if (t.hystartSampleCnt < HYSTART_MIN_SAMPLES) {
                t.hystartSampleCnt++;
            } else {
                long thresh = Math.min(Math.max(t.cubicDelayMinUs >> 3, HYSTART_DELAY_MIN_US), HYSTART_DELAY_MAX_US);
                if (t.hystartCurrRttUs > t.cubicDelayMinUs + thresh) {
                    t.hystartFound = true;
                    c.inc(TcpStat.TcpExtTCPHystartDelayDetect);
                    c.add(TcpStat.TcpExtTCPHystartDelayCwnd, s.sndCwnd);
                    s.ssthresh = s.sndCwnd;
                }
            }
        }

        /** hystart_ack_delay(): the TSO/GRO cushion, from the pacing rate, at most 1 ms. */
        private static long hystartAckDelayUs(long pacingRate) {
            if (pacingRate == 0) {
                return 0;
            }
            return Math.min(1000, GSO_MAX_BYTES * 4 * 1_000_000 / pacingRate);
        }

        @Override
        public String name() {
            return "cubic";
        }
    }
}
