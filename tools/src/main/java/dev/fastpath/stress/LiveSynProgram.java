package dev.fastpath.stress;

import static dev.fastpath.nativeio.BpfAsm.R0;
import static dev.fastpath.nativeio.BpfAsm.R1;
import static dev.fastpath.nativeio.BpfAsm.R10;
import static dev.fastpath.nativeio.BpfAsm.R2;
import static dev.fastpath.nativeio.BpfAsm.R3;
import static dev.fastpath.nativeio.BpfAsm.R4;
import static dev.fastpath.nativeio.BpfAsm.R5;
import static dev.fastpath.nativeio.BpfAsm.R6;
import static dev.fastpath.nativeio.BpfAsm.R7;
import static dev.fastpath.nativeio.BpfAsm.R8;
import static dev.fastpath.nativeio.BpfAsm.R9;
import static dev.fastpath.nativeio.bpf_h.BPF_ADD;
import static dev.fastpath.nativeio.bpf_h.BPF_AND;
import static dev.fastpath.nativeio.bpf_h.BPF_DIV;
import static dev.fastpath.nativeio.bpf_h.BPF_DW;
import static dev.fastpath.nativeio.bpf_h.BPF_FUNC_csum_diff;
import static dev.fastpath.nativeio.bpf_h.BPF_FUNC_ktime_get_ns;
import static dev.fastpath.nativeio.bpf_h.BPF_FUNC_map_lookup_elem;
import static dev.fastpath.nativeio.bpf_h.BPF_H;
import static dev.fastpath.nativeio.bpf_h.BPF_JEQ;
import static dev.fastpath.nativeio.bpf_h.BPF_JA;
import static dev.fastpath.nativeio.bpf_h.BPF_JGE;
import static dev.fastpath.nativeio.bpf_h.BPF_JGT;
import static dev.fastpath.nativeio.bpf_h.BPF_JMP;
import static dev.fastpath.nativeio.bpf_h.BPF_JMP32;
import static dev.fastpath.nativeio.bpf_h.BPF_JNE;
import static dev.fastpath.nativeio.bpf_h.BPF_K;
import static dev.fastpath.nativeio.bpf_h.BPF_MOD;
import static dev.fastpath.nativeio.bpf_h.BPF_MOV;
import static dev.fastpath.nativeio.bpf_h.BPF_MUL;
import static dev.fastpath.nativeio.bpf_h.BPF_RSH;
import static dev.fastpath.nativeio.bpf_h.BPF_SUB;
import static dev.fastpath.nativeio.bpf_h.BPF_W;
import static dev.fastpath.nativeio.bpf_h.BPF_XOR;
import static dev.fastpath.nativeio.bpf_h.XDP_ABORTED;
import static dev.fastpath.nativeio.bpf_h.XDP_DROP;
import static dev.fastpath.nativeio.bpf_h.XDP_PASS;
import static dev.fastpath.nativeio.bpf_h.XDP_TX;
import static dev.fastpath.nativeio.bpf_h.alu32Imm;
import static dev.fastpath.nativeio.bpf_h.alu32Reg;
import static dev.fastpath.nativeio.bpf_h.alu64Imm;
import static dev.fastpath.nativeio.bpf_h.alu64Reg;
import static dev.fastpath.nativeio.bpf_h.call;
import static dev.fastpath.nativeio.bpf_h.exit;
import static dev.fastpath.nativeio.bpf_h.insn;
import static dev.fastpath.nativeio.bpf_h.jmpImm;
import static dev.fastpath.nativeio.bpf_h.jmpReg;
import static dev.fastpath.nativeio.bpf_h.ldMapFd;
import static dev.fastpath.nativeio.bpf_h.ldMapFdHigh;
import static dev.fastpath.nativeio.bpf_h.ldxMem;
import static dev.fastpath.nativeio.bpf_h.mov64Imm;
import static dev.fastpath.nativeio.bpf_h.stMem;
import static dev.fastpath.nativeio.bpf_h.stxMem;
import static dev.fastpath.nativeio.bpf_h.toBe;

import dev.fastpath.nativeio.BpfAsm;
import dev.fastpath.nativeio.xdp_md;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.Ipv4Header;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The XDP program behind {@code flood --io xdp_live}: run by {@code BPF_PROG_TEST_RUN} with live frames, it turns
 * the {@link SynTemplate} frame into SYN number {@code n} of the flood and returns XDP_TX, so the kernel sends it
 * out of the interface without an skb (the copy-mode AF_XDP generator pays an skb per frame: allocation, the
 * send-buffer charge, the free on the peer's core). SYN {@code n} is exactly what the Java generator sends as its
 * {@code n}-th: {@link TupleWalker}'s pair {@code n} (address {@code n mod A}, port {@code n div A}), ISN
 * {@link FloodGenerator#isn}, IP id {@code n & 0xffff} (TSval stays the template's). A page of the test run's pool
 * comes back with whatever its last user left, so the program copies the whole template (kept in the map) into the
 * frame before patching it, and sums both checksums again in full ({@code bpf_csum_diff}).
 *
 * <p>State, one array-map value: five u64 — {@code n} (next SYN), {@code next} (ktime of the next send), {@code
 * interval} (ns between SYNs, 0 = as fast as possible), {@code limit} (SYNs in all) and {@code slack} (the catch-up,
 * below) — then the template. The sender may change the interval and the slack between test runs (the program runs
 * only inside them). Pacing happens here, per frame, so SYNs leave evenly spaced rather than in bursts the victim's
 * 256-frame veth queue could not take: a frame that comes early waits for its time (up to {@link #MAX_WAIT_NS}) and
 * is dropped only past that. Dropping every early frame at once was cheaper to write but not to run: a dropped frame
 * goes back to the test run's page pool through its locked ring (the batch returns frames in no-direct mode), the
 * lock the victim's core takes to return each frame it received, and ~10 M drops a second showed up as that lock's
 * contention on the victim's core. After a stall the program catches up by at most {@code slack} nanoseconds, then
 * forgets the rest; the first SYN starts the schedule.
 *
 * <p>Only frames of the test run's interface are touched: attached to {@code lo} (to keep it in the kernel's
 * XDP dispatcher, see {@link XdpLiveSender}) it passes every frame it sees there.
 */
final class LiveSynProgram {

    /** Byte offsets of the map value's fields. */
    static final int N = 0;
    static final int NEXT = 8;
    static final int INTERVAL = 16;
    static final int LIMIT = 24;
    static final int SLACK = 32;
    /** Where the template frame sits in the map value (the longest SYN frame, 74 bytes, rounded up to 8). */
    static final int FRAME = 40;
    /** Size of the map value. */
    static final int VALUE_SIZE = FRAME + 80;
    /**
     * The longest an early frame waits for its time (bottom halves are off meanwhile): 2.5 intervals at 620 k/s.
     * Earlier than that it is dropped.
     */
    static final int MAX_WAIT_NS = 4_000;
    /** Clock reads in that wait at most: the loop's bound for the verifier, which walks it (4 µs at ~4 ns a read). */
    static final int WAIT_READS = 1024;
    /** The longest catch-up the sender sets. */
    static final long MAX_SLACK_NS = 1_000_000_000L;

    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int IP = EthernetHeader.LENGTH;
    private static final int TCP = IP + Ipv4Header.MIN_LENGTH;
    private static final int IP_ID = IP + 4;
    private static final int IP_CHECK = IP + 10;
    private static final int IP_SRC = IP + 12;
    private static final int IP_DST = IP + 16;
    private static final int TCP_SPORT = TCP;
    private static final int TCP_SEQ = TCP + 4;
    private static final int TCP_CHECK = TCP + 16;

    private LiveSynProgram() { }

    /**
     * Assembles the program.
     *
     * @param mapFd     the state map (array, one 32-byte value)
     * @param ifindex   the interface the test run sends on; frames of any other are passed untouched
     * @param frame     the template, for its length and the destination address
     * @param walker    the tuple space (its first address, address count and first port)
     * @return the instruction slots
     */
    static long[] instructions(int mapFd, int ifindex, SynTemplate frame, TupleWalker walker) {
        int tcpLength = frame.length() - TCP;
        if (frame.length() > VALUE_SIZE - FRAME || frame.length() % 2 != 0) {
            throw new IllegalArgumentException("a " + frame.length() + "-byte frame does not fit the map value");
        }
        if (tcpLength < 20 || tcpLength > 60) {
            throw new IllegalArgumentException("TCP header of " + tcpLength + " bytes: a SYN's is 20..60");
        }
        int dstRaw = Integer.reverseBytes(frame.frame().get(BE_INT, IP_DST));
        // The pseudo-header without the source address, as bpf_csum_diff sums memory: little-endian 16-bit
        // words of the network-order bytes (daddr's halves, 0x00 0x06, the TCP length).
        int pseudo = (dstRaw & 0xFFFF) + (dstRaw >>> 16) + Short.reverseBytes((short) 6) + (tcpLength << 8);
        BpfAsm a = new BpfAsm();
        a.add(alu64Reg(BPF_MOV, R6, R1));
        a.add(ldxMem(BPF_W, R0, R6, (int) xdp_md.ingress_ifindex$offset()));
        a.jump(insn(BPF_JMP32 | BPF_JNE | BPF_K, R0, 0, 0, ifindex), "pass");
        a.add(stMem(BPF_W, R10, -4, 0));
        a.add(alu64Reg(BPF_MOV, R2, R10));
        a.add(alu64Imm(BPF_ADD, R2, -4));
        a.add(ldMapFd(R1, mapFd));
        a.add(ldMapFdHigh());
        a.add(call(BPF_FUNC_map_lookup_elem));
        a.jump(jmpImm(BPF_JEQ, R0, 0, 0), "abort");
        a.add(alu64Reg(BPF_MOV, R9, R0));
        pace(a);
        a.label("count");
        a.add(ldxMem(BPF_DW, R7, R9, N));
        a.add(ldxMem(BPF_DW, R1, R9, LIMIT));
        a.jump(jmpReg(BPF_JGE, R7, R1, 0), "drop");
        a.add(alu64Reg(BPF_MOV, R1, R7));
        a.add(alu64Imm(BPF_ADD, R1, 1));
        a.add(stxMem(BPF_DW, R9, R1, N));
        a.add(ldxMem(BPF_W, R2, R6, (int) xdp_md.data$offset()));
        a.add(ldxMem(BPF_W, R3, R6, (int) xdp_md.data_end$offset()));
        a.add(alu64Reg(BPF_MOV, R8, R2));
        a.add(alu64Imm(BPF_ADD, R2, frame.length()));
        a.jump(jmpReg(BPF_JGT, R2, R3, 0), "abort");
        copyTemplate(a, frame.length());
        rewrite(a, walker);
        checksums(a, tcpLength, pseudo);
        a.add(mov64Imm(R0, XDP_TX));
        a.add(exit());
        a.label("drop");
        a.add(mov64Imm(R0, XDP_DROP));
        a.add(exit());
        a.label("pass");
        a.add(mov64Imm(R0, XDP_PASS));
        a.add(exit());
        a.label("abort");
        a.add(mov64Imm(R0, XDP_ABORTED));
        a.add(exit());
        return a.assemble();
    }

    /**
     * Waits for the frame's send time — at most {@link #MAX_WAIT_NS} by the clock, at most {@link #WAIT_READS} clock
     * reads (the verifier's bound) — and drops it when that is not enough; then moves the schedule on. The first
     * SYN (next still 0) starts the schedule: no catch-up burst at the start.
     * <pre>
     *   if interval == 0 goto count
     *   first = now = ktime; i = WAIT_READS
     *   while now &lt; next: if now - first &gt; MAX_WAIT_NS or --i == 0 goto drop; now = ktime
     *   if next == 0: next = now
     *   next = max(next + interval, now + interval - slack)
     * </pre>
     */
    private static void pace(BpfAsm a) {
        a.add(ldxMem(BPF_DW, R1, R9, INTERVAL));
        a.jump(jmpImm(BPF_JEQ, R1, 0, 0), "count");
        a.add(mov64Imm(R8, WAIT_READS));
        a.add(call(BPF_FUNC_ktime_get_ns));
        a.add(alu64Reg(BPF_MOV, R7, R0));
        a.label("wait");
        a.add(ldxMem(BPF_DW, R1, R9, NEXT));
        a.jump(jmpReg(BPF_JGE, R0, R1, 0), "due");
        a.add(alu64Reg(BPF_MOV, R2, R0));
        a.add(alu64Reg(BPF_SUB, R2, R7));
        a.jump(jmpImm(BPF_JGT, R2, MAX_WAIT_NS, 0), "drop");
        a.add(alu64Imm(BPF_ADD, R8, -1));
        a.jump(jmpImm(BPF_JEQ, R8, 0, 0), "drop");
        a.add(call(BPF_FUNC_ktime_get_ns));
        a.jump(insn(BPF_JMP | BPF_JA, 0, 0, 0, 0), "wait");
        a.label("due");
        a.jump(jmpImm(BPF_JNE, R1, 0, 0), "started");
        a.add(alu64Reg(BPF_MOV, R1, R0));
        a.label("started");
        a.add(ldxMem(BPF_DW, R2, R9, INTERVAL));
        a.add(alu64Reg(BPF_ADD, R1, R2));
        a.add(alu64Reg(BPF_MOV, R3, R0));
        a.add(alu64Reg(BPF_ADD, R3, R2));
        a.add(ldxMem(BPF_DW, R2, R9, SLACK));
        a.add(alu64Reg(BPF_SUB, R3, R2));
        a.jump(jmpReg(BPF_JGE, R1, R3, 0), "keep");
        a.add(alu64Reg(BPF_MOV, R1, R3));
        a.label("keep");
        a.add(stxMem(BPF_DW, R9, R1, NEXT));
    }

    /**
     * The whole template into the frame (r8) from the map value (r9): a recycled page holds whatever its last user
     * left — a victim that answers in place (an XDP reflector swaps addresses and sets ACK) hands back a frame that
     * is no longer a SYN to it, and patching only the varying fields would resend that.
     */
    private static void copyTemplate(BpfAsm a, int length) {
        int at = 0;
        for (; at + 8 <= length; at += 8) {
            a.add(ldxMem(BPF_DW, R1, R9, FRAME + at));
            a.add(stxMem(BPF_DW, R8, R1, at));
        }
        for (; at + 2 <= length; at += 2) {
            a.add(ldxMem(BPF_H, R1, R9, FRAME + at));
            a.add(stxMem(BPF_H, R8, R1, at));
        }
    }

    /** Source address, port, ISN and IP id of SYN n (in r7), stored in network order into the frame at r8. */
    private static void rewrite(BpfAsm a, TupleWalker walker) {
        a.add(alu64Reg(BPF_MOV, R1, R7));
        a.add(alu64Imm(BPF_MOD, R1, walker.addressCount()));
        a.add(alu32Imm(BPF_ADD, R1, walker.firstAddress()));
        a.add(alu64Reg(BPF_MOV, R2, R7));
        a.add(alu64Imm(BPF_DIV, R2, walker.addressCount()));
        a.add(alu32Imm(BPF_ADD, R2, walker.portLo()));
        // FloodGenerator.isn in 32-bit ALU (logical right shifts, products mod 2^32).
        a.add(alu32Reg(BPF_MOV, R3, R1));
        a.add(alu32Imm(BPF_MUL, R3, FloodGenerator.ISN_IP_MUL));
        a.add(alu32Reg(BPF_MOV, R4, R2));
        a.add(alu32Imm(BPF_MUL, R4, FloodGenerator.ISN_PORT_MUL));
        a.add(alu32Reg(BPF_XOR, R3, R4));
        a.add(alu32Reg(BPF_MOV, R4, R3));
        a.add(alu32Imm(BPF_RSH, R4, FloodGenerator.ISN_SHIFT_1));
        a.add(alu32Reg(BPF_XOR, R3, R4));
        a.add(alu32Imm(BPF_MUL, R3, FloodGenerator.ISN_MIX_MUL));
        a.add(alu32Reg(BPF_MOV, R4, R3));
        a.add(alu32Imm(BPF_RSH, R4, FloodGenerator.ISN_SHIFT_2));
        a.add(alu32Reg(BPF_XOR, R3, R4));
        a.add(alu64Reg(BPF_MOV, R4, R7));
        a.add(alu64Imm(BPF_AND, R4, 0xFFFF));
        a.add(toBe(R1, 32));
        a.add(stxMem(BPF_W, R8, R1, IP_SRC));
        a.add(toBe(R2, 16));
        a.add(stxMem(BPF_H, R8, R2, TCP_SPORT));
        a.add(toBe(R3, 32));
        a.add(stxMem(BPF_W, R8, R3, TCP_SEQ));
        a.add(toBe(R4, 16));
        a.add(stxMem(BPF_H, R8, R4, IP_ID));
    }

    /** Both checksums from scratch: zero the field, bpf_csum_diff over the header, fold, store. */
    private static void checksums(BpfAsm a, int tcpLength, int pseudo) {
        a.add(stMem(BPF_H, R8, IP_CHECK, 0));
        sum(a, IP, Ipv4Header.MIN_LENGTH);
        a.add(mov64Imm(R5, 0));
        a.add(call(BPF_FUNC_csum_diff));
        foldInto(a, IP_CHECK);
        a.add(stMem(BPF_H, R8, TCP_CHECK, 0));
        sum(a, TCP, tcpLength);
        // seed r5 = the pseudo-header: the source address's two halves plus the constant rest
        a.add(ldxMem(BPF_W, R5, R8, IP_SRC));
        a.add(alu64Reg(BPF_MOV, R1, R5));
        a.add(alu64Imm(BPF_AND, R1, 0xFFFF));
        a.add(alu64Imm(BPF_RSH, R5, 16));
        a.add(alu64Reg(BPF_ADD, R5, R1));
        a.add(alu64Imm(BPF_ADD, R5, pseudo));
        a.add(mov64Imm(R1, 0));
        a.add(call(BPF_FUNC_csum_diff));
        foldInto(a, TCP_CHECK);
    }

    /** Arguments r2..r4 of bpf_csum_diff(NULL, 0, frame + at, length, seed); r1 and r5 are set by the caller. */
    private static void sum(BpfAsm a, int at, int length) {
        a.add(mov64Imm(R1, 0));
        a.add(mov64Imm(R2, 0));
        a.add(alu64Reg(BPF_MOV, R3, R8));
        a.add(alu64Imm(BPF_ADD, R3, at));
        a.add(mov64Imm(R4, length));
    }

    /** Folds the 32-bit sum in r0 to 16 bits, complements it and stores it at frame + at. */
    private static void foldInto(BpfAsm a, int at) {
        for (int i = 0; i < 3; i++) {
            a.add(alu64Reg(BPF_MOV, R1, R0));
            a.add(alu64Imm(BPF_AND, R1, 0xFFFF));
            a.add(alu64Imm(BPF_RSH, R0, 16));
            a.add(alu64Reg(BPF_ADD, R0, R1));
        }
        a.add(alu64Imm(BPF_XOR, R0, 0xFFFF));
        a.add(stxMem(BPF_H, R8, R0, at));
    }
}
