package dev.fastpath.tcp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A fixed-capacity byte ring for a connection's receive queue. Bytes are appended at the tail and
 * consumed from the head; {@link #copyOut} reads at an offset from the head without consuming.
 * (The send queue, which also keeps skbs, is {@link SendQueue}.)
 */
final class ByteRing {
    private byte[] data;
    private int head;
    private int size;

    ByteRing(int capacity) {
        this.data = new byte[capacity];
    }

    /** @return ring, emptied, when it already has this capacity; otherwise a new ring */
    static ByteRing reuse(ByteRing ring, int capacity) {
        if (ring != null && ring.data.length == capacity) {
            ring.clear();
            return ring;
        }
        return new ByteRing(capacity);
    }

    int size() {
        return size;
    }

    int capacity() {
        return data.length;
    }

    int free() {
        return data.length - size;
    }

    /** Grows (only while empty bytes are not at stake: used by SO_SNDBUF/SO_RCVBUF before data). */
    void resize(int capacity) {
        resize(capacity, size);
    }

    /**
     * Grows and keeps {@code extent} bytes from the head: the readable ones and, in a receive queue,
     * the out-of-order bytes written past the tail ({@link #writeAt}).
     */
    void resize(int capacity, int extent) {
        int keep = Math.min(Math.max(extent, size), data.length);
        byte[] d = new byte[Math.max(capacity, keep)];
        copyOut(0, d, 0, keep);
        data = d;
        head = 0;
    }

    int append(byte[] src, int off, int len) {
        int n = Math.min(len, free());
        int tail = (head + size) % data.length;
        int first = Math.min(n, data.length - tail);
        System.arraycopy(src, off, data, tail, first);
        System.arraycopy(src, off + first, data, 0, n - first);
        size += n;
        return n;
    }

    /**
     * Writes beyond the tail without making the bytes readable yet: out-of-order data waits there,
     * at its distance from rcv_nxt, until the gap before it fills ({@link #commit}).
     *
     * @param gap bytes between the tail and where this data goes
     */
    void writeAt(int gap, MemorySegment src, long srcOffset, int len) {
        int at = (head + size + gap) % data.length;
        int first = Math.min(len, data.length - at);
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, srcOffset, data, at, first);
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, srcOffset + first, data, 0, len - first);
    }

    /** Makes {@code n} bytes written with {@link #writeAt} readable. */
    void commit(int n) {
        size += n;
    }

    void copyOut(int from, byte[] dst, int off, int len) {
        int start = (head + from) % data.length;
        int first = Math.min(len, data.length - start);
        System.arraycopy(data, start, dst, off, first);
        System.arraycopy(data, 0, dst, off + first, len - first);
    }

    void consume(int n) {
        head = (head + n) % data.length;
        size -= n;
    }

    void clear() {
        head = 0;
        size = 0;
    }
}
