package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastpath.lab.Child;
import dev.fastpath.io.afpacket.PortSteering;
import dev.fastpath.lab.Lab;
import dev.fastpath.pcap.PcapReader;
import dev.fastpath.pcap.PcapRecord;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Shared machinery of the interop tests: a lab whose namespace A runs {@code fastpath serve} (a child JVM on
 * veth-a, 198.18.0.1/24) and whose namespace B holds the Linux kernel as the peer, driven by python3 socket
 * clients or curl through {@code ip netns exec}. Skipped, with the reason, when not root, without
 * {@code ip netns}, or without ethtool.
 *
 * <p>Set-up of the lab for a userspace stack: A's kernel loses its address on veth-a (otherwise, on
 * AF_PACKET, it would answer ARP and reset every connection the stack accepts), and B's veth stops building
 * TSO/GSO super-segments (a 64 KB "frame" does not fit a ring frame; a real NIC would segment it).
 */
abstract class KernelPeerTestBase {
    static final long READY_MS = 20_000;
    static Lab lab;

    /** @return {@code af_packet} or {@code af_xdp} */
    abstract String io();

    /** @return options every {@code serve} of the subclass gets (e.g. a ring version) */
    List<String> serveOptions() {
        return List.of();
    }

    @BeforeAll
    static void up() {
        upWithQueues(1);
    }

    /** The lab with {@code queues} RX/TX queues per veth end; a subclass's own {@code up()} may call it. */
    static void upWithQueues(int queues) {
        Optional<String> why = Lab.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "interop tests skipped: " + why.orElse(""));
        Lab.Result ethtool = Lab.exec(List.of("sh", "-c", "command -v ethtool"), 5);
        assumeTrue(ethtool.exitCode() == 0, "interop tests skipped: ethtool is missing (apt-get install ethtool)");
        lab = Lab.upWithQueues(queues);
        check(lab.run(lab.nsA(), 5, "ip", "addr", "flush", "dev", Lab.IF_A));
        check(lab.run(lab.nsB(), 5, "ethtool", "-K", Lab.IF_B, "tso", "off", "gso", "off"));
    }

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.close();
            lab = null;
        }
    }

    private static void check(Lab.Result r) {
        assertEquals(0, r.exitCode(), r.output());
    }

    /**
     * An XDP program on B's veth end that passes every frame to B's kernel ({@link XdpPassHolder}), as a NIC's
     * driver would run one: veth then delivers what A's program sends with XDP_TX.
     */
    static final class PeerXdp implements AutoCloseable {
        private final Process process;

        PeerXdp() throws InterruptedException {
            process = lab.spawn(lab.nsB(), Lab.javaCommand(System.getProperty("java.class.path"),
                    XdpPassHolder.class.getName(), Lab.IF_B));
            Child c = new Child(process, "xdp-pass-b");
            assertTrue(c.awaitLine("ready", READY_MS).isPresent(), c::output);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor();
        }
    }

    /** A running {@code serve} child. */
    final class Server implements AutoCloseable {
        final Process process;
        final Child child;
        String counters = "";

        Server(String app, int port, Path pcap, String... extra) throws InterruptedException {
            List<String> args = new ArrayList<>(List.of("serve", "--io", io(), "--iface", Lab.IF_A, "--ip",
                    Lab.IP_A + "/24", "--port", Integer.toString(port), "--app", app));
            if (pcap != null) {
                args.add("--pcap");
                args.add(pcap.toString());
            }
            args.addAll(serveOptions());
            args.addAll(List.of(extra));
            String[] cmd = Lab.javaCommand(System.getProperty("java.class.path"), "dev.fastpath.cli.Main",
                    args.toArray(String[]::new));
            // Earlier tests leave A's MAC in B's cache; flushed, B asks with ARP and the stack must answer.
            lab.run(lab.nsB(), 5, "ip", "neigh", "flush", "dev", Lab.IF_B);
            process = lab.spawn(lab.nsA(), cmd);
            child = new Child(process, "serve-" + io() + "-" + app);
            Optional<String> ready = child.awaitLine("ready", READY_MS);
            assertTrue(ready.isPresent(), child::output);
            assertEquals("ready", ready.get(), child::output);
        }

        /** SIGTERM, then the counters it prints on the way out. */
        String stop() throws InterruptedException {
            return stop(false);
        }

        /** SIGINT (Ctrl-C) or SIGTERM, then the counters it prints on the way out. */
        String stop(boolean sigint) throws InterruptedException {
            if (sigint) {
                Lab.Result r = Lab.exec(List.of("kill", "-INT", Long.toString(process.pid())), 5);
                assertEquals(0, r.exitCode(), r.output());
            } else {
                process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
            }
            assertTrue(child.awaitLine("stopped", 15_000).isPresent(), child::output);
            child.awaitExit(10_000);
            counters = String.join("\n", child.lines());
            System.out.println(child.output());
            return counters;
        }

        long counter(String name) {
            return counter(0, name);
        }

        long counter(int worker, String name) {
            return Counters.of(counters, worker, name);
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                stop();
            }
        }
    }

    /** Runs a python3 client in namespace B; its exit code must be 0; returns its output. */
    static String python(long timeoutSeconds, String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", script));
        cmd.addAll(List.of(args));
        Lab.Result r = lab.run(lab.nsB(), timeoutSeconds, cmd.toArray(String[]::new));
        System.out.println("python said:\n" + r.output());
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }

    /** What the stack sent, from its own capture: every frame must parse with checksums verified. */
    record Sent(int frames, int fins, int rsts, int synAcks) {
    }

    static Sent sentByStack(Path pcap) throws Exception {
        FrameParser strict = new FrameParser(ChecksumPolicy.STRICT);
        ParsedFrame f = new ParsedFrame();
        int frames = 0;
        int fins = 0;
        int rsts = 0;
        int synAcks = 0;
        for (PcapRecord r : PcapReader.read(pcap)) {
            MemorySegment seg = MemorySegment.ofArray(r.data());
            long srcMac = (seg.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(
                    java.nio.ByteOrder.BIG_ENDIAN), 6) & 0xFFFFFFFFL) << 16
                    | (seg.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(
                            java.nio.ByteOrder.BIG_ENDIAN), 10) & 0xFFFF);
            if (srcMac != Lab.MAC_A) {
                continue;
            }
            frames++;
            DropReason d = strict.parse(seg, 0, r.data().length, 0, f);
            assertEquals(DropReason.NONE, d, "a frame the stack sent does not verify: " + f);
            if (f.kind() == ParsedFrame.Kind.TCP) {
                fins += (f.flags() & TcpHeader.FIN) != 0 ? 1 : 0;
                rsts += (f.flags() & TcpHeader.RST) != 0 ? 1 : 0;
                synAcks += (f.flags() & (TcpHeader.SYN | TcpHeader.ACK)) == (TcpHeader.SYN | TcpHeader.ACK) ? 1 : 0;
            }
        }
        return new Sent(frames, fins, rsts, synAcks);
    }

    /**
     * Checks a worker's capture (RX and TX) against the port steering: every TCP frame in it must belong to a
     * flow that {@code PortSteering.workerOf} gives to that worker.
     *
     * @return how many TCP frames the capture holds
     */
    static int tcpFramesSteeredTo(Path pcap, int worker, int workers) throws Exception {
        FrameParser parser = new FrameParser(ChecksumPolicy.TRUST_FLAG);
        ParsedFrame f = new ParsedFrame();
        int tcp = 0;
        for (PcapRecord r : PcapReader.read(pcap)) {
            MemorySegment seg = MemorySegment.ofArray(r.data());
            if (parser.parse(seg, 0, r.data().length, dev.fastpath.io.PacketIo.RX_CSUM_PARTIAL, f) != DropReason.NONE
                    || f.kind() != ParsedFrame.Kind.TCP) {
                continue;
            }
            tcp++;
            assertEquals(worker, PortSteering.workerOf(f.srcPort(), f.dstPort(), workers),
                    "worker " + worker + " saw a segment of another worker's flow: " + f);
        }
        return tcp;
    }
}
