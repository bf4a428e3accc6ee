package dev.fastpath.tcp;

/** A fixed-capacity stack of ints: free lists of pool indexes without boxing. */
final class IntStack {
    private final int[] items;
    private int size;

    /** @param capacity most items; filled with capacity−1 … 0 so that 0 pops first */
    IntStack(int capacity) {
        items = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            items[i] = capacity - 1 - i;
        }
        size = capacity;
    }

    /** @return the top item, or −1 when empty */
    int pop() {
        return size == 0 ? -1 : items[--size];
    }

    void push(int v) {
        items[size++] = v;
    }

    int size() {
        return size;
    }
}
