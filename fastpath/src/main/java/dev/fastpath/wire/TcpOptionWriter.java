package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;

/**
 * Writes TCP options in place, in the order the caller chooses (Linux's layouts need exact NOP
 * placement). Reusable; no allocation. The caller guarantees room for 40 bytes after the start.
 */
public final class TcpOptionWriter {

    private MemorySegment segment;
    private long start;
    private int length;

    /**
     * Starts writing options at an offset.
     *
     * @param buffer the memory
     * @param offset the first option byte (TCP header + 20)
     * @return this
     */
    public TcpOptionWriter wrap(MemorySegment buffer, long offset) {
        this.segment = buffer;
        this.start = offset;
        this.length = 0;
        return this;
    }

    /** @return the bytes written so far */
    public int length() {
        return length;
    }

    /** @return this, after one NOP */
    public TcpOptionWriter nop() {
        Net.u8(segment, start + length, TcpOptions.KIND_NOP);
        length += 1;
        return this;
    }

    /** @return this, after one EOL */
    public TcpOptionWriter eol() {
        Net.u8(segment, start + length, TcpOptions.KIND_EOL);
        length += 1;
        return this;
    }

    /**
     * @param mss the maximum segment size
     * @return this
     */
    public TcpOptionWriter mss(int mss) {
        long at = start + length;
        Net.u8(segment, at, TcpOptions.KIND_MSS);
        Net.u8(segment, at + 1, TcpOptions.LENGTH_MSS);
        Net.u16(segment, at + 2, mss);
        length += TcpOptions.LENGTH_MSS;
        return this;
    }

    /**
     * @param shift the window scale shift count
     * @return this
     */
    public TcpOptionWriter windowScale(int shift) {
        long at = start + length;
        Net.u8(segment, at, TcpOptions.KIND_WINDOW_SCALE);
        Net.u8(segment, at + 1, TcpOptions.LENGTH_WINDOW_SCALE);
        Net.u8(segment, at + 2, shift);
        length += TcpOptions.LENGTH_WINDOW_SCALE;
        return this;
    }

    /** @return this, after a SACK-permitted option */
    public TcpOptionWriter sackPermitted() {
        long at = start + length;
        Net.u8(segment, at, TcpOptions.KIND_SACK_PERMITTED);
        Net.u8(segment, at + 1, TcpOptions.LENGTH_SACK_PERMITTED);
        length += TcpOptions.LENGTH_SACK_PERMITTED;
        return this;
    }

    /**
     * @param tsVal the timestamp value
     * @param tsEcr the timestamp echo reply
     * @return this
     */
    public TcpOptionWriter timestamps(int tsVal, int tsEcr) {
        long at = start + length;
        Net.u8(segment, at, TcpOptions.KIND_TIMESTAMPS);
        Net.u8(segment, at + 1, TcpOptions.LENGTH_TIMESTAMPS);
        Net.i32(segment, at + 2, tsVal);
        Net.i32(segment, at + 6, tsEcr);
        length += TcpOptions.LENGTH_TIMESTAMPS;
        return this;
    }

    /**
     * A TCP Fast Open option (RFC 7413): a cookie request (length 0) or a cookie, padded with two NOPs
     * when its length is 2 mod 4, as Linux writes it.
     *
     * @param cookieLength 0, or 4..16
     * @param hi           the cookie's bytes 0..7, big-endian
     * @param lo           its bytes 8..15
     * @return this
     */
    public TcpOptionWriter fastOpen(int cookieLength, long hi, long lo) {
        return fastOpen(cookieLength, hi, lo, false);
    }

    /**
     * A TCP Fast Open option, in RFC 7413's form (kind 34) or the experimental one Linux also speaks (kind 254,
     * ExID 0xF989, RFC 6994); an option length of 2 mod 4 is padded with two NOPs (tcp_options_write()).
     *
     * @param cookieLength 0, or 4..16
     * @param hi           the cookie's bytes 0..7, big-endian
     * @param lo           its bytes 8..15
     * @param exp          the experimental form
     * @return this
     */
    public TcpOptionWriter fastOpen(int cookieLength, long hi, long lo, boolean exp) {
        long at = start + length;
        int base = exp ? 4 : 2;
        Net.u8(segment, at, exp ? TcpOptions.KIND_EXP : TcpOptions.KIND_FASTOPEN);
        Net.u8(segment, at + 1, base + cookieLength);
        if (exp) {
            Net.u16(segment, at + 2, TcpOptions.FASTOPEN_MAGIC);
        }
        for (int k = 0; k < cookieLength; k++) {
            long word = k < 8 ? hi : lo;
            Net.u8(segment, at + base + k, (int) (word >>> (56 - 8 * (k & 7))) & 0xFF);
        }
        length += base + cookieLength;
        if (((base + cookieLength) & 3) == 2) {
            nop().nop();
        }
        return this;
    }

    /**
     * A SACK option with {@code count} blocks.
     *
     * @param starts left edges
     * @param ends   right edges
     * @param count  1..4 (at most 3 when timestamps are also sent, to fit in 40 bytes)
     * @return this
     */
    public TcpOptionWriter sackBlocks(int[] starts, int[] ends, int count) {
        long at = start + length;
        int optionLength = 2 + count * TcpOptions.LENGTH_SACK_BLOCK;
        Net.u8(segment, at, TcpOptions.KIND_SACK);
        Net.u8(segment, at + 1, optionLength);
        for (int k = 0; k < count; k++) {
            Net.i32(segment, at + 2 + (long) k * TcpOptions.LENGTH_SACK_BLOCK, starts[k]);
            Net.i32(segment, at + 6 + (long) k * TcpOptions.LENGTH_SACK_BLOCK, ends[k]);
        }
        length += optionLength;
        return this;
    }

    /**
     * Pads with EOL/zero bytes to a multiple of 4 (RFC 9293 §3.1: the header ends on a 32-bit boundary).
     *
     * @return the padded length in bytes
     */
    public int padToWord() {
        while ((length & 3) != 0) {
            eol();
        }
        return length;
    }
}
