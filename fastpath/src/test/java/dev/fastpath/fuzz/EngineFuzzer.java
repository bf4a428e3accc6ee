package dev.fastpath.fuzz;

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
 * throw, every frame it sends must parse with strict checksums, and its pools must stay bounded.
 */
public final class EngineFuzzer {
    private static final int LOCAL = 0xC6120001;
    private static final int PEER = 0xC6120002;
    private static final long MS = 1_000_000L;
    private static final int MAX_SOCKETS = 32;
    private static final Config CONFIG = Config.defaults().withOverrides(List.of(
            "stack.max_connections=" + MAX_SOCKETS, "tcp.max_tw_buckets=16", "tcp.timestamps=1"));
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
        TcpEngine e = new TcpEngine(CONFIG, link.a(), LOCAL, 1, ip -> 2L, 9, clock.nowNs());
        SocketOps api = SocketOps.of(e);
        int listener = api.socket();
        api.bind(listener, LOCAL, 80);
        api.listen(listener, 4);
        int client = api.socket();
        api.connect(client, PEER, 80, clock.nowNs());
        Input in = new Input(data);
        int[] isn = {1000, 5000};
        for (int step = 0; step < 200 && in.more(); step++) {
            int op = in.u8() % 8;
            if (op <= 4) {
                inject(e, link, in, isn, clock.nowNs());
            } else if (op == 5) {
                long ms = in.u8() * (long) (1 + in.u8() % 64);
                for (long t = 0; t < ms; t += 10) {
                    clock.advance(10 * MS);
                    e.pollTimers(clock.nowNs());
                }
            } else {
                application(api, in, listener, clock.nowNs());
            }
            drainAndCheck(link);
            Fuzz.check(e.socketsInUse() <= MAX_SOCKETS, "socket pool overflowed: " + e.socketsInUse());
            Fuzz.check(e.timeWaitCount() <= 16, "TIME_WAIT past tcp_max_tw_buckets");
        }
    }

    /** One segment from the peer, its numbers drawn near the ones in play or anywhere. */
    private static void inject(TcpEngine e, InMemoryLink link, Input in, int[] isn, long nowNs) {
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
                e.tcpV4Rcv(FRAME, nowNs);
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

    /** Every frame the engine sent parses with checksums verified. */
    private static void drainAndCheck(InMemoryLink link) {
        link.b().receive((buf, off, len, fl) -> Fuzz.check(STRICT.parse(buf, off, len, fl, FRAME) == DropReason.NONE,
                "the engine sent a frame that does not parse: " + STRICT.parse(buf, off, len, fl, FRAME)), 1000);
    }
}
