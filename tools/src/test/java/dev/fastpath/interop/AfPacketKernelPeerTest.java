package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.lab.Lab;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link KernelPeerTests} on AF_PACKET (TPACKET_V3 rings; the kernel flags partial checksums), plus fanout. */
class AfPacketKernelPeerTest extends KernelPeerTests {
    @Override
    String io() {
        return "af_packet";
    }

    /**
     * Our own link goes down in the middle of an echo (issue 22): the kick of the TX ring is answered ENETDOWN
     * (tpacket_snd() refuses a device that is not up), counted and retried, never a worker error; once the link is
     * up again the retransmissions get through and every byte comes back.
     */
    @Test
    void ownLinkDownMidTransferIsCountedAndTheEchoCompletes() throws Exception {
        try (Server s = new Server("echo", 7, null)) {
            Thread flap = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(800);
                    lab.run(lab.nsA(), 5, "ip", "link", "set", Lab.IF_A, "down");
                    Thread.sleep(1500);
                    lab.run(lab.nsA(), 5, "ip", "link", "set", Lab.IF_A, "up");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            String out = python(60, TRICKLE_ECHO, Lab.IP_A);
            flap.join();
            assertTrue(out.contains("ECHO ok"), out);
            s.stop();
            assertTrue(!s.child.output().contains("Exception"), "a worker error:\n" + s.child.output());
            assertTrue(s.counters.matches("(?s).*txKickErrors=[1-9].*"), "no kick met the downed link:\n" + s.counters);
        }
    }

    /** 1 KB every 10 ms for 4 s through the echo, read back concurrently and compared. */
    static final String TRICKLE_ECHO = """
        import socket, sys, threading, hashlib, os, time
        data = os.urandom(400 * 1024)
        s = socket.create_connection((sys.argv[1], 7), timeout=20)
        def writer():
            for i in range(0, len(data), 1024):
                s.sendall(data[i:i + 1024]); time.sleep(0.01)
            s.shutdown(socket.SHUT_WR)
        t = threading.Thread(target=writer); t.start()
        got = hashlib.sha256(); total = 0
        while True:
            b = s.recv(65536)
            if not b: break
            got.update(b); total += len(b)
        t.join(30)
        ok = got.digest() == hashlib.sha256(data).digest() and total == len(data)
        print("ECHO", "ok" if ok else "MISMATCH", "bytes=%d" % total)
        """;

    /**
     * Two workers, one AF_PACKET socket each in a port-steered PACKET_FANOUT_CBPF group, pinned to CPUs 0 and
     * 1: the kernel spreads 1,000 connections over both (each flow stays on one worker, so each engine sees
     * whole connections), ARP answered by worker 0, learned by both through the shared table.
     */
    @Test
    void twoWorkersInAFanoutGroupShareTheConnections() throws Exception {
        try (Server s = new Server("echo", 7, null, "--workers", "2", "--cpus", "0-1", "--stats-interval", "0.5")) {
            String out = python(50, THOUSAND, Lab.IP_A, "1000");
            assertTrue(out.contains("OK 1000 FAILED 0"), out);
            String bulk = python(40, ECHO_BULK, Lab.IP_A, Integer.toString(4 * 1024 * 1024));
            assertTrue(bulk.contains("ECHO ok bytes=4194304"), bulk);
            s.stop();
            long w0 = s.counter(0, "TcpPassiveOpens");
            long w1 = s.counter(1, "TcpPassiveOpens");
            assertEquals(1001, w0 + w1, s.counters);
            assertTrue(w0 > 100 && w1 > 100, "both workers serve: " + w0 + " / " + w1);
            assertTrue(s.counters.contains("stats worker=1"), s.counters);
        }
    }

    /**
     * Port steering (PortSteering): 1,000 kernel connections over two workers, and each worker's own capture
     * (RX and TX) holds only segments of flows the steering function gives to it — no segment reached the
     * other worker, so nothing was answered with a reset or dropped for want of a socket.
     */
    @Test
    void portSteeredWorkersSeeOnlyTheirOwnFlows(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("steer.pcap");
        try (Server s = new Server("echo", 7, pcap, "--workers", "2", "--cpus", "0-1")) {
            String out = python(50, THOUSAND, Lab.IP_A, "1000");
            assertTrue(out.contains("OK 1000 FAILED 0"), out);
            s.stop();
            long w0 = s.counter(0, "TcpPassiveOpens");
            long w1 = s.counter(1, "TcpPassiveOpens");
            assertEquals(1000, w0 + w1, s.counters);
            assertTrue(w0 > 350 && w1 > 350, "both workers serve: " + w0 + " / " + w1);
            for (int w = 0; w < 2; w++) {
                for (String c : new String[] {"FpNoSocketRst", "FpNoSocketDrop", "TcpOutRsts", "TcpInErrs"}) {
                    assertEquals(0, s.counter(w, c), "worker" + w + "." + c + "\n" + s.counters);
                }
                int frames = tcpFramesSteeredTo(w == 0 ? pcap : Path.of(pcap + "." + w), w, 2);
                assertTrue(frames >= 10 * s.counter(w, "TcpPassiveOpens"), "worker " + w + ": " + frames);
            }
        }
    }
}
