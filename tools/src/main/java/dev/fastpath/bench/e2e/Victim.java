package dev.fastpath.bench.e2e;

import java.util.List;

/**
 * One server the harness floods: the Linux kernel with a given {@code tcp_syncookies}, or Fastpath's
 * {@code serve} on a given backend.
 *
 * @param name       short name used in files and tables
 * @param kernel     whether the kernel's own stack serves (a python3 listener that accepts and closes)
 * @param syncookies {@code net.ipv4.tcp_syncookies} in the victim's namespace (kernel victims), or the stack's
 *                   {@code tcp.syncookies} (set in {@code options})
 * @param io         Fastpath's backend ({@code af_xdp} or {@code af_packet}); null for the kernel
 * @param options    further {@code serve} options of this victim (e.g. the TPACKET version)
 */
record Victim(String name, boolean kernel, int syncookies, String io, List<String> options) {

    Victim(String name, boolean kernel, int syncookies, String io) {
        this(name, kernel, syncookies, io, List.of());
    }

    /** Every victim the harness knows, in the order it measures them. */
    static final List<Victim> ALL = List.of(
        new Victim("kernel-syncookies2", true, 2, null),
        new Victim("kernel-syncookies1", true, 1, null),
        // Idles by sleeping (50 µs): the NAPI thread that fills its ring shares its core (VictimRunner.pinNapi),
        // and with backoff's yields the two took turns frame by frame (one sendto per SYN-ACK, 11 % of the core
        // in sched_yield; 283 k SYN-ACK/s at 600 k offered); sleeping lets NAPI fill a batch per turn (17 frames
        // per sendto at 100 µs; 474 k; 50 µs and 8192 TX frames: 593-603 k at 620 k offered).
        // SYNs are answered in XDP (xdp.syn_cookies=1: the generator's end of the veth runs an XDP program, so veth
        // delivers the XDP_TX frames); fastpath-af_xdp-engine below is the same victim answering in the engine.
        // Every Fastpath victim answers with cookies from the first SYN, as kernel-syncookies2 does (tcp.syncookies=2):
        // the ratios are against that kernel. With 1 the engine filled its SYN queue again whenever it drained (6 %
        // of the flood taken by the engine instead of XDP, and SYN-ACK retransmissions on top).
        // And with tcp.timestamps=2, as the kernel victims' namespace has (VictimRunner.prepare): TSval without the
        // per-pair secret offset, so neither side computes one (a SipHash per SYN) and the generator sees the
        // cookie's option bits in every TSval.
        new Victim("fastpath-af_xdp", false, 2, "af_xdp", List.of("--idle", "sleeping", "--set",
            "xdp.syn_cookies=1", "--set", "tcp.syncookies=2", "--set", "tcp.timestamps=2")),
        new Victim("fastpath-af_packet", false, 2, "af_packet", List.of("--kernel-ingress", "drop", "--set",
            "tcp.syncookies=2", "--set", "tcp.timestamps=2")),
        new Victim("fastpath-af_packet-v2", false, 2, "af_packet",
            List.of("--tpacket", "2", "--kernel-ingress", "drop", "--set", "tcp.syncookies=2", "--set",
                "tcp.timestamps=2")),
        new Victim("fastpath-af_xdp-engine", false, 2, "af_xdp", List.of("--idle", "sleeping", "--set",
            "xdp.syn_cookies=0", "--set", "tcp.syncookies=2", "--set", "tcp.timestamps=2")));

    /**
     * @return the SYN-ACK rate this victim must reach, times the kernel's: 1.0 for the AF_XDP engine path (issue 18:
     *         at least the kernel's equal on the same core), 2.5 for the others (issue 7)
     */
    double goalRatio() {
        return name.endsWith("-engine") ? 1.0 : Goal.RATIO;
    }

    /**
     * @param value {@code tcp_syncookies} for this victim instead
     * @return the same victim with it (a Fastpath victim's {@code --set tcp.syncookies=N} replaced)
     */
    Victim withSyncookies(int value) {
        List<String> opts = new java.util.ArrayList<>(options);
        int at = opts.indexOf("tcp.syncookies=" + syncookies);
        if (!kernel && at > 0 && opts.get(at - 1).equals("--set")) {
            opts.set(at, "tcp.syncookies=" + value);
        }
        return new Victim(name, kernel, value, io, List.copyOf(opts));
    }

    /** @return a one-line description for reports */
    String describe() {
        return kernel ? "Linux kernel listener, tcp_syncookies=" + syncookies
            : "Fastpath serve --io " + io + (options.isEmpty() ? "" : " " + String.join(" ", options));
    }

    /**
     * The victims named in a comma-separated list (or all for {@code all}).
     *
     * @param list e.g. {@code kernel-syncookies2,fastpath-af_xdp}
     * @return the victims, in the harness's order
     */
    static List<Victim> select(String list) {
        if (list.equals("all")) {
            return ALL;
        }
        List<String> names = List.of(list.split(","));
        for (String n : names) {
            if (ALL.stream().noneMatch(v -> v.name.equals(n.strip()))) {
                throw new IllegalArgumentException("unknown victim '" + n + "'; known: "
                    + ALL.stream().map(Victim::name).toList());
            }
        }
        return ALL.stream().filter(v -> names.stream().anyMatch(n -> n.strip().equals(v.name))).toList();
    }
}
