package dev.fastpath.tcp;

import static dev.fastpath.uapi.SocketConstants.IPPROTO_TCP;
import static dev.fastpath.uapi.SocketConstants.SOL_SOCKET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * setsockopt/getsockopt, SO_LINGER, poll, ioctl and O_NONBLOCK at their edges, as Linux answers them
 * (sock_setsockopt, do_tcp_setsockopt, tcp_poll, tcp_ioctl): the errno for what is refused, the bounds of
 * what is accepted, the values read back.
 */
class SocketOptionsErrnoTest {
    private final SegmentFixture t = new SegmentFixture();
    private final SocketOptions o = t.opts;
    private static final int NOT_A_SOCKET = 4242;

    @Test
    @DisplayName("EBADF for every option call on a descriptor that is not a socket")
    void badDescriptor() {
        assertEquals(-Errno.EBADF, o.setInt(NOT_A_SOCKET, SOL_SOCKET, SocketConstants.SO_KEEPALIVE, 1, t.now()));
        assertEquals(-Errno.EBADF, o.getInt(NOT_A_SOCKET, SOL_SOCKET, SocketConstants.SO_TYPE));
        assertEquals(-Errno.EBADF, o.setLinger(NOT_A_SOCKET, true, 5));
        assertNull(o.getLinger(NOT_A_SOCKET));
        assertEquals(-Errno.EBADF, o.poll(NOT_A_SOCKET));
        assertEquals(-Errno.EBADF, o.ioctl(NOT_A_SOCKET, SocketConstants.SIOCINQ));
        assertEquals(-Errno.EBADF, o.setNonBlocking(NOT_A_SOCKET, true));
        assertFalse(o.nonBlocking(NOT_A_SOCKET));
        assertNull(o.tcpInfo(NOT_A_SOCKET));
        assertEquals(-Errno.EBADF, o.getTcpInfo(NOT_A_SOCKET, new byte[8], 8, t.now()));
    }

    @Test
    @DisplayName("ENOPROTOOPT: another level, or an option Fastpath lacks at any of its levels")
    void unknownOptions() {
        int s = t.api.socket();
        assertEquals(-Errno.ENOPROTOOPT, o.setInt(s, 41 /* IPPROTO_IPV6 */, 1, 1, t.now()));
        assertEquals(-Errno.ENOPROTOOPT, o.getInt(s, 41, 1));
        assertEquals(-Errno.ENOPROTOOPT, o.setInt(s, 0 /* IPPROTO_IP */, 9999, 1, t.now()));
        assertEquals(-Errno.ENOPROTOOPT, o.getInt(s, 0, 9999));
        assertEquals(-Errno.ENOPROTOOPT, o.setInt(s, SOL_SOCKET, 9999, 1, t.now()));
        assertEquals(-Errno.ENOPROTOOPT, o.getInt(s, SOL_SOCKET, 9999));
        assertEquals(-Errno.ENOPROTOOPT, o.setInt(s, IPPROTO_TCP, 9999, 1, t.now()));
        assertEquals(-Errno.ENOPROTOOPT, o.getInt(s, IPPROTO_TCP, 9999));
    }

    @Test
    @DisplayName("socket level: SO_TYPE, flags read back, SO_SNDBUF doubled within wmem_max and SOCK_MIN_SNDBUF")
    void socketLevel() {
        int s = t.api.socket();
        assertEquals(SocketConstants.SOCK_STREAM, o.getInt(s, SOL_SOCKET, SocketConstants.SO_TYPE));
        for (int name : new int[] {SocketConstants.SO_REUSEADDR, SocketConstants.SO_REUSEPORT,
            SocketConstants.SO_KEEPALIVE}) {
            assertEquals(0, o.getInt(s, SOL_SOCKET, name));
            assertEquals(0, o.setInt(s, SOL_SOCKET, name, 7, t.now()));
            assertEquals(1, o.getInt(s, SOL_SOCKET, name), "any non-zero value is on");
            assertEquals(0, o.setInt(s, SOL_SOCKET, name, 0, t.now()));
            assertEquals(0, o.getInt(s, SOL_SOCKET, name));
        }
        assertEquals(0, o.setInt(s, SOL_SOCKET, SocketConstants.SO_SNDBUF, 100_000, t.now()));
        assertEquals(200_000, o.getInt(s, SOL_SOCKET, SocketConstants.SO_SNDBUF), "doubled for bookkeeping");
        assertEquals(0, o.setInt(s, SOL_SOCKET, SocketConstants.SO_SNDBUF, 1, t.now()));
        assertEquals(SocketOptions.SOCK_MIN_SNDBUF, o.getInt(s, SOL_SOCKET, SocketConstants.SO_SNDBUF));
        assertEquals(0, o.setInt(s, SOL_SOCKET, SocketConstants.SO_SNDBUF, -1, t.now()), "unsigned: huge");
        assertEquals((int) Math.min(2 * t.engine.params.netWmemMax(), Integer.MAX_VALUE - 1),
                o.getInt(s, SOL_SOCKET, SocketConstants.SO_SNDBUF), "capped by wmem_max, then doubled");
        assertEquals(0, o.setInt(s, SOL_SOCKET, SocketConstants.SO_RCVBUF, 1, t.now()));
        assertEquals(SocketOptions.SOCK_MIN_RCVBUF, o.getInt(s, SOL_SOCKET, SocketConstants.SO_RCVBUF));
        assertEquals(0, o.setInt(s, SOL_SOCKET, SocketConstants.SO_RCVLOWAT, 0, t.now()));
        assertEquals(1, o.getInt(s, SOL_SOCKET, SocketConstants.SO_RCVLOWAT), "at least 1");
        assertEquals(0, o.setInt(s, SOL_SOCKET, SocketConstants.SO_RCVLOWAT, 500, t.now()));
        assertEquals(500, o.getInt(s, SOL_SOCKET, SocketConstants.SO_RCVLOWAT));
    }

    @Test
    @DisplayName("TCP level bounds: TCP_MAXSEG 88..32767 or 0, KEEPIDLE/INTVL 1..32767, KEEPCNT/SYNCNT 1..127, INQ 0/1")
    void tcpLevelBounds() {
        int s = t.api.socket();
        assertEquals(536, o.getInt(s, IPPROTO_TCP, SocketConstants.TCP_MAXSEG), "TCP_MSS_DEFAULT before a handshake");
        int[][] cases = {
            {SocketConstants.TCP_MAXSEG, 87, 88, 32767, 32768},
            {SocketConstants.TCP_KEEPIDLE, 0, 1, 32767, 32768},
            {SocketConstants.TCP_KEEPINTVL, 0, 1, 32767, 32768},
            {SocketConstants.TCP_KEEPCNT, 0, 1, 127, 128},
            {SocketConstants.TCP_SYNCNT, 0, 1, 127, 128},
            {SocketConstants.TCP_INQ, -1, 0, 1, 2},
        };
        for (int[] c : cases) {
            String name = "option " + c[0];
            assertEquals(-Errno.EINVAL, o.setInt(s, IPPROTO_TCP, c[0], c[1], t.now()), name + " below");
            assertEquals(0, o.setInt(s, IPPROTO_TCP, c[0], c[2], t.now()), name + " lowest");
            assertEquals(c[2], o.getInt(s, IPPROTO_TCP, c[0]), name);
            assertEquals(0, o.setInt(s, IPPROTO_TCP, c[0], c[3], t.now()), name + " highest");
            assertEquals(c[3], o.getInt(s, IPPROTO_TCP, c[0]), name);
            assertEquals(-Errno.EINVAL, o.setInt(s, IPPROTO_TCP, c[0], c[4], t.now()), name + " above");
            assertEquals(c[3], o.getInt(s, IPPROTO_TCP, c[0]), name + ": a refused value changes nothing");
        }
        assertEquals(0, o.setInt(s, IPPROTO_TCP, SocketConstants.TCP_MAXSEG, 0, t.now()), "0: no user MSS");
        assertEquals(536, o.getInt(s, IPPROTO_TCP, SocketConstants.TCP_MAXSEG));
        assertEquals(-Errno.EINVAL, o.setInt(s, IPPROTO_TCP, SocketConstants.TCP_USER_TIMEOUT, -1, t.now()));
        assertEquals(0, o.setInt(s, IPPROTO_TCP, SocketConstants.TCP_USER_TIMEOUT, 0, t.now()));
    }

    @Test
    @DisplayName("TCP_LINGER2: negative is -1 (RST at once), 0 reads tcp_fin_timeout, capped at 120 s")
    void linger2() {
        int s = t.api.socket();
        assertEquals(t.engine.params.finTimeoutS(), o.getInt(s, IPPROTO_TCP, SocketConstants.TCP_LINGER2));
        assertEquals(0, o.setInt(s, IPPROTO_TCP, SocketConstants.TCP_LINGER2, -5, t.now()));
        assertEquals(-1, o.getInt(s, IPPROTO_TCP, SocketConstants.TCP_LINGER2));
        assertEquals(0, o.setInt(s, IPPROTO_TCP, SocketConstants.TCP_LINGER2, 500, t.now()));
        assertEquals(120, o.getInt(s, IPPROTO_TCP, SocketConstants.TCP_LINGER2));
        assertEquals(0, o.setInt(s, IPPROTO_TCP, SocketConstants.TCP_LINGER2, 30, t.now()));
        assertEquals(30, o.getInt(s, IPPROTO_TCP, SocketConstants.TCP_LINGER2));
        assertEquals(0, o.setInt(s, IPPROTO_TCP, SocketConstants.TCP_LINGER2, 0, t.now()));
        assertEquals(t.engine.params.finTimeoutS(), o.getInt(s, IPPROTO_TCP, SocketConstants.TCP_LINGER2));
    }

    @Test
    @DisplayName("TCP_FASTOPEN_CONNECT on a connected socket is EISCONN")
    void fastOpenConnectConnected() {
        SegmentFixture.Established e = t.socketEstablished();
        assertEquals(-Errno.EISCONN, o.setInt(e.id(), IPPROTO_TCP, SocketConstants.TCP_FASTOPEN_CONNECT, 1, t.now()));
        assertEquals(0, o.getInt(e.id(), IPPROTO_TCP, SocketConstants.TCP_FASTOPEN_CONNECT));
    }

    @Test
    @DisplayName("SO_LINGER: on/off and seconds read back; negative seconds are 0")
    void linger() {
        int s = t.api.socket();
        assertArrayEquals(new int[] {0, 0}, o.getLinger(s));
        assertEquals(0, o.setLinger(s, true, 7));
        assertArrayEquals(new int[] {1, 7}, o.getLinger(s));
        assertEquals(0, o.setLinger(s, true, -3));
        assertArrayEquals(new int[] {1, 0}, o.getLinger(s));
        assertEquals(0, o.setNonBlocking(s, true));
        assertTrue(o.nonBlocking(s));
        assertEquals(0, o.setNonBlocking(s, false));
        assertFalse(o.nonBlocking(s));
    }

    @Test
    @DisplayName("poll(): a new socket is HUP (closed); a listener reads when a child waits; established writes")
    void poll() {
        int s = t.api.socket();
        assertEquals(SocketConstants.POLLHUP, o.poll(s) & SocketConstants.POLLHUP);
        int l = t.api.socket();
        assertEquals(0, t.api.bind(l, 0, 9100));
        assertEquals(0, t.api.listen(l, 4));
        assertEquals(0, o.poll(l), "an empty accept queue");
        SegmentFixture.Established e = t.socketEstablished();
        int m = o.poll(e.id());
        assertEquals(SocketConstants.POLLOUT | SocketConstants.POLLWRNORM, m, "writable, nothing to read, no hang-up");
        assertEquals(0, t.api.shutdown(e.id(), SocketConstants.SHUT_RD, t.now()));
        m = o.poll(e.id());
        assertEquals(SocketConstants.POLLIN | SocketConstants.POLLRDNORM | SocketConstants.POLLRDHUP,
                m & (SocketConstants.POLLIN | SocketConstants.POLLRDNORM | SocketConstants.POLLRDHUP));
        assertEquals(0, m & SocketConstants.POLLHUP, "half closed is not hung up");
    }

    @Test
    @DisplayName("ioctl(): EINVAL on a listener, ENOTTY for a request it does not know, 0 queued on a new connection")
    void ioctl() {
        int l = t.api.socket();
        assertEquals(0, t.api.bind(l, 0, 9101));
        assertEquals(0, t.api.listen(l, 4));
        assertEquals(-Errno.EINVAL, o.ioctl(l, SocketConstants.SIOCINQ));
        SegmentFixture.Established e = t.socketEstablished();
        assertEquals(-Errno.ENOTTY, o.ioctl(e.id(), 0x1234));
        assertEquals(0, o.ioctl(e.id(), SocketConstants.SIOCINQ));
        assertEquals(0, o.ioctl(e.id(), SocketConstants.SIOCOUTQ));
        assertEquals(0, o.ioctl(e.id(), SocketConstants.SIOCOUTQNSD));
    }
}
