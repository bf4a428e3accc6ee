package dev.fastpath.iface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.apps.AppKind;
import dev.fastpath.config.Config;
import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.net.NeighbourTiming;
import dev.fastpath.net.NetDropReason;
import dev.fastpath.poll.StackWorker;
import dev.fastpath.tcp.SocketOps;
import dev.fastpath.uapi.Errno;
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
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The interface layer with real frames on in-memory links: several addresses on one interface, several
 * interfaces on one worker, the routing table choosing the interface, the next hop and the source address.
 */
class IpStackTest {
    private static final long S = 1_000_000_000L;
    private static final long MAC_0 = 0x02_00_00_00_00_01L;
    private static final long MAC_1 = 0x02_00_00_00_01_01L;
    private static final long PEER_MAC = 0x02_00_00_00_00_02L;
    private static final long GATEWAY_MAC = 0x02_00_00_00_00_FEL;
    private static final int A0 = ip("198.18.0.1");
    private static final int A0_SECOND = ip("198.18.5.1");
    private static final int A1 = ip("198.19.0.1");
    private static final int GATEWAY = ip("198.18.0.254");
    private static final int ECHO_PORT = 7;

    private final VirtualClock clock = new VirtualClock(1_000 * S);
    private final InMemoryLink link0 = new InMemoryLink(clock, 1);
    private final InMemoryLink link1 = new InMemoryLink(clock, 2);
    private final FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
    private StackWorker worker;

    private static int ip(String dotted) {
        return IpAddress.parse(dotted).v4();
    }

    /** Interface 0: two addresses; interface 1: one; a default route through the gateway on interface 0. */
    private void start(boolean defaultRoute) {
        Config config = Config.defaults().withOverrides(List.of("stack.max_connections=64"));
        InterfaceConfig if0 = new InterfaceConfig("if0", link0.a(), MAC_0,
                List.of(IpCidr.v4(A0, 24), IpCidr.v4(A0_SECOND, 24)), ChecksumPolicy.STRICT, NeighbourTiming.LINUX);
        InterfaceConfig if1 = InterfaceConfig.of("if1", link1.a(), MAC_1, IpCidr.v4(A1, 24), ChecksumPolicy.STRICT);
        List<Route> routes = defaultRoute ? List.of(Route.defaultV4(GATEWAY, 0)) : List.of();
        worker = new StackWorker(new StackWorker.Spec(0, config, routes, ECHO_PORT, -1, null, 0, System.out, 11),
                List.of(if0, if1), AppKind.ECHO.create(config), clock::nowNs);
        worker.onStart();
    }

    private List<ParsedFrame> received(InMemoryLink link) {
        worker.doWork();
        List<ParsedFrame> out = new ArrayList<>();
        link.b().receive((buf, off, len, flags) -> {
            byte[] copy = buf.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE);
            ParsedFrame f = new ParsedFrame();
            assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(copy), 0, copy.length, 0, f),
                    "the stack sent a frame the parser refuses");
            out.add(f);
        }, 1000);
        return out;
    }

    private static byte[] arpRequest(long senderMac, int senderIp, int targetIp) {
        byte[] b = new byte[42];
        MemorySegment m = MemorySegment.ofArray(b);
        new EthernetHeader().wrap(m, 0).destination(EthernetHeader.BROADCAST).source(senderMac)
                .etherType(EthernetHeader.ETHERTYPE_ARP);
        new ArpHeader().wrap(m, 14).ethernetIpv4().operation(ArpHeader.OP_REQUEST).senderMac(senderMac)
                .senderIp(senderIp).targetMac(0).targetIp(targetIp);
        return b;
    }

    @Nested
    @DisplayName("one interface, two addresses")
    class TwoAddresses {

        @Test
        @DisplayName("each address is announced at start, and ARP is answered for each from that address")
        void arpForEachAddress() {
            start(false);
            List<ParsedFrame> announced = received(link0);
            assertEquals(List.of(A0, A0_SECOND), announced.stream().map(f -> f.arp().senderIp()).toList(),
                    "one gratuitous ARP per address");
            int peer = ip("198.18.5.9");
            link0.b().inject(arpRequest(PEER_MAC, peer, A0_SECOND));
            List<ParsedFrame> out = received(link0);
            assertEquals(1, out.size());
            assertEquals(ArpHeader.OP_REPLY, out.getFirst().arp().operation());
            assertEquals(A0_SECOND, out.getFirst().arp().senderIp(), "the reply speaks for the address asked for");
            assertEquals(MAC_0, out.getFirst().arp().senderMac());
            assertTrue(received(link1).stream().allMatch(f -> f.kind() == ParsedFrame.Kind.ARP),
                    "nothing but the start's announcement on the other link");
        }

        @Test
        @DisplayName("a SYN to the second address is answered from the second address, to the sender's MAC")
        void synToSecondAddress() {
            start(false);
            received(link0);
            int peer = ip("198.18.5.9");
            TcpSegment syn = TcpSegment.of(40000, ECHO_PORT, 1000, 0, TcpHeader.SYN, 65535,
                    List.of(new TcpOption.Mss(1460)), new byte[0]);
            link0.b().inject(EthernetFrame.ipv4Tcp(MAC_0, PEER_MAC, peer, A0_SECOND, syn));
            List<ParsedFrame> out = received(link0);
            assertEquals(1, out.size(), "the SYN-ACK alone: the bare SYN lends its MAC, no ARP needed");
            ParsedFrame synAck = out.getFirst();
            assertEquals(TcpHeader.SYN | TcpHeader.ACK, synAck.flags());
            assertEquals(A0_SECOND, synAck.srcIp());
            assertEquals(peer, synAck.dstIp());
            assertEquals(PEER_MAC, synAck.ethernet().destination());
            assertEquals(1001, synAck.ack());
        }

        @Test
        @DisplayName("echo to the second address is answered from it")
        void echoToSecondAddress() {
            start(false);
            received(link0);
            int peer = ip("198.18.5.9");
            byte[] b = new byte[14 + 20 + 8];
            MemorySegment m = MemorySegment.ofArray(b);
            new EthernetHeader().wrap(m, 0).destination(MAC_0).source(PEER_MAC)
                    .etherType(EthernetHeader.ETHERTYPE_IPV4);
            new Ipv4Header().wrap(m, 14).versionAndHeaderLength(20).totalLength(28).ttl(64)
                    .protocol(Ipv4Header.PROTO_ICMP).source(peer).destination(A0_SECOND).fillChecksum();
            new IcmpHeader().wrap(m, 34).type(IcmpHeader.TYPE_ECHO_REQUEST).code(0).identifier(1).sequence(2)
                    .fillChecksum(8);
            link0.b().inject(b);
            List<ParsedFrame> out = received(link0);
            assertEquals(1, out.size());
            assertEquals(IcmpHeader.TYPE_ECHO_REPLY, out.getFirst().icmp().type());
            assertEquals(A0_SECOND, out.getFirst().srcIp());
        }

        @Test
        @DisplayName("bind() takes any address of the host and refuses others (EADDRNOTAVAIL)")
        void bindToLocalAddresses() {
            start(false);
            SocketOps ops = SocketOps.of(worker.engine());
            assertEquals(0, ops.bind(ops.socket(), A0_SECOND, 8001));
            assertEquals(0, ops.bind(ops.socket(), A1, 8002));
            assertEquals(-Errno.EADDRNOTAVAIL, ops.bind(ops.socket(), ip("198.18.0.77"), 8003));
        }
    }

    @Nested
    @DisplayName("two interfaces, one routing table")
    class TwoInterfaces {

        @Test
        @DisplayName("connect() leaves by the interface whose subnet holds the destination, from its address")
        void connectChoosesInterfaceAndSource() {
            start(true);
            received(link0);
            received(link1);
            int peer = ip("198.19.0.9");
            worker.ip().iface(1).neighbours().addStatic(peer, PEER_MAC);
            SocketOps ops = SocketOps.of(worker.engine());
            assertEquals(-Errno.EINPROGRESS, ops.connect(ops.socket(), peer, 80, clock.nowNs()));
            assertEquals(List.of(), received(link0), "nothing on the other link");
            List<ParsedFrame> out = received(link1);
            assertEquals(1, out.size());
            ParsedFrame syn = out.getFirst();
            assertEquals(TcpHeader.SYN, syn.flags());
            assertEquals(A1, syn.srcIp());
            assertEquals(MAC_1, syn.ethernet().source());
            assertEquals(PEER_MAC, syn.ethernet().destination());
        }

        @Test
        @DisplayName("off every subnet, the default route: to the gateway's MAC, from the address beside it")
        void defaultRouteThroughGateway() {
            start(true);
            received(link0);
            received(link1);
            worker.ip().iface(0).neighbours().addStatic(GATEWAY, GATEWAY_MAC);
            SocketOps ops = SocketOps.of(worker.engine());
            int far = ip("198.19.200.5");
            assertEquals(-Errno.EINPROGRESS, ops.connect(ops.socket(), far, 80, clock.nowNs()));
            List<ParsedFrame> out = received(link0);
            assertEquals(1, out.size());
            assertEquals(far, out.getFirst().dstIp());
            assertEquals(A0, out.getFirst().srcIp(), "the address on the gateway's subnet");
            assertEquals(GATEWAY_MAC, out.getFirst().ethernet().destination());
            assertEquals(List.of(), received(link1));
        }

        @Test
        @DisplayName("an unresolved next hop is asked for by ARP on its own interface, from the address beside it")
        void arpOnTheRoutesInterface() {
            start(true);
            received(link0);
            received(link1);
            int peer = ip("198.19.0.9");
            assertEquals(-1, worker.ip().resolveV4(peer));
            List<ParsedFrame> out = received(link1);
            assertEquals(1, out.size());
            assertEquals(ArpHeader.OP_REQUEST, out.getFirst().arp().operation());
            assertEquals(A1, out.getFirst().arp().senderIp());
            assertEquals(peer, out.getFirst().arp().targetIp());
            assertEquals(1, worker.netCounters().drops(NetDropReason.NEIGH_UNRESOLVED));
        }

        @Test
        @DisplayName("no route, no connection: connect() fails with ENETUNREACH, as ip_route_connect() does")
        void noRoute() {
            start(false);
            SocketOps ops = SocketOps.of(worker.engine());
            assertEquals(-Errno.ENETUNREACH, ops.connect(ops.socket(), ip("198.19.200.5"), 80, clock.nowNs()));
            assertEquals(-1, worker.ip().resolveV4(ip("198.19.200.5")));
            assertEquals(1, worker.netCounters().drops(NetDropReason.NO_ROUTE));
        }
    }

    @Test
    @DisplayName("a route's gateway must be on a subnet of its interface")
    void gatewayMustBeOnLink() {
        InterfaceConfig if0 = InterfaceConfig.of("if0", link0.a(), MAC_0, IpCidr.v4(A0, 24), ChecksumPolicy.STRICT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new IpStack(List.of(if0), List.of(Route.defaultV4(ip("198.19.200.1"), 0))));
        assertTrue(e.getMessage().contains("not on a subnet"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new IpStack(List.of(if0), List.of(Route.defaultV4(GATEWAY, 3))));
    }
}
