package dev.fastpath.lb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Rise and fall in a row, passive ejection at once, states published into the Maglev tables. */
class HealthTrackerTest {
    private static final String FILE = "[lb]\n[[lb.vip]]\naddress = \"198.18.0.1:80\"\n"
            + "[lb.vip.health]\nkind = \"http\"\npath = \"/health\"\ninterval_ms = 500\ntimeout_ms = 200\n"
            + "rise = 2\nfall = 3\n"
            + "[[lb.vip.backend]]\naddress = \"198.18.0.11:80\"\n[[lb.vip.backend]]\naddress = \"198.18.0.12:80\"\n"
            + "[[lb.vip]]\naddress = \"198.18.0.1:81\"\n[[lb.vip.backend]]\naddress = \"198.18.0.13:80\"\n";

    private static HealthEvents.Event ok(int slot) {
        return new HealthEvents.Event(slot, true, false, "ok");
    }

    private static HealthEvents.Event fail(int slot) {
        return new HealthEvents.Event(slot, false, false, "refused");
    }

    @Test
    void theHealthTableIsParsed() {
        HealthSpec h = LbConfig.parse(FILE).vips().getFirst().health();
        assertEquals(new HealthSpec(true, 500_000_000L, 200_000_000L, 2, 3, "/health", 200), h);
        assertEquals(null, LbConfig.parse(FILE).vips().get(1).health());
    }

    @Test
    void fallFailuresInARowTakeItDownAndRiseSuccessesBringItBack() {
        HealthEvents events = new HealthEvents();
        HealthTracker t = new HealthTracker(events);
        LbConfig config = LbConfig.parse(FILE);
        LbSnapshot s = config.toSnapshot(null, 0, t::isDown);
        assertFalse(t.apply(fail(0), s));
        assertFalse(t.apply(fail(0), s));
        assertFalse(t.apply(ok(0), s), "a success breaks the run");
        assertFalse(t.apply(fail(0), s));
        assertFalse(t.apply(fail(0), s));
        assertTrue(t.apply(fail(0), s), "the third failure in a row");
        assertTrue(t.isDown(0));
        assertEquals(1, events.downs());
        s = config.toSnapshot(s, 0, t::isDown);
        Pool pool = s.vips().getFirst().pool();
        assertEquals(BackendState.DOWN, pool.backend(0).state());
        for (long h = 0; h < 1000; h++) {
            assertEquals(1, pool.pick(h * 0x9E3779B97F4A7C15L, 0), "no new flow to the DOWN backend");
        }
        assertFalse(t.apply(ok(0), s));
        assertTrue(t.apply(ok(0), s), "rise = 2");
        assertFalse(t.isDown(0));
        assertEquals(1, events.ups());
        assertEquals(BackendState.UP, config.toSnapshot(s, 0, t::isDown).vips().getFirst().pool().backend(0).state());
    }

    @Test
    void aPassiveEjectionTakesItDownAtOnce() {
        HealthTracker t = new HealthTracker(new HealthEvents());
        LbSnapshot s = LbConfig.parse(FILE).toSnapshot(null, 0, t::isDown);
        assertTrue(t.apply(new HealthEvents.Event(1, false, true, "LbBackendConnectFailed"), s));
        assertTrue(t.isDown(1));
    }

    @Test
    void backendsOfPoolsWithoutChecksAreNeverTakenDown() {
        HealthTracker t = new HealthTracker(new HealthEvents());
        LbSnapshot s = LbConfig.parse(FILE).toSnapshot(null, 0, t::isDown);
        int slot = s.vips().get(1).pool().backend(0).slot();
        for (int i = 0; i < 10; i++) {
            assertFalse(t.apply(fail(slot), s));
        }
        assertFalse(t.isDown(slot));
    }

    @Test
    void allDownLeavesAnEmptyTable() {
        HealthTracker t = new HealthTracker(new HealthEvents());
        LbConfig config = LbConfig.parse(FILE);
        LbSnapshot s = config.toSnapshot(null, 0, t::isDown);
        t.apply(new HealthEvents.Event(0, false, true, "x"), s);
        t.apply(new HealthEvents.Event(1, false, true, "x"), s);
        Pool pool = config.toSnapshot(s, 0, t::isDown).vips().getFirst().pool();
        assertEquals(0, pool.tableSize());
        assertEquals(-1, pool.pick(7, 0));
    }
}
