package dev.fastpath.tcp;

/**
 * A bounded set of disjoint sequence ranges [start, end), kept sorted and merged: the receiver's
 * out-of-order data (smoltcp's assembler, Linux's out_of_order_queue) and the sender's SACK
 * scoreboard (RFC 6675). Comparisons use sequence arithmetic, so all ranges must lie within 2^31 of
 * each other (they lie within one window). Fixed capacity: no allocation after construction.
 */
final class SeqRanges {
    private final int[] start;
    private final int[] end;
    private int count;
    /** The range the most recent {@link #add} touched (RFC 2018: reported first). */
    private int recent = -1;

    SeqRanges(int capacity) {
        start = new int[capacity];
        end = new int[capacity];
    }

    int count() {
        return count;
    }

    int start(int i) {
        return start[i];
    }

    int end(int i) {
        return end[i];
    }

    int recent() {
        return recent;
    }

    void clear() {
        count = 0;
        recent = -1;
    }

    /**
     * Adds [s, e), merging with every range it overlaps or touches.
     *
     * @return false when that would need one range more than the capacity (nothing changed)
     */
    boolean add(int s, int e) {
        if (!Seq.before(s, e)) {
            return true;
        }
        int i = 0;
        while (i < count && Seq.before(end[i], s)) {
            i++;
        }
        int j = i;
        int ns = s;
        int ne = e;
        while (j < count && !Seq.after(start[j], e)) {
            ns = Seq.before(start[j], ns) ? start[j] : ns;
            ne = Seq.after(end[j], ne) ? end[j] : ne;
            j++;
        }
        int merged = j - i;
        if (merged == 0) {
            if (count == start.length) {
                return false;
            }
            System.arraycopy(start, i, start, i + 1, count - i);
            System.arraycopy(end, i, end, i + 1, count - i);
            count++;
        } else if (merged > 1) {
            System.arraycopy(start, j, start, i + 1, count - j);
            System.arraycopy(end, j, end, i + 1, count - j);
            count -= merged - 1;
        }
        start[i] = ns;
        end[i] = ne;
        recent = i;
        return true;
    }

    /** Forgets everything before {@code seq}; a range that straddles it is trimmed. */
    void removeBefore(int seq) {
        int i = 0;
        while (i < count && !Seq.after(end[i], seq)) {
            i++;
        }
        if (i > 0) {
            System.arraycopy(start, i, start, 0, count - i);
            System.arraycopy(end, i, end, 0, count - i);
            count -= i;
            recent = recent >= i ? recent - i : -1;
        }
        if (count > 0 && Seq.before(start[0], seq)) {
            start[0] = seq;
        }
    }

    /** Forgets everything at or after {@code seq}; a range that straddles it is trimmed. */
    void removeFrom(int seq) {
        while (count > 0 && !Seq.before(start[count - 1], seq)) {
            count--;
        }
        if (count > 0 && Seq.after(end[count - 1], seq)) {
            end[count - 1] = seq;
        }
        if (recent >= count) {
            recent = -1;
        }
    }

    /** @return whether [s, e) lies inside one range */
    boolean covers(int s, int e) {
        for (int i = 0; i < count; i++) {
            if (!Seq.after(start[i], s) && !Seq.before(end[i], e)) {
                return true;
            }
        }
        return false;
    }

    /** @return bytes covered by all ranges */
    int bytes() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            n += end[i] - start[i];
        }
        return n;
    }

    /**
     * @param from a sequence number
     * @return the first sequence number at or after {@code from} that no range covers
     */
    int nextUncovered(int from) {
        int at = from;
        for (int i = 0; i < count; i++) {
            if (!Seq.after(start[i], at) && Seq.after(end[i], at)) {
                at = end[i];
            }
        }
        return at;
    }

    /** @return the end of the highest range, or {@code otherwise} when empty */
    int highestEnd(int otherwise) {
        return count == 0 ? otherwise : end[count - 1];
    }
}
