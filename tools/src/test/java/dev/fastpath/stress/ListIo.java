package dev.fastpath.stress;

import dev.fastpath.io.PacketIo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** A {@link PacketIo} for tests: keeps every committed frame, can refuse claims (a full TX ring). */
final class ListIo implements PacketIo {

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(2048, 64);
    final List<byte[]> sent = new ArrayList<>();
    boolean full;

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
        return full ? -1 : 0;
    }

    @Override
    public int txFrameCapacity() {
        return 2048;
    }

    @Override
    public void txCommit(long offset, int length) {
        sent.add(buffer.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
    }

    @Override
    public void txAbort(long offset) {
    }

    @Override
    public int flush() {
        return 0;
    }

    @Override
    public void close() {
        arena.close();
    }
}
