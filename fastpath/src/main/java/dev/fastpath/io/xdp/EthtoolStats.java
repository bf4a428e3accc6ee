package dev.fastpath.io.xdp;

import dev.fastpath.nativeio.net_h;
import dev.fastpath.nativeio.unistd_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Driver counters ({@code ethtool -S}), summed over the queues: the XDP counters veth keeps per queue
 * ({@code rx_queue_N_xdp_tx_errors}, {@code tx_queue_N_xdp_xmit}, …) exist nowhere else. Read with
 * {@code SIOCETHTOOL}: the names once ({@code ETHTOOL_GSSET_INFO}, {@code ETHTOOL_GSTRINGS}), then one
 * {@code ETHTOOL_GSTATS} ioctl per read — a few microseconds, so a flood generator can read them every few
 * milliseconds ({@link Reader}); no ethtool process.
 */
public final class EthtoolStats {
    private EthtoolStats() {
    }

    /** ETHTOOL_GDRVINFO and the size of struct ethtool_drvinfo (cmd, then driver[32] first). */
    private static final int ETHTOOL_GDRVINFO = 0x3;
    private static final int DRVINFO_SIZE = 196;
    private static final int ETHTOOL_GSTRINGS = 0x1b;
    private static final int ETHTOOL_GSTATS = 0x1d;
    private static final int ETHTOOL_GSSET_INFO = 0x37;
    private static final int ETH_SS_STATS = 1;
    private static final int ETH_GSTRING_LEN = 32;
    /** More would be a driver we do not know; veth has a few per queue. */
    private static final int MAX_STATS = 1 << 16;

    /**
     * @param iface the interface (in the caller's namespace)
     * @return its driver's name ({@code SIOCETHTOOL / ETHTOOL_GDRVINFO}, what {@code ethtool -i} shows), or null
     *         when the query fails
     */
    public static String driver(String iface) {
        int fd = net_h.socket(2, 2, 0); // AF_INET, SOCK_DGRAM: any socket serves for SIOCETHTOOL
        if (fd < 0) {
            return null;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(DRVINFO_SIZE, 8);
            info.set(ValueLayout.JAVA_INT, 0, ETHTOOL_GDRVINFO);
            if (RssTable.ethtool(fd, iface, info, arena) < 0) {
                return null;
            }
            return info.asSlice(4, 32).getString(0, StandardCharsets.US_ASCII);
        } finally {
            unistd_h.close(fd);
        }
    }

    /**
     * @param iface   the interface (in the caller's namespace)
     * @param counter the counter's name with the queue number as {@code N}, e.g. {@code rx_queue_N_xdp_tx_errors}
     * @return the sum over every queue, or -1 when the query fails or the driver has no such counter
     */
    public static long sum(String iface, String counter) {
        try (Reader r = Reader.open(iface, counter)) {
            return r == null ? -1 : r.read(0);
        }
    }

    /**
     * Reads chosen counters of one interface again and again: the names are matched once, each {@link #read}
     * is one {@code ETHTOOL_GSTATS} ioctl. Not thread-safe.
     */
    public static final class Reader implements AutoCloseable {
        private final int fd;
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment stats;
        private final MemorySegment ifr;
        private final int[][] indices;
        private boolean closed;

        private Reader(int fd, String iface, int count, int[][] indices) {
            this.fd = fd;
            this.indices = indices;
            this.stats = arena.allocate(8 + 8L * count, 8);
            this.ifr = RssTable.ifreq(iface, arena);
            stats.set(ValueLayout.JAVA_INT, 4, count);
        }

        /**
         * @param iface    the interface (in the caller's namespace)
         * @param counters names with the queue number as {@code N}; counter i of {@link #read} sums every match
         * @return the reader, or null when the interface has no statistics (no such interface, no driver
         *         counters) or a counter matches none of them
         */
        public static Reader open(String iface, String... counters) {
            int fd = net_h.socket(2, 2, 0); // AF_INET, SOCK_DGRAM: any socket serves for SIOCETHTOOL
            if (fd < 0) {
                return null;
            }
            try (Arena scratch = Arena.ofConfined()) {
                List<String> names = names(fd, iface, scratch);
                if (names.isEmpty()) {
                    unistd_h.close(fd);
                    return null;
                }
                int[][] indices = new int[counters.length][];
                for (int c = 0; c < counters.length; c++) {
                    Pattern p = Pattern.compile(Pattern.quote(counters[c]).replace("N", "\\E\\d+\\Q"));
                    indices[c] = java.util.stream.IntStream.range(0, names.size())
                        .filter(i -> p.matcher(names.get(i)).matches()).toArray();
                    if (indices[c].length == 0) {
                        unistd_h.close(fd);
                        return null;
                    }
                }
                return new Reader(fd, iface, names.size(), indices);
            } catch (RuntimeException e) {
                unistd_h.close(fd);
                return null;
            }
        }

        /** The statistics' names, in the driver's order; empty when there are none or the query fails. */
        private static List<String> names(int fd, String iface, Arena arena) {
            MemorySegment info = arena.allocate(24, 8);
            info.set(ValueLayout.JAVA_INT, 0, ETHTOOL_GSSET_INFO);
            info.set(ValueLayout.JAVA_LONG, 8, 1L << ETH_SS_STATS);
            if (RssTable.ethtool(fd, iface, info, arena) < 0 || info.get(ValueLayout.JAVA_LONG, 8) == 0) {
                return List.of();
            }
            int count = info.get(ValueLayout.JAVA_INT, 16);
            if (count <= 0 || count > MAX_STATS) {
                return List.of();
            }
            MemorySegment strings = arena.allocate(12 + (long) count * ETH_GSTRING_LEN, 8);
            strings.set(ValueLayout.JAVA_INT, 0, ETHTOOL_GSTRINGS);
            strings.set(ValueLayout.JAVA_INT, 4, ETH_SS_STATS);
            strings.set(ValueLayout.JAVA_INT, 8, count);
            if (RssTable.ethtool(fd, iface, strings, arena) < 0) {
                return List.of();
            }
            int got = Math.min(count, strings.get(ValueLayout.JAVA_INT, 8));
            List<String> names = new ArrayList<>(got);
            for (int i = 0; i < got; i++) {
                names.add(strings.asSlice(12 + (long) i * ETH_GSTRING_LEN, ETH_GSTRING_LEN)
                    .getString(0, StandardCharsets.US_ASCII));
            }
            return names;
        }

        /**
         * @param counter the index of a counter given to {@link #open}
         * @return its sum over the queues now, or -1 when the ioctl fails
         */
        public long read(int counter) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            stats.set(ValueLayout.JAVA_INT, 0, ETHTOOL_GSTATS);
            if (RssTable.ethtool(fd, ifr, stats) < 0) {
                return -1;
            }
            long sum = 0;
            for (int i : indices[counter]) {
                sum += stats.get(ValueLayout.JAVA_LONG, 8 + 8L * i);
            }
            return sum;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            unistd_h.close(fd);
            arena.close();
        }
    }
}
