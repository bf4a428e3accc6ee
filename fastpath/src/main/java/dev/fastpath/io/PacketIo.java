package dev.fastpath.io;

import dev.fastpath.wire.FrameParser;

import java.lang.foreign.MemorySegment;

/**
 * Frames in and out: the only way the engine meets the outside world (docs/design.md: the engine is
 * deterministic). Implemented by the AF_XDP and AF_PACKET ring backends and by the in-memory link.
 *
 * <p>No allocation and no copy per frame: a frame is named by a buffer (the whole UMEM, ring block or
 * in-memory slab) plus an offset and a length, so flyweights can wrap it in place. A received frame is
 * valid only for the duration of {@link RxHandler#onFrame}; its memory goes back to the ring when the
 * call returns.
 *
 * <p>Sending is claim → write in place → commit. One frame may be claimed at a time per instance;
 * {@link #flush()} makes committed frames visible to the device (a kick, e.g. {@code sendto}).
 *
 * <p>Threading: an instance belongs to one worker thread. Nothing here is thread-safe.
 */
public interface PacketIo extends AutoCloseable {

    /**
     * Frame flag: the L4 checksum was left unfinished by the sender (CHECKSUM_PARTIAL on veth). The parser's
     * flag ({@link FrameParser#RX_CSUM_PARTIAL}): the formats define what a receive flag means, the rings set it.
     */
    int RX_CSUM_PARTIAL = FrameParser.RX_CSUM_PARTIAL;

    /**
     * Hands up to {@code limit} received frames to {@code handler}, in arrival order.
     *
     * @param handler called once per frame, in place
     * @param limit   the most frames to hand over in this call (bounds the duty cycle)
     * @return how many frames were handed over
     */
    int receive(RxHandler handler, int limit);

    /**
     * The memory TX frames are written into. The segment stays the same for the life of the instance.
     *
     * @return the TX buffer
     */
    MemorySegment txBuffer();

    /**
     * Claims room for one outgoing frame.
     *
     * @return the frame's offset in {@link #txBuffer()}, or {@code -1} when the TX ring is full
     */
    long txClaim();

    /**
     * The number of bytes a claimed frame may hold (the ring's frame size).
     *
     * @return the capacity of one TX frame in bytes
     */
    int txFrameCapacity();

    /**
     * Queues the claimed frame for sending.
     *
     * @param offset the offset returned by {@link #txClaim()}
     * @param length the frame's length in bytes, at most {@link #txFrameCapacity()}
     */
    void txCommit(long offset, int length);

    /**
     * Gives back a claimed frame without sending it.
     *
     * @param offset the offset returned by {@link #txClaim()}
     */
    void txAbort(long offset);

    /**
     * Makes committed frames visible to the device.
     *
     * @return how many frames were pushed by this call
     */
    int flush();

    /** Releases rings and kernel objects. Idempotent. */
    @Override
    void close();

    /** Receives frames in place. */
    @FunctionalInterface
    interface RxHandler {
        /**
         * One received frame, starting with its Ethernet header.
         *
         * @param buffer the memory holding the frame (valid only during this call)
         * @param offset where the frame starts in {@code buffer}
         * @param length the frame's length in bytes
         * @param flags  {@code RX_*} flags from the backend
         */
        void onFrame(MemorySegment buffer, long offset, int length, int flags);
    }
}
