package dev.fastpath.fuzz;

import dev.fastpath.io.PacketIo;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.EthernetFrame;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.Ipv4Packet;
import dev.fastpath.wire.MalformedPacketException;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpSegment;
import java.lang.foreign.MemorySegment;

/**
 * Fuzz target: the flyweight frame parser under every checksum policy. It must never throw, never
 * read outside the frame (the segment is exactly the frame, so such a read would throw), and what it
 * accepts must be self-consistent and agree with the value records.
 */
public final class FrameParserFuzzer {
    private static final FrameParser[] PARSERS = {
        new FrameParser(ChecksumPolicy.STRICT), new FrameParser(ChecksumPolicy.TRUST_FLAG),
        new FrameParser(ChecksumPolicy.ACCEPT_PARTIAL), new FrameParser(ChecksumPolicy.TRUST_DEVICE),
    };
    private static final ParsedFrame FRAME = new ParsedFrame();

    private FrameParserFuzzer() {
    }

    /**
     * @param data one frame
     */
    public static void fuzzerTestOneInput(byte[] data) {
        MemorySegment frame = MemorySegment.ofArray(data);
        for (FrameParser parser : PARSERS) {
            for (int flags : new int[] {0, PacketIo.RX_CSUM_PARTIAL}) {
                DropReason reason = parser.parse(frame, 0, data.length, flags, FRAME);
                if (reason == DropReason.NONE) {
                    checkAccepted(frame, data.length);
                }
            }
        }
    }

    private static void checkAccepted(MemorySegment frame, int length) {
        ParsedFrame f = FRAME;
        Fuzz.check(f.kind() != ParsedFrame.Kind.NONE, "accepted without a kind");
        if (f.kind() != ParsedFrame.Kind.TCP) {
            return;
        }
        long end = f.l4Offset() + f.l4Length();
        Fuzz.check(end <= length, "L4 ends past the frame");
        Fuzz.check(f.payloadOffset() + f.payloadLength() == end, "payload does not end with the segment");
        Fuzz.check(f.tcpHeaderLength() >= 20 && f.tcpHeaderLength() <= 60, "TCP header length out of range");
        try {
            EthernetFrame eth = EthernetFrame.parse(frame, 0, length);
            byte[] l3 = eth.payload();
            Ipv4Packet ip = Ipv4Packet.parse(MemorySegment.ofArray(l3), 0, l3.length);
            byte[] l4 = ip.payload();
            TcpSegment t = TcpSegment.parse(MemorySegment.ofArray(l4), 0, l4.length);
            Fuzz.check(t.seq() == f.seq() && t.ack() == f.ack() && t.flags() == f.flags()
                    && t.window() == f.window() && t.payload().length == f.payloadLength(),
                    "record and flyweight disagree: " + t + " vs " + f);
        } catch (MalformedPacketException e) {
            if (e.reason() == DropReason.BAD_OPTION_LENGTH && f.options().malformed()) {
                return; // the flyweight keeps a segment whose options end malformed (tcp_parse_options); records do not
            }
            throw new IllegalStateException("flyweight accepted what the records refuse", e);
        }
    }
}
