package dev.fastpath.tcp;

import static dev.fastpath.tcp.EngineFixture.PEER_PORT;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.config.Config;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TCP options as Linux's tcp_parse_options() takes them: a malformed option (its length 0 or 1, running past the
 * header, or with no room for a length byte) ends the walk; what was parsed before it counts and the segment is
 * processed — on a SYN and on every later segment.
 */
class TcpOptionsInputTest {
    private static final byte[] NONE = new byte[0];
    private static final int KIND_BROKEN = 30;

    private static byte[] synWithBrokenOption(int length) {
        byte[] f = EngineFixture.frame(TcpSegment.of(PEER_PORT, 80, 1000, 0, SYN, 65535,
                List.of(new TcpOption.Mss(1300), new TcpOption.Unknown(KIND_BROKEN, new byte[] {1, 2}),
                        new TcpOption.Nop(), new TcpOption.WindowScale(7)), NONE));
        return RawFrames.optionLength(f, KIND_BROKEN, length);
    }

    @ParameterizedTest(name = "option length {0}")
    @ValueSource(ints = {0, 1, 40})
    @Seed({"H9"})
    @DisplayName("H9: a SYN with a malformed option is answered; the MSS before it counts, nothing after it")
    void synKeepsWhatCameBefore(int length) {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0")));
        int l = t.listener(80, 16);
        t.sendRaw(synWithBrokenOption(length));
        TcpSegment sa = t.recvFlags(SYN | ACK);
        assertEquals(List.of(new TcpOption.Mss(1460)), sa.options(), "the window scale after it was not read");
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, sa.seq() + 1, ACK, 65535, List.of(), NONE));
        int c = t.api.accept(l);
        assertTrue(c >= 0);
        assertEquals(1300, t.engine.sock(c).mss);
        assertTrue(!t.engine.sock(c).wscaleOk);
    }

    @Test
    @Seed({"H9"})
    @DisplayName("H9: a SYN whose last option has no room for its length byte is answered with what came before")
    void kindWithoutLengthByte() {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0")));
        t.listener(80, 16);
        byte[] f = EngineFixture.frame(TcpSegment.of(PEER_PORT, 80, 1000, 0, SYN, 65535,
                List.of(new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.SackPermitted(),
                        new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Nop(),
                        new TcpOption.Unknown(KIND_BROKEN, new byte[0])), NONE));
        f[RawFrames.TCP + 20 + 7] = 2; // the last byte becomes an MSS kind with no length byte after it
        f[RawFrames.TCP + 20 + 6] = 1;
        t.sendRaw(RawFrames.tcpChecksum(f));
        TcpSegment sa = t.recvFlags(SYN | ACK);
        assertEquals(List.of(new TcpOption.Mss(1460), new TcpOption.Nop(), new TcpOption.Nop(),
                new TcpOption.SackPermitted()), sa.options(), "SACK-permitted before it was taken");
    }

    @ParameterizedTest(name = "option length {0}")
    @ValueSource(ints = {0, 1, 40})
    @Seed({"R3"})
    @DisplayName("R3: data with a malformed option is taken and ACKed; the stream does not stall")
    void dataWithBrokenOptionIsProcessed(int length) {
        EngineFixture t = new EngineFixture(Config.defaults().withOverrides(List.of("tcp.timestamps=0")));
        EngineFixture.Accepted est = t.established(1000);
        byte[] data = {'h', 'e', 'l', 'l', 'o'};
        byte[] f = EngineFixture.frame(TcpSegment.of(PEER_PORT, 80, 1001, est.iss() + 1, ACK | PSH, 65535,
                List.of(new TcpOption.Unknown(KIND_BROKEN, new byte[] {1, 2})), data));
        t.sendRaw(RawFrames.optionLength(f, KIND_BROKEN, length));
        t.advanceMs(300);
        t.recvOne(ACK, est.iss() + 1, 1006);
        byte[] got = new byte[16];
        assertEquals(5, t.api.recv(est.child(), got, 0, 16, t.now()));
        t.send(TcpSegment.of(PEER_PORT, 80, 1006, est.iss() + 1, ACK | PSH, 65535, List.of(), data));
        t.advanceMs(300);
        t.recvOne(ACK, est.iss() + 1, 1011);
    }

    @Test
    @Seed({"R3"})
    @DisplayName("R3: with timestamps on, a segment whose timestamps follow a malformed option is taken "
            + "without them (no PAWS check on what was not parsed)")
    void timestampsAfterABrokenOptionAreNotRead() {
        EngineFixture t = new EngineFixture(Config.defaults());
        int l = t.listener(80, 16);
        t.send(TcpSegment.of(PEER_PORT, 80, 1000, 0, SYN, 65535, List.of(new TcpOption.Mss(1460),
                new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Timestamps(1000, 0)), NONE));
        TcpSegment sa = t.recvFlags(SYN | ACK);
        long ourTs = ((TcpOption.Timestamps) sa.options().get(3)).tsVal();
        t.send(TcpSegment.of(PEER_PORT, 80, 1001, sa.seq() + 1, ACK, 65535, List.of(new TcpOption.Nop(),
                new TcpOption.Nop(), new TcpOption.Timestamps(1001, ourTs)), NONE));
        int c = t.api.accept(l);
        assertTrue(c >= 0);
        byte[] f = EngineFixture.frame(TcpSegment.of(PEER_PORT, 80, 1001, sa.seq() + 1, ACK, 65535,
                List.of(new TcpOption.Unknown(KIND_BROKEN, new byte[0]), new TcpOption.Timestamps(5, ourTs)),
                new byte[] {1, 2, 3}));
        t.sendRaw(RawFrames.optionLength(f, KIND_BROKEN, 1)); // TSval 5 is older than 1001: PAWS would drop it
        t.advanceMs(300);
        assertEquals(1004, t.recvFlags(ACK).ack());
        assertEquals(3, t.api.recv(c, new byte[8], 0, 8, t.now()));
    }
}
