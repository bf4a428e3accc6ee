package dev.fastpath.client;

import dev.fastpath.tcp.TcpStat;
import static dev.fastpath.uapi.SocketConstants.SHUT_WR;

import dev.fastpath.uapi.Errno;
import dev.fastpath.apps.App;
import dev.fastpath.config.Config;
import dev.fastpath.config.Knob;
import dev.fastpath.tcp.SocketOps;
import dev.fastpath.tcp.SocketOptions;
import dev.fastpath.tcp.TcpEngine;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntToLongFunction;

/**
 * The client side of {@code connect}, living on a worker like the demo servers: it resolves the next hop,
 * opens every connection at once (so a tiny ip_local_port_range runs out where it should), and drives
 * each through its {@link ClientMode}. Engine events only queue connection indexes; {@link #doWork} serves
 * them after the RX burst. The bytes sent are a fixed pseudo-random pattern, hashed (SHA-256) as they go
 * out and as the echo comes back. Once every connection is done and the engine has finished every
 * teardown (no orphans left), the results are published through a latch for the command's thread.
 * Per-connection arrays are sized once; nothing is allocated per segment.
 */
public final class ClientApp implements App {
    private static final int CHUNK = 16 * 1024;
    private static final int ROUNDS = 16;
    private static final long RESOLVE_NS = 3_000_000_000L;
    private static final int IDLE = 0;
    private static final int CONNECTING = 1;
    private static final int RUNNING = 2;
    private static final int DONE = 3;

    private final ClientMode mode;
    private final int remoteIp;
    private final int remotePort;
    private final int n;
    private final long sendBytes;
    private final long settleNs;
    private final byte[] pattern = new byte[CHUNK];
    private final byte[] scratch = new byte[64 * 1024];
    private final int[] indexOf;
    private final int[] ids;
    private final int[] phase;
    private final int[] errno;
    private final int[] closedErrno;
    private final String[] why;
    private final long[] sent;
    private final long[] received;
    private final long[] startNs;
    private final long[] endNs;
    private final boolean[] connected;
    private final boolean[] eof;
    private final boolean[] shut;
    private final boolean[] ok;
    private final boolean[] shaMatch;
    private final MessageDigest[] sentSha;
    private final MessageDigest[] recvSha;
    private final int[] ready;
    private final boolean[] queued;
    private int readyHead;
    private int readyCount;
    private final CountDownLatch finished = new CountDownLatch(1);
    private IntToLongFunction peek = ip -> 0;
    private IntToLongFunction lookup = ip -> 0;
    private int nextHop;
    private TcpEngine engine;
    private SocketOps ops;
    private SocketOptions opts;
    private long firstNs = Long.MIN_VALUE;
    private boolean issued;
    private int doneCount;
    private long settleDeadlineNs;
    private boolean published;
    private End end;

    /** The engine's state when the run ended. */
    record End(int timeWait, int orphans, long rstsSent, boolean settled) {
    }

    /**
     * @param config      sizes (stack.max_connections)
     * @param mode        what each connection does
     * @param remoteIp    the server
     * @param remotePort  its port
     * @param connections how many connections
     * @param sendBytes   bytes each sends
     * @param settleNs    how long to wait for teardowns to finish after the last connection is done
     */
    public ClientApp(Config config, ClientMode mode, int remoteIp, int remotePort, int connections, long sendBytes,
            long settleNs) {
        this.mode = mode;
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
        this.n = connections;
        this.sendBytes = sendBytes;
        this.settleNs = settleNs;
        new Random(0x5EED).nextBytes(pattern);
        indexOf = new int[config.intValue(Knob.STACK_MAX_CONNECTIONS)];
        Arrays.fill(indexOf, -1);
        ids = new int[n];
        phase = new int[n];
        errno = new int[n];
        closedErrno = new int[n];
        why = new String[n];
        sent = new long[n];
        received = new long[n];
        startNs = new long[n];
        endNs = new long[n];
        connected = new boolean[n];
        eof = new boolean[n];
        shut = new boolean[n];
        ok = new boolean[n];
        shaMatch = new boolean[n];
        sentSha = new MessageDigest[n];
        recvSha = new MessageDigest[n];
        ready = new int[n];
        queued = new boolean[n];
        try {
            for (int i = 0; i < n; i++) {
                sentSha[i] = MessageDigest.getInstance("SHA-256");
                recvSha[i] = MessageDigest.getInstance("SHA-256");
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * The neighbour cache, so the first SYN does not die waiting for ARP. Call before the worker starts.
     *
     * @param nextHop the address to resolve (the server, or the gateway)
     * @param peek    a side-effect-free lookup (−1: unresolved)
     * @param lookup  a lookup that starts resolution
     */
    public void neighbours(int nextHop, IntToLongFunction peek, IntToLongFunction lookup) {
        this.nextHop = nextHop;
        this.peek = peek;
        this.lookup = lookup;
    }

    @Override
    public int start(TcpEngine e, int port, long nowNs) {
        engine = e;
        engine.events(this);
        ops = SocketOps.of(engine);
        opts = SocketOptions.of(engine);
        return 0;
    }

    @Override
    public void onConnected(int id) {
        int i = index(id);
        if (i >= 0 && phase[i] == CONNECTING) {
            phase[i] = RUNNING;
            connected[i] = true;
            enqueue(i);
        }
    }

    @Override
    public void onReadable(int id) {
        enqueue(index(id));
    }

    @Override
    public void onWritable(int id) {
        enqueue(index(id));
    }

    @Override
    public void onClosed(int id, int err) {
        int i = index(id);
        if (i >= 0) {
            closedErrno[i] = err;
            enqueue(i);
        }
    }

    private int index(int id) {
        return id >= 0 && id < indexOf.length ? indexOf[id] : -1;
    }

    private void enqueue(int i) {
        if (i < 0 || queued[i] || phase[i] == DONE) {
            return;
        }
        queued[i] = true;
        ready[(readyHead + readyCount) % n] = i;
        readyCount++;
    }

    @Override
    public int doWork(long nowNs) {
        if (published) {
            return 0;
        }
        if (!issued) {
            return resolveThenConnect(nowNs);
        }
        int work = 0;
        for (int k = readyCount; k > 0; k--) {
            int i = ready[readyHead];
            readyHead = (readyHead + 1) % n;
            readyCount--;
            queued[i] = false;
            if (phase[i] == CONNECTING && closedErrno[i] != 0) {
                fail(i, closedErrno[i], "connect", nowNs);
            } else if (phase[i] == RUNNING && run(i, nowNs)) {
                enqueue(i);
            }
            work++;
        }
        if (doneCount == n && engine.orphanCount() == 0 || doneCount == n && nowNs - settleDeadlineNs >= 0) {
            end = captureEnd();
            published = true;
            finished.countDown();
        }
        return work;
    }

    private int resolveThenConnect(long nowNs) {
        if (firstNs == Long.MIN_VALUE) {
            firstNs = nowNs;
            lookup.applyAsLong(nextHop); // starts ARP now; the cache retries by itself
        }
        if (peek.applyAsLong(nextHop) < 0 && nowNs - firstNs < RESOLVE_NS) {
            return 0;
        }
        issued = true;
        for (int i = 0; i < n; i++) {
            startNs[i] = nowNs;
            int id = ops.socket();
            if (id < 0) {
                fail(i, -id, "socket", nowNs);
                continue;
            }
            ids[i] = id;
            indexOf[id] = i;
            phase[i] = CONNECTING;
            int r = ops.connect(id, remoteIp, remotePort, nowNs);
            if (r != -Errno.EINPROGRESS) {
                fail(i, -r, "connect", nowNs);
            }
        }
        doneCheck(nowNs);
        return n;
    }

    /** @return true when it used its budget and wants another turn */
    private boolean run(int i, long nowNs) {
        int id = ids[i];
        for (int round = 0; round < ROUNDS; round++) {
            boolean progress = false;
            if (sent[i] < sendBytes) {
                int off = (int) (sent[i] % CHUNK);
                int len = (int) Math.min(CHUNK - off, sendBytes - sent[i]);
                int w = ops.send(id, pattern, off, len, nowNs);
                if (w > 0) {
                    sentSha[i].update(pattern, off, w);
                    sent[i] += w;
                    progress = true;
                } else if (w != -Errno.EAGAIN) {
                    fail(i, -w, "send", nowNs);
                    return false;
                }
            }
            if (sent[i] == sendBytes && !shut[i] && afterSending(i, id, nowNs)) {
                return false;
            }
            if (mode.checksEcho()) {
                int r = ops.recv(id, scratch, 0, scratch.length, nowNs);
                if (r > 0) {
                    recvSha[i].update(scratch, 0, r);
                    received[i] += r;
                    progress = true;
                } else if (r == 0) {
                    eof[i] = true;
                } else if (r != -Errno.EAGAIN) {
                    fail(i, -r, "recv", nowNs);
                    return false;
                }
                if (received[i] > sendBytes) {
                    fail(i, 0, "more bytes came back than were sent", nowNs);
                    return false;
                }
                if (echoDone(i, id, nowNs)) {
                    return false;
                }
            }
            if (!progress) {
                return false;
            }
        }
        return true;
    }

    /** Everything is queued: close-first closes now, half-close shuts its sending side. @return done */
    private boolean afterSending(int i, int id, long nowNs) {
        if (mode == ClientMode.CLOSE_FIRST) {
            succeed(i, nowNs);
            return true;
        }
        if (mode == ClientMode.HALF_CLOSE) {
            int r = ops.shutdown(id, SHUT_WR, nowNs);
            if (r < 0) {
                fail(i, -r, "shutdown", nowNs);
                return true;
            }
            shut[i] = true;
        }
        return false;
    }

    /** @return true when the connection is finished (either way) */
    private boolean echoDone(int i, int id, long nowNs) {
        boolean all = received[i] == sendBytes;
        switch (mode) {
            case ECHO_CHECK, LINGER0 -> {
                if (all) {
                    if (mode == ClientMode.LINGER0) {
                        opts.setLinger(id, true, 0);
                    }
                    verifyThenFinish(i, nowNs);
                    return true;
                }
                if (eof[i]) {
                    fail(i, 0, "end of stream after " + received[i] + " of " + sendBytes + " bytes", nowNs);
                    return true;
                }
                return false;
            }
            default -> {
                if (eof[i]) {
                    verifyThenFinish(i, nowNs);
                    return true;
                }
                return false;
            }
        }
    }

    private void verifyThenFinish(int i, long nowNs) {
        shaMatch[i] = received[i] == sendBytes
                && MessageDigest.isEqual(sentSha[i].digest(), recvSha[i].digest());
        if (shaMatch[i]) {
            succeed(i, nowNs);
        } else {
            fail(i, 0, "echo differs (" + received[i] + " of " + sendBytes + " bytes, SHA-256 mismatch)", nowNs);
        }
    }

    private void succeed(int i, long nowNs) {
        ok[i] = true;
        finish(i, nowNs);
    }

    private void fail(int i, int err, String what, long nowNs) {
        errno[i] = err;
        why[i] = what;
        finish(i, nowNs);
    }

    private void finish(int i, long nowNs) {
        if (phase[i] != IDLE) {
            ops.close(ids[i], nowNs); // the mode's teardown: FIN, or RST with SO_LINGER 0
        }
        phase[i] = DONE;
        endNs[i] = nowNs;
        doneCount++;
        doneCheck(nowNs);
    }

    private void doneCheck(long nowNs) {
        if (doneCount == n) {
            settleDeadlineNs = nowNs + settleNs;
        }
    }

    private End captureEnd() {
        return new End(engine.timeWaitCount(), engine.orphanCount(),
                engine.counters().get(TcpStat.TcpOutRsts), engine.orphanCount() == 0);
    }

    @Override
    public int openConnections() {
        int open = 0;
        for (int i = 0; i < n; i++) {
            open += phase[i] == CONNECTING || phase[i] == RUNNING ? 1 : 0;
        }
        return open;
    }

    @Override
    public void stop(long nowNs) {
        for (int i = 0; i < n; i++) {
            if (phase[i] == CONNECTING || phase[i] == RUNNING) {
                fail(i, 0, "stopped", nowNs);
            }
        }
    }

    /** @return the latch counted down when every connection is done and the teardowns settled */
    public CountDownLatch finished() {
        return finished;
    }

    /**
     * Prints one line per connection, a summary and the verdict. Call after {@link #finished()} or after
     * the worker stopped (then unfinished connections count as timed out).
     *
     * @param out            where to print
     * @param elapsedNs      the run's duration
     * @param expectErrno    the errno some connections are expected to fail with, or 0
     * @param expectFailures how many of them
     * @return whether everything went as the mode expects
     */
    public boolean report(java.io.PrintStream out, long elapsedNs, int expectErrno, int expectFailures) {
        End e = end != null ? end : captureEnd();
        Report r = new Report(mode, n, expectErrno, expectFailures);
        for (int i = 0; i < n; i++) {
            r.connection(out, i + 1, ids[i], phase[i] == DONE, ok[i], connected[i], errno[i], why[i], sent[i],
                    received[i], shaMatch[i], (endNs[i] - startNs[i]) / 1_000_000);
        }
        return r.summary(out, e, elapsedNs);
    }
}
