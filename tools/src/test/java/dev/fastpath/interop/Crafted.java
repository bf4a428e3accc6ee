package dev.fastpath.interop;

import dev.fastpath.lab.Lab;
import dev.fastpath.wire.Checksum;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Hand-crafted segments as data, and answers reduced to what can be compared between two TCP stacks. A case is a
 * list of steps read from a text file ({@code crafted.txt}): a segment to send, written with symbols for what is
 * only known at run time, the kernel's expected answer flags, or a pause:
 *
 * <pre>
 * case syn-recv/exact-rst          a case (a fresh client port); "profile=cookies" runs it with tcp_syncookies=2
 * > S seq=c opts=mss:1460,sackok,ts,nop,ws:7
 * < S.                             the kernel is expected to answer with these flags ("-" for nothing)
 * ~ win why                        a field of the last step's answers left out of the comparison, and why
 * > R seq=c+1
 * wait 600
 * </pre>
 *
 * <p>Fields of {@code >}: flags (S F R P U . E = ECE, C = CWR, or {@code 0}); {@code seq=}, {@code ack=} as sums of
 * {@code c} (our ISN), {@code s} (the target's ISN, from its SYN-ACK), {@code n} (the target's snd_nxt as seen),
 * {@code o} (our snd_nxt: the end of the furthest segment we sent but a RST) and numbers; {@code win=}; {@code opts=}
 * a comma list of {@code mss:N}, {@code ws:N}, {@code sackok}, {@code ts} (our clock, echoing the target's last
 * TSval), {@code ts:VAL:ECR}, {@code nop}, {@code eol}, {@code raw:HEX}; {@code data=} a byte count, {@code http} or
 * {@code http-close}; {@code mac=bcast|mcast|other}; {@code src=self} (the target's own address and port: LAND);
 * {@code tos=N}; {@code ipopts=HEX}; {@code frag=A:B} sends only bytes [A, B) of the IP payload as a fragment (B empty:
 * to the end; MF unless it is the end; the IP id is the client port, so a case's fragments are one datagram).
 */
final class Crafted {
    static final String SOURCE_IP = "198.18.0.3";
    static final int SOURCE = 0xC6120003;
    static final int TARGET_PORT = 80;
    static final byte[] HTTP = "GET / HTTP/1.1\r\nHost: f\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] HTTP_CLOSE = "GET / HTTP/1.1\r\nHost: f\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private Crafted() {
    }

    /** A case: its name, the target profile it needs, its steps. */
    record Case(String name, String profile, List<Step> steps) {
    }

    /** One line: a segment to send ({@code >}), the kernel's expected flags ({@code <}), or a pause. */
    record Step(int line, char kind, String text) {
    }

    /** Reads the cases of a file. */
    static List<Case> parse(List<String> lines) {
        List<Case> cases = new ArrayList<>();
        String name = null;
        String profile = "default";
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (l.startsWith("case ")) {
                if (name != null) {
                    cases.add(new Case(name, profile, List.copyOf(steps)));
                }
                String[] f = l.substring(5).strip().split("\\s+");
                name = f[0];
                profile = f.length > 1 && f[1].startsWith("profile=") ? f[1].substring(8) : "default";
                steps.clear();
            } else if (l.startsWith(">") || l.startsWith("<") || l.startsWith("~")) {
                steps.add(new Step(i + 1, l.charAt(0), l.substring(1).strip()));
            } else if (l.startsWith("wait ")) {
                steps.add(new Step(i + 1, 'w', l.substring(5).strip()));
            } else {
                throw new IllegalArgumentException("line " + (i + 1) + ": cannot read " + l);
            }
        }
        if (name != null) {
            cases.add(new Case(name, profile, List.copyOf(steps)));
        }
        return cases;
    }

    /** What one target's side of a case knows: the symbols' values. */
    static final class State {
        final int clientPort;
        final int c;
        int s;
        boolean sKnown;
        int n;
        /** Our snd_nxt: the end of the furthest segment we sent. */
        int o;
        boolean oKnown;
        long t;
        int ourTs = 1_000_000;
        /** The TSval of the last segment we sent with timestamps. */
        long lastTs = -1;

        State(int clientPort, int clientIsn) {
            this.clientPort = clientPort;
            this.c = clientIsn;
        }

        int eval(String expr) {
            int v = 0;
            int sign = 1;
            for (String tok : expr.replace("-", "+-").split("\\+")) {
                String t1 = tok.strip();
                if (t1.isEmpty()) {
                    continue;
                }
                sign = 1;
                if (t1.startsWith("-")) {
                    sign = -1;
                    t1 = t1.substring(1);
                }
                v += sign * switch (t1) {
                    case "c" -> c;
                    case "s" -> s;
                    case "n" -> n;
                    case "o" -> o;
                    default -> (int) Long.parseLong(t1);
                };
            }
            return v;
        }

        /** Learns s, n and t from an answer. */
        void learn(Answer a) {
            if (a.tcp) {
                if ((a.flags & 0x02) != 0 && !sKnown) {
                    s = a.seq;
                    sKnown = true;
                    n = a.seq;
                }
                int end = a.seq + a.payload + ((a.flags & 0x02) != 0 ? 1 : 0) + ((a.flags & 0x01) != 0 ? 1 : 0);
                if (sKnown && end - n > 0) {
                    n = end;
                }
                if (a.tsVal >= 0) {
                    t = a.tsVal;
                }
            }
        }
    }

    /** Builds the frame a {@code >} step describes, for a target on {@code targetIp}/{@code targetMac}. */
    static byte[] frame(String text, State st, int targetIp, long targetMac) {
        String[] f = text.split("\\s+");
        int flags = flags(f[0]);
        int seq = 0;
        int ack = 0;
        int win = 65535;
        byte[] opts = new byte[0];
        byte[] data = new byte[0];
        long dstMac = targetMac;
        int src = SOURCE;
        int srcPort = st.clientPort;
        int tos = 0;
        byte[] ipOpts = new byte[0];
        String frag = null;
        for (int i = 1; i < f.length; i++) {
            String k = f[i].substring(0, f[i].indexOf('='));
            String v = f[i].substring(f[i].indexOf('=') + 1);
            switch (k) {
                case "seq" -> seq = st.eval(v);
                case "ack" -> ack = st.eval(v);
                case "win" -> win = Integer.parseInt(v);
                case "opts" -> opts = options(v, st);
                case "data" -> data = switch (v) {
                    case "http" -> HTTP;
                    case "http-close" -> HTTP_CLOSE;
                    default -> "x".repeat(Integer.parseInt(v)).getBytes(StandardCharsets.US_ASCII);
                };
                case "mac" -> dstMac = switch (v) {
                    case "bcast" -> 0xFFFF_FFFF_FFFFL;
                    case "mcast" -> 0x0100_5E00_0001L;
                    default -> 0x0200_C612_00FFL;
                };
                case "src" -> {
                    src = targetIp;
                    srcPort = TARGET_PORT;
                }
                case "tos" -> tos = Integer.parseInt(v);
                case "ipopts" -> ipOpts = HexFormat.of().parseHex(v);
                case "frag" -> frag = v;
                default -> throw new IllegalArgumentException("unknown field " + k + " in " + text);
            }
        }
        int end = seq + data.length + ((flags & 0x02) != 0 ? 1 : 0) + ((flags & 0x01) != 0 ? 1 : 0);
        if ((flags & 0x04) == 0 && (!st.oKnown || end - st.o > 0)) {
            st.o = end; // our snd_nxt only moves forward, and a RST does not move it
            st.oKnown = true;
        }
        byte[] whole = build(dstMac, src, targetIp, tos, ipOpts, srcPort, seq, ack, flags, win, opts, data);
        return frag == null ? whole : fragment(whole, frag, st.clientPort);
    }

    /** Cuts a frame down to one fragment of its datagram: payload bytes [A, B) of "A:B", IP id {@code id}. */
    static byte[] fragment(byte[] whole, String range, int id) {
        int ip = 14;
        int ipHl = (whole[ip] & 0x0F) * 4;
        int payload = whole.length - ip - ipHl;
        int from = Integer.parseInt(range.substring(0, range.indexOf(':')));
        String toText = range.substring(range.indexOf(':') + 1);
        int to = toText.isEmpty() ? payload : Integer.parseInt(toText);
        byte[] b = new byte[ip + ipHl + to - from];
        System.arraycopy(whole, 0, b, 0, ip + ipHl);
        System.arraycopy(whole, ip + ipHl + from, b, ip + ipHl, to - from);
        int total = ipHl + to - from;
        b[ip + 2] = (byte) (total >> 8);
        b[ip + 3] = (byte) total;
        b[ip + 4] = (byte) (id >> 8);
        b[ip + 5] = (byte) id;
        int field = (to < payload ? 0x2000 : 0) | from / 8;
        b[ip + 6] = (byte) (field >> 8);
        b[ip + 7] = (byte) field;
        b[ip + 10] = 0;
        b[ip + 11] = 0;
        int ipSum = ~Checksum.sum16(MemorySegment.ofArray(b), ip, ipHl, 0) & 0xFFFF;
        b[ip + 10] = (byte) (ipSum >> 8);
        b[ip + 11] = (byte) ipSum;
        return b;
    }

    static int flags(String s) {
        int v = 0;
        for (char ch : s.toCharArray()) {
            v |= switch (ch) {
                case 'F' -> 0x01;
                case 'S' -> 0x02;
                case 'R' -> 0x04;
                case 'P' -> 0x08;
                case '.' -> 0x10;
                case 'U' -> 0x20;
                case 'E' -> 0x40;
                case 'C' -> 0x80;
                case '0' -> 0;
                default -> throw new IllegalArgumentException("flag " + ch);
            };
        }
        return v;
    }

    static String flagString(int flags) {
        StringBuilder sb = new StringBuilder();
        String names = "FSRP.UEC";
        for (int i = 0; i < 8; i++) {
            if ((flags & 1 << i) != 0) {
                sb.append(names.charAt(i));
            }
        }
        return sb.isEmpty() ? "0" : sb.toString();
    }

    private static byte[] options(String list, State st) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (String opt : list.split(",")) {
            String[] p = opt.split(":");
            switch (p[0]) {
                case "mss" -> o.writeBytes(new byte[] {2, 4, (byte) (Integer.parseInt(p[1]) >> 8),
                    (byte) Integer.parseInt(p[1])});
                case "ws" -> o.writeBytes(new byte[] {3, 3, (byte) Integer.parseInt(p[1])});
                case "sackok" -> o.writeBytes(new byte[] {4, 2});
                case "nop" -> o.write(1);
                case "eol" -> o.write(0);
                case "raw" -> o.writeBytes(HexFormat.of().parseHex(p[1]));
                case "ts" -> {
                    long val = p.length > 1 ? Long.parseLong(p[1]) : st.ourTs++;
                    st.lastTs = val;
                    long ecr = p.length > 2 ? Long.parseLong(p[2]) : st.t;
                    o.writeBytes(new byte[] {8, 10});
                    o.writeBytes(be32(val));
                    o.writeBytes(be32(ecr));
                }
                default -> throw new IllegalArgumentException("option " + opt);
            }
        }
        return o.toByteArray();
    }

    private static byte[] be32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** Ethernet + IPv4 (with options) + TCP, every length and checksum right, options padded with zeros. */
    static byte[] build(long dstMac, int src, int dst, int tos, byte[] ipOpts, int srcPort, int seq, int ack,
            int flags, int win, byte[] opts, byte[] data) {
        int ipHl = 20 + (ipOpts.length + 3 & ~3);
        int tcpHl = 20 + (opts.length + 3 & ~3);
        byte[] b = new byte[14 + ipHl + tcpHl + data.length];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (dstMac >>> (40 - 8 * i));
            b[6 + i] = (byte) (Lab.MAC_B >>> (40 - 8 * i));
        }
        b[12] = 8;
        int ip = 14;
        b[ip] = (byte) (0x40 | ipHl / 4);
        b[ip + 1] = (byte) tos;
        int total = ipHl + tcpHl + data.length;
        b[ip + 2] = (byte) (total >> 8);
        b[ip + 3] = (byte) total;
        b[ip + 6] = 0x40;
        b[ip + 8] = 64;
        b[ip + 9] = 6;
        put32(b, ip + 12, src);
        put32(b, ip + 16, dst);
        System.arraycopy(ipOpts, 0, b, ip + 20, ipOpts.length);
        int ipSum = ~Checksum.sum16(MemorySegment.ofArray(b), ip, ipHl, 0) & 0xFFFF;
        b[ip + 10] = (byte) (ipSum >> 8);
        b[ip + 11] = (byte) ipSum;
        int t = ip + ipHl;
        b[t] = (byte) (srcPort >> 8);
        b[t + 1] = (byte) srcPort;
        b[t + 2] = (byte) (TARGET_PORT >> 8);
        b[t + 3] = (byte) TARGET_PORT;
        put32(b, t + 4, seq);
        put32(b, t + 8, ack);
        b[t + 12] = (byte) (tcpHl / 4 << 4);
        b[t + 13] = (byte) flags;
        b[t + 14] = (byte) (win >> 8);
        b[t + 15] = (byte) win;
        System.arraycopy(opts, 0, b, t + 20, opts.length);
        System.arraycopy(data, 0, b, t + tcpHl, data.length);
        int sum = Checksum.tcpChecksum(MemorySegment.ofArray(b), t, tcpHl + data.length, src, dst);
        b[t + 16] = (byte) (sum >> 8);
        b[t + 17] = (byte) sum;
        return b;
    }

    private static void put32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static int i32(byte[] b, int at) {
        return u16(b, at) << 16 | u16(b, at + 2);
    }

    /** An answer frame, parsed; {@link #describe} reduces it to what two stacks must agree on. */
    static final class Answer {
        final boolean tcp;
        final String icmp;
        int srcPort;
        int dstPort;
        int seq;
        int ack;
        int flags;
        int window;
        int payload;
        long tsVal = -1;
        long tsEcr;
        final List<String> options = new ArrayList<>();
        final List<int[]> sack = new ArrayList<>();

        Answer(byte[] f) {
            int ip = 14;
            int ipHl = (f[ip] & 0x0F) * 4;
            int total = u16(f, ip + 2);
            int proto = f[ip + 9] & 0xFF;
            int t = ip + ipHl;
            if (proto != 6) {
                tcp = false;
                icmp = proto == 1 ? "icmp " + (f[t] & 0xFF) + "/" + (f[t + 1] & 0xFF) + " ptr " + (f[t + 4] & 0xFF)
                        : "proto " + proto;
                return;
            }
            tcp = true;
            icmp = null;
            srcPort = u16(f, t);
            dstPort = u16(f, t + 2);
            seq = i32(f, t + 4);
            ack = i32(f, t + 8);
            int hl = (f[t + 12] & 0xF0) >>> 2;
            flags = f[t + 13] & 0xFF;
            window = u16(f, t + 14);
            payload = total - ipHl - hl;
            for (int o = t + 20; o < t + hl;) {
                int kind = f[o] & 0xFF;
                if (kind == 0) {
                    break;
                }
                if (kind == 1) {
                    options.add("nop");
                    o++;
                    continue;
                }
                int len = f[o + 1] & 0xFF;
                switch (kind) {
                    case 2 -> options.add("mss:" + u16(f, o + 2));
                    case 3 -> options.add("ws:" + (f[o + 2] & 0xFF));
                    case 4 -> options.add("sackok");
                    case 8 -> {
                        tsVal = i32(f, o + 2) & 0xFFFFFFFFL;
                        tsEcr = i32(f, o + 6) & 0xFFFFFFFFL;
                        options.add("ts");
                    }
                    case 5 -> {
                        for (int k = o + 2; k + 8 <= o + len; k += 8) {
                            sack.add(new int[] {i32(f, k), i32(f, k + 4)});
                        }
                        options.add("sack");
                    }
                    default -> options.add("opt" + kind);
                }
                o += Math.max(len, 2);
            }
        }

        /**
         * What must match: flags, seq relative to the target's ISN, ack relative to ours, window, options (MSS,
         * window scale, SACK blocks relative to our ISN; a timestamp's presence and whether it echoes our last
         * TSval), payload length. The TSval itself is each stack's own clock.
         */
        String describe(State st) {
            long ourLastTs = st.lastTs;
            if (!tcp) {
                return icmp;
            }
            StringBuilder sb = new StringBuilder(flagString(flags));
            boolean zero = seq == 0 && (flags & 0x04) != 0; // a RST answering a segment without ACK
            sb.append(" seq ").append(zero ? "0" : st.sKnown ? rel("s", seq - st.s) : "?");
            sb.append(" ack ").append((flags & 0x10) != 0 ? rel("c", ack - st.c) : ack == 0 ? "0" : "?");
            sb.append(" win ").append(window);
            List<String> opts = new ArrayList<>();
            for (String o : options) {
                if (o.equals("ts")) {
                    opts.add("ts ecr=" + (tsEcr == ourLastTs ? "ours" : tsEcr == 0 ? "0" : Long.toString(tsEcr)));
                } else if (o.equals("sack")) {
                    StringBuilder b = new StringBuilder("sack");
                    for (int[] r : sack) {
                        b.append(' ').append(rel("c", r[0] - st.c)).append(':').append(rel("c", r[1] - st.c));
                    }
                    opts.add(b.toString());
                } else {
                    opts.add(o);
                }
            }
            sb.append(" <").append(String.join(",", opts)).append('>');
            sb.append(" len ").append(payload);
            return sb.toString();
        }

        private static String rel(String base, int d) {
            return d == 0 ? base : d > 0 ? base + "+" + Integer.toUnsignedString(d) : base + "-" + (-(long) d);
        }

        @Override
        public String toString() {
            return tcp ? flagString(flags).toLowerCase(Locale.ROOT) + " " + srcPort + ">" + dstPort : icmp;
        }
    }
}
