package dev.fastpath.uapi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Linux 6.18's {@code struct tcp_info} (getsockopt TCP_INFO), byte for byte: the 280 bytes of the uapi layout
 * (include/uapi/linux/tcp.h) in little-endian order, read through one accessor per field. Units are Linux's:
 * times in microseconds except the {@code last_*} ages and {@code total_rto_time} (milliseconds), rates in
 * bytes per second, windows and MSS in bytes, {@code unacked}/{@code sacked}/{@code lost}/{@code retrans} in
 * segments. {@link #get(String)} reads a field by its C name ({@code "tcpi_rwnd_limited"}).
 *
 * <p>Which fields Fastpath cannot fill yet, and why, is listed in docs/design.md ("TCP_INFO").
 */
public final class TcpInfo {
    /** sizeof(struct tcp_info) on Linux 6.18 (measured: getsockopt returns 280). */
    public static final int SIZE = 280;

    /** tcpi_options bits (TCPI_OPT_*). */
    public static final int OPT_TIMESTAMPS = 1;
    public static final int OPT_SACK = 2;
    public static final int OPT_WSCALE = 4;
    public static final int OPT_ECN = 8;
    public static final int OPT_ECN_SEEN = 16;
    public static final int OPT_SYN_DATA = 32;
    public static final int OPT_USEC_TS = 64;
    public static final int OPT_TFO_CHILD = 128;

    private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * One field: its C name, byte offset, width in bytes, and for bit fields the shift and bit count (0: the
     * whole bytes).
     *
     * @param name  tcpi_* name
     * @param off   byte offset
     * @param bytes width of the storage unit (1, 2, 4, 8)
     * @param shift first bit within the unit (bit fields)
     * @param bits  bits of a bit field, or 0
     */
    public record Field(String name, int off, int bytes, int shift, int bits) {
    }

    private static final List<Field> FIELDS = new ArrayList<>();

    // Offsets of the 6.18 layout. u8 header, then u32 / u64 groups exactly as the uapi header declares them.
    public static final int STATE = u8("state", 0);
    public static final int CA_STATE = u8("ca_state", 1);
    public static final int RETRANSMITS = u8("retransmits", 2);
    public static final int PROBES = u8("probes", 3);
    public static final int BACKOFF = u8("backoff", 4);
    public static final int OPTIONS = u8("options", 5);
    /** Byte 6: tcpi_snd_wscale:4 (low nibble), tcpi_rcv_wscale:4. */
    public static final int WSCALE = bits("snd_wscale", 6, 1, 0, 4);
    static final int RCV_WSCALE = bits("rcv_wscale", 6, 1, 4, 4);
    /** Byte 7: tcpi_delivery_rate_app_limited:1, tcpi_fastopen_client_fail:2. */
    public static final int FLAGS7 = bits("delivery_rate_app_limited", 7, 1, 0, 1);
    static final int FASTOPEN_CLIENT_FAIL = bits("fastopen_client_fail", 7, 1, 1, 2);
    public static final int RTO = u32("rto", 8);
    public static final int ATO = u32("ato", 12);
    public static final int SND_MSS = u32("snd_mss", 16);
    public static final int RCV_MSS = u32("rcv_mss", 20);
    public static final int UNACKED = u32("unacked", 24);
    public static final int SACKED = u32("sacked", 28);
    public static final int LOST = u32("lost", 32);
    public static final int RETRANS = u32("retrans", 36);
    public static final int FACKETS = u32("fackets", 40);
    public static final int LAST_DATA_SENT = u32("last_data_sent", 44);
    public static final int LAST_ACK_SENT = u32("last_ack_sent", 48);
    public static final int LAST_DATA_RECV = u32("last_data_recv", 52);
    public static final int LAST_ACK_RECV = u32("last_ack_recv", 56);
    public static final int PMTU = u32("pmtu", 60);
    public static final int RCV_SSTHRESH = u32("rcv_ssthresh", 64);
    public static final int RTT = u32("rtt", 68);
    public static final int RTTVAR = u32("rttvar", 72);
    public static final int SND_SSTHRESH = u32("snd_ssthresh", 76);
    public static final int SND_CWND = u32("snd_cwnd", 80);
    public static final int ADVMSS = u32("advmss", 84);
    public static final int REORDERING = u32("reordering", 88);
    public static final int RCV_RTT = u32("rcv_rtt", 92);
    public static final int RCV_SPACE = u32("rcv_space", 96);
    public static final int TOTAL_RETRANS = u32("total_retrans", 100);
    public static final int PACING_RATE = u64("pacing_rate", 104);
    public static final int MAX_PACING_RATE = u64("max_pacing_rate", 112);
    public static final int BYTES_ACKED = u64("bytes_acked", 120);
    public static final int BYTES_RECEIVED = u64("bytes_received", 128);
    public static final int SEGS_OUT = u32("segs_out", 136);
    public static final int SEGS_IN = u32("segs_in", 140);
    public static final int NOTSENT_BYTES = u32("notsent_bytes", 144);
    public static final int MIN_RTT = u32("min_rtt", 148);
    public static final int DATA_SEGS_IN = u32("data_segs_in", 152);
    public static final int DATA_SEGS_OUT = u32("data_segs_out", 156);
    public static final int DELIVERY_RATE = u64("delivery_rate", 160);
    public static final int BUSY_TIME = u64("busy_time", 168);
    public static final int RWND_LIMITED = u64("rwnd_limited", 176);
    public static final int SNDBUF_LIMITED = u64("sndbuf_limited", 184);
    public static final int DELIVERED = u32("delivered", 192);
    public static final int DELIVERED_CE = u32("delivered_ce", 196);
    public static final int BYTES_SENT = u64("bytes_sent", 200);
    public static final int BYTES_RETRANS = u64("bytes_retrans", 208);
    public static final int DSACK_DUPS = u32("dsack_dups", 216);
    public static final int REORD_SEEN = u32("reord_seen", 220);
    public static final int RCV_OOOPACK = u32("rcv_ooopack", 224);
    public static final int SND_WND = u32("snd_wnd", 228);
    public static final int RCV_WND = u32("rcv_wnd", 232);
    public static final int REHASH = u32("rehash", 236);
    public static final int TOTAL_RTO = u16("total_rto", 240);
    public static final int TOTAL_RTO_RECOVERIES = u16("total_rto_recoveries", 242);
    public static final int TOTAL_RTO_TIME = u32("total_rto_time", 244);
    public static final int RECEIVED_CE = u32("received_ce", 248);
    public static final int DELIVERED_E1_BYTES = u32("delivered_e1_bytes", 252);
    public static final int DELIVERED_E0_BYTES = u32("delivered_e0_bytes", 256);
    public static final int DELIVERED_CE_BYTES = u32("delivered_ce_bytes", 260);
    public static final int RECEIVED_E1_BYTES = u32("received_e1_bytes", 264);
    public static final int RECEIVED_E0_BYTES = u32("received_e0_bytes", 268);
    public static final int RECEIVED_CE_BYTES = u32("received_ce_bytes", 272);
    /** The last u32: tcpi_ecn_mode:2, tcpi_accecn_opt_seen:2, tcpi_accecn_fail_mode:4, tcpi_options2:24. */
    public static final int ECN_BITS = bits("ecn_mode", 276, 4, 0, 2);
    static final int ACCECN_OPT_SEEN = bits("accecn_opt_seen", 276, 4, 2, 2);
    static final int ACCECN_FAIL_MODE = bits("accecn_fail_mode", 276, 4, 4, 4);
    static final int OPTIONS2 = bits("options2", 276, 4, 8, 24);

    private final byte[] b;

    /** @param bytes a struct as getsockopt(TCP_INFO) fills it ({@link #SIZE} bytes; shorter reads as zeros) */
    public TcpInfo(byte[] bytes) {
        this.b = bytes.length >= SIZE ? bytes : java.util.Arrays.copyOf(bytes, SIZE);
    }

    /** @return every field in layout order */
    public static List<Field> fields() {
        return Collections.unmodifiableList(FIELDS);
    }

    /**
     * A field by its C name, with or without the {@code tcpi_} prefix.
     *
     * @return the value (u64 fields as Java long bits), or throws for an unknown name
     */
    public long get(String name) {
        String n = name.startsWith("tcpi_") ? name.substring(5) : name;
        for (Field f : FIELDS) {
            if (f.name().equals(n)) {
                return read(f);
            }
        }
        throw new IllegalArgumentException("no field tcpi_" + n + " in struct tcp_info");
    }

    private long read(Field f) {
        long unit = switch (f.bytes()) {
            case 1 -> b[f.off()] & 0xFF;
            case 2 -> (short) U16.get(b, f.off()) & 0xFFFF;
            case 4 -> (int) U32.get(b, f.off()) & 0xFFFF_FFFFL;
            default -> (long) U64.get(b, f.off());
        };
        return f.bits() == 0 ? unit : unit >>> f.shift() & ((1L << f.bits()) - 1);
    }

    // ---- writers, for the engine that fills the struct ----------------------------------------------------

    /**
     * Stores a field (the value truncated to its width as C would) at {@code off}; at a unit of bit fields,
     * the whole unit with its bits already packed.
     */
    public static void put(byte[] dst, int off, long value) {
        Field f = at(off);
        switch (f.bytes()) {
            case 1 -> dst[off] = (byte) value;
            case 2 -> U16.set(dst, off, (short) value);
            case 4 -> U32.set(dst, off, (int) value);
            default -> U64.set(dst, off, value);
        }
    }

    /** The field at {@code off}; for a storage unit of bit fields, the unit (the caller packs the bits). */
    private static Field at(int off) {
        Field unit = null;
        for (Field f : FIELDS) {
            if (f.off() == off && f.bits() == 0) {
                return f;
            }
            if (f.off() == off && unit == null) {
                unit = f;
            }
        }
        if (unit == null) {
            throw new IllegalArgumentException("no field at offset " + off);
        }
        return unit;
    }

    private static int u8(String name, int off) {
        FIELDS.add(new Field(name, off, 1, 0, 0));
        return off;
    }

    private static int u16(String name, int off) {
        FIELDS.add(new Field(name, off, 2, 0, 0));
        return off;
    }

    private static int u32(String name, int off) {
        FIELDS.add(new Field(name, off, 4, 0, 0));
        return off;
    }

    private static int u64(String name, int off) {
        FIELDS.add(new Field(name, off, 8, 0, 0));
        return off;
    }

    private static int bits(String name, int off, int bytes, int shift, int n) {
        FIELDS.add(new Field(name, off, bytes, shift, n));
        return off;
    }

    // ---- typed accessors (the fields callers read most) ---------------------------------------------------

    public int state() {
        return (int) get("state");
    }

    public int caState() {
        return (int) get("ca_state");
    }

    public int retransmits() {
        return (int) get("retransmits");
    }

    public int probes() {
        return (int) get("probes");
    }

    public int backoff() {
        return (int) get("backoff");
    }

    public int options() {
        return (int) get("options");
    }

    public int sndWscale() {
        return (int) get("snd_wscale");
    }

    public int rcvWscale() {
        return (int) get("rcv_wscale");
    }

    /** @return tcpi_rto, microseconds */
    public long rto() {
        return get("rto");
    }

    public int sndMss() {
        return (int) get("snd_mss");
    }

    /** @return tcpi_unacked: segments sent and not yet acknowledged (Linux packets_out) */
    public int unacked() {
        return (int) get("unacked");
    }

    /** @return tcpi_rtt, microseconds */
    public long rtt() {
        return get("rtt");
    }

    public int notsentBytes() {
        return (int) get("notsent_bytes");
    }

    public int sndWnd() {
        return (int) get("snd_wnd");
    }

    public int advMss() {
        return (int) get("advmss");
    }

    public int sndCwnd() {
        return (int) get("snd_cwnd");
    }

    /** @return tcpi_snd_ssthresh (0x7fffffff, TCP_INFINITE_SSTHRESH, before the first loss) */
    public int sndSsthresh() {
        return (int) get("snd_ssthresh");
    }

    /** @return a copy of the struct's bytes */
    public byte[] bytes() {
        return b.clone();
    }
}
