package dev.fastpath.packetdrill;

import static dev.fastpath.api.SocketConstants.SOL_SOCKET;
import static dev.fastpath.api.SocketConstants.SO_ERROR;

import dev.fastpath.api.Errno;
import dev.fastpath.api.SocketApi;
import dev.fastpath.api.SocketConstants;
import dev.fastpath.api.TcpInfo;
import dev.fastpath.tcp.TcpState;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The system calls of a script mapped onto the {@link SocketApi}, with blocking calls emulated: a
 * call on a blocking socket that would block stays pending while virtual time runs and later events
 * happen, and must return when the script's {@code a...b} says (packetdrill runs it on a thread).
 */
final class PdSyscalls {
    private static final Map<String, Integer> CONSTANTS = Map.ofEntries(
            Map.entry("AF_INET", SocketConstants.AF_INET),
            Map.entry("PF_INET", SocketConstants.AF_INET),
            Map.entry("SOCK_STREAM", SocketConstants.SOCK_STREAM),
            Map.entry("SOCK_NONBLOCK", SocketConstants.SOCK_NONBLOCK),
            Map.entry("IPPROTO_TCP", SocketConstants.IPPROTO_TCP),
            Map.entry("IPPROTO_IP", SocketConstants.IPPROTO_IP),
            Map.entry("SOL_SOCKET", SOL_SOCKET),
            Map.entry("SOL_TCP", SocketConstants.IPPROTO_TCP),
            Map.entry("SO_REUSEADDR", SocketConstants.SO_REUSEADDR),
            Map.entry("SO_REUSEPORT", SocketConstants.SO_REUSEPORT),
            Map.entry("SO_ERROR", SO_ERROR),
            Map.entry("SO_SNDBUF", SocketConstants.SO_SNDBUF),
            Map.entry("SO_RCVBUF", SocketConstants.SO_RCVBUF),
            Map.entry("SO_KEEPALIVE", SocketConstants.SO_KEEPALIVE),
            Map.entry("SO_LINGER", SocketConstants.SO_LINGER),
            Map.entry("SO_RCVLOWAT", SocketConstants.SO_RCVLOWAT),
            Map.entry("SO_TYPE", SocketConstants.SO_TYPE),
            Map.entry("TCP_NODELAY", SocketConstants.TCP_NODELAY),
            Map.entry("TCP_MAXSEG", SocketConstants.TCP_MAXSEG),
            Map.entry("TCP_CORK", SocketConstants.TCP_CORK),
            Map.entry("TCP_KEEPIDLE", SocketConstants.TCP_KEEPIDLE),
            Map.entry("TCP_KEEPINTVL", SocketConstants.TCP_KEEPINTVL),
            Map.entry("TCP_KEEPCNT", SocketConstants.TCP_KEEPCNT),
            Map.entry("TCP_SYNCNT", SocketConstants.TCP_SYNCNT),
            Map.entry("TCP_LINGER2", SocketConstants.TCP_LINGER2),
            Map.entry("TCP_QUICKACK", SocketConstants.TCP_QUICKACK),
            Map.entry("TCP_USER_TIMEOUT", SocketConstants.TCP_USER_TIMEOUT),
            Map.entry("TCP_FASTOPEN_CONNECT", SocketConstants.TCP_FASTOPEN_CONNECT),
            Map.entry("MSG_FASTOPEN", SocketConstants.MSG_FASTOPEN),
            Map.entry("MSG_MORE", SocketConstants.MSG_MORE),
            Map.entry("MSG_EOR", SocketConstants.MSG_EOR),
            Map.entry("TCP_INQ", SocketConstants.TCP_INQ),
            Map.entry("SHUT_RD", SocketConstants.SHUT_RD),
            Map.entry("SHUT_WR", SocketConstants.SHUT_WR),
            Map.entry("SHUT_RDWR", SocketConstants.SHUT_RDWR),
            Map.entry("F_GETFL", SocketConstants.F_GETFL),
            Map.entry("F_SETFL", SocketConstants.F_SETFL),
            Map.entry("O_RDWR", SocketConstants.O_RDWR),
            Map.entry("O_NONBLOCK", SocketConstants.O_NONBLOCK),
            Map.entry("SIOCINQ", SocketConstants.SIOCINQ),
            Map.entry("FIONREAD", SocketConstants.SIOCINQ),
            Map.entry("SIOCOUTQ", SocketConstants.SIOCOUTQ),
            Map.entry("SIOCOUTQNSD", SocketConstants.SIOCOUTQNSD),
            Map.entry("MSG_NOSIGNAL", 0x4000),
            Map.entry("MSG_DONTWAIT", 0x40));
    private static final Pattern LINGER = Pattern.compile(
            "\\{\\s*onoff\\s*=\\s*(\\d+)\\s*,\\s*linger\\s*=\\s*(\\d+)\\s*}");
    private static final Pattern ASSERT = Pattern.compile(
            "assert\\s+(tcpi_[a-z_]+)\\s*==\\s*(-?\\d+|TCP_CA_[A-Za-z]+)\\s*(,.*)?");
    private static final Map<String, Integer> CA_STATES = Map.of("TCP_CA_Open", 0, "TCP_CA_Disorder", 1,
            "TCP_CA_CWR", 2, "TCP_CA_Recovery", 3, "TCP_CA_Loss", 4);

    private enum Kind { ACCEPT, CONNECT, READ, WRITE }

    /** A blocked call: what it waits for and the script line that made it. */
    private record Pending(PdEvent.Syscall call, Kind kind, int fd, int length, int done, long endUs) {
    }

    private final PdRunner r;
    private final SocketApi api;
    private Pending pending;
    /** Flags of the write in progress (MSG_MORE matters to the engine). */
    private int sendFlags;
    /** Script fd → live fd, learned from socket() and accept() results. */
    private final java.util.HashMap<Integer, Integer> fds = new java.util.HashMap<>();
    private int lastFd = -1;

    PdSyscalls(PdRunner runner) {
        this.r = runner;
        this.api = runner.api;
    }

    private static PdRunner.Unsupported unsupported(PdEvent.Syscall c, String what) {
        return new PdRunner.Unsupported(c.line(), what);
    }

    private static int constant(PdEvent.Syscall c, String expr) {
        int v = 0;
        for (String part : expr.split("\\|")) {
            String p = part.strip();
            if (p.matches("-?\\d+")) {
                v |= Integer.parseInt(p);
            } else if (CONSTANTS.containsKey(p)) {
                v |= CONSTANTS.get(p);
            } else {
                throw unsupported(c, c.name() + " with " + p);
            }
        }
        return v;
    }

    /** {@code [42]} → 42. */
    private static int bracket(PdEvent.Syscall c, String arg) {
        String s = arg.strip();
        if (!s.startsWith("[") || !s.endsWith("]")) {
            throw unsupported(c, c.name() + " argument " + arg);
        }
        String inner = s.substring(1, s.length() - 1).strip();
        int errno = Errno.byName(inner);
        return errno > 0 ? errno : constant(c, inner);
    }

    /** The live descriptor behind a script's fd (packetdrill maps script fds to real ones). */
    private int fd(PdEvent.Syscall c) {
        try {
            int scriptFd = Integer.parseInt(c.args().getFirst());
            return fds.getOrDefault(scriptFd, scriptFd);
        } catch (RuntimeException e) {
            throw unsupported(c, c.name() + " on fd " + (c.args().isEmpty() ? "?" : c.args().getFirst()));
        }
    }

    private static String arg(PdEvent.Syscall c, int i) {
        if (i >= c.args().size()) {
            throw unsupported(c, c.name() + " with " + c.args().size() + " arguments");
        }
        return c.args().get(i);
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
            throw new PdRunner.Fail(c.line(), c.name() + " while line " + pending.call().line()
                    + " is still blocked");
        }
        long result = switch (c.name()) {
            case "socket" -> api.socket(c.args().getFirst().equals("...") ? SocketConstants.AF_INET
                    : constant(c, arg(c, 0)), constant(c, arg(c, 1)), constant(c, arg(c, 2)));
            case "bind" -> api.bind(fd(c), PdRunner.LOCAL_IP, PdRunner.SERVER_PORT);
            case "listen" -> api.listen(fd(c), Integer.parseInt(arg(c, 1)));
            case "accept", "accept4" -> startBlocking(c, Kind.ACCEPT, 0, endUs);
            case "connect" -> startBlocking(c, Kind.CONNECT, 0, endUs);
            case "read", "recv", "recvfrom" -> startBlocking(c, Kind.READ, ioLength(c), endUs);
            case "write", "send", "sendto" -> startBlocking(c, Kind.WRITE, ioLength(c), endUs);
            case "sendmsg" -> sendmsg(c, endUs);
            case "recvmsg" -> recvmsg(c, endUs);
            case "close" -> api.close(fd(c), r.nowNs());
            case "shutdown" -> api.shutdown(fd(c), constant(c, arg(c, 1)), r.nowNs());
            case "setsockopt" -> setsockopt(c);
            case "getsockopt" -> getsockopt(c);
            case "fcntl" -> api.fcntl(fd(c), constant(c, arg(c, 1)), c.args().size() > 2 ? constant(c, arg(c, 2)) : 0);
            case "ioctl" -> ioctl(c);
            default -> throw unsupported(c, "system call " + c.name());
        };
        if (result == Long.MIN_VALUE) {
            return; // blocked; progress() finishes it
        }
        if (endUs >= 0 && Math.abs(r.nowUs() - endUs) > r.toleranceUs) {
            throw new PdRunner.Fail(c.line(), c.name() + " returned at once (" + PdRunner.secs(r.nowUs())
                    + " s); the script expects it to block until " + PdRunner.secs(endUs) + " s");
        }
        check(c, result);
    }

    private static final Pattern IOV = Pattern.compile("\\{\\s*([^,{}]+?)\\s*,\\s*(\\d+)\\s*}");

    /**
     * {@code sendmsg(fd, {msg_name(...)=..., msg_iov(n)=[{..., len}, …], msg_flags=0}, flags)}: the
     * iovecs are gathered (zero-length ones skipped) and sent as one write with the flags.
     */
    private long sendmsg(PdEvent.Syscall c, long endUs) {
        Matcher m = IOV.matcher(arg(c, 1));
        int total = 0;
        while (m.find()) {
            if (m.group(1).equals("NULL") && !m.group(2).equals("0")) {
                return -Errno.EFAULT;
            }
            total += Integer.parseInt(m.group(2));
        }
        PdEvent.Syscall asSend = new PdEvent.Syscall(c.line(), c.when(), "send",
                List.of(arg(c, 0), "...", Integer.toString(total), arg(c, 2)), c.expected(), c.errno());
        return startBlocking(asSend, Kind.WRITE, total, endUs);
    }

    private static final Pattern CMSG = Pattern.compile(
            "cmsg_level=(\\w+),\\s*cmsg_type=(\\w+),\\s*cmsg_data=(\\d+)");

    /**
     * {@code recvmsg(fd, {msg_iov(n)=[{..., len}, …], msg_control=[{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ,
     * cmsg_data=N}]}, 0)}: a read of the iovecs' total, then the TCP_INQ hint compared with N. Other control
     * messages, flags, or a read that would block with a control message expected, are unsupported.
     */
    private long recvmsg(PdEvent.Syscall c, long endUs) {
        String msg = arg(c, 1);
        Matcher m = IOV.matcher(msg);
        int total = 0;
        while (m.find()) {
            total += Integer.parseInt(m.group(2));
        }
        int wantInq = -1;
        if (msg.contains("msg_control")) {
            Matcher cm = CMSG.matcher(msg);
            if (!cm.find() || !cm.group(2).equals("TCP_CM_INQ")) {
                throw unsupported(c, "recvmsg control message other than TCP_CM_INQ");
            }
            wantInq = Integer.parseInt(cm.group(3));
        }
        if (!arg(c, 2).strip().equals("0")) {
            throw unsupported(c, "recvmsg flags " + arg(c, 2));
        }
        PdEvent.Syscall asRead = new PdEvent.Syscall(c.line(), c.when(), "recv",
                List.of(arg(c, 0), "...", Integer.toString(total), "0"), c.expected(), c.errno());
        long n = startBlocking(asRead, Kind.READ, total, endUs);
        if (wantInq < 0) {
            return n;
        }
        if (n == Long.MIN_VALUE) {
            throw unsupported(c, "recvmsg with a control message that blocks");
        }
        int got = api.inq(fd(c));
        if (n >= 0 && got != wantInq) {
            throw new PdRunner.Fail(c.line(), "recvmsg: TCP_CM_INQ " + got + ", expected " + wantInq);
        }
        return n;
    }

    private int ioLength(PdEvent.Syscall c) {
        return Integer.parseInt(arg(c, 2).strip());
    }

    private long startBlocking(PdEvent.Syscall c, Kind kind, int length, long endUs) {
        int fd = fd(c);
        if ((kind == Kind.READ || kind == Kind.WRITE) && c.args().size() > 3 && !c.name().equals("read")
                && !c.name().equals("write")) {
            int flags = constant(c, arg(c, 3));
            if (kind == Kind.WRITE && c.name().equals("sendto") && flags == SocketConstants.MSG_FASTOPEN) {
                byte[] buf = arg(c, 1).equals("NULL") ? null : new byte[length];
                return api.sendFastOpen(fd, buf, 0, length, PdRunner.REMOTE_IP, PdRunner.SERVER_PORT, r.nowNs());
            }
            if ((flags & ~(SocketConstants.MSG_NOSIGNAL | SocketConstants.MSG_MORE | SocketConstants.MSG_EOR)) != 0) {
                throw unsupported(c, c.name() + " flags " + arg(c, 3));
            }
            sendFlags = flags;
        } else {
            sendFlags = 0;
        }
        lastFd = kind == Kind.ACCEPT ? lastFd : fd;
        pending = new Pending(c, kind, fd, length, 0, endUs);
        long res = attempt(pending); // may replace pending with its progress
        if (res != Long.MIN_VALUE) {
            pending = null;
            return res;
        }
        if (api.nonBlocking(fd)) {
            Pending p = pending;
            pending = null;
            return blockedResult(p);
        }
        return Long.MIN_VALUE;
    }

    /** A non-blocking socket returns what would block at once: EAGAIN, EINPROGRESS or a partial write. */
    private long blockedResult(Pending p) {
        return switch (p.kind()) {
            case CONNECT -> -Errno.EINPROGRESS;
            case WRITE -> p.done() > 0 ? p.done() : -Errno.EAGAIN;
            default -> -Errno.EAGAIN;
        };
    }

    /** @return the call's result, or Long.MIN_VALUE while it would still block */
    private long attempt(Pending p) {
        byte[] buf = arg(p.call(), 1).equals("NULL") ? null : new byte[Math.max(p.length(), 0)];
        switch (p.kind()) {
            case ACCEPT -> {
                int n = api.accept(p.fd());
                if (n >= 0) {
                    lastFd = n;
                }
                return n == -Errno.EAGAIN ? Long.MIN_VALUE : n;
            }
            case CONNECT -> {
                if (p.done() == 0) {
                    int n = api.connect(p.fd(), PdRunner.REMOTE_IP, PdRunner.SERVER_PORT, r.nowNs());
                    if (n != -Errno.EINPROGRESS) {
                        return n;
                    }
                    pending = new Pending(p.call(), p.kind(), p.fd(), 0, 1, p.endUs());
                    return Long.MIN_VALUE;
                }
                if (api.state(p.fd()) == TcpState.SYN_SENT) {
                    return Long.MIN_VALUE;
                }
                int err = api.getsockopt(p.fd(), SOL_SOCKET, SO_ERROR);
                return err > 0 ? -err : 0;
            }
            case READ -> {
                int n = api.read(p.fd(), buf, 0, p.length(), r.nowNs());
                return n == -Errno.EAGAIN ? Long.MIN_VALUE : n;
            }
            default -> {
                int n = buf == null ? api.write(p.fd(), null, 0, p.length() - p.done(), r.nowNs())
                        : api.send(p.fd(), buf, 0, p.length() - p.done(), sendFlags, r.nowNs());
                if (n >= 0 && p.done() + n == p.length()) {
                    return p.length();
                }
                if (n < 0 && n != -Errno.EAGAIN) {
                    return p.done() > 0 ? p.done() : n;
                }
                pending = new Pending(p.call(), p.kind(), p.fd(), p.length(), p.done() + Math.max(n, 0), p.endUs());
                return Long.MIN_VALUE;
            }
        }
    }

    /** Retries the blocked call after time moved or a segment arrived. */
    void progress() {
        if (pending == null) {
            return;
        }
        Pending p = pending;
        long res = attempt(p);
        if (res == Long.MIN_VALUE) {
            return;
        }
        pending = null;
        if (p.endUs() < 0) {
            throw new PdRunner.Fail(p.call().line(), p.call().name() + " blocked until " + PdRunner.secs(r.nowUs())
                    + " s; the script expects it to return at once");
        }
        if (Math.abs(r.nowUs() - p.endUs()) > r.toleranceUs) {
            throw new PdRunner.Fail(p.call().line(), p.call().name() + " returned at " + PdRunner.secs(r.nowUs())
                    + " s; the script expects " + PdRunner.secs(p.endUs()) + " s");
        }
        check(p.call(), res);
    }

    /** The end of the script: a call still blocked must finish by its time. */
    void finish() {
        if (pending != null) {
            Pending p = pending;
            long until = (p.endUs() < 0 ? r.nowUs() : p.endUs()) + r.toleranceUs;
            r.advanceTo(until);
            if (pending != null) {
                throw new PdRunner.Fail(p.call().line(), p.call().name() + " still blocked at "
                        + PdRunner.secs(r.nowUs()) + " s");
            }
        }
    }

    private void check(PdEvent.Syscall c, long result) {
        if ((c.name().equals("socket") || c.name().startsWith("accept")) && result >= 0 && c.expected() >= 0) {
            fds.put((int) c.expected(), (int) result);
            return;
        }
        String got = result >= 0 ? Long.toString(result) : "-1 " + Errno.name((int) -result);
        String want = c.errno() == null ? Long.toString(c.expected()) : c.expected() + " " + c.errno();
        boolean ok = result >= 0 ? c.errno() == null && result == c.expected()
                : c.expected() == -1 && (c.errno() == null || Errno.name((int) -result).equals(c.errno()));
        if (!ok) {
            throw new PdRunner.Fail(c.line(), c.name() + "(" + String.join(", ", c.args()) + ") = " + got
                    + ", expected " + want);
        }
    }

    private long setsockopt(PdEvent.Syscall c) {
        int fd = fd(c);
        int level = constant(c, arg(c, 1));
        String name = arg(c, 2);
        String value = arg(c, 3);
        if (name.equals("SO_LINGER")) {
            Matcher m = LINGER.matcher(value);
            if (!m.matches()) {
                throw unsupported(c, "SO_LINGER value " + value);
            }
            return api.setLinger(fd, !m.group(1).equals("0"), Integer.parseInt(m.group(2)));
        }
        int n = api.setsockopt(fd, level, constant(c, name), bracket(c, value), r.nowNs());
        if (n == -Errno.ENOPROTOOPT) {
            throw unsupported(c, "setsockopt " + name);
        }
        return n;
    }

    private long getsockopt(PdEvent.Syscall c) {
        int fd = fd(c);
        String name = arg(c, 2);
        if (name.equals("SO_LINGER") || name.equals("TCP_INFO")) {
            throw unsupported(c, "getsockopt " + name);
        }
        int v = api.getsockopt(fd, constant(c, arg(c, 1)), constant(c, name));
        if (v == -Errno.ENOPROTOOPT) {
            throw unsupported(c, "getsockopt " + name);
        }
        if (v < 0 && v != -Errno.ENOPROTOOPT && !name.equals("SO_ERROR")) {
            return v;
        }
        int want = bracket(c, arg(c, 3));
        if (v != want) {
            throw new PdRunner.Fail(c.line(), "getsockopt " + name + " gave [" + v + "], expected [" + want + "]");
        }
        return 0;
    }

    private long ioctl(PdEvent.Syscall c) {
        int v = api.ioctl(fd(c), constant(c, arg(c, 1)));
        if (v < 0) {
            return v;
        }
        int want = bracket(c, arg(c, 2));
        if (v != want) {
            throw new PdRunner.Fail(c.line(), "ioctl " + arg(c, 1) + " gave [" + v + "], expected [" + want
                    + "]");
        }
        return 0;
    }

    /** {@code %{ assert tcpi_x == n }%}: TCP_INFO of the last connection a call used. */
    void python(PdEvent.Python py) {
        for (String stmt : py.code().replace("\\\n", " ").split("[;\n]")) {
            String s = stmt.strip();
            if (s.isEmpty()) {
                continue;
            }
            Matcher m = ASSERT.matcher(s);
            if (!m.matches()) {
                throw new PdRunner.Unsupported(py.line(), "python: " + s);
            }
            TcpInfo info = api.tcpInfo(lastFd);
            if (info == null) {
                throw new PdRunner.Fail(py.line(), "no connection for TCP_INFO");
            }
            long got;
            try {
                got = info.get(m.group(1));
            } catch (IllegalArgumentException unknown) {
                throw new PdRunner.Unsupported(py.line(), "TCP_INFO field " + m.group(1));
            }
            long want = CA_STATES.containsKey(m.group(2)) ? CA_STATES.get(m.group(2)) : Long.parseLong(m.group(2));
            if (got != want) {
                throw new PdRunner.Fail(py.line(), m.group(1) + " == " + got + ", expected " + m.group(2));
            }
        }
    }

    /** @return the last descriptor a call used (for tests) */
    int lastFd() {
        return lastFd;
    }

    /** @return the calls this runner maps (for the report) */
    static List<String> supported() {
        return List.of("socket", "bind", "listen", "accept", "connect", "read", "recv", "recvfrom", "write", "send",
                "sendto", "sendmsg", "recvmsg", "close", "shutdown", "setsockopt", "getsockopt", "fcntl", "ioctl");
    }
}
