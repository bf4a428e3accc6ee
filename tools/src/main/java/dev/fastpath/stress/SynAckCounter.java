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
import static dev.fastpath.nativeio.BpfAsm.R9;
import static dev.fastpath.nativeio.bpf_h.BPF_ADD;
import static dev.fastpath.nativeio.bpf_h.BPF_AND;
import static dev.fastpath.nativeio.bpf_h.BPF_B;
import static dev.fastpath.nativeio.bpf_h.BPF_FUNC_map_lookup_elem;
import static dev.fastpath.nativeio.bpf_h.BPF_FUNC_redirect_map;
import static dev.fastpath.nativeio.bpf_h.BPF_H;
import static dev.fastpath.nativeio.bpf_h.BPF_JEQ;
import static dev.fastpath.nativeio.bpf_h.BPF_JGT;
import static dev.fastpath.nativeio.bpf_h.BPF_JMP32;
import static dev.fastpath.nativeio.bpf_h.BPF_JNE;
import static dev.fastpath.nativeio.bpf_h.BPF_K;
import static dev.fastpath.nativeio.bpf_h.BPF_MOV;
import static dev.fastpath.nativeio.bpf_h.BPF_MUL;
import static dev.fastpath.nativeio.bpf_h.BPF_RSH;
import static dev.fastpath.nativeio.bpf_h.BPF_W;
import static dev.fastpath.nativeio.bpf_h.BPF_XOR;
import static dev.fastpath.nativeio.bpf_h.XDP_DROP;
import static dev.fastpath.nativeio.bpf_h.XDP_PASS;
import static dev.fastpath.nativeio.bpf_h.alu32Imm;
import static dev.fastpath.nativeio.bpf_h.alu32Reg;
import static dev.fastpath.nativeio.bpf_h.alu64Imm;
import static dev.fastpath.nativeio.bpf_h.alu64Reg;
import static dev.fastpath.nativeio.bpf_h.atomicAdd64;
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
import static dev.fastpath.nativeio.bpf_h.toBe;

import dev.fastpath.nativeio.BpfAsm;
import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.bpf_h;
import dev.fastpath.nativeio.mman_h;
import dev.fastpath.nativeio.unistd_h;
import dev.fastpath.nativeio.xdp_md;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The generator's answers counted in XDP: an XDP program in front of the generator's AF_XDP socket that counts
 * every SYN-ACK (and RST) the victim sends to the spoofed block, checks its acknowledgment number against our ISN
 * ({@link FloodGenerator#isn}, so nothing is stored per SYN) and drops it, except a sample — one source address in
 * {@link #SAMPLE} — that goes on to the socket for the full check of {@link FloodReceiver} (options, TSecr, the
 * cookie bits in TSval). Everything else behaves as {@code bpf_h.xskRedirectIpv4BlockProgram}: the rest of the
 * block's IPv4 and ARP asking for it to the socket, every other frame to the kernel.
 *
 * <p>Why: at a million SYN-ACKs a second, copying each into the socket's UMEM (copy mode on veth) and parsing it
 * in Java took most of the generator's core, so the generator made fewer SYNs than a fast victim takes; the
 * counting here costs a few dozen instructions a frame and no copy.
 *
 * <p>The counters live in a one-element array mapped into the process ({@code BPF_F_MMAPABLE}): plain memory to
 * read, added to with atomic adds (several queues may run the program at once).
 */
public final class SynAckCounter implements AutoCloseable {

    /** u64: SYN-ACKs (SYN and ACK set, RST and FIN clear) from the victim to the block. */
    static final int SYN_ACKS = 0;
    /** u64: those whose acknowledgment number is our ISN + 1. */
    static final int ACK_OK = 8;
    /** u64: RSTs from the victim to the block. */
    static final int RESETS = 16;
    /** u64: SYN-ACKs passed on to the socket (the sample). */
    static final int SAMPLED = 24;
    static final int VALUE_SIZE = 32;
    /** One source address in this many (its low bits zero) has its SYN-ACKs checked in full by Java. */
    public static final int SAMPLE = 16;

    private static final int IPH = 14;
    private static final int TCPH = IPH + 20;
    private static final int PAGE = 4096;

    private final int mapFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment counters;
    private boolean closed;

    private SynAckCounter(int mapFd) {
        this.mapFd = mapFd;
        try {
            MemorySegment m = mman_h.mmapChecked(PAGE, mman_h.PROT_READ | mman_h.PROT_WRITE, mman_h.MAP_SHARED,
                mapFd, 0);
            this.counters = m.reinterpret(PAGE, arena, s -> mman_h.munmap(MemorySegment.ofAddress(s.address()), PAGE))
                .asSlice(0, VALUE_SIZE);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Creates and maps the counters (all zero).
     *
     * @return the counter
     */
    public static SynAckCounter create() {
        int fd = Errors.check("bpf(BPF_MAP_CREATE, fp_synack_count)", bpf_h.mapCreate(bpf_h.BPF_MAP_TYPE_ARRAY,
            Integer.BYTES, VALUE_SIZE, 1, bpf_h.BPF_F_MMAPABLE, "fp_synack_count"));
        try {
            return new SynAckCounter(fd);
        } catch (RuntimeException e) {
            unistd_h.close(fd);
            throw e;
        }
    }

    /**
     * The program (see the class comment).
     *
     * @param xskMapFd   the XSKMAP of the generator's socket
     * @param victimIp   the victim's address (host order)
     * @param victimPort the victim's port
     * @param net        the spoofed block (host order)
     * @param prefix     its prefix length, 0..32
     * @return the instruction slots
     */
    public long[] program(int xskMapFd, int victimIp, int victimPort, int net, int prefix) {
        return instructions(xskMapFd, mapFd, victimIp, victimPort, net, prefix);
    }

    static long[] instructions(int xskMapFd, int mapFd, int victimIp, int victimPort, int net, int prefix) {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix = " + prefix + " is outside 0..32");
        }
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        BpfAsm a = new BpfAsm();
        a.add(alu64Reg(BPF_MOV, R6, R1));
        a.add(ldxMem(BPF_W, R2, R6, (int) xdp_md.data$offset()));
        a.add(ldxMem(BPF_W, R3, R6, (int) xdp_md.data_end$offset()));
        a.add(alu64Reg(BPF_MOV, R4, R2));
        a.add(alu64Imm(BPF_ADD, R4, TCPH + 20));
        a.jump(jmpReg(BPF_JGT, R4, R3, 0), "block");
        // IPv4 without options, TCP, from the victim's address and port, to the block
        a.add(ldxMem(BPF_H, R4, R2, 12));
        a.jump(jmpImm(BPF_JNE, R4, 0x0008, 0), "block");
        a.add(ldxMem(BPF_B, R4, R2, IPH));
        a.jump(jmpImm(BPF_JNE, R4, 0x45, 0), "block");
        a.add(ldxMem(BPF_B, R4, R2, IPH + 9));
        a.jump(jmpImm(BPF_JNE, R4, 6, 0), "block");
        a.add(ldxMem(BPF_W, R4, R2, IPH + 12));
        a.jump(insn(BPF_JMP32 | BPF_JNE | BPF_K, R4, 0, 0, Integer.reverseBytes(victimIp)), "block");
        a.add(ldxMem(BPF_H, R4, R2, TCPH));
        a.jump(jmpImm(BPF_JNE, R4, Short.reverseBytes((short) victimPort) & 0xFFFF, 0), "block");
        a.add(ldxMem(BPF_W, R7, R2, IPH + 16));
        a.add(toBe(R7, 32)); // r7 = the destination, host order, for the ISN and the sample
        a.add(alu32Reg(BPF_MOV, R4, R7));
        a.add(alu32Imm(BPF_AND, R4, mask));
        a.jump(insn(BPF_JMP32 | BPF_JNE | BPF_K, R4, 0, 0, net & mask), "block");
        // the counters (the lookup clobbers r1..r5)
        a.add(stMem(BPF_W, R10, -4, 0));
        a.add(alu64Reg(BPF_MOV, R2, R10));
        a.add(alu64Imm(BPF_ADD, R2, -4));
        a.add(ldMapFd(R1, mapFd));
        a.add(ldMapFdHigh());
        a.add(call(BPF_FUNC_map_lookup_elem));
        a.jump(jmpImm(BPF_JEQ, R0, 0, 0), "block");
        a.add(alu64Reg(BPF_MOV, R9, R0));
        a.add(ldxMem(BPF_W, R2, R6, (int) xdp_md.data$offset()));
        a.add(ldxMem(BPF_W, R3, R6, (int) xdp_md.data_end$offset()));
        a.add(alu64Reg(BPF_MOV, R4, R2));
        a.add(alu64Imm(BPF_ADD, R4, TCPH + 20));
        a.jump(jmpReg(BPF_JGT, R4, R3, 0), "block"); // the verifier forgets the packet's range across the call
        a.add(ldxMem(BPF_B, R4, R2, TCPH + 13));
        a.add(alu64Reg(BPF_MOV, R5, R4));
        a.add(alu64Imm(BPF_AND, R5, 0x04));
        a.jump(jmpImm(BPF_JEQ, R5, 0, 0), "notReset");
        add(a, RESETS);
        a.jump(insn(bpf_h.BPF_JMP | bpf_h.BPF_JA, 0, 0, 0, 0), "sample");
        a.label("notReset");
        a.add(alu64Imm(BPF_AND, R4, 0x13)); // FIN, SYN, ACK
        a.jump(jmpImm(BPF_JNE, R4, 0x12, 0), "block");
        add(a, SYN_ACKS);
        isn(a);
        a.add(ldxMem(BPF_W, R5, R2, TCPH + 8));
        a.add(toBe(R5, 32));
        a.add(alu32Imm(BPF_ADD, R4, 1));
        a.jump(insn(BPF_JMP32 | BPF_JNE | bpf_h.BPF_X, R4, R5, 0, 0), "sample");
        add(a, ACK_OK);
        a.label("sample");
        a.add(alu32Imm(BPF_AND, R7, SAMPLE - 1));
        a.jump(jmpImm(BPF_JEQ, R7, 0, 0), "sampled");
        a.add(mov64Imm(R0, XDP_DROP));
        a.add(exit());
        a.label("sampled");
        add(a, SAMPLED);
        a.jump(insn(bpf_h.BPF_JMP | bpf_h.BPF_JA, 0, 0, 0, 0), "redirect");
        // not an answer of the victim: the block program's rule
        a.label("block");
        a.add(ldxMem(BPF_W, R2, R6, (int) xdp_md.data$offset()));
        a.add(ldxMem(BPF_W, R3, R6, (int) xdp_md.data_end$offset()));
        a.add(alu64Reg(BPF_MOV, R4, R2));
        a.add(alu64Imm(BPF_ADD, R4, IPH + 20));
        a.jump(jmpReg(BPF_JGT, R4, R3, 0), "pass");
        a.add(ldxMem(BPF_H, R5, R2, 12));
        a.jump(jmpImm(BPF_JEQ, R5, 0x0008, 0), "ipv4");
        a.jump(jmpImm(BPF_JNE, R5, 0x0608, 0), "pass");
        a.add(alu64Reg(BPF_MOV, R4, R2));
        a.add(alu64Imm(BPF_ADD, R4, 42));
        a.jump(jmpReg(BPF_JGT, R4, R3, 0), "pass");
        a.add(ldxMem(BPF_W, R5, R2, 38)); // ARP's target protocol address
        a.jump(insn(bpf_h.BPF_JMP | bpf_h.BPF_JA, 0, 0, 0, 0), "match");
        a.label("ipv4");
        a.add(ldxMem(BPF_W, R5, R2, IPH + 16));
        a.label("match");
        a.add(toBe(R5, 32));
        a.add(alu32Imm(BPF_AND, R5, mask));
        a.jump(insn(BPF_JMP32 | BPF_JNE | BPF_K, R5, 0, 0, net & mask), "pass");
        a.label("redirect");
        a.add(ldxMem(BPF_W, R2, R6, (int) xdp_md.rx_queue_index$offset()));
        a.add(ldMapFd(R1, xskMapFd));
        a.add(ldMapFdHigh());
        a.add(mov64Imm(R3, XDP_PASS));
        a.add(call(BPF_FUNC_redirect_map));
        a.add(exit());
        a.label("pass");
        a.add(mov64Imm(R0, XDP_PASS));
        a.add(exit());
        return a.assemble();
    }

    /** counters[field] += 1, atomically (r9 = the counters; clobbers r1). */
    private static void add(BpfAsm a, int field) {
        a.add(mov64Imm(R1, 1));
        a.add(atomicAdd64(R9, R1, field));
    }

    /**
     * r4 = {@link FloodGenerator#isn}(destination in r7, destination port) in 32-bit arithmetic; r2 must still
     * point at the frame. Clobbers r1.
     */
    private static void isn(BpfAsm a) {
        a.add(alu32Reg(BPF_MOV, R4, R7));
        a.add(alu32Imm(BPF_MUL, R4, FloodGenerator.ISN_IP_MUL));
        a.add(ldxMem(BPF_H, R1, R2, TCPH + 2));
        a.add(toBe(R1, 16));
        a.add(alu32Imm(BPF_MUL, R1, FloodGenerator.ISN_PORT_MUL));
        a.add(alu32Reg(BPF_XOR, R4, R1));
        a.add(alu32Reg(BPF_MOV, R1, R4));
        a.add(alu32Imm(BPF_RSH, R1, FloodGenerator.ISN_SHIFT_1));
        a.add(alu32Reg(BPF_XOR, R4, R1));
        a.add(alu32Imm(BPF_MUL, R4, FloodGenerator.ISN_MIX_MUL));
        a.add(alu32Reg(BPF_MOV, R1, R4));
        a.add(alu32Imm(BPF_RSH, R1, FloodGenerator.ISN_SHIFT_2));
        a.add(alu32Reg(BPF_XOR, R4, R1));
    }

    private long get(int field) {
        return (long) ValueLayout.JAVA_LONG.varHandle().getAcquire(counters, (long) field);
    }

    /** @return SYN-ACKs from the victim to the block so far */
    public long synAcks() {
        return get(SYN_ACKS);
    }

    /** @return those that acknowledged exactly our ISN + 1 */
    public long ackOk() {
        return get(ACK_OK);
    }

    /** @return RSTs from the victim to the block */
    public long resets() {
        return get(RESETS);
    }

    /** @return SYN-ACKs and RSTs passed on to the socket for the full check */
    public long sampled() {
        return get(SAMPLED);
    }

    /** Unmaps the counters (later reads throw) and closes the map; the program keeps its own reference. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
        unistd_h.close(mapFd);
    }
}
