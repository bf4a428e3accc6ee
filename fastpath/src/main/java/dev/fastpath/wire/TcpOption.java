package dev.fastpath.wire;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One TCP option as a value, in the order it appeared, so a segment re-emits byte for byte and the
 * packetdrill runner can compare option lists exactly. Known kinds with a wrong length are kept as
 * {@link Unknown}: the receiver ignores them, as Linux does.
 */
public sealed interface TcpOption {

    /** @return the option's length on the wire in bytes */
    int length();

    /** End of option list (kind 0), followed by {@code padding} zero bytes up to the header's end. */
    record Eol(int padding) implements TcpOption {
        @Override
        public int length() {
            return 1 + padding;
        }

        @Override
        public String toString() {
            return padding == 0 ? "eol" : "eol+" + padding;
        }
    }

    /** No operation (kind 1). */
    record Nop() implements TcpOption {
        @Override
        public int length() {
            return 1;
        }

        @Override
        public String toString() {
            return "nop";
        }
    }

    /** Maximum segment size (kind 2, RFC 9293). */
    record Mss(int value) implements TcpOption {
        @Override
        public int length() {
            return TcpOptions.LENGTH_MSS;
        }

        @Override
        public String toString() {
            return "mss " + value;
        }
    }

    /** Window scale shift (kind 3, RFC 7323). */
    record WindowScale(int shift) implements TcpOption {
        @Override
        public int length() {
            return TcpOptions.LENGTH_WINDOW_SCALE;
        }

        @Override
        public String toString() {
            return "wscale " + shift;
        }
    }

    /** SACK permitted (kind 4, RFC 2018). */
    record SackPermitted() implements TcpOption {
        @Override
        public int length() {
            return TcpOptions.LENGTH_SACK_PERMITTED;
        }

        @Override
        public String toString() {
            return "sackOK";
        }
    }

    /** One SACK block: left edge inclusive, right edge exclusive, as unsigned 32-bit values. */
    record SackBlock(long start, long end) {
        /** Masks both edges to 32 bits. */
        public SackBlock {
            start &= 0xFFFF_FFFFL;
            end &= 0xFFFF_FFFFL;
        }
    }

    /** Selective acknowledgement blocks (kind 5, RFC 2018): 1 to 4 blocks. */
    record Sack(List<SackBlock> blocks) implements TcpOption {
        /** Copies the list and checks its size. */
        public Sack {
            blocks = List.copyOf(blocks);
            if (blocks.isEmpty() || blocks.size() > TcpOptions.MAX_SACK_BLOCKS) {
                throw new IllegalArgumentException("a SACK option carries 1 to 4 blocks");
            }
        }

        @Override
        public int length() {
            return 2 + TcpOptions.LENGTH_SACK_BLOCK * blocks.size();
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("sack");
            for (SackBlock s : blocks) {
                b.append(' ').append(s.start()).append(':').append(s.end());
            }
            return b.toString();
        }
    }

    /** Timestamps (kind 8, RFC 7323), as unsigned 32-bit values. */
    record Timestamps(long tsVal, long tsEcr) implements TcpOption {
        /** Masks both values to 32 bits. */
        public Timestamps {
            tsVal &= 0xFFFF_FFFFL;
            tsEcr &= 0xFFFF_FFFFL;
        }

        @Override
        public int length() {
            return TcpOptions.LENGTH_TIMESTAMPS;
        }

        @Override
        public String toString() {
            return "TS val " + tsVal + " ecr " + tsEcr;
        }
    }

    /** Any other kind, or a known kind with the wrong length: kept as raw bytes after kind and length. */
    record Unknown(int kind, byte[] data) implements TcpOption {
        /** Copies the data. */
        public Unknown {
            data = data.clone();
            if (data.length > TcpHeader.MAX_LENGTH - TcpHeader.MIN_LENGTH - 2) {
                throw new IllegalArgumentException("option data longer than 38 bytes");
            }
        }

        @Override
        public int length() {
            return 2 + data.length;
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.kind == kind && Arrays.equals(u.data, data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return "opt" + kind + " " + HexFormat.of().formatHex(data);
        }
    }
}
