package dev.fastpath.io.xdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The RTM_SETLINK/IFLA_XDP request against a layout computed by hand from linux/netlink.h and rtnetlink.h. */
class NetlinkXdpTest {

    @Test
    void setLinkMessageMatchesTheHandComputedLayout() {
        // Little-endian (x86-64, aarch64): netlink is host order.
        org.junit.jupiter.api.Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
        byte[] want = {
            // nlmsghdr: len 52, type RTM_SETLINK 19, flags REQUEST|ACK 5, seq 7, pid 0
            52, 0, 0, 0, 19, 0, 5, 0, 7, 0, 0, 0, 0, 0, 0, 0,
            // ifinfomsg: family 0, pad 0, type 0, index 3, flags 0, change 0
            0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            // rtattr: len 20, type IFLA_XDP 43 | NLA_F_NESTED 0x8000 = 0x802b
            20, 0, 0x2b, (byte) 0x80,
            // IFLA_XDP_FD (1): len 8, fd 9
            8, 0, 1, 0, 9, 0, 0, 0,
            // IFLA_XDP_FLAGS (3): len 8, XDP_FLAGS_UPDATE_IF_NOEXIST | XDP_FLAGS_DRV_MODE = 1 | 4 = 5
            8, 0, 3, 0, 5, 0, 0, 0,
        };
        assertArrayEquals(want, NetlinkXdp.setLinkXdp(7, 3, 9, 5));
    }

    @Test
    void detachCarriesFdMinusOne() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
        byte[] m = NetlinkXdp.setLinkXdp(1, 2, -1, 2);
        assertEquals(NetlinkXdp.MESSAGE_BYTES, m.length);
        assertArrayEquals(new byte[] {-1, -1, -1, -1}, java.util.Arrays.copyOfRange(m, 40, 44));
        assertEquals(2, m[48]);
    }

    @Test
    void answersAreDecoded() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
        // nlmsgerr: header (len 36, type NLMSG_ERROR 2, seq 1), error -16 (EBUSY), then the request's header.
        byte[] busy = new byte[36];
        busy[0] = 36;
        busy[4] = 2;
        busy[8] = 1;
        busy[16] = -16;
        busy[17] = -1;
        busy[18] = -1;
        busy[19] = -1;
        assertEquals(16, NetlinkXdp.errnoOf(busy, busy.length, 1));
        busy[16] = 0;
        busy[17] = 0;
        busy[18] = 0;
        busy[19] = 0;
        assertEquals(0, NetlinkXdp.errnoOf(busy, busy.length, 1));
        assertThrows(IllegalStateException.class, () -> NetlinkXdp.errnoOf(busy, busy.length, 2));
    }
}
