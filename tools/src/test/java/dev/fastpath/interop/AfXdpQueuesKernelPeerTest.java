package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.lab.Lab;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * AF_XDP on several queues: a lab whose veth ends have two RX and two TX queues, {@code serve --io af_xdp
 * --xdp-mode native --workers 2}: one socket per RX queue in one XSKMAP behind one program. In native mode
 * veth delivers a frame on the RX queue its sender's TX queue selection picked — for the kernel's TCP
 * sockets a per-flow choice (sk_tx_queue, from the flow hash) — so both sockets get traffic and every flow
 * stays on one worker.
 */
class AfXdpQueuesKernelPeerTest extends KernelPeerTestBase {
    @Override
    String io() {
        return "af_xdp";
    }

    @BeforeAll
    static void up() {
        upWithQueues(2);
    }

    @Test
    void twoQueuesTwoSocketsBothServe() throws Exception {
        try (Server s = new Server("echo", 7, null, "--workers", "2", "--cpus", "0-1", "--xdp-mode", "native")) {
            String out = python(50, KernelPeerTests.THOUSAND, Lab.IP_A, "1000");
            assertTrue(out.contains("OK 1000 FAILED 0"), out);
            s.stop();
            long w0 = s.counter(0, "TcpPassiveOpens");
            long w1 = s.counter(1, "TcpPassiveOpens");
            assertEquals(1000, w0 + w1, s.counters);
            assertTrue(w0 > 100 && w1 > 100, "both queues carry connections: " + w0 + " / " + w1);
            for (int w = 0; w < 2; w++) {
                assertTrue(s.counter(w, "FpRxFrames") >= 5 * s.counter(w, "TcpPassiveOpens"), s.counters);
                for (String c : new String[] {"FpNoSocketRst", "FpNoSocketDrop", "TcpOutRsts", "TcpInErrs"}) {
                    assertEquals(0, s.counter(w, c), "worker" + w + "." + c + "\n" + s.counters);
                }
            }
        }
    }

    @Test
    void twoQueuesSynCookiesAnsweredInXdpWithEachWorkersKeys() throws Exception {
        try (PeerXdp peer = new PeerXdp();
                Server s = new Server("echo", 7, null, "--workers", "2", "--cpus", "0-1", "--xdp-mode", "native",
                        "--set", "tcp.syncookies=2", "--set", "xdp.syn_cookies=1")) {
            String out = python(50, KernelPeerTests.THOUSAND, Lab.IP_A, "1000");
            assertTrue(out.contains("OK 1000 FAILED 0"), out);
            s.stop();
            assertEquals(1000, s.counter(0, "TcpPassiveOpens") + s.counter(1, "TcpPassiveOpens"), s.counters);
            for (int w = 0; w < 2; w++) {
                // each queue's answers carry its own worker's cookie keys: a cookie checked by the other worker fails
                assertTrue(s.counter(w, "FpXdpSynAcks") > 100, "worker" + w + " answered in XDP: " + s.counters);
                assertEquals(s.counter(w, "TcpPassiveOpens"), s.counter(w, "TcpExtSyncookiesRecv"), s.counters);
                assertEquals(0, s.counter(w, "TcpExtSyncookiesFailed"), s.counters);
                assertEquals(0, s.counter(w, "FpNoSocketRst"), s.counters);
            }
        }
    }
}
