package dev.fastpath.io.xdp;

import dev.fastpath.nativeio.net_h;
import dev.fastpath.nativeio.unistd_h;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Driver counters from {@code ethtool -S}, summed over the queues: the XDP counters veth keeps per queue
 * ({@code rx_queue_N_xdp_tx_errors}, {@code tx_queue_N_xdp_xmit}, …) exist nowhere else. A process per read: for
 * a check once a second or before and after a run, never on a packet path.
 */
public final class EthtoolStats {
    private EthtoolStats() {
    }

    /** ETHTOOL_GDRVINFO and the size of struct ethtool_drvinfo (cmd, then driver[32] first). */
    private static final int ETHTOOL_GDRVINFO = 0x3;
    private static final int DRVINFO_SIZE = 196;

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
     * @return the sum over every queue, or -1 when ethtool fails or the driver has no such counter
     */
    public static long sum(String iface, String counter) {
        Pattern p = Pattern.compile("^\\s*" + Pattern.quote(counter).replace("N", "\\E\\d+\\Q") + ":\\s*(\\d+)\\s*$");
        String out = run(iface, "-S");
        if (out == null) {
            return -1;
        }
        long sum = -1;
        for (String line : out.split("\n")) {
            Matcher m = p.matcher(line);
            if (m.matches()) {
                sum = Math.max(sum, 0) + Long.parseLong(m.group(1));
            }
        }
        return sum;
    }

    /** ethtool's output, or null when it fails or takes over 5 s. */
    private static String run(String iface, String option) {
        try {
            Process proc = new ProcessBuilder("ethtool", option, iface).redirectErrorStream(true).start();
            // The output is a few hundred bytes (far below a pipe's buffer): wait first, so a hung ethtool is bounded.
            if (!proc.waitFor(5, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                return null;
            }
            if (proc.exitValue() != 0) {
                return null;
            }
            return new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
