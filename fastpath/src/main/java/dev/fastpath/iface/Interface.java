package dev.fastpath.iface;

import dev.fastpath.io.PacketIo;
import dev.fastpath.net.IcmpEcho;
import dev.fastpath.net.IcmpErrors;
import dev.fastpath.net.IcmpSend;
import dev.fastpath.net.LocalAddresses;
import dev.fastpath.net.NetStat;
import dev.fastpath.net.Neighbours;
import dev.fastpath.wire.FrameParser;
import java.lang.foreign.MemorySegment;

/**
 * One interface of a worker: a device ring, a MAC, one or more IPv4 addresses, the neighbour cache with ARP,
 * ICMP echo, errors received and errors sent. Frames it receives go to its {@link IpStack}; what the stack sends
 * on it goes through {@link #txIo()} (the ring, or a wrapper that captures). Single-threaded: the worker's.
 */
public final class Interface implements LocalAddresses, PacketIo.RxHandler {
    /** What sees every received frame before it is parsed (a capture), or nothing. */
    @FunctionalInterface
    public interface FrameTap {
        /**
         * @param buffer the frame's buffer
         * @param offset where it starts
         * @param length its length
         */
        void frame(MemorySegment buffer, long offset, int length);
    }

    final int index;
    final String name;
    final PacketIo io;
    final long mac;
    final int[] addresses;
    final int[] masks;
    final FrameParser parser;
    final Neighbours neighbours;
    final IcmpEcho echo;
    final IcmpErrors errors;
    final IcmpSend icmpSend;
    private final IpStack stack;
    PacketIo txIo;
    FrameTap tap;

    Interface(int index, InterfaceConfig c, IpStack stack, NetStat.Counters counters) {
        this.index = index;
        this.name = c.name();
        this.io = c.io();
        this.txIo = c.io();
        this.mac = c.mac();
        this.stack = stack;
        this.addresses = new int[c.addresses().size()];
        this.masks = new int[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = c.addresses().get(i).address().v4();
            masks[i] = c.addresses().get(i).maskV4();
        }
        this.parser = new FrameParser(c.checksums());
        this.neighbours = new Neighbours(c.neighbours(), this, txIo, counters);
        this.echo = new IcmpEcho(this, txIo, counters);
        this.errors = new IcmpErrors(this, counters, stack::tcpV4Err);
        this.icmpSend = new IcmpSend(this, txIo, counters);
    }

    /**
     * Sends through {@code tx} from now on (e.g. a wrapper that captures what is sent) and shows every received
     * frame to {@code rxTap} first.
     *
     * @param tx    what sends (it must send through this interface's ring)
     * @param rxTap what sees received frames, or null
     */
    public void capture(PacketIo tx, FrameTap rxTap) {
        this.txIo = tx;
        this.tap = rxTap;
        neighbours.io(tx);
        echo.io(tx);
        icmpSend.io(tx);
    }

    @Override
    public void onFrame(MemorySegment buffer, long offset, int length, int flags) {
        stack.receive(this, buffer, offset, length, flags);
    }

    /** @return the interface's index in its stack */
    public int index() {
        return index;
    }

    /** @return the device's name */
    public String name() {
        return name;
    }

    /** @return the device ring (receives; closes with the worker) */
    public PacketIo io() {
        return io;
    }

    /** @return what the interface sends through (the ring, or a capturing wrapper) */
    public PacketIo txIo() {
        return txIo;
    }

    /** @return the neighbour cache and ARP of this interface */
    public Neighbours neighbours() {
        return neighbours;
    }

    @Override
    public long mac() {
        return mac;
    }

    @Override
    public boolean isLocalV4(int ip) {
        for (int a : addresses) {
            if (a == ip) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int sourceForV4(int target) {
        for (int i = 0; i < addresses.length; i++) {
            if (((addresses[i] ^ target) & masks[i]) == 0) {
                return addresses[i];
            }
        }
        return addresses[0];
    }

    @Override
    public int countV4() {
        return addresses.length;
    }

    @Override
    public int addressV4(int i) {
        return addresses[i];
    }

    /**
     * @param ip an IPv4 address
     * @return whether it is on one of this interface's subnets
     */
    boolean onLinkV4(int ip) {
        for (int i = 0; i < addresses.length; i++) {
            if (((addresses[i] ^ ip) & masks[i]) == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param ip an IPv4 address
     * @return whether it is the directed broadcast of one of this interface's subnets (prefixes up to /30; a /31
     *         or /32 has none, RFC 3021)
     */
    boolean isSubnetBroadcastV4(int ip) {
        for (int i = 0; i < addresses.length; i++) {
            if (masks[i] != -1 && masks[i] != -2 && ip == (addresses[i] | ~masks[i])) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return name + "#" + index;
    }
}
