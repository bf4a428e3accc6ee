package dev.fastpath.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The capabilities each backend needs, named before anything is opened. */
class PrivilegesTest {
    private static final long NET_ADMIN = 1L << 12;
    private static final long NET_RAW = 1L << 13;
    private static final long IPC_LOCK = 1L << 14;
    private static final long SYS_ADMIN = 1L << 21;
    private static final long BPF = 1L << 39;
    private static final long UMEM = 32L << 20;

    @Test
    void afXdpNeedsRawBpfAdminAndLockedMemory() {
        assertNull(Privileges.of(NET_RAW | BPF | NET_ADMIN | IPC_LOCK, 8L << 20).afXdp("eth1", UMEM).problem("serve"));
        String noBpf = Privileges.of(NET_RAW | NET_ADMIN | IPC_LOCK, -1).afXdp("eth1", UMEM).problem("serve");
        assertTrue(noBpf.startsWith("serve needs CAP_NET_RAW (AF_XDP sockets), CAP_BPF"), noBpf);
        assertTrue(noBpf.contains("lacks CAP_BPF.") && !noBpf.contains("lacks CAP_NET_RAW"), noBpf);
        String nothing = Privileges.of(0, 8L << 20).afXdp("eth1", UMEM).problem("serve");
        assertTrue(nothing.contains("lacks CAP_NET_RAW, CAP_BPF, CAP_NET_ADMIN, CAP_IPC_LOCK (memlock limit 8 MiB)"),
                nothing);
    }

    @Test
    void aMemlockLimitAboveTheUmemReplacesIpcLock() {
        long caps = NET_RAW | BPF | NET_ADMIN;
        assertNull(Privileges.of(caps, UMEM).afXdp("eth1", UMEM).problem("serve"));
        assertNull(Privileges.of(caps, -1).afXdp("eth1", UMEM).problem("serve"), "unlimited");
        String short1 = Privileges.of(caps, UMEM - 1).afXdp("eth1", UMEM).problem("serve");
        assertTrue(short1.contains("CAP_IPC_LOCK or a memlock limit of at least 32 MiB"), short1);
    }

    @Test
    void sysAdminCountsAsBpfAsInBpfCapable() {
        assertTrue(Privileges.of(SYS_ADMIN, 0).has(Privileges.Cap.BPF));
        assertFalse(Privileges.of(SYS_ADMIN, 0).has(Privileges.Cap.NET_RAW));
    }

    @Test
    void afPacketNeedsOnlyRawUnlessItAttachesTcx() {
        assertNull(Privileges.of(NET_RAW, 0).afPacket("eth1", false).problem("serve"));
        String tcx = Privileges.of(NET_RAW, 0).afPacket("eth1", true).problem("serve --io af_packet");
        assertTrue(tcx.contains("lacks CAP_BPF, CAP_NET_ADMIN") && !tcx.contains("memlock"), tcx);
    }

    @Test
    void thisProcessIsReadFromProc() {
        // Whatever this JVM holds, the view is consistent with the kernel's mask.
        Privileges self = Privileges.ofThisProcess();
        assertTrue(self.has(Privileges.Cap.NET_RAW) == ((Privileges.capEff() & NET_RAW) != 0));
    }
}
