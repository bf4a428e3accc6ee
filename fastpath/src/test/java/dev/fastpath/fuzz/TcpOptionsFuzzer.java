package dev.fastpath.fuzz;

import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.MalformedPacketException;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpOptions;
import dev.fastpath.wire.TcpSegment;
import java.lang.foreign.MemorySegment;

/**
 * Fuzz target: TCP options with lying lengths. The flyweight parser and the record parser must agree
 * on accept/refuse and on every value, and never throw anything else.
 */
public final class TcpOptionsFuzzer {
    private static final TcpOptions OPTIONS = new TcpOptions();

    private TcpOptionsFuzzer() {
    }

    /**
     * @param data option bytes (the first 40 at most are used)
     */
    public static void fuzzerTestOneInput(byte[] data) {
        int n = Math.min(data.length, 40) & ~3;
        byte[] header = new byte[20 + n];
        header[12] = (byte) ((5 + n / 4) << 4);
        System.arraycopy(data, 0, header, 20, n);
        MemorySegment m = MemorySegment.ofArray(header);
        DropReason flyweight = TcpOptions.parse(m, 20, n, OPTIONS);
        TcpSegment record;
        try {
            record = TcpSegment.parse(m, 0, header.length);
        } catch (MalformedPacketException e) {
            // The records refuse a malformed option; the flyweight ends its walk there and says so (Linux's
            // tcp_parse_options keeps the segment).
            Fuzz.check(e.reason() == DropReason.BAD_OPTION_LENGTH && OPTIONS.malformed()
                    && flyweight == DropReason.NONE, "records refuse with " + e.reason() + ", flyweight says "
                    + flyweight + ", malformed " + OPTIONS.malformed());
            return;
        }
        Fuzz.check(flyweight == DropReason.NONE && !OPTIONS.malformed(),
                "records accept what the flyweight calls malformed: " + flyweight);
        // A kind that appears twice: the last one wins, as in Linux's tcp_parse_options.
        java.util.Map<Class<?>, TcpOption> last = new java.util.HashMap<>();
        record.options().forEach(o -> last.put(o.getClass(), o));
        for (TcpOption o : last.values()) {
            boolean same = switch (o) {
                case TcpOption.Mss mss -> OPTIONS.mss() == mss.value();
                case TcpOption.WindowScale ws -> OPTIONS.windowScale() == ws.shift();
                case TcpOption.SackPermitted sp -> OPTIONS.sackPermitted();
                case TcpOption.Timestamps ts -> OPTIONS.hasTimestamps();
                case TcpOption.Sack sack -> OPTIONS.sackBlockCount() > 0;
                default -> true;
            };
            Fuzz.check(same, "flyweight lost " + o);
        }
    }
}
