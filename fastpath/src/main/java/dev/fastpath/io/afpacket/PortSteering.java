package dev.fastpath.io.afpacket;

import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.net_h;
import dev.fastpath.nativeio.socket_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Steering of a PACKET_FANOUT_CBPF group by the TCP port pair, so that userspace knows in advance which
 * worker gets a flow: {@code worker = (((srcPort ^ dstPort) * 0x9E3779B1) >>> 16) % workers} ({@link #workerOf}).
 * The multiplication matters: Linux's {@code connect()} prefers even local ports (inet_hash_connect leaves the
 * odd ones to bind), so with a fixed server port the low bit of {@code src ^ dst} never varies and a plain
 * {@code % 2} put every kernel client's flow on one worker (measured in the lab: 1000 of 1000). The kernel's
 * PACKET_FANOUT_HASH uses the skb flow hash, which userspace cannot predict, so a worker's {@code connect()}
 * could not choose a local port whose replies come back to it; with this function it can (the engine's
 * {@code TcpEngine.localPortFilter}), and a passive flow lands on a worker by the same function, so each
 * worker's tables hold only its own flows. XOR makes the function symmetric: a reply (ports swapped) and an
 * ICMP error quoting one of our segments (the quoted header carries our ports in sending order) land on the
 * same worker as the flow.
 *
 * <p>The classic BPF program ({@link #program}) runs in {@code fanout_demux_bpf()} (net/packet/af_packet.c),
 * whose return value the kernel reduces modulo the number of sockets in the group and uses as an index into
 * the group's socket array, in join order (Documentation/networking/packet_mmap.rst, "AF_PACKET fanout
 * mode"; linux/if_packet.h): the workers must join in index order, which {@code Server} does on one thread.
 * Loads are relative to the network header ({@code SKF_NET_OFF}) and the EtherType comes from the ancillary
 * {@code SKF_AD_PROTOCOL} word, so the program does not depend on where {@code skb->data} points.
 *
 * <p>What goes where: IPv4/TCP (first or only fragment) by its ports; IPv4 ICMP destination unreachable,
 * time exceeded and parameter problem quoting TCP by the quoted ports; everything else — ARP, ICMP echo,
 * non-first fragments, other protocols — to worker 0. That is enough for ARP: worker 0 answers requests and
 * learns from replies, and the workers share what is learned (SharedNeighbours), so a worker that asked
 * learns the answer through the shared table. A load past the end of a short frame makes the kernel end the
 * program with 0: worker 0, which counts the frame as malformed.
 */
public final class PortSteering {

    // Classic BPF encodings (linux/bpf_common.h, linux/filter.h).
    private static final int LD = 0x00;
    private static final int LDX = 0x01;
    private static final int ST = 0x02;
    private static final int ALU = 0x04;
    private static final int JMP = 0x05;
    private static final int RET = 0x06;
    private static final int MISC = 0x07;
    private static final int H = 0x08;
    private static final int B = 0x10;
    private static final int ABS = 0x20;
    private static final int IND = 0x40;
    private static final int MEM = 0x60;
    private static final int AND = 0x50;
    private static final int LSH = 0x60;
    private static final int ADD = 0x00;
    private static final int MOD = 0x90;
    private static final int MUL = 0x20;
    private static final int RSH = 0x70;
    /** 2^32 / golden ratio: multiplicative hashing (Knuth) so every port bit reaches the top 16 bits. */
    private static final int GOLDEN = 0x9E3779B1;
    private static final int XOR = 0xa0;
    private static final int JEQ = 0x10;
    private static final int JSET = 0x40;
    private static final int X = 0x08;
    private static final int RET_A = 0x10;
    private static final int TAX = 0x00;
    /** Ancillary load of {@code skb->protocol} (host order). */
    private static final int SKF_AD_PROTOCOL = -0x1000;
    /** Loads relative to the network header. */
    private static final int NET = -0x100000;
    private static final int ETH_P_IP = 0x0800;
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_ICMP = 1;
    private static final int SOCK_FILTER_BYTES = 8;

    private PortSteering() {
    }

    /**
     * The steering function, mirrored by {@link #program}: which worker gets a TCP segment.
     *
     * @param portA   one port of the segment (either order: the function is symmetric)
     * @param portB   the other port
     * @param workers sockets in the group, at least 1
     * @return the worker index in 0..workers-1
     */
    public static int workerOf(int portA, int portB, int workers) {
        return (((portA ^ portB) & 0xFFFF) * GOLDEN >>> 16) % workers;
    }

    /**
     * The classic BPF program as {@code struct sock_filter} words: {@code code | jt << 16 | jf << 24 | k << 32}.
     *
     * @param workers sockets in the group, 1..65536
     * @return the instructions
     */
    public static long[] program(int workers) {
        if (workers < 1 || workers > 65536) {
            throw new IllegalArgumentException("workers = " + workers + " is outside 1..65536");
        }
        final int zero = 32;
        final int ports = 23; // X already holds the ports' offset
        return new long[] {
            /* 0 */ stmt(LD | H | ABS, SKF_AD_PROTOCOL),
            /* 1 */ jump(JEQ, ETH_P_IP, 1, 2, zero),
            /* 2 */ stmt(LD | H | ABS, NET + 6), // flags and fragment offset
            /* 3 */ jump(JSET, 0x1FFF, 3, zero, 4), // a non-first fragment carries no ports
            /* 4 */ stmt(LD | B | ABS, NET),
            /* 5 */ stmt(ALU | AND, 0xF),
            /* 6 */ stmt(ALU | LSH, 2),
            /* 7 */ stmt(MISC | TAX, 0), // X = IHL * 4: the transport header's offset
            /* 8 */ stmt(LD | B | ABS, NET + 9),
            /* 9 */ jump(JEQ, IPPROTO_TCP, 9, ports, 10),
            /* 10 */ jump(JEQ, IPPROTO_ICMP, 10, 11, zero),
            /* 11 */ stmt(LD | B | IND, NET), // ICMP type
            /* 12 */ jump(JEQ, 3, 12, 15, 13), // destination unreachable
            /* 13 */ jump(JEQ, 11, 13, 15, 14), // time exceeded
            /* 14 */ jump(JEQ, 12, 14, 15, zero), // parameter problem
            /* 15 */ stmt(LD | B | IND, NET + 8 + 9), // the quoted header's protocol
            /* 16 */ jump(JEQ, IPPROTO_TCP, 16, 17, zero),
            /* 17 */ stmt(LD | B | IND, NET + 8), // the quoted header's IHL
            /* 18 */ stmt(ALU | AND, 0xF),
            /* 19 */ stmt(ALU | LSH, 2),
            /* 20 */ stmt(ALU | ADD | X, 0),
            /* 21 */ stmt(ALU | ADD, 8),
            /* 22 */ stmt(MISC | TAX, 0), // X = the quoted ports' offset from the network header
            /* 23 */ stmt(LD | H | IND, NET), // "ports": the source port; the TCP branch jumps here
            /* 24 */ stmt(ST, 0),
            /* 25 */ stmt(LD | H | IND, NET + 2), // destination port
            /* 26 */ stmt(LDX | MEM, 0),
            /* 27 */ stmt(ALU | XOR | X, 0),
            /* 28 */ stmt(ALU | MUL, GOLDEN), // 32-bit wrap-around, as Java's int multiply
            /* 29 */ stmt(ALU | RSH, 16),
            /* 30 */ stmt(ALU | MOD, workers), // the kernel takes the result modulo the group size again
            /* 31 */ stmt(RET | RET_A, 0),
            /* 32 */ stmt(RET, 0), // "zero": worker 0
        };
    }

    /**
     * Loads {@link #program} for a socket that already joined its group with {@code PACKET_FANOUT_CBPF}
     * (PACKET_FANOUT_DATA, a {@code struct sock_fprog}). One socket's setting applies to the whole group.
     *
     * @param fd      the AF_PACKET socket
     * @param workers sockets the group will hold
     */
    static void attach(int fd, int workers) {
        long[] prog = program(workers);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate((long) prog.length * SOCK_FILTER_BYTES, 8);
            for (int i = 0; i < prog.length; i++) {
                long w = prog[i];
                long at = (long) i * SOCK_FILTER_BYTES;
                insns.set(ValueLayout.JAVA_SHORT, at, (short) w);
                insns.set(ValueLayout.JAVA_BYTE, at + 2, (byte) (w >>> 16));
                insns.set(ValueLayout.JAVA_BYTE, at + 3, (byte) (w >>> 24));
                insns.set(ValueLayout.JAVA_INT, at + 4, (int) (w >>> 32));
            }
            // struct sock_fprog { unsigned short len; struct sock_filter *filter; }: pointer at offset 8.
            MemorySegment fprog = arena.allocate(16, 8);
            fprog.set(ValueLayout.JAVA_SHORT, 0, (short) prog.length);
            fprog.set(ValueLayout.ADDRESS, 8, insns);
            Errors.check("setsockopt(SOL_PACKET, PACKET_FANOUT_DATA, cBPF port steering over " + workers + ")",
                net_h.setsockopt(fd, socket_h.SOL_PACKET, socket_h.PACKET_FANOUT_DATA, fprog, 16));
        }
    }

    private static long stmt(int code, int k) {
        return (code & 0xFFFFL) | (k & 0xFFFFFFFFL) << 32;
    }

    /** A conditional jump at index {@code at} with absolute targets (encoded relative to the next one). */
    private static long jump(int op, int k, int at, int ifTrue, int ifFalse) {
        int jt = ifTrue - at - 1;
        int jf = ifFalse - at - 1;
        if (jt < 0 || jt > 255 || jf < 0 || jf > 255) {
            throw new IllegalStateException("classic BPF jumps forward by 0..255: " + at + " -> " + ifTrue
                + "/" + ifFalse);
        }
        return (JMP | op) & 0xFFFFL | (long) jt << 16 | (long) jf << 24 | (k & 0xFFFFFFFFL) << 32;
    }
}
