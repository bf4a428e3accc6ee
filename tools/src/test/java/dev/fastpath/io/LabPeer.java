package dev.fastpath.io;

import dev.fastpath.io.afpacket.AfPacketConfig;
import dev.fastpath.io.afpacket.AfPacketIo;
import dev.fastpath.io.xdp.AfXdpIo;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;
import java.util.concurrent.locks.LockSupport;

/**
 * One side of the lab tests, run as a child JVM inside a lab namespace
 * ({@code ip netns exec fpA-… java … LabPeer BACKEND MODE …}), since a JVM thread cannot enter a namespace.
 * BACKEND is {@code afpacket} or {@code xdp}. Reports on stdout, one fact per line; every loop is bounded in
 * count and time.
 *
 * <ul>
 *   <li>{@code send IF N}: sends {@link LabFrames} 0..N-1, prints {@code SENT …}</li>
 *   <li>{@code recv IF N TIMEOUT_MS [SOCKETS]}: prints {@code READY}, receives until all N test frames arrived
 *       (over SOCKETS AF_PACKET sockets in one PACKET_FANOUT_HASH group when SOCKETS &gt; 1), prints
 *       {@code RECEIVED matched=… mismatched=… duplicates=… other=… perSocket=…}</li>
 *   <li>{@code sniff IF TIMEOUT_MS ICMP_ECHOS SYNS}: prints {@code READY}, parses every frame with
 *       {@link FrameParser} (TRUST_FLAG for AF_PACKET, ACCEPT_PARTIAL for AF_XDP) and prints
 *       {@code FRAME kind=… drop=… csumPartial=… …} until it has seen that many ICMP echo requests and TCP SYNs,
 *       then {@code DONE}</li>
 * </ul>
 */
public final class LabPeer {

    private static final int BATCH = 32;
    private static final long SEND_BUDGET_NS = 10_000_000_000L;

    private LabPeer() {
    }

    /** What the peer needs beyond {@link PacketIo}, over either backend. */
    private record Backend(PacketIo io, AfPacketIo afPacket, AfXdpIo xdp) implements AutoCloseable {
        static Backend open(String kind, String ifname, int fanoutGroup) {
            if (kind.equals("xdp")) {
                AfXdpIo x = AfXdpIo.open(ifname);
                System.out.println("XDP zeroCopy=" + x.zeroCopy());
                System.out.println("XDP sndbuf=" + x.sendBufferBytes());
                return new Backend(x, null, x);
            }
            AfPacketIo p = AfPacketIo.open(ifname, fanoutGroup < 0 ? AfPacketConfig.defaults()
                : AfPacketConfig.defaults().withFanoutGroup(fanoutGroup));
            return new Backend(p, p, null);
        }

        int txInFlight() {
            return afPacket != null ? afPacket.txInFlight() : xdp.txInFlight();
        }

        void awaitRx(int ms) {
            if (afPacket != null) {
                afPacket.awaitRx(ms);
            } else {
                xdp.awaitRx(ms);
            }
        }

        String stats() {
            return afPacket != null ? afPacket.stats().toString() : xdp.stats().toString();
        }

        @Override
        public void close() {
            io.close();
        }
    }

    /**
     * @param args the mode and its arguments (see the class comment)
     */
    public static void main(String[] args) {
        String kind = args[0];
        switch (args[1]) {
            case "send" -> send(kind, args[2], Integer.parseInt(args[3]));
            case "recv" -> recv(kind, args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]),
                args.length > 5 ? Integer.parseInt(args[5]) : 1);
            case "sniff" -> sniff(kind, args[2], Long.parseLong(args[3]), Integer.parseInt(args[4]),
                Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("unknown mode " + args[1]);
        }
        System.out.flush();
    }

    private static void send(String kind, String ifname, int count) {
        MemorySegment[] frames = new MemorySegment[count];
        for (int i = 0; i < count; i++) {
            frames[i] = MemorySegment.ofArray(LabFrames.udp(i));
        }
        long deadline = System.nanoTime() + SEND_BUDGET_NS;
        try (Backend b = Backend.open(kind, ifname, -1)) {
            PacketIo io = b.io();
            MemorySegment tx = io.txBuffer();
            int sent = 0;
            long allocBefore = allocatedBytes();
            while (sent < count && System.nanoTime() < deadline) {
                long at = io.txClaim();
                if (at < 0) {
                    io.flush();
                    LockSupport.parkNanos(20_000);
                    continue;
                }
                int length = (int) frames[sent].byteSize();
                MemorySegment.copy(frames[sent], 0, tx, at, length);
                io.txCommit(at, length);
                sent++;
                if (sent % BATCH == 0) {
                    io.flush();
                }
            }
            io.flush();
            System.out.println("ALLOC tx bytes=" + (allocatedBytes() - allocBefore));
            // Close only once the kernel is done with every slot: unmapping earlier would lose queued frames.
            while (b.txInFlight() > 0 && System.nanoTime() < deadline) {
                io.flush();
                LockSupport.parkNanos(100_000);
            }
            System.out.println("SENT n=" + sent + " inFlight=" + b.txInFlight() + " stats=" + b.stats());
        }
    }

    /** Bytes this thread has allocated so far (HotSpot's per-thread TLAB accounting). */
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
            .getCurrentThreadAllocatedBytes();
    }

    private static void recv(String kind, String ifname, int count, long timeoutMs, int sockets) {
        int group = sockets > 1 ? (int) (ProcessHandle.current().pid() & 0x7FFF) : -1;
        Backend[] ios = new Backend[sockets];
        for (int s = 0; s < sockets; s++) {
            ios[s] = Backend.open(kind, ifname, group);
        }
        // Built before READY: the handler compares bytes only, so a slow (cold) JVM does not stall the ring.
        MemorySegment[] expected = new MemorySegment[count];
        for (int i = 0; i < count; i++) {
            expected[i] = MemorySegment.ofArray(LabFrames.udp(i));
        }
        BitSet seen = new BitSet(count);
        int[] tally = new int[3]; // mismatched, duplicates, other
        int[] perSocket = new int[sockets];
        int[] current = new int[1];
        PacketIo.RxHandler handler = (buffer, offset, length, flags) -> {
            int seq = LabFrames.sequence(buffer, offset, length);
            if (seq < 0 || seq >= count) {
                tally[2]++;
            } else if (length != expected[seq].byteSize()
                    || MemorySegment.mismatch(buffer, offset, offset + length, expected[seq], 0, length) != -1) {
                tally[0]++;
            } else if (seen.get(seq)) {
                tally[1]++;
            } else {
                seen.set(seq);
                perSocket[current[0]]++;
            }
        };
        System.out.println("READY");
        System.out.flush();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        long allocBefore = allocatedBytes();
        while (seen.cardinality() < count && System.nanoTime() < deadline) {
            int got = 0;
            for (int s = 0; s < sockets; s++) {
                current[0] = s;
                got += ios[s].io().receive(handler, 64);
            }
            if (got == 0 && sockets == 1) {
                ios[0].awaitRx(2);
            }
        }
        System.out.println("ALLOC rx bytes=" + (allocatedBytes() - allocBefore));
        StringBuilder stats = new StringBuilder();
        for (int s = 0; s < sockets; s++) {
            stats.append(' ').append(perSocket[s]);
            System.out.println("STATS socket=" + s + " " + ios[s].stats());
            ios[s].close();
        }
        System.out.println("RECEIVED matched=" + seen.cardinality() + " mismatched=" + tally[0]
            + " duplicates=" + tally[1] + " other=" + tally[2] + " perSocket=" + stats.toString().strip());
    }

    private static void sniff(String kind, String ifname, long timeoutMs, int echosWanted, int synsWanted) {
        FrameParser parser = new FrameParser(kind.equals("xdp") ? ChecksumPolicy.ACCEPT_PARTIAL
            : ChecksumPolicy.TRUST_FLAG);
        ParsedFrame parsed = new ParsedFrame();
        int[] counts = new int[2];
        try (Backend b = Backend.open(kind, ifname, -1)) {
            PacketIo.RxHandler handler = (buffer, offset, length, flags) -> {
                DropReason drop = parser.parse(buffer, offset, length, flags, parsed);
                StringBuilder line = new StringBuilder("FRAME kind=").append(parsed.kind()).append(" drop=")
                    .append(drop).append(" len=").append(length)
                    .append(" csumPartial=").append((flags & PacketIo.RX_CSUM_PARTIAL) != 0);
                if (drop == DropReason.NONE) {
                    describe(parsed, line, counts);
                }
                System.out.println(line);
            };
            System.out.println("READY");
            System.out.flush();
            long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
            while ((counts[0] < echosWanted || counts[1] < synsWanted) && System.nanoTime() < deadline) {
                if (b.io().receive(handler, 64) == 0) {
                    b.awaitRx(2);
                }
            }
            System.out.println("STATS " + b.stats());
        }
        System.out.println("DONE echos=" + counts[0] + " syns=" + counts[1]);
    }

    private static void describe(ParsedFrame p, StringBuilder line, int[] counts) {
        switch (p.kind()) {
            case ARP -> line.append(" op=").append(p.arp().operation())
                .append(" sender=").append(Integer.toHexString(p.arp().senderIp()))
                .append(" target=").append(Integer.toHexString(p.arp().targetIp()));
            case ICMP -> {
                line.append(" type=").append(p.icmp().type()).append(" src=").append(Integer.toHexString(p.srcIp()))
                    .append(" dst=").append(Integer.toHexString(p.dstIp()));
                if (p.icmp().type() == 8) {
                    counts[0]++;
                }
            }
            case TCP -> {
                line.append(" flags=").append(Integer.toHexString(p.flags())).append(" src=")
                    .append(Integer.toHexString(p.srcIp())).append(':').append(p.srcPort()).append(" dst=")
                    .append(Integer.toHexString(p.dstIp())).append(':').append(p.dstPort());
                if ((p.flags() & TcpHeader.SYN) != 0) {
                    counts[1]++;
                }
            }
            default -> { }
        }
    }
}
