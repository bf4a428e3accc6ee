package dev.fastpath.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.NativeException;
import dev.fastpath.nativeio.bpf_attr_test_run;
import dev.fastpath.nativeio.bpf_h;
import dev.fastpath.nativeio.unistd_h;
import dev.fastpath.wire.Ipv4Header;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generator's XDP counter of answers, run by the kernel (BPF_PROG_TEST_RUN) over hand-made frames: a SYN-ACK
 * from the victim to the block is counted (and its acknowledgment number checked against our ISN) and dropped, but
 * one source address in {@link SynAckCounter#SAMPLE} goes on to the socket; an RST is counted; anything else keeps
 * the block program's rule. The XSKMAP is empty here, so "to the socket" comes back as XDP_PASS (the redirect's
 * fallback). Needs root (CAP_BPF); skipped otherwise.
 */
class SynAckCounterTest {

    private static final int VICTIM = Ipv4Header.parseAddress("198.18.0.2");
    private static final int NET = Ipv4Header.parseAddress("198.19.0.0");
    private static final int PORT = 8080;
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE_SHORT =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Arena arena = Arena.ofConfined();
    private SynAckCounter counter;
    private int xsks = -1;
    private int prog = -1;

    @BeforeEach
    void load() {
        try {
            counter = SynAckCounter.create();
            xsks = Errors.check("xskmap", bpf_h.mapCreate(bpf_h.BPF_MAP_TYPE_XSKMAP, 4, 4, 1, "fp_test_xsk"));
            prog = bpf_h.progLoad(bpf_h.BPF_PROG_TYPE_XDP, counter.program(xsks, VICTIM, PORT, NET, 16), "test");
        } catch (NativeException e) {
            assumeTrue(e.errno() != Errors.EPERM, "BPF needs root (CAP_BPF): " + e.getMessage());
            throw e;
        }
    }

    @AfterEach
    void close() {
        if (prog >= 0) {
            unistd_h.close(prog);
        }
        if (xsks >= 0) {
            unistd_h.close(xsks);
        }
        if (counter != null) {
            counter.close();
        }
        arena.close();
    }

    /** Ethernet, IPv4 (no options), TCP (no options): src → dst with these flags and acknowledgment number. */
    private MemorySegment frame(int src, int srcPort, int dst, int dstPort, int flags, int ack) {
        MemorySegment f = arena.allocate(54);
        f.set(BE_SHORT, 12, (short) 0x0800);
        f.set(ValueLayout.JAVA_BYTE, 14, (byte) 0x45);
        f.set(BE_SHORT, 16, (short) 40);
        f.set(ValueLayout.JAVA_BYTE, 22, (byte) 64);
        f.set(ValueLayout.JAVA_BYTE, 23, (byte) 6);
        f.set(BE_INT, 26, src);
        f.set(BE_INT, 30, dst);
        f.set(BE_SHORT, 34, (short) srcPort);
        f.set(BE_SHORT, 36, (short) dstPort);
        f.set(BE_INT, 38, 12345);
        f.set(BE_INT, 42, ack);
        f.set(ValueLayout.JAVA_BYTE, 46, (byte) 0x50);
        f.set(ValueLayout.JAVA_BYTE, 47, (byte) flags);
        return f;
    }

    private MemorySegment synAck(int client, int clientPort, int ack) {
        return frame(VICTIM, PORT, client, clientPort, 0x12, ack);
    }

    private int run(MemorySegment frame) {
        MemorySegment a = XdpLiveSender.testRun(arena, prog, frame, 1);
        Errors.check("test run", bpf_h.bpf(bpf_h.BPF_PROG_TEST_RUN, a, bpf_attr_test_run.sizeof()));
        return bpf_attr_test_run.retval(a);
    }

    @Test
    void aSynAckToTheBlockIsCountedCheckedAndDropped() {
        int client = NET + 0x0105; // not a multiple of 16: not sampled
        assertEquals(bpf_h.XDP_DROP, run(synAck(client, 40000, FloodGenerator.isn(client, 40000) + 1)));
        assertEquals(1, counter.synAcks());
        assertEquals(1, counter.ackOk());
        assertEquals(0, counter.sampled());
    }

    @Test
    void aWrongAcknowledgmentIsCountedButNotAsOk() {
        int client = NET + 0x0105;
        assertEquals(bpf_h.XDP_DROP, run(synAck(client, 40000, FloodGenerator.isn(client, 40000) + 2)));
        assertEquals(bpf_h.XDP_DROP, run(synAck(client, 40001, FloodGenerator.isn(client, 40000) + 1)));
        assertEquals(2, counter.synAcks());
        assertEquals(0, counter.ackOk());
    }

    @Test
    void oneSourceInSixteenGoesOnToTheSocket() {
        int sampled = NET + 0x0110;
        assertEquals(bpf_h.XDP_PASS, run(synAck(sampled, 40000, FloodGenerator.isn(sampled, 40000) + 1)),
            "redirected to the (empty) XSKMAP: its fallback");
        assertEquals(1, counter.synAcks());
        assertEquals(1, counter.ackOk());
        assertEquals(1, counter.sampled());
    }

    @Test
    void resetsAreCountedNotAsSynAcks() {
        assertEquals(bpf_h.XDP_DROP, run(frame(VICTIM, PORT, NET + 3, 40000, 0x14, 0)));
        assertEquals(1, counter.resets());
        assertEquals(0, counter.synAcks());
    }

    @Test
    void otherFramesFollowTheBlockRule() {
        // Another port of the victim, another sender, a bare ACK, a SYN-ACK with FIN: to the block's socket
        // (XDP_PASS here), none counted; a frame for outside the block goes to the kernel.
        assertEquals(bpf_h.XDP_PASS, run(frame(VICTIM, 9999, NET + 5, 40000, 0x12, 0)));
        assertEquals(bpf_h.XDP_PASS, run(frame(VICTIM + 1, PORT, NET + 5, 40000, 0x12, 0)));
        assertEquals(bpf_h.XDP_PASS, run(frame(VICTIM, PORT, NET + 5, 40000, 0x10, 0)));
        assertEquals(bpf_h.XDP_PASS, run(frame(VICTIM, PORT, NET + 5, 40000, 0x13, 0)));
        assertEquals(bpf_h.XDP_PASS, run(frame(VICTIM, PORT, VICTIM - 1, 40000, 0x12, 0)));
        assertEquals(0, counter.synAcks() + counter.resets() + counter.sampled());
    }
}
