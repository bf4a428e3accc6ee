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
        String out = assertThrows(ConfigException.class, () -> Config.parse("[tcp]\nsyncookies = 3\n")).getMessage();
        assertTrue(out.contains("tcp.syncookies") && out.contains("3") && out.contains("0..2"), out);
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

    @Test
    void theExampleFileDocumentsEveryKeyWithItsDefault() throws Exception {
        Path example = Path.of("fastpath.toml");
        String text = Files.readString(example);
        assertEquals(Config.defaults().toToml(), text,
                "config/fastpath.toml is out of date; regenerate it from Config.defaults().toToml()");
        assertEquals(Config.defaults(), Config.load(example));
    }
}
