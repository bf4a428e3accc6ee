package dev.fastpath.uapi;

/** The Linux x86-64 values of the socket-API constants Fastpath understands (socket.h, tcp.h, poll.h). */
public final class SocketConstants {
    public static final int AF_INET = 2;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_TCP = 6;

    public static final int SOL_IP = 0;
    public static final int IP_TOS = 1;
    public static final int IP_MTU_DISCOVER = 10;
    public static final int IP_BIND_ADDRESS_NO_PORT = 24;
    public static final int IP_LOCAL_PORT_RANGE = 51;
    public static final byte IP_PMTUDISC_DONT = 0;
    public static final byte IP_PMTUDISC_WANT = 1;
    public static final byte IP_PMTUDISC_DO = 2;
    public static final byte IP_PMTUDISC_OMIT = 5;

    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_TYPE = 3;
    public static final int SO_ERROR = 4;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_LINGER = 13;
    public static final int SO_REUSEPORT = 15;
    public static final int SO_RCVLOWAT = 18;
    /** Urgent data stays in the stream, where the urgent mark points (SOCK_URGINLINE). */
    public static final int SO_OOBINLINE = 10;
    public static final int SO_SNDLOWAT = 19;

    public static final int TCP_NODELAY = 1;
    public static final int TCP_MAXSEG = 2;
    public static final int TCP_CORK = 3;
    public static final int TCP_KEEPIDLE = 4;
    public static final int TCP_KEEPINTVL = 5;
    public static final int TCP_KEEPCNT = 6;
    public static final int TCP_SYNCNT = 7;
    public static final int TCP_LINGER2 = 8;
    public static final int TCP_DEFER_ACCEPT = 9;
    public static final int TCP_INFO = 11;
    public static final int TCP_QUICKACK = 12;
    public static final int TCP_WINDOW_CLAMP = 10;
    public static final int TCP_USER_TIMEOUT = 18;
    /** Unsent bytes past which the socket is not writeable (poll, blocking writes). */
    public static final int TCP_NOTSENT_LOWAT = 25;
    public static final int TCP_FASTOPEN_CONNECT = 30;
    /** Reads report the bytes left in the receive queue (a TCP_CM_INQ control message in Linux). */
    public static final int TCP_INQ = 36;
    /** The control message type TCP_INQ adds to recvmsg(); the same number as the option. */
    public static final int TCP_CM_INQ = TCP_INQ;
    /** send flag: connect and send in one call (RFC 7413 client). */
    public static final int MSG_FASTOPEN = 0x20000000;
    /** send flag: more data follows; do not push a partial segment yet. */
    public static final int MSG_MORE = 0x8000;
    /** End of record: what follows goes into new segments, never into this record's (tcp_sendmsg(), eor). */
    public static final int MSG_EOR = 0x80;
    public static final int MSG_DONTWAIT = 0x40;
    /** Urgent ("out-of-band") data: send sets the urgent pointer after it; recv reads the urgent byte. */
    public static final int MSG_OOB = 0x1;
    /** recv flag: look without consuming. */
    public static final int MSG_PEEK = 0x2;
    public static final int MSG_NOSIGNAL = 0x4000;
    /** recv flag: report the real length even if the buffer is shorter (MSG_OOB: do not copy the byte). */
    public static final int MSG_TRUNC = 0x20;

    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;

    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;

    /** ioctl requests: bytes readable (also FIONREAD), bytes not yet acknowledged, bytes not yet sent. */
    public static final int SIOCINQ = 0x541B;
    public static final int SIOCOUTQ = 0x5411;
    public static final int SIOCOUTQNSD = 0x894B;
    /** ioctl: 1 when the next byte read is the urgent mark (sockatmark()). */
    public static final int SIOCATMARK = 0x8905;

    public static final int POLLIN = 0x1;
    public static final int POLLPRI = 0x2;
    public static final int POLLOUT = 0x4;
    public static final int POLLERR = 0x8;
    public static final int POLLHUP = 0x10;
    public static final int POLLNVAL = 0x20;
    public static final int POLLRDNORM = 0x40;
    public static final int POLLWRNORM = 0x100;
    public static final int POLLRDHUP = 0x2000;

    /** TCP_INFO tcpi_options bits. */
    public static final int TCPI_OPT_TIMESTAMPS = 1;
    public static final int TCPI_OPT_SACK = 2;
    public static final int TCPI_OPT_WSCALE = 4;
    /** ECN was negotiated (tcpi_options, include/uapi/linux/tcp.h TCPI_OPT_ECN). */
    public static final int TCPI_OPT_ECN = 8;

    private SocketConstants() {
    }
}
