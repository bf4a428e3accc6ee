package dev.fastpath.tcp;

import static dev.fastpath.uapi.SocketConstants.IPPROTO_TCP;
import static dev.fastpath.uapi.SocketConstants.MSG_DONTWAIT;
import static dev.fastpath.uapi.SocketConstants.MSG_EOR;
import static dev.fastpath.uapi.SocketConstants.MSG_MORE;
import static dev.fastpath.uapi.SocketConstants.POLLOUT;
import static dev.fastpath.uapi.SocketConstants.SIOCOUTQ;
import static dev.fastpath.uapi.SocketConstants.SIOCOUTQNSD;
import static dev.fastpath.uapi.SocketConstants.SOL_SOCKET;
import static dev.fastpath.uapi.SocketConstants.SO_SNDBUF;
import static dev.fastpath.uapi.SocketConstants.TCP_NODELAY;
import static dev.fastpath.uapi.SocketConstants.TCP_NOTSENT_LOWAT;
import static dev.fastpath.tcp.EngineFixture.PEER_PORT;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What a write puts on the wire and what the send buffer lets through, as Linux: skbs grown to the size goal,
 * PSH by tcp_mark_push() and on every GSO packet of more than one segment (on its last frame), packets cut
 * by tcp_cwnd_test() and tcp_tso_segs(), sk_wmem_queued by skb truesize, writers woken by
 * sk_stream_write_space(), TCP_NOTSENT_LOWAT.
 */
class SendPathTest {
    private static final int CLIENT_ISN = 1000;

    /** A server-side connection: {fd, first data sequence}; the peer offered {@code mss} and window wnd << ws. */
    private static int[] accepted(EngineFixture t, int mss, int window, int wscale) {
        int l = t.listener(80, 16);
        List<TcpOption> opts = new ArrayList<>(List.of(new TcpOption.Mss(mss), new TcpOption.SackPermitted()));
        if (wscale >= 0) {
            opts.add(new TcpOption.WindowScale(wscale));
        }
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN, 0, SYN, 32792, opts, new byte[0]));
        TcpSegment synAck = t.recvFlags(SYN | ACK);
        t.advanceMs(10);
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1, synAck.seq() + 1, ACK, window, List.of(), new byte[0]));
        int c = t.api.accept(l);
        assertTrue(c >= 0);
        return new int[] {c, synAck.seq() + 1};
    }

    private static void ack(EngineFixture t, int seq, int window) {
        t.send(TcpSegment.of(PEER_PORT, 80, CLIENT_ISN + 1, seq, ACK, window, List.of(), new byte[0]));
    }

    private static String shape(List<TcpSegment> segs, int base) {
        StringBuilder b = new StringBuilder();
        for (TcpSegment s : segs) {
            b.append((s.flags() & PSH) != 0 ? "P" : ".").append(s.seq() - base).append(':')
                    .append(s.payload().length).append(' ');
        }
        return b.toString().strip();
    }

    @Nested
    class Push {
        @Test
        @DisplayName("tcp_cwnd_test(): a 10400-byte write leaves as two 5-segment GSO packets, PSH on the last "
                + "frame of each; the 400 left over go alone with the write's PSH once the ACK comes")
        void gsoPacketsCarryPsh() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t, 1000, 514, 10);
            assertEquals(10400, t.api.send(c[0], new byte[10400], 0, 10400, t.now()));
            assertEquals(".0:1000 .1000:1000 .2000:1000 .3000:1000 P4000:1000 .5000:1000 .6000:1000 .7000:1000 "
                    + ".8000:1000 P9000:1000", shape(t.recv(), c[1]));
            t.advanceMs(1);
            ack(t, c[1] + 10000, 514);
            assertEquals("P10000:400", shape(t.recv(), c[1]));
        }

        @Test
        @DisplayName("Nagle holds a small skb; a later write joins it and pushes it again; MSG_MORE leaves it unpushed")
        void tailSkbTakesLaterWrites() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t, 1000, 514, 10);
            assertEquals(100, t.api.send(c[0], new byte[100], 0, 100, t.now()));
            assertEquals("P0:100", shape(t.recv(), c[1]));
            assertEquals(100, t.api.send(c[0], new byte[100], 0, 100, t.now()));
            assertEquals(100, t.api.send(c[0], new byte[100], 0, 100, t.now()));
            t.recvNothing(); // Minshall: a short segment is unacknowledged
            t.advanceMs(5);
            ack(t, c[1] + 100, 514);
            assertEquals("P100:200", shape(t.recv(), c[1]), "one skb, pushed by the last write");
            assertEquals(100, t.api.send(c[0], new byte[100], 0, 100, t.now()));
            assertEquals(100, t.api.send(c[0], new byte[100], 0, 100, MSG_MORE, t.now()));
            t.recvNothing();
            t.advanceMs(5);
            ack(t, c[1] + 300, 514);
            assertEquals(".300:200", shape(t.recv(), c[1]), "the skb ended inside a MSG_MORE write: no PSH");
        }

        @Test
        @DisplayName("https_client: with TCP_NODELAY a 2002-byte write goes as a 2-segment GSO packet (PSH on its "
                + "last frame, min_tso_segs at a 100 ms pacing rate) and the 54 bytes left with the write's PSH")
        void clientWriteWithSlowPacing() {
            EngineFixture t = new EngineFixture();
            int c = t.api.socket();
            assertEquals(0, t.opts.setInt(c, IPPROTO_TCP, TCP_NODELAY, 1, t.now()));
            assertEquals(-Errno.EINPROGRESS, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
            TcpSegment syn = t.recvFlags(SYN);
            t.advanceMs(100);
            int port = syn.sourcePort();
            t.send(TcpSegment.of(80, port, 0, syn.seq() + 1, SYN | ACK, 5792,
                    List.of(new TcpOption.Mss(974), new TcpOption.SackPermitted(), new TcpOption.WindowScale(7)),
                    new byte[0]));
            t.recvFlags(ACK);
            int una = syn.seq() + 1;
            assertEquals(517, t.api.send(c, new byte[517], 0, 517, t.now()));
            assertEquals("P0:517", shape(t.recv(), una));
            t.advanceMs(100);
            t.send(TcpSegment.of(80, port, 1, una + 517, ACK, 229, List.of(), new byte[0]));
            assertEquals(51, t.api.send(c, new byte[51], 0, 51, t.now()));
            assertEquals("P517:51", shape(t.recv(), una));
            t.advanceMs(30);
            assertEquals(2002, t.api.send(c, new byte[2002], 0, 2002, t.now()));
            assertEquals(".568:974 P1542:974 P2516:54", shape(t.recv(), una));
        }
    }

    @Nested
    class SendBuffer {
        @Test
        @DisplayName("tcp_init_buffer_space(): the send buffer is 2 x 10 x 4352 once the connection is established")
        void sndbufExpandedAtEstablishment() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t, 1000, 514, 10);
            assertEquals(87_040, t.opts.getInt(c[0], SOL_SOCKET, SO_SNDBUF));
        }

        @Test
        @DisplayName("blocking-write: a 61000-byte write takes 60000 (new skbs only while sk_wmem_queued < sk_sndbuf), "
                + "and the writer wakes only when an ACK frees a third of the buffer (ack 36001, not 30001)")
        void blockingWriteWakesBySkbTruesize() {
            EngineFixture t = new EngineFixture(Config.defaults().withOverrides(
                    List.of("tcp.timestamps=0", "tcp.min_tso_segs=10"))); // as the script sets it
            int[] c = accepted(t, 1000, 50000, 0);
            List<Integer> woken = new ArrayList<>();
            t.engine.events(new TcpEvents() {
                @Override
                public void onWritable(int id) {
                    woken.add(id);
                }
            });
            assertEquals(0, t.opts.setInt(c[0], SOL_SOCKET, SO_SNDBUF, 21000, t.now()));
            assertEquals(42000, t.opts.getInt(c[0], SOL_SOCKET, SO_SNDBUF));
            woken.clear(); // setsockopt(SO_SNDBUF) calls sk_write_space()
            assertEquals(60000, t.api.send(c[0], new byte[61000], 0, 61000, t.now()));
            assertEquals(-Errno.EAGAIN, t.api.send(c[0], new byte[1000], 0, 1000, t.now()), "still asleep");
            t.recv();
            t.advanceMs(100);
            ack(t, c[1] + 10000, 50000);
            t.advanceMs(100);
            ack(t, c[1] + 30000, 50000);
            assertEquals(List.of(), woken);
            assertEquals(0, t.opts.poll(c[0]) & POLLOUT);
            assertEquals(-Errno.EAGAIN, t.api.send(c[0], new byte[1000], 0, 1000, t.now()), "no wakeup yet");
            t.advanceMs(100);
            ack(t, c[1] + 36000, 50000);
            assertEquals(List.of(c[0]), woken);
            assertEquals(POLLOUT, t.opts.poll(c[0]) & POLLOUT);
            assertEquals(1000, t.api.send(c[0], new byte[1000], 0, 1000, t.now()));
        }

        @Test
        @DisplayName("SIOCOUTQ counts what is unacknowledged, SIOCOUTQNSD what is not yet sent")
        void outqIoctls() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t, 1000, 3, 10); // a 3072-byte window
            assertEquals(5000, t.api.send(c[0], new byte[5000], 0, 5000, t.now()));
            t.recv();
            assertEquals(5000, t.opts.ioctl(c[0], SIOCOUTQ));
            assertEquals(2000, t.opts.ioctl(c[0], SIOCOUTQNSD), "3 whole segments fit the window");
        }
    }

    @Nested
    class NotsentLowat {
        @Test
        @DisplayName("TCP_NOTSENT_LOWAT: a new skb needs less than the mark unsent; POLLOUT and the wakeup need less "
                + "than half of it")
        void lowWaterMark() {
            EngineFixture t = new EngineFixture();
            int[] c = accepted(t, 1024, 64, 10);
            // The peer's window shrinks to one segment. A bare ACK with the same sequence number may close the
            // window or open it, not shrink it (tcp_may_update_window()): so it closes, then opens to one segment.
            ack(t, c[1], 0);
            ack(t, c[1], 1);
            List<Integer> woken = new ArrayList<>();
            t.engine.events(new TcpEvents() {
                @Override
                public void onWritable(int id) {
                    woken.add(id);
                }
            });
            assertEquals(0, t.opts.setInt(c[0], IPPROTO_TCP, TCP_NOTSENT_LOWAT, 3000, t.now()));
            assertEquals(3000, t.opts.getInt(c[0], IPPROTO_TCP, TCP_NOTSENT_LOWAT));
            assertEquals(List.of(c[0]), woken, "setsockopt() calls sk_write_space(): a writeable socket wakes pollers");
            woken.clear();
            assertEquals(5000, t.api.send(c[0], new byte[5000], 0, 5000, MSG_EOR, t.now()));
            assertEquals(".0:1024", shape(t.recv(), c[1]));
            assertEquals(-Errno.EAGAIN, t.api.send(c[0], new byte[10], 0, 10, MSG_DONTWAIT, t.now()),
                    "3976 unsent: no new skb (tcp_stream_memory_free)");
            assertEquals(0, t.opts.poll(c[0]) & POLLOUT);
            t.advanceMs(10);
            ack(t, c[1] + 1024, 2);
            assertEquals(".1024:1024 P2048:1024", shape(t.recv(), c[1]));
            assertEquals(0, t.opts.poll(c[0]) & POLLOUT, "1928 unsent is not below half the mark");
            assertEquals(List.of(), woken);
            assertEquals(10, t.api.send(c[0], new byte[10], 0, 10, MSG_DONTWAIT, t.now()),
                    "but below the mark itself, a write may start a new skb");
            t.advanceMs(10);
            ack(t, c[1] + 3072, 64);
            t.recv();
            assertEquals(POLLOUT, t.opts.poll(c[0]) & POLLOUT, "nothing left unsent");
            assertEquals(List.of(c[0]), woken);
        }
    }
}
