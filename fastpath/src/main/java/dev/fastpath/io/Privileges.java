package dev.fastpath.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Linux capabilities a backend needs, checked before anything is opened, so a command run without them says
 * which ones it needs instead of printing the kernel's EPERM from somewhere inside (and trying a fallback that
 * fails the same way). Measured on Linux 6.18 as an unprivileged user given only these (setpriv): AF_XDP needs
 * CAP_NET_RAW (the socket), CAP_BPF (the XDP program and its maps; CAP_SYS_ADMIN also counts, as bpf_capable()
 * says), CAP_NET_ADMIN (attaching the program to the interface), and CAP_IPC_LOCK or a memlock limit above the
 * UMEM (xdp_umem_reg pins it: ENOBUFS otherwise). AF_PACKET needs CAP_NET_RAW, plus CAP_BPF and CAP_NET_ADMIN for
 * the tcx program of {@code --kernel-ingress drop}. CAP_PERFMON is needed only by the flood's live-frames
 * program: without it the verifier also walks speculative paths and refuses that program (E2BIG).
 */
public final class Privileges {

    /** The capabilities that matter here, with their bit in the kernel's masks (linux/capability.h). */
    public enum Cap {
        /** Interface configuration: attaching XDP and tcx programs. */
        NET_ADMIN(12),
        /** AF_XDP and AF_PACKET sockets. */
        NET_RAW(13),
        /** Pinning memory beyond RLIMIT_MEMLOCK: the UMEM. */
        IPC_LOCK(14),
        /** Counts as CAP_BPF (and everything else). */
        SYS_ADMIN(21),
        /** With CAP_BPF: the verifier's full limits and no speculative-path checks (bigger programs load). */
        PERFMON(38),
        /** Loading BPF programs and creating maps. */
        BPF(39);

        private final int bit;

        Cap(int bit) {
            this.bit = bit;
        }

        /** @return the capability's number */
        public int bit() {
            return bit;
        }

        /** @return its name as capabilities(7) writes it */
        public String capName() {
            return "CAP_" + name();
        }
    }

    private final long effective;
    private final long memlockBytes;
    private final Map<Cap, String> needs = new LinkedHashMap<>();
    private long pinnedBytes;

    private Privileges(long effective, long memlockBytes) {
        this.effective = effective;
        this.memlockBytes = memlockBytes;
    }

    /** @return this process's effective capabilities and memlock limit, from /proc/self */
    public static Privileges ofThisProcess() {
        return new Privileges(capEff(), memlockLimit());
    }

    /**
     * For tests and other processes' views.
     *
     * @param effective    the CapEff mask
     * @param memlockBytes RLIMIT_MEMLOCK's soft limit, or -1 for unlimited
     * @return the view
     */
    public static Privileges of(long effective, long memlockBytes) {
        return new Privileges(effective, memlockBytes);
    }

    /**
     * @param cap a capability
     * @return whether it is in the effective set (CAP_BPF also through CAP_SYS_ADMIN)
     */
    public boolean has(Cap cap) {
        boolean own = (effective >>> cap.bit() & 1) != 0;
        return own || cap == Cap.BPF && (effective >>> Cap.SYS_ADMIN.bit() & 1) != 0;
    }

    /**
     * What AF_XDP on one interface needs.
     *
     * @param iface      the interface
     * @param umemBytes  the memory all its sockets pin
     * @return this, for chaining
     */
    public Privileges afXdp(String iface, long umemBytes) {
        needs.putIfAbsent(Cap.NET_RAW, "AF_XDP sockets");
        needs.putIfAbsent(Cap.BPF, "the XDP program and its maps");
        needs.putIfAbsent(Cap.NET_ADMIN, "attaching XDP to " + iface);
        pinnedBytes += umemBytes;
        return this;
    }

    /**
     * One more need.
     *
     * @param cap the capability
     * @param why what it is for, for the message
     * @return this, for chaining
     */
    public Privileges need(Cap cap, String why) {
        needs.putIfAbsent(cap, why);
        return this;
    }

    /**
     * What AF_PACKET needs.
     *
     * @param iface   the interface
     * @param withTcx whether a tcx program is attached too (--kernel-ingress drop)
     * @return this, for chaining
     */
    public Privileges afPacket(String iface, boolean withTcx) {
        needs.putIfAbsent(Cap.NET_RAW, "AF_PACKET sockets");
        if (withTcx) {
            needs.putIfAbsent(Cap.BPF, "the tcx program of --kernel-ingress drop");
            needs.putIfAbsent(Cap.NET_ADMIN, "attaching it to " + iface);
        }
        return this;
    }

    /**
     * @param command the command, for the message (e.g. {@code serve --io af_xdp})
     * @return null when everything needed is there; else one line naming what is needed, what is missing and
     *         how to grant it
     */
    public String problem(String command) {
        List<String> missing = new ArrayList<>();
        for (Cap c : needs.keySet()) {
            if (!has(c)) {
                missing.add(c.capName());
            }
        }
        boolean memlockShort = pinnedBytes > 0 && !has(Cap.IPC_LOCK) && memlockBytes >= 0
                && memlockBytes < pinnedBytes;
        if (missing.isEmpty() && !memlockShort) {
            return null;
        }
        StringBuilder b = new StringBuilder(command).append(" needs ");
        needs.forEach((c, why) -> b.append(c.capName()).append(" (").append(why).append("), "));
        if (pinnedBytes > 0) {
            b.append("and CAP_IPC_LOCK or a memlock limit of at least ").append(mib(pinnedBytes))
                    .append(" (the UMEM it pins)");
        } else {
            b.setLength(b.length() - 2);
        }
        b.append("; this process lacks ");
        if (memlockShort) {
            missing.add("CAP_IPC_LOCK (memlock limit " + mib(memlockBytes) + ")");
        }
        b.append(String.join(", ", missing));
        return b.append(". Run as root, or grant exactly these: setpriv --ambient-caps, systemd AmbientCapabilities= "
                + "(README, Operations)").toString();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%d MiB", (bytes + (1 << 20) - 1) >> 20);
    }

    /** The CapEff line of /proc/self/status; all bits set when it cannot be read (then the kernel decides). */
    static long capEff() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring(7).strip(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through: no view, no verdict
        }
        return -1L;
    }

    /** RLIMIT_MEMLOCK's soft limit from /proc/self/limits, -1 when unlimited or unreadable. */
    static long memlockLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max locked memory")) {
                    String soft = line.substring("Max locked memory".length()).strip().split("\\s+")[0];
                    return soft.equals("unlimited") ? -1 : Long.parseLong(soft);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return -1;
    }
}
