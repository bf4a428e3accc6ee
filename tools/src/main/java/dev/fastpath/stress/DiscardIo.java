package dev.fastpath.stress;

import dev.fastpath.io.PacketIo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A {@link PacketIo} with no device behind it: {@code flood --io none} builds every frame (and writes it to
 * the pcap file) without a socket or root, which is how the frames are checked in tshark in the unit suite.
 */
final class DiscardIo implements PacketIo {

    private static final int FRAME = 2048;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(FRAME, 64);
    private boolean claimed;
    private long committed;

    @Override
    public int receive(RxHandler handler, int limit) {
        return 0;
    }

    @Override
    public MemorySegment txBuffer() {
        return buffer;
    }

    @Override
    public long txClaim() {
        claimed = true;
        return 0;
    }

    @Override
    public int txFrameCapacity() {
        return FRAME;
    }

    @Override
    public void txCommit(long offset, int length) {
        if (!claimed) {
            throw new IllegalStateException("commit without claim");
        }
        claimed = false;
        committed++;
    }

    @Override
    public void txAbort(long offset) {
        claimed = false;
    }

    @Override
    public int flush() {
        long n = committed;
        committed = 0;
        return (int) n;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
