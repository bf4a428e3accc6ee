package dev.fastpath.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.iface.InterfaceConfig;
import dev.fastpath.iface.IpCidr;
import dev.fastpath.iface.Route;
import dev.fastpath.apps.AppKind;
import dev.fastpath.config.Config;
import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.poll.StackWorker;
import dev.fastpath.wire.ArpHeader;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.EthernetFrame;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.IcmpHeader;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * ARP, the neighbour cache and ICMP echo through a {@link StackWorker} on the in-memory link with virtual
 * time: the test plays the peer on side B, injecting frames and reading what the stack sent.
 */
class NeighboursTest {
    private static final int LOCAL = 0xC6120001;
    private static final int PEER = 0xC6120002;
    private static final int OTHER = 0xC6120009;
    private static final long LOCAL_MAC = 0x0200C6120001L;
    private static final long PEER_MAC = 0x0200C6120002L;
    private static final long S = 1_000_000_000L;

    private VirtualClock clock;
    private InMemoryLink link;
    private StackWorker worker;
    private final FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);

    @BeforeEach
    void setUp() {
        start(0);
    }

    private void start(int gateway) {
        clock = new VirtualClock(1_000 * S);
        link = new InMemoryLink(clock, 1);
        Config config = Config.defaults().withOverrides(List.of("stack.max_connections=64"));
        List<Route> routes = gateway == 0 ? List.of() : List.of(Route.defaultV4(gateway, 0));
        worker = StackWorker.single(new StackWorker.Spec(0, config, routes, 7, -1, null, 0, System.out, 3),
                InterfaceConfig.of("a", link.a(), LOCAL_MAC, IpCidr.v4(LOCAL, 24), ChecksumPolicy.STRICT),
                AppKind.ECHO.create(config), clock::nowNs);
        worker.onStart();
        List<byte[]> announce = received();
        assertEquals(1, announce.size(), "one gratuitous ARP at start");
        ParsedFrame f = parse(announce.getFirst());
        assertEquals(LOCAL, f.arp().senderIp());
        assertEquals(LOCAL, f.arp().targetIp());
    }

    private List<byte[]> received() {
        worker.doWork();
        List<byte[]> out = new ArrayList<>();
        link.b().receive((buf, off, len, flags) -> out.add(buf.asSlice(off, len).toArray(
                java.lang.foreign.ValueLayout.JAVA_BYTE)), 1000);
        return out;
    }

    private ParsedFrame parse(byte[] frame) {
        ParsedFrame f = new ParsedFrame();
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(frame), 0, frame.length, 0, f));
        return f;
    }

    private static byte[] arp(int op, long dstMac, long senderMac, int senderIp, long targetMac, int targetIp) {
        byte[] b = new byte[42];
        MemorySegment m = MemorySegment.ofArray(b);
        new EthernetHeader().wrap(m, 0).destination(dstMac).source(senderMac).etherType(EthernetHeader.ETHERTYPE_ARP);
        new ArpHeader().wrap(m, 14).ethernetIpv4().operation(op).senderMac(senderMac).senderIp(senderIp)
                .targetMac(targetMac).targetIp(targetIp);
        return b;
    }

    private static byte[] echoRequest(int dst, byte[] data) {
        byte[] b = new byte[14 + 20 + 8 + data.length];
        MemorySegment m = MemorySegment.ofArray(b);
        new EthernetHeader().wrap(m, 0).destination(LOCAL_MAC).source(PEER_MAC)
                .etherType(EthernetHeader.ETHERTYPE_IPV4);
        new Ipv4Header().wrap(m, 14).versionAndHeaderLength(20).totalLength(28 + data.length).ttl(64)
                .protocol(Ipv4Header.PROTO_ICMP).source(PEER).destination(dst).fillChecksum();
        MemorySegment.copy(data, 0, m, java.lang.foreign.ValueLayout.JAVA_BYTE, 42, data.length);
        new IcmpHeader().wrap(m, 34).type(IcmpHeader.TYPE_ECHO_REQUEST).code(0).identifier(0x1234).sequence(7)
                .fillChecksum(8 + data.length);
        return b;
    }

    private long counter(NetStat s) {
        return worker.netCounters().get(s);
    }

    private long drops(NetDropReason r) {
        return worker.netCounters().drops(r);
    }

    @Test
    @DisplayName("RFC 826: a request for our address is answered and its sender learned")
    void answersArpForOwnAddress() {
        link.b().inject(arp(ArpHeader.OP_REQUEST, EthernetHeader.BROADCAST, PEER_MAC, PEER, 0, LOCAL));
        List<byte[]> out = received();
        assertEquals(1, out.size());
        ParsedFrame f = parse(out.getFirst());
        assertEquals(ArpHeader.OP_REPLY, f.arp().operation());
        assertEquals(LOCAL_MAC, f.arp().senderMac());
        assertEquals(LOCAL, f.arp().senderIp());
        assertEquals(PEER_MAC, f.arp().targetMac());
        assertEquals(PEER, f.arp().targetIp());
        assertEquals(PEER_MAC, f.ethernet().destination());
        assertEquals(PEER_MAC, worker.neighbours().peek(PEER));
        assertEquals(1, counter(NetStat.ArpOutReplies));
    }

    @Test
    @DisplayName("RFC 826: a request for another address gets no reply and teaches nothing new")
    void ignoresArpForOthers() {
        link.b().inject(arp(ArpHeader.OP_REQUEST, EthernetHeader.BROADCAST, PEER_MAC, PEER, 0, OTHER));
        assertTrue(received().isEmpty());
        assertEquals(-1, worker.neighbours().peek(PEER));
        assertEquals(1, drops(NetDropReason.ARP_TARGET_NOT_LOCAL));
    }

    @Test
    @DisplayName("RFC 792: echo request → echo reply with id, sequence and data unchanged, valid checksums")
    void answersEcho() {
        byte[] data = "fastpath".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        link.b().inject(echoRequest(LOCAL, data));
        List<byte[]> out = received();
        assertEquals(1, out.size());
        ParsedFrame f = parse(out.getFirst()); // STRICT: IP and ICMP checksums verified
        assertEquals(ParsedFrame.Kind.ICMP, f.kind());
        assertEquals(IcmpHeader.TYPE_ECHO_REPLY, f.icmp().type());
        assertEquals(0x1234, f.icmp().identifier());
        assertEquals(7, f.icmp().sequence());
        assertEquals(LOCAL, f.srcIp());
        assertEquals(PEER, f.dstIp());
        assertEquals(PEER_MAC, f.ethernet().destination());
        byte[] echoed = new byte[data.length];
        MemorySegment.copy(f.buffer(), java.lang.foreign.ValueLayout.JAVA_BYTE, f.l4Offset() + 8, echoed, 0,
                data.length);
        assertArrayEquals(data, echoed);
    }

    @Test
    @DisplayName("echo to another address (e.g. broadcast) is counted and dropped")
    void ignoresEchoForOthers() {
        link.b().inject(echoRequest(0xC61200FF, new byte[4]));
        assertTrue(received().isEmpty());
        assertEquals(1, drops(NetDropReason.ICMP_NOT_LOCAL));
    }

    @Test
    @DisplayName("resolution: broadcast request, retried each second, FAILED after three, retried after the hold")
    void resolutionRetriesThenFails() {
        assertEquals(-1, worker.ip().resolveV4(PEER));
        List<byte[]> out = received();
        assertEquals(1, out.size());
        assertEquals(EthernetHeader.BROADCAST, parse(out.getFirst()).ethernet().destination());
        assertEquals(-1, worker.ip().resolveV4(PEER)); // still INCOMPLETE: no second request
        assertTrue(received().isEmpty());
        assertEquals(2, drops(NetDropReason.NEIGH_UNRESOLVED));
        for (int i = 0; i < 2; i++) {
            clock.advance(S + 100_000_000L);
            assertEquals(1, received().size(), "retry " + (i + 1));
        }
        clock.advance(S + 100_000_000L);
        assertTrue(received().isEmpty());
        assertEquals(1, counter(NetStat.NeighResFailed));
        assertEquals(-1, worker.ip().resolveV4(PEER));
        assertEquals(1, drops(NetDropReason.NEIGH_FAILED));
        clock.advance(S + 100_000_000L);
        received(); // the FAILED entry expires
        assertEquals(-1, worker.ip().resolveV4(PEER));
        assertEquals(1, received().size(), "a new resolution starts");
    }

    @Test
    @DisplayName("resolution completes with the reply; REACHABLE → STALE after 30 s → unicast probe")
    void replyResolvesAndStaleEntryIsProbed() {
        worker.ip().resolveV4(PEER);
        received();
        link.b().inject(arp(ArpHeader.OP_REPLY, LOCAL_MAC, PEER_MAC, PEER, LOCAL_MAC, LOCAL));
        received();
        assertEquals(PEER_MAC, worker.ip().resolveV4(PEER));
        clock.advance(31 * S);
        received();
        assertEquals(PEER_MAC, worker.ip().resolveV4(PEER), "a STALE entry is still used");
        List<byte[]> out = received();
        assertEquals(1, out.size());
        ParsedFrame probe = parse(out.getFirst());
        assertEquals(PEER_MAC, probe.ethernet().destination(), "the probe is unicast");
        assertEquals(ArpHeader.OP_REQUEST, probe.arp().operation());
    }

    @Test
    @DisplayName("static entries are used at once and never overwritten by ARP")
    void staticEntries() {
        assertTrue(worker.neighbours().addStatic(PEER, 0x020000000042L));
        assertEquals(0x020000000042L, worker.ip().resolveV4(PEER));
        link.b().inject(arp(ArpHeader.OP_REQUEST, EthernetHeader.BROADCAST, PEER_MAC, PEER, 0, LOCAL));
        assertEquals(1, received().size());
        clock.advance(600 * S);
        received();
        assertEquals(0x020000000042L, worker.ip().resolveV4(PEER));
        assertTrue(received().isEmpty(), "no probe for a permanent entry");
    }

    @Test
    @DisplayName("off-subnet: no gateway → NO_ROUTE; with a gateway, the gateway is resolved")
    void offSubnetUsesGateway() {
        assertEquals(-1, worker.ip().resolveV4(0x0A000001));
        assertEquals(1, drops(NetDropReason.NO_ROUTE));
        assertTrue(received().isEmpty());
        start(0xC61200FE);
        assertEquals(-1, worker.ip().resolveV4(0x0A000001));
        ParsedFrame req = parse(received().getFirst());
        assertEquals(0xC61200FE, req.arp().targetIp());
        link.b().inject(arp(ArpHeader.OP_REPLY, LOCAL_MAC, 0x0200000000FEL, 0xC61200FE, LOCAL_MAC, LOCAL));
        received();
        assertEquals(0x0200000000FEL, worker.ip().resolveV4(0x0A000001));
    }

    @Test
    @DisplayName("under a flood: an off-subnet SYN is answered through the router it came from while the gateway "
            + "is unresolved or FAILED; nothing is learned from it")
    void offSubnetSynAnsweredThroughTheRouterItCameFrom() {
        start(0xC61200FE);
        long router = 0x0200000000FEL;
        int far = 0xC6130005; // 198.19.0.5: off the /24
        byte[] syn = tcpSyn(far, router, 40000);
        link.b().inject(syn);
        List<byte[]> out = received();
        assertEquals(1, out.size(), "the SYN-ACK, and no ARP request started by the flood's SYN");
        ParsedFrame f = parse(out.getFirst());
        assertEquals(router, f.ethernet().destination());
        assertEquals(TcpHeader.SYN | TcpHeader.ACK, f.flags());
        assertEquals(0, worker.neighbours().size(), "a borrowed MAC is not learned");
        // The gateway's resolution fails (its replies lost): a SYN is still answered through the router.
        assertEquals(-1, worker.ip().resolveV4(0xC61200FE));
        received();
        for (int i = 0; i < 3; i++) {
            clock.advance(S + 100_000_000L);
            received();
        }
        assertEquals(1, counter(NetStat.NeighResFailed));
        // The SYN-ACK's retransmissions (no frame to borrow a MAC from) waited for the gateway and went with it.
        long failedBefore = drops(NetDropReason.NEIGH_FAILED);
        link.b().inject(tcpSyn(far, router, 40001));
        out = received();
        assertEquals(1, out.size());
        assertEquals(router, parse(out.getFirst()).ethernet().destination());
        assertEquals(failedBefore, drops(NetDropReason.NEIGH_FAILED), "the SYN was answered, not dropped");
    }

    private static byte[] tcpSyn(int src, long srcMac, int port) {
        return EthernetFrame.ipv4Tcp(LOCAL_MAC, srcMac, src, LOCAL, TcpSegment.of(port, 7, 1000, 0, TcpHeader.SYN,
                65535, List.of(new TcpOption.Mss(1460)), new byte[0]));
    }

    @Test
    @DisplayName("a forged sender (multicast MAC, our own address) is not learned")
    void rejectsBadSenders() {
        link.b().inject(arp(ArpHeader.OP_REQUEST, EthernetHeader.BROADCAST, 0x0100_5E00_0001L, PEER, 0, LOCAL));
        link.b().inject(arp(ArpHeader.OP_REQUEST, EthernetHeader.BROADCAST, PEER_MAC, LOCAL, 0, LOCAL));
        assertTrue(received().isEmpty());
        assertEquals(2, drops(NetDropReason.ARP_BAD_SENDER));
        assertFalse(worker.neighbours().peek(PEER) >= 0);
    }

    @Test
    @DisplayName("the table: inserts, finds and removes with backward shift under collisions")
    void tableBackwardShift() {
        NeighbourTable t = new NeighbourTable(16);
        int[] ips = new int[12];
        for (int i = 0; i < ips.length; i++) {
            ips[i] = 0x0A000001 + i * 16;
            assertTrue(t.insert(ips[i], NeighbourTable.REACHABLE) >= 0);
        }
        assertEquals(-1, t.insert(0x0B000001, NeighbourTable.REACHABLE), "three quarters full");
        for (int i = 0; i < ips.length; i += 2) {
            t.remove(t.find(ips[i]));
        }
        for (int i = 0; i < ips.length; i++) {
            assertEquals(i % 2 == 1, t.find(ips[i]) >= 0, "ip " + i);
        }
        assertEquals(6, t.size());
    }
}
