package dev.fastpath.bench.e2e;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where the kernel does each side's receive work in the lab. veth has no interrupt: a frame's receive work (veth's
 * NAPI poll: the XDP program, the copy into an AF_XDP socket, the kernel's TCP/IP) runs on a core of the kernel's
 * choosing unless it is placed. On a NIC it runs on the core that takes the queue's interrupt — the victim's — so
 * a comparison is fair only when every victim pays for its own receive work on its own core, and the generator for
 * its own on its core.
 */
enum Placement {
    /**
     * The headline: veth-b's NAPI (the victim's receive work) threaded and pinned to the victim's core, for every
     * victim; veth-a's NAPI (the generator's receive of the answers) threaded and pinned to the generator's core, with
     * interrupt deferral ({@code napi_defer_hard_irqs}, {@code gro_flush_timeout}) so the generator polls its queue
     * on a timer of its own while answers flow. Without the deferral every answer the victim sent found the
     * generator's NAPI asleep and woke it on the other core — an inter-processor interrupt per SYN-ACK, paid by the
     * victim: 38 % of a kernel victim's core (perf), 170-230 k SYN-ACK/s instead of 310-520 k. A NIC's transmit
     * costs the sender a doorbell, not the receiver's wake-up.
     */
    FAIR("fair", "every victim's receive work (veth NAPI, threaded) on the victim's core, the generator's on its own"),
    /**
     * veth-b's NAPI not threaded: it runs in the softirq of the core that schedules it — with live frames the
     * generator's, so the victim's receive work is billed to the generator's core (an XDP victim then answers in
     * the generator's softirq). Not a fair comparison; kept to show the difference.
     */
    SOFTIRQ("softirq", "the victim's receive work (veth NAPI, not threaded) in the generator's softirq on its core"),
    /** Neither side's NAPI placed: wherever the kernel schedules it (it moves from run to run). */
    FREE("free", "receive work where the kernel schedules it (not placed)");

    private final String name;
    private final String description;

    Placement(String name, String description) {
        this.name = name;
        this.description = description;
    }

    /** @return the option's spelling */
    String label() {
        return name;
    }

    /** @return one line for reports */
    String description() {
        return description;
    }

    /** @return whether veth-b's NAPI runs threaded on the victim's core */
    boolean victimNapiPinned() {
        return this == FAIR;
    }

    /** @return whether veth-a's NAPI runs threaded on the generator's core, with interrupt deferral */
    boolean generatorNapiPinned() {
        return this != FREE;
    }

    /**
     * @param label fair, softirq or free
     * @return the placement
     * @throws IllegalArgumentException for another word
     */
    static Placement of(String label) {
        return Arrays.stream(values()).filter(p -> p.name.equals(label.toLowerCase(Locale.ROOT))).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("unknown placement '" + label + "'; known: fair, "
                + "softirq, free"));
    }
}
