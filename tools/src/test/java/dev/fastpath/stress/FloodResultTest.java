package dev.fastpath.stress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code flood --json}: the file the end-to-end harness reads back, written and read by one JSON library. */
class FloodResultTest {

    private static final FloodResult RESULT = new FloodResult(24_256, 24_250, 24_000, 376, 3, 2, 7, 5.017341, true,
            200_000, new long[] {1152, 2688, 0}, new long[] {1088, 2688, 64}, -1, 24_250, -1);

    @Test
    void whatIsWrittenReadsBackTheSame() {
        FloodResult back = FloodResult.fromJson(RESULT.toJson());
        assertEquals(RESULT.sent(), back.sent());
        assertEquals(RESULT.synAcks(), back.synAcks());
        assertEquals(RESULT.validLooking(), back.validLooking());
        assertEquals(RESULT.tsEncoded(), back.tsEncoded());
        assertEquals(RESULT.resets(), back.resets());
        assertEquals(RESULT.arpReplies(), back.arpReplies());
        assertEquals(RESULT.txRingFull(), back.txRingFull());
        assertEquals(RESULT.sendSeconds(), back.sendSeconds());
        assertEquals(RESULT.exhausted(), back.exhausted());
        assertEquals(RESULT.offeredRate(), back.offeredRate());
        assertArrayEquals(RESULT.sentPerSecond(), back.sentPerSecond());
        assertArrayEquals(RESULT.synAcksPerSecond(), back.synAcksPerSecond());
        assertEquals(RESULT.driverDrops(), back.driverDrops());
        assertEquals(RESULT.checked(), back.checked());
        assertEquals(RESULT.pacedRate(), back.pacedRate());
    }

    @Test
    void theDerivedRatesAreWrittenForReaders() {
        String json = RESULT.toJson();
        assertTrue(json.contains("\"sentRate\":4834.4"), json);
        assertTrue(json.contains("\"answeredRate\":4833.2"), json);
    }

    @Test
    void somethingElseIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> FloodResult.fromJson("{\"sent\":1}"));
        assertTrue(e.getMessage().contains("no synAcks"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FloodResult.fromJson("not json"));
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
            () -> FloodResult.fromJson(RESULT.toJson().replace("\"resets\":3", "\"resets\":\"three\"")));
        assertTrue(t.getMessage().contains("resets"), t.getMessage());
    }
}
