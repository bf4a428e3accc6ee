package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.lab.Lab;
import org.junit.jupiter.api.Test;

/** {@link KernelPeerTests} on AF_PACKET (TPACKET_V3 rings; the kernel flags partial checksums), plus fanout. */
class AfPacketKernelPeerTest extends KernelPeerTests {
    @Override
    String io() {
        return "af_packet";
    }

    /**
     * Two workers, one AF_PACKET socket each in a PACKET_FANOUT_HASH group, pinned to CPUs 0 and 1: the
     * kernel spreads 1,000 connections over both (each flow stays on one worker, so each engine sees whole
     * connections), ARP answered by whichever worker gets it, learned by both through the shared table.
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
}
