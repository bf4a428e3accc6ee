package dev.fastpath.nativeio;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code <linux/bpf.h>} (plus the XDP attach flags of {@code <linux/if_link.h>}): the {@code bpf()} system call,
 * the commands, program/map/attach types used by AF_XDP, and an encoder for eBPF instructions so the small
 * XSKMAP redirect program can be assembled in Java. glibc has no {@code bpf()} wrapper, so it goes through
 * {@code syscall(SYS_bpf, ...)}.
 */
public final class bpf_h {

    /** {@code __NR_bpf} on x86_64. */
    public static final int SYS_bpf = 321;

    // enum bpf_cmd (the ones Fastpath uses).
    public static final int BPF_MAP_CREATE = 0;
    public static final int BPF_MAP_LOOKUP_ELEM = 1;
    public static final int BPF_MAP_UPDATE_ELEM = 2;
    public static final int BPF_MAP_DELETE_ELEM = 3;
    public static final int BPF_PROG_LOAD = 5;
    public static final int BPF_PROG_TEST_RUN = 10;
    public static final int BPF_OBJ_GET_INFO_BY_FD = 15;
    public static final int BPF_LINK_CREATE = 28;
    public static final int BPF_LINK_DETACH = 34;
    public static final int BPF_ENABLE_STATS = 32;
    /** enum bpf_stats_type: run time and run count per program. */
    public static final int BPF_STATS_RUN_TIME = 0;
    /** BPF_PROG_TEST_RUN flag: an XDP program's verdicts take effect (XDP_TX sends), Linux 5.18+. */
    public static final int BPF_F_TEST_XDP_LIVE_FRAMES = 1 << 1;

    // Map and program types, attach type.
    public static final int BPF_MAP_TYPE_ARRAY = 2;
    public static final int BPF_MAP_TYPE_XSKMAP = 17;
    public static final int BPF_PROG_TYPE_XDP = 6;
    public static final int BPF_XDP = 37;
    public static final int BPF_PROG_TYPE_SCHED_CLS = 3;
    /** enum bpf_attach_type: tcx ingress (kernel 6.6+), attached with BPF_LINK_CREATE. */
    public static final int BPF_TCX_INGRESS = 46;
    /** {@code struct __sk_buff}: offsets of {@code data} and {@code data_end} (direct packet access in tc). */
    public static final int SKB_DATA_OFFSET = 76;
    public static final int SKB_DATA_END_OFFSET = 80;
    /** tc / tcx verdicts. */
    public static final int TC_ACT_OK = 0;
    public static final int TC_ACT_SHOT = 2;

    // BPF_MAP_UPDATE_ELEM flags.
    public static final int BPF_ANY = 0;
    public static final int BPF_NOEXIST = 1;
    public static final int BPF_EXIST = 2;

    public static final int BPF_OBJ_NAME_LEN = 16;

    // XDP link/attach flags (<linux/if_link.h>).
    public static final int XDP_FLAGS_UPDATE_IF_NOEXIST = 1;
    public static final int XDP_FLAGS_SKB_MODE = 1 << 1;
    public static final int XDP_FLAGS_DRV_MODE = 1 << 2;
    public static final int XDP_FLAGS_HW_MODE = 1 << 3;
    public static final int XDP_FLAGS_REPLACE = 1 << 4;

    // enum xdp_action: what an XDP program returns.
    public static final int XDP_ABORTED = 0;
    public static final int XDP_DROP = 1;
    public static final int XDP_PASS = 2;
    public static final int XDP_TX = 3;
    public static final int XDP_REDIRECT = 4;

    // Instruction classes (low 3 bits of the opcode).
    public static final int BPF_LD = 0x00;
    public static final int BPF_JMP32 = 0x06;
    public static final int BPF_LDX = 0x01;
    public static final int BPF_ST = 0x02;
    public static final int BPF_STX = 0x03;
    public static final int BPF_ALU = 0x04;
    public static final int BPF_JMP = 0x05;
    public static final int BPF_ALU64 = 0x07;
    // Load/store size.
    public static final int BPF_W = 0x00;
    public static final int BPF_H = 0x08;
    public static final int BPF_B = 0x10;
    public static final int BPF_DW = 0x18;
    // Load/store mode.
    public static final int BPF_IMM = 0x00;
    public static final int BPF_MEM = 0x60;
    // ALU/JMP source and operations used here.
    public static final int BPF_K = 0x00;
    public static final int BPF_X = 0x08;
    public static final int BPF_MOV = 0xb0;
    public static final int BPF_ADD = 0x00;
    public static final int BPF_SUB = 0x10;
    public static final int BPF_MUL = 0x20;
    public static final int BPF_DIV = 0x30;
    public static final int BPF_OR = 0x40;
    public static final int BPF_AND = 0x50;
    public static final int BPF_RSH = 0x70;
    public static final int BPF_MOD = 0x90;
    public static final int BPF_XOR = 0xa0;
    public static final int BPF_LSH = 0x60;
    /** Byte swap (BPF_ALU class); with BPF_TO_BE, imm 16/32/64 converts to big-endian. */
    public static final int BPF_END = 0xd0;
    public static final int BPF_TO_BE = 0x08;
    public static final int BPF_JA = 0x00;
    public static final int BPF_JEQ = 0x10;
    public static final int BPF_JGT = 0x20;
    public static final int BPF_JGE = 0x30;
    public static final int BPF_JNE = 0x50;
    public static final int BPF_JLT = 0xa0;
    public static final int BPF_JLE = 0xb0;
    /** Mode of an atomic read-modify-write store (BPF_STX class); imm BPF_ADD adds without fetching. */
    public static final int BPF_ATOMIC = 0xc0;
    public static final int BPF_CALL = 0x80;
    public static final int BPF_EXIT = 0x90;

    /** src_reg of a 64-bit immediate load whose imm is a map fd, resolved by the verifier. */
    public static final int BPF_PSEUDO_MAP_FD = 1;

    // enum bpf_func_id (helpers Fastpath's programs call).
    public static final int BPF_FUNC_map_lookup_elem = 1;
    public static final int BPF_FUNC_ktime_get_ns = 5;
    public static final int BPF_FUNC_csum_diff = 28;
    public static final int BPF_FUNC_redirect_map = 51;
    public static final int BPF_FUNC_xdp_adjust_tail = 65;
    public static final int BPF_FUNC_xdp_get_buff_len = 188;
    public static final int BPF_FUNC_xdp_load_bytes = 189;

    /** map_flags: the array can be mmap()ed (user space reads and writes it without syscalls; 5.5+). */
    public static final int BPF_F_MMAPABLE = 1 << 10;

    // Registers (enum in <linux/bpf.h>).
    public static final int BPF_REG_0 = 0;
    public static final int BPF_REG_1 = 1;
    public static final int BPF_REG_2 = 2;
    public static final int BPF_REG_3 = 3;
    public static final int BPF_REG_4 = 4;
    public static final int BPF_REG_5 = 5;
    public static final int BPF_REG_6 = 6;
    public static final int BPF_REG_7 = 7;
    public static final int BPF_REG_8 = 8;
    public static final int BPF_REG_9 = 9;
    public static final int BPF_REG_10 = 10;

    // long syscall(long number, ...): everything after the number is variadic; passed as longs so the upper
    // register halves are defined.
    private static final MethodHandle SYSCALL3 = Errno.capturing("syscall",
        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
        Linker.Option.firstVariadicArg(1));

    private bpf_h() { }

    /**
     * {@code bpf(cmd, attr, size)}.
     *
     * @param cmd a BPF_* command
     * @param attr one of the {@code bpf_attr_*} segments (zeroed outside the fields set)
     * @param size {@code attr}'s size, normally its class's {@code sizeof()}
     * @return the new fd or 0, or {@code -errno}
     */
    public static int bpf(int cmd, MemorySegment attr, long size) {
        try {
            MemorySegment st = Errno.state();
            return (int) Errno.result((long) SYSCALL3.invokeExact(st, (long) SYS_bpf, (long) cmd, attr, size), st);
        } catch (Throwable t) {
            throw Errno.rethrow(t);
        }
    }

    /**
     * {@code BPF_ENABLE_STATS} with {@code BPF_STATS_RUN_TIME}: while the returned fd is open (or
     * {@code kernel.bpf_stats_enabled} is 1) the kernel adds every program run's time to its {@code run_time_ns}
     * and counts it in {@code run_cnt} — two clock reads a run, for every program on the machine, so for a
     * measurement's breakdown only.
     *
     * @return the fd (close it to switch the counting off again), or {@code -errno}
     */
    public static int enableRunTimeStats() {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(bpf_attr_info.sizeof(), 8); // the union, zeroed; type is its first u32
            attr.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, BPF_STATS_RUN_TIME);
            return bpf(BPF_ENABLE_STATS, attr, bpf_attr_info.sizeof());
        }
    }

    /**
     * {@code BPF_OBJ_GET_INFO_BY_FD} on a program.
     *
     * @param progFd the program
     * @param info   a {@link bpf_prog_info} to fill
     * @return 0 or {@code -errno}
     */
    public static int progInfo(int progFd, MemorySegment info) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment attr = bpf_attr_info.allocate(arena);
            bpf_attr_info.bpf_fd(attr, progFd);
            bpf_attr_info.info_len(attr, (int) Math.min(info.byteSize(), bpf_prog_info.sizeof()));
            bpf_attr_info.info(attr, info.address());
            return bpf(BPF_OBJ_GET_INFO_BY_FD, attr, bpf_attr_info.sizeof());
        }
    }

    /**
     * {@code BPF_PROG_LOAD} of a GPL program with a verifier log; the one place programs are loaded.
     *
     * @param type  a BPF_PROG_TYPE_*
     * @param prog  the instruction slots
     * @param what  what the program is, for the error message
     * @return the program's fd
     * @throws NativeException with the verifier's log when the kernel refuses it
     */
    public static int progLoad(int type, long[] prog, String what) {
        // Without a log first: a verifier log that outgrows its buffer fails the load (ENOSPC) by itself, and a
        // program with a loop the verifier walks writes a long one. Only a refused program is loaded again, with a
        // large log, for the message.
        int fd = tryProgLoad(type, prog, null);
        if (fd >= 0) {
            return fd;
        }
        final int logBytes = 4 * 1024 * 1024;
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment log = arena.allocate(logBytes);
            int again = tryProgLoad(type, prog, log);
            if (again >= 0) {
                return again; // refused once, accepted now: take it
            }
            String text = log.getString(0).strip();
            String tail = text.length() > 4000 ? "..." + text.substring(text.length() - 4000) : text;
            throw new NativeException("bpf(BPF_PROG_LOAD, " + what + ")", -fd, Errors.message(fd) + "; verifier: "
                + tail);
        }
    }

    private static int tryProgLoad(int type, long[] prog, MemorySegment log) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment insns = arena.allocateFrom(JAVA_LONG, prog);
            MemorySegment license = arena.allocateFrom("GPL");
            MemorySegment pl = bpf_attr_prog_load.allocate(arena);
            bpf_attr_prog_load.prog_type(pl, type);
            bpf_attr_prog_load.insn_cnt(pl, prog.length);
            bpf_attr_prog_load.insns(pl, insns.address());
            bpf_attr_prog_load.license(pl, license.address());
            if (log != null) {
                bpf_attr_prog_load.log_level(pl, 1);
                bpf_attr_prog_load.log_size(pl, (int) log.byteSize());
                bpf_attr_prog_load.log_buf(pl, log.address());
            }
            return bpf(BPF_PROG_LOAD, pl, bpf_attr_prog_load.sizeof());
        }
    }

    /**
     * Encodes one {@code struct bpf_insn} as its 8 little-endian bytes read as a {@code long}:
     * code (byte 0), dst_reg (low nibble of byte 1), src_reg (high nibble), off (bytes 2-3), imm (bytes 4-7).
     *
     * @param code opcode
     * @param dst destination register
     * @param src source register
     * @param off signed 16-bit offset
     * @param imm signed 32-bit immediate
     * @return the instruction
     */
    public static long insn(int code, int dst, int src, int off, int imm) {
        return (code & 0xffL)
            | (long) (dst & 0xf) << 8
            | (long) (src & 0xf) << 12
            | (off & 0xffffL) << 16
            | (imm & 0xffffffffL) << 32;
    }

    /**
     * {@code dst = *(size *)(src + off)}.
     *
     * @param size BPF_W, BPF_H, BPF_B or BPF_DW
     * @param dst destination register
     * @param src base register
     * @param off offset
     * @return the instruction
     */
    public static long ldxMem(int size, int dst, int src, int off) {
        return insn(BPF_LDX | size | BPF_MEM, dst, src, off, 0);
    }

    /**
     * {@code dst = imm} (64-bit move of a sign-extended 32-bit immediate).
     *
     * @param dst destination register
     * @param imm the value
     * @return the instruction
     */
    public static long mov64Imm(int dst, int imm) {
        return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
    }

    /**
     * First slot of {@code dst = map_fd} (BPF_LD | BPF_DW | BPF_IMM with src BPF_PSEUDO_MAP_FD); the
     * instruction takes two slots, the second from {@link #ldMapFdHigh()}.
     *
     * @param dst destination register
     * @param mapFd the map's fd
     * @return the first slot
     */
    public static long ldMapFd(int dst, int mapFd) {
        return insn(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, mapFd);
    }

    /** @return the second slot of {@link #ldMapFd}: all zero (the upper 32 bits of the immediate) */
    public static long ldMapFdHigh() {
        return 0L;
    }

    /**
     * {@code call helper}.
     *
     * @param func a BPF_FUNC_* id
     * @return the instruction
     */
    public static long call(int func) {
        return insn(BPF_JMP | BPF_CALL, 0, 0, 0, func);
    }

    /** @return {@code exit} (return r0) */
    public static long exit() {
        return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    }

    /**
     * {@code *(size *)(dst + off) = src}.
     *
     * @param size BPF_W, BPF_H, BPF_B or BPF_DW
     * @param dst base register
     * @param src value register
     * @param off offset
     * @return the instruction
     */
    public static long stxMem(int size, int dst, int src, int off) {
        return insn(BPF_STX | size | BPF_MEM, dst, src, off, 0);
    }

    /**
     * {@code *(size *)(dst + off) = imm}.
     *
     * @param size BPF_W, BPF_H, BPF_B or BPF_DW
     * @param dst base register
     * @param off offset
     * @param imm the value
     * @return the instruction
     */
    public static long stMem(int size, int dst, int off, int imm) {
        return insn(BPF_ST | size | BPF_MEM, dst, 0, off, imm);
    }

    /**
     * A 64-bit ALU operation with an immediate: {@code dst op= imm} (imm sign-extended).
     *
     * @param op BPF_ADD, BPF_AND, BPF_MOV, ...
     * @param dst the register
     * @param imm the operand
     * @return the instruction
     */
    public static long alu64Imm(int op, int dst, int imm) {
        return insn(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm);
    }

    /**
     * A 64-bit ALU operation between registers: {@code dst op= src}.
     *
     * @param op BPF_ADD, BPF_MOV, ...
     * @param dst the register
     * @param src the operand's register
     * @return the instruction
     */
    public static long alu64Reg(int op, int dst, int src) {
        return insn(BPF_ALU64 | op | BPF_X, dst, src, 0, 0);
    }

    /**
     * A 32-bit ALU operation with an immediate ({@code wN op= imm}); the upper half of dst is zeroed.
     *
     * @param op BPF_ADD, BPF_MUL, BPF_RSH, ...
     * @param dst the register
     * @param imm the operand
     * @return the instruction
     */
    public static long alu32Imm(int op, int dst, int imm) {
        return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
    }

    /**
     * A 32-bit ALU operation between registers ({@code wDst op= wSrc}); the upper half of dst is zeroed.
     *
     * @param op BPF_XOR, BPF_MOV, ...
     * @param dst the register
     * @param src the operand's register
     * @return the instruction
     */
    public static long alu32Reg(int op, int dst, int src) {
        return insn(BPF_ALU | op | BPF_X, dst, src, 0, 0);
    }

    /**
     * {@code dst = htobe(dst)} on its low {@code bits} bits (16, 32 or 64), upper bits zeroed.
     *
     * @param dst the register
     * @param bits 16, 32 or 64
     * @return the instruction
     */
    public static long toBe(int dst, int bits) {
        return insn(BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, bits);
    }

    /**
     * A {@code BPF_PROG_TEST_RUN} request for an XDP program on one frame (the caller adds output, repeat, flags).
     *
     * @param arena   where the request and its context live
     * @param progFd  the program
     * @param data    the frame
     * @param ifindex the receiving interface (its RX queue 0)
     * @return the request
     */
    public static MemorySegment xdpTestRun(java.lang.foreign.Arena arena, int progFd, MemorySegment data,
            int ifindex) {
        MemorySegment ctx = xdp_md.allocate(arena);
        xdp_md.ingress_ifindex(ctx, ifindex);
        xdp_md.data_end(ctx, (int) data.byteSize()); // the kernel wants data_end == the data's size
        MemorySegment a = bpf_attr_test_run.allocate(arena);
        bpf_attr_test_run.prog_fd(a, progFd);
        bpf_attr_test_run.data_in(a, data.address());
        bpf_attr_test_run.data_size_in(a, (int) data.byteSize());
        bpf_attr_test_run.ctx_in(a, ctx.address());
        bpf_attr_test_run.ctx_size_in(a, (int) xdp_md.sizeof());
        return a;
    }

    /**
     * The two slots of a 64-bit immediate load: {@code dst = imm}.
     *
     * @param dst the register
     * @param imm the value
     * @return the first slot, then the second
     */
    public static long[] ldImm64(int dst, long imm) {
        return new long[] {insn(BPF_LD | BPF_DW | BPF_IMM, dst, 0, 0, (int) imm), insn(0, 0, 0, 0, (int) (imm >>> 32))};
    }

    /**
     * An atomic {@code *(u64 *)(dst + off) += src} (no fetch).
     *
     * @param dst the base register
     * @param src the addend's register
     * @param off the displacement
     * @return the instruction
     */
    public static long atomicAdd64(int dst, int src, int off) {
        return insn(BPF_STX | BPF_ATOMIC | BPF_DW, dst, src, off, BPF_ADD);
    }

    /**
     * A conditional 64-bit jump on an immediate: {@code if dst op imm goto +off}.
     *
     * @param op BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE
     * @param dst the register
     * @param imm the operand
     * @param off instructions to skip when taken
     * @return the instruction
     */
    public static long jmpImm(int op, int dst, int imm, int off) {
        return insn(BPF_JMP | op | BPF_K, dst, 0, off, imm);
    }

    /**
     * A conditional 64-bit jump between registers: {@code if dst op src goto +off} (unsigned for JGT/JGE).
     *
     * @param op BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE
     * @param dst the register
     * @param src the operand's register
     * @param off instructions to skip when taken
     * @return the instruction
     */
    public static long jmpReg(int op, int dst, int src, int off) {
        return insn(BPF_JMP | op | BPF_X, dst, src, off, 0);
    }

    /**
     * {@code BPF_MAP_CREATE}.
     *
     * @param type       a BPF_MAP_TYPE_*
     * @param keySize    bytes per key
     * @param valueSize  bytes per value
     * @param maxEntries entries
     * @param name       the map's name (shown by bpftool), shorter than {@link #BPF_OBJ_NAME_LEN}
     * @return the map's fd, or {@code -errno}
     */
    public static int mapCreate(int type, int keySize, int valueSize, int maxEntries, String name) {
        return mapCreate(type, keySize, valueSize, maxEntries, 0, name);
    }

    /**
     * {@code BPF_MAP_CREATE} with map flags.
     *
     * @param type       a BPF_MAP_TYPE_*
     * @param keySize    bytes per key
     * @param valueSize  bytes per value
     * @param maxEntries entries
     * @param flags      map_flags, e.g. {@link #BPF_F_MMAPABLE}
     * @param name       the map's name, shorter than {@link #BPF_OBJ_NAME_LEN}
     * @return the map's fd, or {@code -errno}
     */
    public static int mapCreate(int type, int keySize, int valueSize, int maxEntries, int flags, String name) {
        if (name.length() >= BPF_OBJ_NAME_LEN) {
            throw new IllegalArgumentException("map name '" + name + "' is longer than " + (BPF_OBJ_NAME_LEN - 1));
        }
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment mc = bpf_attr_map_create.allocate(arena);
            bpf_attr_map_create.map_type(mc, type);
            bpf_attr_map_create.key_size(mc, keySize);
            bpf_attr_map_create.value_size(mc, valueSize);
            bpf_attr_map_create.max_entries(mc, maxEntries);
            bpf_attr_map_create.map_flags(mc, flags);
            MemorySegment n = arena.allocateFrom(name);
            MemorySegment.copy(n, 0, bpf_attr_map_create.map_name(mc), 0, n.byteSize());
            return bpf(BPF_MAP_CREATE, mc, bpf_attr_map_create.sizeof());
        }
    }

    /**
     * {@code BPF_MAP_LOOKUP_ELEM} or {@code BPF_MAP_UPDATE_ELEM} on one element (control plane: allocates).
     *
     * @param cmd   BPF_MAP_LOOKUP_ELEM (value is written) or BPF_MAP_UPDATE_ELEM (value is read)
     * @param mapFd the map
     * @param key   the key's bytes
     * @param value the value's bytes
     * @param flags BPF_ANY, BPF_NOEXIST or BPF_EXIST for an update, 0 for a lookup
     * @return 0, or {@code -errno}
     */
    public static int mapElem(int cmd, int mapFd, MemorySegment key, MemorySegment value, long flags) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment el = bpf_attr_map_elem.allocate(arena);
            bpf_attr_map_elem.map_fd(el, mapFd);
            bpf_attr_map_elem.key(el, key.address());
            bpf_attr_map_elem.value(el, value.address());
            bpf_attr_map_elem.flags(el, flags);
            return bpf(cmd, el, bpf_attr_map_elem.sizeof());
        }
    }

    /**
     * {@code BPF_LINK_CREATE} of a program on an interface. The link belongs to its fd: closing it, or the process
     * dying, detaches the program.
     *
     * @param progFd     the program
     * @param ifindex    the interface
     * @param attachType BPF_XDP or BPF_TCX_INGRESS
     * @param flags      for BPF_XDP: XDP_FLAGS_SKB_MODE, XDP_FLAGS_DRV_MODE or 0 (the driver's mode if it has one)
     * @return the link's fd, or {@code -errno}
     */
    public static int linkCreate(int progFd, int ifindex, int attachType, int flags) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment lc = bpf_attr_link_create.allocate(arena);
            bpf_attr_link_create.prog_fd(lc, progFd);
            bpf_attr_link_create.target_ifindex(lc, ifindex);
            bpf_attr_link_create.attach_type(lc, attachType);
            bpf_attr_link_create.flags(lc, flags);
            return bpf(BPF_LINK_CREATE, lc, bpf_attr_link_create.sizeof());
        }
    }

    /**
     * The AF_XDP redirect program (what libxdp's default program reduces to): send each frame to the socket
     * in {@code xsks[rx_queue_index]}, or pass it to the kernel stack when that slot is empty.
     * <pre>
     *   r2 = *(u32 *)(r1 + offsetof(struct xdp_md, rx_queue_index))
     *   r1 = map_fd ll
     *   r3 = XDP_PASS
     *   call bpf_redirect_map
     *   exit
     * </pre>
     *
     * @param xskMapFd an XSKMAP fd
     * @return six instruction slots (ld_imm64 takes two)
     */
    public static long[] xskRedirectProgram(int xskMapFd) {
        return new long[] {
            ldxMem(BPF_W, BPF_REG_2, BPF_REG_1, (int) xdp_md.rx_queue_index$offset()),
            ldMapFd(BPF_REG_1, xskMapFd),
            ldMapFdHigh(),
            mov64Imm(BPF_REG_3, XDP_PASS),
            call(BPF_FUNC_redirect_map),
            exit(),
        };
    }
    /**
     * The redirect program restricted to one IPv4 block: an IPv4 frame whose destination, or an ARP frame whose
     * target address, lies in {@code net/prefix} goes to {@code xsks[rx_queue_index]}; every other frame, and
     * anything too short to tell, is passed to the kernel stack. A flood generator uses it to take the answers
     * to its spoofed sources while the kernel keeps the interface's own traffic (a legitimate client beside it).
     * <pre>
     *   (match as in {@link #ipv4BlockProgram}, ctx = xdp_md)
     *   r2 = ctx-&gt;rx_queue_index; r1 = map_fd ll; r3 = XDP_PASS; call bpf_redirect_map; exit
     *   pass:  r0 = XDP_PASS; exit
     * </pre>
     *
     * @param xskMapFd an XSKMAP fd
     * @param net      the block's address (host order; bits beyond the prefix are ignored)
     * @param prefix   the block's prefix length, 0..32
     * @return the instruction slots
     */
    public static long[] xskRedirectIpv4BlockProgram(int xskMapFd, int net, int prefix) {
        long[] redirect = {
            ldxMem(BPF_W, BPF_REG_2, BPF_REG_6, (int) xdp_md.rx_queue_index$offset()),
            ldMapFd(BPF_REG_1, xskMapFd),
            ldMapFdHigh(),
            mov64Imm(BPF_REG_3, XDP_PASS),
            call(BPF_FUNC_redirect_map),
            exit(),
        };
        return ipv4BlockProgram((int) xdp_md.data$offset(), (int) xdp_md.data_end$offset(), net, prefix, redirect,
            XDP_PASS);
    }

    /**
     * A tcx ingress program (BPF_PROG_TYPE_SCHED_CLS) that drops the frames of one IPv4 block — IPv4 to it, ARP
     * asking for it — and lets everything else through. tcx ingress runs after the packet taps, so an AF_PACKET
     * socket still gets its copy while the kernel's own stack never sees the frames it must not answer (no RST
     * for the stack's connections, no ARP reply of its own) and does no IP work for them.
     *
     * @param net    the block's address (host order)
     * @param prefix its prefix length, 0..32
     * @return the instruction slots
     */
    public static long[] tcDropIpv4BlockProgram(int net, int prefix) {
        long[] drop = {mov64Imm(BPF_REG_0, TC_ACT_SHOT), exit()};
        return ipv4BlockProgram(SKB_DATA_OFFSET, SKB_DATA_END_OFFSET, net, prefix, drop, TC_ACT_OK);
    }

    /**
     * The shared matcher: {@code matched} runs (with the context in r6) for an IPv4 frame to the block or an ARP
     * frame asking for it, every other frame returns {@code missReturn}. Addresses are compared as loaded, in
     * network byte order (the constants are byte-swapped here), with 32-bit ALU and JMP32 so no immediate is
     * sign-extended; every packet load is bounds-checked against data_end first, as the verifier requires.
     * <pre>
     *   r6 = r1; r2 = ctx-&gt;data; r3 = ctx-&gt;data_end
     *   if r2 + 34 &gt; r3 goto miss
     *   r5 = eth.type; if r5 == IPv4 goto ip; if r5 != ARP goto miss
     *   if r2 + 42 &gt; r3 goto miss; r5 = arp.target_ip; goto match
     *   ip:    r5 = ip.daddr
     *   match: w5 &amp;= mask; if w5 != net goto miss
     *   (matched)
     *   miss:  r0 = missReturn; exit
     * </pre>
     */
    private static long[] ipv4BlockProgram(int dataOff, int dataEndOff, int net, int prefix, long[] matched,
            int missReturn) {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix = " + prefix + " is outside 0..32");
        }
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        int maskLoaded = Integer.reverseBytes(mask);
        int netLoaded = Integer.reverseBytes(net & mask);
        final int miss = 17 + matched.length;
        long[] head = {
            /* 0 */ insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0),
            /* 1 */ ldxMem(BPF_W, BPF_REG_2, BPF_REG_6, dataOff),
            /* 2 */ ldxMem(BPF_W, BPF_REG_3, BPF_REG_6, dataEndOff),
            /* 3 */ insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_4, BPF_REG_2, 0, 0),
            /* 4 */ insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_4, 0, 0, 34),
            /* 5 */ insn(BPF_JMP | BPF_JGT | BPF_X, BPF_REG_4, BPF_REG_3, miss - 6, 0),
            /* 6 */ ldxMem(BPF_H, BPF_REG_5, BPF_REG_2, 12),
            /* 7 */ insn(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_5, 0, 14 - 8, 0x0008), // 0x0800 as loaded
            /* 8 */ insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, miss - 9, 0x0608), // 0x0806 as loaded
            /* 9 */ insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_4, BPF_REG_2, 0, 0),
            /* 10 */ insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_4, 0, 0, 42),
            /* 11 */ insn(BPF_JMP | BPF_JGT | BPF_X, BPF_REG_4, BPF_REG_3, miss - 12, 0),
            /* 12 */ ldxMem(BPF_W, BPF_REG_5, BPF_REG_2, 38),
            /* 13 */ insn(BPF_JMP | BPF_JA, 0, 0, 15 - 14, 0),
            /* 14 */ ldxMem(BPF_W, BPF_REG_5, BPF_REG_2, 30),
            /* 15 */ insn(BPF_ALU | BPF_AND | BPF_K, BPF_REG_5, 0, 0, maskLoaded),
            /* 16 */ insn(BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_5, 0, miss - 17, netLoaded),
        };
        long[] prog = new long[miss + 2];
        System.arraycopy(head, 0, prog, 0, head.length);
        System.arraycopy(matched, 0, prog, head.length, matched.length);
        prog[miss] = mov64Imm(BPF_REG_0, missReturn);
        prog[miss + 1] = exit();
        return prog;
    }
}
