package dev.fastpath.io.xdp;

import static dev.fastpath.nativeio.bpf_h.BPF_ADD;
import static dev.fastpath.nativeio.bpf_h.BPF_DW;
import static dev.fastpath.nativeio.bpf_h.BPF_LSH;
import static dev.fastpath.nativeio.bpf_h.BPF_MOV;
import static dev.fastpath.nativeio.bpf_h.BPF_OR;
import static dev.fastpath.nativeio.bpf_h.BPF_RSH;
import static dev.fastpath.nativeio.bpf_h.BPF_XOR;
import static dev.fastpath.nativeio.bpf_h.alu64Imm;
import static dev.fastpath.nativeio.bpf_h.alu64Reg;
import static dev.fastpath.nativeio.bpf_h.ldImm64;
import static dev.fastpath.nativeio.bpf_h.ldxMem;
import static dev.fastpath.nativeio.bpf_h.stxMem;

import dev.fastpath.nativeio.BpfAsm;

/**
 * SipHash-2-4 over 8 or 16 bytes in straight-line BPF, computing exactly what {@code SipHash.hash} does in Java
 * (BPF has no rotate: each is a shift pair and an or). v0..v3 live in r1..r4, r5 is scratch, r0 the message word.
 */
final class SipHashAsm {
    private static final int M = 0;
    private static final int V0 = 1;
    private static final int V1 = 2;
    private static final int V2 = 3;
    private static final int V3 = 4;
    private static final int T = 5;
    private static final int FP = 10;

    private SipHashAsm() { }

    /**
     * Emits the hash; clobbers r0..r5.
     *
     * @param a      the program
     * @param keys   the register holding the key's base (not r0..r5)
     * @param k0     the key's first word, at keys + k0
     * @param k1     the key's second word, at keys + k1
     * @param w0Slot the message's first word, at r10 + w0Slot
     * @param w1Slot the second word (length 16 only), at r10 + w1Slot
     * @param length 8 or 16
     * @param out    where the 64-bit hash is stored, r10 + out
     */
    static void hash(BpfAsm a, int keys, int k0, int k1, int w0Slot, int w1Slot, int length, int out) {
        if (length != 8 && length != 16) {
            throw new IllegalArgumentException("length " + length + ": 8 or 16 bytes");
        }
        if (keys <= T) {
            throw new IllegalArgumentException("r" + keys + " is clobbered by the hash");
        }
        a.add(ldxMem(BPF_DW, V0, keys, k0));
        a.add(alu64Reg(BPF_MOV, V2, V0));
        a.add(ldxMem(BPF_DW, V1, keys, k1));
        a.add(alu64Reg(BPF_MOV, V3, V1));
        xorConstant(a, V0, 0x736f6d6570736575L);
        xorConstant(a, V1, 0x646f72616e646f6dL);
        xorConstant(a, V2, 0x6c7967656e657261L);
        xorConstant(a, V3, 0x7465646279746573L);
        a.add(ldxMem(BPF_DW, M, FP, w0Slot));
        block(a);
        if (length == 16) {
            a.add(ldxMem(BPF_DW, M, FP, w1Slot));
            block(a);
        }
        a.add(ldImm64(M, (long) length << 56));
        block(a);
        a.add(alu64Imm(BPF_XOR, V2, 0xff));
        for (int r = 0; r < 4; r++) {
            round(a);
        }
        a.add(alu64Reg(BPF_XOR, V0, V1));
        a.add(alu64Reg(BPF_XOR, V0, V2));
        a.add(alu64Reg(BPF_XOR, V0, V3));
        a.add(stxMem(BPF_DW, FP, V0, out));
    }

    private static void xorConstant(BpfAsm a, int reg, long c) {
        a.add(ldImm64(T, c));
        a.add(alu64Reg(BPF_XOR, reg, T));
    }

    /** v3 ^= m; two rounds; v0 ^= m. */
    private static void block(BpfAsm a) {
        a.add(alu64Reg(BPF_XOR, V3, M));
        round(a);
        round(a);
        a.add(alu64Reg(BPF_XOR, V0, M));
    }

    private static void round(BpfAsm a) {
        a.add(alu64Reg(BPF_ADD, V0, V1));
        rotl(a, V1, 13);
        a.add(alu64Reg(BPF_XOR, V1, V0));
        rotl(a, V0, 32);
        a.add(alu64Reg(BPF_ADD, V2, V3));
        rotl(a, V3, 16);
        a.add(alu64Reg(BPF_XOR, V3, V2));
        a.add(alu64Reg(BPF_ADD, V0, V3));
        rotl(a, V3, 21);
        a.add(alu64Reg(BPF_XOR, V3, V0));
        a.add(alu64Reg(BPF_ADD, V2, V1));
        rotl(a, V1, 17);
        a.add(alu64Reg(BPF_XOR, V1, V2));
        rotl(a, V2, 32);
    }

    private static void rotl(BpfAsm a, int reg, int n) {
        a.add(alu64Reg(BPF_MOV, T, reg));
        a.add(alu64Imm(BPF_LSH, reg, n));
        a.add(alu64Imm(BPF_RSH, T, 64 - n));
        a.add(alu64Reg(BPF_OR, reg, T));
    }
}
