package dev.fastpath.tcp;

import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastpath.config.Config;
import dev.fastpath.lab.Child;
import dev.fastpath.lab.Lab;
import dev.fastpath.pcap.PcapReader;
import dev.fastpath.pcap.PcapRecord;
import dev.fastpath.wire.EthernetFrame;
import dev.fastpath.wire.Ipv4Packet;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SYN cookies checked against a real Linux kernel, not only against themselves: in the lab a Linux listener
 * (namespace B, {@code tcp_syncookies=2}, {@code tcp_timestamps=2}: no per-connection TSval offset, so the
 * option bits in the low 6 bits of its cookie SYN-ACK's TSval are visible) answers kernel clients (namespace A)
 * whose SYNs differ in MSS, SACK, window scaling and timestamps. tcpdump captures each SYN and SYN-ACK, the
 * listener reports TCP_INFO of the connection the cookie built. Each captured SYN is then replayed to the
 * engine with {@code tcp_syncookies=2}: its cookie SYN-ACK must carry the same option bits in its TSval
 * (after the engine's own pair offset) and the same options, and the connection its ACK builds must use the
 * same MSS, window scale, SACK and timestamps as Linux's — side by side, shape by shape.
 */
@Timeout(120)
class CookiesAgainstLinuxTest {
    private static final int PORT = 8080;

    /** A client's SYN shape: namespace A's sysctls and an optional TCP_MAXSEG. */
    record Shape(String name, int maxseg, int sack, int windowScaling, int timestamps) {
    }

    static final List<Shape> SHAPES = List.of(
            new Shape("defaults", 0, 1, 1, 1),
            new Shape("mss1400-nosack", 1400, 0, 1, 1),
            new Shape("mss1000-nowscale", 1000, 1, 0, 1),
            new Shape("mss1440-sack-wscale", 1440, 1, 1, 1),
            new Shape("no-timestamps", 0, 1, 1, 0));

    /** Accepts one connection per shape, reads its byte, prints TCP_INFO of the cookie-built socket. */
    static final String SERVER = """
            import socket, struct, sys
            n = int(sys.argv[1])
            ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            ls.bind(('198.18.0.2', 8080)); ls.listen(16); ls.settimeout(30)
            print('LISTENING', flush=True)
            for _ in range(n):
                c, addr = ls.accept()
                c.settimeout(10); c.recv(1)
                i = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
                opts, ws = i[5], i[6]
                mss = struct.unpack_from('I', i, 16)[0]
                line = 'INFO port=%d options=%d snd_wscale=%d snd_mss=%d' % (addr[1], opts & 7, ws & 15, mss)
                print(line, flush=True)
                c.close()
            print('DONE', flush=True)
            """;

    static final String CLIENT = """
            import socket, sys
            s = socket.socket()
            if int(sys.argv[1]) > 0:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, int(sys.argv[1]))
            s.settimeout(10); s.connect(('198.18.0.2', 8080)); s.sendall(b'x')
            print('PORT', s.getsockname()[1], flush=True)
            s.recv(1); s.close()
            """;

    @Test
    void cookieSynAckTsvalBitsAndTheConnectionsBuiltMatchLinux(@TempDir Path dir) throws Exception {
        Optional<String> why = Lab.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "lab tests skipped: " + why.orElse(""));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path pcap = dir.resolve("linux.pcap");
        Map<Integer, Shape> byPort = new LinkedHashMap<>();
        Map<Integer, String> infoByPort = new LinkedHashMap<>();
        try (Lab lab = Lab.up()) {
            for (String s : new String[] {"net.ipv4.tcp_syncookies=2", "net.ipv4.tcp_timestamps=2"}) {
                assertEquals(0, lab.run(lab.nsB(), 5, "sysctl", "-w", s).exitCode(), s);
            }
            // --immediate-mode: no packet waits in the capture ring for its block to retire (tcpdump is stopped
            // soon after the last connection)
            Process capture = lab.spawn(lab.nsB(), "tcpdump", "-Z", "root", "-i", Lab.IF_B, "--immediate-mode", "-U",
                    "-s", "0", "-w", pcap.toString(), "tcp", "port", Integer.toString(PORT));
            Child tcpdump = new Child(capture, "tcpdump");
            assertTrue(tcpdump.awaitLine("listening on", 20_000).isPresent(), tcpdump::output);
            Child server = new Child(lab.spawn(lab.nsB(), "python3", "-c", SERVER, Integer.toString(SHAPES.size())),
                    "linux-server");
            assertTrue(server.awaitLine("LISTENING", 20_000).isPresent(), server::output);
            for (Shape sh : SHAPES) {
                for (String s : new String[] {"net.ipv4.tcp_sack=" + sh.sack(), "net.ipv4.tcp_window_scaling="
                        + sh.windowScaling(), "net.ipv4.tcp_timestamps=" + sh.timestamps()}) {
                    assertEquals(0, lab.run(lab.nsA(), 5, "sysctl", "-w", s).exitCode(), s);
                }
                Lab.Result r = lab.run(lab.nsA(), 20, "python3", "-c", CLIENT, Integer.toString(sh.maxseg()));
                assertEquals(0, r.exitCode(), r.output());
                Matcher m = Pattern.compile("PORT (\\d+)").matcher(r.output());
                assertTrue(m.find(), r.output());
                byPort.put(Integer.parseInt(m.group(1)), sh);
            }
            assertTrue(server.awaitLine("DONE", 20_000).isPresent(), server::output);
            Matcher info = Pattern.compile("INFO port=(\\d+) (.*)").matcher(server.output());
            while (info.find()) {
                infoByPort.put(Integer.parseInt(info.group(1)), info.group(2).trim());
            }
            Thread.sleep(1000);
            capture.destroy(); // SIGTERM to this tcpdump only; -U wrote every packet as it came
            tcpdump.awaitExit(10_000);
        }
        List<TcpSegment> segments = new ArrayList<>();
        for (PcapRecord rec : PcapReader.read(pcap)) {
            EthernetFrame eth = EthernetFrame.parse(MemorySegment.ofArray(rec.data()), 0, rec.data().length);
            Ipv4Packet ip = Ipv4Packet.parse(MemorySegment.ofArray(eth.payload()), 0, eth.payload().length);
            segments.add(TcpSegment.parse(MemorySegment.ofArray(ip.payload()), 0, ip.payload().length));
        }
        List<String> table = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<Integer, Shape> e : byPort.entrySet()) {
            int port = e.getKey();
            TcpSegment syn = find(segments, port, true);
            TcpSegment linuxSynAck = find(segments, port, false);
            String linux = "tsbits=" + tsBits(linuxSynAck, 0) + " synack=" + optionKinds(linuxSynAck) + " "
                    + infoByPort.get(port);
            String ours = engine(syn);
            table.add(String.format("%-20s linux: %s%n%-20s ours:  %s", e.getValue().name(), linux, "", ours));
            if (!linux.equals(ours)) {
                mismatches.add(e.getValue().name() + "\n  linux: " + linux + "\n  ours:  " + ours);
            }
        }
        System.out.println(String.join("\n", table));
        assertEquals(SHAPES.size(), byPort.size());
        assertEquals(List.of(), mismatches, "the engine's cookies differ from Linux's");
    }

    private static TcpSegment find(List<TcpSegment> segments, int clientPort, boolean syn) {
        for (TcpSegment s : segments) {
            boolean isSyn = s.flags() == SYN && s.sourcePort() == clientPort;
            boolean isSynAck = s.flags() == (SYN | ACK) && s.destinationPort() == clientPort;
            if (syn ? isSyn : isSynAck) {
                return s;
            }
        }
        throw new AssertionError("no " + (syn ? "SYN" : "SYN-ACK") + " for port " + clientPort + " in the capture");
    }

    private static String tsBits(TcpSegment s, int offset) {
        for (TcpOption o : s.options()) {
            if (o instanceof TcpOption.Timestamps ts) {
                return Integer.toString(((int) ts.tsVal() - offset) & 0x3F);
            }
        }
        return "none";
    }

    private static String optionKinds(TcpSegment s) {
        StringBuilder b = new StringBuilder();
        for (TcpOption o : s.options()) {
            if (o instanceof TcpOption.Mss) {
                b.append("M");
            } else if (o instanceof TcpOption.SackPermitted) {
                b.append("S");
            } else if (o instanceof TcpOption.Timestamps) {
                b.append("T");
            } else if (o instanceof TcpOption.WindowScale) {
                b.append("W");
            }
        }
        return b.toString();
    }

    /** The same SYN to the engine, its cookie ACK after; the same fields as Linux's line. */
    private static String engine(TcpSegment linuxSyn) {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.syncookies=2")));
        int l = t.listener(80, 16);
        t.send(TcpSegment.of(EngineFixture.PEER_PORT, 80, linuxSyn.seq(), 0, SYN, linuxSyn.window(),
                linuxSyn.options(), new byte[0]));
        TcpSegment synAck = t.recvFlags(SYN | ACK);
        int offset = t.engine.tsOffset(EngineFixture.LOCAL_IP, EngineFixture.PEER_IP);
        List<TcpOption> ackOptions = new ArrayList<>();
        for (TcpOption o : synAck.options()) {
            if (o instanceof TcpOption.Timestamps ts) {
                ackOptions.add(new TcpOption.Timestamps(1, ts.tsVal()));
            }
        }
        t.send(TcpSegment.of(EngineFixture.PEER_PORT, 80, linuxSyn.seq() + 1, synAck.seq() + 1, ACK, 502, ackOptions,
                new byte[0]));
        int c = t.api.accept(l);
        assertTrue(c >= 0, "the cookie ACK built no connection: " + c);
        dev.fastpath.uapi.TcpInfo i = t.opts.tcpInfo(c);
        return "tsbits=" + tsBits(synAck, offset) + " synack=" + optionKinds(synAck) + " options="
                + (i.options() & 0x7) + " snd_wscale=" + i.sndWscale() + " snd_mss=" + i.sndMss();
    }
}
