package dev.fastpath.io.xdp;

import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.NativeException;
import dev.fastpath.nativeio.net_h;
import dev.fastpath.nativeio.socket_h;
import dev.fastpath.nativeio.unistd_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Attaching an XDP program the older way, for kernels without XDP BPF links (before 5.9 BPF_LINK_CREATE
 * answers EINVAL for BPF_XDP): an {@code RTM_SETLINK} request on a NETLINK_ROUTE socket carrying a nested
 * {@code IFLA_XDP} attribute with {@code IFLA_XDP_FD} and {@code IFLA_XDP_FLAGS} (rtnetlink(7); the kernel
 * side is {@code do_setlink()}/{@code dev_change_xdp_fd()} in net/core/rtnetlink.c and dev.c; libbpf's
 * {@code bpf_xdp_attach()} sends the same message). Unlike a link, the attachment outlives the process: the
 * owner must detach it (fd −1) on close, and a crashed run leaves it until {@code ip link set dev IF xdp off}.
 * {@code XDP_FLAGS_UPDATE_IF_NOEXIST} keeps us from replacing someone else's program (EBUSY instead).
 *
 * <p>Netlink is host byte order; every attribute is 4-byte aligned (NLA_ALIGNTO).
 */
final class NetlinkXdp {

    static final int AF_NETLINK = 16;
    static final int NETLINK_ROUTE = 0;
    static final int RTM_SETLINK = 19;
    static final int NLMSG_ERROR = 2;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_ACK = 0x4;
    static final int IFLA_XDP = 43;
    static final int IFLA_XDP_FD = 1;
    static final int IFLA_XDP_FLAGS = 3;
    static final int NLA_F_NESTED = 0x8000;
    static final int XDP_FLAGS_UPDATE_IF_NOEXIST = 1;
    /** nlmsghdr (16) + ifinfomsg (16) + IFLA_XDP header (4) + IFLA_XDP_FD (8) + IFLA_XDP_FLAGS (8). */
    static final int MESSAGE_BYTES = 52;
    private static final int REPLY_BYTES = 4096;

    private NetlinkXdp() {
    }

    /**
     * The request, byte for byte.
     *
     * @param seq      nlmsg_seq, echoed in the answer
     * @param ifindex  the interface
     * @param progFd   the program, or −1 to detach
     * @param xdpFlags mode flags ({@code XDP_FLAGS_SKB_MODE}/{@code DRV_MODE}, maybe UPDATE_IF_NOEXIST)
     * @return the message
     */
    static byte[] setLinkXdp(int seq, int ifindex, int progFd, int xdpFlags) {
        ByteBuffer b = ByteBuffer.allocate(MESSAGE_BYTES).order(ByteOrder.nativeOrder());
        // struct nlmsghdr
        b.putInt(MESSAGE_BYTES).putShort((short) RTM_SETLINK).putShort((short) (NLM_F_REQUEST | NLM_F_ACK))
            .putInt(seq).putInt(0);
        // struct ifinfomsg: family AF_UNSPEC, pad, type, index, flags, change
        b.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(ifindex).putInt(0).putInt(0);
        // IFLA_XDP, nested: { IFLA_XDP_FD s32, IFLA_XDP_FLAGS u32 }
        b.putShort((short) 20).putShort((short) (IFLA_XDP | NLA_F_NESTED));
        b.putShort((short) 8).putShort((short) IFLA_XDP_FD).putInt(progFd);
        b.putShort((short) 8).putShort((short) IFLA_XDP_FLAGS).putInt(xdpFlags);
        return b.array();
    }

    /**
     * The errno in the kernel's answer: an {@code NLMSG_ERROR} message whose error field is 0 for the
     * acknowledgement or −errno.
     *
     * @param reply the bytes received
     * @param len   how many
     * @param seq   the request's sequence number
     * @return 0 or a positive errno
     * @throws IllegalStateException when the answer is not an error/ack message for {@code seq}
     */
    static int errnoOf(byte[] reply, int len, int seq) {
        ByteBuffer b = ByteBuffer.wrap(reply, 0, len).order(ByteOrder.nativeOrder());
        if (len < 20 || b.getShort(4) != NLMSG_ERROR || b.getInt(8) != seq) {
            throw new IllegalStateException("unexpected netlink answer (" + len + " bytes, type "
                + (len >= 6 ? b.getShort(4) : -1) + ")");
        }
        return -b.getInt(16);
    }

    /**
     * Sends {@link #setLinkXdp} and waits for the acknowledgement.
     *
     * @param ifindex  the interface
     * @param progFd   the program, or −1 to detach
     * @param xdpFlags mode flags
     * @throws NativeException naming the call, with the kernel's errno
     */
    static void setLink(int ifindex, int progFd, int xdpFlags) {
        int fd = Errors.check("socket(AF_NETLINK, NETLINK_ROUTE)",
            net_h.socket(AF_NETLINK, socket_h.SOCK_RAW | socket_h.SOCK_CLOEXEC, NETLINK_ROUTE));
        String call = "netlink RTM_SETLINK(ifindex " + ifindex + ", IFLA_XDP fd " + progFd + ", flags " + xdpFlags
            + ")";
        try (Arena arena = Arena.ofConfined()) {
            int seq = 1;
            byte[] msg = setLinkXdp(seq, ifindex, progFd, xdpFlags);
            MemorySegment out = arena.allocateFrom(ValueLayout.JAVA_BYTE, msg);
            // sockaddr_nl {family, pad, pid 0 = the kernel, groups 0}: 12 bytes.
            MemorySegment kernel = arena.allocate(12, 4);
            kernel.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
            Errors.check(call + " sendto", net_h.sendto(fd, out, msg.length, 0, kernel, 12));
            MemorySegment in = arena.allocate(REPLY_BYTES);
            long n = Errors.check(call + " recvfrom", net_h.recvfrom(fd, in, REPLY_BYTES, 0, MemorySegment.NULL,
                MemorySegment.NULL));
            int errno = errnoOf(in.toArray(ValueLayout.JAVA_BYTE), (int) n, seq);
            if (errno != 0) {
                throw new NativeException(call, errno, Errors.message(-errno));
            }
        } finally {
            unistd_h.close(fd);
        }
    }
}
