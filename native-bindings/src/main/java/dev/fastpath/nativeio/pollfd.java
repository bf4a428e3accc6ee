package dev.fastpath.nativeio;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfInt;
import java.lang.foreign.ValueLayout.OfShort;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * {@code struct pollfd} from {@code <poll.h>}.
 */
public final class pollfd {

    /** The C layout. */
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("fd"),
        ValueLayout.JAVA_SHORT.withName("events"),
        ValueLayout.JAVA_SHORT.withName("revents")
    ).withName("pollfd");

    private pollfd() { }

    /** @return the layout */
    public static GroupLayout layout() {
        return LAYOUT;
    }

    /** @return the size in bytes */
    public static long sizeof() {
        return LAYOUT.byteSize();
    }

    /** Allocates one instance.
     *
     * @param allocator where
     * @return the segment
     */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(LAYOUT);
    }

    private static final OfInt fd$LAYOUT = (OfInt) LAYOUT.select(groupElement("fd"));
    private static final long fd$OFFSET = LAYOUT.byteOffset(groupElement("fd"));

    /** @return the byte offset of fd */
    public static long fd$offset() {
        return fd$OFFSET;
    }

    /** Reads fd.
     *
     * @param struct the struct
     * @return the value
     */
    public static int fd(MemorySegment struct) {
        return struct.get(fd$LAYOUT, fd$OFFSET);
    }

    /** Writes fd.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void fd(MemorySegment struct, int value) {
        struct.set(fd$LAYOUT, fd$OFFSET, value);
    }

    private static final OfShort events$LAYOUT = (OfShort) LAYOUT.select(groupElement("events"));
    private static final long events$OFFSET = LAYOUT.byteOffset(groupElement("events"));

    /** @return the byte offset of events */
    public static long events$offset() {
        return events$OFFSET;
    }

    /** Reads events.
     *
     * @param struct the struct
     * @return the value
     */
    public static short events(MemorySegment struct) {
        return struct.get(events$LAYOUT, events$OFFSET);
    }

    /** Writes events.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void events(MemorySegment struct, short value) {
        struct.set(events$LAYOUT, events$OFFSET, value);
    }

    private static final OfShort revents$LAYOUT = (OfShort) LAYOUT.select(groupElement("revents"));
    private static final long revents$OFFSET = LAYOUT.byteOffset(groupElement("revents"));

    /** @return the byte offset of revents */
    public static long revents$offset() {
        return revents$OFFSET;
    }

    /** Reads revents.
     *
     * @param struct the struct
     * @return the value
     */
    public static short revents(MemorySegment struct) {
        return struct.get(revents$LAYOUT, revents$OFFSET);
    }

    /** Writes revents.
     *
     * @param struct the struct
     * @param value the value
     */
    public static void revents(MemorySegment struct, short value) {
        struct.set(revents$LAYOUT, revents$OFFSET, value);
    }
}
