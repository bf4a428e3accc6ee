package dev.fastpath.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The value records the packetdrill runner and the tests build and compare segments with: exact bytes on
 * the wire, the checksums they compute, value equality field by field, defensive copies, the text they
 * print in a runner's failure message.
 */
class RecordValuesTest {

    private static final int A = RecordFrames.IP_A;
    private static final int B = RecordFrames.IP_B;

    private static MemorySegment seg(byte[] b) {
        return MemorySegment.ofArray(b);
    }

    private static byte[] emit(TcpSegment s) {
        byte[] out = new byte[s.length()];
        assertEquals(out.length, s.emit(seg(out), 0));
        return out;
    }

    @Test
    @DisplayName("TCP segment bytes: each field at its offset, the reserved nibble kept, options then zero padding")
    void tcpSegmentBytes() throws Exception {
        TcpSegment s = new TcpSegment(0x1234, 0x0050, 0x80000001, 0x7FFFFFFF, 0x5, TcpHeader.SYN | TcpHeader.ECE,
                0xFAF0, 0xBEEF, 0x0102, List.of(new TcpOption.Mss(1460), new TcpOption.WindowScale(7)),
                new byte[] {9, 8});
        assertEquals(28, s.headerLength());
        assertEquals(30, s.length());
        byte[] out = emit(s);
        assertArrayEquals(Frames.bytes(0x12, 0x34, 0x00, 0x50, 0x80, 0, 0, 1, 0x7F, 0xFF, 0xFF, 0xFF, 0x75, 0x42,
                0xFA, 0xF0, 0xBE, 0xEF, 0x01, 0x02, 2, 4, 0x05, 0xB4, 3, 3, 7, 0, 9, 8), out);
        TcpSegment back = TcpSegment.parse(seg(out), 0, out.length);
        assertEquals(5, back.reserved());
        assertEquals(0xBEEF, back.checksum());
        assertEquals(0x0102, back.urgentPointer());
        assertArrayEquals(new byte[] {9, 8}, back.payload());
    }

    @Test
    @DisplayName("every option kind is written as kind, length, value; a SACK block's edges as two words")
    void tcpOptionBytes() {
        TcpSegment s = TcpSegment.of(1, 2, 0, 0, TcpHeader.ACK, 0, List.of(new TcpOption.Nop(),
                new TcpOption.SackPermitted(), new TcpOption.Timestamps(0x01020304L, 0xFFFFFFFFL),
                new TcpOption.Sack(List.of(new TcpOption.SackBlock(0x0A0B0C0DL, 0x11121314L))),
                new TcpOption.Unknown(30, new byte[] {(byte) 0xAA}), new TcpOption.Eol(0)), new byte[0]);
        byte[] out = emit(s);
        assertEquals(20 + 1 + 2 + 10 + 10 + 3 + 1 + 1, out.length, "27 option bytes padded to 28");
        assertArrayEquals(Frames.bytes(1, 4, 2, 8, 10, 1, 2, 3, 4, 0xFF, 0xFF, 0xFF, 0xFF, 5, 10, 0x0A, 0x0B, 0x0C,
                0x0D, 0x11, 0x12, 0x13, 0x14, 30, 3, 0xAA, 0, 0), Bytes.copy(seg(out), 20, 28));
    }

    @Test
    @DisplayName("every known option parses back to its record with each value where it was written")
    void optionsParseBack() throws Exception {
        List<TcpOption> options = List.of(new TcpOption.Timestamps(0x01020304L, 0x0A0B0C0DL), new TcpOption.Nop(),
                new TcpOption.Nop(), new TcpOption.Sack(List.of(new TcpOption.SackBlock(0x11111111L, 0x22222222L),
                        new TcpOption.SackBlock(0x33333333L, 0x44444444L))), new TcpOption.Mss(0x0102),
                new TcpOption.WindowScale(14), new TcpOption.SackPermitted(), new TcpOption.Eol(0));
        TcpSegment s = TcpSegment.of(1, 2, 0, 0, TcpHeader.ACK, 0, options, new byte[0]);
        assertEquals(options, TcpSegment.parse(seg(emit(s)), 0, s.length()).options());
    }

    @Test
    @DisplayName("an EOL's padding is written as zeros, and parsing reads it back as the same padding")
    void eolPadding() throws Exception {
        byte[] out = new byte[28];
        Bytes.put(seg(out), 0, emit(TcpSegment.of(1, 2, 0, 0, 0, 0, List.of(new TcpOption.Mss(1),
                new TcpOption.Eol(3)), new byte[0])));
        out[27] = 0x7F; // junk where the EOL's padding lies: emit must zero it
        TcpSegment s = TcpSegment.of(1, 2, 0, 0, 0, 0, List.of(new TcpOption.Mss(1), new TcpOption.Eol(3)),
                new byte[0]);
        s.emit(seg(out), 0);
        assertEquals(0, out[27]);
        assertEquals(List.of(new TcpOption.Mss(1), new TcpOption.Eol(3)), TcpSegment.parse(seg(out), 0, 28).options());
        // Bytes past the options up to the data offset are the writer's zero padding, never read as options.
        TcpSegment z = TcpSegment.of(1, 2, 0, 0, 0, 0, List.of(new TcpOption.WindowScale(2)), new byte[0]);
        byte[] zb = new byte[24];
        java.util.Arrays.fill(zb, (byte) 0x5A);
        z.emit(seg(zb), 0);
        assertEquals(0, zb[23], "the fourth option byte of a 3-byte option is zero");
    }

    @Test
    @DisplayName("options: exactly 40 bytes make a 60-byte header; a kind in the options' last byte has no length")
    void optionAreaBounds() throws Exception {
        TcpSegment full = TcpSegment.of(1, 2, 0, 0, 0, 0, List.of(new TcpOption.Unknown(30, new byte[38])),
                new byte[0]);
        assertEquals(60, full.headerLength());
        assertEquals(full.options(), TcpSegment.parse(seg(emit(full)), 0, 60).options());
        byte[] tcp = new byte[24];
        tcp[12] = 6 << 4;
        Bytes.put(seg(tcp), 20, Frames.bytes(1, 1, 1, 30));
        assertEquals(DropReason.BAD_OPTION_LENGTH, assertThrows(MalformedPacketException.class,
                () -> TcpSegment.parse(seg(tcp), 0, 24)).reason());
        Bytes.put(seg(tcp), 20, Frames.bytes(1, 1, 30, 2));
        assertEquals(List.of(new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Unknown(30, new byte[0])),
                TcpSegment.parse(seg(tcp), 0, 24).options(), "an option ending at the header's end");
        Bytes.put(seg(tcp), 20, Frames.bytes(1, 1, 30, 3));
        assertEquals(DropReason.BAD_OPTION_LENGTH, assertThrows(MalformedPacketException.class,
                () -> TcpSegment.parse(seg(tcp), 0, 24)).reason());
        Bytes.put(seg(tcp), 20, Frames.bytes(1, 30, 1, 0));
        assertEquals(DropReason.BAD_OPTION_LENGTH, assertThrows(MalformedPacketException.class,
                () -> TcpSegment.parse(seg(tcp), 0, 24)).reason(), "a length below 2");
    }

    @Test
    @DisplayName("sequence space: payload, +1 for SYN, +1 for FIN (RFC 9293 §3.4)")
    void sequenceLength() {
        assertEquals(0, TcpSegment.of(1, 2, 0, 0, TcpHeader.ACK, 0, List.of(), new byte[0]).sequenceLength());
        assertEquals(1, TcpSegment.of(1, 2, 0, 0, TcpHeader.SYN, 0, List.of(), new byte[0]).sequenceLength());
        assertEquals(1, TcpSegment.of(1, 2, 0, 0, TcpHeader.FIN, 0, List.of(), new byte[0]).sequenceLength());
        assertEquals(5, TcpSegment.of(1, 2, 0, 0, TcpHeader.SYN | TcpHeader.FIN, 0, List.of(), new byte[3])
                .sequenceLength());
    }

    @Test
    @DisplayName("TCP checksum of a record: right for its addresses only; the stored value is what the wire carries")
    void tcpSegmentChecksum() throws Exception {
        TcpSegment s = TcpSegment.of(40000, 80, 1, 2, TcpHeader.ACK | TcpHeader.PSH, 502, List.of(),
                new byte[] {1, 2, 3}).withComputedChecksum(A, B);
        assertTrue(s.checksumValid(A, B));
        assertFalse(s.checksumValid(A, B + 1));
        byte[] out = emit(s);
        assertTrue(Checksum.verifyTcp(seg(out), 0, out.length, A, B));
        assertEquals(s.checksum(), s.computeChecksum(A, B));
        TcpSegment wrong = new TcpSegment(40000, 80, 1, 2, 0, TcpHeader.ACK | TcpHeader.PSH, 502,
                s.checksum() ^ 1, 0, List.of(), new byte[] {1, 2, 3});
        assertFalse(wrong.checksumValid(A, B));
        assertEquals(s.checksum(), wrong.computeChecksum(A, B), "the stored field does not enter the sum");
    }

    @Test
    @DisplayName("TCP record equality covers every field; payload and options are copies")
    void tcpSegmentEquality() {
        byte[] data = {1, 2};
        TcpSegment s = new TcpSegment(1, 2, 3, 4, 5, 6, 7, 8, 9, List.of(new TcpOption.Nop()), data);
        data[0] = 99;
        assertEquals(1, s.payload()[0], "the constructor copied the payload");
        s.payload()[1] = 99;
        assertEquals(2, s.payload()[1], "the accessor returns a copy");
        TcpSegment same = new TcpSegment(1, 2, 3, 4, 5, 6, 7, 8, 9, List.of(new TcpOption.Nop()), new byte[] {1, 2});
        assertEquals(s, same);
        assertEquals(s.hashCode(), same.hashCode());
        List<TcpSegment> others = List.of(
                new TcpSegment(0, 2, 3, 4, 5, 6, 7, 8, 9, List.of(new TcpOption.Nop()), new byte[] {1, 2}),
                new TcpSegment(1, 0, 3, 4, 5, 6, 7, 8, 9, List.of(new TcpOption.Nop()), new byte[] {1, 2}),
                new TcpSegment(1, 2, 0, 4, 5, 6, 7, 8, 9, List.of(new TcpOption.Nop()), new byte[] {1, 2}),
                new TcpSegment(1, 2, 3, 0, 5, 6, 7, 8, 9, List.of(new TcpOption.Nop()), new byte[] {1, 2}),
                new TcpSegment(1, 2, 3, 4, 0, 6, 7, 8, 9, List.of(new TcpOption.Nop()), new byte[] {1, 2}),
                new TcpSegment(1, 2, 3, 4, 5, 0, 7, 8, 9, List.of(new TcpOption.Nop()), new byte[] {1, 2}),
                new TcpSegment(1, 2, 3, 4, 5, 6, 0, 8, 9, List.of(new TcpOption.Nop()), new byte[] {1, 2}),
                new TcpSegment(1, 2, 3, 4, 5, 6, 7, 0, 9, List.of(new TcpOption.Nop()), new byte[] {1, 2}),
                new TcpSegment(1, 2, 3, 4, 5, 6, 7, 8, 0, List.of(new TcpOption.Nop()), new byte[] {1, 2}),
                new TcpSegment(1, 2, 3, 4, 5, 6, 7, 8, 9, List.of(), new byte[] {1, 2}),
                new TcpSegment(1, 2, 3, 4, 5, 6, 7, 8, 9, List.of(new TcpOption.Nop()), new byte[] {1, 3}));
        java.util.Set<Integer> hashes = new java.util.HashSet<>();
        for (TcpSegment o : others) {
            assertNotEquals(s, o, o.toString());
            hashes.add(o.hashCode());
        }
        assertTrue(hashes.size() > others.size() / 2, "hash codes spread over the fields");
        assertNotEquals(s, "a string");
    }

    @Test
    @DisplayName("TCP record text: ports, flags, seq:end(len), ack, window, options, checksum, reserved bits")
    void tcpSegmentText() {
        TcpSegment s = new TcpSegment(40000, 80, -2, 7, 0, TcpHeader.SYN | TcpHeader.ACK, 502, 0xabc, 0,
                List.of(new TcpOption.Mss(536)), new byte[4]);
        assertEquals("TcpSegment[40000 > 80 S. 4294967294:2(4) ack 7 win 502 <[mss 536]> csum=0xabc]", s.toString());
        TcpSegment r = new TcpSegment(1, 2, 0, 0, 3, TcpHeader.RST, 0, 0, 0, List.of(), new byte[0]);
        assertTrue(r.toString().endsWith("csum=0x0 res=3]"), r.toString());
    }

    @Test
    @DisplayName("option records: wire lengths, tcpdump-like text, 32-bit masking, their size limits")
    void optionRecords() {
        assertEquals(1, new TcpOption.Nop().length());
        assertEquals(4, new TcpOption.Eol(3).length());
        assertEquals("eol", new TcpOption.Eol(0).toString());
        assertEquals("eol+3", new TcpOption.Eol(3).toString());
        assertEquals("nop", new TcpOption.Nop().toString());
        assertEquals("mss 1460", new TcpOption.Mss(1460).toString());
        assertEquals(4, new TcpOption.Mss(1460).length());
        assertEquals("wscale 7", new TcpOption.WindowScale(7).toString());
        assertEquals(3, new TcpOption.WindowScale(7).length());
        assertEquals("sackOK", new TcpOption.SackPermitted().toString());
        assertEquals(2, new TcpOption.SackPermitted().length());
        TcpOption.Timestamps ts = new TcpOption.Timestamps(-1L, 0x1_0000_0005L);
        assertEquals(0xFFFFFFFFL, ts.tsVal());
        assertEquals(5, ts.tsEcr());
        assertEquals("TS val 4294967295 ecr 5", ts.toString());
        assertEquals(10, ts.length());
        TcpOption.SackBlock b = new TcpOption.SackBlock(-1L, 0x1_0000_0002L);
        assertEquals(0xFFFFFFFFL, b.start());
        assertEquals(2, b.end());
        TcpOption.Sack sack = new TcpOption.Sack(List.of(b, new TcpOption.SackBlock(3, 4)));
        assertEquals(18, sack.length());
        assertEquals("sack 4294967295:2 3:4", sack.toString());
        assertThrows(IllegalArgumentException.class, () -> new TcpOption.Sack(List.of()));
        assertThrows(IllegalArgumentException.class, () -> new TcpOption.Sack(java.util.Collections.nCopies(5, b)));
        assertEquals(34, new TcpOption.Sack(java.util.Collections.nCopies(4, b)).length());
        byte[] data = {1, (byte) 0xAB};
        TcpOption.Unknown u = new TcpOption.Unknown(30, data);
        data[0] = 7;
        assertArrayEquals(new byte[] {1, (byte) 0xAB}, u.data(), "copied in");
        u.data()[0] = 7;
        assertArrayEquals(new byte[] {1, (byte) 0xAB}, u.data(), "copied out");
        assertEquals(4, u.length());
        assertEquals("opt30 01ab", u.toString());
        assertEquals(u, new TcpOption.Unknown(30, new byte[] {1, (byte) 0xAB}));
        assertEquals(u.hashCode(), new TcpOption.Unknown(30, new byte[] {1, (byte) 0xAB}).hashCode());
        assertNotEquals(u, new TcpOption.Unknown(31, new byte[] {1, (byte) 0xAB}));
        assertNotEquals(u.hashCode(), new TcpOption.Unknown(30, new byte[] {2, (byte) 0xAB}).hashCode());
        assertNotEquals(u, new TcpOption.Unknown(30, new byte[] {1, (byte) 0xAC}));
        assertEquals(40, new TcpOption.Unknown(30, new byte[38]).length());
        assertThrows(IllegalArgumentException.class, () -> new TcpOption.Unknown(30, new byte[39]));
    }

    @Test
    @DisplayName("a SACK option of a ragged length parses as an unknown option with its bytes")
    void raggedSackIsUnknown() throws Exception {
        byte[] tcp = new byte[32];
        tcp[12] = (byte) (8 << 4);
        tcp[20] = 5;
        tcp[21] = 12;
        tcp[31] = 0x42;
        assertEquals(List.of(new TcpOption.Unknown(5, java.util.Arrays.copyOfRange(tcp, 22, 32))),
                TcpSegment.parse(seg(tcp), 0, 32).options());
        tcp[21] = 10;
        tcp[30] = 1;
        tcp[31] = 0;
        List<TcpOption> opts = TcpSegment.parse(seg(tcp), 0, 32).options();
        assertEquals(List.of(new TcpOption.Sack(List.of(new TcpOption.SackBlock(0, 0))), new TcpOption.Nop(),
                new TcpOption.Eol(0)), opts);
    }

    @Test
    @DisplayName("IPv4 record: options carried, header checksum right and checked, withPayload recomputes")
    void ipv4Packet() throws Exception {
        Ipv4Packet p = new Ipv4Packet(0x10, 0x1234, Ipv4Header.FLAG_DF, 64, Ipv4Header.PROTO_TCP, 0, A, B,
                new byte[] {1, 1, 1, 0}, new byte[] {5, 6, 7}).withComputedChecksum();
        assertEquals(24, p.headerLength());
        assertEquals(27, p.totalLength());
        assertTrue(p.headerChecksumValid());
        byte[] out = new byte[p.totalLength()];
        assertEquals(27, p.emit(seg(out), 0));
        Ipv4Header h = new Ipv4Header().wrap(seg(out), 0);
        assertTrue(h.checksumValid());
        assertEquals(0x46, out[0]);
        assertEquals(0x10, h.tos());
        assertEquals(27, h.totalLength());
        assertEquals(64, h.ttl());
        Ipv4Packet back = Ipv4Packet.parse(seg(out), 0, out.length);
        assertEquals(p, back);
        assertEquals(p.hashCode(), back.hashCode());
        assertArrayEquals(new byte[] {1, 1, 1, 0}, back.options());
        Ipv4Packet q = p.withPayload(new byte[100]);
        assertEquals(124, q.totalLength());
        assertTrue(q.headerChecksumValid());
        assertNotEquals(p.checksum(), q.checksum(), "the total length is covered");
        assertFalse(new Ipv4Packet(0x10, 0x1234, Ipv4Header.FLAG_DF, 64, 6, p.checksum() + 1, A, B,
                new byte[] {1, 1, 1, 0}, new byte[0]).headerChecksumValid());
        assertThrows(IllegalArgumentException.class,
                () -> new Ipv4Packet(0, 0, 0, 64, 6, 0, A, B, new byte[3], new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> new Ipv4Packet(0, 0, 0, 64, 6, 0, A, B, new byte[44], new byte[0]));
        assertEquals(60, new Ipv4Packet(0, 0, 0, 64, 6, 0, A, B, new byte[40], new byte[0]).headerLength());
        Ipv4Packet of = Ipv4Packet.of(A, B, Ipv4Header.PROTO_ICMP, new byte[] {1});
        assertEquals(Ipv4Header.FLAG_DF, of.flagsFragment());
        assertEquals(64, of.ttl());
        assertTrue(of.headerChecksumValid());
    }

    @Test
    @DisplayName("IPv4 record: a payload past the total length (Ethernet padding) is cut; equality covers every field")
    void ipv4PacketEquality() throws Exception {
        byte[] ip = RecordFrames.ipv4(Ipv4Header.PROTO_TCP, new byte[] {1, 2, 3});
        byte[] padded = java.util.Arrays.copyOf(ip, ip.length + 6);
        assertArrayEquals(new byte[] {1, 2, 3}, Ipv4Packet.parse(seg(padded), 0, padded.length).payload());
        Ipv4Packet p = new Ipv4Packet(1, 2, 3, 4, 5, 6, 7, 8, new byte[4], new byte[] {9});
        assertEquals(p, new Ipv4Packet(1, 2, 3, 4, 5, 6, 7, 8, new byte[4], new byte[] {9}));
        List<Ipv4Packet> others = List.of(
                new Ipv4Packet(0, 2, 3, 4, 5, 6, 7, 8, new byte[4], new byte[] {9}),
                new Ipv4Packet(1, 0, 3, 4, 5, 6, 7, 8, new byte[4], new byte[] {9}),
                new Ipv4Packet(1, 2, 0, 4, 5, 6, 7, 8, new byte[4], new byte[] {9}),
                new Ipv4Packet(1, 2, 3, 0, 5, 6, 7, 8, new byte[4], new byte[] {9}),
                new Ipv4Packet(1, 2, 3, 4, 0, 6, 7, 8, new byte[4], new byte[] {9}),
                new Ipv4Packet(1, 2, 3, 4, 5, 0, 7, 8, new byte[4], new byte[] {9}),
                new Ipv4Packet(1, 2, 3, 4, 5, 6, 0, 8, new byte[4], new byte[] {9}),
                new Ipv4Packet(1, 2, 3, 4, 5, 6, 7, 0, new byte[4], new byte[] {9}),
                new Ipv4Packet(1, 2, 3, 4, 5, 6, 7, 8, new byte[0], new byte[] {9}),
                new Ipv4Packet(1, 2, 3, 4, 5, 6, 7, 8, new byte[4], new byte[] {8}));
        java.util.Set<Integer> hashes = new java.util.HashSet<>();
        for (Ipv4Packet o : others) {
            assertNotEquals(p, o, o.toString());
            hashes.add(o.hashCode());
        }
        assertTrue(hashes.size() > others.size() / 2, "hash codes spread over the fields");
        byte[] header = RecordFrames.ipv4(Ipv4Header.PROTO_TCP, new byte[0]);
        assertEquals(0, Ipv4Packet.parse(seg(header), 0, 20).payload().length, "a bare 20-byte header");
        header[0] = 0x46;
        assertEquals(DropReason.TRUNCATED_IPV4, assertThrows(MalformedPacketException.class,
                () -> Ipv4Packet.parse(seg(header), 0, 20)).reason(), "IHL 24 in 20 bytes");
        header[3] = 24;
        byte[] withOptions = java.util.Arrays.copyOf(header, 24);
        assertEquals(4, Ipv4Packet.parse(seg(withOptions), 0, 24).options().length, "total equal to the header");
        withOptions[3] = 23;
        assertEquals(DropReason.BAD_IP_TOTAL_LENGTH, assertThrows(MalformedPacketException.class,
                () -> Ipv4Packet.parse(seg(withOptions), 0, 24)).reason());
        assertNotEquals(p, "a string");
        assertEquals("Ipv4Packet[198.18.0.1 > 198.18.0.2, proto=6, ttl=64, id=0, ff=0x4000, tos=0, csum=0x"
                + Integer.toHexString(Ipv4Packet.of(A, B, 6, new byte[] {1}).checksum()) + ", options=, payload=01]",
                Ipv4Packet.of(A, B, 6, new byte[] {1}).toString());
        assertEquals("40 bytes", Bytes.hex(new byte[40]), "long payloads print their length only");
        assertEquals("00".repeat(32), Bytes.hex(new byte[32]));
    }

    @Test
    @DisplayName("ICMP record: identifier and sequence halves, checksum right and checked (odd body), equality")
    void icmpMessage() throws Exception {
        IcmpMessage m = new IcmpMessage(IcmpHeader.TYPE_ECHO_REQUEST, 0, 0, 0x12340005, new byte[] {1, 2, 3})
                .withComputedChecksum();
        assertEquals(0x1234, m.identifier());
        assertEquals(5, m.sequence());
        assertEquals(11, m.length());
        assertTrue(m.checksumValid());
        // 0800+0000+1234+0005+0102+0300 = 0x1e3b, complement 0xe1c4.
        assertEquals(0xE1C4, m.checksum());
        assertFalse(new IcmpMessage(8, 0, 0xE1C5, 0x12340005, new byte[] {1, 2, 3}).checksumValid());
        byte[] out = new byte[m.length()];
        assertEquals(11, m.emit(seg(out), 0));
        IcmpMessage back = IcmpMessage.parse(seg(out), 0, out.length);
        assertEquals(m, back);
        assertEquals(m.hashCode(), back.hashCode());
        assertArrayEquals(new byte[] {1, 2, 3}, back.body());
        assertEquals(0, IcmpMessage.parse(seg(out), 0, 8).body().length, "8 bytes: a header, no body");
        java.util.Set<Integer> hashes = new java.util.HashSet<>();
        for (IcmpMessage o : List.of(new IcmpMessage(0, 0, 0xE1C4, 0x12340005, new byte[] {1, 2, 3}),
                new IcmpMessage(8, 1, 0xE1C4, 0x12340005, new byte[] {1, 2, 3}),
                new IcmpMessage(8, 0, 0xE1C5, 0x12340005, new byte[] {1, 2, 3}),
                new IcmpMessage(8, 0, 0xE1C4, 0x12340006, new byte[] {1, 2, 3}),
                new IcmpMessage(8, 0, 0xE1C4, 0x12340005, new byte[] {1, 2}))) {
            assertNotEquals(m, o, o.toString());
            hashes.add(o.hashCode());
        }
        assertTrue(hashes.size() > 2, "hash codes spread over the fields");
        assertNotEquals(m, "a string");
        assertEquals("IcmpMessage[type=8, code=0, csum=0xe1c4, rest=0x12340005, body=010203]", m.toString());
    }

    @Test
    @DisplayName("Ethernet record: tags and payload on the wire, a frame built for TCP passes the strict parser")
    void ethernetFrame() throws Exception {
        byte[] f = EthernetFrame.ipv4Tcp(RecordFrames.MAC_B, RecordFrames.MAC_A, A, B,
                TcpSegment.of(40000, 80, 1, 0, TcpHeader.SYN, 64240, List.of(new TcpOption.Mss(1460)), new byte[0]));
        ParsedFrame p = new ParsedFrame();
        assertEquals(DropReason.NONE, new FrameParser(ChecksumPolicy.STRICT).parse(seg(f), 0, f.length, 0, p));
        assertEquals(1460, p.options().mss());
        assertEquals(A, p.srcIp());
        EthernetFrame e = EthernetFrame.parse(seg(f), 0, f.length);
        assertEquals(RecordFrames.MAC_B, e.destination());
        assertEquals(RecordFrames.MAC_A, e.source());
        assertEquals(14, e.headerLength());
        assertEquals(f.length, e.length());
        EthernetFrame tagged = new EthernetFrame(1, 2, List.of(EthernetHeader.ETHERTYPE_VLAN << 16 | 0x0FFF),
                EthernetHeader.ETHERTYPE_ARP, new byte[] {7});
        assertEquals(18, tagged.headerLength());
        byte[] out = new byte[tagged.length()];
        assertEquals(19, tagged.emit(seg(out), 0));
        assertArrayEquals(Frames.bytes(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0x81, 0x00, 0x0F, 0xFF, 0x08, 0x06, 7), out);
        assertEquals(tagged, EthernetFrame.parse(seg(out), 0, out.length));
        assertEquals(tagged.hashCode(), EthernetFrame.parse(seg(out), 0, out.length).hashCode());
        assertEquals(DropReason.TRUNCATED_VLAN, assertThrows(MalformedPacketException.class,
                () -> EthernetFrame.parse(seg(out), 0, 17)).reason());
        assertEquals(0, EthernetFrame.parse(seg(out), 0, 18).payload().length, "a tagged header and nothing else");
        assertThrows(IllegalArgumentException.class, () -> new EthernetFrame(1, 2, List.of(1, 2, 3), 0, new byte[0]));
        for (EthernetFrame o : List.of(new EthernetFrame(9, 2, tagged.vlanTags(), 0x0806, new byte[] {7}),
                new EthernetFrame(1, 9, tagged.vlanTags(), 0x0806, new byte[] {7}),
                new EthernetFrame(1, 2, List.of(), 0x0806, new byte[] {7}),
                new EthernetFrame(1, 2, tagged.vlanTags(), 0x0800, new byte[] {7}),
                new EthernetFrame(1, 2, tagged.vlanTags(), 0x0806, new byte[] {8}))) {
            assertNotEquals(tagged, o, o.toString());
            assertNotEquals(tagged.hashCode(), o.hashCode(), "hash codes spread over the fields");
        }
        assertNotEquals(tagged, "a string");
        assertTrue(tagged.toString().startsWith("EthernetFrame[00:00:00:00:00:02 > 00:00:00:00:00:01, tags=["),
                tagged.toString());
        assertTrue(tagged.toString().endsWith("], type=0x806, payload=07]"), tagged.toString());
        byte[] payload = {1};
        EthernetFrame copy = new EthernetFrame(1, 2, List.of(), 0x0800, payload);
        payload[0] = 2;
        assertEquals(1, copy.payload()[0]);
    }

    @Test
    @DisplayName("ARP record: every field round-trips through the wire; text names both ends")
    void arpPacket() throws Exception {
        ArpPacket a = new ArpPacket(ArpHeader.OP_REPLY, RecordFrames.MAC_A, A, RecordFrames.MAC_B, B);
        byte[] out = new byte[ArpHeader.LENGTH];
        assertEquals(28, a.emit(seg(out), 0));
        assertEquals(a, ArpPacket.parse(seg(out), 0, out.length));
        assertEquals("ArpPacket[op=2, 02:00:c6:12:00:01/198.18.0.1 -> 02:00:c6:12:00:02/198.18.0.2]", a.toString());
        for (int[] bad : new int[][] {{0, 6}, {2, 0x86}, {4, 8}, {5, 16}}) {
            byte[] b = out.clone();
            b[bad[0]] = (byte) bad[1];
            assertEquals(DropReason.UNSUPPORTED_ARP, assertThrows(MalformedPacketException.class,
                    () -> ArpPacket.parse(seg(b), 0, b.length)).reason(), "byte " + bad[0]);
        }
    }

    @Test
    @DisplayName("a malformed-packet error names its reason and the detail")
    void malformedMessage() {
        MalformedPacketException e = new MalformedPacketException(DropReason.BAD_IHL, "IHL 4");
        assertEquals(DropReason.BAD_IHL, e.reason());
        assertEquals("BAD_IHL: IPv4 header length below 20 bytes (IHL 4)", e.getMessage());
    }
}
