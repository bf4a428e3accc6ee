package dev.fastpath.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.fastpath.cli.Main;
import dev.fastpath.pcap.PcapReader;
import dev.fastpath.pcap.PcapRecord;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fastpath stress} without a device: the allow-list refuses targets and sources outside 198.18.0.0/15 before
 * anything opens, asks for confirmation of an allowed outside target (refused unless the operator types yes), and
 * with {@code --yes --io none} builds the SYNs into a pcap file only — nothing is sent anywhere. Bad arguments exit
 * 2 with the option named; shards walk disjoint tuples; {@code stress merge} adds shard reports up.
 */
class StressCommandTest {

    @TempDir
    Path dir;

    private record Out(int rc, String out, String err) {
    }

    private static Out stress(String stdin, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "stress";
        System.arraycopy(args, 0, all, 1, args.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        InputStream was = System.in;
        java.io.PrintStream wasErr = System.err;
        java.io.ByteArrayOutputStream errBytes = new java.io.ByteArrayOutputStream();
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        System.setErr(new java.io.PrintStream(errBytes, true, StandardCharsets.UTF_8));
        try {
            int rc = Main.execute(new PrintWriter(out), new PrintWriter(err), all);
            return new Out(rc, out.toString(), err + errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(was);
            System.setErr(wasErr);
        }
    }

    @Test
    void refusesATargetOutsideTheLabRangeWithoutAllowTarget() {
        Out o = stress("", "--io", "none", "--target", "192.0.2.1:80", "--count", "1");
        assertEquals(2, o.rc());
        assertTrue(o.err().contains("target 192.0.2.1 is outside 198.18.0.0/15"), o.err());
    }

    @Test
    void refusesSourcesOutsideTheLabRangeAndTheAllowedBlocks() {
        Out o = stress("", "--io", "none", "--target", "192.0.2.1:80", "--allow-target", "192.0.2.0/28",
            "--src", "192.0.2.128/25", "--count", "1", "--yes");
        assertEquals(2, o.rc());
        assertTrue(o.err().contains("source 192.0.2.129 is outside"), o.err());
    }

    @Test
    void anAllowedOutsideTargetNeedsConfirmation(@TempDir Path d) {
        Path pcap = d.resolve("none.pcap");
        Out o = stress("no\n", "--io", "none", "--target", "192.0.2.1:80", "--allow-target", "192.0.2.0/24",
            "--src", "192.0.2.128/25", "--count", "5", "--pcap", pcap.toString());
        assertEquals(2, o.rc(), o.err());
        assertTrue(o.err().contains("Type yes to go on") && o.err().contains("not confirmed"), o.err());
        assertTrue(!Files.exists(pcap), "nothing built before the confirmation");
    }

    @Test
    void theAllowedPathWithIoNoneOnlyWritesThePcap() throws Exception {
        Path pcap = dir.resolve("allowed.pcap");
        Path json = dir.resolve("allowed.json");
        Out o = stress("yes\n", "--io", "none", "--target", "192.0.2.1:80", "--allow-target", "192.0.2.0/24",
            "--src", "192.0.2.128/25", "--rate", "max", "--count", "300", "--duration", "20", "--linger-ms", "0",
            "--pcap", pcap.toString(), "--json", json.toString());
        assertEquals(0, o.rc(), o.err());
        List<PcapRecord> frames = PcapReader.read(pcap);
        assertEquals(300, frames.size());
        Set<String> tuples = new HashSet<>();
        for (PcapRecord r : frames) {
            byte[] f = r.data();
            assertEquals("192.0.2.1", addr(f, 30), "every SYN to the allowed target");
            String src = addr(f, 26);
            assertTrue(src.startsWith("192.0.2.") && Integer.parseInt(src.substring(8)) > 128, src);
            assertEquals(0x02, f[47] & 0xFF, "SYN");
            tuples.add(src + ":" + ((f[34] & 0xFF) << 8 | f[35] & 0xFF));
        }
        assertEquals(300, tuples.size(), "distinct 4-tuples");
        Map<String, Object> m = JSON.std.mapFrom(Files.readString(json));
        assertEquals(300, ((Number) m.get("syn_sent")).intValue());
        assertEquals("pass", m.get("verdict"));
        assertEquals("none", m.get("io"));
    }

    @Test
    void theLabRangeNeedsNoConfirmation() throws Exception {
        Path pcap = dir.resolve("lab.pcap");
        Out o = stress("", "--io", "none", "--target", "198.18.0.2:8080", "--rate", "max", "--count", "10",
            "--linger-ms", "0", "--pcap", pcap.toString());
        assertEquals(0, o.rc(), o.err());
        assertEquals(10, PcapReader.read(pcap).size());
    }

    @Test
    void badArgumentsExitTwoNamingTheOption() {
        String[][] cases = {
            {"--target", "198.18.0.2", "--io", "none"},
            {"--target", "198.18.0.2:0", "--io", "none"},
            {"--target", "198.18.0.2:80", "--io", "none", "--rate", "-5"},
            {"--target", "198.18.0.2:80", "--io", "none", "--step", "5000"},
            {"--target", "198.18.0.2:80", "--io", "none", "--rate", "max", "--step", "5/1"},
            {"--target", "198.18.0.2:80", "--io", "none", "--shard", "2/2"},
            {"--target", "198.18.0.2:80", "--io", "none", "--duration", "0"},
            {"--target", "198.18.0.2:80", "--io", "none", "--duration", "4000"},
            {"--target", "198.18.0.2:80", "--io", "none", "--complete", "--close", "rst"},
            {"--target", "198.18.0.2:80", "--io", "none", "--close", "later"},
            {"--target", "198.18.0.2:80", "--io", "none", "--allow-target", "300.1.2.3/8"},
            {"--target", "198.18.0.2:80", "--io", "none", "--src", "198.19.0.0/30", "--ports", "1000-1009"},
            {"--target", "198.18.0.2:80"},
            {"--io", "none"},
            {"--target", "198.18.0.2:80", "--io", "none", "--slo", "legit-success=99"},
            {"--target", "198.18.0.2:80", "--io", "none", "--legit-rate", "10"},
            {"--target", "198.18.0.2:80", "--iface", "lo", "--legit-rate", "10", "--legit-ip", "10.0.0.3/24"},
            {"--target", "198.18.0.2:80", "--io", "none", "--slo", "latency=3"},
            {"--target", "198.18.0.2:80", "--io", "none", "--cookie-ages", "0,125"},
            {"--target", "198.18.0.2:80", "--io", "none", "--matrix", "--cookie-ages", "0,3601"},
            {"--target", "198.18.0.2:80", "--io", "none", "--matrix", "--forged", "-1"},
        };
        String[] named = {"--target", "--target port", "--rate", "--step", "--step", "--shard", "--duration",
            "--duration", "--close rst needs --request", "--close", "--allow-target", "tuple space", "--iface",
            "--target", "--slo needs --legit-rate", "--legit-ip", "--legit-ip 10.0.0.3/24 is outside", "--slo",
            "--cookie-ages needs --matrix", "--cookie-ages", "--forged"};
        for (int i = 0; i < cases.length; i++) {
            Out o = stress("", cases[i]);
            assertEquals(2, o.rc(), String.join(" ", cases[i]) + ": " + o.err());
            assertTrue(o.err().contains(named[i]), String.join(" ", cases[i]) + " should name " + named[i] + ": "
                + o.err());
        }
    }

    @Test
    void shardsWalkDisjointTuplesAndMergeAddsThemUp() throws Exception {
        Set<String> seen = new HashSet<>();
        Path[] json = new Path[3];
        for (int i = 0; i < 3; i++) {
            Path pcap = dir.resolve("shard" + i + ".pcap");
            json[i] = dir.resolve("shard" + i + ".json");
            Out o = stress("", "--io", "none", "--target", "198.18.0.2:8080", "--src", "198.19.7.0/29",
                "--ports", "2000-2008", "--shard", i + "/3", "--rate", "max", "--count", "18", "--linger-ms", "0",
                "--pcap", pcap.toString(), "--json", json[i].toString());
            assertEquals(0, o.rc(), o.err());
            for (PcapRecord r : PcapReader.read(pcap)) {
                byte[] f = r.data();
                assertTrue(seen.add(addr(f, 26) + ":" + ((f[34] & 0xFF) << 8 | f[35] & 0xFF)), "tuple repeated");
            }
        }
        assertEquals(3 * 18, seen.size());
        Path merged = dir.resolve("merged.json");
        Out o = stress("", "merge", json[0].toString(), json[1].toString(), json[2].toString(), "--json",
            merged.toString());
        assertEquals(0, o.rc(), o.err());
        Map<String, Object> m = JSON.std.mapFrom(Files.readString(merged));
        assertEquals(54, ((Number) m.get("syn_sent")).intValue());
        assertEquals(3, ((Number) m.get("shards")).intValue());
        assertEquals("pass", m.get("verdict"));
    }

    @Test
    void mergeRefusesReportsOfDifferentTargets() throws Exception {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Files.writeString(a, "{\"target\":\"198.18.0.2:80\",\"syn_sent\":1,\"per_second\":[],\"failures\":[]}");
        Files.writeString(b, "{\"target\":\"198.18.0.3:80\",\"syn_sent\":1,\"per_second\":[],\"failures\":[]}");
        Out o = stress("", "merge", a.toString(), b.toString());
        assertEquals(2, o.rc());
        assertTrue(o.err().contains("one target"), o.err());
    }

    private static String addr(byte[] f, int at) {
        return (f[at] & 0xFF) + "." + (f[at + 1] & 0xFF) + "." + (f[at + 2] & 0xFF) + "." + (f[at + 3] & 0xFF);
    }
}
