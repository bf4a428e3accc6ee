package dev.fastpath.packetdrill;

import java.util.List;

/**
 * One line (or multi-line statement) of a packetdrill script. Times are in microseconds; how they
 * combine with the previous event's time is {@link When}.
 */
public sealed interface PdEvent {
    /** @return the script line the event starts on */
    int line();

    /** @return when the event happens */
    When when();

    /**
     * The time column. {@code kind} ABSOLUTE ({@code 0.1}), RELATIVE ({@code +.1}) or ANY ({@code *});
     * {@code end} is the second number of a range ({@code a...b} for a blocking call, {@code a~b}
     * for a packet), or −1 when there is none. A relative range end counts from the same base as
     * its start (packetdrill's RELATIVE_RANGE_TIME).
     */
    record When(Kind kind, long startUs, long endUs, boolean blocking) {
        /** How a time is written. */
        public enum Kind { ABSOLUTE, RELATIVE, ANY }
    }

    /** No {@code [ect0]}-style IP marking on the line: the ECN field is neither set nor checked. */
    int ECN_ANY = -1;

    /**
     * A {@code <} (inbound) or {@code >} (outbound) TCP segment.
     *
     * @param flags   TCP flag bits (TcpHeader constants)
     * @param start   the first sequence number, relative
     * @param end     the sequence number after the data
     * @param ack     the acknowledgment number or −1 when absent
     * @param window  the window or −1 when absent
     * @param urg     the urgent pointer or −1 when absent
     * @param ecn     the IP ECN field ({@code [noecn]} 0, {@code [ect1]} 1, {@code [ect0]} 2, {@code [ce]} 3)
     *                or {@link #ECN_ANY}
     * @param options the options, null when the line has none, {@link #ANY_OPTIONS} for {@code <...>}
     */
    record Packet(int line, When when, boolean inbound, int flags, long start, long end, int length, long ack,
            int window, int urg, int ecn, List<PdOption> options) implements PdEvent {
    }

    /**
     * An inbound ICMP message quoting one of the stack's segments:
     * {@code < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]}.
     *
     * @param type   ICMP type
     * @param code   ICMP code
     * @param mtu    next-hop MTU (fragmentation needed), else 0
     * @param start  the quoted segment's first sequence number relative to the stack's ISN (0 when not given)
     * @param length the quoted segment's length
     */
    record Icmp(int line, When when, int type, int code, int mtu, long start, int length) implements PdEvent {
    }

    /** The {@code <...>} marker: any options are fine. */
    List<PdOption> ANY_OPTIONS = List.of(new PdOption("...", new long[0]));

    /**
     * A system call with its expected result.
     *
     * @param name     e.g. {@code write}
     * @param args     the raw argument texts
     * @param expected the expected return value
     * @param errno    the expected errno name when {@code expected} is −1 and the line names one, else null
     */
    record Syscall(int line, When when, String name, List<String> args, long expected, String errno)
            implements PdEvent {
    }

    /** A back-quoted shell command. */
    record Shell(int line, When when, String command) implements PdEvent {
    }

    /** A {@code %{ … }%} Python block: run by python3 with the TCP_INFO values of its time, at the script's end. */
    record Python(int line, When when, String code) implements PdEvent {
    }

    /**
     * One TCP option of a script: {@code mss 1000} → ("mss", [1000]); {@code TS val 1 ecr 2} →
     * ("TS", [1, 2]); {@code sack 1:2 3:4} → ("sack", [1, 2, 3, 4]); {@code FO abcd} → ("FO", [0xab, 0xcd]).
     */
    record PdOption(String kind, long[] values) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(kind);
            if (kind.equals("TS")) {
                return "TS val " + values[0] + " ecr " + values[1];
            }
            if (kind.equals("FO") || kind.equals("FOEXP")) {
                StringBuilder hex = new StringBuilder(values.length == 0 ? kind : kind + " ");
                for (long v : values) {
                    hex.append(String.format("%02x", v));
                }
                return hex.toString();
            }
            for (int i = 0; i < values.length; i++) {
                b.append(kind.equals("sack") && i % 2 == 1 ? ":" : " ").append(values[i]);
            }
            return b.toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PdOption p && p.kind.equals(kind) && java.util.Arrays.equals(p.values, values);
        }

        @Override
        public int hashCode() {
            return kind.hashCode() * 31 + java.util.Arrays.hashCode(values);
        }
    }
}
