package dev.fastpath.nativeio;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One side of an AF_XDP single-producer/single-consumer ring, re-implementing libxdp's static inline helpers
 * ({@code xsk_ring_prod__reserve/submit}, {@code xsk_ring_cons__peek/release/cancel},
 * {@code xsk_ring_prod__needs_wakeup}) over a mapped ring. The fill and TX rings are used as producers, the RX
 * and completion rings as consumers; the kernel is the other side. Not thread-safe: one owner per ring.
 *
 * <p>Indices are free-running unsigned 32-bit counters, held in Java {@code int}s: differences are taken with
 * wrapping arithmetic, so wrap-around at 2<sup>32</sup> needs no special case, and slots are
 * {@code index & (size - 1)}.
 *
 * <p>Memory ordering matches the kernel's contract ({@code net/xdp/xsk_queue.h}): the shared producer and
 * consumer words are read with acquire and written with release (a {@code JAVA_INT} VarHandle with
 * invoke-exact behaviour, so no boxing or adaptation). A producer writes entries with plain stores and then
 * publishes them with a release store of the producer index; the consumer's acquire load of that index makes
 * the entries visible. A consumer's release store of the consumer index orders its reads of the entries before
 * the producer may reuse the slots, which the producer observes with an acquire load. Both sides cache the
 * other's index and only reload it when the cached view runs out, so the hot path touches the shared cache
 * line rarely.
 *
 * <p>The reserve/peek start index is kept in {@link #index()} (libxdp's {@code *idx} out-parameter), to keep
 * the calls allocation-free.
 */
public final class XdpRing {

    private static final VarHandle U32 = ValueLayout.JAVA_INT.varHandle().withInvokeExactBehavior();

    private final MemorySegment map;
    private final long producerOff;
    private final long consumerOff;
    private final long flagsOff;
    private final long descOff;
    private final int size;
    private final int mask;
    private final int entrySize;
    private final boolean producerSide;

    private int cachedProd;
    private int cachedCons;
    private int index;

    private XdpRing(MemorySegment map, long producerOff, long consumerOff, long flagsOff, long descOff,
                    int size, int entrySize, boolean producerSide) {
        if (size <= 0 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two: " + size);
        }
        if (entrySize != Long.BYTES && entrySize != (int) xdp_desc.sizeof()) {
            throw new IllegalArgumentException("entry size must be 8 (UMEM address) or 16 (xdp_desc): " + entrySize);
        }
        if (descOff + (long) size * entrySize > map.byteSize()) {
            throw new IllegalArgumentException("ring does not fit the mapping");
        }
        this.map = map;
        this.producerOff = producerOff;
        this.consumerOff = consumerOff;
        this.flagsOff = flagsOff;
        this.descOff = descOff;
        this.size = size;
        this.mask = size - 1;
        this.entrySize = entrySize;
        this.producerSide = producerSide;
        this.cachedProd = (int) U32.getAcquire(map, producerOff);
        int cons = (int) U32.getAcquire(map, consumerOff);
        // A producer keeps cached_cons one lap ahead (libxdp's trick) so free = cached_cons - cached_prod.
        this.cachedCons = producerSide ? cons + size : cons;
    }

    /**
     * A producer view (fill or TX ring) from explicit offsets.
     *
     * @param map the mapping (or any native segment, for tests)
     * @param producerOff offset of the u32 producer index
     * @param consumerOff offset of the u32 consumer index
     * @param flagsOff offset of the u32 flags word
     * @param descOff offset of the first entry
     * @param size number of entries, a power of two
     * @param entrySize 8 for UMEM-address rings, 16 for {@link xdp_desc} rings
     * @return the ring
     */
    public static XdpRing producer(MemorySegment map, long producerOff, long consumerOff, long flagsOff,
                                   long descOff, int size, int entrySize) {
        return new XdpRing(map, producerOff, consumerOff, flagsOff, descOff, size, entrySize, true);
    }

    /**
     * A consumer view (RX or completion ring) from explicit offsets.
     *
     * @param map the mapping
     * @param producerOff offset of the u32 producer index
     * @param consumerOff offset of the u32 consumer index
     * @param flagsOff offset of the u32 flags word
     * @param descOff offset of the first entry
     * @param size number of entries, a power of two
     * @param entrySize 8 or 16
     * @return the ring
     */
    public static XdpRing consumer(MemorySegment map, long producerOff, long consumerOff, long flagsOff,
                                   long descOff, int size, int entrySize) {
        return new XdpRing(map, producerOff, consumerOff, flagsOff, descOff, size, entrySize, false);
    }

    /**
     * A view from the kernel's {@link xdp_ring_offset} (one member of {@link xdp_mmap_offsets}).
     *
     * @param map the ring mapping
     * @param ringOffset an {@code xdp_ring_offset}
     * @param size number of entries
     * @param entrySize 8 or 16
     * @param producerSide true for fill/TX, false for RX/completion
     * @return the ring
     */
    public static XdpRing of(MemorySegment map, MemorySegment ringOffset, int size, int entrySize,
                             boolean producerSide) {
        return new XdpRing(map, xdp_ring_offset.producer(ringOffset), xdp_ring_offset.consumer(ringOffset),
            xdp_ring_offset.flags(ringOffset), xdp_ring_offset.desc(ringOffset), size, entrySize, producerSide);
    }

    /** @return the start index of the last successful {@link #reserve} or {@link #peek} */
    public int index() {
        return index;
    }

    /** @return the number of entries */
    public int size() {
        return size;
    }

    /** @return whether this is the producer side */
    public boolean isProducer() {
        return producerSide;
    }

    /**
     * {@code xsk_prod_nb_free}: free slots, reloading the consumer index only when the cache says fewer than
     * {@code nb} are free.
     *
     * @param nb slots wanted
     * @return free slots (at least {@code nb} when available)
     */
    public int freeEntries(int nb) {
        int free = cachedCons - cachedProd;
        if (free >= nb) {
            return free;
        }
        cachedCons = (int) U32.getAcquire(map, consumerOff) + size;
        return cachedCons - cachedProd;
    }

    /**
     * {@code xsk_ring_prod__reserve}: claims {@code nb} slots starting at {@link #index()}.
     *
     * @param nb slots wanted
     * @return {@code nb}, or 0 when fewer are free (nothing is claimed then)
     */
    public int reserve(int nb) {
        if (freeEntries(nb) < nb) {
            return 0;
        }
        index = cachedProd;
        cachedProd += nb;
        return nb;
    }

    /**
     * {@code xsk_ring_prod__submit}: publishes {@code nb} reserved entries to the consumer (release store).
     *
     * @param nb entries filled since the last submit
     */
    public void submit(int nb) {
        // Only this side writes the producer word, so a plain read of it is exact.
        int prod = map.get(ValueLayout.JAVA_INT, producerOff);
        U32.setRelease(map, producerOff, prod + nb);
    }

    /**
     * {@code xsk_cons_nb_avail}: entries ready, reloading the producer index only when the cache is empty.
     *
     * @param nb the most wanted
     * @return up to {@code nb} ready entries
     */
    public int available(int nb) {
        int entries = cachedProd - cachedCons;
        if (entries == 0) {
            cachedProd = (int) U32.getAcquire(map, producerOff);
            entries = cachedProd - cachedCons;
        }
        return Math.min(entries, nb);
    }

    /**
     * {@code xsk_ring_cons__peek}: takes up to {@code nb} ready entries starting at {@link #index()}.
     *
     * @param nb the most wanted
     * @return how many were taken (0 when the ring is empty)
     */
    public int peek(int nb) {
        int entries = available(nb);
        if (entries > 0) {
            index = cachedCons;
            cachedCons += entries;
        }
        return entries;
    }

    /**
     * {@code xsk_ring_cons__cancel}: gives back the last {@code nb} peeked entries unreleased.
     *
     * @param nb entries to un-peek
     */
    public void cancel(int nb) {
        cachedCons -= nb;
    }

    /**
     * {@code xsk_ring_cons__release}: returns {@code nb} consumed slots to the producer (release store).
     *
     * @param nb entries done with
     */
    public void release(int nb) {
        int cons = map.get(ValueLayout.JAVA_INT, consumerOff);
        U32.setRelease(map, consumerOff, cons + nb);
    }

    /**
     * {@code xsk_ring_prod__needs_wakeup}: whether the kernel asked for a poll()/sendto() kick (sockets bound
     * with XDP_USE_NEED_WAKEUP). A volatile read so the JIT cannot hoist it out of a polling loop; the kernel
     * re-checks its rings after setting the flag, so a stale read costs one extra kick, never a lost one.
     *
     * @return true when the XDP_RING_NEED_WAKEUP bit is set
     */
    public boolean needsWakeup() {
        return ((int) U32.getVolatile(map, flagsOff) & if_xdp_h.XDP_RING_NEED_WAKEUP) != 0;
    }

    /**
     * Offset in the mapping of slot {@code idx}, for callers that read entries with their own layouts.
     *
     * @param idx a ring index (any value; masked)
     * @return the byte offset of that entry
     */
    public long entryOffset(int idx) {
        return descOff + (long) (idx & mask) * entrySize;
    }

    /**
     * {@code xsk_ring_prod__fill_addr} / {@code xsk_ring_cons__comp_addr} read: the u64 of a UMEM-address ring,
     * or the {@code addr} of an {@link xdp_desc}.
     *
     * @param idx a ring index
     * @return the UMEM address
     */
    public long addr(int idx) {
        return map.get(ValueLayout.JAVA_LONG, entryOffset(idx));
    }

    /**
     * Writes the u64 of a UMEM-address ring (or a descriptor's {@code addr}).
     *
     * @param idx a ring index
     * @param addr the UMEM address
     */
    public void addr(int idx, long addr) {
        map.set(ValueLayout.JAVA_LONG, entryOffset(idx), addr);
    }

    /**
     * @param idx a ring index of a descriptor ring
     * @return the descriptor's {@code len}
     */
    public int len(int idx) {
        return map.get(ValueLayout.JAVA_INT, entryOffset(idx) + xdp_desc.len$offset());
    }

    /**
     * @param idx a ring index of a descriptor ring
     * @return the descriptor's {@code options}
     */
    public int options(int idx) {
        return map.get(ValueLayout.JAVA_INT, entryOffset(idx) + xdp_desc.options$offset());
    }

    /**
     * Writes a whole {@link xdp_desc} (TX ring).
     *
     * @param idx a ring index
     * @param addr UMEM address of the frame
     * @param len frame length
     * @param options descriptor options (0)
     */
    public void desc(int idx, long addr, int len, int options) {
        long off = entryOffset(idx);
        map.set(ValueLayout.JAVA_LONG, off + xdp_desc.addr$offset(), addr);
        map.set(ValueLayout.JAVA_INT, off + xdp_desc.len$offset(), len);
        map.set(ValueLayout.JAVA_INT, off + xdp_desc.options$offset(), options);
    }
}
