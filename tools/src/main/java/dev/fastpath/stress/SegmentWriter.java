package dev.fastpath.stress;

import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOptionWriter;
import java.lang.foreign.MemorySegment;

/**
 * Writes one whole Ethernet/IPv4/TCP frame (options and payload included, both checksums summed) into a TX
 * frame: the completing clients' ACK, FIN and RST, and the correctness matrix's SYNs with any option set. Unlike
 * {@link SynTemplate} nothing is patched: these frames differ in more than the tuple. One instance per thread; the
 * setters describe the next frame, {@link #write} lays it out. No allocation.
 */
public final class SegmentWriter {

    /** Options off: {@link #mss} and {@link #windowScale} take it to leave the option out. */
    public static final int ABSENT = -1;

    private final EthernetHeader eth = new EthernetHeader();
    private final Ipv4Header ip = new Ipv4Header();
    private final TcpHeader tcp = new TcpHeader();
    private final TcpOptionWriter opts = new TcpOptionWriter();
    private final long srcMac;
    private final long dstMac;

    private int mss = ABSENT;
    private int windowScale = ABSENT;
    private boolean sackPermitted;
    private boolean timestamps;
    private int tsVal;
    private int tsEcr;
    private int tos;
    private int ipId;
    private int[] sackStarts;
    private int[] sackEnds;
    private int sackCount;

    /**
     * @param srcMac the Ethernet source of every frame
     * @param dstMac the Ethernet destination (the target or the next hop)
     */
    public SegmentWriter(long srcMac, long dstMac) {
        this.srcMac = srcMac;
        this.dstMac = dstMac;
    }

    /** Leaves every option out (the next frame has a bare 20-byte header unless set again). */
    public SegmentWriter noOptions() {
        mss = ABSENT;
        windowScale = ABSENT;
        sackPermitted = false;
        timestamps = false;
        sackCount = 0;
        return this;
    }

    /**
     * @param value the MSS option's value, or {@link #ABSENT}
     * @return this
     */
    public SegmentWriter mss(int value) {
        mss = value;
        return this;
    }

    /**
     * @param shift the window scale option's shift, or {@link #ABSENT}
     * @return this
     */
    public SegmentWriter windowScale(int shift) {
        windowScale = shift;
        return this;
    }

    /**
     * @param on whether the SACK-permitted option goes in
     * @return this
     */
    public SegmentWriter sackPermitted(boolean on) {
        sackPermitted = on;
        return this;
    }

    /**
     * @param on  whether the timestamps option goes in
     * @param val TSval
     * @param ecr TSecr
     * @return this
     */
    public SegmentWriter timestamps(boolean on, int val, int ecr) {
        timestamps = on;
        tsVal = val;
        tsEcr = ecr;
        return this;
    }

    /**
     * SACK blocks for the next frame (the arrays are kept, not copied).
     *
     * @param starts left edges
     * @param ends   right edges
     * @param count  how many (0: none)
     * @return this
     */
    public SegmentWriter sackBlocks(int[] starts, int[] ends, int count) {
        sackStarts = starts;
        sackEnds = ends;
        sackCount = count;
        return this;
    }

    /**
     * @param value the IPv4 TOS byte (ECN in its low two bits)
     * @return this
     */
    public SegmentWriter tos(int value) {
        tos = value;
        return this;
    }

    /**
     * Writes the frame.
     *
     * @param buf     the memory
     * @param at      where the frame starts
     * @param srcIp   source address
     * @param srcPort source port
     * @param dstIp   destination address
     * @param dstPort destination port
     * @param seq     sequence number
     * @param ack     acknowledgment number
     * @param flags   TCP flags
     * @param window  the window field, as sent
     * @param payload bytes after the header, from index 0 (may be null when {@code len} is 0)
     * @param len     how many
     * @return the frame's length
     */
    public int write(MemorySegment buf, long at, int srcIp, int srcPort, int dstIp, int dstPort, int seq, int ack,
            int flags, int window, byte[] payload, int len) {
        long ipAt = at + EthernetHeader.LENGTH;
        long tcpAt = ipAt + Ipv4Header.MIN_LENGTH;
        opts.wrap(buf, tcpAt + TcpHeader.OPTIONS_OFFSET);
        writeOptions();
        int optionBytes = opts.padToWord();
        int tcpLength = TcpHeader.MIN_LENGTH + optionBytes + len;
        if (len > 0) {
            MemorySegment.copy(MemorySegment.ofArray(payload), 0, buf, tcpAt + TcpHeader.MIN_LENGTH + optionBytes,
                len);
        }
        eth.wrap(buf, at).destination(dstMac).source(srcMac).etherType(EthernetHeader.ETHERTYPE_IPV4);
        ip.wrap(buf, ipAt).versionAndHeaderLength(Ipv4Header.MIN_LENGTH).tos(tos)
            .totalLength(Ipv4Header.MIN_LENGTH + tcpLength).identification(ipId++ & 0xFFFF)
            .flagsFragment(Ipv4Header.FLAG_DF).ttl(SynTemplate.TTL).protocol(Ipv4Header.PROTO_TCP).checksum(0)
            .source(srcIp).destination(dstIp);
        ip.fillChecksum();
        tcp.wrap(buf, tcpAt).sourcePort(srcPort).destinationPort(dstPort).seq(seq).ack(ack)
            .dataOffset((TcpHeader.MIN_LENGTH + optionBytes) / 4).flags(flags).window(window).checksum(0)
            .urgentPointer(0);
        tcp.fillChecksum(tcpLength, srcIp, dstIp);
        return EthernetHeader.LENGTH + Ipv4Header.MIN_LENGTH + tcpLength;
    }

    /** The options in Linux's order (tcp_options_write): MSS, SACK-permitted + timestamps, window scale, SACK. */
    private void writeOptions() {
        if (mss != ABSENT) {
            opts.mss(mss);
        }
        if (sackPermitted && timestamps) {
            opts.sackPermitted().timestamps(tsVal, tsEcr);
        } else if (timestamps) {
            opts.nop().nop().timestamps(tsVal, tsEcr);
        } else if (sackPermitted) {
            opts.nop().nop().sackPermitted();
        }
        if (windowScale != ABSENT) {
            opts.nop().windowScale(windowScale);
        }
        if (sackCount > 0) {
            opts.nop().nop().sackBlocks(sackStarts, sackEnds, sackCount);
        }
    }
}
