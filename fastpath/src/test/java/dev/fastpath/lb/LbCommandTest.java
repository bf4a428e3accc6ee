package dev.fastpath.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code lb}'s quick start: every mistake is a usage error (exit code 2) that names the option and says why. */
class LbCommandTest {
    private static final String BASE = "lb --io af_packet --iface lo --ip 198.18.0.1/24 ";

    private static int run(StringWriter err, String... args) {
        return Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true), args);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no vip | --backend 198.18.0.11:80 | --vip",
        "no backend | --vip 198.18.0.1:80 | --backend",
        "vip without port | --vip 198.18.0.1 --backend 198.18.0.11:80 | --vip must be ADDR:PORT",
        "vip not ours | --vip 198.18.0.9:80 --backend 198.18.0.11:80 | the stack's own address",
        "bad backend address | --vip 198.18.0.1:80 --backend 198.18.0.300:80 | not an IPv4",
        "bad backend port | --vip 198.18.0.1:80 --backend 198.18.0.11:0 | --backend port",
        "weight too big | --vip 198.18.0.1:80 --backend 198.18.0.11:80@257 | weight",
        "weight zero | --vip 198.18.0.1:80 --backend 198.18.0.11:80@0 | weight",
        "weight not a number | --vip 198.18.0.1:80 --backend 198.18.0.11:80@x | weight",
        "backend twice | --vip 198.18.0.1:80 --backend 198.18.0.11:80 --backend 198.18.0.11:80@2 | given twice",
        "attempts | --vip 198.18.0.1:80 --backend 198.18.0.11:80 --attempts 0 | --attempts",
        "connect timeout | --vip 198.18.0.1:80 --backend 198.18.0.11:80 --connect-timeout 0 | timeouts",
        "few cpus | --vip 198.18.0.1:80 --backend 198.18.0.11:80 --workers 2 --cpus 1 | --cpus",
    })
    void usageErrors(String name, String args, String message) {
        StringWriter err = new StringWriter();
        int code = run(err, (BASE + args.strip()).split(" +"));
        assertEquals(2, code, err::toString);
        assertTrue(err.toString().contains(message.strip()), err::toString);
    }

    @Test
    void aBadConfigFileIsAUsageErrorNamingTheKey(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("lb.toml");
        Files.writeString(f, "[lb]\n[[lb.vip]]\naddress = \"198.18.0.1:80\"\n[[lb.vip.backend]]\n"
                + "address = \"198.18.0.11:80\"\nweight = 999\n");
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, ("lb --io af_packet --iface lo --ip 198.18.0.1/24 --config " + f).split(" ")));
        assertTrue(err.toString().contains("lb.vip[0].backend[0].weight: 999 is out of range 1..256"), err::toString);
    }

    @Test
    void aConfigFileTakesNoQuickStartVipAndNeedsTheStackFromSomewhere(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("lb.toml");
        Files.writeString(f, "[lb]\n[[lb.vip]]\naddress = \"198.18.0.1:80\"\n[[lb.vip.backend]]\n"
                + "address = \"198.18.0.11:80\"\n");
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, ("lb --io af_packet --iface lo --ip 198.18.0.1/24 --config " + f
                + " --vip 198.18.0.1:80").split(" ")));
        assertTrue(err.toString().contains("give the VIPs there"), err::toString);
        StringWriter err2 = new StringWriter();
        assertEquals(2, run(err2, ("lb --iface lo --ip 198.18.0.1/24 --config " + f).split(" ")));
        assertTrue(err2.toString().contains("missing required option: --io"), err2::toString);
    }

    @Test
    void reloadRefusesABadFileAndSendsNothing(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("lb.toml");
        Files.writeString(f, "[lb]\n[[lb.vip]]\naddress = \"198.18.0.1:80\"\n");
        StringWriter err = new StringWriter();
        java.io.PrintStream was = System.err;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(1, run(err, "lb", "reload", "--config", f.toString(), "--pid",
                    Long.toString(ProcessHandle.current().pid())));
            Files.writeString(f, "[lb]\n[[lb.vip]]\naddress = \"198.18.0.1:80\"\n[[lb.vip.backend]]\n"
                    + "address = \"198.18.0.11:80\"\n");
            assertEquals(1, run(err, "lb", "reload", "--config", f.toString(), "--pid", "999999999"));
        } finally {
            System.setErr(was);
        }
        String said = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(said.contains("lb.vip[0].backend: missing") && said.contains("nothing sent"), said);
        assertTrue(said.contains("no process 999999999"), said);
    }

    @Test
    void helpListsTheQuickStartFlags() {
        StringWriter out = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter()), "lb", "--help"));
        for (String flag : new String[] {"--io", "--iface", "--ip", "--gateway", "--vip", "--backend", "--cpus",
            "--workers", "--max-connections", "--max-new-per-second", "--connect-timeout", "--idle-timeout"}) {
            assertTrue(out.toString().contains(flag), flag + "\n" + out);
        }
    }
}
