package dev.fastpath.tcp;

import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A segment as a scripted test writes it, smoltcp's {@code TcpRepr} way: a template ({@link
 * SegmentFixture#SEND_TEMPL}, {@link SegmentFixture#RECV_TEMPL}) overridden per test with the withers,
 * {@code SEND_TEMPL.flags(SYN).seq(REMOTE_SEQ)}. A window of −1 in an expected segment means "any".
 *
 * @param srcPort source port
 * @param dstPort destination port
 * @param seq     sequence number
 * @param ack     acknowledgment number
 * @param flags   flags
 * @param window  window field (unscaled), −1 for any (expected segments only)
 * @param options options in wire order
 * @param payload data
 */
record Seg(int srcPort, int dstPort, int seq, int ack, int flags, int window, List<TcpOption> options,
        byte[] payload) {

    /** Copies what can change. */
    Seg {
        options = List.copyOf(options);
        payload = payload.clone();
    }

    static Seg of(TcpSegment s) {
        return new Seg(s.sourcePort(), s.destinationPort(), s.seq(), s.ack(), s.flags(), s.window(), s.options(),
                s.payload());
    }

    TcpSegment toSegment() {
        return TcpSegment.of(srcPort, dstPort, seq, ack, flags, Math.max(window, 0), options, payload);
    }

    Seg seq(int v) {
        return new Seg(srcPort, dstPort, v, ack, flags, window, options, payload);
    }

    Seg ack(int v) {
        return new Seg(srcPort, dstPort, seq, v, flags, window, options, payload);
    }

    Seg flags(int v) {
        return new Seg(srcPort, dstPort, seq, ack, v, window, options, payload);
    }

    Seg window(int v) {
        return new Seg(srcPort, dstPort, seq, ack, flags, v, options, payload);
    }

    Seg options(TcpOption... v) {
        return new Seg(srcPort, dstPort, seq, ack, flags, window, List.of(v), payload);
    }

    Seg payload(byte[] v) {
        return new Seg(srcPort, dstPort, seq, ack, flags, window, options, v);
    }

    Seg payload(String ascii) {
        return payload(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether {@code actual} is this expected segment: every field equal, the window unless it is −1. */
    boolean matches(Seg actual) {
        return srcPort == actual.srcPort && dstPort == actual.dstPort && seq == actual.seq && ack == actual.ack
                && flags == actual.flags && (window < 0 || window == actual.window) && options.equals(actual.options)
                && Arrays.equals(payload, actual.payload);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Seg s && s.window == window && matches(s);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * seq + ack) + flags;
    }

    @Override
    public String toString() {
        return srcPort + ">" + dstPort + " " + TcpHeader.formatFlags(flags) + " seq " + Integer.toUnsignedString(seq)
                + " ack " + Integer.toUnsignedString(ack) + " win " + (window < 0 ? "any" : window) + " " + options
                + " len " + payload.length;
    }
}
