package dev.fastpath.stress;

import dev.fastpath.wire.Checksum;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOptionWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One Ethernet/IPv4/TCP SYN built once off-heap, then patched in place per packet: source address, source
 * port, sequence number, IP identification and TSval change, and both checksums follow by RFC 1624
 * (eqn. 3, {@link Checksum#update16}/{@link Checksum#update32}) instead of being summed again. The source
 * address sits in the TCP pseudo-header too, so it updates both checksums.
 *
 * <p>Linux-like options ({@link SynOptions#LINUX}) are laid out byte for byte as {@code tcp_options_write()}
 * puts them in a SYN with every option on: MSS 1460, SACK-permitted + timestamps packed into three words,
 * NOP + window scale 7 — 40 bytes of TCP header, 74-byte frames. Without options the header is 20 bytes.
 *
 * <p>Not thread-safe: one template per generator thread.
 */
public final class SynTemplate implements AutoCloseable {

    /** Linux's initial window for a SYN on Ethernet (10 × 1460 rounded down to a multiple of the MSS, 64240). */
    public static final int WINDOW = 64240;
    /** The MSS a Linux SYN on a 1500-byte MTU offers. */
    public static final int MSS = 1460;
    /** Window scale Linux offers with the default tcp_rmem. */
    public static final int WSCALE = 7;
    /** Linux's default TTL. */
    public static final int TTL = 64;

    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int ETH = 0;
    private static final int IP = EthernetHeader.LENGTH;
    private static final int TCP = IP + Ipv4Header.MIN_LENGTH;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment frame;
    private final Ipv4Header ip = new Ipv4Header();
    private final TcpHeader tcp = new TcpHeader();
    private final SynOptions options;
    private final int length;
    private final long tsValOffset;

    private int srcIp;
    private int srcPort;
    private int seq;
    private int ipId;
    private int tsVal;

    /**
     * Builds the template with source address 0, source port 0, sequence 0, IP id 0, TSval 0 and correct
     * checksums for those values.
     *
     * @param srcMac  the generator's MAC
     * @param dstMac  the victim's (or the next hop's) MAC
     * @param dstIp   the victim's address
     * @param dstPort the victim's port
     * @param options which TCP options the SYN carries
     */
    public SynTemplate(long srcMac, long dstMac, int dstIp, int dstPort, SynOptions options) {
        this.options = options;
        int optionBytes = options == SynOptions.LINUX ? 20 : 0;
        int tcpLength = TcpHeader.MIN_LENGTH + optionBytes;
        this.length = TCP + tcpLength;
        this.frame = arena.allocate(length, 8);
        new EthernetHeader().wrap(frame, ETH).destination(dstMac).source(srcMac)
            .etherType(EthernetHeader.ETHERTYPE_IPV4);
        ip.wrap(frame, IP).versionAndHeaderLength(Ipv4Header.MIN_LENGTH).tos(0).totalLength(length - IP)
            .identification(0).flagsFragment(Ipv4Header.FLAG_DF).ttl(TTL).protocol(Ipv4Header.PROTO_TCP)
            .checksum(0).source(0).destination(dstIp);
        ip.fillChecksum();
        tcp.wrap(frame, TCP).sourcePort(0).destinationPort(dstPort).seq(0).ack(0).dataOffset(tcpLength / 4)
            .flags(TcpHeader.SYN).window(WINDOW).checksum(0).urgentPointer(0);
        long tsAt = -1;
        if (options == SynOptions.LINUX) {
            TcpOptionWriter w = new TcpOptionWriter().wrap(frame, TCP + TcpHeader.OPTIONS_OFFSET);
            w.mss(MSS).sackPermitted();
            tsAt = TCP + TcpHeader.OPTIONS_OFFSET + w.length() + 2;
            w.timestamps(0, 0).nop().windowScale(WSCALE);
        }
        this.tsValOffset = tsAt;
        tcp.fillChecksum(tcpLength, 0, dstIp);
    }

    /**
     * Sets the varying fields and patches both checksums incrementally.
     *
     * @param newSrcIp   source address
     * @param newSrcPort source port
     * @param newSeq     initial sequence number
     * @param newIpId    IP identification
     */
    public void set(int newSrcIp, int newSrcPort, int newSeq, int newIpId) {
        int ipSum = ip.checksum();
        int tcpSum = tcp.checksum();
        if (newSrcIp != srcIp) {
            ipSum = Checksum.update32(ipSum, srcIp, newSrcIp);
            tcpSum = Checksum.update32(tcpSum, srcIp, newSrcIp);
            ip.source(newSrcIp);
            srcIp = newSrcIp;
        }
        if (newIpId != ipId) {
            ipSum = Checksum.update16(ipSum, ipId, newIpId);
            ip.identification(newIpId);
            ipId = newIpId;
        }
        if (newSrcPort != srcPort) {
            tcpSum = Checksum.update16(tcpSum, srcPort, newSrcPort);
            tcp.sourcePort(newSrcPort);
            srcPort = newSrcPort;
        }
        if (newSeq != seq) {
            tcpSum = Checksum.update32(tcpSum, seq, newSeq);
            tcp.seq(newSeq);
            seq = newSeq;
        }
        ip.checksum(ipSum);
        tcp.checksum(tcpSum);
    }

    /**
     * Sets TSval (no-op without timestamps) and patches the TCP checksum.
     *
     * @param newTsVal the timestamp value
     */
    public void tsVal(int newTsVal) {
        if (tsValOffset < 0 || newTsVal == tsVal) {
            return;
        }
        tcp.checksum(Checksum.update32(tcp.checksum(), tsVal, newTsVal));
        frame.set(BE_INT, tsValOffset, newTsVal);
        tsVal = newTsVal;
    }

    /**
     * Copies the current frame.
     *
     * @param dst    destination memory
     * @param offset where the frame goes
     */
    public void copyTo(MemorySegment dst, long offset) {
        MemorySegment.copy(frame, 0, dst, offset, length);
    }

    /** @return the frame (live: changes with every {@link #set}) */
    public MemorySegment frame() {
        return frame;
    }

    /** @return the frame's length in bytes */
    public int length() {
        return length;
    }

    /** @return the options the SYN carries */
    public SynOptions options() {
        return options;
    }

    /** @return the IP header offset within the frame */
    public static int ipOffset() {
        return IP;
    }

    /** @return the TCP header offset within the frame */
    public static int tcpOffset() {
        return TCP;
    }

    @Override
    public void close() {
        arena.close();
    }
}
