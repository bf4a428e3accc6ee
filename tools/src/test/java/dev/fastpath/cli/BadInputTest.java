package dev.fastpath.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input on the command line and in the configuration, across the subcommands: each is one line on stderr that
 * names the problem, and exit code 2 (issue 22). {@code @DIR} in an argument is a temporary folder holding
 * {@code cc.toml} (congestion_control = true), {@code float.toml}, {@code dmin.toml} (delack_min 300),
 * {@code empty/} and {@code latin1.toml}.
 */
class BadInputTest {
    private static final String SERVE = "serve --io af_xdp --iface fp-none0 --ip 198.18.0.1/24 --port 80 --app http ";

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        Files.writeString(dir.resolve("cc.toml"), "[tcp]\ncongestion_control = true\n");
        Files.writeString(dir.resolve("float.toml"), "[tcp]\nmss = 1.5\n");
        Files.writeString(dir.resolve("dmin.toml"), "[tcp]\ndelack_min_ms = 300\n");
        Files.writeString(dir.resolve("ts2.toml"), "[tcp]\ntimestamps = 2\n");
        Files.write(dir.resolve("latin1.toml"), new byte[] {'#', (byte) 0xE9, '\n'});
        Files.createDirectories(dir.resolve("empty"));
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String line) {
        List<String> args = new ArrayList<>();
        for (String a : line.strip().split(" +")) {
            args.add(a.replace("@DIR", dir.toString()));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        SERVE + "--config @DIR | is a directory",
        SERVE + "--config @DIR/none.toml | no such file",
        SERVE + "--config @DIR/latin1.toml | not UTF-8",
        SERVE + "--config @DIR/cc.toml | cc.toml:2: key 'tcp.congestion_control' must be an integer or one of reno",
        SERVE + "--config @DIR/float.toml | the float 1.5",
        SERVE + "--set -=1 | unknown key '-'",
        SERVE + "--set =1 | is not KEY=VALUE",
        SERVE + "--set tcp.mss= | 'tcp.mss' must be an integer",
        SERVE + "--set TCP_TIMEOUT_INIT=5 | unknown key 'TCP_TIMEOUT_INIT'",
        SERVE + "--set tcp.congestion_control=bbr | one of reno, cubic",
        SERVE + "--set tcp.delack_max_ms=500 --set tcp.delack_min_ms=600 | 'tcp.delack_min_ms' = 600 must not exceed",
        SERVE + "--pcap @DIR | --pcap",
        SERVE + "--port abc | '--port': 'abc' is not an int",
        "connect --io af_xdp --iface fp-none0 --ip 198.18.0.1/24 --to 198.18.0.2:x | --to port",
        "bench jmh [ | '[' is not a regular expression",
        "bench jmh -e a( Cookie | 'a(' is not a regular expression",
        "bench synflood --duration 0 | --duration must be in (0, 600] seconds, not 0.0",
        "bench synflood --rounds 99 | --rounds must be in 1..20, not 99",
        "bench synflood --rate fast | --rate must be",
        "bench synflood --victim-cpu 999 | --victim-cpu must be",
        "bench handshakes --threads 0 | --threads must be in 1..256",
        "flood --dst 198.18.0.2:80 --io none --rate abc | --rate must be",
        "flood --dst 198.18.0.2:80 --io none --ports 1-x | --ports: 'x' is not a port",
        "flood --dst 198.18.0.2:http --io none | --dst port: 'http'",
        "flood --dst 198.18.0.2:80 --io none --json @DIR | --json",
        "flood --dst 198.18.0.2:80 --io sideways | --io",
        "demo --seconds 0 | --seconds must be in 1..600, not 0",
        "packetdrill @DIR/empty | no .pkt scripts in",
        "config check --set tcp.nope=1 | unknown key 'tcp.nope'",
        "config check --config @DIR | is a directory",
        "config | missing subcommand",
        "serv | did you mean serve",
    })
    void oneLineAndExitCodeTwo(String args, String message) {
        Run r = run(args);
        assertEquals(2, r.code(), r::err);
        assertEquals(1, r.err().lines().count(), () -> "one line, not:\n" + r.err());
        assertTrue(r.err().contains(message.strip()), r::err);
        assertTrue(r.err().startsWith("fastpath"), r::err);
    }

    @Test
    void configCheckValidatesTheFinalConfigurationAndPrintsItAsToml() {
        Run r = run("config check --config @DIR/dmin.toml --set tcp.delack_max_ms=500 --set tcp.timestamps=2");
        assertEquals(0, r.code(), r::err);
        assertTrue(r.out().contains("\ndelack_min_ms = 300\n") && r.out().contains("\ndelack_max_ms = 500\n"),
                r::out);
        assertTrue(r.out().contains("\ntimestamps = 2\n"), r::out);
        assertEquals("", r.err());
    }

    @Test
    void configCheckOutputIsAConfigurationThatLoadsBackTheSame() throws Exception {
        Run ok = run("config check --config @DIR/ts2.toml --set tcp.rmem_max=1048576");
        assertEquals(0, ok.code(), ok::err);
        Path again = dir.resolve("again.toml");
        Files.writeString(again, ok.out());
        Run back = run("config check --config " + again);
        assertEquals(ok.out(), back.out());
    }
}
