package dev.fastpath.iface;

import dev.fastpath.net.NetDropReason;
import dev.fastpath.net.NetStat;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.ParsedFrame;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * IPv4 reassembly as Linux's ip_defrag() does it for local delivery (net/ipv4/ip_fragment.c, inet_fragment.c).
 * Fragments are queued by (source, destination, id, protocol). A fragment that lies wholly inside a run already
 * held is a duplicate, dropped alone; one that overlaps partly kills the queue (RFC 5722 as amended: IpReasmFails,
 * IpExtReasmOverlaps). A last fragment that disagrees with the length known, data past a last fragment, an empty
 * fragment: the queue is killed. More-fragments pieces are cut to a multiple of 8. When the first and last pieces
 * are in and every byte between, the datagram is rebuilt with the first fragment's header (total length, DF only
 * if every largest piece had DF, the ECN marks combined as ip_frag_ecn_table: CE with ECT is CE, not-ECT mixed
 * with ECT or CE fails). Memory is bounded: while the fragments held take more than {@code ipfrag_high_thresh},
 * every fragment is refused (IpReasmFails, as inet_frag_find() refusing a queue); a queue lives {@code ipfrag_time}
 * from its first fragment, then fails with IpReasmTimeout and, if its first fragment came, an ICMP "fragment
 * reassembly time exceeded" (ip_expire()). Fragments are copied (this path allocates; its memory is the bound).
 * Linux's ipfrag_max_dist (a queue reset when 64 other fragments from the same peer came between two of its own)
 * is not modelled.
 */
final class Ipv4Defrag {
    /** Where a timed-out datagram's ICMP goes: the interface its first fragment came in by. */
    @FunctionalInterface
    interface TimeExceeded {
        /**
         * Kernel: ip_expire() → icmp_send(ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME).
         *
         * @param iface    the interface the first fragment came by
         * @param frame    that fragment's frame
         * @param ipOffset where its IPv4 header starts
         * @param ipLength its bytes from there
         * @param mac      its Ethernet source
         * @param nowNs    the time
         */
        void send(int iface, MemorySegment frame, long ipOffset, int ipLength, long mac, long nowNs);
    }

    /** What one fragment costs besides its frame bytes (Linux charges skb truesize). */
    static final int FRAGMENT_OVERHEAD = 256;
    private static final int MAX_DATAGRAM = 65_535;
    private static final int ECN_NOT_ECT = 1;
    private static final int ECN_ECT_1 = 2;
    private static final int ECN_ECT_0 = 4;
    private static final int ECN_CE = 8;

    private record Key(int src, int dst, int id, int protocol) {
    }

    /** One datagram being reassembled (struct ipq). */
    private static final class Queue {
        final Key key;
        final long expiresNs;
        boolean firstIn;
        boolean lastIn;
        boolean dead;
        /** The payload length known so far (q.len); meat: the bytes held. */
        int len;
        int meat;
        int ecn;
        int maxSize;
        int maxDfSize;
        long charged;
        /** The first fragment's frame, whole (its header is the datagram's; it is quoted in a time-out's ICMP). */
        byte[] firstFrame;
        int firstIpOffset;
        long firstMac;
        int firstIface;
        /** Pieces in offset order: [offset, payload]; runs of adjacent pieces appended at the tail. */
        final List<int[]> runs = new ArrayList<>();
        final Map<Integer, byte[]> pieces = new HashMap<>();

        Queue(Key key, long expiresNs) {
            this.key = key;
            this.expiresNs = expiresNs;
        }
    }

    private final NetStat.Counters counters;
    private final TimeExceeded icmp;
    private final long highThresh;
    private final long timeoutNs;
    private final Map<Key, Queue> queues = new HashMap<>();
    /** Queues in creation order, which is expiry order (one time-out for all). */
    private final ArrayDeque<Queue> byAge = new ArrayDeque<>();
    private long mem;

    /**
     * @param counters   where counts go
     * @param icmp       sends the time-out's ICMP
     * @param highThresh ipfrag_high_thresh, bytes
     * @param timeoutNs  ipfrag_time
     */
    Ipv4Defrag(NetStat.Counters counters, TimeExceeded icmp, long highThresh, long timeoutNs) {
        this.counters = counters;
        this.icmp = icmp;
        this.highThresh = highThresh;
        this.timeoutNs = timeoutNs;
    }

    /** @return bytes the held fragments are charged (ipfrag memory) */
    long memory() {
        return mem;
    }

    /** @return datagrams being reassembled */
    int queues() {
        return queues.size();
    }

    /**
     * Kernel: ip_defrag() → ip_frag_queue() → ip_frag_reasm(). Takes one fragment the parser accepted.
     *
     * @param f     a frame of kind {@link ParsedFrame.Kind#IPV4_FRAGMENT}
     * @param iface the interface it came in by
     * @param out   where a completed datagram is written as a frame (Ethernet header of this fragment, then the
     *              rebuilt IPv4 datagram); at least 14 + 60 + 65,535 bytes
     * @param nowNs the time
     * @return the length of the frame written to {@code out}, or -1 (held, or dropped and counted)
     */
    int ipDefrag(ParsedFrame f, int iface, MemorySegment out, long nowNs) {
        counters.inc(NetStat.IpReasmReqds);
        expire(nowNs);
        if (highThresh == 0 || mem > highThresh) {
            return fail(); // inet_frag_find(): over ipfrag_high_thresh no fragment is taken
        }
        Key key = new Key(f.srcIp(), f.dstIp(), f.ipv4().identification(), f.protocol());
        Queue q = queues.get(key);
        if (q == null) {
            q = new Queue(key, nowNs + timeoutNs);
            queues.put(key, q);
            byAge.addLast(q);
        }
        return ipFragQueue(q, f, iface, out);
    }

    private int ipFragQueue(Queue q, ParsedFrame f, int iface, MemorySegment out) {
        int flagsOffset = f.ipv4().flagsFragment();
        int offset = (flagsOffset & Ipv4Header.FRAGMENT_OFFSET_MASK) << 3;
        boolean more = (flagsOffset & Ipv4Header.FLAG_MF) != 0;
        int end = offset + f.l4Length();
        if (!more) {
            if (end < q.len || (q.lastIn && end != q.len)) {
                return kill(q); // bytes beyond the end, or another end: corrupted
            }
            q.lastIn = true;
            q.len = end;
        } else {
            end &= ~7; // RFC 791: pieces but the last are multiples of 8 bytes
            if (end > q.len) {
                if (q.lastIn) {
                    return kill(q);
                }
                q.len = end;
            }
        }
        if (end == offset) {
            return kill(q);
        }
        int verdict = insert(q, offset, end);
        if (verdict == DUP) {
            counters.drop(NetDropReason.IP_FRAG_DUPLICATE);
            return -1;
        }
        if (verdict == OVERLAP) {
            counters.inc(NetStat.IpExtReasmOverlaps);
            return kill(q);
        }
        byte[] piece = new byte[end - offset];
        MemorySegment.copy(f.buffer(), ValueLayout.JAVA_BYTE, f.l4Offset(), piece, 0, piece.length);
        q.pieces.put(offset, piece);
        long charge = f.frameLength() + FRAGMENT_OVERHEAD;
        q.charged += charge;
        mem += charge;
        q.meat += piece.length;
        q.ecn |= 1 << (f.ipv4().tos() & 3);
        if (offset == 0) {
            q.firstIn = true;
            q.firstIpOffset = (int) (f.l3Offset() - f.frameOffset());
            q.firstFrame = new byte[q.firstIpOffset + f.ipHeaderLength() + piece.length];
            MemorySegment.copy(f.buffer(), ValueLayout.JAVA_BYTE, f.frameOffset(), q.firstFrame, 0,
                    q.firstFrame.length);
            q.firstMac = f.ethernet().source();
            q.firstIface = iface;
        }
        int fragSize = piece.length + f.ipHeaderLength();
        q.maxSize = Math.max(q.maxSize, fragSize);
        if ((flagsOffset & Ipv4Header.FLAG_DF) != 0) {
            q.maxDfSize = Math.max(q.maxDfSize, fragSize);
        }
        if (q.firstIn && q.lastIn && q.meat == q.len) {
            return ipFragReasm(q, f, out);
        }
        return -1;
    }

    private static final int INSERTED = 0;
    private static final int DUP = 1;
    private static final int OVERLAP = 2;

    /**
     * Kernel: inet_frag_queue_insert(). Past the last run's end the piece extends it (when adjacent) or starts a
     * new run; otherwise it must fall in a gap between runs, lie wholly inside one run (a duplicate), or it
     * overlaps.
     */
    private static int insert(Queue q, int offset, int end) {
        List<int[]> runs = q.runs;
        int[] last = runs.isEmpty() ? null : runs.getLast();
        if (last == null) {
            runs.add(new int[] {offset, end});
            return INSERTED;
        }
        if (last[1] < end) {
            if (offset < last[1]) {
                return OVERLAP;
            }
            if (offset == last[1]) {
                last[1] = end;
            } else {
                runs.add(new int[] {offset, end});
            }
            return INSERTED;
        }
        int at = 0;
        for (int[] run : runs) {
            if (end <= run[0]) {
                break;
            }
            if (offset >= run[1]) {
                at++;
                continue;
            }
            return offset >= run[0] && end <= run[1] ? DUP : OVERLAP;
        }
        runs.add(at, new int[] {offset, end});
        return INSERTED;
    }

    /** Kernel: ip_frag_reasm(). @return the frame's length, or -1 (failed, counted) */
    private int ipFragReasm(Queue q, ParsedFrame f, MemorySegment out) {
        int ecn = ecnOf(q.ecn);
        int ipOff = q.firstIpOffset;
        int ihl = (q.firstFrame[ipOff] & 0x0F) << 2;
        int total = ihl + q.len;
        if (ecn < 0 || total > MAX_DATAGRAM) {
            return kill(q);
        }
        MemorySegment.copy(f.buffer(), f.frameOffset(), out, 0, EthernetHeader.LENGTH);
        // the datagram goes on untagged: VLAN tags of the fragments are not kept (the engine answers untagged)
        out.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 12,
                (short) EthernetHeader.ETHERTYPE_IPV4);
        MemorySegment.copy(q.firstFrame, ipOff, out, ValueLayout.JAVA_BYTE, EthernetHeader.LENGTH, ihl);
        long dataAt = EthernetHeader.LENGTH + ihl;
        for (Map.Entry<Integer, byte[]> e : q.pieces.entrySet()) {
            MemorySegment.copy(e.getValue(), 0, out, ValueLayout.JAVA_BYTE, dataAt + e.getKey(), e.getValue().length);
        }
        Ipv4Header h = new Ipv4Header().wrap(out, EthernetHeader.LENGTH);
        h.totalLength(total).flagsFragment(q.maxDfSize == q.maxSize ? Ipv4Header.FLAG_DF : 0)
                .tos(h.tos() | ecn).fillChecksum();
        remove(q);
        counters.inc(NetStat.IpReasmOKs);
        return EthernetHeader.LENGTH + total;
    }

    /** Kernel: ip_frag_ecn_table. @return the ECN bits to OR into the TOS, or -1 for an invalid mix */
    private static int ecnOf(int seen) {
        if ((seen & ECN_NOT_ECT) != 0 && (seen & ~ECN_NOT_ECT) != 0) {
            return -1;
        }
        return (seen & ECN_CE) != 0 && (seen & (ECN_ECT_0 | ECN_ECT_1)) != 0 ? 3 : 0;
    }

    /** Kernel: inet_frag_kill() with IpReasmFails. @return -1 */
    private int kill(Queue q) {
        remove(q);
        return fail();
    }

    private int fail() {
        counters.inc(NetStat.IpReasmFails);
        counters.drop(NetDropReason.IP_FRAG_FAILED);
        return -1;
    }

    private void remove(Queue q) {
        if (q.dead) {
            return;
        }
        q.dead = true;
        queues.remove(q.key);
        mem -= q.charged;
        q.pieces.clear();
    }

    /**
     * Kernel: ip_expire(). Queues past ipfrag_time fail (IpReasmFails, IpReasmTimeout); one whose first fragment
     * came is answered with ICMP time exceeded, code 1, quoting that fragment.
     *
     * @param nowNs the time
     */
    void expire(long nowNs) {
        while (!byAge.isEmpty() && (byAge.peekFirst().dead || byAge.peekFirst().expiresNs - nowNs <= 0)) {
            Queue q = byAge.pollFirst();
            if (q.dead) {
                continue;
            }
            remove(q);
            counters.inc(NetStat.IpReasmFails);
            counters.inc(NetStat.IpReasmTimeout);
            if (q.firstIn) {
                MemorySegment first = MemorySegment.ofArray(q.firstFrame);
                icmp.send(q.firstIface, first, q.firstIpOffset, q.firstFrame.length - q.firstIpOffset, q.firstMac,
                        nowNs);
            }
        }
    }
}
