package dev.fastpath.poll;

import dev.fastpath.io.PacketIo;
import dev.fastpath.pcap.PcapWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PacketIo} that writes every committed TX frame to a pcap file before passing it on (the
 * worker writes RX frames itself). A write error stops the capture, counted, and never the traffic.
 */
final class CapturingIo implements PacketIo {
    private static final Logger LOG = LoggerFactory.getLogger(CapturingIo.class);
    private final PacketIo inner;
    private final PcapWriter pcap;
    private final PcapClock clock;
    private long errors;
    private boolean broken;

    /** Epoch nanoseconds from the monotonic clock: one wall-clock read at start, none per frame. */
    static final class PcapClock {
        private final long epochAtStartNs = System.currentTimeMillis() * 1_000_000L;
        private final long monoAtStartNs = System.nanoTime();

        long epochNs(long monoNs) {
            return epochAtStartNs + (monoNs - monoAtStartNs);
        }
    }

    CapturingIo(PacketIo inner, PcapWriter pcap, PcapClock clock) {
        this.inner = inner;
        this.pcap = pcap;
        this.clock = clock;
    }

    /** Writes one frame (RX or TX). */
    void capture(MemorySegment buffer, long offset, int length) {
        if (broken) {
            return;
        }
        try {
            pcap.write(buffer, offset, length, clock.epochNs(System.nanoTime()));
        } catch (IOException e) {
            errors++;
            broken = true;
            LOG.warn("pcap: capture stopped: {}", e.getMessage());
        }
    }

    long errors() {
        return errors;
    }

    long records() {
        return pcap.records();
    }

    @Override
    public int receive(RxHandler handler, int limit) {
        return inner.receive(handler, limit);
    }

    @Override
    public MemorySegment txBuffer() {
        return inner.txBuffer();
    }

    @Override
    public long txClaim() {
        return inner.txClaim();
    }

    @Override
    public int txFrameCapacity() {
        return inner.txFrameCapacity();
    }

    @Override
    public void txCommit(long offset, int length) {
        capture(inner.txBuffer(), offset, length);
        inner.txCommit(offset, length);
    }

    @Override
    public void txAbort(long offset) {
        inner.txAbort(offset);
    }

    @Override
    public int flush() {
        return inner.flush();
    }

    @Override
    public void close() {
        try {
            pcap.close();
        } catch (IOException e) {
            LOG.warn("pcap: close failed: {}", e.getMessage());
        }
    }
}
