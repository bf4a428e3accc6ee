package dev.fastpath.pcap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes classic pcap with nanosecond timestamps (magic {@code 0xA1B23C4D}, link type Ethernet) in
 * the host's byte order, as libpcap does. Records are staged in one reusable buffer and reach the
 * file when it fills, on {@link #flush()} and on {@link #close()}; {@link #write} does not allocate.
 * Not thread-safe: give each worker its own writer.
 */
public final class PcapWriter implements AutoCloseable {
    /** Magic number of the nanosecond-resolution format. */
    public static final int MAGIC_NANOS = 0xA1B23C4D;
    /** Magic number of the microsecond-resolution format. */
    public static final int MAGIC_MICROS = 0xA1B2C3D4;
    /** LINKTYPE_ETHERNET. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** Bytes in the file header. */
    public static final int FILE_HEADER_LENGTH = 24;
    /** Bytes in each record header. */
    public static final int RECORD_HEADER_LENGTH = 16;
    /** Default snapshot length: a whole jumbo frame. */
    public static final int DEFAULT_SNAPLEN = 65_535;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final FileChannel channel;
    private final ByteBuffer staging;
    private final MemorySegment stagingSegment;
    private final int snaplen;
    private long records;

    /**
     * Creates (or truncates) a capture file and writes its header.
     *
     * @param file    the file
     * @param snaplen the most bytes of each frame to keep (1..262144)
     * @throws IOException when the file cannot be written
     */
    public PcapWriter(Path file, int snaplen) throws IOException {
        if (snaplen < 1 || snaplen > 262_144) {
            throw new IllegalArgumentException("snaplen must be in 1..262144, was " + snaplen);
        }
        this.snaplen = snaplen;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        this.staging = ByteBuffer.allocateDirect(Math.max(1 << 20, 2 * (snaplen + RECORD_HEADER_LENGTH)))
                .order(ByteOrder.nativeOrder());
        this.stagingSegment = MemorySegment.ofBuffer(staging);
        staging.putInt(MAGIC_NANOS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(snaplen)
                .putInt(LINKTYPE_ETHERNET);
    }

    /**
     * @param file the file, with the default snapshot length
     * @throws IOException when the file cannot be written
     */
    public PcapWriter(Path file) throws IOException {
        this(file, DEFAULT_SNAPLEN);
    }

    /**
     * Appends one frame.
     *
     * @param buffer memory holding the frame
     * @param offset where it starts
     * @param length its length on the wire
     * @param timeNs its timestamp in nanoseconds since the Unix epoch (or any origin the reader agrees on)
     * @throws IOException when the file cannot be written
     */
    public void write(MemorySegment buffer, long offset, int length, long timeNs) throws IOException {
        int captured = Math.min(length, snaplen);
        if (staging.remaining() < RECORD_HEADER_LENGTH + captured) {
            drain();
        }
        staging.putInt((int) (timeNs / NANOS_PER_SECOND)).putInt((int) (timeNs % NANOS_PER_SECOND))
                .putInt(captured).putInt(length);
        MemorySegment.copy(buffer, offset, stagingSegment, staging.position(), captured);
        staging.position(staging.position() + captured);
        records++;
    }

    /**
     * @param frame  the frame's bytes
     * @param timeNs its timestamp
     * @throws IOException when the file cannot be written
     */
    public void write(byte[] frame, long timeNs) throws IOException {
        write(MemorySegment.ofArray(frame), 0, frame.length, timeNs);
    }

    /** @return frames written so far */
    public long records() {
        return records;
    }

    /**
     * Pushes staged records to the file.
     *
     * @throws IOException when the file cannot be written
     */
    public void flush() throws IOException {
        drain();
        channel.force(false);
    }

    private void drain() throws IOException {
        staging.flip();
        while (staging.hasRemaining()) {
            channel.write(staging);
        }
        staging.clear();
    }

    @Override
    public void close() throws IOException {
        try {
            drain();
        } finally {
            channel.close();
        }
    }
}
