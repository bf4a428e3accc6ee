package dev.fastpath.net;

import dev.fastpath.io.PacketIo;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.IcmpHeader;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.ParsedFrame;
import java.lang.foreign.MemorySegment;

/**
 * ICMP for this stack: echo requests to its own address are answered (RFC 792, "Echo or Echo Reply
 * Message": addresses swapped, type 0, identifier, sequence and data returned unchanged, checksum
 * recomputed); everything else is counted and dropped. Kernel: icmp.c icmp_rcv() → icmp_echo().
 *
 * <p>The reply goes back to the Ethernet source of the request rather than through the neighbour cache:
 * that is the hop the request came over (the peer or the gateway), and it needs no resolution.
 */
public final class IcmpEcho {
    private static final int HEADERS = EthernetHeader.LENGTH + Ipv4Header.MIN_LENGTH;

    private final LocalAddresses local;
    private final NetStat.Counters counters;
    private final EthernetHeader eth = new EthernetHeader();
    private final Ipv4Header ip = new Ipv4Header();
    private final IcmpHeader icmp = new IcmpHeader();
    private PacketIo io;
    private int ipId;

    /**
     * @param local    the interface's addresses and MAC
     * @param io       where replies go out
     * @param counters where counts go
     */
    public IcmpEcho(LocalAddresses local, PacketIo io, NetStat.Counters counters) {
        this.local = local;
        this.io = io;
        this.counters = counters;
    }

    /** @param io the PacketIo to send through from now on */
    public void io(PacketIo io) {
        this.io = io;
    }

    /**
     * One received ICMP message (the parser verified its checksum or the policy let it through).
     *
     * @param f an ICMP frame the parser accepted
     */
    public void icmpRcv(ParsedFrame f) {
        counters.inc(NetStat.IcmpInMsgs);
        IcmpHeader req = f.icmp();
        if (req.type() != IcmpHeader.TYPE_ECHO_REQUEST) {
            counters.drop(NetDropReason.ICMP_UNSUPPORTED_TYPE);
            return;
        }
        counters.inc(NetStat.IcmpInEchos);
        if (!local.isLocalV4(f.dstIp())) {
            counters.drop(NetDropReason.ICMP_NOT_LOCAL); // broadcast echo: icmp_echo_ignore_broadcasts=1
            return;
        }
        if (f.vlanId() >= 0) {
            counters.drop(NetDropReason.ICMP_VLAN);
            return;
        }
        int length = f.l4Length();
        if (HEADERS + length > io.txFrameCapacity()) {
            counters.drop(NetDropReason.ICMP_TOO_LONG);
            return;
        }
        long off = io.txClaim();
        if (off < 0) {
            counters.drop(NetDropReason.TX_RING_FULL);
            return;
        }
        MemorySegment buf = io.txBuffer();
        MemorySegment.copy(f.buffer(), f.l4Offset(), buf, off + HEADERS, length);
        icmp.wrap(buf, off + HEADERS).type(IcmpHeader.TYPE_ECHO_REPLY).code(0).fillChecksum(length);
        ip.wrap(buf, off + EthernetHeader.LENGTH).versionAndHeaderLength(Ipv4Header.MIN_LENGTH)
                .tos(f.ipv4().tos()).totalLength(Ipv4Header.MIN_LENGTH + length).identification(ipId++ & 0xFFFF)
                .flagsFragment(0).ttl(64).protocol(Ipv4Header.PROTO_ICMP).source(f.dstIp())
                .destination(f.srcIp()).fillChecksum();
        eth.wrap(buf, off).destination(f.ethernet().source()).source(local.mac())
                .etherType(EthernetHeader.ETHERTYPE_IPV4);
        io.txCommit(off, HEADERS + length);
        counters.inc(NetStat.IcmpOutMsgs);
        counters.inc(NetStat.IcmpOutEchoReps);
    }
}
