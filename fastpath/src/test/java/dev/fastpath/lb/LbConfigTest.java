package dev.fastpath.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The [lb] table: checked with the key and the reason; snapshots keep slots and drain what leaves. */
class LbConfigTest {
    private static final long S = 1_000_000_000L;

    private static String vip(String address, String... backends) {
        StringBuilder b = new StringBuilder("[[lb.vip]]\naddress = \"" + address + "\"\n");
        for (String be : backends) {
            b.append("[[lb.vip.backend]]\n").append(be).append('\n');
        }
        return b.toString();
    }

    private static final String GOOD = "[lb]\ndrain_timeout_s = 10\n"
            + vip("198.18.0.1:80", "address = \"198.18.0.11:80\"", "address = \"198.18.0.12:80\"\nweight = 3");

    @Test
    void theExampleFileChecksOut() throws Exception {
        Path example = Path.of("..", "config", "lb.toml");
        LbConfig c = LbConfig.load(example);
        assertEquals("af_xdp", c.io());
        assertEquals(1, c.vips().size());
        assertEquals(3, c.vips().getFirst().backends().size());
        assertEquals(2, c.vips().getFirst().backends().get(2).weight());
        assertEquals(dev.fastpath.config.Config.defaults().intValue(dev.fastpath.config.Knob.SOMAXCONN),
                dev.fastpath.config.Config.load(example, "lb").intValue(dev.fastpath.config.Knob.SOMAXCONN),
                "the knobs skip the [lb] table");
    }

    @Test
    void defaultsAndValues() {
        LbConfig c = LbConfig.parse(GOOD);
        assertNull(c.io());
        assertEquals(10 * S, c.drainTimeoutNs());
        LbConfig.VipSpec v = c.vips().getFirst();
        assertEquals(0xC6120001, v.ip());
        assertEquals(80, v.port());
        assertEquals(3, v.connectAttempts());
        assertEquals(2 * S, v.connectTimeoutNs());
        assertEquals(300 * S, v.idleTimeoutNs());
        assertEquals(List.of(1, 3), v.backends().stream().map(LbConfig.BackendSpec::weight).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "no lb table | [tcp]\\nsyncookies = 1 | lb: missing",
        "no vip | [lb]\\nio = \"af_xdp\" | lb.vip: missing",
        "unknown lb key | [lb]\\nfoo = 1\\n" + "VIP | lb.foo: unknown key",
        "unknown vip key | [lb]\\n[[lb.vip]]\\naddress = \"198.18.0.1:80\"\\nmaxconn = 5 "
            + "| lb.vip[0].maxconn: unknown key",
        "unknown backend key | [lb]\\n" + "VIP_BAD_KEY | lb.vip[0].backend[0].wieght: unknown key",
        "bad vip address | [lb]\\n[[lb.vip]]\\naddress = \"198.18.0.300:80\" | lb.vip[0].address: '198.18.0.300'",
        "vip without port | [lb]\\n[[lb.vip]]\\naddress = \"198.18.0.1\" | lb.vip[0].address: must be ADDR:PORT",
        "bad port | [lb]\\n[[lb.vip]]\\naddress = \"198.18.0.1:0\" | lb.vip[0].address: '0' is not in 1..65535",
        "no backends | [lb]\\n[[lb.vip]]\\naddress = \"198.18.0.1:80\" | lb.vip[0].backend: missing",
        "weight high | [lb]\\n" + "VIP_WEIGHT_300 | lb.vip[0].backend[0].weight: 300 is out of range 1..256",
        "weight zero | [lb]\\n" + "VIP_WEIGHT_0 | lb.vip[0].backend[0].weight: 0 is out of range 1..256",
        "weight text | [lb]\\n" + "VIP_WEIGHT_TEXT | lb.vip[0].backend[0].weight: must be an integer",
        "duplicate vip | [lb]\\n" + "VIP\\nVIP | lb.vip[1].address: duplicate VIP 198.18.0.1:80",
        "duplicate backend | [lb]\\n" + "VIP_TWICE | lb.vip[0].backend[1].address: duplicate backend",
        "bad io | [lb]\\nio = \"dpdk\"\\n" + "VIP | lb.io: must be af_xdp or af_packet",
        "bad ip | [lb]\\nip = \"198.18.0.1\"\\n" + "VIP | lb.ip: must be ADDR/PREFIX",
        "attempts | [lb]\\n[[lb.vip]]\\naddress = \"198.18.0.1:80\"\\nconnect_attempts = 0 "
            + "| connect_attempts: 0 is out",
        "proxy type | [lb]\\n[[lb.vip]]\\naddress = \"198.18.0.1:80\"\\nproxy_protocol = 1 | proxy_protocol: must be",
        "not toml | [lb\\n | <text>: ",
        "health kind | [lb]\\n[[lb.vip]]\\naddress = \"198.18.0.1:80\"\\n[lb.vip.health]\\nkind = \"icmp\" "
            + "| lb.vip[0].health.kind: must be tcp or http",
        "health timeout | [lb]\\n[[lb.vip]]\\naddress = \"198.18.0.1:80\"\\n[lb.vip.health]\\ntimeout_ms = 5000 "
            + "| lb.vip[0].health.timeout_ms: must not exceed interval_ms",
        "health key | [lb]\\n[[lb.vip]]\\naddress = \"198.18.0.1:80\"\\n[lb.vip.health]\\nriseup = 1 "
            + "| lb.vip[0].health.riseup: unknown key",
    })
    void badConfigurationsNameTheKeyAndTheReason(String name, String text, String message) {
        String toml = text.replace("\\n", "\n")
                .replace("VIP_BAD_KEY", vip("198.18.0.1:80", "address = \"198.18.0.11:80\"\nwieght = 2"))
                .replace("VIP_WEIGHT_300", vip("198.18.0.1:80", "address = \"198.18.0.11:80\"\nweight = 300"))
                .replace("VIP_WEIGHT_0", vip("198.18.0.1:80", "address = \"198.18.0.11:80\"\nweight = 0"))
                .replace("VIP_WEIGHT_TEXT", vip("198.18.0.1:80", "address = \"198.18.0.11:80\"\nweight = \"x\""))
                .replace("VIP_TWICE", vip("198.18.0.1:80", "address = \"198.18.0.11:80\"",
                        "address = \"198.18.0.11:80\""))
                .replace("VIP", vip("198.18.0.1:80", "address = \"198.18.0.11:80\""));
        LbConfigException e = assertThrows(LbConfigException.class, () -> LbConfig.parse(toml));
        assertTrue(e.getMessage().contains(message.strip()), e.getMessage());
    }

    @Test
    void slotsStayWithTheirAddressesAcrossReloads() {
        LbSnapshot first = LbConfig.parse(GOOD).toSnapshot(null, 0);
        assertEquals(1, first.generation());
        String next = "[lb]\ndrain_timeout_s = 10\n" + vip("198.18.0.1:81", "address = \"198.18.0.13:80\"")
                + vip("198.18.0.1:80", "address = \"198.18.0.13:80\"", "address = \"198.18.0.12:80\"");
        LbSnapshot second = LbConfig.parse(next).toSnapshot(first, S);
        assertEquals(2, second.generation());
        Vip v80 = second.vip(0xC6120001, 80);
        assertEquals(first.vip(0xC6120001, 80).slot(), v80.slot());
        assertNotEquals(v80.slot(), second.vip(0xC6120001, 81).slot());
        Backend b12before = first.vip(0xC6120001, 80).pool().backends().get(1);
        Backend b12after = v80.pool().backends().stream().filter(b -> b.ip() == 0xC612000C).findFirst().orElseThrow();
        assertEquals(b12before.slot(), b12after.slot(), "198.18.0.12:80 keeps its slot");
        Backend b13 = v80.pool().backends().getFirst();
        assertNotEquals(b12after.slot(), b13.slot());
        assertNotEquals(first.vip(0xC6120001, 80).pool().backends().getFirst().slot(), b13.slot(),
                "a new backend does not take the slot of one still draining");
    }

    @Test
    void aRemovedBackendDrainsUntilItsDeadlineThenLeaves() {
        LbSnapshot first = LbConfig.parse(GOOD).toSnapshot(null, 0);
        String without11 = "[lb]\ndrain_timeout_s = 10\n" + vip("198.18.0.1:80", "address = \"198.18.0.12:80\"");
        LbSnapshot second = LbConfig.parse(without11).toSnapshot(first, S);
        Pool pool = second.vip(0xC6120001, 80).pool();
        assertEquals(2, pool.size());
        Backend gone = pool.backends().get(1);
        assertEquals(0xC612000B, gone.ip());
        assertEquals(BackendState.DRAIN, gone.state());
        assertEquals(11 * S, gone.drainDeadlineNs());
        for (long h = 0; h < 1000; h++) {
            assertEquals(0, pool.pick(h * 0x9E3779B97F4A7C15L, 0), "no new flow goes to the drained backend");
        }
        LbSnapshot third = LbConfig.parse(without11).toSnapshot(second, 5 * S);
        assertEquals(11 * S, third.vip(0xC6120001, 80).pool().backends().get(1).drainDeadlineNs(),
                "a reload does not push the deadline back");
        LbSnapshot fourth = LbConfig.parse(without11).toSnapshot(third, 12 * S);
        assertEquals(1, fourth.vip(0xC6120001, 80).pool().size(), "gone after its deadline");
    }

    @Test
    void drainTrueKeepsTheBackendOutOfTheTable() {
        String drained = "[lb]\n" + vip("198.18.0.1:80", "address = \"198.18.0.11:80\"\ndrain = true",
                "address = \"198.18.0.12:80\"");
        Pool pool = LbConfig.parse(drained).toSnapshot(null, 0).vips().getFirst().pool();
        assertEquals(BackendState.DRAIN, pool.backend(0).state());
        assertEquals(60 * S, pool.backend(0).drainDeadlineNs());
        assertEquals(1, pool.pick(12345, 0));
    }

    @Test
    void sameFileSameTables() {
        LbSnapshot a = LbConfig.parse(GOOD).toSnapshot(null, 0);
        LbSnapshot b = LbConfig.parse(GOOD).toSnapshot(null, 0);
        Pool pa = a.vips().getFirst().pool();
        Pool pb = b.vips().getFirst().pool();
        for (long h = 0; h < 10_000; h++) {
            long x = h * 0xC2B2AE3D27D4EB4FL;
            assertEquals(pa.pick(x, 0), pb.pick(x, 0));
        }
    }
}
