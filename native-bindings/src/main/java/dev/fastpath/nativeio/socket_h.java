package dev.fastpath.nativeio;

import java.nio.ByteOrder;

/**
 * Constants from {@code <sys/socket.h>}, {@code <linux/if_packet.h>} and {@code <linux/if_ether.h>}, plus the
 * packet-ring macros ({@code TPACKET_ALIGN}, {@code TPACKET2_HDRLEN}, {@code TPACKET3_HDRLEN}) re-implemented.
 * Every value is checked against the C headers by {@code LayoutProbeTest}.
 */
public final class socket_h {

    // Address families.
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_PACKET = 17;
    public static final int PF_PACKET = 17;
    public static final int AF_XDP = 44;
    public static final int PF_XDP = 44;

    // Socket types; SOCK_NONBLOCK / SOCK_CLOEXEC may be or'ed into the type.
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_NONBLOCK = 04000;
    public static final int SOCK_CLOEXEC = 02000000;

    // Option levels.
    public static final int SOL_SOCKET = 1;
    public static final int SOL_PACKET = 263;
    public static final int SOL_XDP = 283;

    // SOL_SOCKET options.
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_ATTACH_FILTER = 26;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int SO_BUSY_POLL = 46;
    public static final int SO_PREFER_BUSY_POLL = 69;
    public static final int SO_BUSY_POLL_BUDGET = 70;

    // send/recv flags.
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_WAITALL = 0x100;

    // Ethernet (<linux/if_ether.h>). Host order: htons() them (Short.reverseBytes) before use in sll_protocol
    // or socket(AF_PACKET, SOCK_RAW, protocol).
    public static final int ETH_ALEN = 6;
    public static final int ETH_HLEN = 14;
    public static final int ETH_P_ALL = 0x0003;
    public static final int ETH_P_IP = 0x0800;
    public static final int ETH_P_ARP = 0x0806;

    // SOL_PACKET options.
    public static final int PACKET_ADD_MEMBERSHIP = 1;
    public static final int PACKET_DROP_MEMBERSHIP = 2;
    public static final int PACKET_RX_RING = 5;
    public static final int PACKET_STATISTICS = 6;
    public static final int PACKET_AUXDATA = 8;
    public static final int PACKET_VERSION = 10;
    public static final int PACKET_HDRLEN = 11;
    public static final int PACKET_RESERVE = 12;
    public static final int PACKET_TX_RING = 13;
    public static final int PACKET_LOSS = 14;
    public static final int PACKET_VNET_HDR = 15;
    public static final int PACKET_TIMESTAMP = 17;
    public static final int PACKET_FANOUT = 18;
    public static final int PACKET_TX_HAS_OFF = 19;
    public static final int PACKET_QDISC_BYPASS = 20;
    public static final int PACKET_ROLLOVER_STATS = 21;
    public static final int PACKET_FANOUT_DATA = 22;
    public static final int PACKET_IGNORE_OUTGOING = 23;

    // sll_pkttype values.
    public static final int PACKET_HOST = 0;
    public static final int PACKET_BROADCAST = 1;
    public static final int PACKET_MULTICAST = 2;
    public static final int PACKET_OTHERHOST = 3;
    public static final int PACKET_OUTGOING = 4;

    // PACKET_FANOUT: option value = group id | (mode | flags) << 16.
    public static final int PACKET_FANOUT_HASH = 0;
    public static final int PACKET_FANOUT_LB = 1;
    public static final int PACKET_FANOUT_CPU = 2;
    public static final int PACKET_FANOUT_ROLLOVER = 3;
    public static final int PACKET_FANOUT_RND = 4;
    public static final int PACKET_FANOUT_QM = 5;
    public static final int PACKET_FANOUT_CBPF = 6;
    public static final int PACKET_FANOUT_EBPF = 7;
    public static final int PACKET_FANOUT_FLAG_ROLLOVER = 0x1000;
    public static final int PACKET_FANOUT_FLAG_UNIQUEID = 0x2000;
    public static final int PACKET_FANOUT_FLAG_DEFRAG = 0x8000;

    // enum tpacket_versions (PACKET_VERSION values).
    public static final int TPACKET_V1 = 0;
    public static final int TPACKET_V2 = 1;
    public static final int TPACKET_V3 = 2;

    // RX ring status bits.
    public static final int TP_STATUS_KERNEL = 0;
    public static final int TP_STATUS_USER = 1;
    public static final int TP_STATUS_COPY = 1 << 1;
    public static final int TP_STATUS_LOSING = 1 << 2;
    public static final int TP_STATUS_CSUMNOTREADY = 1 << 3;
    public static final int TP_STATUS_VLAN_VALID = 1 << 4;
    public static final int TP_STATUS_BLK_TMO = 1 << 5;
    public static final int TP_STATUS_VLAN_TPID_VALID = 1 << 6;
    public static final int TP_STATUS_CSUM_VALID = 1 << 7;

    // TX ring status bits.
    public static final int TP_STATUS_AVAILABLE = 0;
    public static final int TP_STATUS_SEND_REQUEST = 1;
    public static final int TP_STATUS_SENDING = 1 << 1;
    public static final int TP_STATUS_WRONG_FORMAT = 1 << 2;

    // Timestamp bits on both rings; bit 31 is negative as a Java int, as (1U << 31) is unsigned in C.
    public static final int TP_STATUS_TS_SOFTWARE = 1 << 29;
    public static final int TP_STATUS_TS_SYS_HARDWARE = 1 << 30;
    public static final int TP_STATUS_TS_RAW_HARDWARE = 1 << 31;

    // TPACKET_V3 tp_feature_req_word bits.
    public static final int TP_FT_REQ_FILL_RXHASH = 1;

    /** Frames (and packet data at tp_net) are aligned to this in packet rings. */
    public static final int TPACKET_ALIGNMENT = 16;
    /** {@code TPACKET_ALIGN(sizeof(struct tpacket2_hdr)) + sizeof(struct sockaddr_ll)}. */
    public static final int TPACKET2_HDRLEN = (int) (TPACKET_ALIGN(tpacket2_hdr.sizeof()) + sockaddr_ll.sizeof());
    /** {@code TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) + sizeof(struct sockaddr_ll)}. */
    public static final int TPACKET3_HDRLEN = (int) (TPACKET_ALIGN(tpacket3_hdr.sizeof()) + sockaddr_ll.sizeof());

    private socket_h() { }

    /**
     * {@code TPACKET_ALIGN(x)}: rounds up to {@link #TPACKET_ALIGNMENT}.
     *
     * @param x a size or offset
     * @return {@code x} rounded up to a multiple of 16
     */
    public static long TPACKET_ALIGN(long x) {
        return (x + TPACKET_ALIGNMENT - 1) & ~(long) (TPACKET_ALIGNMENT - 1);
    }

    /**
     * {@code htons}: host to network (big-endian) byte order, for 16-bit protocol numbers.
     *
     * @param x a host-order value in the low 16 bits
     * @return the value in network order
     */
    public static short htons(int x) {
        return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? (short) x : Short.reverseBytes((short) x);
    }
}
