package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StackClientKernelServerTest} on AF_PACKET, plus two port-steered client workers. */
class AfPacketStackClientKernelServerTest extends StackClientKernelServerTest {
    @Override
    String io() {
        return "af_packet";
    }

    /**
     * {@code connect --workers 2}: each worker opens 50 connections with local ports its own filter accepts
     * (TcpEngine.localPortFilter), so the kernel server's replies come back to the worker that connected:
     * every TCP frame in each worker's capture belongs to its own flows, and no segment was dropped for want
     * of a socket or answered with a reset.
     */
    @Test
    void twoWorkersConnectAndTheRepliesComeBackToEach(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("client.pcap");
        try (Kernel k = new Kernel("echo", 100, 0)) {
            Run r = connect(pcap, "--connections", "100", "--send-bytes", "1000", "--workers", "2");
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("workers=2 verdict ok"), r.output());
            for (int w = 0; w < 2; w++) {
                assertEquals(50, counter(r, w, "TcpActiveOpens"), r.output());
                for (String c : new String[] {"FpNoSocketRst", "FpNoSocketDrop", "TcpOutRsts", "TcpInErrs"}) {
                    assertEquals(0, counter(r, w, c), "worker" + w + "." + c + "\n" + r.output());
                }
                int frames = tcpFramesSteeredTo(w == 0 ? pcap : Path.of(pcap + "." + w), w, 2);
                assertTrue(frames >= 50 * 8, "worker " + w + ": " + frames);
            }
        }
    }

    private static long counter(Run r, int worker, String name) {
        return Counters.of(r.output(), worker, name);
    }
}
