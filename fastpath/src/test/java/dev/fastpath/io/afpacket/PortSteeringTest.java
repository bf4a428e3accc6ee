package dev.fastpath.io.afpacket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The classic BPF steering program run by a small interpreter of the opcodes it uses (semantics of
 * net/core/filter.c: loads relative to the network header, a load past the end ends the program with 0)
 * against {@link PortSteering#workerOf}, on TCP segments, ICMP errors quoting TCP, and frames that go to 0.
 */
class PortSteeringTest {

    private static final int ETH_P_IP = 0x0800;
    private static final int ETH_P_ARP = 0x0806;

    @Test
    void tcpSegmentsGoWhereTheJavaFunctionSays() {
        SplittableRandom r = new SplittableRandom(6);
        for (int workers = 1; workers <= 5; workers++) {
            long[] prog = PortSteering.program(workers);
            for (int i = 0; i < 2000; i++) {
                int sport = r.nextInt(65536);
                int dport = r.nextInt(65536);
                int options = r.nextInt(11) * 4; // IHL 5..15
                byte[] pkt = tcp(sport, dport, options, 0);
                int want = PortSteering.workerOf(sport, dport, workers);
                assertEquals(want, run(prog, ETH_P_IP, pkt) % workers, "ports " + sport + "/" + dport);
                assertEquals(want, PortSteering.workerOf(dport, sport, workers), "symmetric");
            }
        }
    }

    @Test
    void icmpErrorsFollowTheQuotedFlow() {
        long[] prog = PortSteering.program(3);
        for (int type : new int[] {3, 11, 12}) {
            for (int sport = 40000; sport < 40010; sport++) {
                // The quote is our own segment: our port first; the reply direction gives the same worker.
                byte[] quoted = tcp(sport, 7, 8, 0);
                byte[] pkt = icmp(type, quoted, 4);
                assertEquals(PortSteering.workerOf(7, sport, 3), run(prog, ETH_P_IP, pkt) % 3, "type " + type);
            }
        }
    }

    @Test
    void everythingElseGoesToWorkerZero() {
        long[] prog = PortSteering.program(4);
        int tcpWorker = PortSteering.workerOf(1, 2, 4);
        assertEquals(0, run(prog, ETH_P_ARP, new byte[28]), "ARP");
        assertEquals(0, run(prog, ETH_P_IP, icmp(8, tcp(1, 2, 0, 0), 0)), "echo request");
        assertEquals(0, run(prog, ETH_P_IP, icmp(3, udp(1, 2), 0)), "unreachable quoting UDP");
        assertEquals(0, run(prog, ETH_P_IP, udp(1, 2)), "UDP");
        assertEquals(0, run(prog, ETH_P_IP, tcp(1, 2, 0, 185)), "non-first fragment");
        assertEquals(tcpWorker, run(prog, ETH_P_IP, tcp(1, 2, 0, 0x2000)), "first fragment (MF) has ports");
        byte[] shortPkt = new byte[22];
        System.arraycopy(tcp(1, 2, 0, 0), 0, shortPkt, 0, 22);
        assertEquals(0, run(prog, ETH_P_IP, shortPkt), "truncated: the kernel ends with 0");
    }

    @Test
    void workerCountIsChecked() {
        assertThrows(IllegalArgumentException.class, () -> PortSteering.program(0));
        assertEquals(33, PortSteering.program(2).length);
    }

    /** Linux clients use even ports against one server port: both workers must still get about half. */
    @Test
    void evenClientPortsSpreadOverTwoWorkers() {
        int[] count = new int[2];
        for (int p = 32768; p < 60999; p += 2) {
            count[PortSteering.workerOf(p, 7, 2)]++;
        }
        int total = count[0] + count[1];
        assertEquals(0.5, count[0] / (double) total, 0.05, count[0] + " / " + count[1]);
    }

    private static byte[] ipv4(int proto, int optionBytes, int fragWord, byte[] payload) {
        int ihl = 20 + optionBytes;
        ByteBuffer b = ByteBuffer.allocate(ihl + payload.length);
        b.put((byte) (0x40 | ihl / 4)).put((byte) 0).putShort((short) (ihl + payload.length)).putShort((short) 1)
            .putShort((short) fragWord).put((byte) 64).put((byte) proto).putShort((short) 0)
            .putInt(0xC6120002).putInt(0xC6120001);
        b.position(ihl);
        b.put(payload);
        return b.array();
    }

    private static byte[] tcp(int sport, int dport, int optionBytes, int fragWord) {
        ByteBuffer t = ByteBuffer.allocate(20);
        t.putShort((short) sport).putShort((short) dport).putInt(1).putInt(0).put((byte) 0x50).put((byte) 2);
        return ipv4(6, optionBytes, fragWord, t.array());
    }

    private static byte[] udp(int sport, int dport) {
        ByteBuffer u = ByteBuffer.allocate(8);
        u.putShort((short) sport).putShort((short) dport).putShort((short) 8);
        return ipv4(17, 0, 0, u.array());
    }

    private static byte[] icmp(int type, byte[] quoted, int optionBytes) {
        byte[] body = new byte[8 + Math.min(quoted.length, 28 + 20)];
        body[0] = (byte) type;
        System.arraycopy(quoted, 0, body, 8, body.length - 8);
        return ipv4(1, optionBytes, 0, body);
    }

    /** A classic BPF interpreter for the opcodes {@link PortSteering#program} uses. */
    private static int run(long[] prog, int ethertype, byte[] pkt) {
        int a = 0;
        int x = 0;
        int[] mem = new int[16];
        for (int pc = 0; pc < prog.length; pc++) {
            long w = prog[pc];
            int code = (int) (w & 0xFFFF);
            int jt = (int) (w >>> 16 & 0xFF);
            int jf = (int) (w >>> 24 & 0xFF);
            int k = (int) (w >>> 32);
            switch (code) {
                case 0x28 -> { // ldh [k]
                    if (k == -0x1000) {
                        a = ethertype;
                    } else {
                        int at = k + 0x100000;
                        if (at + 2 > pkt.length) {
                            return 0;
                        }
                        a = (pkt[at] & 0xFF) << 8 | pkt[at + 1] & 0xFF;
                    }
                }
                case 0x30, 0x50 -> { // ldb [k], ldb [x + k]
                    int at = k + 0x100000 + (code == 0x50 ? x : 0);
                    if (at >= pkt.length) {
                        return 0;
                    }
                    a = pkt[at] & 0xFF;
                }
                case 0x48 -> { // ldh [x + k]
                    int at = x + k + 0x100000;
                    if (at + 2 > pkt.length) {
                        return 0;
                    }
                    a = (pkt[at] & 0xFF) << 8 | pkt[at + 1] & 0xFF;
                }
                case 0x02 -> mem[k] = a;
                case 0x61 -> x = mem[k];
                case 0x54 -> a &= k;
                case 0x64 -> a <<= k;
                case 0x04 -> a += k;
                case 0x0c -> a += x;
                case 0xac -> a ^= x;
                case 0x94 -> a = Integer.remainderUnsigned(a, k);
                case 0x24 -> a *= k;
                case 0x74 -> a >>>= k;
                case 0x07 -> x = a;
                case 0x15 -> pc += a == k ? jt : jf;
                case 0x45 -> pc += (a & k) != 0 ? jt : jf;
                case 0x16 -> {
                    return a;
                }
                case 0x06 -> {
                    return k;
                }
                default -> throw new AssertionError("opcode " + Integer.toHexString(code) + " at " + pc);
            }
        }
        throw new AssertionError("fell off the end");
    }
}
