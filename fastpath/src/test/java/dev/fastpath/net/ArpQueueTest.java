package dev.fastpath.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.apps.AppKind;
import dev.fastpath.config.Config;
import dev.fastpath.iface.InterfaceConfig;
import dev.fastpath.iface.IpCidr;
import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.poll.StackWorker;
import dev.fastpath.tcp.SocketOps;
import dev.fastpath.tcp.TcpStat;
import dev.fastpath.wire.ArpHeader;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Frames to a next hop still being resolved wait for the ARP answer (Linux's arp_queue): a connect() to a new peer
 * sends only the ARP request, and its SYN leaves with the reply; past {@link Neighbours#UNRES_QLEN} frames the oldest
 * give way (counted); a resolution that fails drops what waited (counted).
 */
class ArpQueueTest {
    private static final int LOCAL = 0xC6120001;
    private static final int PEER = 0xC6120002;
    private static final long LOCAL_MAC = 0x0200C6120001L;
    private static final long PEER_MAC = 0x0200C6120002L;
    private static final long S = 1_000_000_000L;

    private VirtualClock clock;
    private InMemoryLink link;
    private StackWorker worker;
    private SocketOps ops;
    private final FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);

    @BeforeEach
    void setUp() {
        clock = new VirtualClock(1_000 * S);
        link = new InMemoryLink(clock, 1);
        Config config = Config.defaults().withOverrides(List.of("stack.max_connections=128"));
        worker = StackWorker.single(new StackWorker.Spec(0, config, List.of(), 7, -1, null, 0, System.out, 3),
                InterfaceConfig.of("a", link.a(), LOCAL_MAC, IpCidr.v4(LOCAL, 24), ChecksumPolicy.STRICT),
                AppKind.ECHO.create(config), clock::nowNs);
        worker.onStart();
        received(); // the announcement
        ops = SocketOps.of(worker.engine());
    }

    private List<ParsedFrame> received() {
        worker.doWork();
        List<ParsedFrame> out = new ArrayList<>();
        link.b().receive((buf, off, len, flags) -> {
            byte[] b = buf.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE);
            ParsedFrame f = new ParsedFrame();
            parser.parse(MemorySegment.ofArray(b), 0, b.length, 0, f);
            out.add(f);
        }, 1000);
        return out;
    }

    private int connect(int port) {
        int fd = ops.socket();
        int r = ops.connect(fd, PEER, port, clock.nowNs());
        assertTrue(r == 0 || r < 0 && r != -1, "connect: " + r);
        return fd;
    }

    private byte[] arpReply() {
        byte[] f = new byte[EthernetHeader.LENGTH + ArpHeader.LENGTH];
        MemorySegment m = MemorySegment.ofArray(f);
        new EthernetHeader().wrap(m, 0).destination(LOCAL_MAC).source(PEER_MAC).etherType(EthernetHeader.ETHERTYPE_ARP);
        new ArpHeader().wrap(m, EthernetHeader.LENGTH).ethernetIpv4().operation(ArpHeader.OP_REPLY).senderMac(PEER_MAC)
                .senderIp(PEER).targetMac(LOCAL_MAC).targetIp(LOCAL);
        return f;
    }

    private long drops(NetDropReason r) {
        return worker.netCounters().drops(r);
    }

    @Test
    @DisplayName("the first SYN to a new peer waits for the ARP reply and leaves with it, to the MAC it names")
    void firstSynLeavesWithTheReply() {
        connect(80);
        List<ParsedFrame> out = received();
        assertEquals(1, out.size(), "only the ARP request");
        assertEquals(ParsedFrame.Kind.ARP, out.getFirst().kind());
        assertEquals(1, worker.neighbours().queued(PEER));
        link.b().inject(arpReply());
        out = received();
        assertEquals(1, out.size(), "the SYN that waited");
        ParsedFrame syn = out.getFirst();
        assertEquals(ParsedFrame.Kind.TCP, syn.kind(), "a whole frame: its checksums verified (STRICT)");
        assertEquals(TcpHeader.SYN, syn.flags());
        assertEquals(PEER_MAC, syn.ethernet().destination());
        assertEquals(LOCAL_MAC, syn.ethernet().source());
        assertEquals(PEER, syn.dstIp());
        assertEquals(80, syn.dstPort());
        assertEquals(0, worker.neighbours().queued(PEER));
        assertEquals(0, drops(NetDropReason.NEIGH_UNRESOLVED));
        assertEquals(0, worker.engine().counters().get(TcpStat.TcpExtTCPSynRetrans),
            "no retransmission was needed");
    }

    @Test
    @DisplayName("past unres_qlen frames the oldest give way, counted; the rest leave in order")
    void oldestGiveWayPastTheLimit() {
        int extra = 3;
        for (int i = 0; i < Neighbours.UNRES_QLEN + extra; i++) {
            connect(1000 + i);
        }
        assertEquals(1, received().size(), "one ARP request for the burst");
        assertEquals(Neighbours.UNRES_QLEN, worker.neighbours().queued(PEER));
        assertEquals(extra, drops(NetDropReason.NEIGH_UNRESOLVED));
        assertEquals(extra, worker.netCounters().get(NetStat.NeighUnresolvedDiscards));
        link.b().inject(arpReply());
        List<ParsedFrame> out = received();
        assertEquals(Neighbours.UNRES_QLEN, out.size());
        for (int i = 0; i < out.size(); i++) {
            assertEquals(1000 + extra + i, out.get(i).dstPort(), "oldest first, the newest kept");
        }
    }

    @Test
    @DisplayName("a resolution that fails drops what waited (NEIGH_FAILED)")
    void failedResolutionDropsTheQueue() {
        connect(80);
        connect(81);
        received();
        assertEquals(2, worker.neighbours().queued(PEER));
        for (int i = 0; i < 3; i++) {
            clock.advance(S + 100_000_000L);
            received();
        }
        assertEquals(1, worker.netCounters().get(NetStat.NeighResFailed));
        assertEquals(0, worker.neighbours().queued(PEER));
        // the two SYNs, and their retransmissions that queued meanwhile (TCP's RTO of 1 s)
        assertTrue(drops(NetDropReason.NEIGH_FAILED) >= 2, () -> "dropped " + drops(NetDropReason.NEIGH_FAILED));
        assertEquals(0, drops(NetDropReason.NEIGH_UNRESOLVED));
    }

    @Test
    @DisplayName("a slot holds a whole frame of the device's size (4096-byte AF_XDP chunks, jumbo MSS), not more")
    void slotsAreTheDevicesFrameSize() {
        ArpQueue q = new ArpQueue(4, 4096, 2);
        int[] dropped = new int[1];
        int a = q.claim(PEER, dropped);
        int b = q.claim(PEER, dropped);
        assertEquals(4096, q.offset(b) - q.offset(a), "frames do not overlap");
        q.commit(a, 4096);
        assertEquals(4096, q.length(q.poll(PEER)), "a frame as large as the device's is kept");
        q.commit(b, 4097);
        assertEquals(1, q.waiting(PEER), "a frame larger than a slot is not");
        assertEquals(0, dropped[0]);
    }
}
