package dev.fastpath.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.GraphLayout;

/**
 * Memory per connection, measured with JOL on this JVM: the socket object itself plus its two slots
 * in the 4-tuple table (the table keeps at most half its slots full; a slot is 8 + 4 + 4 bytes).
 * Data buffers (the two rings) are excluded, as the budget says.
 */
class FootprintTest {
    static final int TABLE_BYTES_PER_ENTRY = 2 * (8 + 4 + 4);

    @Test
    void anEstablishedConnectionFitsIn512Bytes() {
        long sock = ClassLayout.parseClass(TcpSock.class).instanceSize();
        long total = sock + TABLE_BYTES_PER_ENTRY;
        System.out.println("TcpSock " + sock + " B + table " + TABLE_BYTES_PER_ENTRY + " B = " + total + " B");
        // Allocated with the queues like RcvState, so outside the budget; printed so that it stays visible.
        System.out.println("with the queues: SockStats (TCP_INFO counters) "
                + ClassLayout.parseClass(SockStats.class).instanceSize() + " B, RcvState "
                + ClassLayout.parseClass(RcvState.class).instanceSize() + " B");
        assertTrue(total <= 512, "per-connection footprint " + total + " B");
    }

    @Test
    void aTimeWaitRecordFitsIn64Bytes() {
        int capacity = 1 << 16;
        TimeWaitTable t = new TimeWaitTable(capacity, 1);
        long perRecord = GraphLayout.parseInstance(t).totalSize() / capacity;
        System.out.println("TIME_WAIT record " + perRecord + " B (everything the table holds / capacity)");
        assertTrue(perRecord <= 64, "per TIME_WAIT record " + perRecord + " B");
        int odd = 100_000; // a capacity just above a power of two: the index rounds up the most
        long worst = GraphLayout.parseInstance(new TimeWaitTable(odd, 1)).totalSize() / odd;
        assertTrue(worst <= 64, "per TIME_WAIT record " + worst + " B at capacity " + odd);
    }
}
