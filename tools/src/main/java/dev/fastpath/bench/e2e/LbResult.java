package dev.fastpath.bench.e2e;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What {@code bench lb} measured of one balancer (or of the direct path), each part null when not measured. */
record LbResult(String name, Rate rate, Transfer transfer, Probe latency, Probe flood, double floodSynPerSecond,
        String error) {

    LbResult withRate(Rate r) {
        return new LbResult(name, r, transfer, latency, flood, floodSynPerSecond, error);
    }

    LbResult withTransfer(Transfer t) {
        return new LbResult(name, rate, t, latency, flood, floodSynPerSecond, error);
    }

    LbResult withLatency(Probe p) {
        return new LbResult(name, rate, transfer, p, flood, floodSynPerSecond, error);
    }

    LbResult withFlood(Probe p, double synPerSecond) {
        return new LbResult(name, rate, transfer, latency, p, synPerSecond, error);
    }

    LbResult withError(String e) {
        return new LbResult(name, rate, transfer, latency, flood, floodSynPerSecond,
            error == null ? e : error + "; " + e);
    }

    /**
     * New connections a second, one short request and answer each ({@code Connection: close}), from wrk.
     *
     * @param requests    answered requests (2xx/3xx)
     * @param seconds     wrk's measured time
     * @param errors      socket errors (connect, read, write, timeout) and non-2xx/3xx answers
     * @param lbBusy      the balancer's core busy, seconds, over the run
     * @param clientBusy  the clients' core busy share, percent
     * @param lbBusyPct   the balancer's core busy share, percent
     */
    record Rate(long requests, double seconds, long errors, double lbBusy, double lbBusyPct, double clientBusy) {
        double perSecond() {
            return seconds > 0 ? requests / seconds : 0;
        }

        /** @return connections per second of the balancer's core's busy time */
        double perCpuSecond() {
            return lbBusy > 0 ? requests / lbBusy : 0;
        }

        /** @return the balancer's core time per connection, microseconds */
        double cpuUsPerConnection() {
            return requests > 0 ? lbBusy * 1e6 / requests : 0;
        }

        private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([0-9.]+)(us|ms|s|m),");
        private static final Pattern SOCKET = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
        private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

        /**
         * Reads wrk's report.
         *
         * @param wrk        its output
         * @param lbBusy     the balancer's core busy seconds over the run
         * @param lbBusyPct  that share in percent
         * @param clientBusy the clients' core busy share in percent
         * @return the rate
         * @throws IllegalArgumentException when the output has no request count (wrk failed)
         */
        static Rate parse(String wrk, double lbBusy, double lbBusyPct, double clientBusy) {
            Matcher m = REQUESTS.matcher(wrk);
            if (!m.find()) {
                throw new IllegalArgumentException("wrk printed no request count: " + wrk.strip());
            }
            long total = Long.parseLong(m.group(1));
            double t = Double.parseDouble(m.group(2));
            double seconds = switch (m.group(3)) {
                case "us" -> t / 1e6;
                case "ms" -> t / 1e3;
                case "m" -> t * 60;
                default -> t;
            };
            long errors = 0;
            Matcher s = SOCKET.matcher(wrk);
            if (s.find()) {
                for (int g = 1; g <= 4; g++) {
                    errors += Long.parseLong(s.group(g));
                }
            }
            long non2xx = 0;
            Matcher n = NON2XX.matcher(wrk);
            if (n.find()) {
                non2xx = Long.parseLong(n.group(1));
            }
            // wrk counts a non-2xx answer among its requests: only the others were answered as asked.
            return new Rate(total - non2xx, seconds, errors + non2xx, lbBusy, lbBusyPct, clientBusy);
        }
    }

    /**
     * One long transfer ({@code GET /big}), by curl.
     *
     * @param bytes   bytes received
     * @param seconds curl's total time
     * @param ok      status 200 and exactly the file's size
     */
    record Transfer(long bytes, double seconds, boolean ok) {
        double megabytesPerSecond() {
            return seconds > 0 ? bytes / seconds / 1e6 : 0;
        }
    }

    /**
     * What {@link HttpProbeClient} saw.
     *
     * @param rate      requests a second asked for
     * @param attempted requests started
     * @param ok        answered as expected
     * @param failed    no answer
     * @param bad       a wrong answer
     * @param p50us     median latency, µs (answered ones)
     * @param p99us     99th percentile
     * @param p999us    99.9th percentile
     * @param maxUs     the slowest
     */
    record Probe(double rate, long attempted, long ok, long failed, long bad, long p50us, long p99us, long p999us,
            long maxUs) {
        private static final Pattern DONE = Pattern.compile("done attempted=(\\d+) ok=(\\d+) failed=(\\d+) bad=(\\d+) "
            + "p50us=(\\d+) p90us=(\\d+) p99us=(\\d+) p999us=(\\d+) maxus=(\\d+)");

        /** @return the share of requests answered as expected, percent */
        double answeredPct() {
            return attempted > 0 ? 100.0 * ok / attempted : 0;
        }

        /**
         * @param rate  the rate asked for
         * @param lines the client's output
         * @return its summary
         * @throws IllegalArgumentException when it printed none
         */
        static Probe parse(double rate, Iterable<String> lines) {
            for (String l : lines) {
                Matcher m = DONE.matcher(l);
                if (m.find()) {
                    long[] v = new long[9];
                    for (int g = 1; g <= 9; g++) {
                        v[g - 1] = Long.parseLong(m.group(g));
                    }
                    return new Probe(rate, v[0], v[1], v[2], v[3], v[4], v[6], v[7], v[8]);
                }
            }
            throw new IllegalArgumentException("the probe client printed no summary");
        }

        String describe() {
            return String.format(Locale.ROOT, "%d/%d answered (%d failed, %d wrong), p50 %.2f ms, p99 %.2f ms",
                ok, attempted, failed, bad, p50us / 1000.0, p99us / 1000.0);
        }
    }
}
