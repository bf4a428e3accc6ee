package dev.fastpath.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The columns {@code tools/lab/tshark-fields.sh} prints, computed instead from Fastpath's own parse,
 * so the two can be compared cell by cell. Columns Fastpath does not decode (checksum status, expert
 * messages) are left to the caller.
 */
final class TsharkColumns {
    /** Columns tshark fills that are not header fields. */
    static final List<String> NOT_COMPARED = List.of("frame.number", "ip.checksum.status", "icmp.checksum.status",
            "tcp.checksum.status", "_ws.malformed", "_ws.expert.message");

    private TsharkColumns() {
    }

    /** Reads a TSV with a header line into one map per row. */
    static List<Map<String, String>> parseTsv(List<String> lines) {
        String[] header = lines.get(0).split("\t", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isEmpty()) {
                continue;
            }
            String[] cells = line.split("\t", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], i < cells.length ? cells[i] : "");
            }
            rows.add(row);
        }
        return rows;
    }

    /** Runs the project's tshark field script on a capture and returns its rows. */
    static List<String> runTshark(Path pcap) throws IOException, InterruptedException {
        Path script = projectRoot().resolve("tools/lab/tshark-fields.sh");
        Process p = new ProcessBuilder("bash", script.toString(), pcap.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tshark failed on " + pcap + " (is the Debian package tshark installed? "
                    + "bin/fastpath setup installs it)");
        }
        return new String(out, StandardCharsets.UTF_8).lines().toList();
    }

    static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("tools/lab/tshark-fields.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find tools/lab from " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** The header columns as tshark formats them, from the flyweights FrameParser wrapped. */
    static Map<String, String> of(ParsedFrame f, DropReason reason) {
        Map<String, String> m = new LinkedHashMap<>();
        EthernetHeader eth = f.ethernet();
        m.put("frame.len", Integer.toString(f.frameLength()));
        m.put("eth.dst", EthernetHeader.formatMac(eth.destination()));
        m.put("eth.src", EthernetHeader.formatMac(eth.source()));
        m.put("eth.type", String.format("0x%04x", eth.etherType()));
        if (f.kind() == ParsedFrame.Kind.ARP) {
            ArpHeader a = f.arp();
            m.put("arp.opcode", Integer.toString(a.operation()));
            m.put("arp.src.hw_mac", EthernetHeader.formatMac(a.senderMac()));
            m.put("arp.src.proto_ipv4", Ipv4Header.formatAddress(a.senderIp()));
            m.put("arp.dst.hw_mac", EthernetHeader.formatMac(a.targetMac()));
            m.put("arp.dst.proto_ipv4", Ipv4Header.formatAddress(a.targetIp()));
        }
        boolean ip = f.kind() == ParsedFrame.Kind.TCP || f.kind() == ParsedFrame.Kind.ICMP
                || reason == DropReason.UNSUPPORTED_PROTOCOL;
        if (ip) {
            Ipv4Header h = f.ipv4();
            m.put("ip.len", Integer.toString(h.totalLength()));
            m.put("ip.id", String.format("0x%04x", h.identification()));
            m.put("ip.flags", String.format("0x%02x", h.flagsFragment() >>> 13));
            m.put("ip.ttl", Integer.toString(h.ttl()));
            m.put("ip.proto", Integer.toString(h.protocol()));
            m.put("ip.checksum", String.format("0x%04x", h.checksum()));
            m.put("ip.src", Ipv4Header.formatAddress(h.source()));
            m.put("ip.dst", Ipv4Header.formatAddress(h.destination()));
        }
        if (f.kind() == ParsedFrame.Kind.ICMP) {
            IcmpHeader i = f.icmp();
            m.put("icmp.type", Integer.toString(i.type()));
            m.put("icmp.code", Integer.toString(i.code()));
            m.put("icmp.checksum", String.format("0x%04x", i.checksum()));
        }
        if (f.kind() == ParsedFrame.Kind.TCP) {
            putTcp(f, m);
        }
        return m;
    }

    private static void putTcp(ParsedFrame f, Map<String, String> m) {
        TcpHeader t = f.tcp();
        m.put("tcp.srcport", Integer.toString(f.srcPort()));
        m.put("tcp.dstport", Integer.toString(f.dstPort()));
        m.put("tcp.seq_raw", Integer.toUnsignedString(f.seq()));
        m.put("tcp.ack_raw", Integer.toUnsignedString(f.ack()));
        m.put("tcp.hdr_len", Integer.toString(f.tcpHeaderLength()));
        m.put("tcp.flags", String.format("0x%04x", f.flags()));
        m.put("tcp.window_size_value", Integer.toString(f.window()));
        m.put("tcp.checksum", String.format("0x%04x", t.checksum()));
        m.put("tcp.urgent_pointer", Integer.toString(t.urgentPointer()));
        m.put("tcp.len", Integer.toString(f.payloadLength()));
        TcpOptions o = f.options();
        if (o.mss() >= 0) {
            m.put("tcp.options.mss_val", Integer.toString(o.mss()));
        }
        if (o.windowScale() >= 0) {
            m.put("tcp.options.wscale.shift", Integer.toString(o.windowScale()));
        }
        if (o.sackPermitted()) {
            m.put("tcp.options.sack_perm", "0402");
        }
        if (o.hasTimestamps()) {
            m.put("tcp.options.timestamp.tsval", Integer.toUnsignedString(o.tsVal()));
            m.put("tcp.options.timestamp.tsecr", Integer.toUnsignedString(o.tsEcr()));
        }
    }

    /** tshark's row with the not-compared columns and empty cells removed. */
    static Map<String, String> comparable(Map<String, String> tsharkRow) {
        Map<String, String> m = new LinkedHashMap<>(tsharkRow);
        NOT_COMPARED.forEach(m::remove);
        m.values().removeIf(String::isEmpty);
        return m;
    }
}
