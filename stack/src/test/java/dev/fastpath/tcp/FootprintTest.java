package dev.fastpath.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;

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
        assertTrue(total <= 512, "per-connection footprint " + total + " B");
    }
}
