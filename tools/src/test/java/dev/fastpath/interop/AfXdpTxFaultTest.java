package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.lab.Lab;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Fault injection on the AF_XDP transmit path (issue 22): a tiny TX ring ({@code --tx-ring 8}: eight UMEM frames,
 * TX and completion rings of eight). A frame is free again only after the kick sent it and its completion came
 * back, so a window of more than eight segments in one duty cycle finds the ring full: each refused claim is a
 * counted drop ({@code FpTxRingFull}) and the segment is sent again later (local congestion: the probe timer,
 * tcp_check_probe_timer()). 1 MB is echoed byte for byte and nothing hangs.
 */
class AfXdpTxFaultTest extends KernelPeerTestBase {
    private static final Pattern RING = Pattern.compile("afxdp Stats\\[.*?txRingFull=(\\d+)");

    @Override
    String io() {
        return "af_xdp";
    }

    @Test
    void aTinyRingRefusesSegmentsThatAreSentLater() throws Exception {
        try (Server s = new Server("echo", 7, null, "--tx-ring", "8", "--xdp-mode", "skb")) {
            String out = python(120, KernelPeerTests.ECHO_BULK, Lab.IP_A, Integer.toString(1 << 20));
            assertTrue(out.contains("ECHO ok bytes=1048576"), out);
            assertTrue(s.process.isAlive(), s.child::output);
            s.stop();
            long refused = s.counter("FpTxRingFull");
            assertTrue(refused > 0, "an 8-frame ring never filled\n" + s.counters);
            Matcher m = RING.matcher(s.counters);
            assertTrue(m.find(), "no afxdp stats line\n" + s.counters);
            assertTrue(Long.parseLong(m.group(1)) >= refused, s.counters);
            assertEquals(0, s.counter("FpParseDrop_BAD_TCP_CHECKSUM"), s.counters);
        }
    }
}
