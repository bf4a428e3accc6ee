package dev.fastpath.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigTest {
    @Test
    void defaultsAreLinuxs() {
        Config c = Config.defaults();
        assertEquals(1, c.get(Knob.TCP_SYNCOOKIES));
        assertEquals(4096, c.get(Knob.SOMAXCONN));
        assertEquals(5, c.get(Knob.TCP_SYNACK_RETRIES));
        assertEquals(6, c.get(Knob.TCP_SYN_RETRIES));
        assertEquals(32768, c.get(Knob.IP_LOCAL_PORT_LOW));
        assertEquals(60999, c.get(Knob.IP_LOCAL_PORT_HIGH));
        assertEquals(60, c.get(Knob.TCP_FIN_TIMEOUT));
        assertEquals(7200, c.get(Knob.TCP_KEEPALIVE_TIME));
        assertEquals(60, c.get(Knob.TCP_TIMEWAIT_LEN));
    }

    @Test
    void tomlSetsKnobsAndBooleansWork() {
        Config c = Config.parse("[tcp]\nsyncookies = 2\ntimestamps = false\n[net]\nsomaxconn = 128\n");
        assertEquals(2, c.get(Knob.TCP_SYNCOOKIES));
        assertEquals(0, c.get(Knob.TCP_TIMESTAMPS));
        assertEquals(128, c.get(Knob.SOMAXCONN));
    }

    @Test
    void overridesTakeTomlKeysAndSysctlNames() {
        Config c = Config.defaults().withOverrides(List.of("tcp.syncookies=0",
                "net.ipv4.ip_local_port_range=40000 40010", "net.ipv4.tcp_rmem = 4096 87380 6291456"));
        assertEquals(0, c.get(Knob.TCP_SYNCOOKIES));
        assertEquals(40000, c.get(Knob.IP_LOCAL_PORT_LOW));
        assertEquals(40010, c.get(Knob.IP_LOCAL_PORT_HIGH));
        assertEquals(6291456, c.get(Knob.TCP_RMEM_MAX));
    }

    @Test
    void errorsNameTheKeyTheValueAndTheRange() {
        String out = assertThrows(ConfigException.class, () -> Config.parse("[tcp]\nsyncookies = 256\n")).getMessage();
        assertTrue(out.contains("tcp.syncookies") && out.contains("256") && out.contains("0..255"), out);
        String unknown = assertThrows(ConfigException.class, () -> Config.parse("[tcp]\nsyncookie = 1\n"))
                .getMessage();
        assertTrue(unknown.contains("unknown key 'tcp.syncookie'"), unknown);
        String type = assertThrows(ConfigException.class, () -> Config.parse("[tcp]\nmss = \"big\"\n")).getMessage();
        assertTrue(type.contains("tcp.mss") && type.contains("integer"), type);
        String syntax = assertThrows(ConfigException.class, () -> Config.parse("[tcp\n")).getMessage();
        assertTrue(syntax.contains("<text>"), syntax);
        String order = assertThrows(ConfigException.class,
                () -> Config.defaults().withOverrides(List.of("net.ipv4.ip_local_port_range=5000 4000"))).getMessage();
        assertTrue(order.contains("ip.local_port_range_low") && order.contains("5000"), order);
        assertThrows(ConfigException.class, () -> Config.defaults().withOverrides(List.of("tcp.mss")));
        assertThrows(ConfigException.class, () -> Config.defaults().withOverrides(List.of("tcp.mss=abc")));
        assertThrows(ConfigException.class, () -> Config.defaults().withSysctl("net.ipv4.tcp_rmem", "1 2"));
    }

    /**
     * Linux 6.18 takes 0..255 for its u8 on/off sysctls and for tcp_syncookies (sysctl -w measured: 255 taken,
     * 256 and -1 refused), tcp_shrink_window only 0..1; the same values are taken here, under both names.
     */
    @Test
    void onOffSysctlsTakeLinuxsByteRange() {
        List<Knob> flags = java.util.Arrays.stream(Knob.values()).filter(Knob::linuxU8Flag).toList();
        assertEquals(10, flags.size(), flags.toString());
        for (Knob k : flags) {
            Config c = Config.defaults().withSysctl(k.linuxName(), "255");
            assertEquals(255, c.get(k), k.key());
            assertTrue(c.enabled(k), k.key());
            assertTrue(Config.parse("[" + k.key().replace(".", "]\n") + " = true\n").enabled(k), k.key());
            String over = assertThrows(ConfigException.class,
                    () -> Config.defaults().withSysctl(k.linuxName(), "256")).getMessage();
            assertTrue(over.contains("0..255"), over);
            assertThrows(ConfigException.class, () -> Config.defaults().withSysctl(k.linuxName(), "-1"));
        }
        assertEquals(3, Config.defaults().withSysctl("net.ipv4.tcp_syncookies", "3").get(Knob.TCP_SYNCOOKIES));
        assertThrows(ConfigException.class, () -> Config.defaults().withSysctl("net.ipv4.tcp_shrink_window", "2"));
        // tcp_recovery is a u8 bit mask (0..255, bits above 0x4 unused); tcp_early_retrans is bounded 0..4.
        assertEquals(255, Config.defaults().withSysctl("net.ipv4.tcp_recovery", "255").get(Knob.TCP_RECOVERY));
        assertThrows(ConfigException.class, () -> Config.defaults().withSysctl("net.ipv4.tcp_recovery", "256"));
        assertThrows(ConfigException.class, () -> Config.defaults().withSysctl("net.ipv4.tcp_early_retrans", "5"));
    }

    @Test
    void rulesBetweenKnobsApplyToTheFinalConfigurationNotToEachStep() {
        // delack_min 300 exceeds the default delack_max 200 until the second override raises it.
        Config c = Config.resolve(null, List.of("tcp.delack_min_ms=300", "tcp.delack_max_ms=500"));
        assertEquals(300, c.get(Knob.TCP_DELACK_MIN));
        assertEquals(500, c.get(Knob.TCP_DELACK_MAX));
        assertEquals(c, Config.defaults().withOverrides(List.of("tcp.delack_min_ms=300", "tcp.delack_max_ms=500")));
        String wrong = assertThrows(ConfigException.class,
                () -> Config.resolve(null, List.of("tcp.delack_max_ms=500", "tcp.delack_min_ms=600"))).getMessage();
        assertTrue(wrong.contains("tcp.delack_min_ms") && wrong.contains("600"), wrong);
    }

    @Test
    void aFileAndOverridesAreValidatedTogether(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("f.toml");
        Files.writeString(file, "[tcp]\ndelack_min_ms = 300\n");
        assertEquals(300, Config.resolve(file, List.of("tcp.delack_max_ms=500")).get(Knob.TCP_DELACK_MIN));
        assertThrows(ConfigException.class, () -> Config.load(file));
    }

    @Test
    void fileProblemsAreOneLineConfigErrors(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String directory = assertThrows(ConfigException.class, () -> Config.load(dir)).getMessage();
        assertTrue(directory.contains("is a directory"), directory);
        String missing = assertThrows(ConfigException.class, () -> Config.load(dir.resolve("none.toml")))
                .getMessage();
        assertTrue(missing.contains("no such file"), missing);
        Path binary = dir.resolve("b.toml");
        Files.write(binary, new byte[] {(byte) 0xC3, (byte) 0x28, 0x0A});
        String notText = assertThrows(ConfigException.class, () -> Config.load(binary)).getMessage();
        assertTrue(notText.contains("not UTF-8"), notText);
    }

    @Test
    void tomlTypesAreCheckedPerKnob() {
        String bool = assertThrows(ConfigException.class, () -> Config.parse("[tcp]\ncongestion_control = true\n"))
                .getMessage();
        assertTrue(bool.contains("tcp.congestion_control") && bool.contains("boolean") && bool.contains(":2:"), bool);
        assertEquals(0, Config.parse("[tcp]\ncongestion_control = \"reno\"\n").get(Knob.TCP_CONGESTION_CONTROL));
        assertEquals(0, Config.parse("[tcp]\nsack = false\n").get(Knob.TCP_SACK));
        String flt = assertThrows(ConfigException.class, () -> Config.parse("[tcp]\nmss = 1.5\n")).getMessage();
        assertTrue(flt.contains("float"), flt);
        String arr = assertThrows(ConfigException.class, () -> Config.parse("[tcp]\nmss = [1]\n")).getMessage();
        assertTrue(arr.contains("array"), arr);
        String range = assertThrows(ConfigException.class, () -> Config.parse("[tcp]\n\nsyncookies = 999\n"))
                .getMessage();
        assertTrue(range.contains(":3:") && range.contains("0..255"), range);
    }

    @Test
    void timestampsTakeLinuxsValues() {
        assertEquals(2, Config.parse("[tcp]\ntimestamps = 2\n").get(Knob.TCP_TIMESTAMPS));
        assertEquals(2, Config.defaults().withSysctl("net.ipv4.tcp_timestamps", "2").get(Knob.TCP_TIMESTAMPS));
        assertEquals(1, Config.parse("[tcp]\ntimestamps = true\n").get(Knob.TCP_TIMESTAMPS));
        assertEquals(3, Config.parse("[tcp]\ntimestamps = 3\n").get(Knob.TCP_TIMESTAMPS)); // on, without offsets
        assertThrows(ConfigException.class, () -> Config.parse("[tcp]\ntimestamps = 256\n"));
    }

    @Test
    void onlyRealSysctlsAreSysctlNames() {
        // '-' marks Fastpath's own knobs and TCP_TIMEOUT_INIT is a kernel constant: neither is a key.
        String dash = assertThrows(ConfigException.class, () -> Config.defaults().withOverrides(List.of("-=1")))
                .getMessage();
        assertTrue(dash.contains("unknown key '-'"), dash);
        assertThrows(ConfigException.class, () -> Config.defaults().withOverrides(List.of("TCP_TIMEOUT_INIT=5")));
        assertThrows(ConfigException.class, () -> Config.defaults().withOverrides(List.of("=5")));
        String cc = assertThrows(ConfigException.class,
                () -> Config.defaults().withOverrides(List.of("tcp.congestion_control=bbr"))).getMessage();
        assertTrue(cc.contains("reno, cubic"), cc);
    }

    @Test
    void theExampleFileDocumentsEveryKeyWithItsDefault() throws Exception {
        Path example = Path.of("fastpath.toml");
        String text = Files.readString(example);
        assertEquals(Config.defaults().toToml(), text,
                "config/fastpath.toml is out of date; regenerate it from Config.defaults().toToml()");
        assertEquals(Config.defaults(), Config.load(example));
    }
}
