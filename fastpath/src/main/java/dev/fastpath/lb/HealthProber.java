package dev.fastpath.lb;

import dev.fastpath.stat.EnumCounters;
import dev.fastpath.uapi.Errno;
import dev.fastpath.tcp.SocketOps;
import dev.fastpath.tcp.SocketOptions;
import dev.fastpath.tcp.TcpEngine;
import dev.fastpath.tcp.TcpState;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The active health checks, run on one worker's stack (worker 0's {@link ProxyApp}): for every backend of a pool
 * with a {@link HealthSpec}, a probe every interval — a TCP connect, or an HTTP/1.0 GET whose status line is read —
 * that succeeds or fails within the timeout. Results go to {@link HealthEvents}; the control thread's
 * {@link HealthTracker} turns them into states. One probe per backend slot at a time; a backend in several pools
 * is probed with the first pool's check.
 */
final class HealthProber {
    private static final int IDLE = -1;

    private final SocketOps ops;
    private final SocketOptions options;
    private final TcpEngine engine;
    private final HealthEvents events;
    private final EnumCounters<LbStat> counters;
    /** Per backend slot: errno of the probe socket's onClosed, or 0. */
    private final int[] closedErrno = new int[ProxyApp.BACKEND_SLOTS];
    /** Per backend slot: the probe's socket or {@link #IDLE}, when the next one starts, when this one started. */
    private final int[] socketOf = new int[ProxyApp.BACKEND_SLOTS];
    private final long[] nextNs = new long[ProxyApp.BACKEND_SLOTS];
    private final long[] startedNs = new long[ProxyApp.BACKEND_SLOTS];
    private final HealthSpec[] specOf = new HealthSpec[ProxyApp.BACKEND_SLOTS];
    private final boolean[] sent = new boolean[ProxyApp.BACKEND_SLOTS];
    private final String[] hostOf = new String[ProxyApp.BACKEND_SLOTS];
    private final StringBuilder[] status = new StringBuilder[ProxyApp.BACKEND_SLOTS];
    /** Per socket id: the backend slot it probes, or -1. */
    private final int[] slotOf;
    private final byte[] buf = new byte[256];

    HealthProber(TcpEngine engine, SocketOps ops, SocketOptions options, HealthEvents events,
            EnumCounters<LbStat> counters, int maxSockets) {
        this.counters = counters;
        this.engine = engine;
        this.ops = ops;
        this.options = options;
        this.events = events;
        this.slotOf = new int[maxSockets];
        Arrays.fill(socketOf, IDLE);
        Arrays.fill(slotOf, -1);
    }

    /**
     * @param id a socket id
     * @return whether it is one of the probes'
     */
    boolean owns(int id) {
        return id >= 0 && id < slotOf.length && slotOf[id] >= 0;
    }

    /** Starts the probes that are due and fails those past their timeout. */
    int tick(LbSnapshot snapshot, long nowNs) {
        int n = 0;
        for (Vip v : snapshot.vips()) {
            HealthSpec h = v.pool().health();
            if (h == null) {
                continue;
            }
            for (int i = 0; i < v.pool().size(); i++) {
                Backend b = v.pool().backend(i);
                int slot = b.slot();
                if (slot < 0 || slot >= socketOf.length || b.state() == BackendState.DRAIN) {
                    continue;
                }
                if (socketOf[slot] == IDLE && nowNs - nextNs[slot] >= 0) {
                    start(slot, b, h, nowNs);
                    n++;
                } else if (socketOf[slot] != IDLE && nowNs - startedNs[slot] >= specOf[slot].timeoutNs()) {
                    finish(slot, false, "timed out", nowNs);
                    n++;
                }
            }
        }
        return n;
    }

    private void start(int slot, Backend b, HealthSpec h, long nowNs) {
        counters.inc(LbStat.LbHealthProbes);
        specOf[slot] = h;
        hostOf[slot] = b.address();
        startedNs[slot] = nowNs;
        nextNs[slot] = nowNs + h.intervalNs();
        int id = ops.socket();
        if (id < 0) {
            counters.inc(LbStat.LbHealthProbeFailures);
            events.post(slot, false, "no socket (errno " + -id + ")");
            return;
        }
        int r = ops.connect(id, b.ip(), b.port(), nowNs);
        if (r != -Errno.EINPROGRESS && r != 0) {
            ops.close(id, nowNs);
            counters.inc(LbStat.LbHealthProbeFailures);
            events.post(slot, false, "connect: errno " + -r);
            return;
        }
        socketOf[slot] = id;
        slotOf[id] = slot;
        closedErrno[slot] = 0;
        sent[slot] = false;
        status[slot] = null;
    }

    /** The engine closed a probe's socket (called inside the engine: only noted). */
    void closed(int id, int errno) {
        closedErrno[slotOf[id]] = errno;
    }

    /** A probe's socket had an event: connected, readable, or closed. */
    void progress(int id, long nowNs) {
        int slot = slotOf[id];
        int errno = closedErrno[slot];
        if (errno > 0 && !sent[slot]) { // refused, unreachable, reset before the request: queued data is read below
            finish(slot, false, Errno.name(errno), nowNs);
            return;
        }
        int st = engine.state(id);
        if (st == TcpState.SYN_SENT) {
            return;
        }
        HealthSpec h = specOf[slot];
        if (!h.http()) {
            finish(slot, errno == 0 && (st == TcpState.ESTABLISHED || st == TcpState.CLOSE_WAIT),
                    "connect ended in state " + st, nowNs);
            return;
        }
        if (!sent[slot]) {
            byte[] req = ("GET " + h.path() + " HTTP/1.0\r\nHost: " + backendHost(slot) + "\r\nUser-Agent: fastpath-lb"
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            int w = ops.send(id, req, 0, req.length, nowNs);
            if (w == -Errno.EAGAIN) {
                return;
            }
            if (w != req.length) {
                finish(slot, false, "request not sent (" + w + ")", nowNs);
                return;
            }
            sent[slot] = true;
            status[slot] = new StringBuilder();
        }
        readStatus(id, slot, h, nowNs);
    }

    private void readStatus(int id, int slot, HealthSpec h, long nowNs) {
        while (true) {
            int n = ops.recv(id, buf, 0, buf.length, nowNs);
            if (n == -Errno.EAGAIN) {
                return;
            }
            if (n <= 0) {
                finish(slot, false, n == 0 ? "no status line before the end of stream" : Errno.name(-n), nowNs);
                return;
            }
            StringBuilder sb = status[slot];
            for (int i = 0; i < n && sb.length() < 64; i++) {
                sb.append((char) (buf[i] & 0xFF));
            }
            int eol = sb.indexOf("\r\n");
            if (eol >= 0 || sb.length() >= 64) {
                String line = eol >= 0 ? sb.substring(0, eol) : sb.toString();
                String[] words = line.split(" ");
                boolean ok = words.length >= 2 && words[0].startsWith("HTTP/")
                        && words[1].equals(Integer.toString(h.expectStatus()));
                finish(slot, ok, "status line '" + line + "', expected " + h.expectStatus(), nowNs);
                return;
            }
        }
    }

    private String backendHost(int slot) {
        String a = hostOf[slot];
        return a.substring(0, a.lastIndexOf(':'));
    }

    private void finish(int slot, boolean ok, String why, long nowNs) {
        int id = socketOf[slot];
        if (id != IDLE) {
            slotOf[id] = -1;
            socketOf[slot] = IDLE;
            if (!ok) {
                options.setLinger(id, true, 0); // a failed probe leaves nothing behind: RST if connected
            }
            ops.close(id, nowNs);
        }
        if (!ok) {
            counters.inc(LbStat.LbHealthProbeFailures);
        }
        events.post(slot, ok, ok ? "ok" : why);
    }

    /** Closes every probe (the worker stops). */
    void stop(long nowNs) {
        for (int slot = 0; slot < socketOf.length; slot++) {
            int id = socketOf[slot];
            if (id != IDLE) {
                slotOf[id] = -1;
                socketOf[slot] = IDLE;
                options.setLinger(id, true, 0);
                ops.close(id, nowNs);
            }
        }
    }
}
