package dev.fastpath.stress;

import dev.fastpath.io.PacketIo;
import dev.fastpath.wire.ArpHeader;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.Ipv4Header;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the victim's MAC when {@code --dst-mac} is not given: broadcasts an ARP request for the destination
 * from the interface's own IPv4 address (the first one {@code ip -4 addr} lists; the spoofed sources are
 * not used, so the victim does not learn a neighbour for them) every 250 ms, for at most one second.
 */
final class ArpResolver {

    private static final Pattern INET = Pattern.compile("inet (\\d+\\.\\d+\\.\\d+\\.\\d+)/");

    private ArpResolver() {
    }

    /** The victim did not answer. */
    static final class UnresolvedException extends Exception {
        private static final long serialVersionUID = 1L;

        UnresolvedException(String message) {
            super(message);
        }
    }

    static long resolve(PacketIo io, FloodReceiver receiver, String iface, FloodSettings s)
            throws UnresolvedException {
        int ownIp = interfaceAddress(iface);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        long nextRequest = 0;
        while (System.nanoTime() < end) {
            if (System.nanoTime() >= nextRequest) {
                long at = io.txClaim();
                if (at >= 0) {
                    int len = receiver.writeArp(io.txBuffer(), at, ArpHeader.OP_REQUEST, s.srcMac(), ownIp, 0,
                        s.dstIp(), EthernetHeader.BROADCAST);
                    io.txCommit(at, len);
                    io.flush();
                }
                nextRequest = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250);
            }
            io.receive(receiver, 64);
            if (receiver.resolvedMac() >= 0) {
                return receiver.resolvedMac();
            }
            Thread.onSpinWait();
        }
        throw new UnresolvedException("no ARP reply from " + Ipv4Header.formatAddress(s.dstIp()) + " on " + iface
            + " within 1 s; give --dst-mac");
    }

    private static int interfaceAddress(String iface) throws UnresolvedException {
        try {
            Process p = new ProcessBuilder("ip", "-4", "-o", "addr", "show", "dev", iface)
                .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.SECONDS);
            Matcher m = INET.matcher(text);
            if (m.find()) {
                return Ipv4Header.parseAddress(m.group(1));
            }
            throw new UnresolvedException(iface + " has no IPv4 address to send an ARP request from; give --dst-mac");
        } catch (IOException e) {
            throw new UnresolvedException("cannot run `ip -4 addr show dev " + iface + "`: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnresolvedException("interrupted");
        }
    }
}
