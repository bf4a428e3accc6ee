package dev.fastpath.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real system calls that send no traffic and touch no interface: sockets opened and closed, anonymous memory,
 * interface lookup, errno capture, CPU affinity, and (as root) a BPF map plus the XDP redirect program loaded
 * but never attached.
 */
class SyscallsTest {

    @Test
    void packetSocketOpensAndCloses() {
        // Protocol 0: the socket receives nothing until bound with a protocol, so no traffic is seen or sent.
        int fd = net_h.socket(socket_h.AF_PACKET, socket_h.SOCK_RAW | socket_h.SOCK_CLOEXEC, 0);
        assumeTrue(fd != -Errors.EPERM, "socket(AF_PACKET) needs CAP_NET_RAW: EPERM, skipping");
        assertTrue(fd >= 0, "socket(AF_PACKET): " + Errors.name(fd));
        assertEquals(0, net_h.setsockopt(fd, socket_h.SOL_PACKET, socket_h.PACKET_VERSION, socket_h.TPACKET_V3));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, Integer.BYTES);
            assertEquals(0, net_h.getsockopt(fd, socket_h.SOL_PACKET, socket_h.PACKET_VERSION, value, len));
            assertEquals(socket_h.TPACKET_V3, value.get(ValueLayout.JAVA_INT, 0));
            MemorySegment hdrlen = arena.allocateFrom(ValueLayout.JAVA_INT, socket_h.TPACKET_V3);
            assertEquals(0, net_h.getsockopt(fd, socket_h.SOL_PACKET, socket_h.PACKET_HDRLEN, hdrlen, len));
            // PACKET_HDRLEN reports the kernel's sizeof(struct tpacket3_hdr): check the Java layout against it.
            assertEquals(tpacket3_hdr.sizeof(), hdrlen.get(ValueLayout.JAVA_INT, 0));
        }
        assertEquals(0, unistd_h.close(fd));
    }

    @Test
    void anonymousMmapAndMunmap() {
        long len = 1L << 20;
        MemorySegment m = mman_h.mmapChecked(len, mman_h.PROT_READ | mman_h.PROT_WRITE,
            mman_h.MAP_PRIVATE | mman_h.MAP_ANONYMOUS, -1, 0);
        assertEquals(len, m.byteSize());
        assertEquals(0, m.address() % 4096, "page aligned");
        m.set(ValueLayout.JAVA_LONG, 0, 0x1122334455667788L);
        m.set(ValueLayout.JAVA_LONG, len - 8, -1L);
        assertEquals(0x1122334455667788L, m.get(ValueLayout.JAVA_LONG, 0));
        assertEquals(-1L, m.get(ValueLayout.JAVA_LONG, len - 8));
        assertEquals(0, mman_h.munmap(m, len));
    }

    @Test
    void failedMmapReportsMapFailedAndErrno() {
        MemorySegment m = mman_h.mmap(MemorySegment.NULL, 4096, mman_h.PROT_READ, mman_h.MAP_SHARED, -1, 0);
        assertEquals(mman_h.MAP_FAILED, m.address());
        assertEquals(Errors.EBADF, Errno.last());
        NativeException e = assertThrows(NativeException.class,
            () -> mman_h.mmapChecked(4096, mman_h.PROT_READ, mman_h.MAP_SHARED, -1, 0));
        assertEquals(Errors.EBADF, e.errno());
    }

    @Test
    void loopbackIsIndexOne() {
        assertEquals(1, net_h.if_nametoindex("lo"));
        assertEquals(-Errors.ENODEV, net_h.if_nametoindex("fastpath-none0"));
    }

    @Test
    void failingCallReturnsMinusErrnoAndCapturesIt() {
        assertEquals(-Errors.EBADF, unistd_h.close(-1));
        assertEquals(Errors.EBADF, Errno.last());
        assertEquals("EBADF", Errors.name(Errors.EBADF));
        assertEquals("EBADF", Errors.name(-Errors.EBADF));
        assertEquals("Bad file descriptor", Errors.message(Errors.EBADF));
        assertEquals("EOPNOTSUPP", Errors.name(Errors.ENOTSUP));
        NativeException e = assertThrows(NativeException.class, () -> Errors.check("close(-1)", unistd_h.close(-1)));
        assertEquals(Errors.EBADF, e.errno());
        assertEquals("close(-1)", e.call());
        assertTrue(e.getMessage().contains("EBADF"), e.getMessage());
        assertEquals(3L, Errors.check("x", 3L));
    }

    @Test
    void errnoIsPerThread() throws InterruptedException {
        AtomicIntegerArray seen = new AtomicIntegerArray(2);
        Thread a = Thread.ofPlatform().unstarted(() -> {
            unistd_h.close(-1);
            sleep();
            seen.set(0, Errno.last());
        });
        Thread b = Thread.ofPlatform().unstarted(() -> {
            net_h.if_nametoindex("fastpath-none0");
            sleep();
            seen.set(1, Errno.last());
        });
        a.start();
        b.start();
        a.join();
        b.join();
        assertEquals(Errors.EBADF, seen.get(0));
        assertEquals(Errors.ENODEV, seen.get(1));
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void pinThreadToCpu0() throws InterruptedException {
        // A fresh thread, so pinning does not leak into the test runner's thread.
        int[] rc = new int[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment set = arena.allocate(unistd_h.CPU_SET_BYTES, Long.BYTES);
                unistd_h.CPU_SET(0, set);
                assertEquals(1L, set.get(ValueLayout.JAVA_LONG, 0));
                rc[0] = unistd_h.sched_setaffinity(0, unistd_h.CPU_SET_BYTES, set);
            }
        });
        t.join();
        assertEquals(0, rc[0], "sched_setaffinity: " + Errors.name(rc[0]));
        assertTrue(unistd_h.getpid() > 0);
    }

    @Test
    void xskMapAndRedirectProgramLoad() {
        try (Arena arena = Arena.ofConfined()) {
            int mapFd = bpf_h.mapCreate(bpf_h.BPF_MAP_TYPE_XSKMAP, Integer.BYTES, Integer.BYTES, 4, "fp_xsks");
            assumeTrue(mapFd != -Errors.EPERM, "bpf(BPF_MAP_CREATE) needs CAP_BPF: EPERM, skipping");
            assertTrue(mapFd >= 0, "BPF_MAP_CREATE: " + Errors.name(mapFd) + " " + Errors.message(mapFd));
            try {
                loadProgram(arena, bpf_h.xskRedirectProgram(mapFd));
                // The block-restricted variant (flood generator): packet bounds checked before every load.
                loadProgram(arena, bpf_h.xskRedirectIpv4BlockProgram(mapFd, 0xC6130000, 16));
                loadProgram(arena, bpf_h.xskRedirectIpv4BlockProgram(mapFd, 0xC6120002, 32));
                loadProgram(arena, bpf_h.tcDropIpv4BlockProgram(0xC6120001, 32), bpf_h.BPF_PROG_TYPE_SCHED_CLS);
            } finally {
                assertEquals(0, unistd_h.close(mapFd));
            }
        }
    }

    @Test
    void arrayMapUpdateAndLookup() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mc = bpf_attr_map_create.allocate(arena);
            bpf_attr_map_create.map_type(mc, bpf_h.BPF_MAP_TYPE_ARRAY);
            bpf_attr_map_create.key_size(mc, Integer.BYTES);
            bpf_attr_map_create.value_size(mc, Long.BYTES);
            bpf_attr_map_create.max_entries(mc, 2);
            int mapFd = bpf_h.bpf(bpf_h.BPF_MAP_CREATE, mc, bpf_attr_map_create.sizeof());
            assumeTrue(mapFd != -Errors.EPERM, "bpf(BPF_MAP_CREATE) needs CAP_BPF: EPERM, skipping");
            assertTrue(mapFd >= 0, "BPF_MAP_CREATE: " + Errors.name(mapFd));
            try {
                MemorySegment key = arena.allocateFrom(ValueLayout.JAVA_INT, 1);
                MemorySegment value = arena.allocateFrom(ValueLayout.JAVA_LONG, 0xfeedfaceL);
                MemorySegment el = bpf_attr_map_elem.allocate(arena);
                bpf_attr_map_elem.map_fd(el, mapFd);
                bpf_attr_map_elem.key(el, key.address());
                bpf_attr_map_elem.value(el, value.address());
                bpf_attr_map_elem.flags(el, bpf_h.BPF_ANY);
                assertEquals(0, bpf_h.bpf(bpf_h.BPF_MAP_UPDATE_ELEM, el, bpf_attr_map_elem.sizeof()));
                MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
                bpf_attr_map_elem.value(el, out.address());
                assertEquals(0, bpf_h.bpf(bpf_h.BPF_MAP_LOOKUP_ELEM, el, bpf_attr_map_elem.sizeof()));
                assertEquals(0xfeedfaceL, out.get(ValueLayout.JAVA_LONG, 0));
                key.set(ValueLayout.JAVA_INT, 0, 5);
                assertEquals(-Errors.E2BIG, bpf_h.bpf(bpf_h.BPF_MAP_UPDATE_ELEM, el, bpf_attr_map_elem.sizeof()),
                    "index past max_entries");
            } finally {
                assertEquals(0, unistd_h.close(mapFd));
            }
        }
    }

    private static void loadProgram(Arena arena, long[] prog) {
        loadProgram(arena, prog, bpf_h.BPF_PROG_TYPE_XDP);
    }

    private static void loadProgram(Arena arena, long[] prog, int type) {
        MemorySegment insns = arena.allocateFrom(ValueLayout.JAVA_LONG, prog);
        MemorySegment license = arena.allocateFrom("GPL");
        MemorySegment log = arena.allocate(64 * 1024);
        MemorySegment pl = bpf_attr_prog_load.allocate(arena);
        bpf_attr_prog_load.prog_type(pl, type);
        bpf_attr_prog_load.insn_cnt(pl, prog.length);
        bpf_attr_prog_load.insns(pl, insns.address());
        bpf_attr_prog_load.license(pl, license.address());
        bpf_attr_prog_load.log_level(pl, 1);
        bpf_attr_prog_load.log_size(pl, (int) log.byteSize());
        bpf_attr_prog_load.log_buf(pl, log.address());
        int progFd = bpf_h.bpf(bpf_h.BPF_PROG_LOAD, pl, bpf_attr_prog_load.sizeof());
        assumeTrue(progFd != -Errors.EPERM, "bpf(BPF_PROG_LOAD) needs CAP_BPF: EPERM, skipping");
        assertTrue(progFd >= 0, "BPF_PROG_LOAD: " + Errors.name(progFd) + "\n" + log.getString(0));
        assertFalse(log.getString(0).isEmpty(), "log_level 1 should produce a verifier log");
        assertEquals(0, unistd_h.close(progFd));
    }
}
