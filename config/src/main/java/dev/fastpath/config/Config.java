package dev.fastpath.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * An immutable, validated set of knob values. Build it from the defaults, a TOML file, overrides
 * ({@code key=value}, with either the TOML key or the Linux name) or sysctl writes; every way in
 * validates before it returns, so a {@code Config} in hand is always usable.
 */
public final class Config {
    private static final Knob[] KNOBS = Knob.values();
    private final long[] values;

    private Config(long[] values) {
        this.values = values;
        validate();
    }

    /** @return Linux's defaults */
    public static Config defaults() {
        long[] v = new long[KNOBS.length];
        for (Knob k : KNOBS) {
            v[k.ordinal()] = k.defaultValue();
        }
        return new Config(v);
    }

    /**
     * Loads a TOML file over the defaults. Keys are {@code [section]} tables with {@code name = value}
     * (integers, or booleans for switches: knobs from 0 whose 1 means on, such as 0..1 or tcp.timestamps' 0..2).
     *
     * @param file the file
     * @return the configuration
     * @throws ConfigException naming the file, line, key and value of the first problem
     * @throws IOException when the file cannot be read
     */
    public static Config load(Path file) throws IOException {
        return load(file, null);
    }

    /**
     * A file that also holds a command's own table (the load balancer's {@code [lb]}), which the knobs skip.
     *
     * @param file         the file
     * @param commandTable the command's table, or null
     * @return the configuration
     * @throws ConfigException naming the file, line, key and value of the first problem
     * @throws IOException when the file cannot be read
     */
    public static Config load(Path file, String commandTable) throws IOException {
        return defaults().merge(Toml.parse(file), file.toString(), commandTable);
    }

    /**
     * @param toml TOML text
     * @return the defaults with the text applied
     * @throws ConfigException on the first problem
     */
    public static Config parse(String toml) {
        return defaults().merge(Toml.parse(toml), "<text>", null);
    }

    private Config merge(TomlParseResult toml, String source, String commandTable) {
        if (toml.hasErrors()) {
            throw new ConfigException(source + ": " + toml.errors().getFirst().toString());
        }
        long[] v = values.clone();
        for (Map.Entry<String, Object> e : toml.dottedEntrySet()) {
            String key = e.getKey();
            if (commandTable != null && (key.equals(commandTable) || key.startsWith(commandTable + "."))) {
                continue;
            }
            Knob k = Knob.byKey(key);
            if (k == null) {
                throw new ConfigException(source + ": unknown key '" + key + "' at " + toml.inputPositionOf(key)
                        + "; known keys: see config/fastpath.toml");
            }
            Object value = e.getValue();
            if (value instanceof Long l) {
                v[k.ordinal()] = l;
            } else if (value instanceof Boolean b && isSwitch(k)) {
                v[k.ordinal()] = b ? 1 : 0;
            } else {
                throw new ConfigException(source + ": key '" + key + "' must be an integer"
                        + (isSwitch(k) ? " or a boolean" : "") + ", was " + describe(value));
            }
        }
        return new Config(v);
    }

    /** A knob a boolean may set: false is 0, true is 1 (off and on; a third value, as tcp.timestamps' 2, a mode). */
    private static boolean isSwitch(Knob k) {
        return k.min() == 0 && (k.max() == 1 || k == Knob.TCP_TIMESTAMPS);
    }

    private static String describe(Object value) {
        return value instanceof TomlTable ? "a table" : value + " (" + value.getClass().getSimpleName() + ")";
    }

    /**
     * @param knob  the knob
     * @param value its new value
     * @return a copy with that value
     * @throws ConfigException when out of range
     */
    public Config with(Knob knob, long value) {
        long[] v = values.clone();
        v[knob.ordinal()] = value;
        return new Config(v);
    }

    /**
     * Applies {@code key=value} overrides in order (command line). The key is a TOML key
     * ({@code tcp.syncookies}) or a Linux name ({@code net.ipv4.tcp_rmem=4096 87380 6291456}).
     *
     * @param overrides the overrides
     * @return the configuration
     * @throws ConfigException on a malformed override, unknown key or bad value
     */
    public Config withOverrides(List<String> overrides) {
        Config c = this;
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("override '" + o + "' is not KEY=VALUE");
            }
            String key = o.substring(0, eq).trim();
            String value = o.substring(eq + 1).trim();
            Knob k = Knob.byKey(key);
            c = k != null ? c.with(k, number(k, key, value)) : c.withSysctl(key, value);
        }
        return c;
    }

    /**
     * Writes a sysctl the way {@code sysctl -w} would (the packetdrill runner uses this).
     *
     * @param name  e.g. {@code net.ipv4.tcp_syncookies}
     * @param value e.g. {@code 2}, or {@code 4096 87380 6291456} for a multi-value sysctl
     * @return the configuration
     * @throws ConfigException when the name is unknown or the value wrong
     */
    public Config withSysctl(String name, String value) {
        List<Knob> knobs = new ArrayList<>();
        for (Knob k : KNOBS) {
            if (k.linuxName().equals(name)) {
                knobs.add(k);
            }
        }
        if (knobs.isEmpty()) {
            throw new ConfigException("unknown key or sysctl '" + name + "'");
        }
        String[] parts = value.trim().split("\\s+");
        if (parts.length != knobs.size()) {
            throw new ConfigException("'" + name + "' takes " + knobs.size() + " value(s), got '" + value + "'");
        }
        long[] v = values.clone();
        for (int i = 0; i < parts.length; i++) {
            v[knobs.get(i).ordinal()] = number(knobs.get(i), name, parts[i]);
        }
        return new Config(v);
    }

    /** A number, or for a knob with named values (tcp_congestion_control: reno, cubic) its name. */
    private static long number(Knob knob, String key, String text) {
        long named = knob.namedValue(text);
        return named >= 0 ? named : number(key, text);
    }

    private static long number(String key, String text) {
        try {
            return Long.decode(text); // decimal, or 0x… as sysctl values are sometimes written
        } catch (NumberFormatException e) {
            throw new ConfigException("'" + key + "' must be an integer, was '" + text + "'");
        }
    }

    private void validate() {
        for (Knob k : KNOBS) {
            long v = values[k.ordinal()];
            if (v < k.min() || v > k.max()) {
                throw new ConfigException("'" + k.key() + "' (" + k.linuxName() + ") = " + v + " is outside "
                        + k.min() + ".." + k.max() + ": " + k.description());
            }
        }
        ordered(Knob.IP_LOCAL_PORT_LOW, Knob.IP_LOCAL_PORT_HIGH);
        ordered(Knob.TCP_RMEM_MIN, Knob.TCP_RMEM_DEFAULT);
        ordered(Knob.TCP_RMEM_DEFAULT, Knob.TCP_RMEM_MAX);
        ordered(Knob.TCP_WMEM_MIN, Knob.TCP_WMEM_DEFAULT);
        ordered(Knob.TCP_WMEM_DEFAULT, Knob.TCP_WMEM_MAX);
        ordered(Knob.TCP_RTO_MIN, Knob.TCP_RTO_MAX);
        ordered(Knob.TCP_DELACK_MIN, Knob.TCP_DELACK_MAX);
    }

    private void ordered(Knob low, Knob high) {
        if (values[low.ordinal()] > values[high.ordinal()]) {
            throw new ConfigException("'" + low.key() + "' = " + values[low.ordinal()] + " must not exceed '"
                    + high.key() + "' = " + values[high.ordinal()]);
        }
    }

    /**
     * @param knob the knob
     * @return its value
     */
    public long get(Knob knob) {
        return values[knob.ordinal()];
    }

    /**
     * @param knob a knob whose range fits an int (all but none do)
     * @return its value as an int
     */
    public int intValue(Knob knob) {
        return (int) values[knob.ordinal()];
    }

    /**
     * @param knob a 0/1 knob
     * @return whether it is on
     */
    public boolean enabled(Knob knob) {
        return values[knob.ordinal()] != 0;
    }

    /** @return the configuration as a documented TOML file, every key with its Linux name and range */
    public String toToml() {
        StringBuilder b = new StringBuilder(
                "# Fastpath configuration: every knob, its Linux counterpart, range and default.\n"
                + "# Load with --config FILE; override with KEY=VALUE (TOML key or sysctl name).\n");
        List<String> sections = new ArrayList<>();
        for (Knob k : KNOBS) {
            String s = section(k);
            if (!sections.contains(s)) {
                sections.add(s);
            }
        }
        for (String s : sections) {
            b.append("\n[").append(s).append("]\n");
            for (Knob k : KNOBS) {
                if (section(k).equals(s)) {
                    b.append("# ").append(k.description()).append('\n');
                    b.append("# mirrors ").append(k.linuxName()).append("; range ").append(k.min()).append("..")
                            .append(k.max()).append("; Linux default ").append(k.defaultValue()).append('\n');
                    b.append(k.key().substring(s.length() + 1)).append(" = ").append(get(k)).append('\n');
                }
            }
        }
        return b.toString();
    }

    private static String section(Knob k) {
        return k.key().substring(0, k.key().indexOf('.'));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Config c && Arrays.equals(c.values, values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Config[");
        for (Knob k : KNOBS) {
            if (get(k) != k.defaultValue()) {
                b.append(k.key()).append('=').append(get(k)).append(' ');
            }
        }
        return b.append("others default]").toString();
    }
}
