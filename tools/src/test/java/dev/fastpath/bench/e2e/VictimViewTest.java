package dev.fastpath.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The victim's own counters, read from what {@code serve} prints on exit. */
class VictimViewTest {

    private static final List<String> LINES = List.of("ready", "counters",
        "worker0.TcpExtSyncookiesSent 10", "worker1.TcpExtSyncookiesSent 5", "worker0.TcpExtSyncookiesRecv 2",
        "worker0.afxdp Stats[rxFrames=1, txFrames=1, rxDropped=7, rxRingFull=2, fillRingEmpty=7, txInvalidDescs=0, "
            + "xdpRuns=1000, xdpRunNs=250000]",
        "worker1.afpacket Stats[tpacketVersion=3, rxFrames=3, rxDrops=4, rxQueueFreezes=0, txFrames=3]", "stopped");

    @Test
    void countersAreSummedOverTheWorkers() {
        assertEquals(15, VictimRunner.counter(LINES, "TcpExtSyncookiesSent"));
        assertEquals(2, VictimRunner.counter(LINES, "TcpExtSyncookiesRecv"));
        assertEquals(-1, VictimRunner.counter(List.of("ready"), "TcpExtSyncookiesSent"), "unknown, not zero");
    }

    @Test
    void theXdpProgramsRunTimeIsReadFromTheSocketsStatistics() {
        assertArrayEquals(new long[] {1000, 250_000}, VictimRunner.xdpRuns(LINES));
        assertArrayEquals(new long[] {0, 0}, VictimRunner.xdpRuns(List.of("ready", "stopped")), "not printed: none");
    }

    @Test
    void ringDropsCountWhatTheKernelDroppedBeforeTheStack() {
        // rx_dropped already includes the fill-ring-empty drops: counted once; AF_PACKET's tp_drops added.
        assertEquals(7 + 2 + 4, VictimRunner.ringDrops(LINES));
        assertEquals(-1, VictimRunner.ringDrops(List.of("ready", "stopped")));
    }
}
