package dev.fastpath.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@code serve} argument checking: every mistake is a usage error (exit code 2) that says why. */
class ServeCommandTest {

    private static int run(StringWriter err, String... args) {
        return Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true), args);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bad io | --io af_foo --iface lo --ip 198.18.0.1/24 --port 7 --app echo | --io must be",
        "bad app | --io af_packet --iface lo --ip 198.18.0.1/24 --port 7 --app ftp | --app must be",
        "no prefix | --io af_packet --iface lo --ip 198.18.0.1 --port 7 --app echo | ADDR/PREFIX",
        "bad address | --io af_packet --iface lo --ip 198.18.0.300/24 --port 7 --app echo | not an IPv4",
        "bad prefix | --io af_packet --iface lo --ip 198.18.0.1/33 --port 7 --app echo | prefix",
        "bad port | --io af_packet --iface lo --ip 198.18.0.1/24 --port 70000 --app echo | --port must",
        "gateway outside | --io af_packet --iface lo --ip 198.18.0.1/24 --port 7 --app echo --gateway 10.0.0.1 | "
            + "not inside",
        "bad knob | --io af_packet --iface lo --ip 198.18.0.1/24 --port 7 --app echo --set tcp.nope=1 | tcp.nope",
        "knob range | --io af_packet --iface lo --ip 198.18.0.1/24 --port 7 --app echo --set tcp.syncookies=256 | "
            + "tcp.syncookies",
        "few cpus | --io af_packet --iface lo --ip 198.18.0.1/24 --port 7 --app echo --workers 2 --cpus 1 | --cpus",
        "bad idle | --io af_packet --iface lo --ip 198.18.0.1/24 --port 7 --app echo --idle nap | --idle",
        "missing | --io af_packet --ip 198.18.0.1/24 --port 7 --app echo | --iface",
        "ring not a power of two | --io af_packet --iface lo --ip 198.18.0.1/24 --port 7 --app echo --tx-ring 100 | "
            + "--tx-ring must be a power of two in 8..65536, not 100",
        "ring too small | --io af_xdp --iface lo --ip 198.18.0.1/24 --port 7 --app echo --tx-ring 4 | --tx-ring must",
        "bad qdisc | --io af_packet --iface lo --ip 198.18.0.1/24 --port 7 --app echo --qdisc tbf | --qdisc must be",
        "qdisc on xdp | --io af_xdp --iface lo --ip 198.18.0.1/24 --port 7 --app echo --qdisc use | "
            + "--qdisc use is for --io af_packet",
    })
    void usageErrors(String name, String args, String message) {
        StringWriter err = new StringWriter();
        int code = run(err, ("serve " + args.strip()).split(" +"));
        assertEquals(2, code, err::toString);
        assertTrue(err.toString().contains(message.strip()), err::toString);
    }

    @Test
    void helpListsEveryFlag() {
        StringWriter out = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter()), "serve",
                "--help"));
        for (String flag : new String[] {"--io", "--iface", "--ip", "--port", "--app", "--gateway", "--config",
            "--set", "--workers", "--cpus", "--pcap", "--stats-interval"}) {
            assertTrue(out.toString().contains(flag), flag + "\n" + out);
        }
    }
}
