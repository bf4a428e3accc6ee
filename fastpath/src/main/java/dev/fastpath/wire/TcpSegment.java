package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A TCP segment as a value (RFC 9293 §3.1), for tests, the packetdrill runner and slow paths. The
 * options keep their order; {@code reserved} keeps the low four bits of byte 12 (three reserved bits
 * and NS) so that any segment re-emits byte for byte.
 *
 * @param sourcePort      source port
 * @param destinationPort destination port
 * @param seq             sequence number
 * @param ack             acknowledgment number
 * @param reserved        the low nibble of the data-offset byte (normally 0)
 * @param flags           the eight flag bits ({@link TcpHeader#FIN} …)
 * @param window          the window field, unscaled
 * @param checksum        the checksum as stored
 * @param urgentPointer   the urgent pointer
 * @param options         the options in wire order
 * @param payload         the data
 */
public record TcpSegment(int sourcePort, int destinationPort, int seq, int ack, int reserved, int flags, int window,
        int checksum, int urgentPointer, List<TcpOption> options, byte[] payload) {

    /** Copies the collections and checks that the options fit in 40 bytes. */
    public TcpSegment {
        options = List.copyOf(options);
        payload = payload.clone();
        if (optionsLength(options) > TcpHeader.MAX_LENGTH - TcpHeader.MIN_LENGTH) {
            throw new IllegalArgumentException("TCP options longer than 40 bytes: " + options);
        }
    }

    /**
     * A segment with checksum 0 and no urgent data; call {@link #withComputedChecksum} before sending.
     *
     * @param sourcePort      source port
     * @param destinationPort destination port
     * @param seq             sequence number
     * @param ack             acknowledgment number
     * @param flags           flag bits
     * @param window          window field
     * @param options         options in order
     * @param payload         data
     * @return the segment
     */
    public static TcpSegment of(int sourcePort, int destinationPort, int seq, int ack, int flags, int window,
            List<TcpOption> options, byte[] payload) {
        return new TcpSegment(sourcePort, destinationPort, seq, ack, 0, flags, window, 0, 0, options, payload);
    }

    /**
     * @param segment memory holding the segment
     * @param offset  where the TCP header starts
     * @param length  the segment's length (IPv4 payload length)
     * @return the segment
     * @throws MalformedPacketException for what {@link FrameParser} would drop, except checksums
     */
    public static TcpSegment parse(MemorySegment segment, long offset, int length) throws MalformedPacketException {
        Bytes.require(length >= TcpHeader.MIN_LENGTH, DropReason.TRUNCATED_TCP, length + " bytes");
        TcpHeader h = new TcpHeader().wrap(segment, offset);
        int headerLength = h.headerLength();
        Bytes.require(headerLength >= TcpHeader.MIN_LENGTH && headerLength <= length, DropReason.BAD_DATA_OFFSET,
                "data offset " + h.dataOffset() + " in " + length + " bytes");
        List<TcpOption> options = parseOptions(segment, h.optionsOffset(), headerLength - TcpHeader.MIN_LENGTH);
        return new TcpSegment(h.sourcePort(), h.destinationPort(), h.seq(), h.ack(),
                Net.u8(segment, offset + TcpHeader.DATA_OFFSET_OFFSET) & 0x0F, h.flags(), h.window(), h.checksum(),
                h.urgentPointer(), options, Bytes.copy(segment, offset + headerLength, length - headerLength));
    }

    private static List<TcpOption> parseOptions(MemorySegment s, long at, int length)
            throws MalformedPacketException {
        List<TcpOption> out = new ArrayList<>();
        int i = 0;
        while (i < length) {
            int kind = Net.u8(s, at + i);
            if (kind == TcpOptions.KIND_EOL) {
                out.add(new TcpOption.Eol(length - i - 1));
                break;
            }
            if (kind == TcpOptions.KIND_NOP) {
                out.add(new TcpOption.Nop());
                i++;
                continue;
            }
            Bytes.require(i + 1 < length, DropReason.BAD_OPTION_LENGTH, "kind " + kind + " without a length");
            int len = Net.u8(s, at + i + 1);
            Bytes.require(len >= 2 && i + len <= length, DropReason.BAD_OPTION_LENGTH,
                    "kind " + kind + " length " + len + " at " + i + " of " + length);
            out.add(option(s, at + i, kind, len));
            i += len;
        }
        return out;
    }

    private static TcpOption option(MemorySegment s, long at, int kind, int len) {
        return switch (kind) {
            case TcpOptions.KIND_MSS -> len == TcpOptions.LENGTH_MSS
                    ? new TcpOption.Mss(Net.u16(s, at + 2)) : unknown(s, at, kind, len);
            case TcpOptions.KIND_WINDOW_SCALE -> len == TcpOptions.LENGTH_WINDOW_SCALE
                    ? new TcpOption.WindowScale(Net.u8(s, at + 2)) : unknown(s, at, kind, len);
            case TcpOptions.KIND_SACK_PERMITTED -> len == TcpOptions.LENGTH_SACK_PERMITTED
                    ? new TcpOption.SackPermitted() : unknown(s, at, kind, len);
            case TcpOptions.KIND_TIMESTAMPS -> len == TcpOptions.LENGTH_TIMESTAMPS
                    ? new TcpOption.Timestamps(Net.i32(s, at + 2), Net.i32(s, at + 6)) : unknown(s, at, kind, len);
            case TcpOptions.KIND_SACK -> len >= 2 + TcpOptions.LENGTH_SACK_BLOCK
                    && (len - 2) % TcpOptions.LENGTH_SACK_BLOCK == 0 ? sack(s, at, len) : unknown(s, at, kind, len);
            default -> unknown(s, at, kind, len);
        };
    }

    private static TcpOption sack(MemorySegment s, long at, int len) {
        List<TcpOption.SackBlock> blocks = new ArrayList<>();
        for (int k = 2; k < len; k += TcpOptions.LENGTH_SACK_BLOCK) {
            blocks.add(new TcpOption.SackBlock(Net.i32(s, at + k), Net.i32(s, at + k + 4)));
        }
        return new TcpOption.Sack(blocks);
    }

    private static TcpOption unknown(MemorySegment s, long at, int kind, int len) {
        return new TcpOption.Unknown(kind, Bytes.copy(s, at + 2, len - 2));
    }

    private static int optionsLength(List<TcpOption> options) {
        int n = 0;
        for (TcpOption o : options) {
            n += o.length();
        }
        return n;
    }

    /** @return the header's length: 20 plus the options rounded up to a word */
    public int headerLength() {
        return TcpHeader.MIN_LENGTH + ((optionsLength(options) + 3) & ~3);
    }

    /** @return header plus payload */
    public int length() {
        return headerLength() + payload.length;
    }

    /** @return the sequence space this segment occupies: data plus one for SYN and one for FIN */
    public int sequenceLength() {
        return payload.length + ((flags & TcpHeader.SYN) != 0 ? 1 : 0) + ((flags & TcpHeader.FIN) != 0 ? 1 : 0);
    }

    /**
     * Writes the segment with the stored checksum; options that do not fill a word are padded with
     * zeros (EOL).
     *
     * @param segment where to write ({@link #length()} bytes)
     * @param offset  where the header starts
     * @return the bytes written
     */
    public int emit(MemorySegment segment, long offset) {
        int headerLength = headerLength();
        new TcpHeader().wrap(segment, offset).sourcePort(sourcePort).destinationPort(destinationPort).seq(seq)
                .ack(ack).flags(flags).window(window).checksum(checksum).urgentPointer(urgentPointer);
        // The data offset shares its byte with the reserved bits, which a record keeps as they came.
        Net.u8(segment, offset + TcpHeader.DATA_OFFSET_OFFSET,
                (headerLength >>> 2) << 4 | (reserved & 0x0F));
        long at = offset + TcpHeader.OPTIONS_OFFSET;
        for (TcpOption o : options) {
            writeOption(segment, at, o);
            at += o.length();
        }
        segment.asSlice(at, offset + headerLength - at).fill((byte) 0);
        Bytes.put(segment, offset + headerLength, payload);
        return length();
    }

    private static void writeOption(MemorySegment s, long at, TcpOption o) {
        switch (o) {
            case TcpOption.Eol eol -> s.asSlice(at, eol.length()).fill((byte) 0);
            case TcpOption.Nop nop -> Net.u8(s, at, TcpOptions.KIND_NOP);
            case TcpOption.Mss mss -> {
                kindLength(s, at, TcpOptions.KIND_MSS, mss.length());
                Net.u16(s, at + 2, mss.value());
            }
            case TcpOption.WindowScale ws -> {
                kindLength(s, at, TcpOptions.KIND_WINDOW_SCALE, ws.length());
                Net.u8(s, at + 2, ws.shift());
            }
            case TcpOption.SackPermitted sp -> kindLength(s, at, TcpOptions.KIND_SACK_PERMITTED, sp.length());
            case TcpOption.Timestamps ts -> {
                kindLength(s, at, TcpOptions.KIND_TIMESTAMPS, ts.length());
                Net.i32(s, at + 2, (int) ts.tsVal());
                Net.i32(s, at + 6, (int) ts.tsEcr());
            }
            case TcpOption.Sack sack -> {
                kindLength(s, at, TcpOptions.KIND_SACK, sack.length());
                long p = at + 2;
                for (TcpOption.SackBlock b : sack.blocks()) {
                    Net.i32(s, p, (int) b.start());
                    Net.i32(s, p + 4, (int) b.end());
                    p += TcpOptions.LENGTH_SACK_BLOCK;
                }
            }
            case TcpOption.Unknown u -> {
                kindLength(s, at, u.kind(), u.length());
                Bytes.put(s, at + 2, u.data());
            }
        }
    }

    private static void kindLength(MemorySegment s, long at, int kind, int length) {
        Net.u8(s, at, kind);
        Net.u8(s, at + 1, length);
    }

    /**
     * @param srcIp the IPv4 source the segment travels from
     * @param dstIp the IPv4 destination
     * @return the checksum this segment should carry between those addresses
     */
    public int computeChecksum(int srcIp, int dstIp) {
        MemorySegment m = MemorySegment.ofArray(new byte[length()]);
        new TcpSegment(sourcePort, destinationPort, seq, ack, reserved, flags, window, 0, urgentPointer, options,
                payload).emit(m, 0);
        return Checksum.tcpChecksum(m, 0, length(), srcIp, dstIp);
    }

    /**
     * @param srcIp source address
     * @param dstIp destination address
     * @return whether the stored checksum is right for these addresses
     */
    public boolean checksumValid(int srcIp, int dstIp) {
        return computeChecksum(srcIp, dstIp) == checksum;
    }

    /**
     * @param srcIp source address
     * @param dstIp destination address
     * @return a copy carrying the right checksum
     */
    public TcpSegment withComputedChecksum(int srcIp, int dstIp) {
        return new TcpSegment(sourcePort, destinationPort, seq, ack, reserved, flags, window,
                computeChecksum(srcIp, dstIp), urgentPointer, options, payload);
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcpSegment t && t.sourcePort == sourcePort && t.destinationPort == destinationPort
                && t.seq == seq && t.ack == ack && t.reserved == reserved && t.flags == flags && t.window == window
                && t.checksum == checksum && t.urgentPointer == urgentPointer && t.options.equals(options)
                && Arrays.equals(t.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sourcePort, destinationPort, seq, ack, reserved, flags, window, checksum, urgentPointer,
                options, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "TcpSegment[" + sourcePort + " > " + destinationPort + " " + TcpHeader.formatFlags(flags) + " "
                + Integer.toUnsignedString(seq) + ":" + Integer.toUnsignedString(seq + payload.length) + "("
                + payload.length + ") ack " + Integer.toUnsignedString(ack) + " win " + window + " <" + options
                + "> csum=0x" + Integer.toHexString(checksum) + (reserved != 0 ? " res=" + reserved : "") + "]";
    }
}
