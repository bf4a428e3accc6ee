package dev.fastpath.io.xdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * AfXdpIo on a real veth in the lab (copy mode, program in SKB mode), against AfPacketIo, tcpdump and the
 * Linux kernel as peers; each side a child JVM inside its namespace ({@link LabPeer}). Skipped, with the
 * reason, when not root or when {@code ip netns} does not work.
 */
@Timeout(60)
class AfXdpLabTest {

    private static final int N = 1000;
    private static final long CHILD_MS = 20_000;
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
        String[] cmd = Lab.javaCommand(System.getProperty("java.class.path"), LabPeer.class.getName(), args);
        return new Child(lab.spawn(ns, cmd), label);
    }

    private static void send(String backend, int n) throws InterruptedException {
        Child sender = peer(lab.nsA(), "sender", backend, "send", Lab.IF_A, Integer.toString(n));
        assertEquals(0, sender.awaitExit(CHILD_MS), sender::output);
        System.out.println(sender.output());
        String sent = sender.awaitLine("SENT", 0).orElseThrow(() -> new AssertionError(sender.output()));
        assertTrue(sent.startsWith("SENT n=" + n + " inFlight=0"), sender::output);
        if (backend.equals("xdp")) {
            assertTrue(sender.lines().contains("XDP zeroCopy=false"), "veth has copy mode only\n" + sender.output());
            // Copy mode charges every in-flight TX skb to the send buffer: it must hold all TX frames at full
            // length (2 chunk sizes each), not the default 208 KiB (~270 skbs). The kernel reports twice the value.
            AfXdpConfig c = AfXdpConfig.defaults();
            assertTrue(sender.lines().contains("XDP sndbuf=" + 2L * 2 * c.txFrames() * c.frameSize()),
                sender::output);
        }
    }

    private static void assertAllReceived(Child receiver) {
        String line = receiver.lines().stream().filter(l -> l.startsWith("RECEIVED")).findFirst()
            .orElseThrow(() -> new AssertionError(receiver.output()));
        assertTrue(line.startsWith("RECEIVED matched=" + N + " mismatched=0 duplicates=0 "), receiver::output);
    }

    private static boolean xdpAttached() {
        return lab.run(lab.nsA(), 5, "ip", "link", "show", Lab.IF_A).output().contains("xdp");
    }

    @Test
    void xdpReceivesThousandFramesByteExact() throws InterruptedException {
        Child receiver = peer(lab.nsB(), "receiver", "xdp", "recv", Lab.IF_B, Integer.toString(N), "15000");
        assertTrue(receiver.awaitLine("READY", CHILD_MS).isPresent(), receiver::output);
        send("afpacket", N);
        assertEquals(0, receiver.awaitExit(CHILD_MS), receiver::output);
        System.out.println(receiver.output());
        assertAllReceived(receiver);
    }

    @Test
    void xdpSendsThousandFramesByteExactToAfPacket() throws InterruptedException {
        Child receiver = peer(lab.nsB(), "receiver", "afpacket", "recv", Lab.IF_B, Integer.toString(N), "15000");
        assertTrue(receiver.awaitLine("READY", CHILD_MS).isPresent(), receiver::output);
        send("xdp", N);
        assertEquals(0, receiver.awaitExit(CHILD_MS), receiver::output);
        System.out.println(receiver.output());
        assertAllReceived(receiver);
        assertFalse(xdpAttached(), "the program stays attached after the sender closed");
    }

    @Test
    void xdpSendsThousandFramesByteExactToTcpdump(@TempDir Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path pcap = dir.resolve("b.pcap");
        Child tcpdump = new Child(lab.spawn(lab.nsB(), "tcpdump", "-Z", "root", "-i", Lab.IF_B, "-U", "-s", "0",
            "-c", Integer.toString(N), "-w", pcap.toString(), "udp", "src", "port",
            Integer.toString(LabFrames.SRC_PORT)), "tcpdump");
        assertTrue(tcpdump.awaitLine("listening on", CHILD_MS).isPresent(), tcpdump::output);
        send("xdp", N);
        assertEquals(0, tcpdump.awaitExit(CHILD_MS), tcpdump::output);
        List<PcapRecord> records = PcapReader.read(pcap);
        assertEquals(N, records.size(), tcpdump::output);
        for (int i = 0; i < N; i++) {
            assertArrayEquals(LabFrames.udp(i), records.get(i).data(), "frame " + i);
        }
    }

    @Test
    void kernelTrafficIsRedirectedToXdpAndParses() throws InterruptedException {
        Child sniffer = peer(lab.nsA(), "sniffer", "xdp", "sniff", Lab.IF_A, "15000", "5", "1");
        assertTrue(sniffer.awaitLine("READY", CHILD_MS).isPresent(), sniffer::output);
        assertTrue(xdpAttached(), "program attached while the socket is open");
        Lab.Result py = lab.run(lab.nsB(), 15, "python3", "-c", KERNEL_PEER, Lab.IP_A, Lab.IF_B);
        assertEquals(0, py.exitCode(), py.output());
        assertEquals(0, sniffer.awaitExit(CHILD_MS), sniffer::output);
        List<String> lines = sniffer.lines();
        assertTrue(lines.contains("DONE echos=5 syns=1"), sniffer::output);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FRAME kind=ARP drop=NONE")
            && l.contains("op=1 sender=c6120002 target=c6120001")), "ARP request from B\n" + sniffer.output());
        assertEquals(5, lines.stream().filter(l -> l.startsWith("FRAME kind=ICMP drop=NONE")
            && l.contains("type=8 src=c6120002 dst=c6120001")).count(), sniffer::output);
        // No flag from AF_XDP; the unfinished checksum of the kernel's SYN passes ACCEPT_PARTIAL.
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FRAME kind=TCP drop=NONE")
            && l.contains("csumPartial=false") && l.contains("flags=2 ") && l.endsWith("dst=c6120001:7")),
            "SYN from B\n" + sniffer.output());
        assertFalse(xdpAttached(), "closing the socket's link detaches the program");
    }

    /**
     * With A's address unresolved, a datagram makes B's kernel ask by ARP (XDP steals the request, so no answer
     * comes); then a static neighbour lets five ICMP echo requests and one SYN out. Nothing waits for replies.
     */
    private static final String KERNEL_PEER = """
        import socket, struct, subprocess, sys, time
        a, dev = sys.argv[1], sys.argv[2]
        subprocess.run(["ip", "neigh", "flush", "dev", dev], check=True)
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"who-has", (a, 9))
        time.sleep(0.3)
        subprocess.run(["ip", "neigh", "replace", a, "lladdr", "02:00:c6:12:00:01", "dev", dev,
                        "nud", "permanent"], check=True)
        def csum(b):
            s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
            s = (s >> 16) + (s & 0xFFFF)
            s += s >> 16
            return ~s & 0xFFFF
        r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        for i in range(5):
            body = b"fastpath-xdp-%03d" % i
            hdr = struct.pack("!BBHHH", 8, 0, 0, 0x4650, i)
            r.sendto(struct.pack("!BBHHH", 8, 0, csum(hdr + body), 0x4650, i) + body, (a, 0))
            time.sleep(0.05)
        t = socket.socket()
        t.setblocking(False)
        t.connect_ex((a, 7))
        time.sleep(0.3)
        t.close()
        subprocess.run(["ip", "neigh", "del", a, "dev", dev], check=False)
        """;
}
