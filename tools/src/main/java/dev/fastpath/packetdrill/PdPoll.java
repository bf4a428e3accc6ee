package dev.fastpath.packetdrill;

import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import dev.fastpath.tcp.TcpEvents;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * poll(2) and epoll over the engine's readiness ({@code SocketApi.poll}, tcp_poll's mask).
 *
 * <p>epoll as fs/eventpoll.c: an item is put on the ready list when it is added or modified while ready
 * (ep_insert/ep_modify poll it once) and whenever the socket's wait queue is woken for one of its events
 * (ep_poll_callback: sk_data_ready for EPOLLIN, sk_write_space for EPOLLOUT, state changes and errors for
 * all). The engine's wakeups are its {@link TcpEvents}: readable, acceptable → EPOLLIN; writable,
 * connected → EPOLLOUT; closed → every event. epoll_wait reports a ready item if its current mask meets
 * its events; EPOLLET takes it off the ready list (another wakeup is needed), level-triggered items stay
 * while ready, EPOLLONESHOT disarms the item until EPOLL_CTL_MOD. So whether EPOLLOUT comes again after a
 * partial write depends on when the engine signals room, as in Linux.
 */
final class PdPoll implements TcpEvents {
    private static final long EPOLLET = 1L << 31;
    private static final long EPOLLONESHOT = 1L << 30;
    private static final long ALWAYS = SocketConstants.POLLERR | SocketConstants.POLLHUP;
    private static final Pattern POLLFD = Pattern.compile(
            "\\{\\s*fd\\s*=\\s*(\\d+)\\s*,\\s*events\\s*=\\s*([^,}]+?)\\s*,\\s*revents\\s*=\\s*([^,}]+?)\\s*}");
    private static final Pattern EVENT = Pattern.compile(
            "\\{\\s*events\\s*=\\s*([^,}]+?)\\s*,\\s*(fd|ptr|u32|u64)\\s*=\\s*([^,}]+?)\\s*}");

    /** One registered descriptor. */
    private static final class Item {
        final int liveFd;
        final int socketId;
        long events;
        long data;
        boolean ready;
        boolean disarmed;

        Item(int liveFd, int socketId) {
            this.liveFd = liveFd;
            this.socketId = socketId;
        }
    }

    private final PdSyscalls s;
    /** Script fd of an epoll instance → its items by script fd. */
    private final Map<Integer, Map<Integer, Item>> epolls = new HashMap<>();
    /** Script fd of an epoll instance → the live number epoll_create returned. */
    private final Map<Integer, Integer> live = new HashMap<>();

    PdPoll(PdSyscalls s) {
        this.s = s;
    }

    boolean owns(int scriptFd) {
        return epolls.containsKey(scriptFd);
    }

    long close(int scriptFd) {
        epolls.remove(scriptFd);
        live.remove(scriptFd);
        return 0;
    }

    boolean usesLive(int fd) {
        return live.containsValue(fd);
    }

    private int mask(int liveFd) {
        int m = s.api.poll(liveFd);
        return m < 0 ? SocketConstants.POLLNVAL : m;
    }

    /** {@code poll([{fd=3, events=POLLIN|POLLOUT, revents=POLLOUT}, …], n, timeout_ms) = ready}. */
    long poll(PdEvent.Syscall c, long endUs) {
        Matcher m = POLLFD.matcher(PdSyscalls.arg(c, 0));
        List<long[]> want = new ArrayList<>(); // live fd, events, expected revents
        while (m.find()) {
            int fd = s.liveFd(Integer.parseInt(m.group(1)));
            want.add(new long[] {fd, PdSymbols.eval(c.line(), m.group(2)), PdSymbols.eval(c.line(), m.group(3))});
        }
        if (want.isEmpty()) {
            throw new PdRunner.Fail(c.line(), "poll: no {fd=, events=, revents=} entries in " + PdSyscalls.arg(c, 0));
        }
        long timeoutMs = PdSyscalls.sym(c, PdSyscalls.arg(c, 2));
        long deadline = timeoutMs < 0 ? Long.MAX_VALUE : s.r.nowUs() + timeoutMs * 1000;
        return s.blocking(c, endUs, false, new PdSyscalls.Attempt() {
            @Override
            public long tryNow() {
                int ready = 0;
                for (long[] w : want) {
                    ready += (mask((int) w[0]) & (w[1] | ALWAYS | SocketConstants.POLLNVAL)) != 0 ? 1 : 0;
                }
                if (ready == 0 && s.r.nowUs() < deadline) {
                    return PdSyscalls.BLOCKED;
                }
                for (long[] w : want) {
                    long got = mask((int) w[0]) & (w[1] | ALWAYS | SocketConstants.POLLNVAL);
                    if (got != w[2]) {
                        throw new PdRunner.Fail(c.line(), "poll: revents " + names(got) + " for fd " + w[0]
                                + ", expected " + names(w[2]));
                    }
                }
                return ready;
            }

            @Override
            public long whenNonBlocking() {
                return PdSyscalls.BLOCKED; // never asked: poll blocks by its timeout, not by O_NONBLOCK
            }
        });
    }

    static String names(long mask) {
        if (mask == 0) {
            return "0";
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : PdSymbols.VALUES.entrySet()) {
            if (e.getKey().startsWith("POLL") && Long.bitCount(e.getValue()) == 1 && (mask & e.getValue()) != 0) {
                out.add(e.getKey());
            }
        }
        return String.join("|", out.stream().sorted().toList());
    }

    long create(PdEvent.Syscall c) {
        if (c.expected() < 0) {
            return -Errno.EINVAL;
        }
        int fd = s.freeFd();
        epolls.put((int) c.expected(), new LinkedHashMap<>());
        live.put((int) c.expected(), fd);
        return fd; // packetdrill maps the script's number to the live one, as for sockets
    }

    /** {@code epoll_ctl(epfd, EPOLL_CTL_ADD|MOD|DEL, fd, {events=…, fd=N})}. */
    long ctl(PdEvent.Syscall c) {
        Map<Integer, Item> ep = epolls.get(s.scriptFd(c, 0));
        if (ep == null) {
            return -Errno.EBADF;
        }
        long op = PdSyscalls.sym(c, PdSyscalls.arg(c, 1));
        int scriptFd = s.scriptFd(c, 2);
        int liveFd = s.fd(c, 2);
        if (op == 2) {
            return ep.remove(scriptFd) == null ? -Errno.ENOENT : 0;
        }
        Matcher m = EVENT.matcher(PdSyscalls.arg(c, 3));
        if (!m.matches()) {
            throw new PdRunner.Fail(c.line(), "epoll_ctl: expected {events=…, fd=N}, found " + PdSyscalls.arg(c, 3));
        }
        Item it = ep.get(scriptFd);
        if (op == 1) {
            if (it != null) {
                return -Errno.EEXIST;
            }
            int id = s.api.socketId(liveFd);
            if (id < 0) {
                return -Errno.EBADF;
            }
            it = new Item(liveFd, id);
            ep.put(scriptFd, it);
        } else if (op != 3 || it == null) {
            return op == 3 ? -Errno.ENOENT : -Errno.EINVAL;
        }
        it.events = PdSymbols.eval(c.line(), m.group(1));
        it.data = PdSymbols.eval(c.line(), m.group(3));
        it.disarmed = false;
        it.ready = (mask(liveFd) & (it.events | ALWAYS)) != 0; // ep_insert()/ep_modify() poll the file once
        return 0;
    }

    /** {@code epoll_wait(epfd, {events=EPOLLOUT, fd=4}, maxevents, timeout_ms) = n}: the first event compared. */
    long epollWait(PdEvent.Syscall c, long endUs) {
        Map<Integer, Item> ep = epolls.get(s.scriptFd(c, 0));
        if (ep == null) {
            return -Errno.EBADF;
        }
        Matcher m = EVENT.matcher(PdSyscalls.arg(c, 1));
        if (!m.matches()) {
            throw new PdRunner.Fail(c.line(), "epoll_wait: expected {events=…, fd=N}, found " + PdSyscalls.arg(c, 1));
        }
        long wantEvents = PdSymbols.eval(c.line(), m.group(1));
        long wantData = PdSymbols.eval(c.line(), m.group(3));
        int max = (int) PdSyscalls.sym(c, PdSyscalls.arg(c, 2));
        long timeoutMs = PdSyscalls.sym(c, PdSyscalls.arg(c, 3));
        long deadline = timeoutMs < 0 ? Long.MAX_VALUE : s.r.nowUs() + timeoutMs * 1000;
        return s.blocking(c, endUs, false, new PdSyscalls.Attempt() {
            @Override
            public long tryNow() {
                List<long[]> got = collect(ep, max);
                if (got.isEmpty() && s.r.nowUs() < deadline) {
                    return PdSyscalls.BLOCKED;
                }
                if (!got.isEmpty() && (got.getFirst()[0] != wantEvents || got.getFirst()[1] != wantData)) {
                    throw new PdRunner.Fail(c.line(), "epoll_wait: first event {events=" + names(got.getFirst()[0])
                            + ", data=" + got.getFirst()[1] + "}, expected {events=" + names(wantEvents) + ", data="
                            + wantData + "}");
                }
                return got.size();
            }

            @Override
            public long whenNonBlocking() {
                return PdSyscalls.BLOCKED; // never asked: epoll_wait blocks by its timeout
            }
        });
    }

    /** ep_send_events(): ready items whose mask meets their events, at most {@code max}. */
    private List<long[]> collect(Map<Integer, Item> ep, int max) {
        List<long[]> out = new ArrayList<>();
        for (Item it : ep.values()) {
            if (out.size() >= max) {
                break;
            }
            boolean level = (it.events & EPOLLET) == 0;
            if (it.disarmed || !(it.ready || level)) {
                continue;
            }
            long revents = mask(it.liveFd) & (it.events | ALWAYS);
            it.ready = false;
            if (revents == 0) {
                continue;
            }
            out.add(new long[] {revents, it.data});
            it.ready = level;
            it.disarmed = (it.events & EPOLLONESHOT) != 0;
        }
        return out;
    }

    private void wake(int socketId, long key) {
        for (Map<Integer, Item> ep : epolls.values()) {
            for (Item it : ep.values()) {
                if (it.socketId == socketId && (key & (it.events | ALWAYS)) != 0) {
                    it.ready = true;
                }
            }
        }
    }

    @Override
    public void onAcceptable(int listenerId) {
        wake(listenerId, SocketConstants.POLLIN);
    }

    @Override
    public void onConnected(int id) {
        wake(id, SocketConstants.POLLOUT | SocketConstants.POLLIN);
    }

    @Override
    public void onReadable(int id) {
        wake(id, SocketConstants.POLLIN | SocketConstants.POLLRDHUP);
    }

    @Override
    public void onWritable(int id) {
        wake(id, SocketConstants.POLLOUT);
    }

    @Override
    public void onClosed(int id, int errno) {
        wake(id, -1L);
    }
}
