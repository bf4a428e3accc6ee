package dev.fastpath.packetdrill;

import dev.fastpath.nativeio.if_tun_h;
import dev.fastpath.nativeio.net_h;
import dev.fastpath.nativeio.pollfd;
import dev.fastpath.nativeio.unistd_h;
import dev.fastpath.nativeio.virtio_net_hdr;
import dev.fastpath.packetdrill.PdSegments.Out;
import dev.fastpath.wire.Checksum;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The kernel backend's wire: a tun device set up as packetdrill's netdev.c sets up its own — {@code tun0},
 * {@code IFF_TUN | IFF_NO_PI | IFF_VNET_HDR}, offloads {@code TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
 * TUN_F_TSO_ECN} (so Linux hands over whole TSO packets with a partial checksum, as to a NIC), MTU 1500, the
 * local address on the device and the remote prefix routed through a gateway on it. Addresses come from
 * 198.18.0.0/15 only: the scripts' 192.168.0.1 / 192.0.2.1 become {@link #LOCAL_IP} / {@link #REMOTE_IP}.
 * Must run inside the network namespace the backend created (the child JVM).
 *
 * <p>A reader thread takes every packet Linux transmits (packetdrill reads the tun queue too, so the
 * kernel's transmit completion runs normally), completes a partial checksum as the NIC would, and queues the
 * TCP segments with their time; {@code <} packets are written with a virtio header (a GSO type and size when
 * {@code --mss} is given, as linux_tun_write() does).
 */
final class PdTun implements AutoCloseable {
    static final String NAME = "tun0";
    /** 198.18.0.1: the kernel under test (packetdrill's live_local_ip 192.168.0.1). */
    static final int LOCAL_IP = 0xC6120001;
    /** 198.19.0.1: the script's remote host (packetdrill's live_remote_ip 192.0.2.1). */
    static final int REMOTE_IP = 0xC6130001;
    static final String LOCAL_CIDR = "198.18.0.1/16";
    static final String GATEWAY = "198.18.0.2";
    static final String REMOTE_PREFIX = "198.19.0.0/24";
    private static final int BUF = 70_000;
    private static final int VNET = (int) virtio_net_hdr.sizeof();

    private final int fd;
    private final int devNull = if_tun_h.open("/dev/null", if_tun_h.O_RDWR | if_tun_h.O_CLOEXEC);
    private final Arena arena = Arena.ofShared();
    private final MemorySegment rx = arena.allocate(BUF);
    private final MemorySegment tx = arena.allocate(BUF);
    private final LinkedBlockingQueue<Out> out = new LinkedBlockingQueue<>();
    private final LongSupplier clockUs;
    private final Thread reader;
    private volatile boolean running = true;
    private volatile RuntimeException readerError;
    /** Set while the script's final event runs (segments sent then are not judged at the end). */
    volatile boolean finalAction;

    private PdTun(int fd, LongSupplier clockUs) {
        this.fd = fd;
        this.clockUs = clockUs;
        this.reader = Thread.ofPlatform().daemon().name("pd-tun-reader").unstarted(this::readLoop);
    }

    /**
     * Creates and configures tun0 in the current network namespace.
     *
     * @param clockUs the script clock stamped on each transmitted packet
     * @return the device, its reader running
     * @throws IOException when the device cannot be created or configured
     */
    static PdTun open(LongSupplier clockUs) throws IOException {
        int fd = if_tun_h.tunAttach(NAME, (short) (if_tun_h.IFF_TUN | if_tun_h.IFF_NO_PI | if_tun_h.IFF_VNET_HDR));
        if (fd < 0) {
            throw new IOException("TUNSETIFF " + NAME + ": errno " + -fd);
        }
        int rc = if_tun_h.setOffload(fd, if_tun_h.TUN_F_CSUM | if_tun_h.TUN_F_TSO4 | if_tun_h.TUN_F_TSO6
                | if_tun_h.TUN_F_TSO_ECN);
        if (rc < 0) {
            unistd_h.close(fd);
            throw new IOException("TUNSETOFFLOAD: errno " + -rc);
        }
        PdTun t = new PdTun(fd, clockUs);
        try {
            PdKernel.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            PdKernel.exec("ip", "link", "set", "lo", "up");
            PdKernel.exec("ip", "link", "set", NAME, "up");
            PdKernel.exec("ip", "addr", "add", LOCAL_CIDR, "dev", NAME);
            PdKernel.exec("ip", "-4", "route", "add", REMOTE_PREFIX, "dev", NAME, "via", GATEWAY);
        } catch (IOException e) {
            t.close();
            throw e;
        }
        t.reader.start();
        return t;
    }

    private void readLoop() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pfd = pollfd.allocate(a);
            pollfd.fd(pfd, fd);
            pollfd.events(pfd, net_h.POLLIN);
            PdKernel.realtime(); // the reader stamps each packet's time: it must run when the packet comes
            while (running) {
                int n = net_h.poll(pfd, 1, 20);
                if (n <= 0) {
                    continue;
                }
                long len = unistd_h.read(fd, rx, BUF);
                if (len < 0) {
                    if (len == -4 || len == -11) { // EINTR, EAGAIN
                        continue;
                    }
                    throw new IllegalStateException("tun read: errno " + -len);
                }
                long at = clockUs.getAsLong();
                Out o = parse(rx, (int) len, at);
                if (o != null) {
                    out.add(o);
                }
            }
        } catch (RuntimeException e) {
            readerError = e;
        }
    }

    /** One transmitted packet: checksum completed, parsed and checked by {@link PdNet#parseOutbound}. */
    private Out parse(MemorySegment buf, int len, long atUs) {
        if (len <= VNET + 20 || (buf.get(ValueLayout.JAVA_BYTE, VNET) & 0xF0) != 0x40) {
            return null; // not IPv4 (IPv6 is disabled in the namespace; nothing else is judged)
        }
        if ((virtio_net_hdr.flags(buf) & virtio_net_hdr.F_NEEDS_CSUM) != 0) {
            completeChecksum(buf, len);
        }
        // PdNet parses Ethernet frames: put a header in front (the tun device has none).
        byte[] frame = new byte[14 + len - VNET];
        frame[12] = 0x08;
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, VNET, frame, 14, len - VNET);
        PdNet.Parsed p = PdNet.parseOutbound(MemorySegment.ofArray(frame), 0, frame.length);
        return p == null ? null : new Out(atUs, p.seg(), p.ecn(), finalAction);
    }

    /** What the NIC does for CHECKSUM_PARTIAL: sum from csum_start, store at csum_start + csum_offset. */
    private static void completeChecksum(MemorySegment buf, int len) {
        int start = VNET + virtio_net_hdr.csum_start(buf);
        int at = start + virtio_net_hdr.csum_offset(buf);
        if (at + 2 > len || start >= len) {
            return;
        }
        // The field holds the folded pseudo-header sum (not inverted); summing over it completes the sum.
        int v = Checksum.fold(Checksum.sum16(buf, start, len - start, 0));
        buf.set(ValueLayout.JAVA_BYTE, at, (byte) (v >>> 8));
        buf.set(ValueLayout.JAVA_BYTE, at + 1, (byte) v);
    }

    /**
     * Writes one packet as the remote host (an IPv4 packet, no Ethernet header).
     *
     * @param ip     the packet
     * @param gsoMss the segment size to announce as GSO (TCP only), or 0
     */
    void write(byte[] ip, int gsoMss) {
        tx.asSlice(0, VNET).fill((byte) 0);
        if (gsoMss > 0) {
            virtio_net_hdr.gso_type(tx, virtio_net_hdr.GSO_TCPV4);
            virtio_net_hdr.gso_size(tx, gsoMss);
        }
        MemorySegment.copy(ip, 0, tx, ValueLayout.JAVA_BYTE, VNET, ip.length);
        long n = unistd_h.write(fd, tx, VNET + ip.length);
        if (n < 0) {
            throw new PdRunner.Fail(0, "tun write: errno " + -n);
        }
    }

    /**
     * The reader's path for a packet that never reaches the kernel (the runner's warm-up): the bytes are
     * parsed as if read from the device, and written to /dev/null so the write call is linked too.
     *
     * @param ip  an IPv4 packet
     * @param atUs its time
     * @return the parsed segment
     */
    Out readBack(byte[] ip, long atUs) {
        MemorySegment buf = arena.allocate(VNET + ip.length);
        MemorySegment.copy(ip, 0, buf, ValueLayout.JAVA_BYTE, VNET, ip.length);
        if (devNull >= 0) {
            unistd_h.write(devNull, buf, buf.byteSize());
        }
        return parse(buf, (int) buf.byteSize(), atUs);
    }

    /**
     * @param timeoutUs how long to wait
     * @return the next transmitted segment, or null when none came in time
     */
    Out poll(long timeoutUs) {
        RuntimeException e = readerError;
        if (e != null) {
            throw e;
        }
        try {
            return timeoutUs <= 0 ? out.poll() : out.poll(timeoutUs, TimeUnit.MICROSECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new PdRunner.Fail(0, "interrupted");
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        unistd_h.close(fd);
        if (devNull >= 0) {
            unistd_h.close(devNull);
        }
        if (!reader.isAlive()) {
            arena.close();
        }
    }
}
