package dev.fastpath.fuzz;

import dev.fastpath.wire.ArpPacket;
import dev.fastpath.wire.EthernetFrame;
import dev.fastpath.wire.IcmpMessage;
import dev.fastpath.wire.Ipv4Packet;
import dev.fastpath.wire.MalformedPacketException;
import dev.fastpath.wire.TcpSegment;
import java.lang.foreign.MemorySegment;

/**
 * Fuzz target: every value record's {@code parse}. Only {@link MalformedPacketException} may escape,
 * and whatever parses must emit and parse back to an equal value.
 */
public final class RecordsFuzzer {
    private RecordsFuzzer() {
    }

    private interface Codec<T> {
        T parse(MemorySegment m, long offset, int length) throws MalformedPacketException;
    }

    private interface Emit<T> {
        int emit(T value, MemorySegment m);
    }

    /**
     * @param data bytes to read as each header in turn
     */
    public static void fuzzerTestOneInput(byte[] data) {
        roundTrip(data, EthernetFrame::parse, (v, m) -> v.emit(m, 0), EthernetFrame::length);
        roundTrip(data, Ipv4Packet::parse, (v, m) -> v.emit(m, 0), Ipv4Packet::totalLength);
        roundTrip(data, TcpSegment::parse, (v, m) -> v.emit(m, 0), TcpSegment::length);
        roundTrip(data, IcmpMessage::parse, (v, m) -> v.emit(m, 0), IcmpMessage::length);
        roundTrip(data, ArpPacket::parse, (v, m) -> v.emit(m, 0), v -> 28);
    }

    private static <T> void roundTrip(byte[] data, Codec<T> codec, Emit<T> emit,
            java.util.function.ToIntFunction<T> length) {
        T value;
        try {
            value = codec.parse(MemorySegment.ofArray(data), 0, data.length);
        } catch (MalformedPacketException expected) {
            return;
        }
        byte[] out = new byte[length.applyAsInt(value)];
        MemorySegment m = MemorySegment.ofArray(out);
        Fuzz.check(emit.emit(value, m) == out.length, "emit length differs for " + value);
        try {
            T again = codec.parse(m, 0, out.length);
            Fuzz.check(again.equals(value), "round trip changed " + value + " into " + again);
        } catch (MalformedPacketException e) {
            throw new IllegalStateException("emitted bytes do not parse: " + value, e);
        }
    }
}
