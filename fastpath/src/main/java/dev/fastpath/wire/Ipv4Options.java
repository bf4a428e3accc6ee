package dev.fastpath.wire;

import java.lang.foreign.MemorySegment;

/**
 * The IPv4 options of a received datagram judged as Linux's ip_options_compile() judges them on input
 * (net/ipv4/ip_options.c, called by ip_rcv_options()): options are walked to End of List; NOP takes one byte;
 * every other option needs a length of at least 2 that stays inside the header; record route, timestamp and
 * source route need a pointer that makes sense; record route and timestamp may appear once, source route once.
 * A fault is reported with the offset of the byte at fault (the ICMP parameter problem's pointer). Nothing is
 * written: the engine delivers locally and never echoes IP options, so what Linux records in them does not show.
 */
public final class Ipv4Options {
    /** The options are acceptable. */
    public static final int OK = -1;
    /** A source route option: dropped without an answer, as with Linux's default accept_source_route=0. */
    public static final int SOURCE_ROUTE = -2;

    private static final int END = 0;
    private static final int NOOP = 1;
    private static final int RR = 7;
    private static final int TIMESTAMP = 68;
    private static final int LSRR = 131;
    private static final int SSRR = 137;
    private static final int RA = 148;
    private static final int CIPSO = 134;
    private static final int TS_TSANDADDR = 1;
    private static final int TS_PRESPEC = 3;

    private Ipv4Options() {
    }

    /**
     * @param buf          memory holding the datagram
     * @param ip           where its IPv4 header starts
     * @param headerLength the header's length (more than 20: there are options)
     * @return {@link #OK}, {@link #SOURCE_ROUTE}, or the offset from the header's start of the byte at fault
     */
    public static int compile(MemorySegment buf, long ip, int headerLength) {
        boolean rr = false;
        boolean ts = false;
        boolean srr = false;
        int at = Ipv4Header.MIN_LENGTH;
        while (at < headerLength) {
            int type = Net.u8(buf, ip + at);
            if (type == END) {
                break;
            }
            if (type == NOOP) {
                at++;
                continue;
            }
            int left = headerLength - at;
            if (left < 2) {
                return at;
            }
            int len = Net.u8(buf, ip + at + 1);
            if (len < 2 || len > left) {
                return at;
            }
            int fault = switch (type) {
                case LSRR, SSRR -> {
                    int f = sourceRoute(buf, ip, at, len, srr);
                    srr = true;
                    yield f;
                }
                case RR -> {
                    int f = rr ? at : recordRoute(buf, ip, at, len);
                    rr = true;
                    yield f;
                }
                case TIMESTAMP -> {
                    int f = ts ? at : timestamp(buf, ip, at, len);
                    ts = true;
                    yield f;
                }
                case RA -> len < 4 ? at + 1 : OK;
                // no CIPSO DOI is configured (Linux's default): cipso_v4_validate() refuses it at its length or DOI
                case CIPSO -> len < 8 ? at + 1 : at + 2;
                default -> OK; // security, stream id and unknown options are kept as they are
            };
            if (fault != OK) {
                return fault;
            }
            at += len;
        }
        return srr ? SOURCE_ROUTE : OK;
    }

    private static int sourceRoute(MemorySegment buf, long ip, int at, int len, boolean seen) {
        if (len < 3) {
            return at + 1;
        }
        if (Net.u8(buf, ip + at + 2) < 4) {
            return at + 2;
        }
        return seen ? at : OK; // RFC 1812 5.2.4.1: one source route only
    }

    private static int recordRoute(MemorySegment buf, long ip, int at, int len) {
        if (len < 3) {
            return at + 1;
        }
        int ptr = Net.u8(buf, ip + at + 2);
        if (ptr < 4) {
            return at + 2;
        }
        return ptr <= len && ptr + 3 > len ? at + 2 : OK; // room left, but not for a whole address
    }

    private static int timestamp(MemorySegment buf, long ip, int at, int len) {
        if (len < 4) {
            return at + 1;
        }
        int ptr = Net.u8(buf, ip + at + 2);
        if (ptr < 5) {
            return at + 2;
        }
        int flag = Net.u8(buf, ip + at + 3) & 0x0F;
        if (ptr <= len) {
            if (ptr + 3 > len) {
                return at + 2;
            }
            if ((flag == TS_TSANDADDR || flag == TS_PRESPEC) && ptr + 7 > len) {
                return at + 2;
            }
            return OK;
        }
        // full: the overflow count goes up, and a count already at 15 cannot
        return flag != TS_PRESPEC && Net.u8(buf, ip + at + 3) >>> 4 == 15 ? at + 3 : OK;
    }
}
