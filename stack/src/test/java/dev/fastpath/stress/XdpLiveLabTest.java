package dev.fastpath.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastpath.cli.Main;
import dev.fastpath.lab.Child;
import dev.fastpath.lab.Lab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flood --io xdp_live} on the wire: the SYNs the kernel sends from the live-frames program, captured on the
 * peer (GRO on, so veth hands it XDP_TX frames), open in tshark with nothing malformed and every checksum good,
 * carry N distinct 4-tuples and Linux's SYN options; the program is gone from {@code lo} afterwards. Skipped, with
 * the reason, when the lab cannot run here.
 */
@Timeout(120)
class XdpLiveLabTest {

    private static final int N = 2000;
    private static final long CHILD_MS = 30_000;

    @Test
    void liveFramesAreCleanSynsWithDistinctTuples(@TempDir Path dir) throws Exception {
        Optional<String> why = Lab.unavailableReason();
        assumeTrue(why.isEmpty(), () -> "lab tests skipped: " + why.orElse(""));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path pcap = dir.resolve("live.pcap");
        Path json = dir.resolve("live.json");
        try (Lab lab = Lab.up()) {
            assertEquals(0, lab.run(lab.nsB(), 10, "ethtool", "-K", Lab.IF_B, "gro", "on").exitCode());
            Child tcpdump = new Child(lab.spawn(lab.nsB(), "tcpdump", "-Z", "root", "-i", Lab.IF_B, "-U", "-s", "0",
                "-c", Integer.toString(N), "-w", pcap.toString(), "tcp", "dst", "port", "8080"), "tcpdump");
            assertTrue(tcpdump.awaitLine("listening on", CHILD_MS).isPresent(), tcpdump::output);
            // A small block: the walk moves to the next port every 62 SYNs.
            Child flood = new Child(lab.spawn(lab.nsA(), Lab.javaCommand(System.getProperty("java.class.path"),
                Main.class.getName(), "flood", "--iface", Lab.IF_A, "--dst", Lab.IP_B + ":8080", "--dst-mac",
                "02:00:c6:12:00:02", "--io", "xdp_live", "--src", "198.19.7.0/26", "--rate", "20000", "--count",
                Integer.toString(N), "--duration", "10", "--json", json.toString())), "flood");
            assertEquals(0, flood.awaitExit(CHILD_MS), flood::output);
            assertEquals(0, tcpdump.awaitExit(CHILD_MS), tcpdump::output);
            assertTrue(Files.readString(json).contains("\"exhausted\":true"), "stopped at --count: " + flood.output());
            assertTrue(lab.run(lab.nsA(), 10, "ip", "link", "show", "lo").output().indexOf("xdp") < 0,
                "the program left lo with the sender");
        }
        List<String> rows = tshark(pcap, "ip.src", "tcp.srcport", "tcp.flags", "ip.checksum.status",
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

    private static List<String> tshark(Path pcap, String... fields) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", pcap.toString(), "-o",
            "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-T", "fields", "-E", "occurrence=f"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "tshark failed");
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
