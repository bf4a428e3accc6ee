package dev.fastpath.packetdrill;

import dev.fastpath.uapi.Errno;
import java.util.HashMap;
import java.util.Map;

/**
 * The symbolic names scripts use in system call arguments, with Linux's values (packetdrill's
 * symbols_linux.c takes them from the kernel headers; the numbers here are the x86-64 uapi ones).
 * An expression is names and numbers joined by {@code |}; a name not in the table fails the script
 * (the runner's table lacks it), it is never guessed.
 */
final class PdSymbols {
    static final Map<String, Long> VALUES = new HashMap<>();

    static {
        put("AF_UNSPEC", 0, "AF_INET", 2, "PF_INET", 2, "AF_INET6", 10, "PF_INET6", 10);
        put("SOCK_STREAM", 1, "SOCK_DGRAM", 2, "SOCK_NONBLOCK", 0x800, "SOCK_CLOEXEC", 0x80000);
        put("IPPROTO_IP", 0, "IPPROTO_TCP", 6, "IPPROTO_UDP", 17, "IPPROTO_IPV6", 41);
        put("SOL_IP", 0, "SOL_SOCKET", 1, "SOL_TCP", 6, "SOL_IPV6", 41);
        put("SO_DEBUG", 1, "SO_REUSEADDR", 2, "SO_TYPE", 3, "SO_ERROR", 4, "SO_DONTROUTE", 5, "SO_BROADCAST", 6);
        put("SO_SNDBUF", 7, "SO_RCVBUF", 8, "SO_KEEPALIVE", 9, "SO_OOBINLINE", 10, "SO_PRIORITY", 12);
        put("SO_LINGER", 13, "SO_REUSEPORT", 15, "SO_RCVLOWAT", 18, "SO_SNDLOWAT", 19, "SO_RCVTIMEO", 20);
        put("SO_SNDTIMEO", 21, "SO_TIMESTAMP", 29, "SO_ACCEPTCONN", 30, "SO_SNDBUFFORCE", 32, "SO_RCVBUFFORCE", 33);
        put("SO_MARK", 36, "SO_TIMESTAMPING", 37, "SO_PROTOCOL", 38, "SO_DOMAIN", 39, "SO_MEMINFO", 55);
        put("SO_MAX_PACING_RATE", 47, "SO_INCOMING_CPU", 49, "SO_ZEROCOPY", 60, "SO_TXTIME", 61);
        put("TCP_NODELAY", 1, "TCP_MAXSEG", 2, "TCP_CORK", 3, "TCP_KEEPIDLE", 4, "TCP_KEEPINTVL", 5);
        put("TCP_KEEPCNT", 6, "TCP_SYNCNT", 7, "TCP_LINGER2", 8, "TCP_DEFER_ACCEPT", 9, "TCP_WINDOW_CLAMP", 10);
        put("TCP_INFO", 11, "TCP_QUICKACK", 12, "TCP_CONGESTION", 13, "TCP_MD5SIG", 14, "TCP_USER_TIMEOUT", 18);
        put("TCP_REPAIR", 19, "TCP_FASTOPEN", 23, "TCP_TIMESTAMP", 24, "TCP_NOTSENT_LOWAT", 25, "TCP_CC_INFO", 26);
        put("TCP_SAVE_SYN", 27, "TCP_SAVED_SYN", 28, "TCP_FASTOPEN_CONNECT", 30, "TCP_ULP", 31);
        put("TCP_FASTOPEN_KEY", 33, "TCP_FASTOPEN_NO_COOKIE", 34, "TCP_ZEROCOPY_RECEIVE", 35, "TCP_INQ", 36);
        put("TCP_CM_INQ", 36, "TCP_TX_DELAY", 37, "TCP_RTO_MAX_MS", 44, "TCP_RTO_MIN_US", 45);
        put("IP_TOS", 1, "IP_TTL", 2, "IP_RECVERR", 11, "IP_MTU_DISCOVER", 10, "IP_MTU", 14, "IP_FREEBIND", 15);
        put("IP_TRANSPARENT", 19, "IP_BIND_ADDRESS_NO_PORT", 24, "IP_LOCAL_PORT_RANGE", 51);
        put("IP_PMTUDISC_DONT", 0, "IP_PMTUDISC_WANT", 1, "IP_PMTUDISC_DO", 2, "IP_PMTUDISC_PROBE", 3);
        put("IP_PMTUDISC_INTERFACE", 4, "IP_PMTUDISC_OMIT", 5);
        put("MSG_OOB", 1, "MSG_PEEK", 2, "MSG_DONTROUTE", 4, "MSG_TRUNC", 0x20, "MSG_DONTWAIT", 0x40);
        put("MSG_EOR", 0x80, "MSG_WAITALL", 0x100, "MSG_ERRQUEUE", 0x2000, "MSG_NOSIGNAL", 0x4000);
        put("MSG_MORE", 0x8000, "MSG_ZEROCOPY", 0x4000000, "MSG_FASTOPEN", 0x20000000);
        put("SHUT_RD", 0, "SHUT_WR", 1, "SHUT_RDWR", 2);
        put("F_GETFD", 1, "F_SETFD", 2, "F_GETFL", 3, "F_SETFL", 4, "FD_CLOEXEC", 1);
        put("O_RDONLY", 0, "O_WRONLY", 1, "O_RDWR", 2, "O_CREAT", 0x40, "O_EXCL", 0x80, "O_TRUNC", 0x200);
        put("O_APPEND", 0x400, "O_NONBLOCK", 0x800, "O_CLOEXEC", 0x80000);
        put("SIOCINQ", 0x541B, "FIONREAD", 0x541B, "SIOCOUTQ", 0x5411, "TIOCOUTQ", 0x5411, "SIOCOUTQNSD", 0x894B);
        put("SIOCATMARK", 0x8905, "FIONBIO", 0x5421);
        put("POLLIN", 0x1, "POLLPRI", 0x2, "POLLOUT", 0x4, "POLLERR", 0x8, "POLLHUP", 0x10, "POLLNVAL", 0x20);
        put("POLLRDNORM", 0x40, "POLLRDBAND", 0x80, "POLLWRNORM", 0x100, "POLLWRBAND", 0x200, "POLLMSG", 0x400);
        put("POLLRDHUP", 0x2000);
        put("EPOLLIN", 0x1, "EPOLLPRI", 0x2, "EPOLLOUT", 0x4, "EPOLLERR", 0x8, "EPOLLHUP", 0x10);
        put("EPOLLRDNORM", 0x40, "EPOLLRDBAND", 0x80, "EPOLLWRNORM", 0x100, "EPOLLWRBAND", 0x200);
        put("EPOLLMSG", 0x400, "EPOLLRDHUP", 0x2000, "EPOLLEXCLUSIVE", 1L << 28, "EPOLLWAKEUP", 1L << 29);
        put("EPOLLONESHOT", 1L << 30, "EPOLLET", 1L << 31, "EPOLL_CTL_ADD", 1, "EPOLL_CTL_DEL", 2);
        put("EPOLL_CTL_MOD", 3, "EPOLL_CLOEXEC", 0x80000);
        put("SPLICE_F_MOVE", 1, "SPLICE_F_NONBLOCK", 2, "SPLICE_F_MORE", 4, "SPLICE_F_GIFT", 8);
        put("TCPI_OPT_TIMESTAMPS", 1, "TCPI_OPT_SACK", 2, "TCPI_OPT_WSCALE", 4, "TCPI_OPT_ECN", 8);
        put("TCPI_OPT_ECN_SEEN", 16, "TCPI_OPT_SYN_DATA", 32, "NULL", 0);
    }

    private PdSymbols() {
    }

    private static void put(Object... kv) {
        for (int i = 0; i < kv.length; i += 2) {
            VALUES.put((String) kv[i], ((Number) kv[i + 1]).longValue());
        }
    }

    /**
     * @param line the script line
     * @param expr {@code O_RDWR|O_NONBLOCK}, {@code 0x20000000}, {@code 4}, {@code ECONNRESET}
     * @return its value
     */
    static long eval(int line, String expr) {
        long v = 0;
        for (String part : expr.split("\\|")) {
            String p = part.strip();
            if (p.isEmpty()) {
                throw new PdRunner.Fail(line, "empty term in `" + expr + "`");
            }
            if (p.matches("-?(0x[0-9a-fA-F]+|[0-9]+)")) {
                boolean neg = p.startsWith("-");
                String d = neg ? p.substring(1) : p;
                long n = d.startsWith("0x") ? Long.parseLong(d.substring(2), 16) : Long.parseLong(d);
                v |= neg ? -n : n;
            } else if (VALUES.containsKey(p)) {
                v |= VALUES.get(p);
            } else if (Errno.byName(p) > 0) {
                v |= Errno.byName(p);
            } else {
                throw new PdRunner.Fail(line, "unknown symbol `" + p + "` (not in the runner's table of"
                        + " packetdrill's symbols)");
            }
        }
        return v;
    }

    /** @return the name of a value in a family ({@code SO_}, {@code TCP_}…), for messages */
    static String name(String prefix, long value) {
        for (Map.Entry<String, Long> e : VALUES.entrySet()) {
            if (e.getKey().startsWith(prefix) && e.getValue() == value) {
                return e.getKey();
            }
        }
        return Long.toString(value);
    }
}
