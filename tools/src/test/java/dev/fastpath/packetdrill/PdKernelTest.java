package dev.fastpath.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel backend ({@code packetdrill --kernel}) against this machine's Linux: a script Linux passes
 * passes, the same script with one wrong expectation fails on that line, a shell line that would reach
 * outside the script's namespace is refused, and no namespace is left behind. Needs root and /dev/net/tun
 * (skipped otherwise, as the lab tests are).
 */
class PdKernelTest {
    /** A passive open with data and a close; {@code %s}: the SYN-ACK's options, then the data's ACK line. */
    private static final String SCRIPT = """
            `sysctl -q net.ipv4.tcp_timestamps=0`
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
               +0 bind(3, ..., ...) = 0
               +0 listen(3, 1) = 0
               +0 < S 0:0(0) win 32792 <mss 1000>
               +0 > S. 0:0(0) ack 1 <%s>
             +.01 < . 1:1(0) ack 1 win 32792
               +0 accept(3, ..., ...) = 4
               +0 < P. 1:101(100) ack 1 win 32792
               %s
               +0 read(4, ..., 1000) = 100
               +0 close(4) = 0
               +0 > F. 1:1(0) ack 101
            """;

    @TempDir
    Path dir;

    @BeforeAll
    static void available() {
        String why = PdKernel.unavailableReason();
        assumeTrue(why == null, () -> "kernel backend tests skipped: " + why);
    }

    private PdResult run(String text) throws IOException {
        Path f = dir.resolve("t.pkt");
        Files.writeString(f, text);
        return PdKernel.run(f);
    }

    @Test
    void linuxPassesWhatItDoes() throws IOException {
        PdResult r = run(SCRIPT.formatted("mss 1460", "+0 > . 1:1(0) ack 101"));
        assertEquals(PdResult.Status.PASS, r.status(), () -> r.message() + "\n" + String.join("\n", r.notes()));
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("F. 1:1(0) ack 101")),
                () -> "the report lists what the kernel sent: " + r.notes());
    }

    @Test
    void aWrongOptionFailsOnItsLine() throws IOException {
        // Linux answers an MSS of 1000 with its own (1460 on a 1500-byte device), not an echo.
        PdResult r = run(SCRIPT.formatted("mss 1000", "+0 > . 1:1(0) ack 101"));
        assertEquals(PdResult.Status.FAIL, r.status(), r::message);
        assertEquals(7, r.line(), r::message);
        assertTrue(r.message().contains("mss 1460"), r::message);
    }

    @Test
    void aWrongAckFailsOnItsLine() throws IOException {
        PdResult r = run(SCRIPT.formatted("mss 1460", "+0 > . 1:1(0) ack 100"));
        assertEquals(PdResult.Status.FAIL, r.status(), r::message);
        assertEquals(11, r.line(), r::message);
    }

    @Test
    void aLateExpectationFailsOnTiming() throws IOException {
        // The ACK of the first data comes at once (quick-ack mode after the handshake), not 50 ms later.
        PdResult r = run(SCRIPT.formatted("mss 1460", "+.05 > . 1:1(0) ack 101"));
        assertEquals(PdResult.Status.FAIL, r.status(), r::message);
        assertEquals(11, r.line(), r::message);
        assertTrue(r.message().contains("timing"), r::message);
    }

    @Test
    void shellOutsideTheNamespaceIsRefused() throws IOException {
        PdResult r = run("`sysctl -q kernel.printk=7`\n" + SCRIPT.formatted("mss 1460", "+0 > . 1:1(0) ack 101"));
        assertEquals(PdResult.Status.UNSUPPORTED, r.status(), r::message);
        assertTrue(r.message().contains("kernel.printk"), r::message);
    }

    @Test
    void noNamespaceIsLeftBehind() throws IOException {
        run(SCRIPT.formatted("mss 1460", "+0 > . 1:1(0) ack 101"));
        String mine = "fpk" + ProcessHandle.current().pid() + "-";
        assertFalse(PdKernel.exec("ip", "netns", "list").contains(mine));
    }
}
