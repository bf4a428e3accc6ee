package dev.fastpath.packetdrill;

import dev.fastpath.wire.EthernetFrame;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.IcmpHeader;
import dev.fastpath.wire.IcmpMessage;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.Ipv4Packet;
import dev.fastpath.wire.MalformedPacketException;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpSegment;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Frames the runner's remote host sends (TCP with an ECN mark, ICMP errors quoting the stack's segment)
 * and the check of what the engine sent: IPv4 and TCP checksums must be right, as packetdrill's
 * verify_outbound_live_checksums() requires.
 */
final class PdNet {
    /** RFC 6994 experimental option kind, which carries the pre-RFC 7413 Fast Open cookie (magic 0xF989). */
    static final int KIND_EXPERIMENTAL = 254;

    private PdNet() {
    }

    /** An outbound frame as the runner keeps it. */
    record Parsed(TcpSegment seg, int ecn) {
    }

    /**
     * @return the TCP segment and ECN field of an outbound frame, or null when it is not TCP
     * @throws PdRunner.Fail when the frame is malformed or a checksum is wrong
     */
    static Parsed parseOutbound(MemorySegment buf, long off, int len) {
        try {
            EthernetFrame eth = EthernetFrame.parse(buf, off, len);
            Ipv4Packet ip = Ipv4Packet.parse(MemorySegment.ofArray(eth.payload()), 0, eth.payload().length);
            if (ip.protocol() != Ipv4Header.PROTO_TCP) {
                return null;
            }
            if (!ip.headerChecksumValid()) {
                throw new PdRunner.Fail(0, "the engine sent an IPv4 header with a bad checksum");
            }
            TcpSegment s = TcpSegment.parse(MemorySegment.ofArray(ip.payload()), 0, ip.payload().length);
            if (!s.checksumValid(ip.source(), ip.destination())) {
                throw new PdRunner.Fail(0, "the engine sent a TCP segment with a bad checksum: " + s);
            }
            return new Parsed(s, ip.tos() & 3);
        } catch (MalformedPacketException e) {
            throw new PdRunner.Fail(0, "the engine sent a malformed frame: " + e.getMessage());
        }
    }

    /** The remote host's TCP segment with the IP ECN field set to {@code ecn} (0 when the line has none). */
    static byte[] tcpFrame(long dstMac, long srcMac, int srcIp, int dstIp, TcpSegment segment, int ecn) {
        if (ecn <= 0) {
            return EthernetFrame.ipv4Tcp(dstMac, srcMac, srcIp, dstIp, segment);
        }
        TcpSegment c = segment.withComputedChecksum(srcIp, dstIp);
        byte[] l4 = new byte[c.length()];
        c.emit(MemorySegment.ofArray(l4), 0);
        Ipv4Packet ip = new Ipv4Packet(ecn, 0, Ipv4Header.FLAG_DF, 64, Ipv4Header.PROTO_TCP, 0, srcIp, dstIp,
                new byte[0], l4).withComputedChecksum();
        return ethernet(dstMac, srcMac, ip);
    }

    /**
     * An ICMP error from the remote side quoting the stack's segment (its IPv4 header and TCP header), as
     * packetdrill's icmp_packet.c builds it: RFC 792 needs the IP header and 8 bytes; Linux reads the ports
     * and the sequence number.
     *
     * @param quoted the stack's segment as it would have been sent (ports, sequence number)
     * @param quotedLength the quoted datagram's data length (the segment's payload)
     */
    static byte[] icmpFrame(long dstMac, long srcMac, int srcIp, int dstIp, int type, int code, int mtu,
            TcpSegment quoted, int quotedLength) {
        byte[] tcp = new byte[quoted.headerLength()];
        quoted.withComputedChecksum(dstIp, srcIp).emit(MemorySegment.ofArray(tcp), 0);
        Ipv4Packet inner = new Ipv4Packet(0, 0, Ipv4Header.FLAG_DF, 64, Ipv4Header.PROTO_TCP, 0, dstIp, srcIp,
                new byte[0], tcp).withComputedChecksum();
        byte[] innerBytes = new byte[inner.totalLength()];
        inner.emit(MemorySegment.ofArray(innerBytes), 0);
        // The quoted datagram's total length is the original one (header + TCP header + payload).
        int total = innerBytes.length + quotedLength;
        innerBytes[2] = (byte) (total >>> 8);
        innerBytes[3] = (byte) total;
        int rest = type == IcmpHeader.TYPE_DEST_UNREACHABLE ? mtu & 0xFFFF : 0;
        IcmpMessage icmp = new IcmpMessage(type, code, 0, rest, innerBytes).withComputedChecksum();
        byte[] l4 = new byte[icmp.length()];
        icmp.emit(MemorySegment.ofArray(l4), 0);
        return ethernet(dstMac, srcMac, Ipv4Packet.of(srcIp, dstIp, Ipv4Header.PROTO_ICMP, l4));
    }

    private static byte[] ethernet(long dstMac, long srcMac, Ipv4Packet ip) {
        byte[] l3 = new byte[ip.totalLength()];
        ip.emit(MemorySegment.ofArray(l3), 0);
        EthernetFrame eth = new EthernetFrame(dstMac, srcMac, List.of(), EthernetHeader.ETHERTYPE_IPV4, l3);
        byte[] f = new byte[eth.length()];
        eth.emit(MemorySegment.ofArray(f), 0);
        return f;
    }

    /** The stack's segment an ICMP line quotes. */
    static TcpSegment quotedSegment(int localPort, int remotePort, long seq, long ack) {
        return TcpSegment.of(localPort, remotePort, (int) seq, (int) ack, TcpHeader.ACK, 0, List.of(), new byte[0]);
    }
}
