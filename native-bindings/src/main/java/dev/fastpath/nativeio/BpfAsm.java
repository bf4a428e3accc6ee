package dev.fastpath.nativeio;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Instruction slots of a hand-assembled BPF program, with jumps to named labels resolved by {@link #assemble()}.
 * The encoders are in {@link bpf_h}; a jump is emitted with offset 0 and patched here.
 */
public final class BpfAsm {
    // Registers, short names for hand-written programs (r10 is the read-only frame pointer).
    public static final int R0 = 0;
    public static final int R1 = 1;
    public static final int R2 = 2;
    public static final int R3 = 3;
    public static final int R4 = 4;
    public static final int R5 = 5;
    public static final int R6 = 6;
    public static final int R7 = 7;
    public static final int R8 = 8;
    public static final int R9 = 9;
    public static final int R10 = 10;

    private final List<Long> slots = new ArrayList<>();
    private final Map<Integer, String> jumps = new HashMap<>();
    private final Map<String, Integer> labels = new HashMap<>();

    /**
     * @param insn one instruction slot
     * @return this
     */
    public BpfAsm add(long insn) {
        slots.add(insn);
        return this;
    }

    /**
     * @param insns several slots (a 64-bit immediate load is two)
     * @return this
     */
    public BpfAsm add(long[] insns) {
        for (long i : insns) {
            slots.add(i);
        }
        return this;
    }

    /**
     * A jump (conditional or {@code BPF_JA}) whose offset field is filled in for {@code label}.
     *
     * @param insn  the jump, offset 0
     * @param label where it goes
     * @return this
     */
    public BpfAsm jump(long insn, String label) {
        jumps.put(slots.size(), label);
        slots.add(insn);
        return this;
    }

    /**
     * @param name a label for the next instruction; each name once
     * @return this
     */
    public BpfAsm label(String name) {
        if (labels.putIfAbsent(name, slots.size()) != null) {
            throw new IllegalStateException("label " + name + " defined twice");
        }
        return this;
    }

    /** @return slots emitted so far */
    public int size() {
        return slots.size();
    }

    /**
     * @return the program with every jump's offset set
     * @throws IllegalStateException for a missing label or an offset beyond 16 bits
     */
    public long[] assemble() {
        long[] out = new long[slots.size()];
        for (int i = 0; i < out.length; i++) {
            long s = slots.get(i);
            String target = jumps.get(i);
            if (target != null) {
                Integer at = labels.get(target);
                if (at == null) {
                    throw new IllegalStateException("no label " + target);
                }
                int off = at - i - 1;
                if (off != (short) off) {
                    throw new IllegalStateException("jump to " + target + " does not fit 16 bits: " + off);
                }
                s = (s & ~(0xffffL << 16)) | (off & 0xffffL) << 16;
            }
            out[i] = s;
        }
        return out;
    }
}
