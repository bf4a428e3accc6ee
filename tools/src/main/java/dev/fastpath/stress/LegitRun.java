package dev.fastpath.stress;

import dev.fastpath.config.Config;
import dev.fastpath.config.Knob;
import dev.fastpath.iface.IpCidr;
import dev.fastpath.poll.Idle;
import dev.fastpath.serve.Server;
import dev.fastpath.serve.StackOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Runs the legitimate population ({@link LegitApp}) on a Fastpath worker of its own (AF_PACKET on the generator's
 * interface, at {@code --legit-ip}) beside the flood, and turns its recorders into per-second figures and totals.
 */
final class LegitRun implements AutoCloseable {

    /**
     * One second of the legitimate clients.
     *
     * @param successes clients that got the response's first byte in it
     * @param failures  clients that failed in it
     * @param p99Ms     99th percentile time to the first byte of the successes in it (0: none)
     */
    record Second(long successes, long failures, double p99Ms) {
    }

    private final LegitApp app;
    private final Server server;
    private final long timeoutNs;
    private final Histogram firstByte = new Histogram(3);
    private final Histogram synAck = new Histogram(3);
    private final List<Second> seconds = new ArrayList<>();
    private long lastSuccesses;
    private long lastFailures;

    private LegitRun(LegitApp app, Server server, long timeoutNs) {
        this.app = app;
        this.server = server;
        this.timeoutNs = timeoutNs;
    }

    /**
     * Starts the worker and its clients.
     *
     * @param iface      the interface
     * @param address    the clients' address (the target must reach it on the link)
     * @param targetIp   the target
     * @param targetPort its port
     * @param rate       clients per second
     * @param request    what each sends
     * @param timeoutNs  the wait for a response's first byte
     * @return the running population
     */
    static LegitRun start(String iface, IpCidr address, int targetIp, int targetPort, long rate, byte[] request,
            long timeoutNs) {
        Config config = Config.defaults();
        int ip = address.address().v4();
        int prefix = address.prefixLength();
        if (!address.containsV4(targetIp)) {
            throw new IllegalArgumentException("--legit-ip " + address + " must be on the target's subnet (the "
                + "legitimate clients reach it on the link)");
        }
        LegitApp app = new LegitApp(targetIp, targetPort, rate, request, timeoutNs, 65_536,
            config.intValue(Knob.STACK_MAX_CONNECTIONS));
        Server.Settings settings = new Server.Settings(Server.Io.AF_PACKET, iface, ip, prefix, 0, 0, null, config, 1,
            List.of(), null, 0, Idle.SLEEPING, List.of(), "auto", 3, false, List.of(), List.of(),
            StackOptions.TxRing.DEFAULT);
        Server server = Server.start(settings, () -> app,
            w -> app.neighbours(targetIp, w.neighbours()::peek, w.ip()::resolveV4), false);
        return new LegitRun(app, server, timeoutNs);
    }

    /** @return this second's figures (call once a second, from one thread) */
    Second second() {
        Histogram fb = app.toFirstByte.getIntervalHistogram();
        firstByte.add(fb);
        synAck.add(app.toSynAck.getIntervalHistogram());
        long s = app.successes.get();
        long f = app.failures.get();
        Second sec = new Second(s - lastSuccesses, f - lastFailures,
            fb.getTotalCount() == 0 ? 0 : fb.getValueAtPercentile(99) / 1000.0);
        lastSuccesses = s;
        lastFailures = f;
        seconds.add(sec);
        return sec;
    }

    /** Stops new clients, lets the open ones finish or time out, and stops the worker. */
    void finish() throws InterruptedException {
        app.stopIssuing();
        long end = System.nanoTime() + Math.min(timeoutNs + 200_000_000L, 5_000_000_000L);
        while (System.nanoTime() < end && app.openConnections() > 0) {
            Thread.sleep(20);
        }
        second();
        server.stop();
    }

    /** @return every second so far */
    List<Second> seconds() {
        return seconds;
    }

    /** @param m the summary: legit_* figures are added */
    void putTotals(Map<String, Object> m) {
        long ok = app.successes.get();
        long bad = app.failures.get();
        m.put("legit_attempts", app.attempts.get());
        m.put("legit_success", ok);
        m.put("legit_failed", bad);
        m.put("legit_success_pct", successPct());
        m.put("legit_p50_ms", ms(firstByte, 50));
        m.put("legit_p99_ms", ms(firstByte, 99));
        m.put("legit_synack_p99_ms", ms(synAck, 99));
    }

    /** @return successes in percent of the clients that ended (100 with none) */
    double successPct() {
        long ok = app.successes.get();
        long bad = app.failures.get();
        return ok + bad == 0 ? 100.0 : Math.round(ok * 100000.0 / (ok + bad)) / 1000.0;
    }

    /** @return the 99th percentile time to the first byte over the run, ms */
    double p99Ms() {
        return ms(firstByte, 99);
    }

    private static double ms(Histogram h, double pct) {
        return h.getTotalCount() == 0 ? 0 : Math.round(h.getValueAtPercentile(pct) / 10.0) / 100.0;
    }

    @Override
    public void close() {
        server.stop();
    }
}
