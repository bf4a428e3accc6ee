package dev.fastpath.interop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.lab.Lab;
import org.junit.jupiter.api.Test;

/**
 * The netlink fallback for attaching XDP (RTM_SETLINK with IFLA_XDP), forced with {@code --xdp-attach
 * netlink}: the program shows on the interface while serving, connections work, and it is gone after
 * the server stops (a netlink attachment, unlike a BPF link, is removed by the stack itself).
 */
class AfXdpNetlinkAttachTest extends KernelPeerTestBase {
    @Override
    String io() {
        return "af_xdp";
    }

    @Test
    void attachedThroughNetlinkServesAndDetaches() throws Exception {
        try (Server s = new Server("echo", 7, null, "--xdp-attach", "netlink", "--xdp-mode", "skb")) {
            String link = lab.run(lab.nsA(), 5, "ip", "link", "show", "dev", Lab.IF_A).output();
            assertTrue(link.contains("xdp"), "no XDP program on " + Lab.IF_A + ":\n" + link);
            String out = python(30, KernelPeerTests.THOUSAND, Lab.IP_A, "100");
            assertTrue(out.contains("OK 100 FAILED 0"), out);
            s.stop();
            assertTrue(s.child.output().contains("attaching through netlink"), s.child.output());
        }
        String after = lab.run(lab.nsA(), 5, "ip", "link", "show", "dev", Lab.IF_A).output();
        assertFalse(after.contains("xdp"), "the program is still attached:\n" + after);
    }
}
