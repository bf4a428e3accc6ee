package dev.fastpath.tcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The checked-in table of the simulation's results (fastpath/src/test/resources/netsim/baseline.tsv)
 * and its markdown copy (docs/netsim.md): writing both, reading the first back.
 */
final class NetsimBaseline {
    static final String RESOURCE = "/netsim/baseline.tsv";
    static final String REGENERATE = "m25 -pl fastpath test-compile surefire:test -Dtest=NetsimTest"
            + " -Dfastpath.netsim.write=true";
    static final String COLUMNS = "loss_pct\tbuf_kib\tcc\tbytes\tgoodput_Bps\tretrans_segs\tfast_retrans\trto_timeouts"
            + "\ttransfer_ms\tclosed_ms";

    /** The compared figures of one baseline row. */
    record Row(long goodputBps, long retransSegs) {
    }

    private NetsimBaseline() {
    }

    /** @return the TSV text: a commented header, then one row per cell */
    static String tsv(List<NetsimResult> results, long seed) {
        StringBuilder b = new StringBuilder();
        b.append("# Fastpath network simulation (NetsimTest): a client sends `bytes` to a server over the in-memory\n");
        b.append("# link, one-way delay ").append(NetsimCell.DELAY_NS / 1_000_000).append(" ms; lossy cells add ")
                .append(NetsimCell.DUP_PCT).append(" % duplication and up to ").append(NetsimCell.JITTER_NS / 1000)
                .append(" us of jitter (reordering).\n");
        b.append("# Time steps of ").append(NetsimRun.STEP_NS / 1000).append(" us of virtual time; seed ").append(seed)
                .append(". Deterministic: the same engine gives the same table.\n");
        b.append("# goodput_Bps = bytes / virtual seconds from connect() to the last byte read by the server;\n");
        b.append("# retrans_segs = TcpRetransSegs of client + server; fast_retrans = TcpExtTCPFastRetrans,\n");
        b.append("# rto_timeouts = TcpExtTCPTimeouts (informational); transfer_ms = connect() to last byte read,\n");
        b.append("# closed_ms = connect() until both sockets were closed and freed (virtual).\n");
        b.append("# The test fails when a cell's goodput falls more than ").append(pct(NetsimTest.GOODPUT_MARGIN))
                .append(" below this or its retransmissions rise more than ").append(pct(NetsimTest.RETRANS_MARGIN))
                .append(" (+").append(NetsimTest.RETRANS_SLACK).append(" segments) above it.\n");
        b.append("# Regenerate: ").append(REGENERATE).append('\n');
        b.append(COLUMNS).append('\n');
        for (NetsimResult r : results) {
            NetsimCell c = r.cell();
            b.append(c.lossPct()).append('\t').append(c.bufBytes() / 1024).append('\t').append(c.cc()).append('\t')
                    .append(c.bytes()).append('\t').append(r.goodputBps()).append('\t').append(r.retransSegs())
                    .append('\t').append(r.fastRetrans()).append('\t').append(r.timeouts()).append('\t')
                    .append(r.transferNs() / 1_000_000).append('\t').append(r.closedNs() / 1_000_000).append('\n');
        }
        return b.toString();
    }

    /** @return the markdown page: what was simulated, the table, how to regenerate it */
    static String markdown(List<NetsimResult> results, long seed) {
        StringBuilder b = new StringBuilder();
        b.append("# Network simulation\n\n");
        b.append("`NetsimTest` (fastpath/src/test/java/dev/fastpath/tcp) runs two engines over the in-memory link")
                .append(" on a\n");
        b.append("virtual clock, in the spirit of smoltcp's netsim: a client connects, sends the cell's bytes and\n");
        b.append("closes; the server reads to EOF, checks every byte and closes. One-way delay ")
                .append(NetsimCell.DELAY_NS / 1_000_000).append(" ms; every lossy cell\nalso duplicates ")
                .append(NetsimCell.DUP_PCT).append(" % of frames and delays each by up to ")
                .append(NetsimCell.JITTER_NS / 1000).append(" µs more (reordering). The link has no\n")
                .append("bandwidth limit, so goodput is bounded by the windows and the round trip. Seed ").append(seed)
                .append(", steps of ").append(NetsimRun.STEP_NS / 1000).append(" µs.\n\n");
        b.append("Goodput is bytes / virtual seconds from `connect()` to the last byte read. Retransmissions are\n");
        b.append("`TcpRetransSegs` of both engines; fast retransmits and RTO timeouts are shown for reading, not\n");
        b.append("compared. The test fails when goodput drops more than ").append(pct(NetsimTest.GOODPUT_MARGIN))
                .append(" below the baseline or\nretransmissions rise more than ")
                .append(pct(NetsimTest.RETRANS_MARGIN))
                .append(" (+").append(NetsimTest.RETRANS_SLACK).append(") above it ")
                .append("(fastpath/src/test/resources/netsim/baseline.tsv).\n\n");
        b.append("| loss | buffers | cc | bytes | goodput | retrans segs | fast retrans | RTO timeouts | transfer |\n");
        b.append("|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (NetsimResult r : results) {
            NetsimCell c = r.cell();
            b.append("| ").append(c.lossPct()).append(" % | ").append(c.bufBytes() / 1024).append(" KiB | ")
                    .append(c.cc()).append(" | ").append(mb(c.bytes())).append(" | ")
                    .append(rate(r.goodputBps())).append(" | ").append(r.retransSegs()).append(" | ")
                    .append(r.fastRetrans()).append(" | ").append(r.timeouts()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f s", r.transferNs() / 1e9)).append(" |\n");
        }
        b.append("\nRegenerate (rewrites this page and the baseline):\n\n```\n").append(REGENERATE).append("\n```\n");
        return b.toString();
    }

    /**
     * @return baseline rows by cell key, or null if the resource is missing
     * @throws IOException if it cannot be read
     */
    static Map<String, Row> read() throws IOException {
        InputStream in = NetsimBaseline.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            return null;
        }
        Map<String, Row> rows = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank() || line.startsWith("loss_pct")) {
                    continue;
                }
                String[] f = line.split("\t");
                NetsimCell c = new NetsimCell(Integer.parseInt(f[0]), Integer.parseInt(f[1]) * 1024, f[2],
                        Integer.parseInt(f[3]));
                rows.put(c.key() + "/" + c.bytes(), new Row(Long.parseLong(f[4]), Long.parseLong(f[5])));
            }
        }
        return rows;
    }

    /** @return a human-readable table for stdout */
    static String text(List<NetsimResult> results) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-18s %9s %12s %8s %6s %5s %11s %8s %8s%n",
                "cell", "bytes", "goodput", "retrans", "fast", "rto", "transfer_ms", "steps", "real_ms"));
        for (NetsimResult r : results) {
            b.append(String.format(Locale.ROOT, "%-18s %9d %12s %8d %6d %5d %11d %8d %8d%n", r.cell().key(),
                    r.cell().bytes(), rate(r.goodputBps()), r.retransSegs(), r.fastRetrans(), r.timeouts(),
                    r.transferNs() / 1_000_000, r.steps(), r.realMs()));
        }
        return b.toString();
    }

    static String rate(long bps) {
        return bps >= 1_000_000 ? String.format(Locale.ROOT, "%.2f MB/s", bps / 1e6)
                : String.format(Locale.ROOT, "%.1f kB/s", bps / 1e3);
    }

    private static String mb(int bytes) {
        return bytes % 1_000_000 == 0 ? bytes / 1_000_000 + " MB" : bytes + " B";
    }

    private static String pct(double margin) {
        return Math.round(margin * 100) + " %";
    }
}
