package dev.fastpath.packetdrill;

import dev.fastpath.uapi.Errno;
import dev.fastpath.nativeio.net_h;
import dev.fastpath.nativeio.tcpsock_h;
import dev.fastpath.nativeio.unistd_h;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A script's system calls executed for real on kernel sockets through FFM, with packetdrill's blocking
 * semantics (run_system_call.c): each call runs on a thread of its own; the script goes on as soon as the
 * call has returned or is asleep in the kernel (its thread's state in {@code /proc/self/task/TID/stat} is
 * S, as packetdrill looks); a blocked call's return time is checked against its {@code a...b} end when it
 * returns, and the next system call waits for it first. Script descriptors map to live ones as packetdrill
 * maps them. Addresses are the tun's ({@link PdTun}): bind() takes the local address and the script's port,
 * connect() and sendto(..., ...) the remote host's port 8080.
 */
final class PdKernelSyscalls {
    private static final Pattern IOV = Pattern.compile("\\{\\s*([^,{}]+?)\\s*,\\s*(\\d+)\\s*}");
    private static final Pattern LINGER = Pattern.compile(
            "\\{\\s*onoff\\s*=\\s*(\\d+)\\s*,\\s*linger\\s*=\\s*(\\d+)\\s*}");
    private static final Pattern POLLFD = Pattern.compile(
            "\\{\\s*fd\\s*=\\s*(\\d+)\\s*,\\s*events\\s*=\\s*([^,}]+?)\\s*(?:,\\s*revents\\s*=\\s*([^,}]+?)\\s*)?}");
    private static final Pattern EPOLL_EVENT = Pattern.compile(
            "\\{\\s*events\\s*=\\s*([^,}]+?)\\s*,\\s*(fd|ptr|u32|u64)\\s*=\\s*([^,}]+?)\\s*}");
    private static final Pattern CMSG = Pattern.compile(
            "cmsg_level=(\\w+),\\s*cmsg_type=(\\w+),\\s*cmsg_data=(\\d+)");
    private static final ValueLayout.OfShort NET_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NET_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** One call on its thread. */
    private static final class Call {
        final PdEvent.Syscall c;
        final long startUs;
        final long endUs;
        volatile int tid;
        volatile boolean inKernel;
        volatile boolean finished;
        volatile long result;
        volatile long atUs;
        volatile RuntimeException error;
        /** Found asleep in the kernel: the call blocked. */
        boolean slept;

        Call(PdEvent.Syscall c, long startUs, long endUs) {
            this.c = c;
            this.startUs = startUs;
            this.endUs = endUs;
        }
    }

    /** Calls that send nothing, run through {@link #call} before the clock starts (see {@link #warmUp}). */
    private static final String WARM_UP = """
            0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
            +0 getsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], [4]) = 0
            +0 fcntl(3, F_GETFL) = 0x2
            +0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
            +0 ioctl(3, FIONREAD, [0]) = 0
            +0 poll([{fd=3, events=POLLIN, revents=POLLHUP}], 1, 0) = 1
            +0 read(3, ..., 10) = -1 ENOTCONN (Transport endpoint is not connected)
            +0 recv(3, ..., 10, 0) = -1 ENOTCONN (Transport endpoint is not connected)
            +0 bind(3, ..., ...) = 0
            +0 listen(3, 1) = 0
            +0 accept(3, ..., ...) = -1 EAGAIN (Resource temporarily unavailable)
            +0 connect(3, ..., ...) = -1 EISCONN (Transport endpoint is already connected)
            +0 write(3, ..., 10) = -1 EPIPE (Broken pipe)
            +0 send(3, ..., 10, 0) = -1 EPIPE (Broken pipe)
            +0 sendto(3, ..., 10, 0, ..., ...) = -1 EPIPE (Broken pipe)
            +0 writev(3, [{..., 10}], 1) = -1 EPIPE (Broken pipe)
            +0 readv(3, [{..., 10}], 1) = -1 ENOTCONN (Transport endpoint is not connected)
            +0 sendmsg(3, {msg_name(...)=..., msg_iov(1)=[{..., 10}], msg_flags=0}, 0) = -1 EPIPE (Broken pipe)
            +0 recvmsg(3, {msg_iov(1)=[{..., 10}], msg_flags=0}, 0) = -1 ENOTCONN (Transport endpoint is not connected)
            +0 epoll_create(1) = 4
            +0 epoll_ctl(4, EPOLL_CTL_ADD, 3, {events=EPOLLIN, fd=3}) = 0
            +0 epoll_wait(4, {events=EPOLLIN, fd=3}, 1, 0) = 0
            +0 shutdown(3, SHUT_RDWR) = 0
            +0 close(4) = 0
            +0 close(3) = 0
            """;


    /** Call threads, reused: a blocked call keeps its thread, the next call takes another. */
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon()
            .name("pd-syscall").unstarted(() -> {
                PdKernel.realtime(); // a call's return time is judged: its thread must run when the call returns
                r.run();
            }));
    /** While the warm-up runs: bind() takes an ephemeral port, leaving the script's port free. */
    private boolean warming;
    private final PdKernelRunner r;
    private final Map<Integer, Integer> fds = new HashMap<>();
    private Call pending;
    private int lastFd = -1;

    PdKernelSyscalls(PdKernelRunner r) {
        this.r = r;
    }

    /**
     * Runs each native call once on a throw-away socket, on call threads, before the script's clock starts:
     * a cold JVM links a downcall in tens of milliseconds, which the first timed call would otherwise pay.
     * Nothing is connected and no packet is sent (no kernel counter moves).
     */
    void warmUp() {
        warming = true;
        for (int round = 0; round < 2; round++) {
            try {
                for (PdEvent ev : PdParser.parse("warm-up", WARM_UP).events()) {
                    if (ev instanceof PdEvent.Syscall c) {
                        try {
                            call(c, r.nowUs(), -1);
                        } catch (RuntimeException e) {
                            // only warming up: results are not judged (an unknown descriptor fails, never leaks)
                        }
                    }
                }
            } catch (PdException e) {
                throw new IllegalStateException("warm-up script: " + e.getMessage(), e);
            }
            fds.clear();
            pending = null;
            lastFd = -1;
        }
        warming = false;
        for (int round = 0; round < 3; round++) {
            try {
                pool.submit(PdKernelSyscalls::touchAll).get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("warm-up: " + e, e);
            }
            asleep(new Call(null, 0, 0));
        }
    }

    private static void touchAll() {
        try (Arena a = Arena.ofConfined()) {
            tcpsock_h.gettid();
            int fd = net_h.socket(2, 1 | 0x800, 6); // AF_INET, SOCK_STREAM | SOCK_NONBLOCK, TCP
            if (fd < 0) {
                return;
            }
            MemorySegment buf = a.allocate(256);
            MemorySegment lenp = a.allocateFrom(ValueLayout.JAVA_INT, 4);
            net_h.setsockopt(fd, 1, 2, 1); // SO_REUSEADDR
            net_h.setsockopt(fd, 1, 2, buf, 4);
            net_h.getsockopt(fd, 6, 1, buf, lenp); // TCP_NODELAY
            tcpsock_h.fcntl(fd, 3, 0); // F_GETFL
            unistd_h.ioctl(fd, 0x541B, buf); // FIONREAD: EINVAL on a socket not connected
            net_h.recvfrom(fd, buf, 1, 0x40, MemorySegment.NULL, MemorySegment.NULL); // MSG_DONTWAIT: ENOTCONN
            net_h.sendto(fd, buf, 1, 0x4040, MemorySegment.NULL, 0); // MSG_DONTWAIT | MSG_NOSIGNAL: EPIPE
            MemorySegment h = a.allocate(tcpsock_h.MSGHDR_SIZE);
            tcpsock_h.sendmsg(fd, h, 0x4040);
            tcpsock_h.recvmsg(fd, h, 0x40);
            tcpsock_h.writev(fd, buf, 0);
            tcpsock_h.readv(fd, buf, 0);
            tcpsock_h.shutdown(fd, 2);
            net_h.bind(fd, sockaddr(a, 0x7F000001, 0), tcpsock_h.SOCKADDR_IN_SIZE);
            tcpsock_h.listen(fd, 1);
            tcpsock_h.accept4(fd, MemorySegment.NULL, MemorySegment.NULL, 0x800); // EAGAIN
            tcpsock_h.connect(-1, sockaddr(a, 0x7F000001, 9), tcpsock_h.SOCKADDR_IN_SIZE); // EBADF
            MemorySegment p = a.allocate(8);
            p.set(ValueLayout.JAVA_INT, 0, fd);
            p.set(ValueLayout.JAVA_SHORT, 4, net_h.POLLIN);
            net_h.poll(p, 1, 0);
            int ep = tcpsock_h.epoll_create1(0);
            MemorySegment e = a.allocate(tcpsock_h.EPOLL_EVENT_SIZE);
            tcpsock_h.epoll_ctl(ep, 1, fd, e);
            tcpsock_h.epoll_wait(ep, e, 1, 0);
            unistd_h.close(ep);
            unistd_h.close(fd);
        }
    }

    /**
     * {@code struct tcp_info} of Linux 6.18 (uapi linux/tcp.h) as name:offset:size; the bit fields of bytes
     * 6 and 7 are decoded apart. What packetdrill's code.c hands to Python as {@code tcpi_*}.
     */
    private static final String TCP_INFO_LAYOUT = ""
            + " state:0:1 ca_state:1:1 retransmits:2:1 probes:3:1 backoff:4:1 options:5:1 rto:8:4 ato:12:4"
            + " snd_mss:16:4 rcv_mss:20:4 unacked:24:4 sacked:28:4 lost:32:4 retrans:36:4 fackets:40:4"
            + " last_data_sent:44:4 last_ack_sent:48:4 last_data_recv:52:4 last_ack_recv:56:4 pmtu:60:4"
            + " rcv_ssthresh:64:4 rtt:68:4 rttvar:72:4 snd_ssthresh:76:4 snd_cwnd:80:4 advmss:84:4"
            + " reordering:88:4 rcv_rtt:92:4 rcv_space:96:4 total_retrans:100:4 pacing_rate:104:8"
            + " max_pacing_rate:112:8 bytes_acked:120:8 bytes_received:128:8 segs_out:136:4 segs_in:140:4"
            + " notsent_bytes:144:4 min_rtt:148:4 data_segs_in:152:4 data_segs_out:156:4"
            + " delivery_rate:160:8 busy_time:168:8 rwnd_limited:176:8 sndbuf_limited:184:8"
            + " delivered:192:4 delivered_ce:196:4 bytes_sent:200:8 bytes_retrans:208:8 dsack_dups:216:4"
            + " reord_seen:220:4 rcv_ooopack:224:4 snd_wnd:228:4 rcv_wnd:232:4 rehash:236:4"
            + " total_rto:240:2 total_rto_recoveries:242:2 total_rto_time:244:4 received_ce:248:4"
            + " delivered_e1_bytes:252:4 delivered_e0_bytes:256:4 delivered_ce_bytes:260:4"
            + " received_e1_bytes:264:4 received_e0_bytes:268:4 received_ce_bytes:272:4";

    /**
     * TCP_INFO of a kernel socket as packetdrill's {@code %{ }%} blocks see it.
     *
     * @param fd a live socket
     * @return {@code tcpi_*} values (unsigned), empty when the call fails
     */
    static Map<String, Long> tcpInfo(int fd) {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(512);
            MemorySegment lenp = a.allocateFrom(ValueLayout.JAVA_INT, 512);
            if (net_h.getsockopt(fd, 6, 11, m, lenp) < 0) { // SOL_TCP, TCP_INFO
                return out;
            }
            int len = lenp.get(ValueLayout.JAVA_INT, 0);
            for (String f : TCP_INFO_LAYOUT.strip().split(" ")) {
                String[] p = f.split(":");
                int off = Integer.parseInt(p[1]);
                int size = Integer.parseInt(p[2]);
                if (off + size > len) {
                    continue;
                }
                long v = switch (size) {
                    case 1 -> m.get(ValueLayout.JAVA_BYTE, off) & 0xFFL;
                    case 2 -> m.get(ValueLayout.JAVA_SHORT_UNALIGNED, off) & 0xFFFFL;
                    case 4 -> m.get(ValueLayout.JAVA_INT_UNALIGNED, off) & 0xFFFFFFFFL;
                    default -> m.get(ValueLayout.JAVA_LONG_UNALIGNED, off);
                };
                out.put("tcpi_" + p[0], v);
            }
            int w = m.get(ValueLayout.JAVA_BYTE, 6) & 0xFF;
            int b7 = m.get(ValueLayout.JAVA_BYTE, 7) & 0xFF;
            out.put("tcpi_snd_wscale", (long) (w & 0xF));
            out.put("tcpi_rcv_wscale", (long) (w >>> 4));
            out.put("tcpi_delivery_rate_app_limited", (long) (b7 & 1));
            out.put("tcpi_fastopen_client_fail", (long) ((b7 >>> 1) & 3));
        }
        return out;
    }

    /**
     * SO_RCVBUF and SO_SNDBUF as the {@code SK_MEMINFO_*} values the engine backend also gives Python.
     *
     * @param fd a live socket
     * @return the values the calls gave
     */
    static Map<String, Long> memInfo(int fd) {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(8);
            MemorySegment lenp = a.allocateFrom(ValueLayout.JAVA_INT, 4);
            if (net_h.getsockopt(fd, 1, 8, m, lenp) == 0) { // SOL_SOCKET, SO_RCVBUF
                out.put("SK_MEMINFO_RCVBUF", (long) m.get(ValueLayout.JAVA_INT, 0));
            }
            lenp.set(ValueLayout.JAVA_INT, 0, 4);
            if (net_h.getsockopt(fd, 1, 7, m, lenp) == 0) { // SO_SNDBUF
                out.put("SK_MEMINFO_SNDBUF", (long) m.get(ValueLayout.JAVA_INT, 0));
            }
        }
        return out;
    }

    /** @return the live socket descriptor most recently created, accepted or used */
    int lastFd() {
        return lastFd;
    }

    private static String arg(PdEvent.Syscall c, int i) {
        if (i >= c.args().size()) {
            throw new PdRunner.Fail(c.line(), c.name() + " needs argument " + (i + 1) + ": " + c.args());
        }
        return c.args().get(i).strip();
    }

    private static long sym(PdEvent.Syscall c, String expr) {
        return PdSymbols.eval(c.line(), expr.strip());
    }

    private static long bracket(PdEvent.Syscall c, String a) {
        String s = a.strip();
        if (!s.startsWith("[") || !s.endsWith("]")) {
            throw new PdRunner.Unsupported(c.line(), c.name() + " argument `" + a + "` (the kernel backend takes [N])");
        }
        return sym(c, s.substring(1, s.length() - 1));
    }

    private int fd(PdEvent.Syscall c, int i) {
        String a = arg(c, i);
        if (!a.matches("-?\\d+")) {
            throw new PdRunner.Fail(c.line(), c.name() + ": expected a descriptor, found `" + a + "`");
        }
        return live(c, Integer.parseInt(a));
    }

    /** The live descriptor of a script one; as packetdrill's to_live_fd(), an unknown one fails the script. */
    private int live(PdEvent.Syscall c, int scriptFd) {
        Integer fd = fds.get(scriptFd);
        if (fd == null) {
            throw new PdRunner.Fail(c.line(), c.name() + ": no descriptor with script fd " + scriptFd);
        }
        return fd;
    }

    /**
     * Runs a call at its time: returns once the call returned or sleeps in the kernel.
     *
     * @param c     the call
     * @param t     its start time (script microseconds)
     * @param endUs the end of its {@code ...} range, or −1
     * @return when it returned, or when it was found asleep in the kernel
     */
    long call(PdEvent.Syscall c, long t, long endUs) {
        waitPending();
        ToLongFunction<Arena> body = prepare(c);
        Call k = new Call(c, t, endUs);
        pool.execute(() -> {
            k.tid = tcpsock_h.gettid();
            try (Arena a = Arena.ofConfined()) {
                k.inKernel = true;
                k.result = body.applyAsLong(a);
            } catch (RuntimeException e) {
                k.error = e;
            }
            k.atUs = r.nowUs();
            k.finished = true;
        });
        while (!k.finished && !asleep(k)) {
            LockSupport.parkNanos(50_000);
        }
        if (k.finished) {
            verify(k);
            return k.atUs;
        }
        k.slept = true;
        pending = k;
        return r.nowUs();
    }

    private static boolean asleep(Call k) {
        if (k.c == null) { // warm-up: read a task state file once
            try {
                Files.readString(Path.of("/proc/thread-self/stat"));
            } catch (IOException e) {
                // only warming up
            }
            return false;
        }
        if (!k.inKernel || k.tid == 0) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/self/task/" + k.tid + "/stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'S' && !k.finished;
        } catch (IOException e) {
            return false;
        }
    }

    /** A blocked call that has returned meanwhile is checked now. */
    void reap() {
        Call k = pending;
        if (k != null && k.finished) {
            pending = null;
            verify(k);
        }
    }

    private void waitPending() {
        Call k = pending;
        if (k == null) {
            return;
        }
        long until = (k.endUs < 0 ? r.nowUs() : k.endUs) + r.tolerance(k.endUs) + 1_000_000;
        while (!k.finished && r.nowUs() < until) {
            r.pump(1000);
        }
        if (!k.finished) {
            throw new PdRunner.Fail(k.c.line(), k.c.name() + " still blocked at " + PdRunner.secs(r.nowUs()) + " s"
                    + (k.endUs < 0 ? "; the script expects it to return at once"
                    : "; the script expects it to return at " + PdRunner.secs(k.endUs) + " s"));
        }
        reap();
    }

    /** The end of the script: a call still blocked must finish by its time. */
    void finish() {
        waitPending();
    }

    /**
     * The result as packetdrill's end_syscall() checks it, then the time: a call the script marks blocking
     * ({@code a...b}) must return at its end time; a call without one is not timed (packetdrill runs it in
     * line and times only event starts), unless it slept in the kernel, which such a call must not do.
     */
    private void verify(Call k) {
        if (k.error != null) {
            throw k.error;
        }
        check(k.c, k.result);
        boolean timed = k.endUs >= 0 || k.slept;
        long want = k.endUs >= 0 ? k.endUs : k.startUs;
        long tol = r.tolerance(want);
        if (timed && Math.abs(k.atUs - want) > tol) {
            throw new PdRunner.Fail(k.c.line(), k.c.name() + " returned " + render(k.result) + " at "
                    + PdRunner.secs(k.atUs) + " s; the script expects it "
                    + (k.endUs >= 0 ? "to return at " : "to return at once, at ") + PdRunner.secs(want)
                    + " s (tolerance " + tol + " us)");
        }
    }

    private static String render(long result) {
        return result >= 0 ? Long.toString(result) : "-1 " + Errno.name((int) -result);
    }

    private void check(PdEvent.Syscall c, long result) {
        boolean socketCall = c.name().equals("socket") || c.name().startsWith("accept")
                || c.name().startsWith("epoll_create");
        if (socketCall && result >= 0 && c.expected() >= 0) {
            fds.put((int) c.expected(), (int) result);
            return;
        }
        if (c.name().equals("close") && result == 0) {
            fds.remove(Integer.parseInt(arg(c, 0)));
        }
        String want = c.errno() == null ? Long.toString(c.expected()) : c.expected() + " " + c.errno();
        boolean ok = result >= 0 ? c.errno() == null && result == c.expected()
                : c.expected() == -1 && (c.errno() == null || Errno.name((int) -result).equals(c.errno()));
        if (!ok) {
            throw new PdRunner.Fail(c.line(), c.name() + "(" + String.join(", ", c.args()).replaceAll("\\s+", " ")
                    + ") = " + render(result) + ", expected " + want);
        }
    }

    /** Parses a call on the script's thread; the returned body runs on the call's thread. */
    private ToLongFunction<Arena> prepare(PdEvent.Syscall c) {
        return switch (c.name()) {
            case "socket" -> socket(c);
            case "bind" -> {
                int fd = fd(c, 0);
                int port = warming ? 0 : r.bindPort();
                yield a -> net_h.bind(fd, sockaddr(a, PdTun.LOCAL_IP, port), tcpsock_h.SOCKADDR_IN_SIZE);
            }
            case "listen" -> {
                int fd = fd(c, 0);
                int backlog = (int) sym(c, arg(c, 1));
                yield a -> {
                    int n = tcpsock_h.listen(fd, backlog);
                    if (n == 0) {
                        r.listening();
                    }
                    return n;
                };
            }
            case "accept", "accept4" -> {
                int fd = fd(c, 0);
                int flags = c.name().equals("accept4") && c.args().size() > 3 ? (int) sym(c, arg(c, 3)) : 0;
                lastFd = fd;
                yield a -> {
                    int n = tcpsock_h.accept4(fd, MemorySegment.NULL, MemorySegment.NULL, flags);
                    if (n >= 0) {
                        lastFd = n;
                    }
                    return n;
                };
            }
            case "connect" -> connect(c);
            case "read" -> recv(c, fd(c, 0), (int) sym(c, arg(c, 2)), 0);
            case "recv", "recvfrom" -> recv(c, fd(c, 0), (int) sym(c, arg(c, 2)),
                    c.args().size() > 3 ? (int) sym(c, arg(c, 3)) : 0);
            case "write" -> send(c, fd(c, 0), (int) sym(c, arg(c, 2)), 0, false);
            case "send" -> send(c, fd(c, 0), (int) sym(c, arg(c, 2)),
                    c.args().size() > 3 ? (int) sym(c, arg(c, 3)) : 0, false);
            case "sendto" -> sendto(c);
            case "writev", "readv" -> vector(c);
            case "sendmsg" -> sendmsg(c);
            case "recvmsg" -> recvmsg(c);
            case "close" -> {
                int fd = fd(c, 0);
                yield a -> unistd_h.close(fd);
            }
            case "shutdown" -> {
                int fd = fd(c, 0);
                int how = (int) sym(c, arg(c, 1));
                yield a -> tcpsock_h.shutdown(fd, how);
            }
            case "setsockopt" -> setsockopt(c);
            case "getsockopt" -> getsockopt(c);
            case "fcntl" -> {
                int fd = fd(c, 0);
                int cmd = (int) sym(c, arg(c, 1));
                long v = c.args().size() > 2 ? sym(c, arg(c, 2)) : 0;
                yield a -> tcpsock_h.fcntl(fd, cmd, v);
            }
            case "ioctl" -> ioctl(c);
            case "poll" -> poll(c);
            case "epoll_create", "epoll_create1" -> {
                int flags = c.name().equals("epoll_create1") ? (int) sym(c, arg(c, 0)) : 0;
                yield a -> tcpsock_h.epoll_create1(flags);
            }
            case "epoll_ctl" -> epollCtl(c);
            case "epoll_wait" -> epollWait(c);
            default -> throw new PdRunner.Unsupported(c.line(), "system call " + c.name()
                    + " (not in the kernel backend)");
        };
    }

    private ToLongFunction<Arena> socket(PdEvent.Syscall c) {
        long domain = arg(c, 0).equals("...") ? 2 : sym(c, arg(c, 0));
        if (domain != 2) {
            throw new PdRunner.Unsupported(c.line(), "socket domain " + arg(c, 0) + " (IPv4 only, as the engine)");
        }
        int type = (int) sym(c, arg(c, 1));
        int proto = (int) sym(c, arg(c, 2));
        String cc = r.congestionControl();
        return a -> {
            int fd = net_h.socket((int) domain, type, proto);
            if (fd >= 0 && cc != null) {
                MemorySegment name = a.allocateFrom(cc);
                int rc = net_h.setsockopt(fd, 6, 13, name, (int) name.byteSize() - 1); // TCP_CONGESTION
                if (rc < 0) {
                    throw new PdRunner.Fail(c.line(), "TCP_CONGESTION " + cc + ": " + Errno.name(-rc));
                }
            }
            if (fd >= 0) {
                lastFd = fd;
                r.socketCreated();
            }
            return fd;
        };
    }

    static MemorySegment sockaddr(Arena a, int ip, int port) {
        MemorySegment s = a.allocate(tcpsock_h.SOCKADDR_IN_SIZE);
        s.set(ValueLayout.JAVA_SHORT, 0, (short) 2);
        s.set(NET_SHORT, 2, (short) port);
        s.set(NET_INT, 4, ip);
        return s;
    }

    private static MemorySegment unspec(Arena a) {
        return a.allocate(tcpsock_h.SOCKADDR_IN_SIZE); // sa_family AF_UNSPEC (0)
    }

    private ToLongFunction<Arena> connect(PdEvent.Syscall c) {
        int fd = fd(c, 0);
        lastFd = fd;
        boolean unspec = arg(c, 1).equals("AF_UNSPEC");
        if (!unspec) {
            r.connecting();
        }
        return a -> tcpsock_h.connect(fd, unspec ? unspec(a) : sockaddr(a, PdTun.REMOTE_IP, PdRunner.SERVER_PORT),
                tcpsock_h.SOCKADDR_IN_SIZE);
    }

    private ToLongFunction<Arena> recv(PdEvent.Syscall c, int fd, int len, int flags) {
        lastFd = fd;
        boolean nul = arg(c, 1).equals("NULL");
        return a -> net_h.recvfrom(fd, nul ? MemorySegment.NULL : a.allocate(Math.max(len, 1)), len, flags,
                MemorySegment.NULL, MemorySegment.NULL);
    }

    private ToLongFunction<Arena> send(PdEvent.Syscall c, int fd, int len, int flags, boolean toRemote) {
        lastFd = fd;
        boolean nul = arg(c, 1).equals("NULL");
        if ((flags & 0x20000000) != 0 && r.newSocket()) { // MSG_FASTOPEN: this call sends the SYN
            r.connecting();
        }
        return a -> net_h.sendto(fd, nul ? MemorySegment.NULL : a.allocate(Math.max(len, 1)), len, flags,
                toRemote ? sockaddr(a, PdTun.REMOTE_IP, PdRunner.SERVER_PORT) : MemorySegment.NULL,
                toRemote ? tcpsock_h.SOCKADDR_IN_SIZE : 0);
    }

    private ToLongFunction<Arena> sendto(PdEvent.Syscall c) {
        int fd = fd(c, 0);
        int len = (int) sym(c, arg(c, 2));
        int flags = c.args().size() > 3 ? (int) sym(c, arg(c, 3)) : 0;
        String to = c.args().size() > 4 ? arg(c, 4) : "NULL";
        if (to.equals("AF_UNSPEC")) {
            boolean nul = arg(c, 1).equals("NULL");
            lastFd = fd;
            return a -> net_h.sendto(fd, nul ? MemorySegment.NULL : a.allocate(Math.max(len, 1)), len, flags,
                    unspec(a), tcpsock_h.SOCKADDR_IN_SIZE);
        }
        return send(c, fd, len, flags, to.equals("..."));
    }

    private static MemorySegment iovecs(Arena a, PdEvent.Syscall c, String text, int[] total) {
        Matcher m = IOV.matcher(text);
        List<String[]> parts = new java.util.ArrayList<>();
        while (m.find()) {
            parts.add(new String[] {m.group(1).strip(), m.group(2)});
        }
        MemorySegment iov = a.allocate((long) tcpsock_h.IOVEC_SIZE * Math.max(parts.size(), 1));
        for (int i = 0; i < parts.size(); i++) {
            int len = Integer.parseInt(parts.get(i)[1]);
            total[0] += len;
            MemorySegment base = parts.get(i)[0].equals("NULL") ? MemorySegment.NULL : a.allocate(Math.max(len, 1));
            iov.set(ValueLayout.ADDRESS, (long) i * tcpsock_h.IOVEC_SIZE, base);
            iov.set(ValueLayout.JAVA_LONG, (long) i * tcpsock_h.IOVEC_SIZE + 8, len);
        }
        total[1] = parts.size();
        return iov;
    }

    private ToLongFunction<Arena> vector(PdEvent.Syscall c) {
        int fd = fd(c, 0);
        lastFd = fd;
        String text = arg(c, 1);
        boolean write = c.name().equals("writev");
        return a -> {
            int[] n = new int[2];
            MemorySegment iov = iovecs(a, c, text, n);
            return write ? tcpsock_h.writev(fd, iov, n[1]) : tcpsock_h.readv(fd, iov, n[1]);
        };
    }

    private ToLongFunction<Arena> sendmsg(PdEvent.Syscall c) {
        int fd = fd(c, 0);
        lastFd = fd;
        String msg = arg(c, 1);
        int flags = (int) sym(c, arg(c, 2));
        if (msg.contains("msg_control")) {
            throw new PdRunner.Unsupported(c.line(), "sendmsg with control messages (kernel backend)");
        }
        boolean named = msg.contains("msg_name");
        if ((flags & 0x20000000) != 0 && r.newSocket()) {
            r.connecting();
        }
        return a -> {
            int[] n = new int[2];
            MemorySegment h = a.allocate(tcpsock_h.MSGHDR_SIZE);
            if (named) {
                h.set(ValueLayout.ADDRESS, 0, sockaddr(a, PdTun.REMOTE_IP, PdRunner.SERVER_PORT));
                h.set(ValueLayout.JAVA_INT, 8, tcpsock_h.SOCKADDR_IN_SIZE);
            }
            h.set(ValueLayout.ADDRESS, 16, iovecs(a, c, msg, n));
            h.set(ValueLayout.JAVA_LONG, 24, n[1]);
            return tcpsock_h.sendmsg(fd, h, flags);
        };
    }

    private ToLongFunction<Arena> recvmsg(PdEvent.Syscall c) {
        int fd = fd(c, 0);
        lastFd = fd;
        String msg = arg(c, 1);
        int flags = (int) sym(c, arg(c, 2));
        Matcher cm = CMSG.matcher(msg);
        boolean control = msg.contains("msg_control");
        if (control && (!cm.find() || !cm.group(2).equals("TCP_CM_INQ"))) {
            throw new PdRunner.Unsupported(c.line(), "recvmsg control message other than TCP_CM_INQ");
        }
        long wantInq = control ? Long.parseLong(cm.group(3)) : -1;
        return a -> {
            int[] n = new int[2];
            MemorySegment h = a.allocate(tcpsock_h.MSGHDR_SIZE);
            h.set(ValueLayout.ADDRESS, 16, iovecs(a, c, msg, n));
            h.set(ValueLayout.JAVA_LONG, 24, n[1]);
            MemorySegment cbuf = a.allocate(64);
            if (control) {
                h.set(ValueLayout.ADDRESS, 32, cbuf);
                h.set(ValueLayout.JAVA_LONG, 40, 64);
            }
            long got = tcpsock_h.recvmsg(fd, h, flags);
            if (got >= 0 && control) {
                long clen = h.get(ValueLayout.JAVA_LONG, 40);
                if (clen < 20 || cbuf.get(ValueLayout.JAVA_INT, 12) != 36) {
                    throw new PdRunner.Fail(c.line(), "recvmsg returned no TCP_CM_INQ control message");
                }
                int inq = cbuf.get(ValueLayout.JAVA_INT, 16);
                if (inq != wantInq) {
                    throw new PdRunner.Fail(c.line(), "recvmsg: TCP_CM_INQ " + inq + ", expected " + wantInq);
                }
            }
            return got;
        };
    }

    private ToLongFunction<Arena> setsockopt(PdEvent.Syscall c) {
        int fd = fd(c, 0);
        lastFd = fd;
        int level = (int) sym(c, arg(c, 1));
        int name = (int) sym(c, arg(c, 2));
        String v = arg(c, 3);
        int len = c.args().size() > 4 && arg(c, 4).matches("\\d+") ? Integer.parseInt(arg(c, 4)) : 4;
        Matcher lm = LINGER.matcher(v);
        byte[] bytes;
        if (lm.matches()) {
            bytes = new byte[8];
            java.nio.ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.parseInt(lm.group(1)))
                    .putInt(Integer.parseInt(lm.group(2)));
        } else if (v.startsWith("\"") && v.endsWith("\"")) {
            bytes = v.substring(1, v.length() - 1).getBytes(StandardCharsets.US_ASCII);
        } else if (v.equals("NULL")) {
            bytes = null;
        } else {
            long x = bracket(c, v);
            bytes = new byte[Math.max(len, 4)];
            java.nio.ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) x);
        }
        byte[] b = bytes;
        return a -> {
            MemorySegment m = b == null ? MemorySegment.NULL : a.allocate(Math.max(b.length, len) + 1);
            if (b != null) {
                MemorySegment.copy(b, 0, m, ValueLayout.JAVA_BYTE, 0, b.length);
            }
            return net_h.setsockopt(fd, level, name, m, len);
        };
    }

    private ToLongFunction<Arena> getsockopt(PdEvent.Syscall c) {
        int fd = fd(c, 0);
        lastFd = fd;
        int level = (int) sym(c, arg(c, 1));
        int name = (int) sym(c, arg(c, 2));
        String want = arg(c, 3);
        Matcher lm = LINGER.matcher(want);
        long wantInt = lm.matches() ? 0 : bracket(c, want);
        String wl = c.args().size() > 4 ? arg(c, 4) : "[4]";
        long wantLen = wl.startsWith("[") ? bracket(c, wl) : 4;
        return a -> {
            MemorySegment m = a.allocate(256);
            MemorySegment lenp = a.allocateFrom(ValueLayout.JAVA_INT, (int) Math.max(wantLen, 4));
            int rc = net_h.getsockopt(fd, level, name, m, lenp);
            if (rc < 0) {
                return rc;
            }
            if (lm.matches()) {
                int on = m.get(ValueLayout.JAVA_INT, 0);
                int l = m.get(ValueLayout.JAVA_INT, 4);
                if (on != Integer.parseInt(lm.group(1)) || l != Integer.parseInt(lm.group(2))) {
                    throw new PdRunner.Fail(c.line(), "getsockopt gave {onoff=" + on + ", linger=" + l + "}, expected "
                            + want);
                }
                return rc;
            }
            long got = lenp.get(ValueLayout.JAVA_INT, 0) >= 8 && wantLen >= 8 ? m.get(ValueLayout.JAVA_LONG, 0)
                    : m.get(ValueLayout.JAVA_INT, 0) & 0xFFFFFFFFL;
            if (got != (wantInt & (wantLen >= 8 ? -1L : 0xFFFFFFFFL))) {
                throw new PdRunner.Fail(c.line(), "getsockopt(" + arg(c, 2) + ") gave [" + got + "], expected " + want);
            }
            return rc;
        };
    }

    private ToLongFunction<Arena> ioctl(PdEvent.Syscall c) {
        int fd = fd(c, 0);
        lastFd = fd;
        long req = sym(c, arg(c, 1));
        String v = c.args().size() > 2 ? arg(c, 2) : "NULL";
        boolean in = req == 0x5421; // FIONBIO takes a value
        long want = v.startsWith("[") ? bracket(c, v) : -1;
        return a -> {
            MemorySegment m = a.allocateFrom(ValueLayout.JAVA_INT, in ? (int) want : 0);
            int rc = unistd_h.ioctl(fd, req, m);
            if (rc >= 0 && !in && want >= 0 && m.get(ValueLayout.JAVA_INT, 0) != want) {
                throw new PdRunner.Fail(c.line(), "ioctl(" + arg(c, 1) + ") gave [" + m.get(ValueLayout.JAVA_INT, 0)
                        + "], expected " + v);
            }
            return rc;
        };
    }

    private ToLongFunction<Arena> poll(PdEvent.Syscall c) {
        Matcher m = POLLFD.matcher(arg(c, 0));
        List<long[]> want = new java.util.ArrayList<>();
        while (m.find()) {
            int sfd = Integer.parseInt(m.group(1));
            want.add(new long[] {live(c, sfd), sym(c, m.group(2)),
                m.group(3) == null ? -1 : sym(c, m.group(3))});
        }
        int timeout = (int) sym(c, arg(c, c.args().size() - 1));
        return a -> {
            MemorySegment p = a.allocate(8L * Math.max(want.size(), 1));
            for (int i = 0; i < want.size(); i++) {
                p.set(ValueLayout.JAVA_INT, 8L * i, (int) want.get(i)[0]);
                p.set(ValueLayout.JAVA_SHORT, 8L * i + 4, (short) want.get(i)[1]);
            }
            int n = net_h.poll(p, want.size(), timeout);
            for (int i = 0; n >= 0 && i < want.size(); i++) {
                long got = p.get(ValueLayout.JAVA_SHORT, 8L * i + 6) & 0xFFFF;
                if (want.get(i)[2] >= 0 && got != want.get(i)[2]) {
                    throw new PdRunner.Fail(c.line(), "poll revents " + got + " (0x" + Long.toHexString(got)
                            + "), expected " + want.get(i)[2]);
                }
            }
            return n;
        };
    }

    private ToLongFunction<Arena> epollCtl(PdEvent.Syscall c) {
        int ep = fd(c, 0);
        int op = (int) sym(c, arg(c, 1));
        int fd = fd(c, 2);
        String ev = c.args().size() > 3 ? arg(c, 3) : "NULL";
        Matcher m = EPOLL_EVENT.matcher(ev);
        boolean found = m.find();
        long events = found ? sym(c, m.group(1)) : 0;
        long d = found ? sym(c, m.group(3)) : 0;
        long data = found && m.group(2).equals("fd") ? fds.getOrDefault((int) d, (int) d) : d;
        return a -> {
            MemorySegment e = a.allocate(tcpsock_h.EPOLL_EVENT_SIZE);
            e.set(ValueLayout.JAVA_INT, 0, (int) events);
            e.set(ValueLayout.JAVA_LONG_UNALIGNED, 4, data);
            return tcpsock_h.epoll_ctl(ep, op, fd, ev.equals("NULL") ? MemorySegment.NULL : e);
        };
    }

    private ToLongFunction<Arena> epollWait(PdEvent.Syscall c) {
        int ep = fd(c, 0);
        Matcher m = EPOLL_EVENT.matcher(arg(c, 1));
        long[] want = null;
        if (m.find()) {
            long d = sym(c, m.group(3));
            want = new long[] {sym(c, m.group(1)), m.group(2).equals("fd") ? fds.getOrDefault((int) d, (int) d) : d};
        }
        int max = (int) sym(c, arg(c, 2));
        int timeout = (int) sym(c, arg(c, 3));
        long[] w = want;
        return a -> {
            MemorySegment evs = a.allocate((long) tcpsock_h.EPOLL_EVENT_SIZE * Math.max(max, 1));
            int n = tcpsock_h.epoll_wait(ep, evs, max, timeout);
            if (n > 0 && w != null) {
                long got = evs.get(ValueLayout.JAVA_INT, 0) & 0xFFFFFFFFL;
                long data = evs.get(ValueLayout.JAVA_LONG_UNALIGNED, 4);
                if (got != w[0] || data != w[1]) {
                    throw new PdRunner.Fail(c.line(), "epoll_wait gave {events=0x" + Long.toHexString(got) + ", data="
                            + data + "}, expected " + arg(c, 1));
                }
            }
            return n;
        };
    }
}
