package dev.fastpath.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
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
     * (integers; booleans for on/off knobs; a name for a knob with named values, e.g. {@code "cubic"}).
     *
     * @param file the file
     * @return the configuration
     * @throws ConfigException naming the file, line, key and value of the first problem, or why the file
     *                         cannot be read (missing, a directory, not readable, not UTF-8)
     */
    public static Config load(Path file) {
        return resolve(file, null, List.of());
    }

    /**
     * A file that also holds a command's own table (the load balancer's {@code [lb]}), which the knobs skip.
     *
     * @param file         the file
     * @param commandTable the command's table, or null
     * @return the configuration
     * @throws ConfigException naming the file, line, key and value of the first problem, or why it cannot be read
     */
    public static Config load(Path file, String commandTable) {
        return resolve(file, commandTable, List.of());
    }

    /**
     * {@link #resolve(Path, String, List)} for a file without a command's own table.
     *
     * @param file      a TOML file, or null
     * @param overrides {@code KEY=VALUE} overrides
     * @return the validated configuration
     * @throws ConfigException on the first problem, one line naming where it is
     */
    public static Config resolve(Path file, List<String> overrides) {
        return resolve(file, null, overrides);
    }

    /**
     * The effective configuration of a command line: the defaults, then the file (if any), then every
     * override in order; ranges are checked at each step (they concern one key), the rules between knobs
     * ({@code tcp.delack_min_ms <= tcp.delack_max_ms}, …) only on the final result, so the order of the
     * overrides does not matter.
     *
     * @param file         a TOML file, or null
     * @param commandTable a table of the file that belongs to the command, not to the knobs (e.g. lb), or null
     * @param overrides    {@code KEY=VALUE} overrides
     * @return the validated configuration
     * @throws ConfigException on the first problem, one line naming where it is
     */
    public static Config resolve(Path file, String commandTable, List<String> overrides) {
        long[] v = defaults().values.clone();
        if (file != null) {
            merge(v, Toml.parse(read(file)), file.toString(), commandTable);
        }
        applyOverrides(v, overrides);
        return new Config(v);
    }

    private static String read(Path file) {
        if (Files.isDirectory(file)) {
            throw new ConfigException(file + ": is a directory, not a TOML file");
        }
        if (!Files.exists(file)) {
            throw new ConfigException(file + ": no such file");
        }
        try {
            return Files.readString(file);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ConfigException(file + ": not UTF-8 text, so not a TOML file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    /**
     * @param toml TOML text
     * @return the defaults with the text applied
     * @throws ConfigException on the first problem
     */
    public static Config parse(String toml) {
        long[] v = defaults().values.clone();
        merge(v, Toml.parse(toml), "<text>", null);
        return new Config(v);
    }

    private static void merge(long[] v, TomlParseResult toml, String source, String commandTable) {
        if (toml.hasErrors()) {
            throw new ConfigException(source + ": " + toml.errors().getFirst().toString());
        }
        for (Map.Entry<String, Object> e : toml.dottedEntrySet()) {
            String key = e.getKey();
            if (commandTable != null && (key.equals(commandTable) || key.startsWith(commandTable + "."))) {
                continue;
            }
            Knob k = Knob.byKey(key);
            String where = source + ":" + line(toml, key);
            if (k == null) {
                throw new ConfigException(where + ": unknown key '" + key + "'; known keys: see config/fastpath.toml");
            }
            v[k.ordinal()] = tomlValue(k, e.getValue(), where);
            inRange(k, v[k.ordinal()], where + ": ");
        }
    }

    private static String line(TomlParseResult toml, String key) {
        var position = toml.inputPositionOf(key);
        return position == null ? "?" : Integer.toString(position.line());
    }

    /** An integer; a boolean for an on/off knob; the name of a value for a knob with names. */
    private static long tomlValue(Knob k, Object value, String where) {
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof Boolean b && k.acceptsBoolean()) {
            return b ? 1 : 0;
        }
        if (value instanceof String s && k.namedValue(s) >= 0) {
            return k.namedValue(s);
        }
        throw new ConfigException(where + ": key '" + k.key() + "' must be " + expected(k) + ", was "
                + describe(value));
    }

    private static String expected(Knob k) {
        if (k.acceptsBoolean()) {
            return k.linuxU8Flag() ? "an integer (0 off, 1..255 on, as Linux) or a boolean"
                    : "an integer (0 or 1) or a boolean";
        }
        String names = k.valueNames();
        return names.isEmpty() ? "an integer" : "an integer or one of " + names;
    }

    private static String describe(Object value) {
        return switch (value) {
            case TomlTable t -> "a table";
            case TomlArray a -> "an array";
            case Boolean b -> "the boolean " + b;
            case String s -> "the string \"" + s + "\"";
            case Double d -> "the float " + d;
            default -> value + " (" + value.getClass().getSimpleName() + ")";
        };
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
        long[] v = values.clone();
        applyOverrides(v, overrides);
        return new Config(v);
    }

    private static void applyOverrides(long[] v, List<String> overrides) {
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0 || o.substring(0, eq).isBlank()) {
                throw new ConfigException("override '" + o + "' is not KEY=VALUE (e.g. tcp.syncookies=2)");
            }
            String key = o.substring(0, eq).trim();
            String value = o.substring(eq + 1).trim();
            Knob k = Knob.byKey(key);
            if (k != null) {
                v[k.ordinal()] = number(k, key, value);
                inRange(k, v[k.ordinal()], "");
            } else if (Arrays.stream(KNOBS).anyMatch(n -> n.linuxName().startsWith("net.")
                    && n.linuxName().equals(key))) {
                sysctl(v, key, value);
            } else {
                throw new ConfigException("unknown key '" + key + "': give a TOML key (tcp.syncookies) or a sysctl "
                        + "name (net.ipv4.tcp_syncookies); every key is in config/fastpath.toml");
            }
        }
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
        long[] v = values.clone();
        sysctl(v, name, value);
        return new Config(v);
    }

    private static void sysctl(long[] v, String name, String value) {
        List<Knob> knobs = new ArrayList<>();
        for (Knob k : KNOBS) {
            // Only real sysctls (net.*): '-' marks Fastpath's own knobs, CAPITALS the kernel's constants.
            if (k.linuxName().startsWith("net.") && k.linuxName().equals(name)) {
                knobs.add(k);
            }
        }
        if (knobs.isEmpty()) {
            throw new ConfigException("unknown key or sysctl '" + name + "'");
        }
        String[] parts = value.trim().split("\\s+");
        if (parts.length != knobs.size()) {
            throw new ConfigException("'" + name + "' takes " + knobs.size() + " value(s) separated by spaces, got '"
                    + value + "'");
        }
        for (int i = 0; i < parts.length; i++) {
            Knob k = knobs.get(i);
            v[k.ordinal()] = number(k, name, parts[i]);
            inRange(k, v[k.ordinal()], "");
        }
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
            Knob k = Knob.byKey(key);
            String what = k == null ? "an integer" : expected(k).replace(" or a boolean", "");
            throw new ConfigException("'" + key + "' must be " + what + ", was '" + text + "'");
        }
    }

    private static void inRange(Knob k, long v, String where) {
        if (v < k.min() || v > k.max()) {
            throw new ConfigException(where + "'" + k.key() + "' (" + k.linuxName() + ") = " + v + " is outside "
                    + k.min() + ".." + k.max() + ": " + k.description());
        }
    }

    /** Every range, then the rules between knobs; runs on every configuration this class hands out. */
    private void validate() {
        for (Knob k : KNOBS) {
            inRange(k, values[k.ordinal()], "");
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
