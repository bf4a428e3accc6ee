package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.lab.Lab;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link KernelPeerTests} on AF_PACKET with TPACKET_V2 rings ({@code serve --tpacket 2}): frames handed over one
 * by one instead of in blocks; the same handshakes, 10 MB echo, teardowns and SYN cookies against the kernel.
 * Here namespace A's kernel keeps the stack's address on the interface and {@code --kernel-ingress drop} keeps it
 * quiet: were the frames to reach it, it would answer the client's SYNs with RSTs (no listener of its own), the
 * pings and the ARP requests, and every test below would see them.
 */
class AfPacketV2KernelPeerTest extends KernelPeerTests {

    @BeforeAll
    static void up() {
        upWithQueues(1);
        Lab.Result r = lab.run(lab.nsA(), 5, "ip", "addr", "add", Lab.IP_A + "/24", "dev", Lab.IF_A);
        assertEquals(0, r.exitCode(), r.output());
    }

    @Override
    String io() {
        return "af_packet";
    }

    @Override
    List<String> serveOptions() {
        return List.of("--tpacket", "2", "--kernel-ingress", "drop");
    }

    @Test
    void theRingsAreVersionTwo() throws Exception {
        try (Server s = new Server("echo", 7, null)) {
            String out = python(20, PING_AND_CONNECT, Lab.IP_A);
            assertTrue(out.contains("CONNECTED"), out);
            s.stop();
            assertTrue(s.counters.contains("afpacket Stats[tpacketVersion=2,"), s.counters);
        }
        Lab.Result addr = lab.run(lab.nsA(), 5, "ip", "-4", "addr", "show", "dev", Lab.IF_A);
        assertTrue(addr.output().contains(Lab.IP_A), "the kernel kept its address: " + addr.output());
    }
}
