package dev.fastpath.apps;

import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;
import dev.fastpath.config.Knob;
import dev.fastpath.tcp.SocketOps;
import dev.fastpath.tcp.TcpEngine;

/**
 * What every demo server shares: the listener, accepting, and a queue of socket ids that had an event.
 * Events only queue ids (each at most once); {@link #doWork} serves them after the engine's call stack
 * has unwound, so an application never re-enters the engine from inside its input path. Per-connection
 * state lives in arrays indexed by socket id, sized once from {@code stack.max_connections}.
 */
abstract class AppBase implements App {
    /** Connections accepted per duty cycle at most (the rest wait for the next cycle). */
    private static final int ACCEPT_BUDGET = 256;

    protected SocketOps ops;
    private final int backlog;
    private final int[] ready;
    private final boolean[] queued;
    private final boolean[] open;
    private int readyHead;
    private int readyCount;
    private int listener = -1;
    private boolean acceptable;
    private int openCount;
    private long accepted;

    AppBase(Config config) {
        int max = config.intValue(Knob.STACK_MAX_CONNECTIONS);
        this.backlog = config.intValue(Knob.SOMAXCONN);
        this.ready = new int[max];
        this.queued = new boolean[max];
        this.open = new boolean[max];
    }

    @Override
    public final int start(TcpEngine engine, int port, long nowNs) {
        engine.events(this);
        ops = SocketOps.of(engine);
        int id = ops.socket();
        if (id < 0) {
            return id;
        }
        int r = ops.bind(id, 0, port);
        if (r == 0) {
            r = ops.listen(id, backlog);
        }
        if (r < 0) {
            ops.close(id, nowNs);
            return r;
        }
        listener = id;
        return 0;
    }

    @Override
    public final void onAcceptable(int listenerId) {
        acceptable = true;
    }

    @Override
    public final void onReadable(int id) {
        enqueue(id);
    }

    @Override
    public final void onWritable(int id) {
        enqueue(id);
    }

    @Override
    public final void onClosed(int id, int errno) {
        enqueue(id); // the next read or write returns the error (or 0) and the app closes its handle
    }

    private void enqueue(int id) {
        if (id < 0 || id >= queued.length || queued[id]) {
            return;
        }
        queued[id] = true;
        ready[(readyHead + readyCount) % ready.length] = id;
        readyCount++;
    }

    @Override
    public final int doWork(long nowNs) {
        int work = 0;
        if (acceptable) {
            work += acceptAll();
        }
        for (int n = readyCount; n > 0; n--) {
            int id = ready[readyHead];
            readyHead = (readyHead + 1) % ready.length;
            readyCount--;
            queued[id] = false;
            if (open[id] && serve(id, nowNs)) {
                enqueue(id); // used its budget with more to do: another turn next cycle
            }
            work++;
        }
        return work;
    }

    private int acceptAll() {
        int n = 0;
        while (n < ACCEPT_BUDGET) {
            int id = ops.accept(listener);
            if (id == -Errno.EAGAIN) {
                acceptable = false;
                return n;
            }
            if (id < 0) {
                acceptable = false;
                return n;
            }
            open[id] = true;
            openCount++;
            accepted++;
            opened(id);
            enqueue(id); // data may have arrived with the handshake
            n++;
        }
        return n;
    }

    /**
     * Serves one connection.
     *
     * @return true when it stopped for its budget and wants another turn
     */
    abstract boolean serve(int id, long nowNs);

    /** Resets per-connection state for a freshly accepted id. */
    abstract void opened(int id);

    /** Closes our handle (FIN after queued data, or RST with unread data: Linux close()). */
    final void close(int id, long nowNs) {
        if (!open[id]) {
            return;
        }
        open[id] = false;
        openCount--;
        ops.close(id, nowNs);
    }

    @Override
    public final int openConnections() {
        return openCount;
    }

    /** @return connections accepted so far */
    public final long accepted() {
        return accepted;
    }

    @Override
    public void stop(long nowNs) {
        for (int id = 0; id < open.length; id++) {
            close(id, nowNs);
        }
        if (listener >= 0) {
            ops.close(listener, nowNs);
            listener = -1;
        }
    }
}
