package dev.fastpath.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastpath.cli.Main;
import dev.fastpath.lab.Child;
import dev.fastpath.lab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flood --io xdp_live} on the wire: the SYNs the kernel sends from the live-frames program, captured on the
 * peer (GRO on, so veth hands it XDP_TX frames), open in tshark with nothing malformed and every checksum good,
 * carry N distinct 4-tuples and Linux's SYN options; the program sits on {@code lo} while it sends, and the result
 * counts every SYN as taken by veth. Skipped, with the reason, when the lab cannot run here or the kernel predates
 * live frames.
 */
@Timeout(120)
class XdpLiveLabTest {

    private static final int N = 2000;
    private static final int COUNT = 20_000;
    private static final long CHILD_MS = 30_000;


    @Test
    void liveFramesAreCleanSynsWithDistinctTuples(@TempDir Path dir) throws Exception {
        Optional<String> why = Lab.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "lab tests skipped: " + why.orElse(""));
        assumeTrue(XdpLiveSender.kernelHasLiveFrames(System.getProperty("os.version")),
            "XDP live frames need Linux 5.18 or later");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path pcap = dir.resolve("live.pcap");
        Path json = dir.resolve("live.json");
        try (Lab lab = Lab.up()) {
            assertEquals(0, lab.run(lab.nsB(), 10, "ethtool", "-K", Lab.IF_B, "gro", "on").exitCode());
            Child tcpdump = new Child(lab.spawn(lab.nsB(), "tcpdump", "-Z", "root", "-i", Lab.IF_B, "-U", "-s", "0",
                "-c", Integer.toString(N), "-w", pcap.toString(), "tcp", "dst", "port", "8080"), "tcpdump");
            assertTrue(tcpdump.awaitLine("listening on", CHILD_MS).isPresent(), tcpdump::output);
            // A small block: the walk moves to the next port every 62 SYNs. 1 s at 20,000/s; tcpdump keeps N.
            Child flood = new Child(lab.spawn(lab.nsA(), Lab.javaCommand(System.getProperty("java.class.path"),
                Main.class.getName(), "flood", "--iface", Lab.IF_A, "--dst", Lab.IP_B + ":8080", "--dst-mac",
                "02:00:c6:12:00:02", "--io", "xdp_live", "--src", "198.19.7.0/26", "--rate", "20000", "--count",
                Integer.toString(COUNT), "--duration", "10", "--progress", "always", "--json", json.toString())),
                "flood");
            assertTrue(flood.awaitLine("measuring", CHILD_MS).isPresent(), flood::output);
            // While it sends, the program sits on lo (it keeps it in the XDP dispatcher), in generic mode.
            assertTrue(lab.run(lab.nsA(), 10, "ip", "link", "show", "lo").output().contains("xdpgeneric"),
                "the program is on lo while the flood runs");
            assertEquals(0, flood.awaitExit(CHILD_MS), flood::output);
            assertEquals(0, tcpdump.awaitExit(CHILD_MS), tcpdump::output);
            String result = Files.readString(json);
            assertTrue(result.contains("\"exhausted\":true"), "stopped at --count: " + flood.output());
            // Every SYN the program made is accounted for: taken by veth, or counted as not taken (a full queue
            // on a loaded machine is a count, not a failure: no rate is asserted here).
            assertEquals(COUNT, num(result, "sent") + num(result, "driverDrops"), result);
            assertTrue(num(result, "sent") >= N, "tcpdump captured " + N + " of them: " + result);
        }
        List<String> rows = FloodPcapTsharkTest.tshark(pcap, "ip.src", "tcp.srcport", "tcp.flags", "ip.checksum.status",
            "tcp.checksum.status", "_ws.malformed", "tcp.options.mss_val", "tcp.options.wscale.shift",
            "tcp.options.timestamp.tsval");
        assertEquals(N, rows.size());
        Set<String> tuples = new HashSet<>();
        for (String row : rows) {
            String[] c = row.split("\t", -1);
            assertEquals("0x0002", c[2], "SYN only: " + row);
            assertEquals("1", c[3], "IP checksum good: " + row);
            assertEquals("1", c[4], "TCP checksum good: " + row);
            assertTrue(c[5].isEmpty(), "malformed: " + row);
            assertEquals("1460", c[6], row);
            assertEquals("7", c[7], row);
            assertTrue(!c[8].isEmpty(), "timestamps: " + row);
            assertTrue(c[0].startsWith("198.19.7."), row);
            tuples.add(c[0] + ":" + c[1]);
        }
        assertEquals(N, tuples.size(), "distinct 4-tuples");
    }

    private static long num(String json, String key) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Long.parseLong(m.group(1));
    }
}
