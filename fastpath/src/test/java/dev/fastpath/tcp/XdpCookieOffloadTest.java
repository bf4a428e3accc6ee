package dev.fastpath.tcp;

import static dev.fastpath.tcp.EngineFixture.LOCAL_IP;
import static dev.fastpath.tcp.EngineFixture.LOCAL_MAC;
import static dev.fastpath.tcp.EngineFixture.MS;
import static dev.fastpath.tcp.EngineFixture.PEER_IP;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.FIN;
import static dev.fastpath.wire.TcpHeader.RST;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fastpath.iface.IpCidr;
import dev.fastpath.iface.XdpCookieMaps;
import dev.fastpath.config.Config;
import dev.fastpath.io.xdp.XdpSynCookies;
import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.NativeException;
import dev.fastpath.nativeio.bpf_attr_test_run;
import dev.fastpath.nativeio.bpf_h;
import dev.fastpath.nativeio.unistd_h;
import dev.fastpath.wire.Checksum;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The XDP program of {@link XdpSynCookies}, run by the kernel ({@code BPF_PROG_TEST_RUN}) next to an engine in
 * the in-memory fixture: for the same SYN, at the same clock, its XDP_TX frame must be the engine's own cookie
 * SYN-ACK byte for byte; every SYN only the engine can judge must be passed on (the empty XSKMAP slot turns the
 * redirect into XDP_PASS here).
 */
class XdpCookieOffloadTest {
    private static final int PORT = 80;
    private static final int LO = 1;
    private static final byte[] NONE = new byte[0];
    private static final TcpOption[] LINUX = {new TcpOption.Mss(1460), new TcpOption.SackPermitted(),
        new TcpOption.Timestamps(0x11223344L, 0), new TcpOption.Nop(), new TcpOption.WindowScale(7)};

    /** The engine of the fixture, the program, its maps. */
    private static final class Rig implements AutoCloseable {
        final EngineFixture t;
        final XdpSynCookies maps = XdpSynCookies.create(1);
        final int xsks;
        final int prog;
        final XdpCookieOffload offload;
        final Arena arena = Arena.ofConfined();
        final MemorySegment out = arena.allocate(256);

        Rig(Config config, boolean routed, boolean veth) {
            t = new EngineFixture(config);
            xsks = Errors.check("xskmap", bpf_h.mapCreate(bpf_h.BPF_MAP_TYPE_XSKMAP, 4, 4, 1, "t_xsks"));
            prog = bpf_h.progLoad(bpf_h.BPF_PROG_TYPE_XDP, maps.program(xsks), "XDP SYN cookies");
            XdpCookieMaps device = new XdpCookieMaps(maps.config(0), maps.held(0),
                    IpCidr.v4(EngineFixture.LOCAL_IP, 24), PORT, LOCAL_MAC, routed, 0, 0x5EED, veth);
            offload = new XdpCookieOffload(t.engine, device, EngineFixture.LOCAL_IP, PORT);
        }

        /** Moves the engine's clock to the middle of its next millisecond: the program then reads the same ms. */
        long midMillisecond() {
            long now = t.now();
            long v = (now / MS + 1) * MS + MS / 2;
            t.clock.advance(v - now);
            return v;
        }

        /** Runs the program on the frame with its clock at the engine's; returns {verdict, output length}. */
        int[] run(byte[] frame) {
            long v = t.now();
            MemorySegment in = arena.allocate(frame.length);
            MemorySegment.copy(frame, 0, in, ValueLayout.JAVA_BYTE, 0, frame.length);
            for (int attempt = 0; ; attempt++) {
                MemorySegment a = bpf_h.xdpTestRun(arena, prog, in, LO);
                bpf_attr_test_run.data_out(a, out.address());
                bpf_attr_test_run.data_size_out(a, (int) out.byteSize());
                long t0 = System.nanoTime();
                maps.config(0).set(ValueLayout.JAVA_LONG, XdpSynCookies.CLOCK_OFFSET, v - t0);
                Errors.check("test run", bpf_h.bpf(bpf_h.BPF_PROG_TEST_RUN, a, bpf_attr_test_run.sizeof()));
                long t1 = System.nanoTime();
                // bpf_ktime_get_ns and System.nanoTime are both CLOCK_MONOTONIC: the program read v + (0..t1 - t0)
                if (t1 - t0 < MS / 2 || attempt == 20) {
                    return new int[] {bpf_attr_test_run.retval(a), bpf_attr_test_run.data_size_out(a)};
                }
            }
        }

        byte[] output(int length) {
            return out.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
        }

        /** Every frame the engine sent since the last call, raw. */
        List<byte[]> engineSent() {
            List<byte[]> frames = new ArrayList<>();
            t.link.b().receive((buf, off, len, flags) -> frames.add(buf.asSlice(off, len).toArray(
                    ValueLayout.JAVA_BYTE)), 1000);
            return frames;
        }

        @Override
        public void close() {
            unistd_h.close(prog);
            unistd_h.close(xsks);
            maps.close();
            arena.close();
        }
    }

    private static Rig rig(String... overrides) {
        return rig(false, overrides);
    }

    private static Rig rig(boolean routed, String... overrides) {
        return rig(routed, true, overrides);
    }

    private static Rig rig(boolean routed, boolean veth, String... overrides) {
        try {
            return new Rig(Config.defaults().withOverrides(List.of(overrides)), routed, veth);
        } catch (NativeException e) {
            assumeTrue(e.errno() != Errors.EPERM, "BPF needs root (CAP_BPF): " + e.getMessage());
            throw e;
        }
    }

    private static TcpSegment syn(int port, int isn, TcpOption... options) {
        return TcpSegment.of(port, PORT, isn, 0, SYN, 65535, List.of(options), NONE);
    }

    static Stream<Arguments> synsAndSettings() {
        String cookies = "tcp.syncookies=2";
        return Stream.of(
            Arguments.of("Linux's SYN", List.of(LINUX), new String[] {cookies}),
            Arguments.of("Windows' SYN", List.of(new TcpOption.Mss(1460), new TcpOption.Nop(),
                new TcpOption.WindowScale(8), new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.SackPermitted()),
                new String[] {cookies}),
            Arguments.of("macOS' SYN, window scale 15 capped", List.of(new TcpOption.Mss(1440), new TcpOption.Nop(),
                new TcpOption.WindowScale(15), new TcpOption.Nop(), new TcpOption.Nop(),
                new TcpOption.Timestamps(7, 0), new TcpOption.SackPermitted(), new TcpOption.Eol(0)),
                new String[] {cookies}),
            Arguments.of("MSS 1400 only", List.of(new TcpOption.Mss(1400)), new String[] {cookies}),
            Arguments.of("MSS 1300, below it 1299", List.of(new TcpOption.Mss(1299)), new String[] {cookies}),
            Arguments.of("no options (the answer grows)", List.of(), new String[] {cookies}),
            Arguments.of("timestamps only, no MSS", List.of(new TcpOption.Nop(), new TcpOption.Nop(),
                new TcpOption.Timestamps(0xFFFFFFF0L, 0)), new String[] {cookies}),
            Arguments.of("MSS 0", List.of(new TcpOption.Mss(0)), new String[] {cookies}),
            Arguments.of("SACK without timestamps", List.of(new TcpOption.Mss(1460), new TcpOption.Nop(),
                new TcpOption.Nop(), new TcpOption.SackPermitted()), new String[] {cookies}),
            Arguments.of("unknown kind skipped, repeated MSS: the last wins", List.of(new TcpOption.Mss(536),
                new TcpOption.Unknown(30, new byte[] {1, 2}), new TcpOption.Mss(1440), new TcpOption.Nop(),
                new TcpOption.Nop(), new TcpOption.Timestamps(1, 2)), new String[] {cookies}),
            Arguments.of("a known kind with the wrong length is ignored", List.of(new TcpOption.Unknown(2,
                new byte[] {5, 0xB4 - 256, 0}), new TcpOption.Unknown(8, new byte[6]), new TcpOption.Nop()),
                new String[] {cookies}),
            Arguments.of("timestamps, SACK and window scaling switched off", List.of(LINUX),
                new String[] {cookies, "tcp.timestamps=0", "tcp.sack=0", "tcp.window_scaling=0"}),
            Arguments.of("our MSS 1200", List.of(LINUX), new String[] {cookies, "tcp.mss=1200"}),
            Arguments.of("timestamps without the pair's offset (tcp.timestamps=2)", List.of(LINUX),
                new String[] {cookies, "tcp.timestamps=2"}),
            Arguments.of("ECN setup with timestamps: ECE, and ECN in the TSval", List.of(LINUX),
                new String[] {cookies}),
            Arguments.of("ECN setup without timestamps: no ECE (the cookie could not keep it)",
                List.of(new TcpOption.Mss(1460)), new String[] {cookies}),
            Arguments.of("ECN setup from an ECT-marked IP header: no ECE (RFC 3168 6.1.1)", List.of(LINUX),
                new String[] {cookies}),
            Arguments.of("ECN setup with tcp.ecn=0: no ECE", List.of(LINUX), new String[] {cookies, "tcp.ecn=0"}),
            Arguments.of("without timestamps: MSS only, though SACK and window scale were offered",
                List.of(new TcpOption.Mss(1460), new TcpOption.Nop(), new TcpOption.WindowScale(7),
                new TcpOption.SackPermitted()), new String[] {cookies}),
            Arguments.of("an option overrunning the header ends the walk; the MSS before it counts",
                List.of(new TcpOption.Mss(1300), new TcpOption.Unknown(MALFORMED_OVERRUN, new byte[] {1, 2})),
                new String[] {cookies}),
            Arguments.of("timestamps, then an option of length 1: the walk ends, timestamps count",
                List.of(new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Timestamps(99, 0),
                new TcpOption.Unknown(MALFORMED_ONE, new byte[] {1, 2}), new TcpOption.WindowScale(7)),
                new String[] {cookies}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("synsAndSettings")
    @DisplayName("the program's SYN-ACK is the engine's, byte for byte")
    void theProgramAnswersAsTheEngineWould(String name, List<TcpOption> options, String[] settings) {
        try (Rig r = rig(settings)) {
            r.t.listener(PORT, 16);
            r.offload.poll(r.t.now());
            for (int i = 0; i < 40; i++) {
                r.t.clock.advance(i * 7_919_000_000L); // minutes move on: the cookie counter changes too
                r.midMillisecond();
                byte[] syn = ecn(name, malformed(EngineFixture.frame(syn(40000 + i, 0x7000_0000 * i + 12345,
                        options.toArray(TcpOption[]::new)))));
                int[] verdict = r.run(syn);
                r.t.link.b().inject(syn);
                r.t.poll();
                List<byte[]> sent = r.engineSent();
                assertEquals(1, sent.size(), "the engine answered");
                assertEquals(bpf_h.XDP_TX, verdict[0], name);
                assertEquals(HexFormat.of().formatHex(sent.getFirst()),
                        HexFormat.of().formatHex(r.output(verdict[1])), name + ", SYN " + i);
            }
        }
    }

    @Test
    @DisplayName("a SYN with the unfinished checksum a kernel peer on veth leaves is answered as the engine does")
    void partialChecksumsAreAcceptedAsTheEngineAcceptsThem() {
        try (Rig r = rig("tcp.syncookies=2")) {
            r.t.listener(PORT, 16);
            r.offload.poll(r.t.now());
            r.midMillisecond();
            byte[] syn = EngineFixture.frame(syn(40000, 777, LINUX));
            byte[] partial = syn.clone();
            int unfinished = Checksum.partialChecksum(PEER_IP, LOCAL_IP, 6, syn.length - 34);
            partial[50] = (byte) (unfinished >>> 8);
            partial[51] = (byte) unfinished;
            int[] verdict = r.run(partial);
            r.t.link.b().inject(syn); // the fixture's parser is strict: the engine gets the finished twin
            r.t.poll();
            List<byte[]> sent = r.engineSent();
            assertEquals(1, sent.size());
            assertEquals(bpf_h.XDP_TX, verdict[0]);
            assertEquals(HexFormat.of().formatHex(sent.getFirst()), HexFormat.of().formatHex(r.output(verdict[1])));
            partial[51] ^= 1;
            assertEquals(bpf_h.XDP_PASS, r.run(partial)[0], "neither finished nor the unfinished value");
        }
        try (Rig r = rig(false, false, "tcp.syncookies=2")) {
            r.t.listener(PORT, 16);
            r.offload.poll(r.t.now());
            byte[] syn = EngineFixture.frame(syn(40000, 777, LINUX));
            int unfinished = Checksum.partialChecksum(PEER_IP, LOCAL_IP, 6, syn.length - 34);
            syn[50] = (byte) (unfinished >>> 8);
            syn[51] = (byte) unfinished;
            assertEquals(bpf_h.XDP_PASS, r.run(syn)[0], "not a veth: the unfinished value is a bad checksum");
        }
    }

    static Stream<Arguments> synsForTheEngine() {
        byte[] good = EngineFixture.frame(syn(40000, 1, LINUX));
        return Stream.of(
            Arguments.of("SYN+FIN", EngineFixture.frame(TcpSegment.of(40000, PORT, 1, 0, SYN | FIN, 65535,
                List.of(), NONE))),
            Arguments.of("SYN+ACK", EngineFixture.frame(TcpSegment.of(40000, PORT, 1, 5, SYN | ACK, 65535,
                List.of(), NONE))),
            Arguments.of("SYN+RST", EngineFixture.frame(TcpSegment.of(40000, PORT, 1, 0, SYN | RST, 65535,
                List.of(), NONE))),
            Arguments.of("an ACK", EngineFixture.frame(TcpSegment.of(40000, PORT, 1, 5, ACK, 65535, List.of(),
                NONE))),
            Arguments.of("another port", EngineFixture.frame(TcpSegment.of(40000, 81, 1, 0, SYN, 65535, List.of(),
                NONE))),
            Arguments.of("a SYN with data", EngineFixture.frame(TcpSegment.of(40000, PORT, 1, 0, SYN, 65535,
                List.of(), new byte[] {1, 2, 3, 4}))),
            Arguments.of("Fast Open", EngineFixture.frame(syn(40000, 1, new TcpOption.Mss(1460),
                new TcpOption.Unknown(34, NONE), new TcpOption.Nop(), new TcpOption.Nop()))),
            Arguments.of("bad TCP checksum", mutate(good, f -> flip(f, 14 + 20 + 16))),
            Arguments.of("bad IPv4 checksum", mutate(good, f -> flip(f, 14 + 10))),
            Arguments.of("another destination address", mutate(good, f -> {
                f[14 + 19] ^= 1;
                return ipChecksum(f);
            })),
            Arguments.of("another destination MAC", mutate(good, f -> flip(f, 5))),
            Arguments.of("a fragment (MF)", mutate(good, f -> {
                f[14 + 6] |= 0x20;
                return ipChecksum(f);
            })),
            Arguments.of("a frame shorter than its IPv4 length", Arrays.copyOf(good, good.length - 2)),
            Arguments.of("LAND: our own address as the source (martian)", fromSource(good, LOCAL_IP)),
            Arguments.of("a loopback source (martian)", fromSource(good, 0x7F000001)),
            Arguments.of("the subnet's broadcast as the source (martian)", fromSource(good, 0xC61200FF)),
            Arguments.of("a multicast source (martian)", fromSource(good, 0xE0000001)),
            Arguments.of("0.0.0.0 as the source (martian)", fromSource(good, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("synsForTheEngine")
    @DisplayName("what only the engine can judge goes on to it")
    void theProgramPassesWhatItDoesNotAnswer(String name, byte[] frame) {
        try (Rig r = rig("tcp.syncookies=2")) {
            r.t.listener(PORT, 16);
            r.offload.poll(r.t.now());
            assertEquals(bpf_h.XDP_PASS, r.run(frame)[0], name);
            assertEquals(bpf_h.XDP_TX, r.run(EngineFixture.frame(syn(40000, 1, LINUX)))[0], "the SYN itself");
        }
    }

    @Test
    @DisplayName("a SYN for a 4-tuple the engine holds goes to the engine; when the tuple is gone, to XDP")
    void heldTuplesGoToTheEngine() throws Exception {
        try (Rig r = rig("tcp.syncookies=2")) {
            int l = r.t.listener(PORT, 16);
            r.offload.poll(r.t.now());
            byte[] syn = EngineFixture.frame(syn(40000, 5000, LINUX));
            int[] verdict = r.run(syn);
            assertEquals(bpf_h.XDP_TX, verdict[0]);
            TcpSegment sa = TcpSegment.parse(MemorySegment.ofArray(r.output(verdict[1])), 34, verdict[1] - 34);
            r.offload.poll(r.t.now());
            r.t.send(TcpSegment.of(40000, PORT, 5001, sa.seq() + 1, ACK, 65535, List.of(new TcpOption.Nop(),
                    new TcpOption.Nop(), new TcpOption.Timestamps(0x11223345L, tsVal(sa))), NONE));
            r.t.recvNothing();
            int c = r.t.api.accept(l);
            assertTrue(c >= 0, "the cookie the program made was accepted by the engine: " + c);
            assertEquals(TcpState.ESTABLISHED, r.t.engine.state(c));
            assertEquals(bpf_h.XDP_PASS, r.run(syn)[0], "the connection's own tuple: the engine's");
            assertEquals(bpf_h.XDP_TX, r.run(EngineFixture.frame(syn(40001, 5000, LINUX)))[0], "another port");
            r.t.send(TcpSegment.of(40000, PORT, 5001, 0, RST, 0, List.of(), NONE));
            assertEquals(TcpState.CLOSE, r.t.engine.state(c));
            assertEquals(bpf_h.XDP_TX, r.run(syn)[0], "the connection is gone");
        }
    }

    @Test
    @DisplayName("the ACK of a cookie the program sent is accepted even when it arrives before the next poll")
    void theAckMayOvertakeThePoll() throws Exception {
        try (Rig r = rig("tcp.syncookies=2")) {
            int l = r.t.listener(PORT, 16);
            r.offload.poll(r.t.now()); // switches the program on; nothing answered yet
            byte[] syn = EngineFixture.frame(syn(40000, 5000, LINUX));
            int[] verdict = r.run(syn);
            assertEquals(bpf_h.XDP_TX, verdict[0]);
            TcpSegment sa = TcpSegment.parse(MemorySegment.ofArray(r.output(verdict[1])), 34, verdict[1] - 34);
            r.t.send(TcpSegment.of(40000, PORT, 5001, sa.seq() + 1, ACK, 65535, List.of(new TcpOption.Nop(),
                    new TcpOption.Nop(), new TcpOption.Timestamps(0x11223345L, tsVal(sa))), NONE));
            r.t.recvNothing();
            assertTrue(r.t.api.accept(l) >= 0, "accepted without a poll between the SYN-ACK and the ACK");
        }
    }

    @Test
    @DisplayName("a SYN from beyond the subnet is answered only when a gateway routes the answer back")
    void offSubnetSourcesNeedAGateway() {
        byte[] far = mutate(EngineFixture.frame(syn(40000, 1, LINUX)), f -> {
            f[14 + 13] = 19; // 198.19.0.2: off the /24
            return tcpChecksumFrom(ipChecksum(f), 0xC6130002);
        });
        try (Rig r = rig(false, "tcp.syncookies=2")) {
            r.t.listener(PORT, 16);
            r.offload.poll(r.t.now());
            assertEquals(bpf_h.XDP_PASS, r.run(far)[0], "no gateway: the engine has no route back (FpNoRoute)");
        }
        try (Rig r = rig(true, "tcp.syncookies=2")) {
            r.t.listener(PORT, 16);
            r.offload.poll(r.t.now());
            assertEquals(bpf_h.XDP_TX, r.run(far)[0], "routed");
        }
    }

    @Test
    @DisplayName("after a rekey the program answers with the new keys, as the engine does")
    void rekeyFlipsTheKeySet() {
        try (Rig r = rig("tcp.syncookies=2")) {
            r.t.listener(PORT, 16);
            r.offload.poll(r.t.now());
            int before = r.maps.config(0).get(ValueLayout.JAVA_INT, XdpSynCookies.KEYSET);
            r.t.engine.cookies.rekey(dev.fastpath.tcp.cookie.RandomSource.seeded(99));
            r.offload.poll(r.t.now());
            assertEquals(before, r.maps.config(0).get(ValueLayout.JAVA_INT, XdpSynCookies.KEYSET),
                    "re-published once a millisecond, not every turn");
            r.t.clock.advance(XdpCookieOffload.PUBLISH_INTERVAL_NS);
            r.offload.poll(r.t.now());
            assertEquals(1 - before, r.maps.config(0).get(ValueLayout.JAVA_INT, XdpSynCookies.KEYSET));
            r.midMillisecond();
            byte[] syn = EngineFixture.frame(syn(40000, 4242, LINUX));
            int[] verdict = r.run(syn);
            r.t.link.b().inject(syn);
            r.t.poll();
            assertEquals(HexFormat.of().formatHex(r.engineSent().getFirst()),
                    HexFormat.of().formatHex(r.output(verdict[1])));
        }
    }

    private static byte[] fromSource(byte[] good, int src) {
        return mutate(good, f -> {
            for (int i = 0; i < 4; i++) {
                f[14 + 12 + i] = (byte) (src >>> (24 - 8 * i));
            }
            return tcpChecksumFrom(ipChecksum(f), src);
        });
    }

    private static byte[] tcpChecksumFrom(byte[] f, int src) {
        f[50] = 0;
        f[51] = 0;
        int sum = Checksum.tcpChecksum(MemorySegment.ofArray(f), 34, f.length - 34, src, LOCAL_IP);
        f[50] = (byte) (sum >>> 8);
        f[51] = (byte) sum;
        return f;
    }

    private static int tsVal(TcpSegment s) {
        for (TcpOption o : s.options()) {
            if (o instanceof TcpOption.Timestamps ts) {
                return (int) ts.tsVal();
            }
        }
        throw new AssertionError("no timestamps in " + s);
    }

    @Test
    @DisplayName("with tcp_syncookies=1 the program answers only while the SYN queue is full; counters follow")
    void syncookiesOneFollowsTheQueue() {
        try (Rig r = rig("tcp.syncookies=1")) {
            r.t.listener(PORT, 1);
            byte[] syn = EngineFixture.frame(syn(40001, 5000, LINUX));
            r.offload.poll(r.t.now());
            assertEquals(bpf_h.XDP_PASS, r.run(syn)[0], "queue not full: the engine makes a request");
            r.t.send(syn(39999, 100, LINUX));
            r.offload.poll(r.t.now());
            assertEquals(bpf_h.XDP_PASS, r.run(syn)[0], "one request in a backlog of 1: not full (qlen > backlog)");
            r.t.send(syn(40000, 100, LINUX));
            assertEquals(2, r.engineSent().size());
            r.offload.poll(r.t.now());
            assertEquals(bpf_h.XDP_PASS, r.run(EngineFixture.frame(syn(40000, 100, LINUX)))[0],
                    "the request's own tuple (a retransmitted SYN) is the engine's");
            assertEquals(bpf_h.XDP_TX, r.run(syn)[0], "queue full: cookies, here");
            assertEquals(bpf_h.XDP_TX, r.run(syn)[0]);
            TcpStat.Counters n = r.t.engine.counters();
            long sent = n.get(TcpStat.TcpExtSyncookiesSent);
            long out = n.get(TcpStat.TcpOutSegs);
            assertEquals(2, r.offload.poll(r.t.now()));
            assertEquals(sent + 2, n.get(TcpStat.TcpExtSyncookiesSent));
            assertEquals(out + 2, n.get(TcpStat.TcpOutSegs));
            assertEquals(2, n.get(TcpStat.TcpExtTCPReqQFullDoCookies));
            r.t.advanceMs(70_000); // the request's SYN-ACKs run out (1+2+4+8+16+32 s): the queue empties
            r.offload.poll(r.t.now());
            assertEquals(0, r.t.engine.listen.requestCount());
            assertEquals(bpf_h.XDP_PASS, r.run(syn)[0], "queue no longer full");
        }
    }

    @Test
    @DisplayName("tcp_syncookies=0, or no listener: nothing is answered in XDP")
    void noCookiesNoAnswers() {
        try (Rig r = rig("tcp.syncookies=0")) {
            r.t.listener(PORT, 1);
            r.t.send(syn(40000, 100, LINUX));
            r.offload.poll(r.t.now());
            assertEquals(bpf_h.XDP_PASS, r.run(EngineFixture.frame(syn(40001, 1, LINUX)))[0]);
        }
        try (Rig r = rig("tcp.syncookies=2")) {
            r.offload.poll(r.t.now());
            assertEquals(bpf_h.XDP_PASS, r.run(EngineFixture.frame(syn(40001, 1, LINUX)))[0]);
        }
    }

    /** For a case named "ECN setup…": the SYN carries ECE and CWR (and, "ECT-marked", ECT(0) in its IP header). */
    private static byte[] ecn(String name, byte[] frame) {
        if (!name.startsWith("ECN setup")) {
            return frame;
        }
        frame[14 + 20 + 13] |= (byte) 0xC0;
        if (name.contains("ECT-marked")) {
            frame[14 + 1] = 2;
            ipChecksum(frame);
        }
        return tcpChecksum(frame);
    }

    /** Option kinds that {@link #malformed} turns into a length running past the header, or a length of 1. */
    private static final int MALFORMED_OVERRUN = 250;
    private static final int MALFORMED_ONE = 251;

    /** The frame with the options of kind MALFORMED_* broken as their names say (checksum recomputed). */
    private static byte[] malformed(byte[] frame) {
        int at = 14 + 20 + 20;
        int end = 14 + 20 + ((frame[14 + 20 + 12] & 0xF0) >>> 2);
        boolean changed = false;
        while (at + 1 < end && frame[at] != 0) {
            int kind = frame[at] & 0xFF;
            if (kind == 1) {
                at++;
                continue;
            }
            int length = frame[at + 1] & 0xFF;
            if (kind == MALFORMED_OVERRUN || kind == MALFORMED_ONE) {
                frame[at + 1] = (byte) (kind == MALFORMED_ONE ? 1 : end - at + 4);
                changed = true;
            }
            at += length;
        }
        return changed ? tcpChecksum(frame) : frame;
    }

    private static byte[] mutate(byte[] frame, UnaryOperator<byte[]> change) {
        return change.apply(frame.clone());
    }

    private static byte[] flip(byte[] f, int at) {
        f[at] ^= 0x40;
        return f;
    }

    private static byte[] ipChecksum(byte[] f) {
        f[24] = 0;
        f[25] = 0;
        int sum = ~Checksum.sum16(MemorySegment.ofArray(f), 14, 20, 0) & 0xFFFF;
        f[24] = (byte) (sum >>> 8);
        f[25] = (byte) sum;
        return f;
    }

    private static byte[] tcpChecksum(byte[] f) {
        return tcpChecksumFrom(f, PEER_IP);
    }
}
