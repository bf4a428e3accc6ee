package dev.fastpath.tcp;

import static dev.fastpath.uapi.SocketConstants.IPPROTO_TCP;
import static dev.fastpath.uapi.SocketConstants.POLLERR;
import static dev.fastpath.uapi.SocketConstants.POLLHUP;
import static dev.fastpath.uapi.SocketConstants.POLLIN;
import static dev.fastpath.uapi.SocketConstants.POLLOUT;
import static dev.fastpath.uapi.SocketConstants.POLLRDHUP;
import static dev.fastpath.uapi.SocketConstants.POLLRDNORM;
import static dev.fastpath.uapi.SocketConstants.POLLWRNORM;
import static dev.fastpath.uapi.SocketConstants.SIOCINQ;
import static dev.fastpath.uapi.SocketConstants.SIOCOUTQ;
import static dev.fastpath.uapi.SocketConstants.SIOCOUTQNSD;
import static dev.fastpath.uapi.SocketConstants.SOL_SOCKET;

import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import dev.fastpath.uapi.TcpInfo;

/**
 * setsockopt/getsockopt, poll and ioctl on socket ids with Linux's semantics and errors
 * (net/core/sock.c sock_setsockopt, net/ipv4/tcp.c do_tcp_setsockopt, tcp_poll, tcp_ioctl).
 * Every call returns ≥ 0 or {@code -errno}.
 */
public final class SocketOptions {
    /** Linux SOCK_MIN_SNDBUF / SOCK_MIN_RCVBUF on x86-64 (2 × (2048 + sizeof(struct sk_buff)) and half). */
    static final int SOCK_MIN_SNDBUF = 4608;
    static final int SOCK_MIN_RCVBUF = 2304;
    /** Linux MAX_TCP_KEEPIDLE/INTVL/CNT and MAX_TCP_WINDOW-style bounds of do_tcp_setsockopt. */
    private static final int MAX_TCP_KEEPIDLE = 32767;
    private static final int MAX_TCP_KEEPINTVL = 32767;
    private static final int MAX_TCP_KEEPCNT = 127;
    private static final int MAX_TCP_SYNCNT = 127;
    /** Linux TCP_FIN_TIMEOUT_MAX: TCP_LINGER2 is capped at 120 s. */
    private static final int TCP_FIN_TIMEOUT_MAX = 120;

    private final TcpEngine e;

    SocketOptions(TcpEngine engine) {
        this.e = engine;
    }

    /**
     * @param engine the engine
     * @return its option operations
     */
    public static SocketOptions of(TcpEngine engine) {
        return new SocketOptions(engine);
    }

    /**
     * setsockopt() for every integer-valued option (SO_LINGER has {@link #setLinger}).
     *
     * @return 0 or −errno (ENOPROTOOPT for an option Fastpath lacks, EINVAL for a bad value)
     */
    public int setInt(int id, int level, int name, int value, long nowNs) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        if (level == SOL_SOCKET) {
            return setSocketLevel(s, name, value, nowNs);
        }
        if (level == IPPROTO_TCP) {
            return setTcpLevel(s, name, value, nowNs);
        }
        if (level == SocketConstants.SOL_IP) {
            return setIpLevel(s, name, value);
        }
        return -Errno.ENOPROTOOPT;
    }

    /** Kernel: ip_sockglue.c do_ip_setsockopt(), the options a TCP socket here has. */
    private static int setIpLevel(TcpSock s, int name, int value) {
        switch (name) {
            // __ip_sock_set_tos(): on a stream socket the ECN bits are TCP's own, only the rest is taken
            case SocketConstants.IP_TOS -> s.ipTos = (byte) (value & ~TcpEcn.ECN_MASK);
            case SocketConstants.IP_MTU_DISCOVER -> {
                if (value < SocketConstants.IP_PMTUDISC_DONT || value > SocketConstants.IP_PMTUDISC_OMIT) {
                    return -Errno.EINVAL;
                }
                s.ipFlags = (byte) (s.ipFlags & ~TcpSock.PMTUDISC_MASK | value);
            }
            case SocketConstants.IP_BIND_ADDRESS_NO_PORT -> s.ipFlags = (byte) (value != 0
                    ? s.ipFlags | TcpSock.BIND_ADDRESS_NO_PORT : s.ipFlags & ~TcpSock.BIND_ADDRESS_NO_PORT);
            case SocketConstants.IP_LOCAL_PORT_RANGE -> {
                int lo = value & 0xFFFF;
                int hi = value >>> 16;
                if (lo != 0 && hi != 0 && lo > hi) {
                    return -Errno.EINVAL;
                }
                s.localPortRange = value;
            }
            default -> {
                return -Errno.ENOPROTOOPT;
            }
        }
        return 0;
    }

    private int setSocketLevel(TcpSock s, int name, int value, long nowNs) {
        switch (name) {
            case SocketConstants.SO_REUSEADDR -> s.reuseAddr = value != 0;
            case SocketConstants.SO_REUSEPORT -> s.reusePort = value != 0;
            case SocketConstants.SO_KEEPALIVE -> {
                s.keepalive = value != 0;
                if (s.state == TcpState.ESTABLISHED || s.state == TcpState.CLOSE_WAIT) {
                    TcpTimers.armKeepalive(e, s, nowNs);
                }
            }
            // sock_setsockopt(): the value (unsigned, at most wmem_max) is doubled for bookkeeping overhead, at
            // least SOCK_MIN_SNDBUF; the buffer is no longer tuned (SOCK_SNDBUF_LOCK) and writers may wake.
            case SocketConstants.SO_SNDBUF -> {
                long v = Math.min(Integer.toUnsignedLong(value), e.params.netWmemMax());
                s.sndBuf = (int) Math.max(2 * Math.min(v, Integer.MAX_VALUE / 2), SOCK_MIN_SNDBUF);
                s.sndBufLocked = true;
                if (s.sendQueue != null) {
                    TcpSend.skStreamWriteSpace(e, s);
                }
            }
            case SocketConstants.SO_RCVBUF -> {
                // SOCK_RCVBUF_LOCK: the application sized it, autotuning keeps off (tcp_rcv_space_adjust)
                s.rcvBufLocked = true;
                TcpWindow.setRcvBuf(s, Math.max(SOCK_MIN_RCVBUF,
                        (int) Math.min(2L * Math.max(value, 0), 2L * e.params.netRmemMax())));
            }
            case SocketConstants.SO_RCVLOWAT -> s.rcvLowat = Math.max(value, 1);
            case SocketConstants.SO_OOBINLINE -> TcpUrg.state(s).inline = value != 0;
            default -> {
                return -Errno.ENOPROTOOPT;
            }
        }
        return 0;
    }

    /**
     * Kernel: __tcp_sock_set_quickack(). 0 enters interactive mode (ACKs wait for data); otherwise
     * leave it and, if an ACK is owed, let tcp_cleanup_rbuf() send it now; an even value re-enters
     * interactive mode afterwards.
     */
    private void setQuickack(TcpSock s, int value, long nowNs) {
        if (value == 0) {
            TcpAck.enterPingpongMode(e, s);
            return;
        }
        s.pingpong = 0;
        if ((s.state == TcpState.ESTABLISHED || s.state == TcpState.CLOSE_WAIT)
                && (s.ackPending & TcpAck.ACK_SCHED) != 0) {
            s.ackPending |= TcpAck.ACK_PUSHED;
            TcpWindow.tcpCleanupRbuf(e, s, 1, nowNs);
            if ((value & 1) == 0) {
                TcpAck.enterPingpongMode(e, s);
            }
        }
    }

    /** Kernel: tcp_set_window_clamp(). 0 only before the connection starts; at least SOCK_MIN_RCVBUF / 2. */
    private static int tcpSetWindowClamp(TcpSock s, int value) {
        if (value == 0) {
            if (s.state != TcpState.CLOSE) {
                return -Errno.EINVAL;
            }
            s.windowClamp = 0;
            return 0;
        }
        int old = s.windowClamp;
        int clamp = Math.max(SOCK_MIN_RCVBUF / 2, value);
        if (clamp == old) {
            return 0;
        }
        s.windowClamp = clamp;
        if (s.rx == null) {
            return 0; // not connected yet: tcp_connect_init() / tcp_openreq_init_rwin() use it
        }
        if (Integer.compareUnsigned(clamp, old) < 0) {
            s.rx.rcvSsthresh = Math.min(s.rx.rcvSsthresh, clamp); // __tcp_adjust_rcv_ssthresh()
        } else {
            s.rx.rcvSsthresh = Math.max(Math.min(s.advertisedWnd, clamp), s.rx.rcvSsthresh);
        }
        return 0;
    }

    private int setTcpLevel(TcpSock s, int name, int value, long nowNs) {
        switch (name) {
            case SocketConstants.TCP_NODELAY -> {
                if (value != 0) { // __tcp_sock_set_nodelay(): TCP_NAGLE_OFF | TCP_NAGLE_PUSH, then push
                    s.nonagle |= TcpXmit.NAGLE_OFF | TcpXmit.NAGLE_PUSH;
                    pushPending(s, nowNs);
                } else {
                    s.nonagle &= ~TcpXmit.NAGLE_OFF;
                }
            }
            case SocketConstants.TCP_CORK -> {
                if (value != 0) {
                    s.nonagle |= TcpXmit.NAGLE_CORK;
                } else { // __tcp_sock_set_cork(): uncorking pushes what waited (past Nagle with TCP_NODELAY)
                    s.nonagle &= ~TcpXmit.NAGLE_CORK;
                    if ((s.nonagle & TcpXmit.NAGLE_OFF) != 0) {
                        s.nonagle |= TcpXmit.NAGLE_PUSH;
                    }
                    pushPending(s, nowNs);
                }
            }
            case SocketConstants.TCP_NOTSENT_LOWAT -> {
                s.notsentLowat = value; // unsigned, as Linux stores it; 0 falls back to the sysctl
                if (s.sendQueue != null) {
                    TcpSend.skStreamWriteSpace(e, s);
                }
            }
            case SocketConstants.TCP_MAXSEG -> {
                if (value != 0 && (value < 88 || value > 32767)) {
                    return -Errno.EINVAL; // TCP_MIN_MSS .. MAX_TCP_WINDOW
                }
                s.userMss = value;
            }
            case SocketConstants.TCP_KEEPIDLE -> {
                if (value < 1 || value > MAX_TCP_KEEPIDLE) {
                    return -Errno.EINVAL;
                }
                s.keepIdle = value;
                if (s.keepalive && (s.state == TcpState.ESTABLISHED || s.state == TcpState.CLOSE_WAIT)) {
                    TcpTimers.armKeepalive(e, s, nowNs);
                }
            }
            case SocketConstants.TCP_KEEPINTVL -> {
                if (value < 1 || value > MAX_TCP_KEEPINTVL) {
                    return -Errno.EINVAL;
                }
                s.keepIntvl = value;
            }
            case SocketConstants.TCP_KEEPCNT -> {
                if (value < 1 || value > MAX_TCP_KEEPCNT) {
                    return -Errno.EINVAL;
                }
                s.keepCnt = (byte) value;
            }
            case SocketConstants.TCP_SYNCNT -> {
                if (value < 1 || value > MAX_TCP_SYNCNT) {
                    return -Errno.EINVAL;
                }
                s.synRetries = (byte) value;
            }
            // TCP_LINGER2: < 0 means RST at once; 0 means tcp_fin_timeout; capped at 120 s.
            case SocketConstants.TCP_LINGER2 -> s.linger2 = value < 0 ? -1
                    : value == 0 ? Integer.MIN_VALUE : Math.min(value, TCP_FIN_TIMEOUT_MAX);
            case SocketConstants.TCP_USER_TIMEOUT -> {
                if (value < 0) {
                    return -Errno.EINVAL;
                }
                s.userTimeoutMs = value;
            }
            case SocketConstants.TCP_FASTOPEN_CONNECT -> {
                if (s.state != TcpState.CLOSE || !e.params.fastOpenClient()) {
                    return s.state != TcpState.CLOSE ? -Errno.EISCONN : -Errno.EOPNOTSUPP;
                }
                s.fastOpenConnect = value != 0;
            }
            case SocketConstants.TCP_INQ -> {
                if (value < 0 || value > 1) {
                    return -Errno.EINVAL; // do_tcp_setsockopt(): only 0 or 1
                }
                s.inqHint = value != 0;
            }
            case SocketConstants.TCP_QUICKACK -> setQuickack(s, value, nowNs);
            case SocketConstants.TCP_WINDOW_CLAMP -> {
                return tcpSetWindowClamp(s, value);
            }
            default -> {
                return -Errno.ENOPROTOOPT;
            }
        }
        return 0;
    }

    private void pushPending(TcpSock s, long nowNs) {
        if (s.synchronizedState() && s.sendQueue != null) {
            TcpXmit.tcpWriteXmit(e, s, nowNs);
        }
    }

    /**
     * getsockopt() for integer-valued options. SO_ERROR reads and clears the pending error.
     *
     * @return the value (≥ 0) or −errno
     */
    public int getInt(int id, int level, int name) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        if (level == SocketConstants.SOL_IP) {
            return switch (name) {
                case SocketConstants.IP_TOS -> s.ipTos & 0xFF;
                case SocketConstants.IP_MTU_DISCOVER -> s.ipFlags & TcpSock.PMTUDISC_MASK;
                case SocketConstants.IP_BIND_ADDRESS_NO_PORT ->
                        (s.ipFlags & TcpSock.BIND_ADDRESS_NO_PORT) != 0 ? 1 : 0;
                case SocketConstants.IP_LOCAL_PORT_RANGE -> s.localPortRange;
                default -> -Errno.ENOPROTOOPT;
            };
        }
        if (level == SOL_SOCKET) {
            return switch (name) {
                case SocketConstants.SO_TYPE -> SocketConstants.SOCK_STREAM;
                case SocketConstants.SO_ERROR -> e.takeError(id);
                case SocketConstants.SO_REUSEADDR -> s.reuseAddr ? 1 : 0;
                case SocketConstants.SO_REUSEPORT -> s.reusePort ? 1 : 0;
                case SocketConstants.SO_KEEPALIVE -> s.keepalive ? 1 : 0;
                case SocketConstants.SO_SNDBUF -> s.sndBuf;
                case SocketConstants.SO_RCVBUF -> s.rcvBuf;
                case SocketConstants.SO_RCVLOWAT -> s.rcvLowat;
                case SocketConstants.SO_OOBINLINE -> TcpUrg.inline(s) ? 1 : 0;
                default -> -Errno.ENOPROTOOPT;
            };
        }
        if (level == IPPROTO_TCP) {
            return switch (name) {
                case SocketConstants.TCP_NODELAY -> (s.nonagle & TcpXmit.NAGLE_OFF) != 0 ? 1 : 0;
                case SocketConstants.TCP_CORK -> (s.nonagle & TcpXmit.NAGLE_CORK) != 0 ? 1 : 0;
                case SocketConstants.TCP_MAXSEG -> s.synchronizedState() ? s.mss
                        : s.userMss > 0 ? s.userMss : 536; // Linux: TCP_MSS_DEFAULT before the handshake
                case SocketConstants.TCP_KEEPIDLE -> s.keepIdle;
                case SocketConstants.TCP_KEEPINTVL -> s.keepIntvl;
                case SocketConstants.TCP_KEEPCNT -> s.keepCnt;
                case SocketConstants.TCP_SYNCNT -> s.synRetries > 0 ? s.synRetries
                        : e.params.synRetries();
                case SocketConstants.TCP_LINGER2 -> s.linger2 == Integer.MIN_VALUE
                        ? e.params.finTimeoutS() : s.linger2 < 0 ? -1 : s.linger2;
                case SocketConstants.TCP_USER_TIMEOUT -> s.userTimeoutMs;
                case SocketConstants.TCP_QUICKACK -> TcpAck.inPingpongMode(e, s) ? 0 : 1;
                case SocketConstants.TCP_WINDOW_CLAMP -> s.windowClamp;
                case SocketConstants.TCP_FASTOPEN_CONNECT -> s.fastOpenConnect ? 1 : 0;
                case SocketConstants.TCP_INQ -> s.inqHint ? 1 : 0;
                case SocketConstants.TCP_NOTSENT_LOWAT -> s.notsentLowat;
                default -> -Errno.ENOPROTOOPT;
            };
        }
        return -Errno.ENOPROTOOPT;
    }

    /** SO_LINGER (struct linger: l_onoff, l_linger in seconds). */
    public int setLinger(int id, boolean on, int seconds) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        s.lingerOn = on;
        s.lingerSeconds = Math.max(0, seconds);
        return 0;
    }

    /** @return SO_LINGER as {l_onoff, l_linger}, or null for an unknown id */
    public int[] getLinger(int id) {
        TcpSock s = e.userSock(id);
        return s == null ? null : new int[] {s.lingerOn ? 1 : 0, s.lingerSeconds};
    }

    /**
     * Kernel: tcp_poll(). The event mask a poll() on this socket would return now.
     *
     * @return POLL* bits, or −EBADF
     */
    public int poll(int id) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        if (s.state == TcpState.LISTEN) {
            return s.acceptQueue.isEmpty() ? 0 : POLLIN | POLLRDNORM; // inet_csk_listen_poll()
        }
        int mask = 0;
        if ((s.sndShutdown && s.rcvShutdown) || s.state == TcpState.CLOSE) {
            mask |= POLLHUP;
        }
        if (s.rcvShutdown) {
            mask |= POLLIN | POLLRDNORM | POLLRDHUP;
        }
        if (s.state != TcpState.SYN_SENT && s.state != TcpState.SYN_RECV) {
            // tcp_poll(): the urgent byte at the mark is not readable data without SO_OOBINLINE
            int target = Math.max(s.rcvLowat, 1) + (TcpUrg.atMark(s) == 1 && !TcpUrg.inline(s) ? 1 : 0);
            if (s.recvQueue != null && s.recvQueue.size() >= target) {
                mask |= POLLIN | POLLRDNORM;
            }
            if (TcpUrg.valid(s)) {
                mask |= SocketConstants.POLLPRI;
            }
            if (s.sndShutdown || TcpSend.skStreamIsWriteable(e, s)) {
                mask |= POLLOUT | POLLWRNORM;
            } else if (s.sendQueue != null) {
                s.sendQueue.noSpace = true; // SOCK_NOSPACE: the ACK that frees enough space wakes the poller
            }
        } else if (s.state == TcpState.SYN_SENT && s.deferConnect) {
            mask |= POLLOUT | POLLWRNORM; // TCP_FASTOPEN_CONNECT: the write that sends the SYN may come
        }
        if (s.error != 0) {
            mask |= POLLERR;
        }
        return mask;
    }

    /** Kernel: tcp_ioctl(): SIOCINQ, SIOCOUTQ, SIOCOUTQNSD. */
    public int ioctl(int id, int request) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        if (s.state == TcpState.LISTEN) {
            return -Errno.EINVAL;
        }
        boolean handshake = s.state == TcpState.SYN_SENT || s.state == TcpState.SYN_RECV;
        int queued = s.sendQueue == null || handshake ? 0 : s.sendQueue.size();
        return switch (request) {
            case SIOCINQ -> s.recvQueue == null ? 0 : s.recvQueue.size();
            case SIOCOUTQ -> queued; // write_seq - snd_una
            case SocketConstants.SIOCATMARK -> TcpUrg.atMark(s);
            case SIOCOUTQNSD -> handshake ? 0 : Math.max(0, TcpSend.writeSeq(s) - TcpXmit.sndHigh(s));
            default -> -Errno.ENOTTY;
        };
    }

    /** O_NONBLOCK. */
    public int setNonBlocking(int id, boolean on) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        s.nonBlocking = on;
        return 0;
    }

    /** @return whether O_NONBLOCK is set (false for an unknown id) */
    public boolean nonBlocking(int id) {
        TcpSock s = e.userSock(id);
        return s != null && s.nonBlocking;
    }

    /**
     * getsockopt(TCP_INFO) at the engine's latest time (the last frame or timer poll it was driven with).
     *
     * @return a snapshot, or null for an unknown id
     */
    public TcpInfo tcpInfo(int id) {
        return tcpInfo(id, e.clockNs);
    }

    /** getsockopt(TCP_INFO) at {@code nowNs}. @return a snapshot, or null for an unknown id */
    public TcpInfo tcpInfo(int id, long nowNs) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return null;
        }
        byte[] b = new byte[TcpInfo.SIZE];
        TcpGetInfo.tcpGetInfo(e, s, b, nowNs);
        return new TcpInfo(b);
    }

    /**
     * getsockopt(TCP_INFO) into a caller's buffer, as Linux copies it: min(optlen, 280) bytes.
     *
     * @return the length copied (the new optlen), or −EBADF, −EINVAL (negative optlen), −EFAULT (buffer shorter
     *     than optlen)
     */
    public int getTcpInfo(int id, byte[] optval, int optlen, long nowNs) {
        TcpSock s = e.userSock(id);
        if (s == null) {
            return -Errno.EBADF;
        }
        return TcpGetInfo.getsockopt(e, s, optval, optlen, nowNs);
    }
}
