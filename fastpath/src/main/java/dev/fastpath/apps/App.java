package dev.fastpath.apps;

import dev.fastpath.tcp.TcpEngine;
import dev.fastpath.tcp.TcpEvents;

/**
 * An application living on a worker: it receives the engine's events and is given the thread after each
 * RX burst and timer pass to act on them.
 */
public interface App extends TcpEvents {

    /**
     * Opens the listener. Called once on the worker's engine before traffic flows.
     *
     * @param engine the engine (the app keeps it)
     * @param port   the TCP port to listen on
     * @param nowNs  the current time
     * @return 0, or −errno
     */
    int start(TcpEngine engine, int port, long nowNs);

    /**
     * Serves the connections it heard about since the last call, boundedly.
     *
     * @param nowNs the current time
     * @return work done (connections served)
     */
    int doWork(long nowNs);

    /** @return connections the app holds open */
    int openConnections();

    /** Closes the listener and every connection (the worker is stopping). */
    void stop(long nowNs);

    /**
     * Appends the application's own non-zero counters as {@code PREFIXName value} lines (the worker's report at
     * SIGTERM). Any thread; the demo servers have none.
     *
     * @param sb     where to append
     * @param prefix {@code workerN.}
     */
    default void report(StringBuilder sb, String prefix) {
    }
}
