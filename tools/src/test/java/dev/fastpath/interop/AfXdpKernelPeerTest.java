package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link KernelPeerTests} on AF_XDP (copy mode on veth; partial checksums arrive unflagged), and SYN cookies
 * answered by the XDP program (xdp.syn_cookies).
 */
class AfXdpKernelPeerTest extends KernelPeerTests {
    @Override
    String io() {
        return "af_xdp";
    }

    @Test
    void synCookiesAnsweredInXdpWhenThePeerRunsXdp() throws Exception {
        try (PeerXdp peer = new PeerXdp()) {
            try (Server s = new Server("echo", 7, null, "--set", "tcp.syncookies=2", "--set", "xdp.syn_cookies=1")) {
                echoedConnectionsThenStop(s, 1000, 50);
                assertTrue(s.counter("FpXdpSynAcks") >= 1000, "the program answered the SYNs: " + s.counters);
                assertEquals(s.counter("TcpExtSyncookiesSent"), s.counter("FpXdpSynAcks"), s.counters);
                assertTrue(s.counter("TcpExtSyncookiesRecv") >= 1000, "the engine checked them: " + s.counters);
                assertTrue(s.counter("FpRxFrames") < 6000, "SYNs never reached the socket: " + s.counters);
            }
        }
    }

    @Test
    void synCookiesAnsweredInXdpInGenericModeWithoutHelpFromThePeer() throws Exception {
        // generic mode sends XDP_TX frames through veth's normal transmit: auto leaves the program on
        try (Server s = new Server("echo", 7, null, "--xdp-mode", "skb", "--set", "tcp.syncookies=2")) {
            echoedConnectionsThenStop(s, 1000, 50);
            assertTrue(s.counter("FpXdpSynAcks") >= 1000, s.counters);
            assertEquals(s.counter("TcpExtSyncookiesSent"), s.counter("FpXdpSynAcks"), s.counters);
        }
    }

    @Test
    void xdpTxThatThePeerDropsFallsBackToTheEngine() throws Exception {
        // B's veth end runs no XDP program and no GRO: veth drops every SYN-ACK the program sends with XDP_TX
        try (Server s = new Server("echo", 7, null, "--set", "tcp.syncookies=2", "--set", "xdp.syn_cookies=1")) {
            String first = python(40, THOUSAND, IP, "20");
            assertTrue(first.contains("OK 20 FAILED 0"), first); // the clients' retransmitted SYNs got through
            assertTrue(s.child.awaitLine("the engine answers SYNs from now on", 15_000).isPresent(),
                    s.child::output);
            String then = python(40, THOUSAND, IP, "20");
            assertTrue(then.contains("OK 20 FAILED 0"), then);
            s.stop();
            long xdp = s.counter("FpXdpSynAcks");
            assertTrue(xdp >= 1, "the program answered SYNs before the fallback: " + s.counters);
            // Behaviour, not "noticed within N attempts": once switched off, the engine answers every SYN.
            assertTrue(s.counter("TcpExtSyncookiesSent") - xdp >= 20, "the engine answered the later 20: "
                    + s.counters);
            assertEquals(40, s.counter("TcpPassiveOpens"), s.counters);
        }
    }
}
