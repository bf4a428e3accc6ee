package dev.fastpath.tcp;

/**
 * One cell of the network simulation's grid: how lossy the link is, how large the socket buffers
 * are and which congestion control both engines run.
 *
 * @param lossPct  frames dropped, percent (each direction, independently per frame)
 * @param bufBytes tcp.rmem_default and tcp.wmem_default on both engines
 * @param cc       "cubic" or "reno"
 * @param bytes    how much the client sends
 */
record NetsimCell(int lossPct, int bufBytes, String cc, int bytes) {
    /** One-way delay: 5 ms, so a 10 ms round trip before jitter. */
    static final long DELAY_NS = 5_000_000;
    /** Extra random delay per frame in lossy cells; frames sent together overtake each other. */
    static final long JITTER_NS = 500_000;
    /** Duplication in lossy cells, percent. */
    static final int DUP_PCT = 1;

    /** @return the cell's name in tables and failure messages */
    String key() {
        return lossPct + "%/" + (bufBytes / 1024) + "K/" + cc;
    }

    /** @return duplication, percent: some in every lossy cell, none on the clean link */
    int dupPct() {
        return lossPct == 0 ? 0 : DUP_PCT;
    }

    /** @return jitter: reordering in every lossy cell, none on the clean link */
    long jitterNs() {
        return lossPct == 0 ? 0 : JITTER_NS;
    }

    /** @return the tcp.congestion_control knob's value */
    int ccKnob() {
        return "reno".equals(cc) ? 0 : 1;
    }
}
