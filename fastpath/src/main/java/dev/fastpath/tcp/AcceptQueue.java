package dev.fastpath.tcp;

/**
 * A listener's accept queue (Linux's icsk_accept_queue): children in arrival order, linked through
 * their own fields, so taking the head, appending and removing a child that was reset before
 * accept() are all O(1) and allocate nothing.
 */
final class AcceptQueue {
    /** When the SYN queue last overflowed into cookies (Linux tcp_synq_overflow); cookies are checked for 2 min. */
    long lastOverflowNs = Long.MIN_VALUE;
    private TcpSock head;
    private TcpSock tail;
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(TcpSock c) {
        c.acceptPrev = tail;
        c.acceptNext = null;
        if (tail == null) {
            head = c;
        } else {
            tail.acceptNext = c;
        }
        tail = c;
        size++;
    }

    /** @return the oldest child, or null */
    TcpSock poll() {
        TcpSock c = head;
        if (c != null) {
            remove(c);
        }
        return c;
    }

    /** Unlinks a child known to be in this queue. */
    void remove(TcpSock c) {
        if (c.acceptPrev == null) {
            head = c.acceptNext;
        } else {
            c.acceptPrev.acceptNext = c.acceptNext;
        }
        if (c.acceptNext == null) {
            tail = c.acceptPrev;
        } else {
            c.acceptNext.acceptPrev = c.acceptPrev;
        }
        c.acceptPrev = null;
        c.acceptNext = null;
        size--;
    }

    void clear() {
        lastOverflowNs = Long.MIN_VALUE;
        while (poll() != null) {
            // unlink every child so none keeps stale links into a reused queue
        }
    }
}
