package dev.fastpath.packetdrill;

import dev.fastpath.api.SocketApi;
import dev.fastpath.tcp.TcpEvents;
import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import dev.fastpath.tcp.TcpState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The system calls of a script mapped onto the {@link SocketApi}, with blocking calls emulated: a
 * call on a blocking socket that would block stays pending while virtual time runs and later events
 * happen, and must return when the script's {@code a...b} says (packetdrill runs it on a thread).
 * Script descriptors are mapped to live ones as packetdrill maps them (the numbers need not agree);
 * epoll instances, pipes and files live in the runner ({@link PdPoll}, {@link PdFiles}).
 */
final class PdSyscalls {
    /** An attempt's "would block". */
    static final long BLOCKED = Long.MIN_VALUE;
    private static final Pattern IOV = Pattern.compile("\\{\\s*([^,{}]+?)\\s*,\\s*(\\d+)\\s*}");
    private static final Pattern CMSG = Pattern.compile(
            "cmsg_level=(\\w+),\\s*cmsg_type=(\\w+),\\s*cmsg_data=(\\d+)");

    /** One try of a blocking call: its result, or {@link #BLOCKED}. */
    interface Attempt {
        long tryNow();

        /** @return what a non-blocking socket returns when {@link #tryNow} would block */
        long whenNonBlocking();
    }

    private record Pending(PdEvent.Syscall call, long endUs, Attempt attempt) {
    }

    final PdRunner r;
    final SocketApi api;
    private Pending pending;
    /** Script fd → live socket fd, learned from socket() and accept() results. */
    private final Map<Integer, Integer> fds = new HashMap<>();
    private int lastFd = -1;
    private final PdPoll poll;
    private final PdFiles files;
    private final PdSockopt sockopt;

    PdSyscalls(PdRunner runner) {
        this.r = runner;
        this.api = runner.api;
        this.poll = new PdPoll(this);
        this.files = new PdFiles(this);
        this.sockopt = new PdSockopt(this);
    }

    /** @return the engine event handler that feeds epoll's edge-triggered readiness */
    TcpEvents poller() {
        return poll;
    }

    static long sym(PdEvent.Syscall c, String expr) {
        return PdSymbols.eval(c.line(), expr);
    }

    static String arg(PdEvent.Syscall c, int i) {
        if (i >= c.args().size()) {
            throw new PdRunner.Fail(c.line(), c.name() + " needs argument " + (i + 1) + ": " + c.args());
        }
        return c.args().get(i);
    }

    /** {@code [42]} → 42, {@code [ECONNRESET]} → its number. */
    static long bracket(PdEvent.Syscall c, String a) {
        String s = a.strip();
        if (!s.startsWith("[") || !s.endsWith("]")) {
            throw new PdRunner.Fail(c.line(), c.name() + ": expected [value], found `" + a + "`");
        }
        return sym(c, s.substring(1, s.length() - 1));
    }

    int scriptFd(PdEvent.Syscall c, int i) {
        String a = arg(c, i).strip();
        if (!a.matches("-?\\d+")) {
            throw new PdRunner.Fail(c.line(), c.name() + ": expected a descriptor, found `" + a + "`");
        }
        return Integer.parseInt(a);
    }

    /** The live socket descriptor behind a script fd (an unknown one is passed through: EBADF then). */
    int fd(PdEvent.Syscall c, int i) {
        int s = scriptFd(c, i);
        return fds.getOrDefault(s, s);
    }

    /** @return the live socket descriptor behind a script fd */
    int liveFd(int scriptFd) {
        return fds.getOrDefault(scriptFd, scriptFd);
    }

    /** @return the lowest descriptor no socket, epoll instance, pipe or file uses (as the kernel picks) */
    int freeFd() {
        for (int fd = 3;; fd++) {
            if (api.socketId(fd) < 0 && !fds.containsValue(fd) && !poll.usesLive(fd) && !files.usesLive(fd)) {
                return fd;
            }
        }
    }

    void useSocket(int liveFd) {
        lastFd = liveFd;
    }

    /** @return the socket under test: the last socket a call created, accepted or used */
    int lastFd() {
        return lastFd;
    }

    /**
     * Runs a call at its time.
     *
     * @param c     the call
     * @param t     its start time
     * @param endUs the end of its {@code ...} range, or −1
     */
    void call(PdEvent.Syscall c, long t, long endUs) {
        if (pending != null) {
            throw new PdRunner.Fail(c.line(), c.name() + " while line " + pending.call().line() + " is still blocked");
        }
        long result = dispatch(c, endUs);
        if (result == BLOCKED) {
            return; // progress() finishes it
        }
        if (endUs >= 0 && Math.abs(r.nowUs() - endUs) > r.tolerance(endUs)) {
            throw new PdRunner.Fail(c.line(), c.name() + " returned at once (" + PdRunner.secs(r.nowUs())
                    + " s); the script expects it to block until " + PdRunner.secs(endUs) + " s");
        }
        check(c, result);
    }

    private long dispatch(PdEvent.Syscall c, long endUs) {
        String n = c.name();
        if (files.handles(c)) {
            return files.call(c, endUs);
        }
        return switch (n) {
            case "socket" -> socket(c);
            case "bind" -> api.bind(fd(c, 0), PdRunner.LOCAL_IP, r.bindPort());
            case "listen" -> listen(c);
            case "accept", "accept4" -> accept(c, endUs);
            case "connect" -> connect(c, endUs);
            case "read", "recv", "recvfrom" -> read(c, fd(c, 0), length(c, 2), recvFlags(c), endUs);
            case "write" -> write(c, fd(c, 0), length(c, 2), 0, !arg(c, 1).equals("NULL"), endUs);
            case "send", "sendto" -> send(c, endUs);
            case "sendmsg" -> sendmsg(c, endUs);
            case "recvmsg" -> recvmsg(c, endUs);
            case "writev" -> write(c, fd(c, 0), iovTotal(c, arg(c, 1)), 0, true, endUs);
            case "readv" -> read(c, fd(c, 0), iovTotal(c, arg(c, 1)), 0, endUs);
            case "close" -> poll.owns(scriptFd(c, 0)) ? poll.close(scriptFd(c, 0)) : api.close(fd(c, 0), r.nowNs());
            case "shutdown" -> api.shutdown(fd(c, 0), (int) sym(c, arg(c, 1)), r.nowNs());
            case "setsockopt" -> sockopt.setsockopt(c);
            case "getsockopt" -> sockopt.getsockopt(c);
            case "fcntl" -> sockopt.fcntl(c);
            case "ioctl" -> sockopt.ioctl(c);
            case "poll" -> poll.poll(c, endUs);
            case "epoll_create", "epoll_create1" -> poll.create(c);
            case "epoll_ctl" -> poll.ctl(c);
            case "epoll_wait" -> poll.epollWait(c, endUs);
            default -> throw new PdRunner.Unsupported(c.line(), "system call " + n);
        };
    }

    private long socket(PdEvent.Syscall c) {
        long domain = arg(c, 0).equals("...") ? SocketConstants.AF_INET : sym(c, arg(c, 0));
        if (domain != SocketConstants.AF_INET) {
            throw new PdRunner.Unsupported(c.line(), "socket domain " + arg(c, 0) + " (the engine is IPv4 only)");
        }
        int fd = api.socket((int) domain, (int) sym(c, arg(c, 1)), (int) sym(c, arg(c, 2)));
        if (fd >= 0) {
            lastFd = fd;
            r.socketCreated();
        }
        return fd;
    }

    private long listen(PdEvent.Syscall c) {
        int n = api.listen(fd(c, 0), (int) sym(c, arg(c, 1)));
        if (n == 0) {
            r.listening();
        }
        return n;
    }

    private static int length(PdEvent.Syscall c, int i) {
        return (int) sym(c, arg(c, i));
    }

    private static int recvFlags(PdEvent.Syscall c) {
        int flags = c.args().size() > 3 ? (int) sym(c, arg(c, 3)) : 0;
        if ((flags & ~(SocketConstants.MSG_DONTWAIT | SocketConstants.MSG_NOSIGNAL)) != 0) {
            throw new PdRunner.Unsupported(c.line(), c.name() + " flags " + arg(c, 3)
                    + " (MSG_PEEK, MSG_WAITALL, MSG_OOB, MSG_ERRQUEUE are not in the engine's API)");
        }
        return flags;
    }

    private long accept(PdEvent.Syscall c, long endUs) {
        int fd = fd(c, 0);
        lastFd = fd;
        return blocking(c, endUs, api.nonBlocking(fd), new Attempt() {
            @Override
            public long tryNow() {
                int n = api.accept(fd);
                if (n >= 0) {
                    lastFd = n;
                }
                return n == -Errno.EAGAIN ? BLOCKED : n;
            }

            @Override
            public long whenNonBlocking() {
                return -Errno.EAGAIN;
            }
        });
    }

    private long connect(PdEvent.Syscall c, long endUs) {
        if (arg(c, 1).equals("AF_UNSPEC")) {
            throw new PdRunner.Unsupported(c.line(), "connect(AF_UNSPEC) (tcp_disconnect: the engine has no"
                    + " disconnect)");
        }
        int fd = fd(c, 0);
        lastFd = fd;
        boolean[] started = {false};
        return blocking(c, endUs, api.nonBlocking(fd), new Attempt() {
            @Override
            public long tryNow() {
                if (!started[0]) {
                    r.connecting();
                    int n = api.connect(fd, PdRunner.REMOTE_IP, PdRunner.SERVER_PORT, r.nowNs());
                    if (n != -Errno.EINPROGRESS) {
                        return n;
                    }
                    started[0] = true;
                    return BLOCKED;
                }
                return connectDone(fd);
            }

            @Override
            public long whenNonBlocking() {
                return -Errno.EINPROGRESS;
            }
        });
    }

    /** @return BLOCKED while the handshake runs, then 0 or −SO_ERROR */
    long connectDone(int fd) {
        if (api.state(fd) == TcpState.SYN_SENT) {
            return BLOCKED;
        }
        int err = api.getsockopt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_ERROR);
        return err > 0 ? -err : 0;
    }

    long read(PdEvent.Syscall c, int fd, int length, int flags, long endUs) {
        return read(c, fd, length, flags, !arg(c, 1).equals("NULL"), endUs);
    }

    long read(PdEvent.Syscall c, int fd, int length, int flags, boolean withBuffer, long endUs) {
        lastFd = fd;
        byte[] buf = withBuffer ? new byte[Math.max(length, 0)] : null;
        boolean nb = api.nonBlocking(fd) || (flags & SocketConstants.MSG_DONTWAIT) != 0;
        return blocking(c, endUs, nb, new Attempt() {
            @Override
            public long tryNow() {
                int n = api.read(fd, buf, 0, length, r.nowNs());
                return n == -Errno.EAGAIN ? BLOCKED : n;
            }

            @Override
            public long whenNonBlocking() {
                return -Errno.EAGAIN;
            }
        });
    }

    /**
     * A blocking write takes everything or fails; a non-blocking one returns what it took. A blocking write on a
     * connecting socket (a deferred TCP_FASTOPEN_CONNECT connect, whose SYN the first write sends with data)
     * waits for the handshake first, as tcp_sendmsg_locked()'s sk_stream_wait_connect(); a failed connect is
     * the error.
     */
    long write(PdEvent.Syscall c, int fd, int length, int flags, boolean withBuffer, long endUs) {
        lastFd = fd;
        byte[] buf = withBuffer ? new byte[Math.max(length, 0)] : null;
        int[] done = {0};
        boolean nb = api.nonBlocking(fd) || (flags & SocketConstants.MSG_DONTWAIT) != 0;
        boolean[] connecting = {!nb && api.state(fd) == TcpState.SYN_SENT};
        boolean[] synTried = {false};
        int engineFlags = flags & (SocketConstants.MSG_MORE | SocketConstants.MSG_EOR | SocketConstants.MSG_DONTWAIT);
        return blocking(c, endUs, nb, new Attempt() {
            @Override
            public long tryNow() {
                if (connecting[0]) {
                    if (!synTried[0]) { // the deferred connect's SYN takes what it can
                        synTried[0] = true;
                        int n = buf == null ? api.write(fd, null, 0, length, r.nowNs())
                                : api.send(fd, buf, 0, length, engineFlags, r.nowNs());
                        if (n < 0 && n != -Errno.EAGAIN) {
                            return n;
                        }
                        done[0] = Math.max(n, 0);
                    }
                    long conn = connectDone(fd);
                    if (conn == BLOCKED) {
                        return BLOCKED;
                    }
                    if (conn < 0) {
                        return conn;
                    }
                    connecting[0] = false;
                    if (done[0] == length) {
                        return length;
                    }
                }
                int n = buf == null ? api.write(fd, null, 0, length - done[0], r.nowNs())
                        : api.send(fd, buf, done[0], length - done[0], engineFlags, r.nowNs());
                if (n >= 0) {
                    done[0] += n;
                    return done[0] == length ? length : BLOCKED;
                }
                if (n == -Errno.EAGAIN) {
                    return BLOCKED;
                }
                return done[0] > 0 ? done[0] : n;
            }

            @Override
            public long whenNonBlocking() {
                return done[0] > 0 ? done[0] : -Errno.EAGAIN;
            }
        });
    }

    private long send(PdEvent.Syscall c, long endUs) {
        int flags = c.args().size() > 3 ? (int) sym(c, arg(c, 3)) : 0;
        if (c.name().equals("sendto") && c.args().size() > 4 && arg(c, 4).equals("AF_UNSPEC")) {
            return sendFastOpenAfUnspec(c, flags);
        }
        return sendWithFlags(c, fd(c, 0), length(c, 2), flags, !arg(c, 1).equals("NULL"), endUs);
    }

    /** sendto(MSG_FASTOPEN) to an AF_UNSPEC address: Linux's __inet_stream_connect() refuses it. */
    private long sendFastOpenAfUnspec(PdEvent.Syscall c, int flags) {
        if ((flags & SocketConstants.MSG_FASTOPEN) == 0) {
            throw new PdRunner.Unsupported(c.line(), "sendto with an AF_UNSPEC address");
        }
        return -Errno.EOPNOTSUPP;
    }

    long sendWithFlags(PdEvent.Syscall c, int fd, int length, int flags, boolean withBuffer, long endUs) {
        int allowed = SocketConstants.MSG_NOSIGNAL | SocketConstants.MSG_MORE | SocketConstants.MSG_EOR
                | SocketConstants.MSG_DONTWAIT | SocketConstants.MSG_FASTOPEN;
        if ((flags & ~allowed) != 0) {
            throw new PdRunner.Unsupported(c.line(), c.name() + " flags " + Integer.toHexString(flags)
                    + " (MSG_ZEROCOPY, MSG_OOB are not in the engine's API)");
        }
        if ((flags & SocketConstants.MSG_FASTOPEN) != 0) {
            return fastOpen(c, fd, length, flags, withBuffer, endUs);
        }
        return write(c, fd, length, flags, withBuffer, endUs);
    }

    /**
     * sendto/sendmsg with MSG_FASTOPEN: connect and send in one call. Non-blocking: the engine's answer as
     * it is. Blocking (as tcp_sendmsg_fastopen() then tcp_sendmsg_locked()): wait for the handshake, then
     * write what the SYN did not carry.
     */
    private long fastOpen(PdEvent.Syscall c, int fd, int length, int flags, boolean withBuffer, long endUs) {
        lastFd = fd;
        byte[] buf = withBuffer ? new byte[Math.max(length, 0)] : null;
        boolean nb = api.nonBlocking(fd) || (flags & SocketConstants.MSG_DONTWAIT) != 0;
        if (api.state(fd) == TcpState.CLOSE) {
            r.connecting();
        }
        long first = api.sendFastOpen(fd, buf, 0, length, flags & SocketConstants.MSG_DONTWAIT, PdRunner.REMOTE_IP,
                PdRunner.SERVER_PORT, r.nowNs());
        if (nb || (first < 0 && first != -Errno.EINPROGRESS) || first == length && api.state(fd) != TcpState.SYN_SENT) {
            return first;
        }
        int[] done = {(int) Math.max(first, 0)};
        return blocking(c, endUs, false, new Attempt() {
            @Override
            public long tryNow() {
                long conn = connectDone(fd);
                if (conn == BLOCKED) {
                    return BLOCKED;
                }
                if (conn < 0 || done[0] == length) {
                    return conn < 0 ? conn : done[0]; // tcp_sendmsg_locked(): a failed connect is the error
                }
                int n = api.send(fd, buf, done[0], length - done[0], 0, r.nowNs());
                if (n >= 0) {
                    done[0] += n;
                }
                return done[0] == length ? length : n < 0 && n != -Errno.EAGAIN ? (done[0] > 0 ? done[0] : n)
                        : BLOCKED;
            }

            @Override
            public long whenNonBlocking() {
                return done[0];
            }
        });
    }

    /** {@code sendmsg(fd, {msg_name(...)=..., msg_iov(n)=[{..., len}, …], msg_flags=0}, flags)}. */
    private long sendmsg(PdEvent.Syscall c, long endUs) {
        String msg = arg(c, 1);
        Matcher m = IOV.matcher(msg);
        int total = 0;
        while (m.find()) {
            if (m.group(1).equals("NULL") && !m.group(2).equals("0")) {
                return -Errno.EFAULT;
            }
            total += Integer.parseInt(m.group(2));
        }
        if (msg.contains("msg_control")) {
            throw new PdRunner.Unsupported(c.line(), "sendmsg with control messages");
        }
        return sendWithFlags(c, fd(c, 0), total, (int) sym(c, arg(c, 2)), true, endUs);
    }

    private static int iovTotal(PdEvent.Syscall c, String iov) {
        Matcher m = IOV.matcher(iov);
        int total = 0;
        while (m.find()) {
            total += Integer.parseInt(m.group(2));
        }
        return total;
    }

    /**
     * {@code recvmsg(fd, {msg_iov(n)=[{..., len}, …], msg_control=[{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ,
     * cmsg_data=N}]}, 0)}: a read of the iovecs' total, then the TCP_INQ hint compared with N.
     */
    private long recvmsg(PdEvent.Syscall c, long endUs) {
        String msg = arg(c, 1);
        int total = iovTotal(c, msg);
        int wantInq = -1;
        if (msg.contains("msg_control")) {
            Matcher cm = CMSG.matcher(msg);
            if (!cm.find() || !cm.group(2).equals("TCP_CM_INQ")) {
                throw new PdRunner.Unsupported(c.line(), "recvmsg control message other than TCP_CM_INQ");
            }
            wantInq = Integer.parseInt(cm.group(3));
        }
        int flags = (int) sym(c, arg(c, 2));
        int fd = fd(c, 0);
        PdEvent.Syscall asRead = new PdEvent.Syscall(c.line(), c.when(), "recv",
                List.of(arg(c, 0), "...", Integer.toString(total), "0"), c.expected(), c.errno());
        long n = read(asRead, fd, total, flags, endUs);
        if (wantInq < 0) {
            return n;
        }
        if (n == BLOCKED) {
            throw new PdRunner.Unsupported(c.line(), "recvmsg with a control message that blocks");
        }
        int got = api.inq(fd);
        if (n >= 0 && got != wantInq) {
            throw new PdRunner.Fail(c.line(), "recvmsg: TCP_CM_INQ " + got + ", expected " + wantInq);
        }
        return n;
    }

    /**
     * Starts a call that may block. Non-blocking sockets get the would-block result at once.
     *
     * @return the result, or {@link #BLOCKED}
     */
    long blocking(PdEvent.Syscall c, long endUs, boolean nonBlocking, Attempt a) {
        long res = a.tryNow();
        if (res != BLOCKED) {
            return res;
        }
        if (nonBlocking) {
            return a.whenNonBlocking();
        }
        pending = new Pending(c, endUs, a);
        return BLOCKED;
    }

    /** Retries the blocked call after time moved or a segment arrived. */
    void progress() {
        if (pending == null) {
            return;
        }
        Pending p = pending;
        long res = p.attempt().tryNow();
        if (res == BLOCKED) {
            return;
        }
        pending = null;
        if (p.endUs() < 0) {
            throw new PdRunner.Fail(p.call().line(), p.call().name() + " blocked until " + PdRunner.secs(r.nowUs())
                    + " s; the script expects it to return at once");
        }
        if (Math.abs(r.nowUs() - p.endUs()) > r.tolerance(p.endUs())) {
            throw new PdRunner.Fail(p.call().line(), p.call().name() + " returned at " + PdRunner.secs(r.nowUs())
                    + " s; the script expects " + PdRunner.secs(p.endUs()) + " s");
        }
        check(p.call(), res);
    }

    /** @return the pending call's line, or −1 */
    int pendingLine() {
        return pending == null ? -1 : pending.call().line();
    }

    /** The end of the script: a call still blocked must finish by its time. */
    void finish() {
        if (pending != null) {
            Pending p = pending;
            long until = (p.endUs() < 0 ? r.nowUs() : p.endUs()) + r.tolerance(p.endUs());
            r.advanceTo(until);
            if (pending != null) {
                throw new PdRunner.Fail(p.call().line(), p.call().name() + " still blocked at "
                        + PdRunner.secs(r.nowUs()) + " s");
            }
        }
    }

    /** Compares a result with the script's; socket() and accept() results map the script's descriptor. */
    void check(PdEvent.Syscall c, long result) {
        boolean socketCall = c.name().equals("socket") || c.name().startsWith("accept");
        boolean fdCall = socketCall || c.name().startsWith("epoll_create") || c.name().equals("open");
        if (fdCall && result >= 0 && c.expected() >= 0) {
            if (socketCall) {
                fds.put((int) c.expected(), (int) result); // epoll and file descriptors map in their owners
            }
            return;
        }
        String got = result >= 0 ? Long.toString(result) : "-1 " + Errno.name((int) -result);
        String want = c.errno() == null ? Long.toString(c.expected()) : c.expected() + " " + c.errno();
        boolean ok = result >= 0 ? c.errno() == null && result == c.expected()
                : c.expected() == -1 && (c.errno() == null || Errno.name((int) -result).equals(c.errno()));
        if (!ok) {
            throw new PdRunner.Fail(c.line(), c.name() + "(" + String.join(", ", c.args()).replaceAll("\\s+", " ")
                    + ") = " + got + ", expected " + want);
        }
    }
}
