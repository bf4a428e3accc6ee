package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.cli.Main;
import dev.fastpath.lab.Child;
import dev.fastpath.lab.Lab;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Fault injection in the lab (issue 22). The peer's link going down and up: {@code serve} keeps running and serves
 * again once the link is back. {@code serve --io af_xdp} killed with SIGKILL in the middle of a SYN flood leaves no
 * XDP program on the interface (the program hangs on a BPF link, which the kernel drops with the process's last
 * file descriptor), and the interface is the kernel's again: with its address back, the namespace's own TCP
 * stack answers a client across the veth.
 */
class FaultInjectionTest extends KernelPeerTestBase {
    @Override
    String io() {
        return "af_xdp";
    }

    @Test
    void noXdpProgramIsLeftAndTheKernelGetsTheInterfaceBack() throws Exception {
        Server s = new Server("http", 80, null, "--xdp-mode", "skb", "--set", "tcp.syncookies=2");
        String during = lab.run(lab.nsA(), 5, "ip", "link", "show", "dev", Lab.IF_A).output();
        assertTrue(during.contains("xdp"), "no XDP program while serving:\n" + during);
        // A bounded flood from B towards the stack: 5 s at most, 100,000 SYNs at most, lab addresses only.
        Child flood = new Child(lab.spawn(lab.nsB(), Lab.javaCommand(System.getProperty("java.class.path"),
                Main.class.getName(), "flood", "--iface", Lab.IF_B, "--io", "af_packet", "--dst", Lab.IP_A + ":80",
                "--dst-mac", "02:00:c6:12:00:01", "--src", "198.19.0.0/16", "--rate", "20000", "--duration", "5",
                "--count", "100000", "--progress", "always")), "flood");
        Optional<String> sending = flood.awaitLine("measuring", 30_000);
        assertTrue(sending.isPresent(), flood::output);
        Thread.sleep(1000); // mid-flood
        assertEquals(0, Lab.exec(List.of("kill", "-KILL", Long.toString(s.process.pid())), 5).exitCode());
        assertTrue(s.process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "still alive after SIGKILL");
        flood.awaitExit(30_000);
        String after = "";
        for (int i = 0; i < 50; i++) { // the link goes with the process's last fd, released as it is reaped
            after = lab.run(lab.nsA(), 5, "ip", "link", "show", "dev", Lab.IF_A).output();
            if (!after.contains("xdp")) {
                break;
            }
            Thread.sleep(100);
        }
        assertFalse(after.contains("xdp"), "an XDP program is left after SIGKILL:\n" + after);
        // The kernel's own stack on veth-a again: its address back, a server, a client from B.
        assertEquals(0, lab.run(lab.nsA(), 5, "ip", "addr", "add", Lab.IP_A + "/24", "dev", Lab.IF_A).exitCode());
        Process server = lab.spawn(lab.nsA(), "python3", "-m", "http.server", "8081", "--bind", Lab.IP_A);
        try {
            Lab.Result curl = null;
            for (int i = 0; i < 50; i++) {
                curl = lab.run(lab.nsB(), 10, "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
                        "http://" + Lab.IP_A + ":8081/");
                if (curl.exitCode() == 0) {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals(0, curl.exitCode(), curl.output());
            assertEquals("200", curl.output().strip());
        } finally {
            server.destroy();
            lab.run(lab.nsA(), 5, "ip", "addr", "flush", "dev", Lab.IF_A);
        }
    }

    @Test
    void peerLinkDownAndUpServesAgain() throws Exception {
        try (Server s = new Server("http", 80, null)) {
            assertEquals(0, curl().exitCode(), "before");
            assertEquals(0, lab.run(lab.nsB(), 5, "ip", "link", "set", Lab.IF_B, "down").exitCode());
            Thread.sleep(500);
            assertTrue(curl().exitCode() != 0, "the link is down, nothing can be served");
            assertEquals(0, lab.run(lab.nsB(), 5, "ip", "link", "set", Lab.IF_B, "up").exitCode());
            Lab.Result again = null;
            for (int i = 0; i < 50; i++) { // veth needs a moment to report carrier again
                again = curl();
                if (again.exitCode() == 0) {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals(0, again.exitCode(), again.output() + "\n" + s.child.output());
            assertTrue(s.process.isAlive());
            s.stop();
        }
    }

    /**
     * Attached through netlink ({@code --xdp-attach netlink}, what a kernel without XDP links gets), the program
     * outlives a SIGKILL. The next {@code serve} (a BPF link, refused over it: EBUSY/EEXIST) detaches it, says so,
     * serves, and leaves nothing at its stop.
     */
    @Test
    void aNetlinkProgramLeftByAKilledRunIsReplacedByTheNext() throws Exception {
        Server first = new Server("http", 80, null, "--xdp-attach", "netlink");
        assertEquals(0, Lab.exec(List.of("kill", "-KILL", Long.toString(first.process.pid())), 5).exitCode());
        assertTrue(first.process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "still alive after SIGKILL");
        String left = lab.run(lab.nsA(), 5, "ip", "link", "show", "dev", Lab.IF_A).output();
        assertTrue(left.contains("xdp"), "a netlink attachment outlives its process:\n" + left);
        try (Server next = new Server("http", 80, null)) {
            assertEquals(0, curl().exitCode(), next.child.output());
            assertTrue(next.child.output().contains("attached through netlink was on"), next.child.output());
            next.stop();
        }
        String after = lab.run(lab.nsA(), 5, "ip", "link", "show", "dev", Lab.IF_A).output();
        assertFalse(after.contains("xdp"), "an XDP program is left:\n" + after);
    }

    private static Lab.Result curl() {
        return lab.run(lab.nsB(), 10, "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2",
                "http://" + Lab.IP_A + "/");
    }
}
