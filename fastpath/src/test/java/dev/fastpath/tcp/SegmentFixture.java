package dev.fastpath.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fastpath.config.Config;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.timer.TimerWheel;
import dev.fastpath.wire.TcpHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * Scripted TCP tests in smoltcp's style, at segment level: the engine over a {@link SegmentLink} (no Ethernet,
 * no IPv4 header), segments written from templates ({@link #SEND_TEMPL}, {@link #RECV_TEMPL}) overridden per
 * test, and state fixtures that set a connection's fields directly ({@link #socketEstablished()}) instead of
 * replaying a handshake. {@code send(seg)}, {@code recv(expected…)}, {@code recvNothing()}.
 */
final class SegmentFixture {
    static final int LOCAL_IP = 0xC6120001; // 198.18.0.1
    static final int REMOTE_IP = 0xC6120002; // 198.18.0.2
    static final int LOCAL_PORT = 80;
    static final int REMOTE_PORT = 49500;
    /** Our initial sequence number in the state fixtures (smoltcp's LOCAL_SEQ). */
    static final int LOCAL_SEQ = 10_000;
    /** The peer's (smoltcp's REMOTE_SEQ). */
    static final int REMOTE_SEQ = -10_001;
    /** The window the peer advertises in the templates (no window scale). */
    static final int REMOTE_WIN = 65535;
    static final int MSS = 1460;
    static final long MS = 1_000_000L;

    /** What the peer sends in the established state: an ACK of everything we sent. */
    static final Seg SEND_TEMPL = new Seg(REMOTE_PORT, LOCAL_PORT, REMOTE_SEQ + 1, LOCAL_SEQ + 1, TcpHeader.ACK,
            REMOTE_WIN, List.of(), new byte[0]);
    /** What we send in the established state: an ACK of everything the peer sent, any window. */
    static final Seg RECV_TEMPL = new Seg(LOCAL_PORT, REMOTE_PORT, LOCAL_SEQ + 1, REMOTE_SEQ + 1, TcpHeader.ACK, -1,
            List.of(), new byte[0]);

    /**
     * An ESTABLISHED connection made by a state fixture.
     *
     * @param id the socket
     */
    record Established(int id) {
    }

    final VirtualClock clock = new VirtualClock(1_000_000_000_000L);
    final SegmentLink link = new SegmentLink(LOCAL_IP);
    final TcpEngine engine;
    final SocketOps api;
    final SocketOptions opts;
    final List<String> closed = new ArrayList<>();

    SegmentFixture(Config config) {
        engine = new TcpEngine(config, link, 42, clock.nowNs());
        api = SocketOps.of(engine);
        opts = SocketOptions.of(engine);
        engine.events(new TcpEvents() {
            @Override
            public void onClosed(int id, int errno) {
                closed.add(id + ":" + errno);
            }
        });
    }

    /** Timestamps off, so the templates carry no options after the handshake. */
    SegmentFixture() {
        this(Config.defaults().withOverrides(List.of("tcp.timestamps=0")));
    }

    long now() {
        return clock.nowNs();
    }

    /** The peer sends one segment; the engine handles it at once. */
    void send(Seg s) {
        engine.tcpV4Rcv(link.arriving(REMOTE_IP, LOCAL_IP, s.toSegment()), clock.nowNs());
    }

    /** Lets {@code ms} milliseconds pass, running due timers each millisecond. */
    void advanceMs(long ms) {
        for (long i = 0; i < ms; i++) {
            clock.advance(MS);
            engine.pollTimers(clock.nowNs());
        }
    }

    /** @return what the engine sent since the last look, addressed to the peer from us */
    List<Seg> sent() {
        List<Seg> out = new ArrayList<>();
        for (SegmentLink.Sent s : link.drain()) {
            assertEquals(LOCAL_IP, s.src(), "source address");
            assertEquals(REMOTE_IP, s.dst(), "destination address");
            out.add(Seg.of(s.segment()));
        }
        return out;
    }

    /** Exactly these segments, in order (smoltcp's {@code recv!}). */
    void recv(Seg... expected) {
        List<Seg> got = sent();
        if (got.size() != expected.length) {
            fail("expected " + List.of(expected) + ", got " + got);
        }
        for (int i = 0; i < expected.length; i++) {
            int at = i;
            assertTrue(expected[i].matches(got.get(i)), () -> "segment " + at + ": expected " + expected[at]
                    + ", got " + got.get(at));
        }
    }

    void recvNothing() {
        assertEquals(List.of(), sent(), "expected silence");
    }

    // ---- state fixtures -------------------------------------------------------------------------------

    /**
     * A socket in ESTABLISHED with {@link #LOCAL_SEQ}/{@link #REMOTE_SEQ}, set field by field as connect() and
     * the SYN-ACK's processing leave it (tcp_connect_init, tcp_rcv_synsent_state_process): the peer offered MSS
     * {@link #MSS} and no other option, a window of {@link #REMOTE_WIN}; nothing in flight, no timer but
     * keepalive. No segment crosses the link.
     *
     * @return the connection
     */
    Established socketEstablished() {
        int id = api.socket();
        TcpSock s = engine.sock(id);
        long now = clock.nowNs();
        s.localIp = LOCAL_IP;
        s.localPort = LOCAL_PORT;
        s.remoteIp = REMOTE_IP;
        s.remotePort = REMOTE_PORT;
        s.bound = true;
        // tcp_connect_init()
        s.iss = LOCAL_SEQ;
        s.sndUna = LOCAL_SEQ + 1;
        s.sndNxt = LOCAL_SEQ + 1;
        s.mssClamp = engine.params.mss();
        TcpWindow.tcpConnectInitWindow(engine, s);
        s.rtoNs = engine.params.timeoutInitNs();
        // tcp_rcv_synsent_state_process() with a SYN-ACK offering MSS only
        s.irs = REMOTE_SEQ;
        s.rcvNxt = REMOTE_SEQ + 1;
        s.rcvWup = s.rcvNxt;
        s.sndWl1 = REMOTE_SEQ;
        s.sndWl2 = LOCAL_SEQ + 1;
        s.mss = Math.min(MSS, s.mssClamp);
        s.wscaleOk = false;
        s.sndWscale = 0;
        s.rcvWscale = 0;
        s.windowClamp = Integer.compareUnsigned(s.windowClamp, 65535) > 0 ? 65535 : s.windowClamp;
        s.sackOk = false;
        s.tsOk = false;
        s.sndWnd = REMOTE_WIN;
        s.initQueues(engine.params.reordering());
        TcpWindow.tcpInitBufferSpace(engine, s, now);
        TcpXmit.tcpInitTransfer(engine, s, now);
        s.rtoTimer = TimerWheel.NONE;
        s.retransmits = 0;
        s.lastRcvNs = now;
        engine.tcpSetState(s, TcpState.ESTABLISHED);
        s.socketState = TcpState.SS_CONNECTED;
        engine.hash(s);
        TcpTimers.armKeepalive(engine, s, now);
        return new Established(id);
    }
}
