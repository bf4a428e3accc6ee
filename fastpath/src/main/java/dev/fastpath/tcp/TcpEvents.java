package dev.fastpath.tcp;

/**
 * What a run-to-completion application hears from the engine, on the worker thread, without
 * allocation: ids are socket ids, reasons are errno values (0 for an orderly end).
 */
public interface TcpEvents {
    /** Does nothing. */
    TcpEvents NONE = new TcpEvents() {
    };

    /** @param listenerId a listener whose accept queue gained a connection */
    default void onAcceptable(int listenerId) {
    }

    /** @param id a connection that finished its handshake (connect() completed) */
    default void onConnected(int id) {
    }

    /** @param id a connection with data or end of stream to read */
    default void onReadable(int id) {
    }

    /** @param id a connection with room in its send queue again */
    default void onWritable(int id) {
    }

    /**
     * @param id    a connection that is gone
     * @param errno why: 0, ECONNRESET, ETIMEDOUT, ECONNREFUSED, …
     */
    default void onClosed(int id, int errno) {
    }

    /**
     * A close() that lingers (SO_LINGER with a time, F5) would have blocked until now; the id is the
     * closed socket's, still held by the engine until the connection ends.
     *
     * @param id    the socket
     * @param errno 0 when our FIN was acknowledged (F9: the ACK of the FIN wakes it), ETIMEDOUT when
     *              the linger time ran out first and the connection was reset
     */
    default void onLingerDone(int id, int errno) {
    }
}
