package dev.fastpath.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.config.Config;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EngineWarmupTest {
    @Test
    @DisplayName("the warm-up's connections all complete intact, and its loss phase makes the engines retransmit")
    void everyConnectionCompletesAndRecoveryRuns() {
        EngineWarmup.Result r0 = EngineWarmup.run(Config.defaults(), 8);
        System.out.println(r0);
        EngineWarmup.Result r = EngineWarmup.run(Config.defaults(), 64);
        System.out.println(r);
        assertEquals(64, r.connections());
        assertEquals(64, r.completed(), r.toString());
        assertTrue(r.retransmissions() > 0, "the loss phase ran no recovery: " + r);
    }

    @Test
    @DisplayName("the warm-up follows the configuration it is given (no timestamps, no SACK, cookies always)")
    void runsWithTheCallersKnobs() {
        Config cfg = Config.defaults().withOverrides(List.of("tcp.timestamps=0", "tcp.sack=0", "tcp.syncookies=2"));
        EngineWarmup.Result r = EngineWarmup.run(cfg, 16);
        assertEquals(16, r.completed(), r.toString());
    }
}
