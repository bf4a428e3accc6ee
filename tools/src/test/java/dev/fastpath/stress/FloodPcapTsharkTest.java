package dev.fastpath.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.cli.Main;
import dev.fastpath.pcap.PcapReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generator's frames, as {@code flood --io none --pcap} writes them (no device, no root), open in tshark
 * with nothing malformed and every checksum good, and N SYNs carry N distinct 4-tuples.
 */
class FloodPcapTsharkTest {

    private static final int N = 5000;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"linux", "none"})
    void framesDecodeCleanlyWithDistinctTuples(String options) throws Exception {
        Path pcap = dir.resolve("flood-" + options + ".pcap");
        // A small block so the walk wraps onto the next port many times within N.
        int rc = run("--io", "none", "--dst", "198.18.0.2:8080", "--src", "198.19.7.0/26", "--rate", "max",
            "--count", Integer.toString(N), "--duration", "20", "--options", options, "--pcap", pcap.toString());
        assertEquals(0, rc);
        List<String> rows = tshark(pcap, "ip.src", "tcp.srcport", "ip.dst", "tcp.dstport", "tcp.flags",
            "ip.checksum.status", "tcp.checksum.status", "_ws.malformed", "tcp.options.mss_val");
        assertEquals(N, rows.size());
        Set<String> tuples = new HashSet<>();
        for (String row : rows) {
            String[] c = row.split("\t", -1);
            assertEquals("198.18.0.2", c[2], row);
            assertEquals("8080", c[3], row);
            assertEquals("0x0002", c[4], "SYN only: " + row);
            assertEquals("1", c[5], "IP checksum good: " + row);
            assertEquals("1", c[6], "TCP checksum good: " + row);
            assertTrue(c[7].isEmpty(), "malformed: " + row);
            assertEquals(options.equals("linux") ? "1460" : "", c[8], row);
            tuples.add(c[0] + ":" + c[1]);
        }
        assertEquals(N, tuples.size(), "distinct 4-tuples");
    }

    @Test
    void refusesMoreSynsThanTheTupleSpaceHolds() {
        StringWriter err = new StringWriter();
        int rc = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "flood", "--io", "none",
            "--dst", "198.18.0.2:80", "--src", "198.19.0.0/30", "--ports", "1000-1009", "--rate", "100",
            "--duration", "1");
        assertEquals(2, rc);
        assertTrue(err.toString().contains("exceed the tuple space of 20"), err.toString());
    }

    @Test
    void warmUpSynsAreSentButNotCounted() throws Exception {
        Path pcap = dir.resolve("warm.pcap");
        Path json = dir.resolve("warm.json");
        int rc = run("--io", "none", "--dst", "198.18.0.2:8080", "--rate", "4000", "--duration", "0.3",
            "--warmup", "0.3", "--pcap", pcap.toString(), "--json", json.toString());
        assertEquals(0, rc);
        int onWire = PcapReader.read(pcap).size();
        String result = java.nio.file.Files.readString(json);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"sent\":(\\d+)").matcher(result);
        assertTrue(m.find(), result);
        long counted = Long.parseLong(m.group(1));
        // Every SYN of the warm-up went out (the pcap has them all); only the measured part is in the result.
        assertTrue(counted > 0 && counted < onWire, "counted " + counted + " of " + onWire + " sent: " + result);
    }

    @Test
    void theWarmUpCountsAgainstTheTupleSpace() {
        StringWriter err = new StringWriter();
        int rc = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "flood", "--io", "none",
            "--dst", "198.18.0.2:80", "--src", "198.19.0.0/30", "--ports", "1000-1009", "--rate", "10",
            "--duration", "1", "--warmup", "1.5");
        assertEquals(2, rc);
        assertTrue(err.toString().contains("exceed the tuple space of 20"), err.toString());
    }

    @Test
    void refusesAddressesOutsideTheLabRange() {
        StringWriter err = new StringWriter();
        int rc = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "flood", "--io", "none",
            "--dst", "10.0.0.1:80", "--count", "1");
        assertEquals(2, rc);
        assertTrue(err.toString().contains("outside the lab range"), err.toString());
    }

    private static int run(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "flood";
        System.arraycopy(args, 0, all, 1, args.length);
        return Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), all);
    }

    /** The fields of every packet, tab-separated, with tshark's checksum validation on (also used by the lab test). */
    static List<String> tshark(Path pcap, String... fields) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("tshark", "-r", pcap.toString(), "-o",
            "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-T", "fields", "-E", "occurrence=f"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0,
            "tshark failed on " + pcap + " (is the Debian package tshark installed?)");
        return out.lines().toList();
    }
}
