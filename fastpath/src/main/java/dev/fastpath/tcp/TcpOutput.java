package dev.fastpath.tcp;

import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOptionWriter;
import dev.fastpath.wire.TcpSegmentView;
import java.lang.foreign.MemorySegment;

/**
 * Writes TCP segments in place in room the layer below ({@link IpLayer}) claims on the route to their
 * destination, and hands them back to it to send: Linux's {@code tcp_transmit_skb} and friends. The layer below
 * frames them (IPv4, Ethernet); checksums are always complete.
 * Option layouts follow Linux's {@code tcp_options_write}: SYN {@code <mss,sackOK,TS,nop,wscale>},
 * without timestamps {@code <mss,nop,nop,sackOK,nop,wscale>}, others {@code <nop,nop,TS>}.
 */
final class TcpOutput {
    /** Option bits for {@link #send}. */
    static final int OPT_MSS = 1;
    static final int OPT_WSCALE = 2;
    static final int OPT_SACK_PERM = 4;
    static final int OPT_TS = 8;
    /** SACK blocks from {@link #sackStarts}/{@link #sackEnds} ({@link #sackCount} of them). */
    static final int OPT_SACK = 16;
    /** A Fast Open option from {@link #fastOpenLength}/{@link #fastOpenHi}/{@link #fastOpenLo} (SYN only). */
    static final int OPT_FASTOPEN = 32;
    int fastOpenLength;
    long fastOpenHi;
    long fastOpenLo;
    boolean fastOpenExp;
    /** The next segment's urgent pointer (with URG in its flags); 0 after each send. */
    int urgentPointer;
    final int[] sackStarts = new int[4];
    final int[] sackEnds = new int[4];
    int sackCount;

    private final IpLayer ip;
    private final TcpHeader tcp = new TcpHeader();
    private final TcpOptionWriter options = new TcpOptionWriter();
    private final TcpStat.Counters counters;
    /**
     * The segment the engine is processing ({@code tcpV4Rcv}), else null: what is sent meanwhile goes to the layer
     * below as a possible reply to it (Linux routes replies by the incoming skb).
     */
    TcpSegmentView inReplyTo;
    private int srcIp;
    private int dstIp;
    private int srcPort;
    private int dstPort;
    private int seq;
    private int ack;
    private int flags;
    private int window;
    /** The next segment's IPv4 TOS byte (its ECN field: ECT(0) for an ECN connection's new data). */
    private int tos;
    /** The next segment leaves without DF (IP_MTU_DISCOVER other than WANT or DO). */
    private boolean noDf;
    private int optionBits;
    /** The next segment is a listener's SYN-ACK: IPv4 id 0, as Linux's ip_build_and_send_pkt() sends it. */
    private boolean listenerReply;
    private int mss;
    private int wscale;
    private int tsVal;
    private int tsEcr;

    TcpOutput(IpLayer ip, TcpStat.Counters counters) {
        this.ip = ip;
        this.counters = counters;
    }

    /** The most payload one frame can carry after the headers below TCP and the largest options. */
    int maxPayload() {
        return ip.segmentCapacity() - TcpHeader.MAX_LENGTH;
    }

    /** Sets the addresses and ports of the next segment. */
    TcpOutput tuple(int srcIp, int dstIp, int srcPort, int dstPort) {
        this.srcIp = srcIp;
        this.dstIp = dstIp;
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        return this;
    }

    /**
     * Sets the IPv4 fields a socket chooses for the next segment (otherwise TOS 0 and DF).
     *
     * @param tos the TOS byte: IP_TOS's DSCP bits, the ECN field (ECT(0) for an ECN connection's new data)
     * @param df  whether DF is set (Kernel: ip_dont_fragment(): IP_PMTUDISC_WANT or _DO)
     */
    TcpOutput ip(int tos, boolean df) {
        this.tos = tos;
        this.noDf = !df;
        return this;
    }

    /** Sets sequence, acknowledgment, flags and (already scaled) window of the next segment. */
    TcpOutput header(int seq, int ack, int flags, int window) {
        this.seq = seq;
        this.ack = ack;
        this.flags = flags;
        this.window = window;
        return this;
    }

    /**
     * Marks the next segment as a listener's SYN-ACK (request or cookie): it goes out with IPv4 id 0 and DF, as
     * Linux's ip_build_and_send_pkt() sends it (and as the XDP program answering SYNs writes it); a connection's
     * own segments, a simultaneous open's SYN-ACK included, take the next id.
     *
     * @return this
     */
    TcpOutput listenerReply() {
        this.listenerReply = true;
        return this;
    }

    /** Sets the options of the next segment ({@code OPT_*} bits and their values). */
    TcpOutput options(int bits, int mss, int wscale, int tsVal, int tsEcr) {
        this.optionBits = bits;
        this.mss = mss;
        this.wscale = wscale;
        this.tsVal = tsVal;
        this.tsEcr = tsEcr;
        return this;
    }

    /**
     * Sends the segment set up by {@link #tuple}, {@link #header}, {@link #options}.
     * Kernel: tcp_output.c tcp_transmit_skb().
     *
     * @return true when the frame was committed
     */
    boolean send(byte[] payload, int payloadOffset, int payloadLength) {
        if (payloadLength < 0 || payloadLength > maxPayload() || payloadLength > 0 && (payload == null
                || payloadOffset < 0 || payloadOffset > payload.length - payloadLength)) {
            // Lengths that do not add up (an MSS gone to zero or below once did this: an IPv4 total length
            // shorter than the TCP header, snd_nxt running backwards): refused, counted, never on the wire.
            counters.inc(TcpStat.FpTxBadLength);
            optionBits = 0;
            listenerReply = false;
            tos = 0;
            noDf = false;
            urgentPointer = 0;
            return false;
        }
        long tcpOff = ip.claimV4(srcIp, dstIp, inReplyTo);
        if (tcpOff < 0) {
            counters.inc(tcpOff == IpLayer.NO_ROUTE ? TcpStat.FpNoRoute : TcpStat.FpTxRingFull);
            listenerReply = false;
            tos = 0;
            noDf = false;
            urgentPointer = 0;
            return false;
        }
        MemorySegment buf = ip.txBuffer();
        options.wrap(buf, tcpOff + TcpHeader.MIN_LENGTH);
        writeOptions(optionBits, mss, wscale, tsVal, tsEcr);
        int headerLength = TcpHeader.MIN_LENGTH + options.length();
        int tcpLength = headerLength + payloadLength;
        if (payloadLength > 0) {
            MemorySegment.copy(MemorySegment.ofArray(payload), payloadOffset, buf, tcpOff + headerLength,
                    payloadLength);
        }
        tcp.wrap(buf, tcpOff).sourcePort(srcPort).destinationPort(dstPort).seq(seq).ack(ack)
                .dataOffset(headerLength >>> 2).flags(flags).window(window).checksum(0)
                .urgentPointer(urgentPointer)
                .fillChecksum(tcpLength, srcIp, dstIp);
        ip.sendV4(tcpOff, tcpLength, listenerReply, tos, !noDf);
        counters.inc(TcpStat.TcpOutSegs);
        if ((flags & TcpHeader.RST) != 0) {
            counters.inc(TcpStat.TcpOutRsts);
        }
        optionBits = 0;
        urgentPointer = 0;
        listenerReply = false;
        tos = 0;
        noDf = false;
        return true;
    }

    private void writeOptions(int bits, int mss, int wscale, int tsVal, int tsEcr) {
        if ((bits & OPT_MSS) != 0) {
            options.mss(mss);
            if ((bits & OPT_TS) != 0) {
                if ((bits & OPT_SACK_PERM) != 0) {
                    options.sackPermitted();
                } else {
                    options.nop().nop();
                }
                options.timestamps(tsVal, tsEcr);
            } else if ((bits & OPT_SACK_PERM) != 0) {
                options.nop().nop().sackPermitted();
            }
            if ((bits & OPT_WSCALE) != 0) {
                options.nop().windowScale(wscale);
            }
            if ((bits & OPT_FASTOPEN) != 0) {
                options.fastOpen(fastOpenLength, fastOpenHi, fastOpenLo, fastOpenExp);
            }
        } else if ((bits & OPT_TS) != 0) {
            options.nop().nop().timestamps(tsVal, tsEcr);
        }
        if ((bits & OPT_SACK) != 0 && sackCount > 0) {
            options.nop().nop().sackBlocks(sackStarts, sackEnds, sackCount); // tcp_options_write() layout
        }
        options.padToWord();
    }

    void flush() {
        ip.flush();
    }
}
