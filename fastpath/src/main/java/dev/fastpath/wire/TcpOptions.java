package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;

/**
 * The TCP options of one segment, parsed into a reusable holder (no allocation).
 *
 * <pre>
 * Kind  Length  Meaning                         RFC
 *  0      -     End of option list (EOL)        9293
 *  1      -     No-operation (NOP)              9293
 *  2      4     Maximum segment size            9293
 *  3      3     Window scale                    7323
 *  4      2     SACK permitted                  2018
 *  5    2+8n    SACK blocks (n = 1..4)          2018
 *  8     10     Timestamps (TSval, TSecr)       7323
 * 34    2+n     Fast Open cookie (n = 0, 4..16) 7413
 * 254   4+n     Fast Open, experimental form    6994 (ExID 0xF989)
 * </pre>
 *
 * Unknown kinds are skipped by their length. A known kind with the wrong length is ignored, as
 * Linux's {@code tcp_parse_options} does; a malformed option — its length byte missing, below 2 or
 * running past the header — ends the walk there and what was parsed before it stands (again as
 * {@code tcp_parse_options}: the segment itself is processed, see {@link #malformed()}). Whether an
 * option counts (MSS only on SYN, …) is the engine's business.
 */
public final class TcpOptions {

    public static final int KIND_EOL = 0;
    public static final int KIND_NOP = 1;
    public static final int KIND_MSS = 2;
    public static final int KIND_WINDOW_SCALE = 3;
    public static final int KIND_SACK_PERMITTED = 4;
    public static final int KIND_SACK = 5;
    public static final int KIND_TIMESTAMPS = 8;
    /** RFC 7413 TCP Fast Open cookie (length 2 for a cookie request, 6..18 with a cookie). */
    public static final int KIND_FASTOPEN = 34;
    /** RFC 6994 shared experimental option; Fast Open's pre-RFC form uses it with ExID 0xF989. */
    public static final int KIND_EXP = 254;
    /** The Fast Open ExID in an experimental option (Linux TCPOPT_FASTOPEN_MAGIC). */
    public static final int FASTOPEN_MAGIC = 0xF989;

    public static final int LENGTH_MSS = 4;
    public static final int LENGTH_WINDOW_SCALE = 3;
    public static final int LENGTH_SACK_PERMITTED = 2;
    public static final int LENGTH_TIMESTAMPS = 10;
    public static final int LENGTH_SACK_BLOCK = 8;
    public static final int MAX_SACK_BLOCKS = 4;

    private int mss;
    private int windowScale;
    private boolean sackPermitted;
    private boolean hasTimestamps;
    private int tsVal;
    private int tsEcr;
    private int sackBlockCount;
    private final int[] sackStart = new int[MAX_SACK_BLOCKS];
    private final int[] sackEnd = new int[MAX_SACK_BLOCKS];
    private int fastOpenLength;
    private long fastOpenHi;
    private long fastOpenLo;
    private boolean fastOpenExp;
    private boolean malformed;

    /** Creates an empty holder. */
    public TcpOptions() {
        clear();
    }

    /** Forgets every option. */
    public void clear() {
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        hasTimestamps = false;
        tsVal = 0;
        tsEcr = 0;
        sackBlockCount = 0;
        fastOpenLength = -1;
        fastOpenHi = 0;
        fastOpenLo = 0;
        fastOpenExp = false;
        malformed = false;
    }

    /**
     * Parses the options area of a TCP header. The caller has checked that the area lies inside the
     * frame; this method checks each option's length against the area before reading it. Kernel:
     * tcp_input.c tcp_parse_options(): a malformed option ends the walk ("silly options", "don't parse
     * partial options"); the segment is not dropped for it.
     *
     * @param buffer        the memory holding the segment
     * @param optionsOffset where the options start (header offset + 20)
     * @param optionsLength the options' length in bytes (header length − 20; 0..40)
     * @param out           the holder to fill (cleared first)
     * @return {@link DropReason#NONE}: options never make a segment unacceptable
     */
    public static DropReason parse(MemorySegment buffer, long optionsOffset, int optionsLength, TcpOptions out) {
        out.clear();
        int i = 0;
        while (i < optionsLength) {
            int kind = Net.u8(buffer, optionsOffset + i);
            if (kind == KIND_EOL) {
                break;
            }
            if (kind == KIND_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= optionsLength) {
                out.malformed = true; // no room for a length byte
                break;
            }
            int length = Net.u8(buffer, optionsOffset + i + 1);
            if (length < 2 || i + length > optionsLength) {
                out.malformed = true;
                break;
            }
            out.take(buffer, optionsOffset + i, kind, length);
            i += length;
        }
        return DropReason.NONE;
    }

    /** @return whether a malformed option ended the walk early (what came before it was kept) */
    public boolean malformed() {
        return malformed;
    }

    private void take(MemorySegment b, long at, int kind, int length) {
        switch (kind) {
            case KIND_MSS -> {
                if (length == LENGTH_MSS) {
                    mss = Net.u16(b, at + 2);
                }
            }
            case KIND_WINDOW_SCALE -> {
                if (length == LENGTH_WINDOW_SCALE) {
                    windowScale = Net.u8(b, at + 2);
                }
            }
            case KIND_SACK_PERMITTED -> {
                if (length == LENGTH_SACK_PERMITTED) {
                    sackPermitted = true;
                }
            }
            case KIND_TIMESTAMPS -> {
                if (length == LENGTH_TIMESTAMPS) {
                    hasTimestamps = true;
                    tsVal = Net.i32(b, at + 2);
                    tsEcr = Net.i32(b, at + 6);
                }
            }
            case KIND_SACK -> {
                if (length >= 2 + LENGTH_SACK_BLOCK && (length - 2) % LENGTH_SACK_BLOCK == 0) {
                    int n = Math.min((length - 2) / LENGTH_SACK_BLOCK, MAX_SACK_BLOCKS);
                    for (int k = 0; k < n; k++) {
                        sackStart[k] = Net.i32(b, at + 2 + (long) k * LENGTH_SACK_BLOCK);
                        sackEnd[k] = Net.i32(b, at + 6 + (long) k * LENGTH_SACK_BLOCK);
                    }
                    sackBlockCount = n;
                }
            }
            case KIND_FASTOPEN -> fastOpen(b, at + 2, length - 2, false);
            case KIND_EXP -> {
                if (length >= 4 && Net.u16(b, at + 2) == FASTOPEN_MAGIC) {
                    fastOpen(b, at + 4, length - 4, true);
                }
            }
            default -> {
                // Unknown kinds are skipped by their length (RFC 9293 §3.2).
            }
        }
    }

    /**
     * Linux tcp_parse_fastopen_option(): an odd length is ignored; 0 is a cookie request, 4..16 a cookie, any
     * other even length makes the option invalid (−1). The last Fast Open option of a segment wins.
     */
    private void fastOpen(MemorySegment b, long at, int n, boolean exp) {
        if ((n & 1) != 0) {
            return;
        }
        fastOpenHi = 0;
        fastOpenLo = 0;
        fastOpenExp = exp;
        if (n != 0 && (n < 4 || n > 16)) {
            fastOpenLength = -1;
            return;
        }
        fastOpenLength = n;
        for (int k = 0; k < n; k++) {
            long v = Net.u8(b, at + k);
            if (k < 8) {
                fastOpenHi |= v << (56 - 8 * k);
            } else {
                fastOpenLo |= v << (56 - 8 * (k - 8));
            }
        }
    }

    /** @return the MSS option's value, or −1 when absent */
    public int mss() {
        return mss;
    }

    /** @return the window scale shift as sent (may exceed 14; the engine clamps), or −1 when absent */
    public int windowScale() {
        return windowScale;
    }

    /** @return whether SACK-permitted was present */
    public boolean sackPermitted() {
        return sackPermitted;
    }

    /** @return whether a timestamps option was present */
    public boolean hasTimestamps() {
        return hasTimestamps;
    }

    /** @return TSval (valid when {@link #hasTimestamps()}) */
    public int tsVal() {
        return tsVal;
    }

    /** @return TSecr (valid when {@link #hasTimestamps()}) */
    public int tsEcr() {
        return tsEcr;
    }

    /** @return the Fast Open cookie's length: −1 absent, 0 a cookie request, else 4..16 bytes */
    public int fastOpenLength() {
        return fastOpenLength;
    }

    /** @return whether the Fast Open option was the experimental form (kind 254, ExID 0xF989) */
    public boolean fastOpenExp() {
        return fastOpenExp;
    }

    /** @return the cookie's first 8 bytes, big-endian (zero-padded) */
    public long fastOpenHi() {
        return fastOpenHi;
    }

    /** @return the cookie's bytes 8..15, big-endian (zero-padded) */
    public long fastOpenLo() {
        return fastOpenLo;
    }

    /** @return the number of SACK blocks (0..4) */
    public int sackBlockCount() {
        return sackBlockCount;
    }

    /**
     * @param i the block index, below {@link #sackBlockCount()}
     * @return the block's left edge
     */
    public int sackBlockStart(int i) {
        return sackStart[i];
    }

    /**
     * @param i the block index, below {@link #sackBlockCount()}
     * @return the block's right edge (one past the last sequence number)
     */
    public int sackBlockEnd(int i) {
        return sackEnd[i];
    }
}
