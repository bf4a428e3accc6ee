package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.lab.Lab;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Fault injection on the AF_PACKET transmit path (issue 22): a device that does not drain. veth-a gets a token
 * bucket ({@code tc tbf}, 8 Mbit/s, a 12 KB queue) and {@code serve} sends through it ({@code --qdisc use}) from a
 * 32-slot TX ring. The queue holds the ring's slots (a slot is free again only when its skb is), so the ring fills:
 * each refused claim is a counted drop ({@code FpTxRingFull}) and the segment is sent again later (local congestion:
 * the probe timer, tcp_check_probe_timer()). The bucket's full queue drops what the kick hands it: {@code sendto}
 * answers ENOBUFS, the kernel puts the slot back to SEND_REQUEST (tpacket_snd()), the kick is counted
 * ({@code txKickErrors}) and made again on the next flush. Through all of it 1 MB is echoed byte for byte, nothing
 * hangs, and the ring serves again once the queue is gone.
 */
class AfPacketTxFaultTest extends KernelPeerTestBase {
    private static final Pattern RING = Pattern.compile("txRingFull=(\\d+), txKickErrors=(\\d+)");

    @Override
    String io() {
        return "af_packet";
    }

    @Test
    void aFullRingAndEnobufsAreCountedAndNothingIsLost() throws Exception {
        Lab.Result tbf = lab.run(lab.nsA(), 5, "tc", "qdisc", "add", "dev", Lab.IF_A, "root", "tbf", "rate", "8mbit",
                "burst", "4kb", "limit", "12kb");
        assertEquals(0, tbf.exitCode(), tbf.output());
        try (Server s = new Server("echo", 7, null, "--tx-ring", "32", "--qdisc", "use")) {
            String out = python(120, KernelPeerTests.ECHO_BULK, Lab.IP_A, Integer.toString(1 << 20));
            assertTrue(out.contains("ECHO ok bytes=1048576"), out);
            lab.run(lab.nsA(), 5, "tc", "qdisc", "del", "dev", Lab.IF_A, "root");
            // The ring and the kick are not wedged: a second transfer, at the veth's own pace.
            String again = python(60, KernelPeerTests.ECHO_BULK, Lab.IP_A, Integer.toString(1 << 20));
            assertTrue(again.contains("ECHO ok bytes=1048576"), again);
            assertTrue(s.process.isAlive(), s.child::output);
            s.stop();
            long refused = s.counter("FpTxRingFull");
            assertTrue(refused > 0, "the 32-slot ring behind an 8 Mbit/s queue never filled\n" + s.counters);
            Matcher m = RING.matcher(s.counters);
            assertTrue(m.find(), "no afpacket stats line\n" + s.counters);
            long ringFull = Long.parseLong(m.group(1));
            long kickErrors = Long.parseLong(m.group(2));
            assertTrue(ringFull >= refused, "every refused segment is a refused claim: " + ringFull + " < " + refused);
            assertTrue(kickErrors > 0, "the bucket's full queue never answered ENOBUFS\n" + s.counters);
            assertEquals(0, s.counter("FpParseDrop_BAD_TCP_CHECKSUM"), s.counters);
        } finally {
            lab.run(lab.nsA(), 5, "tc", "qdisc", "del", "dev", Lab.IF_A, "root");
        }
    }
}
