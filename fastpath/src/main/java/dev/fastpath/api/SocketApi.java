package dev.fastpath.api;

import static dev.fastpath.uapi.SocketConstants.AF_INET;
import static dev.fastpath.uapi.SocketConstants.IPPROTO_IP;
import static dev.fastpath.uapi.SocketConstants.IPPROTO_TCP;
import static dev.fastpath.uapi.SocketConstants.SOCK_CLOEXEC;
import static dev.fastpath.uapi.SocketConstants.SOCK_NONBLOCK;
import static dev.fastpath.uapi.SocketConstants.SOCK_STREAM;

import dev.fastpath.tcp.SocketOps;
import dev.fastpath.tcp.SocketOptions;
import dev.fastpath.tcp.TcpEngine;
import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import dev.fastpath.uapi.TcpInfo;
import java.util.Arrays;

/**
 * A BSD socket facade over one engine, with file descriptors and Linux's errno results: every call
 * returns ≥ 0 or {@code -errno}. Descriptors start at 3 and the lowest free one is reused, as a
 * Linux process sees them (packetdrill scripts rely on it).
 *
 * <p>Calls never block: where a blocking socket would wait, the call returns −EAGAIN (read, write,
 * accept) or −EINPROGRESS (connect) and the caller waits for the event ({@link #poll}) as time
 * advances — which is how the packetdrill runner emulates blocking calls on virtual time.
 * Single-threaded: use it on the engine's worker.
 */
public final class SocketApi {
    private static final int FIRST_FD = 3;
    private final SocketOps ops;
    private final SocketOptions opts;
    private final TcpEngine engine;
    /** fd → socket id, −1 when free. */
    private int[] fds = new int[64];

    /** @param engine the engine the descriptors refer into */
    public SocketApi(TcpEngine engine) {
        this.engine = engine;
        this.ops = SocketOps.of(engine);
        this.opts = SocketOptions.of(engine);
        Arrays.fill(fds, -1);
    }

    private int allocateFd(int id) {
        for (int fd = FIRST_FD; fd < fds.length; fd++) {
            if (fds[fd] < 0) {
                fds[fd] = id;
                return fd;
            }
        }
        int fd = Math.max(fds.length, FIRST_FD);
        fds = Arrays.copyOf(fds, fds.length * 2);
        Arrays.fill(fds, fd, fds.length, -1);
        fds[fd] = id;
        return fd;
    }

    /** @return the socket id behind fd, or −1 */
    public int socketId(int fd) {
        return fd >= 0 && fd < fds.length ? fds[fd] : -1;
    }

    /** socket(AF_INET, SOCK_STREAM [| SOCK_NONBLOCK | SOCK_CLOEXEC], 0 or IPPROTO_TCP). */
    public int socket(int domain, int type, int protocol) {
        if (domain != AF_INET) {
            return -Errno.EAFNOSUPPORT;
        }
        if ((type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != SOCK_STREAM) {
            return -Errno.ESOCKTNOSUPPORT;
        }
        if (protocol != IPPROTO_IP && protocol != IPPROTO_TCP) {
            return -Errno.EPROTONOSUPPORT;
        }
        int id = ops.socket();
        if (id < 0) {
            return id;
        }
        opts.setNonBlocking(id, (type & SOCK_NONBLOCK) != 0);
        return allocateFd(id);
    }

    /** bind(fd, ip:port). */
    public int bind(int fd, int ip, int port) {
        int id = socketId(fd);
        return id < 0 ? -Errno.EBADF : ops.bind(id, ip, port);
    }

    /** listen(fd, backlog). */
    public int listen(int fd, int backlog) {
        int id = socketId(fd);
        return id < 0 ? -Errno.EBADF : ops.listen(id, backlog);
    }

    /** accept(fd): a new descriptor, or −EAGAIN when the accept queue is empty. */
    public int accept(int fd) {
        return accept4(fd, 0);
    }

    /** accept4(fd, SOCK_NONBLOCK | SOCK_CLOEXEC). */
    public int accept4(int fd, int flags) {
        int id = socketId(fd);
        if (id < 0) {
            return -Errno.EBADF;
        }
        if ((flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) {
            return -Errno.EINVAL;
        }
        int child = ops.accept(id);
        if (child < 0) {
            return child;
        }
        opts.setNonBlocking(child, (flags & SOCK_NONBLOCK) != 0);
        return allocateFd(child);
    }

    /** connect(fd, ip:port): −EINPROGRESS once the SYN is out; SO_ERROR or poll tell the outcome. */
    public int connect(int fd, int ip, int port, long nowNs) {
        int id = socketId(fd);
        return id < 0 ? -Errno.EBADF : ops.connect(id, ip, port, nowNs);
    }

    /** read(fd, buf): bytes, 0 at end of stream, −EAGAIN, or the connection's error. */
    public int read(int fd, byte[] dst, int off, int len, long nowNs) {
        int id = socketId(fd);
        if (id < 0) {
            return -Errno.EBADF;
        }
        if (dst == null || off < 0 || len < 0 || off + len > dst.length) {
            return -Errno.EFAULT;
        }
        return ops.recv(id, dst, off, len, nowNs);
    }

    /**
     * recv(fd, buf, flags): MSG_OOB (the urgent byte; never blocks), MSG_OOB|MSG_PEEK, MSG_OOB|MSG_TRUNC,
     * MSG_DONTWAIT; other flags are EOPNOTSUPP.
     */
    public int recv(int fd, byte[] dst, int off, int len, int flags, long nowNs) {
        int id = socketId(fd);
        if (id < 0) {
            return -Errno.EBADF;
        }
        int oobOnly = SocketConstants.MSG_PEEK | SocketConstants.MSG_TRUNC;
        if ((flags & ~(SocketConstants.MSG_OOB | SocketConstants.MSG_DONTWAIT | oobOnly)) != 0
                || (flags & SocketConstants.MSG_OOB) == 0 && (flags & oobOnly) != 0) {
            return -Errno.EOPNOTSUPP;
        }
        if (dst == null || off < 0 || len < 0 || off + len > dst.length) {
            return -Errno.EFAULT;
        }
        return ops.recv(id, dst, off, len, flags, nowNs);
    }

    /**
     * send(fd, buf, flags): MSG_MORE, MSG_EOR, MSG_OOB (the last byte is urgent), MSG_DONTWAIT and MSG_NOSIGNAL;
     * other flags are EOPNOTSUPP.
     */
    public int send(int fd, byte[] src, int off, int len, int flags, long nowNs) {
        int id = socketId(fd);
        if (id < 0) {
            return -Errno.EBADF;
        }
        if ((flags & ~(SocketConstants.MSG_MORE | SocketConstants.MSG_EOR | SocketConstants.MSG_DONTWAIT
                | SocketConstants.MSG_NOSIGNAL | SocketConstants.MSG_OOB)) != 0) {
            return -Errno.EOPNOTSUPP;
        }
        if (src == null || off < 0 || len < 0 || off + len > src.length) {
            return -Errno.EFAULT;
        }
        return ops.send(id, src, off, len, flags, nowNs);
    }

    /** write(fd, buf): bytes queued (may be fewer than asked), −EAGAIN, −EPIPE, … */
    public int write(int fd, byte[] src, int off, int len, long nowNs) {
        int id = socketId(fd);
        if (id < 0) {
            return -Errno.EBADF;
        }
        if (src == null || off < 0 || len < 0 || off + len > src.length) {
            return -Errno.EFAULT;
        }
        return ops.send(id, src, off, len, nowNs);
    }

    /** sendto(fd, buf, MSG_FASTOPEN, ip:port): connect and write in one call (TCP Fast Open client). */
    public int sendFastOpen(int fd, byte[] src, int off, int len, int ip, int port, long nowNs) {
        return sendFastOpen(fd, src, off, len, 0, ip, port, nowNs);
    }

    /** sendto(fd, buf, MSG_FASTOPEN | flags, ip:port); MSG_DONTWAIT makes a blocking socket's call non-blocking. */
    public int sendFastOpen(int fd, byte[] src, int off, int len, int flags, int ip, int port, long nowNs) {
        int id = socketId(fd);
        if (id < 0) {
            return -Errno.EBADF;
        }
        if (src != null && (off < 0 || len < 0 || off + len > src.length)) {
            return -Errno.EFAULT;
        }
        return ops.sendFastOpen(id, src, off, len, flags, ip, port, nowNs);
    }

    /** shutdown(fd, SHUT_RD | SHUT_WR | SHUT_RDWR). */
    public int shutdown(int fd, int how, long nowNs) {
        int id = socketId(fd);
        return id < 0 ? -Errno.EBADF : ops.shutdown(id, how, nowNs);
    }

    /** close(fd): drops this descriptor; the connection closes with its last one (F1). */
    public int close(int fd, long nowNs) {
        int id = socketId(fd);
        if (id < 0) {
            return -Errno.EBADF;
        }
        fds[fd] = -1;
        return ops.close(id, nowNs);
    }

    /** dup(fd): another descriptor on the same socket. */
    public int dup(int fd) {
        int id = socketId(fd);
        if (id < 0) {
            return -Errno.EBADF;
        }
        int r = ops.dup(id);
        return r < 0 ? r : allocateFd(id);
    }

    /** setsockopt(fd, level, name, int value). */
    public int setsockopt(int fd, int level, int name, int value, long nowNs) {
        int id = socketId(fd);
        return id < 0 ? -Errno.EBADF : opts.setInt(id, level, name, value, nowNs);
    }

    /**
     * The TCP_CM_INQ value Linux's recvmsg() would attach after the last read (setsockopt TCP_INQ first): the
     * bytes still queued, or 1 when none are and the peer's FIN has come.
     *
     * @return the hint, −EBADF, or −EINVAL when TCP_INQ is off
     */
    public int inq(int fd) {
        int id = socketId(fd);
        return id < 0 ? -Errno.EBADF : ops.inq(id);
    }

    /** setsockopt(fd, SOL_SOCKET, SO_LINGER, {onoff, seconds}). */
    public int setLinger(int fd, boolean on, int seconds) {
        int id = socketId(fd);
        return id < 0 ? -Errno.EBADF : opts.setLinger(id, on, seconds);
    }

    /** getsockopt(fd, level, name) for an int option: the value or −errno. */
    public int getsockopt(int fd, int level, int name) {
        int id = socketId(fd);
        return id < 0 ? -Errno.EBADF : opts.getInt(id, level, name);
    }

    /** @return SO_LINGER as {l_onoff, l_linger}, or null for a bad descriptor */
    public int[] getLinger(int fd) {
        int id = socketId(fd);
        return id < 0 ? null : opts.getLinger(id);
    }

    /** fcntl(fd, F_GETFL) and fcntl(fd, F_SETFL, flags): only O_NONBLOCK is kept. */
    public int fcntl(int fd, int cmd, int arg) {
        int id = socketId(fd);
        if (id < 0) {
            return -Errno.EBADF;
        }
        return switch (cmd) {
            case SocketConstants.F_GETFL -> SocketConstants.O_RDWR
                    | (opts.nonBlocking(id) ? SocketConstants.O_NONBLOCK : 0);
            case SocketConstants.F_SETFL -> opts.setNonBlocking(id, (arg & SocketConstants.O_NONBLOCK) != 0);
            default -> -Errno.EINVAL;
        };
    }

    /** ioctl(fd, SIOCINQ | SIOCOUTQ | SIOCOUTQNSD). */
    public int ioctl(int fd, int request) {
        int id = socketId(fd);
        return id < 0 ? -Errno.EBADF : opts.ioctl(id, request);
    }

    /** @return the POLL* events ready on fd now (POLLNVAL for a bad descriptor) */
    public int poll(int fd) {
        int id = socketId(fd);
        return id < 0 ? SocketConstants.POLLNVAL : opts.poll(id);
    }

    /** @return whether fd is in non-blocking mode */
    public boolean nonBlocking(int fd) {
        int id = socketId(fd);
        return id >= 0 && opts.nonBlocking(id);
    }

    /** getsockopt(TCP_INFO) at the engine's latest time. @return the snapshot, or null for a bad descriptor */
    public TcpInfo tcpInfo(int fd) {
        int id = socketId(fd);
        return id < 0 ? null : opts.tcpInfo(id);
    }

    /** getsockopt(TCP_INFO) at {@code nowNs}. @return the snapshot, or null for a bad descriptor */
    public TcpInfo tcpInfo(int fd, long nowNs) {
        int id = socketId(fd);
        return id < 0 ? null : opts.tcpInfo(id, nowNs);
    }

    /**
     * getsockopt(fd, SOL_TCP, TCP_INFO, optval, &optlen) as Linux: the first min(optlen, 280) bytes of struct
     * tcp_info ({@link TcpInfo}) are copied.
     *
     * @return the new optlen, or −EBADF, −EINVAL (negative optlen), −EFAULT (optval shorter than optlen)
     */
    public int getsockoptTcpInfo(int fd, byte[] optval, int optlen, long nowNs) {
        int id = socketId(fd);
        return id < 0 ? -Errno.EBADF : opts.getTcpInfo(id, optval, optlen, nowNs);
    }

    /** @return the TCP state of fd's socket (TcpState numbering), or −EBADF */
    public int state(int fd) {
        int id = socketId(fd);
        return id < 0 ? -Errno.EBADF : engine.state(id);
    }

    /** @return open descriptors */
    public int openDescriptors() {
        int n = 0;
        for (int id : fds) {
            n += id >= 0 ? 1 : 0;
        }
        return n;
    }
}
