package dev.fastpath.lb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The PROXY v2 header byte for byte, as proxy-protocol.txt section 2.2 lays it out. */
class ProxyV2Test {
    @Test
    void tcpOverIpv4() {
        byte[] b = new byte[ProxyV2.LENGTH_TCP4 + 2];
        int n = ProxyV2.writeTcp4(b, 1, 0xC6120002, 45678, 0xC6120001, 80);
        assertEquals(28, n);
        String expected = "0d0a0d0a000d0a515549540a" // signature
                + "21" + "11" + "000c"             // v2 PROXY, AF_INET STREAM, 12 address bytes
                + "c6120002" + "c6120001"          // 198.18.0.2 -> 198.18.0.1
                + "b26e" + "0050";                 // 45678 -> 80
        byte[] want = HexFormat.of().parseHex("00" + expected + "00");
        assertArrayEquals(want, b);
    }
}
