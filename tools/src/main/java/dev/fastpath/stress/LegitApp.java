package dev.fastpath.stress;

import dev.fastpath.apps.App;
import dev.fastpath.tcp.SocketOps;
import dev.fastpath.tcp.SocketOptions;
import dev.fastpath.tcp.TcpEngine;
import dev.fastpath.uapi.Errno;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntToLongFunction;
import org.HdrHistogram.Recorder;

/**
 * The legitimate population of {@code stress --legit-rate}: clients on Fastpath's own engine (a worker of its own on
 * the interface, at its own address) that connect at a fixed rate while the flood and the completing clients run,
 * send a request, and wait for the response's first byte. Each success records the time to the SYN-ACK (connect()
 * completing) and to the first byte of the response, from the connect() call, in HdrHistogram recorders the
 * command's thread reads each second; a client that is reset, refused or not answered within the timeout is a
 * failure. Successful clients are aborted (SO_LINGER 0: no TIME_WAIT piles up on the generator).
 *
 * <p>Runs on the worker's thread; counters are read by the command's thread.
 */
final class LegitApp implements App {

    private static final int IDLE = 0;
    private static final int CONNECTING = 1;
    private static final int WAITING = 2;
    private static final long RESOLVE_NS = 3_000_000_000L;

    private final int targetIp;
    private final int targetPort;
    private final long ratePerSecond;
    private final byte[] request;
    private final long timeoutNs;
    private final int maxOpen;
    private final int maxConnections;
    private final byte[] scratch = new byte[16 * 1024];
    final Recorder toSynAck = new Recorder(3);
    final Recorder toFirstByte = new Recorder(3);
    final AtomicLong attempts = new AtomicLong();
    final AtomicLong successes = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    private volatile boolean stopIssuing;

    private TcpEngine engine;
    private SocketOps ops;
    private SocketOptions opts;
    private int[] phase;
    private long[] startNs;
    private long[] connectedNs;
    private int[] ready;
    private boolean[] queued;
    private int readyCount;
    /** Open clients in the order they were started: their timeouts expire in that order. */
    private int[] fifo;
    private long[] fifoStart;
    private int fifoHead;
    private int fifoCount;
    private long firstNs = Long.MIN_VALUE;
    private long issued;
    private boolean resolved;
    private int nextHop;
    private IntToLongFunction peek;
    private IntToLongFunction lookup;

    /**
     * @param targetIp      the target
     * @param targetPort    its port
     * @param ratePerSecond new clients per second
     * @param request       what each sends
     * @param timeoutNs     how long a client may wait for the response's first byte
     * @param maxOpen       the most clients open at once (more are counted as failures when due)
     * @param maxConnections the engine's stack.max_connections (ids are below it)
     */
    LegitApp(int targetIp, int targetPort, long ratePerSecond, byte[] request, long timeoutNs, int maxOpen,
            int maxConnections) {
        this.maxConnections = maxConnections;
        this.targetIp = targetIp;
        this.targetPort = targetPort;
        this.ratePerSecond = ratePerSecond;
        this.request = request;
        this.timeoutNs = timeoutNs;
        this.maxOpen = maxOpen;
    }

    /** The next hop to resolve before the first client (the target, or the gateway), as ClientApp does. */
    void neighbours(int hop, IntToLongFunction peekFn, IntToLongFunction lookupFn) {
        this.nextHop = hop;
        this.peek = peekFn;
        this.lookup = lookupFn;
    }

    /** No new clients from now on (the ones open finish or time out). */
    void stopIssuing() {
        stopIssuing = true;
    }

    @Override
    public int start(TcpEngine e, int port, long nowNs) {
        engine = e;
        engine.events(this);
        ops = SocketOps.of(e);
        opts = SocketOptions.of(e);
        int n = maxConnections;
        phase = new int[n];
        startNs = new long[n];
        connectedNs = new long[n];
        ready = new int[n];
        queued = new boolean[n];
        fifo = new int[maxOpen];
        fifoStart = new long[maxOpen];
        return 0;
    }

    @Override
    public void onConnected(int id) {
        if (id >= 0 && id < phase.length && phase[id] == CONNECTING) {
            connectedNs[id] = System.nanoTime();
            enqueue(id);
        }
    }

    @Override
    public void onReadable(int id) {
        enqueue(id);
    }

    @Override
    public void onClosed(int id, int errno) {
        enqueue(id);
    }

    private void enqueue(int id) {
        if (id >= 0 && id < phase.length && phase[id] != IDLE && !queued[id]) {
            queued[id] = true;
            ready[readyCount++] = id;
        }
    }

    @Override
    public int doWork(long nowNs) {
        if (!resolved) {
            if (firstNs == Long.MIN_VALUE) {
                firstNs = nowNs;
                lookup.applyAsLong(nextHop);
            }
            if (peek.applyAsLong(nextHop) < 0 && nowNs - firstNs < RESOLVE_NS) {
                return 0;
            }
            resolved = true;
            firstNs = nowNs;
        }
        int work = 0;
        for (int k = 0; k < readyCount; k++) {
            int id = ready[k];
            queued[id] = false;
            serve(id, nowNs);
            work++;
        }
        readyCount = 0;
        expire(nowNs);
        if (!stopIssuing) {
            long due = (nowNs - firstNs) * ratePerSecond / 1_000_000_000L;
            for (; issued < due && work < 256; issued++, work++) {
                connect(nowNs);
            }
        }
        return work;
    }

    private void connect(long nowNs) {
        attempts.incrementAndGet();
        if (fifoCount == maxOpen) {
            failures.incrementAndGet();
            return;
        }
        int id = ops.socket();
        if (id < 0) {
            failures.incrementAndGet();
            return;
        }
        opts.setLinger(id, true, 0);
        int r = ops.connect(id, targetIp, targetPort, nowNs);
        if (r != -Errno.EINPROGRESS && r != 0) {
            ops.close(id, nowNs);
            failures.incrementAndGet();
            return;
        }
        phase[id] = CONNECTING;
        startNs[id] = nowNs;
        int at = (fifoHead + fifoCount++) % maxOpen;
        fifo[at] = id;
        fifoStart[at] = nowNs;
    }

    private void serve(int id, long nowNs) {
        if (phase[id] == CONNECTING && connectedNs[id] != 0) {
            toSynAck.recordValue(Math.max(1, (connectedNs[id] - startNs[id]) / 1000));
            phase[id] = WAITING;
            if (request.length > 0 && ops.send(id, request, 0, request.length, nowNs) < 0) {
                end(id, false, nowNs);
                return;
            }
        }
        int n = ops.recv(id, scratch, 0, scratch.length, nowNs);
        if (n > 0 && phase[id] == WAITING) {
            toFirstByte.recordValue(Math.max(1, (System.nanoTime() - startNs[id]) / 1000));
            end(id, true, nowNs);
        } else if (n == 0 || n < 0 && n != -Errno.EAGAIN) {
            end(id, false, nowNs); // closed or reset before any byte of the response
        }
    }

    private void expire(long nowNs) {
        while (fifoCount > 0) {
            int id = fifo[fifoHead];
            long started = fifoStart[fifoHead];
            if (phase[id] != IDLE && startNs[id] == started && nowNs - started < timeoutNs) {
                return;
            }
            fifoHead = (fifoHead + 1) % maxOpen;
            fifoCount--;
            if (phase[id] != IDLE && startNs[id] == started) {
                end(id, false, nowNs); // no response in time
            }
        }
    }

    private void end(int id, boolean ok, long nowNs) {
        (ok ? successes : failures).incrementAndGet();
        phase[id] = IDLE;
        connectedNs[id] = 0;
        ops.close(id, nowNs);
    }

    @Override
    public int openConnections() {
        return fifoCount;
    }

    @Override
    public void stop(long nowNs) {
        for (int id = 0; id < phase.length; id++) {
            if (phase[id] != IDLE) {
                phase[id] = IDLE;
                ops.close(id, nowNs);
            }
        }
    }
}
