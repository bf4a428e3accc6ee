package dev.fastpath.tcp;

import dev.fastpath.iface.IpStack;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.config.Config;
import dev.fastpath.io.PacketIo;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOptionWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One million SYNs with unique 4-tuples against a listener with a backlog of 8 and
 * tcp_syncookies=1, with 100 legitimate clients interleaved that complete their handshakes through
 * cookies. Memory stays bounded (the SYN queue never grows past backlog + 1, as Linux's; a cookie SYN stores
 * nothing), every SYN is answered exactly once, and every legitimate client gets its connection.
 */
class SynFloodTest {
    private static final int SERVER = 0xC6120001;
    private static final int FLOOD = 1_000_000;
    private static final int LEGIT_EVERY = 10_000;
    private static final int LEGIT_BASE = 0xC613FF00; // 198.19.255.0/24: the legitimate clients

    /** A PacketIo that counts SYN-ACKs and remembers the cookie sent to each legitimate client. */
    private static final class CountingIo implements PacketIo {
        final MemorySegment tx = Arena.ofAuto().allocate(2048, 64);
        final int[] cookieFor = new int[FLOOD / LEGIT_EVERY];
        long synAcks;
        long other;

        @Override
        public int receive(RxHandler handler, int limit) {
            return 0;
        }

        @Override
        public MemorySegment txBuffer() {
            return tx;
        }

        @Override
        public long txClaim() {
            return 0;
        }

        @Override
        public int txFrameCapacity() {
            return 2048;
        }

        @Override
        public void txCommit(long offset, int length) {
            int flags = tx.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 14 + 20 + 13) & 0xFF;
            if (flags == (TcpHeader.SYN | TcpHeader.ACK)) {
                synAcks++;
                int dst = new Ipv4Header().wrap(tx, 14).destination();
                if ((dst & 0xFFFFFF00) == LEGIT_BASE) {
                    cookieFor[dst & 0xFF] = new TcpHeader().wrap(tx, 34).seq();
                }
            } else {
                other++;
            }
        }

        @Override
        public void txAbort(long offset) {
        }

        @Override
        public int flush() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private static int build(MemorySegment m, int src, int srcPort, int seq, int flags, int ack) {
        new EthernetHeader().wrap(m, 0).destination(1).source(2).etherType(EthernetHeader.ETHERTYPE_IPV4);
        TcpOptionWriter o = new TcpOptionWriter().wrap(m, 54);
        if ((flags & TcpHeader.SYN) != 0) {
            o.mss(1460).nop().nop().sackPermitted().nop().windowScale(7);
        }
        int tcpLen = 20 + o.padToWord();
        new Ipv4Header().wrap(m, 14).versionAndHeaderLength(20).tos(0).totalLength(20 + tcpLen).identification(1)
                .flagsFragment(Ipv4Header.FLAG_DF).ttl(64).protocol(Ipv4Header.PROTO_TCP).source(src)
                .destination(SERVER).fillChecksum();
        new TcpHeader().wrap(m, 34).sourcePort(srcPort).destinationPort(80).seq(seq).ack(ack)
                .dataOffset(tcpLen / 4).flags(flags).window(64240).checksum(0).urgentPointer(0)
                .fillChecksum(tcpLen, src, SERVER);
        return 34 + tcpLen;
    }

    @Test
    @Seed({"H8", "H12"})
    @DisplayName("H8 H12: 1M SYNs with a backlog of 8 and tcp_syncookies=1: bounded state, every SYN answered "
            + "once, interleaved legitimate clients all connect through cookies")
    void millionSynFlood() {
        CountingIo io = new CountingIo();
        Config cfg = Config.defaults().withOverrides(List.of("tcp.timestamps=0", "stack.max_connections=4096"));
        long now = 1_000_000_000_000L;
        TcpEngine e = new TcpEngine(cfg, IpStack.pointToPoint(io, SERVER, 1, 2), 7, now);
        SocketOps api = SocketOps.of(e);
        int l = api.socket();
        api.bind(l, SERVER, 80);
        api.listen(l, 8);
        MemorySegment frame = Arena.ofAuto().allocate(2048, 64);
        FrameParser parser = new FrameParser(ChecksumPolicy.STRICT);
        ParsedFrame f = new ParsedFrame();
        int accepted = 0;
        int maxRequests = 0;
        for (int i = 0; i < FLOOD; i++) {
            now += 1_000;
            boolean legit = i % LEGIT_EVERY == LEGIT_EVERY / 2;
            int n = i / LEGIT_EVERY;
            int src = legit ? LEGIT_BASE + n : 0xC6120002 + (i & 0xFFFF); // 198.18.0.2 … 198.19.0.1
            int port = legit ? 33000 : 1024 + (i >>> 16);
            long before = io.synAcks;
            int len = build(frame, src, port, i * 7919, TcpHeader.SYN, 0);
            assertEquals(DropReason.NONE, parser.parse(frame, 0, len, 0, f));
            e.tcpV4Rcv(f.tcpSegment(), now);
            assertEquals(before + 1, io.synAcks, "SYN " + i + " answered exactly once");
            maxRequests = Math.max(maxRequests, e.listen.requestCount());
            if (legit) {
                len = build(frame, src, port, i * 7919 + 1, TcpHeader.ACK, io.cookieFor[n] + 1);
                parser.parse(frame, 0, len, 0, f);
                e.tcpV4Rcv(f.tcpSegment(), now + 50_000);
                int c = api.accept(l);
                assertTrue(c >= 0, "legitimate client " + n + " did not get a connection: " + c);
                accepted++;
            }
            if ((i & 1023) == 0) {
                e.pollTimers(now);
            }
        }
        assertEquals(FLOOD / LEGIT_EVERY, accepted);
        assertTrue(maxRequests <= 9, "the SYN queue grew to " + maxRequests); // backlog + 1: qlen > backlog is full
        assertTrue(e.counters().get(TcpStat.TcpExtSyncookiesSent) >= FLOOD - 9); // nine requests, then cookies
        assertEquals(FLOOD / LEGIT_EVERY, e.counters().get(TcpStat.TcpExtSyncookiesRecv));
        assertEquals(1 + accepted, e.socketsInUse(), "the listener and the legitimate connections, nothing else");
        assertEquals(accepted, e.establishedCount());
    }
}
