package dev.fastpath.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The runner must be able to fail: small scripts, each wrong in one stated way, end as FAIL with
 * the first mismatch on the right line; a correct one passes; an unknown call is UNSUPPORTED.
 */
class PdRunnerTest {
    /** A passive open with data; {@code %s} slots let each test break one line. */
    private static final String BASE = """
            `sysctl -q net.ipv4.tcp_timestamps=0`
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 bind(3, ..., ...) = 0
               +0 listen(3, %s) = 0
               +0 < S 0:0(0) win 32792 <mss 1000>
             %s > S. 0:0(0) ack 1 <%s>
             +.01 < . 1:1(0) ack 1 win 32792
               +0 accept(3, ..., ...) = 4
               +0 < P. 1:101(100) ack 1 win 32792
               %s
               +0 read(4, ..., 1000) = 100
               +0 close(4) = 0
               +0 > F. 1:1(0) ack 101
            """;

    private static PdResult run(String backlog, String synAckTime, String synAckOptions, String afterData) {
        return PdRunner.run("t.pkt", null, BASE.formatted(backlog, synAckTime, synAckOptions, afterData));
    }

    private static PdResult ok() {
        return run("1", "+0", "mss 1460", "+0 > . 1:1(0) ack 101");
    }

    @Test
    @DisplayName("a script that matches the engine passes")
    void passes() {
        PdResult r = ok();
        assertEquals(PdResult.Status.PASS, r.status(), r.toString());
    }

    @Test
    @DisplayName("a missing segment fails on its line: nothing was sent")
    void missingSegment() {
        PdResult r = run("1", "+0", "mss 1460", "+0 > . 1:1(0) ack 101\n +0 > P. 1:2(1) ack 101");
        assertEquals(PdResult.Status.FAIL, r.status(), r.toString());
        assertEquals(11, r.line());
        assertTrue(r.message().contains("nothing was sent"), r.message());
    }

    @Test
    @DisplayName("an extra segment fails: the next expected line sees it instead")
    void extraSegment() {
        PdResult r = run("1", "+0", "mss 1460", "// the quick ACK of the data is not in the script");
        assertEquals(PdResult.Status.FAIL, r.status(), r.toString());
        assertEquals(13, r.line());
        assertTrue(r.message().contains("expected `F. 1:1(0) ack 101`, got `. 1:1(0) ack 101"), r.message());
    }

    @Test
    @DisplayName("a wrong option fails with the option named")
    void wrongOption() {
        PdResult r = run("1", "+0", "mss 1000", "+0 > . 1:1(0) ack 101");
        assertEquals(PdResult.Status.FAIL, r.status(), r.toString());
        assertEquals(6, r.line());
        assertTrue(r.message().contains("option mss"), r.message());
    }

    @Test
    @DisplayName("a wrong return value fails with expected and actual")
    void wrongReturnValue() {
        PdResult r = PdRunner.run("t.pkt", null, BASE.formatted("1", "+0", "mss 1460", "+0 > . 1:1(0) ack 101")
                .replace("read(4, ..., 1000) = 100", "read(4, ..., 1000) = 99"));
        assertEquals(PdResult.Status.FAIL, r.status(), r.toString());
        assertEquals(11, r.line());
        assertTrue(r.message().contains("= 100, expected 99"), r.message());
    }

    @Test
    @DisplayName("a segment earlier than its time fails as a timing error; a late one as missing by then")
    void wrongTime() {
        PdResult early = run("1", "+.1", "mss 1460", "+0 > . 1:1(0) ack 101");
        assertEquals(PdResult.Status.FAIL, early.status(), early.toString());
        assertTrue(early.message().startsWith("timing"), early.message());
        PdResult late = PdRunner.run("t.pkt", null, BASE.formatted("1", "+0", "mss 1460", "+0 > . 1:1(0) ack 101")
                .replace("+0 > F. 1:1(0) ack 101", "+0 > F. 1:1(0) ack 101\n +.1 > F. 1:1(0) ack 101"));
        assertEquals(PdResult.Status.FAIL, late.status(), late.toString());
        assertEquals(14, late.line());
        assertTrue(late.message().contains("nothing was sent by 0.115000 s"), late.message());
    }

    @Test
    @DisplayName("an errno result is compared by name; a call the runner lacks is unsupported, never a pass")
    void errnoAndUnsupported() {
        PdResult errno = PdRunner.run("t.pkt", null, """
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 listen(3, 1) = -1 EINVAL (Invalid argument)
               +0 read(3, ..., 10) = -1 ENOTCONN (Transport endpoint is not connected)
               +0 close(7) = -1 EBADF (Bad file descriptor)
                """);
        assertEquals(PdResult.Status.PASS, errno.status(), errno.toString());
        PdResult u = PdRunner.run("t.pkt", null, """
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 epoll_create(1) = 4
                """);
        assertEquals(PdResult.Status.UNSUPPORTED, u.status());
        assertTrue(u.message().contains("epoll_create"), u.message());
        assertEquals(2, u.status().exitCode());
    }

    @Test
    @DisplayName("a blocking call returns at the end of its range; returning at another time fails")
    void blockingCalls() {
        String script = """
            `sysctl -q net.ipv4.tcp_timestamps=0`
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 bind(3, ..., ...) = 0
               +0 listen(3, 1) = 0
               +0...%s accept(3, ..., ...) = 4
              +.1 < S 0:0(0) win 32792 <mss 1000>
               +0 > S. 0:0(0) ack 1 <mss 1460>
              +.1 < . 1:1(0) ack 1 win 32792
            """;
        assertEquals(PdResult.Status.PASS, PdRunner.run("t.pkt", null, script.formatted("0.200")).status());
        PdResult r = PdRunner.run("t.pkt", null, script.formatted("0.300"));
        assertEquals(PdResult.Status.FAIL, r.status());
        assertTrue(r.message().contains("returned at 0.200000 s; the script expects 0.300000 s"), r.message());
    }

    @Test
    @DisplayName("sysctls in shell lines reach the configuration; other commands are reported as ignored")
    void shellLines() {
        PdResult r = PdRunner.run("t.pkt", null, """
            `sysctl -q net.ipv4.tcp_syncookies=2 net.ipv4.tcp_nosuch=1
            ip tcp_metrics flush all`
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 bind(3, ..., ...) = 0
               +0 listen(3, 1) = 0
               +0 < . 1:1(0) ack 77 win 100
               +0 > R 77:77(0)
            """);
        assertEquals(PdResult.Status.PASS, r.status(), r.toString());
        assertEquals(List.of("sysctl net.ipv4.tcp_nosuch=1 (unknown key or sysctl 'net.ipv4.tcp_nosuch')",
                "shell: ip tcp_metrics flush all"), r.ignored());
    }
}
