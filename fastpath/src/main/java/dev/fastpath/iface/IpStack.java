package dev.fastpath.iface;

import dev.fastpath.io.PacketIo;
import dev.fastpath.net.IcmpErrors;
import dev.fastpath.net.IcmpSend;
import dev.fastpath.net.Neighbours;
import dev.fastpath.net.NetDropReason;
import dev.fastpath.net.NetStat;
import dev.fastpath.stat.EnumCounters;
import dev.fastpath.tcp.IpLayer;
import dev.fastpath.tcp.TcpEngine;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.IcmpHeader;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpSegmentView;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The interface layer of one worker: its interfaces, the routing table over them, and the way between frames
 * and the TCP engine. A received frame is parsed, counted when dropped, and handed to ARP, ICMP or the engine
 * ({@code tcpV4Rcv} with the frame's segment). What the engine sends comes back through {@link IpLayer}: the
 * route to the destination (longest prefix), its next hop (the gateway or the destination), the next hop's MAC
 * from that interface's neighbour cache, then IPv4 and Ethernet around the segment in the interface's TX ring.
 * Kernel: ip_rcv() / ip_local_deliver() in, ip_queue_xmit() → ip_finish_output2() out.
 *
 * <p>The frame being processed lends its sender's link address to replies ({@link dev.fastpath.net.Neighbours#lookup}'s
 * hint): only while the engine handles that frame's segment, only on the interface it came in by.
 *
 * <p>Single-threaded: the worker's. No allocation per frame.
 */
public final class IpStack implements IpLayer {
    private static final int HEADERS = EthernetHeader.LENGTH + Ipv4Header.MIN_LENGTH;
    /** Linux's defaults: net.ipv4.ipfrag_high_thresh (4 MiB) and ipfrag_time (30 s). */
    public static final long IPFRAG_HIGH_THRESH = 4L << 20;
    public static final long IPFRAG_TIME_NS = 30_000_000_000L;
    /** The I/G bit of a destination MAC: a group (broadcast or multicast) address. */
    private static final long GROUP_ADDRESS = 0x0100_0000_0000L;

    private final Interface[] interfaces;
    private final Routes routes = new Routes();
    private final NetStat.Counters counters = new NetStat.Counters();
    private final EnumCounters<LinkStat> linkCounters = new EnumCounters<>(LinkStat.class);
    private final EnumCounters<DropReason> parseDrops = new EnumCounters<>(DropReason.class);
    private final ParsedFrame frame = new ParsedFrame();
    private final EthernetHeader eth = new EthernetHeader();
    private final Ipv4Header ip = new Ipv4Header();
    private final int segmentCapacity;
    private final Ipv4Input ipv4;
    private Ipv4Defrag defrag;
    /** A reassembled datagram, as a frame (Ethernet header, then up to 60 + 65,535 bytes of IPv4). */
    private final MemorySegment reassembled = MemorySegment.ofArray(new byte[EthernetHeader.LENGTH + 60 + 65_535]);
    private TcpEngine engine;
    private long nowNs;
    /** The segment the engine is handling, the interface it came by and the hint it gives (see lookup). */
    private TcpSegmentView rxSegment;
    private Interface rxIface;
    private int rxHintIp;
    private long rxHintMac;
    private boolean rxHintBorrow;
    /** The claimed frame (one at a time: claim, write, send). */
    private Interface txIface;
    private int txSrc;
    private int txDst;
    private long txMac;
    /** The ARP queue's slot the frame being built goes to (its next hop is being resolved), or −1. */
    private int txQueued = -1;
    private int ipId;

    /**
     * @param interfaces the worker's interfaces, index = position; each address adds an on-link route
     * @param extra      further routes (gateways, a default route); a gateway must be on a subnet of its interface
     */
    public IpStack(List<InterfaceConfig> interfaces, List<Route> extra) {
        if (interfaces.isEmpty()) {
            throw new IllegalArgumentException("a stack needs an interface");
        }
        this.interfaces = new Interface[interfaces.size()];
        int capacity = Integer.MAX_VALUE;
        for (int i = 0; i < interfaces.size(); i++) {
            InterfaceConfig c = interfaces.get(i);
            this.interfaces[i] = new Interface(i, c, this, counters);
            capacity = Math.min(capacity, c.io().txFrameCapacity() - HEADERS);
            for (IpCidr a : c.addresses()) {
                routes.add(new Route(a.network(), null, i));
            }
        }
        this.segmentCapacity = capacity;
        this.ipv4 = new Ipv4Input(this.interfaces, counters);
        ipfrag(IPFRAG_HIGH_THRESH, IPFRAG_TIME_NS);
        for (Route r : extra) {
            if (r.iface() >= this.interfaces.length) {
                throw new IllegalArgumentException("route " + r + ": no interface #" + r.iface());
            }
            if (r.gateway() != null && !this.interfaces[r.iface()].onLinkV4(r.gateway().v4())) {
                throw new IllegalArgumentException("route " + r + ": gateway " + r.gateway()
                        + " is not on a subnet of " + this.interfaces[r.iface()]);
            }
            routes.add(r);
        }
    }

    /**
     * One interface with one address and, optionally, a default route through a gateway.
     *
     * @param c       the interface
     * @param gateway the default gateway, or 0 for none
     * @return the stack
     */
    public static IpStack of(InterfaceConfig c, int gateway) {
        return new IpStack(List.of(c), gateway == 0 ? List.of() : List.of(Route.defaultV4(gateway, 0)));
    }

    /**
     * One point-to-point Ethernet link to one peer: the address as a /32, every destination on the link
     * ({@code 0.0.0.0/0 dev} the interface) and every next hop the peer's MAC, with no ARP. For the in-memory link
     * of tests, benchmarks and the packetdrill runner, where one peer plays every remote address.
     *
     * @param io       the link's end
     * @param localIp  our address
     * @param localMac our MAC
     * @param peerMac  the peer's MAC
     * @return the stack (attach the engine before feeding it frames)
     */
    public static IpStack pointToPoint(PacketIo io, int localIp, long localMac, long peerMac) {
        IpStack s = new IpStack(List.of(InterfaceConfig.of("p2p", io, localMac, IpCidr.v4(localIp, 32),
                ChecksumPolicy.STRICT)), List.of(new Route(IpCidr.v4(0, 0), null, 0)));
        s.interfaces[0].neighbours.pointToPoint(peerMac);
        return s;
    }

    /**
     * Sets the reassembly limits (drops what is being reassembled).
     *
     * @param highThresh ipfrag_high_thresh: bytes fragments may hold (0: no reassembly, every fragment dropped)
     * @param timeNs     ipfrag_time: how long a datagram may take to arrive whole
     */
    public void ipfrag(long highThresh, long timeNs) {
        if (highThresh < 0 || timeNs <= 0) {
            throw new IllegalArgumentException("ipfrag_high_thresh " + highThresh + ", ipfrag_time " + timeNs + " ns");
        }
        this.defrag = new Ipv4Defrag(counters, (i, buf, off, len, mac, now) -> interfaces[i].icmpSend.icmpSend(buf,
                off, len, mac, IcmpHeader.TYPE_TIME_EXCEEDED, IcmpSend.CODE_FRAGMENT_REASSEMBLY, 0, now),
                highThresh, timeNs);
    }

    /**
     * Connects the engine: received segments go to it, ICMP errors about its segments too.
     *
     * @param tcp the engine, built on this stack
     */
    public void attach(TcpEngine tcp) {
        this.engine = tcp;
    }

    /** @return the interfaces, index = position */
    public List<Interface> interfaces() {
        return List.of(interfaces);
    }

    /**
     * @param i an interface's index
     * @return the interface
     */
    public Interface iface(int i) {
        return interfaces[i];
    }

    /** @return the routing table */
    public Routes routes() {
        return routes;
    }

    /** @return ARP, ICMP and neighbour counters of every interface */
    public NetStat.Counters counters() {
        return counters;
    }

    /** @return frames received, to other hosts, unhandled */
    public EnumCounters<LinkStat> linkCounters() {
        return linkCounters;
    }

    /** @return the frames the parser refused, by reason */
    public EnumCounters<DropReason> parseDrops() {
        return parseDrops;
    }

    /**
     * The time of this duty cycle (lookups and ARP use it without reading a clock).
     *
     * @param now the current time
     */
    public void tick(long now) {
        this.nowNs = now;
        for (Interface i : interfaces) {
            i.neighbours.tick(now);
        }
    }

    /** Gratuitous ARP for every address of every interface (at start). */
    public void announce() {
        for (Interface i : interfaces) {
            i.neighbours.announce();
        }
    }

    /**
     * Receives up to {@code burst} frames from each interface's ring.
     *
     * @param burst frames per interface at most
     * @return frames received
     */
    public int receive(int burst) {
        int n = 0;
        for (Interface i : interfaces) {
            n += i.io.receive(i, burst);
        }
        return n;
    }

    /**
     * Neighbour probes and expiry on every interface; reassembly time-outs.
     *
     * @param now the current time
     * @return ARP requests sent
     */
    public int poll(long now) {
        int n = 0;
        for (Interface i : interfaces) {
            n += i.neighbours.poll(now);
        }
        defrag.expire(now);
        return n;
    }

    /**
     * The MAC a packet to {@code dst} would go to now, with no frame being processed (routes, then the
     * neighbour cache: a miss starts resolution and counts the drop, as sending would).
     *
     * @param dst an IPv4 destination
     * @return the next hop's MAC, or −1
     */
    public long resolveV4(int dst) {
        int route = routes.lookupV4(dst);
        if (route < 0) {
            counters.drop(NetDropReason.NO_ROUTE);
            return -1;
        }
        Neighbours n = interfaces[routes.iface(route)].neighbours;
        long mac = n.lookup(routes.nextHopV4(route, dst), 0, 0, false);
        if (mac == Neighbours.UNRESOLVED) {
            n.unresolvedDrop(); // nothing to queue: no frame
            return -1;
        }
        return mac;
    }

    // ---- in ----------------------------------------------------------------------------------------------

    void receive(Interface in, MemorySegment buffer, long offset, int length, int flags) {
        linkCounters.inc(LinkStat.FpRxFrames);
        if (in.tap != null) {
            in.tap.frame(buffer, offset, length);
        }
        DropReason r = in.parser.parse(buffer, offset, length, flags, frame);
        if (r != DropReason.NONE) {
            parseDrop(in, r);
            return;
        }
        long dst = frame.ethernet().destination();
        if (dst != in.mac && (dst & GROUP_ADDRESS) == 0) {
            // unicast to another MAC (PACKET_OTHERHOST): ip_rcv() drops it, SKB_DROP_REASON_OTHERHOST
            linkCounters.inc(LinkStat.FpRxOtherHost);
            return;
        }
        if (frame.kind() != ParsedFrame.Kind.ARP && ipv4.martianSource(frame.srcIp())) {
            return; // ip_route_input_slow(): martian source
        }
        if (frame.kind() == ParsedFrame.Kind.IPV4_FRAGMENT) {
            int len = defrag.ipDefrag(frame, in.index, reassembled, nowNs); // ip_local_deliver() -> ip_defrag()
            if (len < 0) {
                return;
            }
            r = in.parser.parse(reassembled, 0, len, 0, frame);
            if (r != DropReason.NONE) {
                parseDrop(in, r);
                return;
            }
        }
        switch (frame.kind()) {
            case TCP -> tcp(in);
            case ARP -> in.neighbours.arpRcv(frame, nowNs);
            case ICMP -> icmp(in);
            default -> linkCounters.inc(LinkStat.FpRxUnhandled);
        }
    }

    /**
     * A frame the parser refused: counted by reason and under the IP or TCP MIB counter Linux uses; a malformed
     * IP option addressed to us is answered with an ICMP parameter problem pointing at it (ip_options_compile()).
     */
    private void parseDrop(Interface in, DropReason r) {
        parseDrops.inc(r);
        ipv4.ipRcvDrop(r, frame.protocol());
        if (r == DropReason.BAD_TCP_CHECKSUM || r == DropReason.BAD_DATA_OFFSET) {
            engine.tcpInError(r == DropReason.BAD_TCP_CHECKSUM); // TcpInErrs, TcpInCsumErrors
        }
        if (r == DropReason.BAD_IP_OPTIONS && frame.ethernet().destination() == in.mac
                && !ipv4.martianSource(frame.srcIp())) {
            in.icmpSend.icmpSend(frame.buffer(), frame.l3Offset(), frame.ipTotalLength(), frame.ethernet().source(),
                    IcmpSend.TYPE_PARAMETER_PROBLEM, 0, frame.ipOptionFault() << 24, nowNs);
        }
    }

    /**
     * Hands the segment to the engine, with the hint its frame gives replies: from an on-link sender, the
     * sender's MAC (borrowed only, for a bare SYN); from beyond a gateway of this interface, the MAC of the
     * router it came through (borrowed, never learned: the gateway's ARP replies can drown in a flood).
     */
    private void tcp(Interface in) {
        if ((frame.ethernet().destination() & GROUP_ADDRESS) != 0) {
            linkCounters.inc(LinkStat.FpRxNotHost); // tcp_v4_rcv(): skb->pkt_type != PACKET_HOST
            return;
        }
        int src = frame.srcIp();
        int route = routes.lookupV4(src);
        rxHintIp = 0;
        if (route >= 0 && routes.iface(route) == in.index) {
            rxHintIp = routes.nextHopV4(route, src);
            rxHintMac = frame.ethernet().source();
            rxHintBorrow = routes.viaGateway(route)
                    || (frame.flags() & (TcpHeader.SYN | TcpHeader.ACK)) == TcpHeader.SYN;
        }
        rxIface = in;
        rxSegment = frame.tcpSegment();
        engine.tcpV4Rcv(rxSegment, nowNs);
        rxSegment = null;
        rxIface = null;
    }

    /** Echo requests are answered; errors quoting our TCP segments go to the engine (tcp_v4_err). */
    private void icmp(Interface in) {
        if (IcmpErrors.isError(frame.icmp().type())) {
            in.errors.icmpRcv(frame, nowNs);
        } else {
            in.echo.icmpRcv(frame);
        }
    }

    int tcpV4Err(int type, int code, int info, int localIp, int remoteIp, int localPort, int remotePort, int seq,
            long now) {
        return engine.tcpV4Err(type, code, info, localIp, remoteIp, localPort, remotePort, seq, now);
    }

    // ---- out (IpLayer) -----------------------------------------------------------------------------------

    @Override
    public boolean isLocalV4(int address) {
        for (Interface i : interfaces) {
            if (i.isLocalV4(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int sourceV4(int dst) {
        int route = routes.lookupV4(dst);
        return route < 0 ? 0 : interfaces[routes.iface(route)].sourceForV4(routes.nextHopV4(route, dst));
    }

    @Override
    public long claimV4(int src, int dst, TcpSegmentView inReplyTo) {
        int route = routes.lookupV4(dst);
        if (route < 0) {
            counters.drop(NetDropReason.NO_ROUTE);
            return NO_ROUTE;
        }
        Interface out = interfaces[routes.iface(route)];
        int hop = routes.nextHopV4(route, dst);
        long mac = inReplyTo != null && inReplyTo == rxSegment && out == rxIface
                ? out.neighbours.lookup(hop, rxHintIp, rxHintMac, rxHintBorrow)
                : out.neighbours.lookup(hop, 0, 0, false);
        if (mac == Neighbours.UNRESOLVED) {
            int slot = out.neighbours.queueClaim(hop);
            if (slot < 0) {
                return NO_ROUTE;
            }
            txIface = out;
            txSrc = src;
            txDst = dst;
            txMac = 0; // written when the frame leaves the queue
            txQueued = slot;
            return out.neighbours.queueOffset(slot) + HEADERS;
        }
        if (mac < 0) {
            return NO_ROUTE;
        }
        long off = out.txIo.txClaim();
        if (off < 0) {
            return NO_ROOM;
        }
        txQueued = -1;
        txIface = out;
        txSrc = src;
        txDst = dst;
        txMac = mac;
        return off + HEADERS;
    }

    @Override
    public MemorySegment txBuffer() {
        return txQueued >= 0 ? txIface.neighbours.queueFrames() : txIface.txIo.txBuffer();
    }

    @Override
    public int segmentCapacity() {
        return segmentCapacity;
    }

    @Override
    public void sendV4(long tcpOffset, int tcpLength, boolean listenerReply, int tos, boolean df) {
        MemorySegment buf = txBuffer();
        long off = tcpOffset - HEADERS;
        ip.wrap(buf, off + EthernetHeader.LENGTH).versionAndHeaderLength(Ipv4Header.MIN_LENGTH).tos(tos)
                .totalLength(Ipv4Header.MIN_LENGTH + tcpLength).identification(listenerReply ? 0 : ipId++ & 0xFFFF)
                .flagsFragment(df ? Ipv4Header.FLAG_DF : 0).ttl(64).protocol(Ipv4Header.PROTO_TCP).source(txSrc)
                .destination(txDst).fillChecksum();
        eth.wrap(buf, off).destination(txMac).source(txIface.mac).etherType(EthernetHeader.ETHERTYPE_IPV4);
        if (txQueued >= 0) {
            txIface.neighbours.queueCommit(txQueued, HEADERS + tcpLength);
            txQueued = -1;
        } else {
            txIface.txIo.txCommit(off, HEADERS + tcpLength);
        }
    }

    @Override
    public void flush() {
        for (Interface i : interfaces) {
            i.txIo.flush();
        }
    }

    /** Closes every interface's ring. */
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (Interface i : interfaces) {
            try {
                i.io.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }
}
