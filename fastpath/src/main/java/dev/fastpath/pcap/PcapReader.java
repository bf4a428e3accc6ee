package dev.fastpath.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads classic pcap in either byte order and either timestamp resolution, link type Ethernet only.
 * Anything else — another magic, another link type, a header cut short, a record longer than the
 * snapshot length or the file — is a {@link PcapFormatException} naming the offset.
 */
public final class PcapReader {
    private static final int MAX_RECORD = 262_144;

    private PcapReader() {
    }

    /**
     * @param file a capture file
     * @return its frames in file order
     * @throws IOException when unreadable or malformed
     */
    public static List<PcapRecord> read(Path file) throws IOException {
        return read(Files.readAllBytes(file));
    }

    /**
     * @param bytes a whole capture file
     * @return its frames in file order
     * @throws PcapFormatException when malformed
     */
    public static List<PcapRecord> read(byte[] bytes) throws PcapFormatException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < PcapWriter.FILE_HEADER_LENGTH) {
            throw new PcapFormatException("file shorter than a pcap header: " + bytes.length + " bytes");
        }
        int magic = b.getInt(0);
        if (magic != PcapWriter.MAGIC_NANOS && magic != PcapWriter.MAGIC_MICROS) {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
        }
        long unit;
        if (magic == PcapWriter.MAGIC_NANOS) {
            unit = 1;
        } else if (magic == PcapWriter.MAGIC_MICROS) {
            unit = 1_000;
        } else {
            throw new PcapFormatException(String.format("not a classic pcap file (magic 0x%08x)", b.getInt(0)));
        }
        int snaplen = b.getInt(16);
        int linkType = b.getInt(20);
        if (linkType != PcapWriter.LINKTYPE_ETHERNET) {
            throw new PcapFormatException("link type " + linkType + " is not Ethernet (1)");
        }
        b.position(PcapWriter.FILE_HEADER_LENGTH);
        List<PcapRecord> out = new ArrayList<>();
        while (b.hasRemaining()) {
            out.add(record(b, unit, snaplen));
        }
        return out;
    }

    private static PcapRecord record(ByteBuffer b, long unit, int snaplen) throws PcapFormatException {
        int at = b.position();
        if (b.remaining() < PcapWriter.RECORD_HEADER_LENGTH) {
            throw new PcapFormatException("record header cut short at offset " + at);
        }
        long seconds = Integer.toUnsignedLong(b.getInt());
        long fraction = Integer.toUnsignedLong(b.getInt());
        int captured = b.getInt();
        int original = b.getInt();
        if (captured < 0 || captured > MAX_RECORD || (snaplen > 0 && captured > Math.max(snaplen, 0))) {
            throw new PcapFormatException("record at offset " + at + " claims " + Integer.toUnsignedString(captured)
                    + " captured bytes (snaplen " + snaplen + ")");
        }
        if (captured > b.remaining()) {
            throw new PcapFormatException("record at offset " + at + " runs past the end of the file");
        }
        byte[] data = new byte[captured];
        b.get(data);
        return new PcapRecord(seconds * 1_000_000_000L + fraction * unit, original, data);
    }
}
