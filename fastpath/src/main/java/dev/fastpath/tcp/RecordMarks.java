package dev.fastpath.tcp;

/**
 * Where the records written with MSG_EOR end in the send queue. Linux marks such an skb
 * ({@code TCP_SKB_CB(skb)->eor}) so that nothing written later is added to it and no collapse of
 * retransmissions merges it with the next one ({@code tcp_skb_can_collapse_to()}): no segment — first
 * transmission or retransmission — carries bytes of two records. Here the marks are where the records end,
 * as positions in the send queue's running byte count (wrapping like sequence numbers), oldest first,
 * dropped once the bytes are consumed (acknowledged); {@link ByteRing} keeps them with its bytes.
 *
 * <p>Bounded: Linux pays an skb per record against the send buffer, so tiny records fill it early; here at
 * most {@link #MAX} records wait unacknowledged, and a send that would need one more is refused (EAGAIN)
 * until ACKs free some.
 */
final class RecordMarks {

    /** Records that may wait unacknowledged. */
    static final int MAX = 1024;

    private int[] ends = new int[8];
    private int head;
    private int count;

    /** @return whether another record can be marked now */
    boolean hasRoom() {
        return count < MAX;
    }

    /**
     * Marks the end of a record (a repeated mark is one record).
     *
     * @param endSeq the position just past the record's last byte
     */
    void add(int endSeq) {
        if (count > 0 && ends[(head + count - 1) & (ends.length - 1)] == endSeq) {
            return;
        }
        if (count == ends.length) {
            int[] grown = new int[ends.length * 2];
            for (int i = 0; i < count; i++) {
                grown[i] = ends[(head + i) & (ends.length - 1)];
            }
            ends = grown;
            head = 0;
        }
        ends[(head + count) & (ends.length - 1)] = endSeq;
        count++;
    }

    /**
     * @param seq the position where a segment would start
     * @return bytes from {@code seq} to the end of its record, or {@link Integer#MAX_VALUE} when no record
     *         ends after it
     */
    int room(int seq) {
        for (int i = 0; i < count; i++) {
            int end = ends[(head + i) & (ends.length - 1)];
            if (Seq.after(end, seq)) {
                return end - seq;
            }
        }
        return Integer.MAX_VALUE;
    }

    /** @return whether a record ends exactly at {@code seq} */
    boolean endsAt(int seq) {
        for (int i = 0; i < count; i++) {
            if (ends[(head + i) & (ends.length - 1)] == seq) {
                return true;
            }
        }
        return false;
    }

    /** Forgets the records that end at or before {@code sndUna} (consumed). */
    void ackedTo(int sndUna) {
        while (count > 0 && !Seq.after(ends[head], sndUna)) {
            head = (head + 1) & (ends.length - 1);
            count--;
        }
    }

    /** @return records waiting */
    int size() {
        return count;
    }

    void clear() {
        head = 0;
        count = 0;
    }
}
