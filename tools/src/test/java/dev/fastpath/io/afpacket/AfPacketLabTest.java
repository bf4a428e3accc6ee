package dev.fastpath.io.afpacket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastpath.io.LabFrames;
import dev.fastpath.io.LabPeer;
import dev.fastpath.lab.Child;
import dev.fastpath.lab.Lab;
import dev.fastpath.pcap.PcapReader;
import dev.fastpath.pcap.PcapRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * AfPacketIo on a real veth in the lab (namespaces fpA/fpB, 198.18.0.1 ↔ 198.18.0.2). Each side runs in a
 * child JVM started inside its namespace ({@link LabPeer}); the Linux kernel and tcpdump serve as
 * independent peers. Skipped, with the reason, when not root or when {@code ip netns} does not work.
 */
@Timeout(60)
class AfPacketLabTest {

    private static final int N = 1000;
    private static final long CHILD_MS = 20_000;
    private static final Pattern RECEIVED = Pattern.compile(
        "RECEIVED matched=(\\d+) mismatched=(\\d+) duplicates=(\\d+) other=(\\d+) perSocket=(.*)");
    private static Lab lab;

    @BeforeAll
    static void up() {
        Optional<String> why = Lab.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "lab tests skipped: " + why.orElse(""));
        lab = Lab.up();
    }

    @AfterAll
    static void down() {
        if (lab != null) {
            lab.close();
        }
    }

    private static Child peer(String ns, String label, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "afpacket";
        System.arraycopy(args, 0, all, 1, args.length);
        String[] cmd = Lab.javaCommand(System.getProperty("java.class.path"), LabPeer.class.getName(), all);
        return new Child(lab.spawn(ns, cmd), label);
    }

    private static String send(int n) throws InterruptedException {
        Child sender = peer(lab.nsA(), "sender", "send", Lab.IF_A, Integer.toString(n));
        assertEquals(0, sender.awaitExit(CHILD_MS), sender::output);
        System.out.println(sender.output());
        String sent = sender.awaitLine("SENT", 0).orElseThrow(() -> new AssertionError(sender.output()));
        assertTrue(sent.startsWith("SENT n=" + n + " inFlight=0"), sender::output);
        return sent;
    }

    @Test
    void thousandFramesArriveByteExactAtAnotherAfPacketSocket() throws InterruptedException {
        Child receiver = peer(lab.nsB(), "receiver", "recv", Lab.IF_B, Integer.toString(N), "15000");
        assertTrue(receiver.awaitLine("READY", CHILD_MS).isPresent(), receiver::output);
        send(N);
        assertEquals(0, receiver.awaitExit(CHILD_MS), receiver::output);
        System.out.println(receiver.output());
        Matcher m = received(receiver);
        assertEquals(N, Integer.parseInt(m.group(1)), receiver::output);
        assertEquals(0, Integer.parseInt(m.group(2)), "mismatched frames\n" + receiver.output());
        assertEquals(0, Integer.parseInt(m.group(3)), "duplicates\n" + receiver.output());
    }

    @Test
    void fanoutGroupOfTwoSocketsSeesEveryFrameOnce() throws InterruptedException {
        Child receiver = peer(lab.nsB(), "receiver", "recv", Lab.IF_B, Integer.toString(N), "15000", "2");
        assertTrue(receiver.awaitLine("READY", CHILD_MS).isPresent(), receiver::output);
        send(N);
        assertEquals(0, receiver.awaitExit(CHILD_MS), receiver::output);
        System.out.println(receiver.output());
        Matcher m = received(receiver);
        assertEquals(N, Integer.parseInt(m.group(1)), receiver::output);
        assertEquals(0, Integer.parseInt(m.group(3)), "a frame reached both sockets of the group\n"
            + receiver.output());
        String[] per = m.group(5).split(" ");
        assertEquals(N, Integer.parseInt(per[0]) + Integer.parseInt(per[1]), receiver::output);
    }

    @Test
    void thousandFramesCapturedByTcpdumpByteExact(@TempDir Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path pcap = dir.resolve("b.pcap");
        Child tcpdump = new Child(lab.spawn(lab.nsB(), "tcpdump", "-Z", "root", "-i", Lab.IF_B, "-U", "-s", "0",
            "-c", Integer.toString(N), "-w", pcap.toString(), "udp", "src", "port",
            Integer.toString(LabFrames.SRC_PORT)), "tcpdump");
        assertTrue(tcpdump.awaitLine("listening on", CHILD_MS).isPresent(), tcpdump::output);
        send(N);
        assertEquals(0, tcpdump.awaitExit(CHILD_MS), tcpdump::output);
        List<PcapRecord> records = PcapReader.read(pcap);
        assertEquals(N, records.size(), tcpdump::output);
        for (int i = 0; i < N; i++) {
            assertArrayEquals(LabFrames.udp(i), records.get(i).data(), "frame " + i);
        }
    }

    @Test
    void kernelTrafficFromBArrivesAndParses() throws InterruptedException {
        Child sniffer = peer(lab.nsA(), "sniffer", "sniff", Lab.IF_A, "15000", "5", "1");
        assertTrue(sniffer.awaitLine("READY", CHILD_MS).isPresent(), sniffer::output);
        // Earlier tests may have left A's address in B's neighbour cache; flushed, B must ask with ARP first.
        assertEquals(0, lab.run(lab.nsB(), 5, "ip", "neigh", "flush", "dev", Lab.IF_B).exitCode());
        Lab.Result py = lab.run(lab.nsB(), 15, "python3", "-c", KERNEL_PEER, Lab.IP_A);
        assertEquals(0, py.exitCode(), py.output());
        assertEquals(0, sniffer.awaitExit(CHILD_MS), sniffer::output);
        List<String> lines = sniffer.lines();
        assertTrue(lines.contains("DONE echos=5 syns=1"), sniffer::output);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FRAME kind=ARP drop=NONE")
            && l.contains("op=1 sender=c6120002 target=c6120001")), "ARP request from B\n" + sniffer.output());
        assertEquals(5, lines.stream().filter(l -> l.startsWith("FRAME kind=ICMP drop=NONE")
            && l.contains("type=8 src=c6120002 dst=c6120001")).count(), sniffer::output);
        // The kernel leaves TCP checksums to the "device" on veth: AF_PACKET flags it, the parser trusts the flag.
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FRAME kind=TCP drop=NONE")
            && l.contains("csumPartial=true") && l.contains("flags=2 ") && l.endsWith("dst=c6120001:7")),
            "SYN from B, flagged CHECKSUM_PARTIAL\n" + sniffer.output());
    }

    private static Matcher received(Child receiver) {
        String line = receiver.lines().stream().filter(l -> l.startsWith("RECEIVED")).findFirst()
            .orElseThrow(() -> new AssertionError(receiver.output()));
        Matcher m = RECEIVED.matcher(line);
        assertTrue(m.matches(), line);
        return m;
    }

    /** Five ICMP echo requests from a raw socket, then one TCP connect to port 7 (refused by A's kernel). */
    private static final String KERNEL_PEER = """
        import socket, struct, sys, time
        def csum(b):
            s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
            s = (s >> 16) + (s & 0xFFFF)
            s += s >> 16
            return ~s & 0xFFFF
        r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        for i in range(5):
            body = b"fastpath-lab-%03d" % i
            hdr = struct.pack("!BBHHH", 8, 0, 0, 0x4650, i)
            r.sendto(struct.pack("!BBHHH", 8, 0, csum(hdr + body), 0x4650, i) + body, (sys.argv[1], 0))
            time.sleep(0.05)
        try:
            socket.create_connection((sys.argv[1], 7), timeout=3).close()
        except OSError:
            pass
        """;
}
