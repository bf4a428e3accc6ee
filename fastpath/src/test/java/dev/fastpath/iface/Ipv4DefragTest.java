package dev.fastpath.iface;

import static dev.fastpath.iface.Ip4Frames.LOCAL;
import static dev.fastpath.iface.Ip4Frames.PEER;
import static dev.fastpath.iface.Ip4Frames.PEER_MAC;
import static dev.fastpath.iface.Ip4Frames.fragment;
import static dev.fastpath.iface.Ip4Frames.tcpBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.net.IcmpSend;
import dev.fastpath.net.NetDropReason;
import dev.fastpath.net.NetStat;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.IcmpHeader;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpSegment;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** IPv4 reassembly as ip_defrag() (net/ipv4/ip_fragment.c): order, duplicates, overlaps, limits, time-outs. */
class Ipv4DefragTest {
    private static final long SEC = 1_000_000_000L;
    private final VirtualClock clock = new VirtualClock(1_000 * SEC);
    private final InMemoryLink link = new InMemoryLink(clock, 1);
    private final IpStack stack = new IpStack(List.of(InterfaceConfig.of("a", link.a(), Ip4Frames.OUR_MAC,
            IpCidr.v4(LOCAL, 24), ChecksumPolicy.STRICT)), List.of());
    private final NetStat.Counters counters = stack.counters();
    private final Ipv4Defrag.TimeExceeded icmp = (i, buf, off, len, mac, now) -> stack.iface(i).icmpSend.icmpSend(buf,
            off, len, mac, IcmpHeader.TYPE_TIME_EXCEEDED, IcmpSend.CODE_FRAGMENT_REASSEMBLY, 0, now);
    private final FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
    private final ParsedFrame f = new ParsedFrame();
    private final MemorySegment out = MemorySegment.ofArray(new byte[14 + 60 + 65_535]);
    private Ipv4Defrag defrag = new Ipv4Defrag(counters, icmp, 4 << 20, 30 * SEC);

    /** A 3,000-byte data segment's TCP bytes. */
    private static byte[] datagram() {
        byte[] data = new byte[3000];
        new SplittableRandom(7).nextBytes(data);
        return tcpBytes(TcpSegment.of(40000, 80, 1000, 1, TcpHeader.ACK, 65535, List.of(), data));
    }

    /** Feeds one frame; @return the reassembled frame's length or -1. */
    private int feed(byte[] frame) {
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(frame), 0, frame.length, 0, f));
        assertEquals(ParsedFrame.Kind.IPV4_FRAGMENT, f.kind());
        return defrag.ipDefrag(f, 0, out, clock.nowNs());
    }

    private void assertReassembled(int len, byte[] payload) {
        assertTrue(len > 0, "reassembled");
        assertEquals(DropReason.NONE, parser.parse(out, 0, len, 0, f), "a whole datagram, both checksums right");
        assertEquals(ParsedFrame.Kind.TCP, f.kind());
        assertEquals(0, f.ipv4().flagsFragment() & (Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK));
        assertEquals(20 + payload.length, f.ipTotalLength());
        byte[] got = out.asSlice(14 + 20, payload.length).toArray(ValueLayout.JAVA_BYTE);
        assertArrayEquals(payload, got);
    }

    @Test
    @DisplayName("fragments in any order are reassembled into the datagram; the queue and its memory are freed")
    void reassemblesInAnyOrder() {
        byte[] d = datagram();
        int[][] orders = {{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 0, 3, 1}};
        int[] cuts = {0, 800, 1600, 2400, d.length};
        int id = 1;
        for (int[] order : orders) {
            int len = -1;
            for (int i = 0; i < order.length; i++) {
                int k = order[i];
                len = feed(fragment(d, id, cuts[k], cuts[k + 1], 0));
                assertEquals(i < order.length - 1, len < 0);
            }
            assertReassembled(len, d);
            assertEquals(0, defrag.queues());
            assertEquals(0, defrag.memory());
            id++;
        }
        assertEquals(12, counters.get(NetStat.IpReasmReqds));
        assertEquals(3, counters.get(NetStat.IpReasmOKs));
        assertEquals(0, counters.get(NetStat.IpReasmFails));
    }

    @Test
    @DisplayName("a fragment wholly inside one held is a duplicate: dropped alone, the datagram still completes")
    void duplicateIsDroppedAlone() {
        byte[] d = datagram();
        assertEquals(-1, feed(fragment(d, 9, 0, 1600, 0)));
        assertEquals(-1, feed(fragment(d, 9, 800, 1600, 0)));
        assertEquals(1, counters.drops(NetDropReason.IP_FRAG_DUPLICATE));
        assertReassembled(feed(fragment(d, 9, 1600, d.length, 0)), d);
        assertEquals(0, counters.get(NetStat.IpReasmFails));
    }

    @Test
    @DisplayName("a partial overlap kills the whole queue (RFC 5722): IpReasmFails, IpExtReasmOverlaps; no datagram")
    void overlapKillsTheQueue() {
        byte[] d = datagram();
        assertEquals(-1, feed(fragment(d, 5, 0, 1600, 0)));
        assertEquals(-1, feed(fragment(d, 5, 800, 2400, 0)));
        assertEquals(1, counters.get(NetStat.IpExtReasmOverlaps));
        assertEquals(1, counters.get(NetStat.IpReasmFails));
        assertEquals(0, defrag.queues());
        assertEquals(-1, feed(fragment(d, 5, 1600, d.length, 0)), "a new queue: its start is gone");
        assertEquals(0, counters.get(NetStat.IpReasmOKs));
        byte[] overlapTail = fragment(d, 6, 0, 1600, 0);
        assertEquals(-1, feed(overlapTail));
        assertEquals(-1, feed(fragment(d, 6, 1200, d.length, 0)), "past the last run's end but starting inside it");
        assertEquals(2, counters.get(NetStat.IpExtReasmOverlaps));
    }

    @Test
    @DisplayName("a second last fragment with another end, or data past the end, kills the queue")
    void inconsistentEndKillsTheQueue() {
        byte[] d = datagram();
        assertEquals(-1, feed(fragment(d, 3, 1600, d.length, 0)));
        byte[] shorter = Arrays.copyOf(d, 2400);
        assertEquals(-1, feed(fragment(shorter, 3, 1600, 2400, 0)));
        assertEquals(1, counters.get(NetStat.IpReasmFails));
        assertEquals(0, defrag.queues());
    }

    @Test
    @DisplayName("not-ECT mixed with CE fails (ip_frag_ecn_table); ECT(0) with CE is reassembled as CE")
    void ecnMarksCombineAsLinux() {
        byte[] d = datagram();
        assertEquals(-1, feed(fragment(d, 4, 0, 1600, 0)));
        assertEquals(-1, feed(fragment(d, 4, 1600, d.length, 3)));
        assertEquals(1, counters.get(NetStat.IpReasmFails));
        assertEquals(-1, feed(fragment(d, 8, 0, 1600, 2)));
        int len = feed(fragment(d, 8, 1600, d.length, 3));
        assertReassembled(len, d);
        assertEquals(3, f.ipv4().tos() & 3, "CE");
    }

    @Test
    @DisplayName("above ipfrag_high_thresh every fragment is refused (IpReasmFails) until queues time out")
    void memoryIsBounded() {
        defrag = new Ipv4Defrag(counters, icmp, 5000, 30 * SEC);
        byte[] d = datagram();
        int id = 100;
        int held = 0;
        while (defrag.memory() <= 5000) {
            assertEquals(-1, feed(fragment(d, id++, 0, 1600, 0)));
            held++;
        }
        assertTrue(held >= 2);
        long fails = counters.get(NetStat.IpReasmFails);
        assertEquals(-1, feed(fragment(d, 100, 1600, d.length, 0)), "even the piece that would complete one");
        assertEquals(fails + 1, counters.get(NetStat.IpReasmFails));
        clock.advance(31 * SEC);
        defrag.expire(clock.nowNs());
        assertEquals(0, defrag.memory());
        assertEquals(0, defrag.queues());
        assertEquals(held, counters.get(NetStat.IpReasmTimeout));
    }

    @Test
    @DisplayName("ipfrag_high_thresh 0: no reassembly at all")
    void zeroThresholdRefusesAll() {
        defrag = new Ipv4Defrag(counters, icmp, 0, 30 * SEC);
        assertEquals(-1, feed(fragment(datagram(), 1, 0, 1600, 0)));
        assertEquals(1, counters.get(NetStat.IpReasmFails));
        assertEquals(0, defrag.queues());
    }

    @Test
    @DisplayName("ipfrag_time after its first fragment a queue fails (IpReasmTimeout); with its first fragment in, "
            + "ICMP time exceeded (code 1) quotes that fragment; without it, nothing is sent")
    void timeoutSendsTimeExceededOnlyWithTheFirstFragment() {
        byte[] d = datagram();
        byte[] first = fragment(d, 21, 0, 1600, 0);
        assertEquals(-1, feed(first));
        assertEquals(-1, feed(fragment(d, 22, 1600, d.length, 0)));
        clock.advance(29 * SEC);
        defrag.expire(clock.nowNs());
        assertEquals(2, defrag.queues(), "not yet");
        clock.advance(1 * SEC);
        defrag.expire(clock.nowNs());
        assertEquals(0, defrag.queues());
        assertEquals(2, counters.get(NetStat.IpReasmTimeout));
        assertEquals(2, counters.get(NetStat.IpReasmFails));
        List<byte[]> sent = new ArrayList<>();
        link.b().receive((buf, off, len, fl) -> sent.add(buf.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE)), 10);
        assertEquals(1, sent.size(), "one ICMP: only the queue whose first fragment came");
        byte[] m = sent.getFirst();
        assertEquals(DropReason.NONE, parser.parse(MemorySegment.ofArray(m), 0, m.length, 0, f));
        assertEquals(ParsedFrame.Kind.ICMP, f.kind());
        assertEquals(IcmpHeader.TYPE_TIME_EXCEEDED, f.icmp().type());
        assertEquals(1, f.icmp().code());
        assertEquals(PEER, f.dstIp());
        assertEquals(PEER_MAC, f.ethernet().destination());
        assertEquals(0xC0, f.ipv4().tos() & 0xE0, "precedence internetwork control");
        assertEquals(548, f.l4Length() - 8, "the quote fills the 576-byte limit");
        byte[] quoted = Arrays.copyOfRange(m, 14 + 20 + 8, 14 + 20 + 8 + 28);
        assertArrayEquals(Arrays.copyOfRange(first, EthernetHeader.LENGTH, EthernetHeader.LENGTH + 28), quoted);
        assertEquals(1, counters.get(NetStat.IcmpOutTimeExcds));
    }
}
