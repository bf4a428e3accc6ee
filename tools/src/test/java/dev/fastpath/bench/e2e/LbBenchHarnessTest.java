package dev.fastpath.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.lab.HttpProbeClient;
import dev.fastpath.lab.LbLab;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bench lb}'s own checks: what counts as an answered request, how wrk's and the probe client's reports are
 * read (errors and wrong answers are not counted as connections), and how the goals are judged.
 */
class LbBenchHarnessTest {
    private static final String BODY = LbLab.BODY;

    private static byte[] http(String head, String body) {
        return (head + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void anAnswerCountsOnlyWhenStatusLengthAndBodyAreRight() {
        String len = "Content-Length: " + BODY.length();
        assertTrue(HttpProbeClient.answered(http("HTTP/1.1 200 OK\r\nServer: nginx\r\n" + len, BODY), BODY));
        assertTrue(HttpProbeClient.answered(http("HTTP/1.0 200 OK\r\ncontent-length:  " + BODY.length(), BODY), BODY));
        assertFalse(HttpProbeClient.answered(http("HTTP/1.1 502 Bad Gateway\r\n" + len, BODY), BODY), "status");
        assertFalse(HttpProbeClient.answered(http("HTTP/1.1 200 OK\r\n" + len, BODY.substring(1)), BODY),
            "cut short: fewer bytes than Content-Length");
        assertFalse(HttpProbeClient.answered(http("HTTP/1.1 200 OK\r\n" + len, BODY + "x"), BODY), "bytes past it");
        assertFalse(HttpProbeClient.answered(http("HTTP/1.1 200 OK\r\nContent-Length: " + BODY.length(),
            BODY.toUpperCase(java.util.Locale.ROOT)), BODY), "other bytes");
        assertFalse(HttpProbeClient.answered(http("HTTP/1.1 200 OK", BODY), BODY), "no Content-Length");
        assertFalse(HttpProbeClient.answered(http("HTTP/1.1 200 OK\r\nContent-Length: x", BODY), BODY));
        assertFalse(HttpProbeClient.answered("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII), BODY),
            "the header never ended");
        assertFalse(HttpProbeClient.answered(new byte[0], BODY), "nothing (a reset)");
    }

    @Test
    void wrkReportWithoutErrors() {
        String out = """
            Running 10s test @ http://198.18.0.1:80/
              1 threads and 50 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     2.59ms    1.26ms  18.55ms   83.94%
                Req/Sec    11.64k   668.42    12.39k    92.00%
              58384 requests in 5.06s, 8.24MB read
            Requests/sec:  11548.70
            Transfer/sec:      1.63MB
            """;
        LbResult.Rate r = LbResult.Rate.parse(out, 2.0, 40, 100);
        assertEquals(58384, r.requests());
        assertEquals(0, r.errors());
        assertEquals(58384 / 5.06, r.perSecond(), 0.01);
        assertEquals(58384 / 2.0, r.perCpuSecond(), 0.01);
        assertEquals(2.0e6 / 58384, r.cpuUsPerConnection(), 1e-6);
    }

    @Test
    void wrkErrorsAndWrongAnswersAreNotConnections() {
        String out = """
              9000 requests in 1.00m, 8.24MB read
              Socket errors: connect 3, read 2, write 1, timeout 4
              Non-2xx or 3xx responses: 500
            Requests/sec:    150.00
            """;
        LbResult.Rate r = LbResult.Rate.parse(out, 60, 100, 100);
        assertEquals(8500, r.requests(), "a 502 from the balancer is no connection relayed");
        assertEquals(510, r.errors());
        assertEquals(8500 / 60.0, r.perSecond(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> LbResult.Rate.parse("unable to connect", 1, 1, 1));
    }

    @Test
    void probeSummary() {
        LbResult.Probe p = LbResult.Probe.parse(200, List.of("ready", "done attempted=2000 ok=1998 failed=1 bad=1 "
            + "p50us=250 p90us=400 p99us=900 p999us=1500 maxus=3000"));
        assertEquals(2000, p.attempted());
        assertEquals(1998, p.ok());
        assertEquals(1, p.failed());
        assertEquals(1, p.bad());
        assertEquals(250, p.p50us());
        assertEquals(900, p.p99us());
        assertEquals(99.9, p.answeredPct(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> LbResult.Probe.parse(1, List.of("ready")),
            "a client that died says nothing: no result, not zero latency");
    }

    @Test
    void goalsAreJudgedFromTheFigures() {
        LbResult.Probe allAnswered = new LbResult.Probe(200, 1000, 1000, 0, 0, 1, 2, 3, 4);
        LbResult.Probe mostAnswered = new LbResult.Probe(200, 1000, 998, 2, 0, 1, 2, 3, 4);
        LbResult ha = new LbResult("haproxy", new LbResult.Rate(9000, 1, 0, 1.0, 100, 100),
            new LbResult.Transfer(1_000_000, 1, true), null, mostAnswered, 1e6, null);
        LbResult fastMet = new LbResult("fastpath", new LbResult.Rate(9000, 1, 0, 0.6, 60, 100),
            new LbResult.Transfer(1_000_000, 0.9, true), null, allAnswered, 1e6, null);
        String met = LbBenchReport.goals(List.of(ha, fastMet));
        assertTrue(met.contains("1.67x — met"), met);
        assertTrue(met.contains("1.11x — met"), met);
        assertTrue(met.contains("100.00 % — met (HAProxy 99.80 %)"), met);
        LbResult fastNot = new LbResult("fastpath", new LbResult.Rate(9000, 1, 0, 0.7, 70, 100),
            new LbResult.Transfer(1_000_000, 2, true), null, mostAnswered, 1e6, null);
        String not = LbBenchReport.goals(List.of(ha, fastNot));
        assertTrue(not.contains("1.43x — NOT met"), not);
        assertTrue(not.contains("0.50x — NOT met"), not);
        assertTrue(not.contains("99.80 % — NOT met"), not);
        LbResult cut = fastMet.withTransfer(new LbResult.Transfer(999_999, 0.5, false));
        assertTrue(LbBenchReport.goals(List.of(ha, cut)).contains("throughput: not measured"),
            "a transfer cut short is no throughput");
    }

    @Test
    void haproxyConfigurationIsTcpModeOnOneThreadPinnedWithEveryBackend() {
        String cfg = LbBench.haproxyConfig(1, 7600);
        assertTrue(cfg.contains("nbthread 1\n") && cfg.contains("cpu-map 1/1 1\n") && cfg.contains("mode tcp\n"), cfg);
        assertTrue(cfg.contains("maxconn 7600\n"), cfg);
        for (int i = 0; i < LbLab.BACKENDS; i++) {
            assertTrue(cfg.contains("server b" + (i + 1) + " " + LbLab.backend(i) + ":80\n"), cfg);
        }
    }
}
