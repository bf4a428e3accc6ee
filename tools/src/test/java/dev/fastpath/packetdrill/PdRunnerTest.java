package dev.fastpath.packetdrill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpSegment;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The runner must be able to fail: small scripts, each wrong in one stated way, end as FAIL with
 * the first mismatch on the right line; a correct one passes; a feature the engine lacks by design is
 * UNSUPPORTED; a line the parser cannot read is a FAIL naming the line and the token.
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

    /** BASE up to the accepted connection with data read, for scripts that go on from there. */
    private static final String OPEN = """
            `sysctl -q net.ipv4.tcp_timestamps=0`
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 bind(3, ..., ...) = 0
               +0 listen(3, 1) = 0
               +0 < S 0:0(0) win 32792 <mss 1000>
               +0 > S. 0:0(0) ack 1 <mss 1460>
             +.01 < . 1:1(0) ack 1 win 32792
               +0 accept(3, ..., ...) = 4
            """;

    private static PdResult run(String backlog, String synAckTime, String synAckOptions, String afterData) {
        return PdRunner.run("t.pkt", null, BASE.formatted(backlog, synAckTime, synAckOptions, afterData));
    }

    private static PdResult ok() {
        return run("1", "+0", "mss 1460", "+0 > . 1:1(0) ack 101");
    }

    private static PdResult script(String text) {
        return PdRunner.run("t.pkt", null, text);
    }

    private static void assertFail(PdResult r, int line, String fragment) {
        assertEquals(PdResult.Status.FAIL, r.status(), r.toString());
        assertEquals(line, r.line(), r.toString());
        assertTrue(r.message().contains(fragment), r.message());
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
        assertFail(run("1", "+0", "mss 1460", "+0 > . 1:1(0) ack 101\n +0 > P. 1:2(1) ack 101"), 11,
                "nothing was sent");
    }

    @Test
    @DisplayName("an extra segment fails: the next expected line sees it instead")
    void extraSegment() {
        assertFail(run("1", "+0", "mss 1460", "// the quick ACK of the data is not in the script"), 13,
                "expected `F. 1:1(0) ack 101`, got `. 1:1(0) ack 101");
    }

    @Test
    @DisplayName("a wrong option fails with the option named")
    void wrongOption() {
        assertFail(run("1", "+0", "mss 1000", "+0 > . 1:1(0) ack 101"), 6, "option mss");
    }

    @Test
    @DisplayName("flags are compared as sent: a pure ACK is not `P.`")
    void flagsExact() {
        assertFail(run("1", "+0", "mss 1460", "+0 > P. 1:1(0) ack 101"), 10, "(flags)");
    }

    @Test
    @DisplayName("a wrong return value fails with expected and actual")
    void wrongReturnValue() {
        PdResult r = script(BASE.formatted("1", "+0", "mss 1460", "+0 > . 1:1(0) ack 101")
                .replace("read(4, ..., 1000) = 100", "read(4, ..., 1000) = 99"));
        assertFail(r, 11, "= 100, expected 99");
    }

    @Test
    @DisplayName("a segment earlier than its time fails as a timing error; a late one as missing by then")
    void wrongTime() {
        PdResult early = run("1", "+.1", "mss 1460", "+0 > . 1:1(0) ack 101");
        assertEquals(PdResult.Status.FAIL, early.status(), early.toString());
        assertTrue(early.message().startsWith("timing"), early.message());
        PdResult late = script(BASE.formatted("1", "+0", "mss 1460", "+0 > . 1:1(0) ack 101")
                .replace("+0 > F. 1:1(0) ack 101", "+0 > F. 1:1(0) ack 101\n +.1 > F. 1:1(0) ack 101"));
        assertFail(late, 14, "nothing was sent by 0.115000 s");
    }

    @Test
    @DisplayName("a stray RST before an expected line fails it; after the last one nothing is judged (packetdrill)")
    void strayRstAtTheEnd() {
        // After close the peer's data gets an RST (tcp_rcv_state_process: data after shutdown).
        String tail = "\n   +0 < P. 101:201(100) ack 2 win 32792\n   +.01 close(3) = 0\n";
        String script = BASE.formatted("1", "+0", "mss 1460", "+0 > . 1:1(0) ack 101") + tail;
        PdResult unjudged = script(script);
        assertEquals(PdResult.Status.PASS, unjudged.status(), unjudged.toString());
        assertTrue(unjudged.notes().stream().anyMatch(n -> n.startsWith("not judged") && n.contains("`R")),
                unjudged.notes()::toString);
        PdResult seen = script(script.replace(tail, "\n   +0 < P. 101:201(100) ack 2 win 32792\n"
                + "   +0 > . 1:1(0) ack 201\n"));
        assertFail(seen, 16, "`R");
        PdResult listed = script(script.replace(tail, "\n   +0 < P. 101:201(100) ack 2 win 32792\n"
                + "   +0 > R 2:2(0)\n   +.01 close(3) = 0\n"));
        assertEquals(PdResult.Status.PASS, listed.status(), listed.toString());
    }

    @Test
    @DisplayName("segments of a socket no longer under test are skipped; a new listener's child gets a new tuple")
    void socketUnderTest() {
        // close(4) with unread data sends an RST (tcp_close()); socket() then moves packetdrill's socket
        // under test, the next SYN makes a child with a fresh remote port, and the RST is not its packet.
        String again = """
                   +0 < P. 1:101(100) ack 1 win 32792
                   +0 > . 1:1(0) ack 101
                   +0 close(4) = 0
                   +0 close(3) = 0
                   +0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                   +0 bind(3, ..., ...) = 0
                   +0 listen(3, 1) = 0
                   +0 < S 0:0(0) win 32792 <mss 1000>
                   +0 > S. 0:0(0) ack 1 <mss 1460>
                 +.01 < . 1:1(0) ack 1 win 32792
                   +0 accept(3, ..., ...) = 4
                """;
        PdResult r = script(OPEN + again);
        assertEquals(PdResult.Status.PASS, r.status(), r.toString());
        // The same RST while its socket is still the one under test fails the script.
        PdResult stray = script(OPEN + "   +0 < P. 1:101(100) ack 1 win 32792\n   +0 > . 1:1(0) ack 101\n"
                + "   +0 close(4) = 0\n   +.01 < . 1:1(0) ack 1 win 32792\n   +0 > . 1:1(0) ack 101\n");
        assertFail(stray, 13, "`R");
    }

    @Test
    @DisplayName("an inbound TS ecr must echo a TS val of an earlier > line unless --tcp_ts_ecr_scaled")
    void tsEcrMapping() {
        String text = """
                    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
                   +0 bind(3, ..., ...) = 0
                   +0 listen(3, 1) = 0
                   +0 < S 0:0(0) win 32792 <mss 1000,sackOK,TS val 100 ecr 0>
                   +0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 700 ecr 100>
                 +.01 < . 1:1(0) ack 1 win 32792 <nop,nop,TS val 110 ecr 700>
                   +0 accept(3, ..., ...) = 4
                 +.01 < . 1:1(0) ack 1 win 32792 <nop,nop,TS val 120 ecr 700>
                """;
        assertEquals(PdResult.Status.PASS, script(text).status());
        // On the established connection, not on the handshake's ACK: there a TSecr outside the TSvals sent
        // makes tcp_check_req() drop the ACK (tsecr_reject), as Linux does, and accept() would block.
        String unseen = text.replace("val 120 ecr 700>", "val 120 ecr 710>");
        assertFail(script(unseen), 8, "unable to find mapping for timestamp ecr 710");
        PdResult scaled = script("--tcp_ts_ecr_scaled\n" + unseen);
        assertEquals(PdResult.Status.PASS, scaled.status(), scaled.toString());
    }

    @Test
    @DisplayName("a bare ACK after the last expected line is not judged (upstream scripts omit them)")
    void trailingAckIsNotJudged() {
        PdResult r = script(OPEN + "   +0 < P. 1:101(100) ack 1 win 32792\n   +.01 read(4, ..., 1000) = 100\n");
        assertEquals(PdResult.Status.PASS, r.status(), r.toString());
    }

    @Test
    @DisplayName("aggregation takes the last fragment's flags and adds no PSH of its own")
    void aggregationKeepsFlagsAsSent() {
        ArrayDeque<PdSegments.Out> q = new ArrayDeque<>();
        q.add(out(1000, 1000, TcpHeader.ACK, 5));
        q.add(out(2000, 1000, TcpHeader.ACK, 5));
        TcpSegment merged = PdSegments.aggregate(out(0, 1000, TcpHeader.ACK, 5), q, 3000, true);
        assertEquals(3000, merged.payload().length);
        assertEquals(TcpHeader.ACK, merged.flags(), "no PSH was sent, none may appear");
        PdEvent.Packet wantPush = new PdEvent.Packet(1, null, false, TcpHeader.ACK | TcpHeader.PSH, 0, 3000, 3000,
                -1, -1, -1, PdEvent.ECN_ANY, null);
        assertEquals("flags", PdSegments.compare(wantPush, merged, 0, 0, 0));
        q.add(out(1000, 1000, TcpHeader.ACK | TcpHeader.PSH, 5));
        assertEquals(TcpHeader.ACK | TcpHeader.PSH,
                PdSegments.aggregate(out(0, 1000, TcpHeader.ACK, 5), q, 2000, true).flags());
        q.add(out(1000, 1000, TcpHeader.ACK, 6));
        assertEquals(1000, PdSegments.aggregate(out(0, 1000, TcpHeader.ACK, 5), q, 2000, true).payload().length,
                "frames from another instant are another packet");
        q.clear();
        q.add(out(1000, 1000, TcpHeader.ACK, 5));
        assertEquals(1000, PdSegments.aggregate(out(0, 1000, TcpHeader.ACK, 5), q, 2000, false).payload().length,
                "--strict_segments / tso off compares one by one");
    }

    private static PdSegments.Out out(int seq, int len, int flags, long at) {
        return new PdSegments.Out(at, TcpSegment.of(8080, 48000, seq, 1, flags, 100, List.of(), new byte[len]), 0,
                false);
    }

    @Test
    @DisplayName("a line the parser cannot read fails (exit 1) with its line and token, not unsupported")
    void parseError() {
        PdResult r = script(OPEN + "   +0 wibble wobble\n");
        assertFail(r, 9, "`wibble`");
        assertEquals(1, r.status().exitCode());
        PdResult flag = script(OPEN + "   +0 < Q 1:1(0) ack 1 win 10\n");
        assertFail(flag, 9, "unknown TCP flag `Q`");
    }

    @Test
    @DisplayName("%{ }% runs in python3 with the TCP_INFO of its time; a failing assert fails at its line")
    void pythonBlocks() {
        PdResult ok = script(OPEN + """
                   +0 %{ state = tcpi_state; print('cwnd', tcpi_snd_cwnd) }%
                   +0 %{ assert state == TCP_ESTABLISHED, state }%
                """);
        assertEquals(PdResult.Status.PASS, ok.status(), ok.toString());
        assertTrue(ok.notes().stream().anyMatch(n -> n.startsWith("python: cwnd ")), ok.notes().toString());
        PdResult bad = script(OPEN + "   +0 %{ assert tcpi_snd_cwnd == 999, tcpi_snd_cwnd }%\n   +0 close(4) = 0\n");
        assertFail(bad, 9, "AssertionError");
        PdResult missing = script(OPEN + "   +0 %{ assert tcpi_no_such_field == 1 }%\n");
        assertFail(missing, 9, "NameError");
    }

    @Test
    @DisplayName("nstat lines see the engine's counters (deltas since the last nstat); grep failing fails")
    void nstat() {
        PdResult ok = script(OPEN + "   +0 `nstat | grep -q TcpPassiveOpens`\n");
        assertEquals(PdResult.Status.PASS, ok.status(), ok.toString());
        PdResult reset = script(OPEN + "   +0 `nstat -n`\n   +0 `nstat | grep -q TcpPassiveOpens`\n");
        assertFail(reset, 10, "exited with status 1");
        PdResult absent = script(OPEN + "   +0 `nstat | grep TcpExtNoSuchCounter > /dev/null`\n");
        assertFail(absent, 9, "exited with status 1");
    }

    @Test
    @DisplayName("an ICMP line reaches the engine's ICMP input (an out-of-window one is counted)")
    void icmpLine() {
        PdResult r = script(OPEN + """
                   +0 `nstat -n`
                   +0 < icmp unreachable [5000:6000(1000)]
                   +0 `nstat | grep -q TcpExtOutOfWindowIcmps`
                """);
        assertEquals(PdResult.Status.PASS, r.status(), r.toString());
        PdResult none = script(OPEN + "   +0 `nstat -n`\n   +0 `nstat | grep -q TcpExtOutOfWindowIcmps`\n");
        assertFail(none, 10, "exited with status 1");
    }

    @Test
    @DisplayName("epoll: EPOLLET reports readiness once per wakeup; expecting it again fails")
    void epollEdgeTriggered() {
        String script = OPEN + """
                   +0 fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0
                   +0 epoll_create(1) = 5
                   +0 epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLIN|EPOLLET, fd=4}) = 0
                   +0 epoll_wait(5, {events=0, ptr=0}, 1, 0) = 0
                   +0 < P. 1:101(100) ack 1 win 32792
                   +0 > . 1:1(0) ack 101
                   +0 epoll_wait(5, {events=EPOLLIN, fd=4}, 1, 0) = 1
                   +0 epoll_wait(5, {events=0, ptr=0}, 1, 0) = %s
                """;
        PdResult ok = script(script.formatted("0"));
        assertEquals(PdResult.Status.PASS, ok.status(), ok.toString());
        assertFail(script(script.formatted("1")), 16, "= 0, expected 1");
        PdResult level = script(script.replace("EPOLLIN|EPOLLET", "EPOLLIN").formatted("1")
                .replace("{events=0, ptr=0}, 1, 0) = 1", "{events=EPOLLIN, fd=4}, 1, 0) = 1"));
        assertEquals(PdResult.Status.PASS, level.status(), "level-triggered stays ready: " + level);
    }

    @Test
    @DisplayName("poll blocks until its event: POLLIN on a listener when the handshake completes")
    void pollBlocks() {
        PdResult r = script("""
            `sysctl -q net.ipv4.tcp_timestamps=0`
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 bind(3, ..., ...) = 0
               +0 listen(3, 1) = 0
               +0...0.100 poll([{fd=3, events=POLLIN, revents=POLLIN}], 1, 1000) = 1
               +0 < S 0:0(0) win 32792 <mss 1000>
               +0 > S. 0:0(0) ack 1 <mss 1460>
              +.1 < . 1:1(0) ack 1 win 32792
            """);
        assertEquals(PdResult.Status.PASS, r.status(), r.toString());
    }

    @Test
    @DisplayName("an errno result is compared by name; features absent by design are unsupported, never a pass")
    void errnoAndUnsupported() {
        PdResult errno = script("""
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 listen(3, 1) = -1 EINVAL (Invalid argument)
               +0 read(3, ..., 10) = -1 ENOTCONN (Transport endpoint is not connected)
               +0 close(7) = -1 EBADF (Bad file descriptor)
                """);
        assertEquals(PdResult.Status.PASS, errno.status(), errno.toString());
        PdResult u = script("""
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 setsockopt(3, SOL_SOCKET, SO_ZEROCOPY, [1], 4) = 0
                """);
        assertEquals(PdResult.Status.UNSUPPORTED, u.status(), u.toString());
        assertTrue(u.message().contains("SO_ZEROCOPY"), u.message());
        assertEquals(2, u.status().exitCode());
        PdResult opt = script("--no_such_option=1\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");
        assertEquals(PdResult.Status.UNSUPPORTED, opt.status(), opt.toString());
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
        assertEquals(PdResult.Status.PASS, script(script.formatted("0.200")).status());
        PdResult r = script(script.formatted("0.300"));
        assertEquals(PdResult.Status.FAIL, r.status());
        assertTrue(r.message().contains("returned at 0.200000 s; the script expects 0.300000 s"), r.message());
    }

    @Test
    @DisplayName("the list of sysctls without a knob names none the engine has a knob for (it cannot go stale)")
    void noKnobListHasNoKnobs() {
        for (String name : PdShell.NO_KNOB.keySet()) {
            dev.fastpath.config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.fastpath.config.ConfigException.class,
                    () -> dev.fastpath.config.Config.defaults().withSysctl(name, "0"), name);
            assertTrue(e.getMessage().startsWith("unknown"), name + ": " + e.getMessage());
        }
    }

    @Test
    @DisplayName("shell lines: known sysctls reach the configuration; a knob the engine lacks is unsupported")
    void shellLines() {
        PdResult r = script("""
            `sysctl -q net.ipv4.tcp_syncookies=2 net.ipv4.tcp_mtu_probing=0
            ip tcp_metrics flush all`
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 bind(3, ..., ...) = 0
               +0 listen(3, 1) = 0
               +0 < . 1:1(0) ack 77 win 100
               +0 > R 77:77(0)
            """);
        assertEquals(PdResult.Status.PASS, r.status(), r.toString());
        assertTrue(r.notes().contains("no knob: net.ipv4.tcp_mtu_probing=0 — Linux's default (off)"), r.notes()
                .toString());
        PdResult u = script("`sysctl -q net.ipv4.tcp_nosuch=1`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");
        assertEquals(PdResult.Status.UNSUPPORTED, u.status(), u.toString());
        PdResult cmd = script("`some-tool --flag`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");
        assertEquals(PdResult.Status.UNSUPPORTED, cmd.status(), cmd.toString());
        assertNotNull(cmd.message());
        assertTrue(cmd.message().contains("some-tool"), cmd.message());
    }

    @Test
    @DisplayName("shell lines: a trailing # comment is no argument (upstream writes `sysctl -q k=v  # why`)")
    void shellTrailingComment() {
        PdResult r = script("""
            `sysctl -q net.ipv4.tcp_syncookies=2  # cookies always: no SYN queue
            sysctl -q net.ipv4.tcp_mtu_probing=0 # Linux's default ; not-a-command
            ../../../tcp/common/set_sysctls.py /proc/sys/net/ipv4/tcp_tw_reuse=1 # global enable
            # a whole-line comment`
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 bind(3, ..., ...) = 0
               +0 listen(3, 1) = 0
               +0 < . 1:1(0) ack 77 win 100
               +0 > R 77:77(0)
            """);
        assertEquals(PdResult.Status.PASS, r.status(), r.toString());
        assertTrue(r.notes().contains("no knob: net.ipv4.tcp_mtu_probing=0 — Linux's default (off)"), r.notes()
                .toString());
        assertEquals("sysctl -q k=v ", PdShell.stripComment("sysctl -q k=v # why"));
        assertEquals("echo 'a # b' x#y \"#\" ", PdShell.stripComment("echo 'a # b' x#y \"#\" #c"));
        assertEquals("", PdShell.stripComment("# only"));
    }
}
