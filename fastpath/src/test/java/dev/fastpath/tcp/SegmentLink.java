package dev.fastpath.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.MalformedPacketException;
import dev.fastpath.wire.TcpSegment;
import dev.fastpath.wire.TcpSegmentView;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The layer below TCP for scripted tests, at segment level (smoltcp's way): no Ethernet, no IPv4 header, no
 * neighbours. What the engine sends is kept as parsed segments with their addresses (checksum verified against
 * the pseudo-header); what a test sends is written as bytes and handed to {@code tcpV4Rcv} as a view.
 */
final class SegmentLink implements IpLayer {
    /** One segment the engine sent. */
    record Sent(int src, int dst, TcpSegment segment) {
    }

    private static final int CAPACITY = 1500 - 20; // an Ethernet MTU less the IPv4 header: what a NIC's frame holds
    private final int localIp;
    private final MemorySegment tx = Arena.ofAuto().allocate(CAPACITY);
    private final MemorySegment rx = Arena.ofAuto().allocate(65536);
    private final TcpSegmentView view = new TcpSegmentView();
    private final List<Sent> sent = new ArrayList<>();
    private int claimedSrc;
    private int claimedDst;
    private boolean refuse;

    SegmentLink(int localIp) {
        this.localIp = localIp;
    }

    /** @param on whether the "device" refuses every segment (local congestion: a full TX ring) */
    void refuseTx(boolean on) {
        this.refuse = on;
    }

    /**
     * The view a segment from {@code src} to {@code dst} reads as once it arrives (checksum written and verified).
     *
     * @param src the sender
     * @param dst the receiver
     * @param s   the segment
     * @return the view, valid until the next call
     */
    TcpSegmentView arriving(int src, int dst, TcpSegment s) {
        int n = s.withComputedChecksum(src, dst).emit(rx, 0);
        assertTrue(view.parseV4(rx, 0, n, src, dst) == DropReason.NONE, "the test's segment: " + s);
        return view;
    }

    /** @return everything sent since the last call, in order */
    List<Sent> drain() {
        List<Sent> out = List.copyOf(sent);
        sent.clear();
        return out;
    }

    @Override
    public boolean isLocalV4(int address) {
        return address == localIp;
    }

    @Override
    public int sourceV4(int dst) {
        return localIp;
    }

    @Override
    public long claimV4(int src, int dst, TcpSegmentView inReplyTo) {
        if (refuse) {
            return NO_ROOM;
        }
        claimedSrc = src;
        claimedDst = dst;
        return 0;
    }

    @Override
    public MemorySegment txBuffer() {
        return tx;
    }

    @Override
    public int segmentCapacity() {
        return CAPACITY;
    }

    @Override
    public void sendV4(long tcpOffset, int tcpLength, boolean listenerReply, int tos, boolean df) {
        try {
            TcpSegment s = TcpSegment.parse(tx, tcpOffset, tcpLength);
            assertTrue(s.checksumValid(claimedSrc, claimedDst), "bad TCP checksum from the engine: " + s);
            sent.add(new Sent(claimedSrc, claimedDst, s));
        } catch (MalformedPacketException e) {
            fail("the engine sent a malformed segment", e);
        }
    }

    @Override
    public void flush() {
        // nothing queued below: segments are kept as they are sent
    }
}
