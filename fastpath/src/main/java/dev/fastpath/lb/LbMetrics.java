package dev.fastpath.lb;

import dev.fastpath.tcp.TcpStat;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Supplier;

/**
 * The balancer's Prometheus endpoint (the Prometheus Java client's HTTP server), served by the kernel on a
 * management address — loopback by default, never through the stack. Every value is read live at scrape time
 * from the workers' counters (one writer each, release stores; the scrape loads with acquire) and summed over the
 * workers: per VIP and per backend (by slot, labelled with the address), the workers' {@link LbStat}s, the
 * backends' health states, and the stack's nstat-named counters (TcpExtSyncookiesSent/Recv/Failed among them).
 * Rates (new connections per second) are Prometheus's {@code rate()} over the {@code _total} counters.
 */
public final class LbMetrics implements AutoCloseable {
    private final HTTPServer server;

    /**
     * One worker's live counters.
     *
     * @param app   its balancer
     * @param stack its engine's counters
     */
    public record Source(ProxyApp app, TcpStat.Counters stack) {
    }

    /**
     * Starts the endpoint at {@code http://ADDR:PORT/metrics}.
     *
     * @param address  where to listen (a management address)
     * @param port     its port
     * @param snapshot the running snapshot (VIPs, backends, states)
     * @param workers  every worker's counters
     * @throws IOException when the address cannot be bound
     */
    public LbMetrics(InetAddress address, int port, Supplier<LbSnapshot> snapshot, List<Source> workers)
            throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        slotMetrics(registry, "vip", snapshot, workers, true);
        slotMetrics(registry, "backend", snapshot, workers, false);
        GaugeWithCallback.builder().name("fastpath_lb_backend_up")
                .help("1 when the backend takes new flows (UP), 0 when DOWN (health checks) or DRAIN")
                .labelNames("vip", "backend", "state")
                .callback(cb -> {
                    for (Vip v : snapshot.get().vips()) {
                        for (Backend b : v.pool().backends()) {
                            cb.call(b.takesNewFlows() ? 1 : 0, v.address(), b.address(), b.state().name());
                        }
                    }
                }).register(registry);
        CounterWithCallback.builder().name("fastpath_lb_events")
                .help("the workers' load-balancer counters (LbStat), summed over the workers").labelNames("name")
                .callback(cb -> {
                    for (LbStat s : LbStat.values()) {
                        if (s == LbStat.LbPairsOpen) {
                            continue;
                        }
                        long sum = 0;
                        for (Source w : workers) {
                            sum += w.app().counters().get(s);
                        }
                        cb.call(sum, s.name());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("fastpath_lb_pairs_open").help("client/backend pairs open now")
                .callback(cb -> {
                    long sum = 0;
                    for (Source w : workers) {
                        sum += w.app().counters().get(LbStat.LbPairsOpen);
                    }
                    cb.call(sum);
                }).register(registry);
        CounterWithCallback.builder().name("fastpath_stack")
                .help("the stack's counters under their nstat names, summed over the workers").labelNames("name")
                .callback(cb -> {
                    for (TcpStat s : TcpStat.values()) {
                        long sum = 0;
                        for (Source w : workers) {
                            sum += w.stack().get(s);
                        }
                        cb.call(sum, s.name());
                    }
                }).register(registry);
        server = HTTPServer.builder().inetAddress(address).port(port).registry(registry).buildAndStart();
    }

    private static void slotMetrics(PrometheusRegistry registry, String kind, Supplier<LbSnapshot> snapshot,
            List<Source> workers, boolean vips) {
        GaugeWithCallback.builder().name("fastpath_lb_" + kind + "_connections_open")
                .help("connections open now per " + kind).labelNames(kind)
                .callback(cb -> each(snapshot, vips, (slot, name) ->
                        cb.call(sum(workers, vips, slot, SlotCounters.Field.OPEN), name)))
                .register(registry);
        CounterWithCallback.builder().name("fastpath_lb_" + kind + "_connections")
                .help(vips ? "client connections accepted per VIP" : "backend connects completed per backend")
                .labelNames(kind)
                .callback(cb -> each(snapshot, vips, (slot, name) ->
                        cb.call(sum(workers, vips, slot, SlotCounters.Field.CONNECTIONS), name)))
                .register(registry);
        CounterWithCallback.builder().name("fastpath_lb_" + kind + "_failed")
                .help(vips ? "clients refused per VIP (limits, all backends down)"
                        : "backend connects that failed or timed out")
                .labelNames(kind)
                .callback(cb -> each(snapshot, vips, (slot, name) ->
                        cb.call(sum(workers, vips, slot, SlotCounters.Field.FAILED), name)))
                .register(registry);
        CounterWithCallback.builder().name("fastpath_lb_" + kind + "_resets")
                .help("pairs reset per " + kind).labelNames(kind)
                .callback(cb -> each(snapshot, vips, (slot, name) ->
                        cb.call(sum(workers, vips, slot, SlotCounters.Field.RESETS), name)))
                .register(registry);
        CounterWithCallback.builder().name("fastpath_lb_" + kind + "_bytes")
                .help("bytes relayed per " + kind).labelNames(kind, "direction")
                .callback(cb -> each(snapshot, vips, (slot, name) -> {
                    cb.call(sum(workers, vips, slot, SlotCounters.Field.BYTES_TO_BACKEND), name, "to_backend");
                    cb.call(sum(workers, vips, slot, SlotCounters.Field.BYTES_TO_CLIENT), name, "to_client");
                }))
                .register(registry);
    }

    /** Visits each VIP (or each backend once, by slot) of the running snapshot. */
    private static void each(Supplier<LbSnapshot> snapshot, boolean vips, SlotVisitor visitor) {
        java.util.BitSet seen = new java.util.BitSet();
        for (Vip v : snapshot.get().vips()) {
            if (vips) {
                visitor.visit(v.slot(), v.address());
                continue;
            }
            for (Backend b : v.pool().backends()) {
                if (!seen.get(b.slot())) {
                    seen.set(b.slot());
                    visitor.visit(b.slot(), b.address());
                }
            }
        }
    }

    private static long sum(List<Source> workers, boolean vips, int slot, SlotCounters.Field f) {
        long n = 0;
        for (Source w : workers) {
            n += (vips ? w.app().vipCounters() : w.app().backendCounters()).get(slot, f);
        }
        return n;
    }

    /** A slot and its address. */
    private interface SlotVisitor {
        void visit(int slot, String name);
    }

    /** @return the port it listens on */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
