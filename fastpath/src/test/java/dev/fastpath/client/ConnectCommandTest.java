package dev.fastpath.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code connect} argument checking: every mistake is a usage error (exit code 2) that says why. */
class ConnectCommandTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bad mode | --to 198.18.0.2:7 --mode sideways | --mode must be",
        "no port | --to 198.18.0.2 | IP:PORT",
        "bad port | --to 198.18.0.2:70000 | --to port",
        "bad address | --to 198.18.0.300:7 | not an IPv4",
        "off subnet | --to 198.19.0.1:7 | no --gateway",
        "zero connections | --to 198.18.0.2:7 --connections 0 | --connections must be",
        "unknown errno | --to 198.18.0.2:7 --expect-errno ENOPE | unknown errno",
        "too many failures | --to 198.18.0.2:7 --expect-errno ECONNREFUSED --expect-failures 2 | at most",
        "bad knob | --to 198.18.0.2:7 --set ip.nope=1 | ip.nope",
    })
    void usageErrors(String name, String args, String message) {
        StringWriter err = new StringWriter();
        String line = "connect --io af_packet --iface lo --ip 198.18.0.1/24 " + args.strip();
        int code = Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true), line.split(" +"));
        assertEquals(2, code, err::toString);
        assertTrue(err.toString().contains(message.strip()), err::toString);
    }
}
