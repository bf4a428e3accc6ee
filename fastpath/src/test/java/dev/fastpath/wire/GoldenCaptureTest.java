package dev.fastpath.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.pcap.PcapReader;
import dev.fastpath.pcap.PcapRecord;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Frames nobody here wrote: a Linux kernel's ARP, ICMP echo, port unreachable, refused connection and
 * a whole TCP conversation, captured by tcpdump between two namespaces ({@code tools/lab/golden-capture.sh}).
 * Every frame must parse into exactly the fields tshark decoded, and re-emitting the value records
 * must reproduce its bytes.
 */
class GoldenCaptureTest {
    private static final String DIR = "/wire/golden/";

    static Path resource(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(GoldenCaptureTest.class.getResource(DIR + name), name).toURI());
    }

    static List<PcapRecord> frames() throws IOException, URISyntaxException {
        return PcapReader.read(resource("kernel-conversation.pcap"));
    }

    @Test
    @DisplayName("every golden frame parses into the fields tshark reports")
    void flyweightsMatchTshark() throws Exception {
        List<PcapRecord> frames = frames();
        List<Map<String, String>> rows =
                TsharkColumns.parseTsv(Files.readAllLines(resource("kernel-conversation.tsv")));
        assertEquals(rows.size(), frames.size());
        FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
        ParsedFrame f = new ParsedFrame();
        int tcp = 0;
        for (int i = 0; i < frames.size(); i++) {
            byte[] bytes = frames.get(i).data();
            DropReason reason = parser.parse(MemorySegment.ofArray(bytes), 0, bytes.length, 0, f);
            Map<String, String> row = rows.get(i);
            boolean udp = "17".equals(row.get("ip.proto"));
            assertEquals(udp ? DropReason.UNSUPPORTED_PROTOCOL : DropReason.NONE, reason, "frame " + (i + 1));
            assertEquals(TsharkColumns.comparable(row), TsharkColumns.of(f, reason), "frame " + (i + 1));
            assertTrue(row.get("_ws.malformed").isEmpty(), "tshark calls frame " + (i + 1) + " malformed");
            tcp += f.kind() == ParsedFrame.Kind.TCP ? 1 : 0;
        }
        assertTrue(tcp >= 14, "the capture holds the handshake, data and teardown: " + tcp + " TCP frames");
    }

    @Test
    @DisplayName("re-emitting each frame's value records reproduces its bytes")
    void recordsReEmitByteForByte() throws Exception {
        for (PcapRecord r : frames()) {
            byte[] original = r.data();
            MemorySegment in = MemorySegment.ofArray(original);
            EthernetFrame eth = EthernetFrame.parse(in, 0, original.length);
            byte[] l3 = eth.payload();
            byte[] rebuilt = switch (eth.etherType()) {
                case EthernetHeader.ETHERTYPE_ARP -> {
                    ArpPacket arp = ArpPacket.parse(MemorySegment.ofArray(l3), 0, l3.length);
                    yield emit(eth, ArpHeader.LENGTH, l3, (m, at) -> arp.emit(m, at));
                }
                case EthernetHeader.ETHERTYPE_IPV4 -> {
                    Ipv4Packet ip = Ipv4Packet.parse(MemorySegment.ofArray(l3), 0, l3.length);
                    assertTrue(ip.headerChecksumValid(), ip.toString());
                    // The IPv4 record writes its header (stored checksum) and payload, then the L4
                    // record writes its own bytes over that payload.
                    yield emit(eth, ip.totalLength(), l3, (m, at) -> {
                        int n = ip.emit(m, at);
                        m.asSlice(at + ip.headerLength(), ip.payload().length).fill((byte) 0);
                        reEmitL4(ip, m, at + ip.headerLength());
                        return n;
                    });
                }
                default -> throw new AssertionError("unexpected EtherType in the golden capture: " + eth);
            };
            assertArrayEquals(original, rebuilt, eth.toString());
        }
    }

    /** Parses the L4 payload into its record and emits it at {@code at}. */
    private static void reEmitL4(Ipv4Packet ip, MemorySegment o, long at) {
        byte[] l4 = ip.payload();
        MemorySegment s = MemorySegment.ofArray(l4);
        try {
            reEmitL4(ip, s, l4, o, at);
        } catch (MalformedPacketException e) {
            throw new AssertionError(e);
        }
    }

    private static void reEmitL4(Ipv4Packet ip, MemorySegment s, byte[] l4, MemorySegment o, long at)
            throws MalformedPacketException {
        switch (ip.protocol()) {
            case Ipv4Header.PROTO_TCP -> {
                TcpSegment t = TcpSegment.parse(s, 0, l4.length);
                assertTrue(t.checksumValid(ip.source(), ip.destination()), t.toString());
                assertEquals(l4.length, t.emit(o, at));
            }
            case Ipv4Header.PROTO_ICMP -> {
                IcmpMessage m = IcmpMessage.parse(s, 0, l4.length);
                assertTrue(m.checksumValid(), m.toString());
                assertEquals(l4.length, m.emit(o, at));
            }
            default -> MemorySegment.copy(s, 0, o, at, l4.length);
        }
    }

    private interface Emitter {
        int emit(MemorySegment m, long at);
    }

    /** The Ethernet header from its record, the L3 part from its emitter, then the link padding as it was. */
    private static byte[] emit(EthernetFrame eth, int l3Length, byte[] l3, Emitter l3Emitter) {
        byte[] out = new byte[eth.length()];
        MemorySegment m = MemorySegment.ofArray(out);
        new EthernetFrame(eth.destination(), eth.source(), eth.vlanTags(), eth.etherType(), new byte[0]).emit(m, 0);
        assertEquals(l3Length, l3Emitter.emit(m, eth.headerLength()));
        System.arraycopy(l3, l3Length, out, eth.headerLength() + l3Length, l3.length - l3Length);
        return out;
    }

    @Test
    @DisplayName("the checked-in field table is what tshark prints for the capture today")
    void fieldTableIsCurrent() throws Exception {
        List<String> live = TsharkColumns.runTshark(resource("kernel-conversation.pcap"));
        assertEquals(Files.readAllLines(resource("kernel-conversation.tsv")), live);
    }
}
