package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.lab.Lab;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link KernelPeerTests} on AF_PACKET with TPACKET_V2 rings ({@code serve --tpacket 2}): frames handed over one
 * by one instead of in blocks; the same handshakes, 10 MB echo, teardowns and SYN cookies against the kernel.
 */
class AfPacketV2KernelPeerTest extends KernelPeerTests {
    @Override
    String io() {
        return "af_packet";
    }

    @Override
    List<String> serveOptions() {
        return List.of("--tpacket", "2");
    }

    @Test
    void theRingsAreVersionTwo() throws Exception {
        try (Server s = new Server("echo", 7, null)) {
            String out = python(20, PING_AND_CONNECT, Lab.IP_A);
            assertTrue(out.contains("CONNECTED"), out);
            s.stop();
            assertTrue(s.counters.contains("afpacket Stats[tpacketVersion=2,"), s.counters);
        }
    }
}
