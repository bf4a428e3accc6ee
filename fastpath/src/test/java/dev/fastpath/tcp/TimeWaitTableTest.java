package dev.fastpath.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TimeWaitTableTest {
    @Test
    @DisplayName("TIME_WAIT records are found by 4-tuple through adds and removes, as a HashMap would")
    void agreesWithAModel() {
        SplittableRandom r = new SplittableRandom(11);
        TimeWaitTable t = new TimeWaitTable(3000, 5);
        Map<Long, Integer> model = new HashMap<>();
        TcpSock s = new TcpSock(0);
        for (int step = 0; step < 300_000; step++) {
            int remote = 0xC6130000 + r.nextInt(40);
            int rport = 40000 + r.nextInt(100);
            long key = (long) remote << 16 | rport;
            Integer rec = model.get(key);
            if (rec == null && model.size() < 3000 && r.nextBoolean()) {
                s.localIp = 0xC6120001;
                s.remoteIp = remote;
                s.localPort = 80;
                s.remotePort = rport;
                s.sndNxt = rport;
                model.put(key, t.add(s, 0));
            } else if (rec != null && r.nextInt(3) == 0) {
                t.remove(rec);
                model.remove(key);
            } else {
                int found = t.find(0xC6120001, remote, 80, rport);
                assertEquals(rec == null ? -1 : rec, found);
                if (found >= 0) {
                    assertEquals(rport, t.sndNxt[found]);
                }
            }
            assertEquals(model.size(), t.size());
        }
    }
}
