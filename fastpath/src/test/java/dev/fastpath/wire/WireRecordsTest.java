package dev.fastpath.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireRecordsTest {
    private static MemorySegment seg(byte[] b) {
        return MemorySegment.ofArray(b);
    }

    @Test
    void recordsAgreeWithTheFlyweightParserOnEveryBuiltFrame() throws Exception {
        FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
        ParsedFrame f = new ParsedFrame();
        for (byte[] frame : RecordFrames.variety()) {
            assertEquals(DropReason.NONE, parser.parse(seg(frame), 0, frame.length, 0, f));
            EthernetFrame eth = EthernetFrame.parse(seg(frame), 0, frame.length);
            assertEquals(f.etherType(), eth.etherType());
            if (f.kind() != ParsedFrame.Kind.TCP) {
                continue;
            }
            Ipv4Packet ip = Ipv4Packet.parse(seg(eth.payload()), 0, eth.payload().length);
            TcpSegment t = TcpSegment.parse(seg(ip.payload()), 0, ip.payload().length);
            assertEquals(f.seq(), t.seq());
            assertEquals(f.ack(), t.ack());
            assertEquals(f.flags(), t.flags());
            assertEquals(f.payloadLength(), t.payload().length);
            assertEquals(f.tcpHeaderLength(), t.headerLength());
            for (TcpOption o : t.options()) {
                switch (o) {
                    case TcpOption.Mss m -> assertEquals(f.options().mss(), m.value());
                    case TcpOption.WindowScale w -> assertEquals(f.options().windowScale(), w.shift());
                    case TcpOption.Timestamps ts -> assertEquals(f.options().tsVal(), (int) ts.tsVal());
                    case TcpOption.Sack s -> assertEquals(f.options().sackBlockCount(), s.blocks().size());
                    default -> { }
                }
            }
        }
    }

    @Test
    void optionsKeepTheirOrderAndPaddingAcrossParseAndEmit() throws Exception {
        List<TcpOption> options = List.of(new TcpOption.Mss(536), new TcpOption.WindowScale(14));
        TcpSegment s = TcpSegment.of(1, 2, 3, 4, TcpHeader.SYN, 5, options, new byte[0]);
        assertEquals(28, s.headerLength()); // 7 bytes of options padded to 8
        byte[] out = new byte[s.length()];
        s.emit(seg(out), 0);
        TcpSegment back = TcpSegment.parse(seg(out), 0, out.length);
        assertEquals(List.of(new TcpOption.Mss(536), new TcpOption.WindowScale(14), new TcpOption.Eol(0)),
                back.options());
        byte[] again = new byte[back.length()];
        back.emit(seg(again), 0);
        assertArrayEquals(out, again);
    }

    @Test
    void knownKindsWithTheWrongLengthAreKeptAsUnknown() throws Exception {
        // MSS with length 3 and a one-byte value: Linux ignores it; the record keeps the bytes.
        byte[] tcp = new byte[24];
        tcp[12] = 6 << 4;
        tcp[20] = 2;
        tcp[21] = 3;
        tcp[22] = 9;
        TcpSegment s = TcpSegment.parse(seg(tcp), 0, tcp.length);
        assertEquals(List.of(new TcpOption.Unknown(2, new byte[] {9}), new TcpOption.Eol(0)), s.options());
        TcpOptions flyweight = new TcpOptions();
        assertEquals(DropReason.NONE, TcpOptions.parse(seg(tcp), 20, 4, flyweight));
        assertEquals(-1, flyweight.mss());
    }

    @Test
    void malformedBytesNameTheSameReasonsAsTheFlyweightParser() {
        byte[] frame = RecordFrames.variety().getFirst();
        assertEquals(DropReason.TRUNCATED_ETHERNET, reason(() -> EthernetFrame.parse(seg(frame), 0, 13)));
        byte[] ip = Arrays.copyOfRange(frame, 14, frame.length);
        assertEquals(DropReason.TRUNCATED_IPV4, reason(() -> Ipv4Packet.parse(seg(ip), 0, 19)));
        assertEquals(DropReason.TRUNCATED_IPV4, reason(() -> Ipv4Packet.parse(seg(ip), 0, ip.length - 1)));
        byte[] badIhl = ip.clone();
        badIhl[0] = 0x44;
        assertEquals(DropReason.BAD_IHL, reason(() -> Ipv4Packet.parse(seg(badIhl), 0, badIhl.length)));
        byte[] v6 = ip.clone();
        v6[0] = 0x65;
        assertEquals(DropReason.BAD_IP_VERSION, reason(() -> Ipv4Packet.parse(seg(v6), 0, v6.length)));
        byte[] tcp = Arrays.copyOfRange(ip, 20, ip.length);
        assertEquals(DropReason.TRUNCATED_TCP, reason(() -> TcpSegment.parse(seg(tcp), 0, 19)));
        byte[] lyingOffset = tcp.clone();
        lyingOffset[12] = (byte) 0xF0;
        assertEquals(DropReason.BAD_DATA_OFFSET,
                reason(() -> TcpSegment.parse(seg(lyingOffset), 0, lyingOffset.length)));
        byte[] lyingOption = tcp.clone();
        lyingOption[21] = 40; // the MSS option claims 40 bytes
        assertEquals(DropReason.BAD_OPTION_LENGTH,
                reason(() -> TcpSegment.parse(seg(lyingOption), 0, lyingOption.length)));
        assertEquals(DropReason.TRUNCATED_ICMP, reason(() -> IcmpMessage.parse(seg(new byte[7]), 0, 7)));
        assertEquals(DropReason.TRUNCATED_ARP, reason(() -> ArpPacket.parse(seg(new byte[27]), 0, 27)));
        assertEquals(DropReason.UNSUPPORTED_ARP, reason(() -> ArpPacket.parse(seg(new byte[28]), 0, 28)));
    }

    @Test
    void optionsBeyondFortyBytesAreRefusedAtConstruction() {
        List<TcpOption> tooMany = java.util.Collections.nCopies(5, new TcpOption.Timestamps(1, 2));
        assertThrows(IllegalArgumentException.class, () -> TcpSegment.of(1, 2, 3, 4, 0, 0, tooMany, new byte[0]));
    }

    @Test
    void twoVlanTagsRoundTripAndAThirdIsRefused() throws Exception {
        List<Integer> tags = List.of(EthernetHeader.ETHERTYPE_QINQ << 16 | 7, EthernetHeader.ETHERTYPE_VLAN << 16 | 42);
        byte[] frame = RecordFrames.ethernet(tags, EthernetHeader.ETHERTYPE_ARP, new byte[28]);
        EthernetFrame f = EthernetFrame.parse(seg(frame), 0, frame.length);
        assertEquals(tags, f.vlanTags());
        ParsedFrame p = new ParsedFrame();
        new FrameParser(ChecksumPolicy.STRICT).parse(seg(frame), 0, frame.length, 0, p);
        assertEquals(7, p.vlanId());
        byte[] three = RecordFrames.ethernet(tags, EthernetHeader.ETHERTYPE_VLAN, new byte[32]);
        assertEquals(DropReason.TOO_MANY_VLAN_TAGS, reason(() -> EthernetFrame.parse(seg(three), 0, three.length)));
    }

    private interface Parse {
        Object run() throws MalformedPacketException;
    }

    private static DropReason reason(Parse p) {
        return assertThrows(MalformedPacketException.class, p::run).reason();
    }
}
