package dev.fastpath.lb;

import dev.fastpath.wire.Ipv4Header;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * The load balancer's configuration: the {@code [lb]} table of a Fastpath TOML file (docs/lb.md; an example in
 * config/lb.toml), checked whole before anything uses it. Every problem is an {@link LbConfigException} that
 * names the file, the key (as {@code lb.vip[0].backend[1].weight}) and the reason: an unknown key, a value of the
 * wrong type, an address or port that is not one, a number out of its range, a VIP or a backend given twice.
 *
 * @param io             {@code af_xdp} or {@code af_packet}, or null (the command line gives it)
 * @param iface          the interface, or null
 * @param ip             the stack's {@code ADDR/PREFIX}, or null
 * @param gateway        the gateway, or null
 * @param drainTimeoutNs how long a drained or removed backend keeps its established flows
 * @param vips           the VIPs, at least one
 * @param metrics        the Prometheus endpoint's {@code [ADDR:]PORT}, or null for none
 */
public record LbConfig(String io, String iface, String ip, String gateway, long drainTimeoutNs,
        List<VipSpec> vips, String metrics) {
    /** The largest Maglev weight. */
    public static final int MAX_WEIGHT = 256;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final Set<String> LB_KEYS = Set.of("io", "iface", "ip", "gateway", "drain_timeout_s", "vip",
            "metrics");
    private static final Set<String> VIP_KEYS = Set.of("address", "max_connections", "max_new_per_second",
            "connect_timeout_ms", "idle_timeout_s", "connect_attempts", "proxy_protocol", "backend", "health");
    private static final Set<String> HEALTH_KEYS = Set.of("kind", "interval_ms", "timeout_ms", "rise", "fall",
            "path", "expect_status");
    private static final Set<String> BACKEND_KEYS = Set.of("address", "weight", "drain");

    /** Copies the list. */
    public LbConfig {
        vips = List.copyOf(vips);
    }

    /**
     * One backend as the file gives it.
     *
     * @param ip     address
     * @param port   port
     * @param weight 1..{@link #MAX_WEIGHT}
     * @param drain  {@code drain = true}: no new flows, established ones until they close or the drain deadline
     */
    public record BackendSpec(int ip, int port, int weight, boolean drain) {
    }

    /**
     * One VIP as the file gives it.
     *
     * @param ip               address
     * @param port             port
     * @param maxConnections   0: no limit
     * @param maxNewPerSecond  0: no limit
     * @param connectTimeoutNs backend connect timeout
     * @param idleTimeoutNs    0: never
     * @param connectAttempts  backends tried per client
     * @param proxyProtocol    PROXY protocol v2 header to the backends
     * @param backends         its backends
     * @param health           its health check, or null
     */
    public record VipSpec(int ip, int port, int maxConnections, int maxNewPerSecond, long connectTimeoutNs,
            long idleTimeoutNs, int connectAttempts, boolean proxyProtocol, List<BackendSpec> backends,
            HealthSpec health) {
        /** Copies the list. */
        public VipSpec {
            backends = List.copyOf(backends);
        }
    }

    /**
     * @param file a TOML file
     * @return its {@code [lb]} table, checked
     * @throws LbConfigException naming the key and the reason
     * @throws IOException       when the file cannot be read
     */
    public static LbConfig load(Path file) throws IOException {
        return parse(Toml.parse(file), file.toString());
    }

    /**
     * @param text TOML text
     * @return its {@code [lb]} table, checked
     * @throws LbConfigException naming the key and the reason
     */
    public static LbConfig parse(String text) {
        return parse(Toml.parse(text), "<text>");
    }

    /** @return whether the file has an {@code [lb]} table at all */
    static boolean hasLbTable(Path file) throws IOException {
        TomlParseResult t = Toml.parse(file);
        return !t.hasErrors() && t.isTable("lb");
    }

    private static LbConfig parse(TomlParseResult toml, String source) {
        if (toml.hasErrors()) {
            throw new LbConfigException(source + ": " + toml.errors().getFirst());
        }
        Reader r = new Reader(source);
        if (!toml.isTable("lb")) {
            throw r.fail("lb", "missing: the load balancer's [lb] table with at least one [[lb.vip]]");
        }
        TomlTable lb = toml.getTable("lb");
        r.onlyKeys(lb, "lb", LB_KEYS);
        String io = r.string(lb, "lb", "io", null);
        if (io != null && !io.equals("af_xdp") && !io.equals("af_packet")) {
            throw r.fail("lb.io", "must be af_xdp or af_packet, not '" + io + "'");
        }
        String iface = r.string(lb, "lb", "iface", null);
        String ip = r.string(lb, "lb", "ip", null);
        if (ip != null) {
            int slash = ip.indexOf('/');
            if (slash < 0) {
                throw r.fail("lb.ip", "must be ADDR/PREFIX, not '" + ip + "'");
            }
            r.address("lb.ip", ip.substring(0, slash));
            r.range("lb.ip", ip.substring(slash + 1), 0, 32);
        }
        String gateway = r.string(lb, "lb", "gateway", null);
        if (gateway != null) {
            r.address("lb.gateway", gateway);
        }
        long drain = r.integer(lb, "lb", "drain_timeout_s", 60, 1, 86_400) * S;
        String metrics = r.string(lb, "lb", "metrics", null);
        if (metrics != null) {
            metricsEndpoint(metrics, m -> r.fail("lb.metrics", m));
        }
        if (!lb.isArray("vip") || lb.getArray("vip").isEmpty()) {
            throw r.fail("lb.vip", "missing: give at least one [[lb.vip]] with its [[lb.vip.backend]]s");
        }
        TomlArray vipArray = lb.getArray("vip");
        List<VipSpec> vips = new ArrayList<>();
        for (int i = 0; i < vipArray.size(); i++) {
            String at = "lb.vip[" + i + "]";
            if (!(vipArray.get(i) instanceof TomlTable v)) {
                throw r.fail(at, "must be a table ([[lb.vip]])");
            }
            VipSpec spec = vip(r, v, at);
            for (VipSpec other : vips) {
                if (other.ip() == spec.ip() && other.port() == spec.port()) {
                    throw r.fail(at + ".address", "duplicate VIP " + addressOf(spec.ip(), spec.port()));
                }
            }
            vips.add(spec);
        }
        return new LbConfig(io, iface, ip, gateway, drain, vips, metrics);
    }

    private static VipSpec vip(Reader r, TomlTable v, String at) {
        r.onlyKeys(v, at, VIP_KEYS);
        long[] address = r.endpoint(v, at, "address");
        int maxConnections = (int) r.integer(v, at, "max_connections", 0, 0, 100_000_000);
        int maxNew = (int) r.integer(v, at, "max_new_per_second", 0, 0, 100_000_000);
        long connect = r.integer(v, at, "connect_timeout_ms", 2000, 1, 600_000) * MS;
        long idle = r.integer(v, at, "idle_timeout_s", 300, 0, 86_400) * S;
        int attempts = (int) r.integer(v, at, "connect_attempts", 3, 1, 16);
        boolean proxy = r.bool(v, at, "proxy_protocol", false);
        HealthSpec health = null;
        if (v.contains("health")) {
            if (!v.isTable("health")) {
                throw r.fail(at + ".health", "must be a table ([lb.vip.health])");
            }
            health = health(r, v.getTable("health"), at + ".health");
        }
        if (!v.isArray("backend") || v.getArray("backend").isEmpty()) {
            throw r.fail(at + ".backend", "missing: give at least one [[lb.vip.backend]]");
        }
        TomlArray array = v.getArray("backend");
        List<BackendSpec> backends = new ArrayList<>();
        for (int j = 0; j < array.size(); j++) {
            String bat = at + ".backend[" + j + "]";
            if (!(array.get(j) instanceof TomlTable b)) {
                throw r.fail(bat, "must be a table ([[lb.vip.backend]])");
            }
            r.onlyKeys(b, bat, BACKEND_KEYS);
            long[] e = r.endpoint(b, bat, "address");
            int weight = (int) r.integer(b, bat, "weight", 1, 1, MAX_WEIGHT);
            BackendSpec spec = new BackendSpec((int) e[0], (int) e[1], weight, r.bool(b, bat, "drain", false));
            for (BackendSpec other : backends) {
                if (other.ip() == spec.ip() && other.port() == spec.port()) {
                    throw r.fail(bat + ".address", "duplicate backend " + addressOf(spec.ip(), spec.port()));
                }
            }
            backends.add(spec);
        }
        return new VipSpec((int) address[0], (int) address[1], maxConnections, maxNew, connect, idle, attempts,
                proxy, backends, health);
    }

    private static HealthSpec health(Reader r, TomlTable h, String at) {
        r.onlyKeys(h, at, HEALTH_KEYS);
        String kind = r.string(h, at, "kind", "tcp");
        if (!kind.equals("tcp") && !kind.equals("http")) {
            throw r.fail(at + ".kind", "must be tcp or http, not '" + kind + "'");
        }
        long interval = r.integer(h, at, "interval_ms", 2000, 10, 3_600_000) * MS;
        long timeout = r.integer(h, at, "timeout_ms", 1000, 1, 3_600_000) * MS;
        if (timeout > interval) {
            throw r.fail(at + ".timeout_ms", "must not exceed interval_ms");
        }
        int rise = (int) r.integer(h, at, "rise", 2, 1, 100);
        int fall = (int) r.integer(h, at, "fall", 3, 1, 100);
        String path = r.string(h, at, "path", "/");
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
            throw r.fail(at + ".path", "must start with / and hold no spaces or control characters");
        }
        int expect = (int) r.integer(h, at, "expect_status", 200, 100, 599);
        return new HealthSpec(kind.equals("http"), interval, timeout, rise, fall, path, expect);
    }

    /**
     * The snapshot this configuration asks for, after {@code previous} (lb-control's {@code toSnapshot}): a VIP or
     * backend keeps the slot its address:port had, new ones take free slots; a backend that is no longer in a
     * VIP's list, or is marked {@code drain}, stays in the pool as DRAIN (no Maglev entries) until its deadline
     * ({@code drain_timeout_s} after it was first drained), then leaves; health states (DOWN) carry over.
     *
     * @param previous the running snapshot, or null at start
     * @param nowNs    the clock drain deadlines are on ({@code System.nanoTime()})
     * @return the next snapshot (generation + 1)
     * @throws LbConfigException when there are more VIPs or backends than slots
     */
    public LbSnapshot toSnapshot(LbSnapshot previous, long nowNs) {
        return toSnapshot(previous, nowNs, null);
    }

    /**
     * @param previous the running snapshot, or null at start
     * @param nowNs    the clock drain deadlines are on
     * @param down     which backend slots the health checks hold DOWN (null: as in {@code previous})
     * @return the next snapshot
     */
    public LbSnapshot toSnapshot(LbSnapshot previous, long nowNs, java.util.function.IntPredicate down) {
        java.util.Map<Long, Integer> vipSlots = new java.util.HashMap<>();
        java.util.Map<Long, Backend> old = new java.util.HashMap<>();
        java.util.Map<Long, Vip> oldVips = new java.util.HashMap<>();
        if (previous != null) {
            for (Vip v : previous.vips()) {
                vipSlots.put(key(v.ip(), v.port()), v.slot());
                oldVips.put(key(v.ip(), v.port()), v);
                for (Backend b : v.pool().backends()) {
                    old.putIfAbsent(key(b.ip(), b.port()), b);
                }
            }
        }
        // Every slot of the running snapshot stays taken for one reload: a removed VIP's or backend's established
        // pairs still count under it, so a newcomer must not share it.
        java.util.BitSet usedVip = new java.util.BitSet();
        java.util.BitSet usedBackend = new java.util.BitSet();
        vipSlots.values().forEach(usedVip::set);
        old.values().forEach(b -> usedBackend.set(b.slot()));
        java.util.Map<Long, Integer> newBackendSlots = new java.util.HashMap<>();
        List<Vip> out = new ArrayList<>();
        for (VipSpec v : vips) {
            long vk = key(v.ip(), v.port());
            Integer slot = vipSlots.get(vk);
            if (slot == null) {
                slot = usedVip.nextClearBit(0);
                if (slot >= ProxyApp.VIP_SLOTS) {
                    throw new LbConfigException("lb.vip: more than " + ProxyApp.VIP_SLOTS + " VIPs");
                }
                usedVip.set(slot);
            }
            List<Backend> backends = new ArrayList<>();
            java.util.Set<Long> listed = new java.util.HashSet<>();
            for (BackendSpec b : v.backends()) {
                long bk = key(b.ip(), b.port());
                listed.add(bk);
                Backend o = old.get(bk);
                Integer bs = o != null ? Integer.valueOf(o.slot()) : newBackendSlots.get(bk);
                if (bs == null) {
                    bs = usedBackend.nextClearBit(0);
                    if (bs >= ProxyApp.BACKEND_SLOTS) {
                        throw new LbConfigException("lb.vip.backend: more than " + ProxyApp.BACKEND_SLOTS
                                + " backends");
                    }
                    usedBackend.set(bs);
                    newBackendSlots.put(bk, bs);
                }
                boolean isDown = down != null ? down.test(bs) : o != null && o.state() == BackendState.DOWN;
                BackendState state = isDown ? BackendState.DOWN : BackendState.UP;
                long deadline = 0;
                if (b.drain()) {
                    state = BackendState.DRAIN;
                    deadline = o != null && o.state() == BackendState.DRAIN ? o.drainDeadlineNs()
                            : nowNs + drainTimeoutNs;
                }
                backends.add(new Backend(bs, b.ip(), b.port(), b.weight(), state, deadline));
            }
            Vip was = oldVips.get(vk);
            if (was != null) {
                for (Backend o : was.pool().backends()) {
                    if (listed.contains(key(o.ip(), o.port()))) {
                        continue;
                    }
                    long deadline = o.state() == BackendState.DRAIN ? o.drainDeadlineNs() : nowNs + drainTimeoutNs;
                    if (deadline - nowNs > 0) { // removed: drains until its deadline, then leaves
                        backends.add(new Backend(o.slot(), o.ip(), o.port(), o.weight(), BackendState.DRAIN,
                                deadline));
                    }
                }
            }
            Pool pool = new Pool(backends, Maglev.table(backends), v.proxyProtocol(), v.health());
            out.add(new Vip(slot, v.ip(), v.port(), pool, v.maxConnections(), v.maxNewPerSecond(),
                    v.connectTimeoutNs(), v.idleTimeoutNs(), v.connectAttempts()));
        }
        return new LbSnapshot(previous == null ? 1 : previous.generation() + 1, out);
    }

    private static long key(int ip, int port) {
        return (ip & 0xFFFFFFFFL) << 16 | port;
    }

    /**
     * Checks a metrics endpoint, {@code [ADDR:]PORT} (ADDR defaults to loopback).
     *
     * @param text  the text
     * @param error makes the exception for a message
     * @return {host, port}
     */
    static String[] metricsEndpoint(String text, java.util.function.Function<String, RuntimeException> error) {
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : text.substring(0, colon);
        String port = text.substring(colon + 1);
        try {
            Ipv4Header.parseAddress(host);
        } catch (RuntimeException e) {
            throw error.apply("'" + host + "' is not an IPv4 address");
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                throw error.apply("port " + p + " is not in 1..65535");
            }
        } catch (NumberFormatException e) {
            throw error.apply("must be [ADDR:]PORT, not '" + text + "'");
        }
        return new String[] {host, port};
    }

    static String addressOf(int ip, int port) {
        return new Backend(0, ip, port, 1, BackendState.UP, 0).address();
    }

    /** Reads typed values and turns every problem into one message: source, key, reason. */
    private record Reader(String source) {
        LbConfigException fail(String key, String reason) {
            return new LbConfigException(source + ": " + key + ": " + reason);
        }

        void onlyKeys(TomlTable t, String at, Set<String> known) {
            for (String k : t.keySet()) {
                if (!known.contains(k)) {
                    throw fail(at + "." + k, "unknown key (known: " + String.join(", ", known.stream().sorted()
                            .toList()) + ")");
                }
            }
        }

        String string(TomlTable t, String at, String key, String fallback) {
            if (!t.contains(key)) {
                return fallback;
            }
            if (!t.isString(key)) {
                throw fail(at + "." + key, "must be a string, was " + t.get(key));
            }
            return t.getString(key);
        }

        boolean bool(TomlTable t, String at, String key, boolean fallback) {
            if (!t.contains(key)) {
                return fallback;
            }
            if (!t.isBoolean(key)) {
                throw fail(at + "." + key, "must be true or false, was " + t.get(key));
            }
            return t.getBoolean(key);
        }

        long integer(TomlTable t, String at, String key, long fallback, long min, long max) {
            if (!t.contains(key)) {
                return fallback;
            }
            if (!t.isLong(key)) {
                throw fail(at + "." + key, "must be an integer, was " + t.get(key));
            }
            long v = t.getLong(key);
            if (v < min || v > max) {
                throw fail(at + "." + key, v + " is out of range " + min + ".." + max);
            }
            return v;
        }

        long[] endpoint(TomlTable t, String at, String key) {
            String text = string(t, at, key, null);
            if (text == null) {
                throw fail(at + "." + key, "missing (ADDR:PORT)");
            }
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw fail(at + "." + key, "must be ADDR:PORT, not '" + text + "'");
            }
            int ip = address(at + "." + key, text.substring(0, colon));
            int port = range(at + "." + key, text.substring(colon + 1), 1, 65535);
            return new long[] {ip, port};
        }

        int address(String key, String text) {
            try {
                return Ipv4Header.parseAddress(text.strip());
            } catch (RuntimeException e) {
                throw fail(key, "'" + text + "' is not an IPv4 address");
            }
        }

        int range(String key, String text, int min, int max) {
            try {
                int v = Integer.parseInt(text.strip());
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // the failure below
            }
            throw fail(key, "'" + text + "' is not in " + min + ".." + max);
        }
    }
}
