package dev.fastpath.tcp;

import static dev.fastpath.uapi.SocketConstants.AF_INET;
import static dev.fastpath.uapi.SocketConstants.F_GETFL;
import static dev.fastpath.uapi.SocketConstants.F_SETFL;
import static dev.fastpath.uapi.SocketConstants.IPPROTO_TCP;
import static dev.fastpath.uapi.SocketConstants.O_NONBLOCK;
import static dev.fastpath.uapi.SocketConstants.O_RDWR;
import static dev.fastpath.uapi.SocketConstants.POLLERR;
import static dev.fastpath.uapi.SocketConstants.POLLHUP;
import static dev.fastpath.uapi.SocketConstants.POLLIN;
import static dev.fastpath.uapi.SocketConstants.POLLNVAL;
import static dev.fastpath.uapi.SocketConstants.POLLOUT;
import static dev.fastpath.uapi.SocketConstants.POLLRDHUP;
import static dev.fastpath.uapi.SocketConstants.POLLRDNORM;
import static dev.fastpath.uapi.SocketConstants.POLLWRNORM;
import static dev.fastpath.uapi.SocketConstants.SIOCINQ;
import static dev.fastpath.uapi.SocketConstants.SIOCOUTQ;
import static dev.fastpath.uapi.SocketConstants.SOCK_NONBLOCK;
import static dev.fastpath.uapi.SocketConstants.SOCK_STREAM;
import static dev.fastpath.uapi.SocketConstants.SOL_SOCKET;
import static dev.fastpath.uapi.SocketConstants.SO_ERROR;
import static dev.fastpath.uapi.SocketConstants.SO_KEEPALIVE;
import static dev.fastpath.uapi.SocketConstants.SO_RCVBUF;
import static dev.fastpath.uapi.SocketConstants.SO_SNDBUF;
import static dev.fastpath.uapi.SocketConstants.TCP_KEEPIDLE;
import static dev.fastpath.uapi.SocketConstants.TCP_LINGER2;
import static dev.fastpath.uapi.SocketConstants.TCP_MAXSEG;
import static dev.fastpath.uapi.SocketConstants.TCP_NODELAY;
import static dev.fastpath.uapi.SocketConstants.TCP_USER_TIMEOUT;
import static dev.fastpath.tcp.EngineFixture.LOCAL_IP;
import static dev.fastpath.tcp.EngineFixture.PEER_IP;
import static dev.fastpath.tcp.EngineFixture.seg;
import static dev.fastpath.wire.TcpHeader.ACK;
import static dev.fastpath.wire.TcpHeader.FIN;
import static dev.fastpath.wire.TcpHeader.PSH;
import static dev.fastpath.wire.TcpHeader.RST;
import static dev.fastpath.wire.TcpHeader.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.api.SocketApi;
import dev.fastpath.uapi.TcpInfo;
import dev.fastpath.wire.TcpOption;
import dev.fastpath.wire.TcpSegment;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The BSD facade: descriptors, errno results, options, poll and ioctl as a Linux program sees them. */
class SocketApiTest {
    private final EngineFixture t = new EngineFixture();
    private final SocketApi api = new SocketApi(t.engine);

    /** A listener on port 80 and an accepted connection; returns {listenFd, connFd, iss}. */
    private int[] accepted() {
        int l = api.socket(AF_INET, SOCK_STREAM, 0);
        assertEquals(0, api.bind(l, LOCAL_IP, 80));
        assertEquals(0, api.listen(l, 8));
        assertEquals(0, api.poll(l), "an empty accept queue is not readable");
        t.send(seg(80, SYN, 1000, 0, new byte[0], new TcpOption.Mss(1460)));
        TcpSegment synAck = t.recvFlags(SYN | ACK);
        t.send(seg(80, ACK, 1001, synAck.seq() + 1));
        assertEquals(POLLIN | POLLRDNORM, api.poll(l));
        int c = api.accept(l);
        assertTrue(c > l, "accept gave " + c);
        assertEquals(-Errno.EAGAIN, api.accept(l));
        return new int[] {l, c, synAck.seq()};
    }

    @Test
    @DisplayName("socket(): descriptors from 3, lowest free reused; bad family, type and protocol refused")
    void descriptors() {
        assertEquals(-Errno.EAFNOSUPPORT, api.socket(10, SOCK_STREAM, 0));
        assertEquals(-Errno.ESOCKTNOSUPPORT, api.socket(AF_INET, 2, 0));
        assertEquals(-Errno.EPROTONOSUPPORT, api.socket(AF_INET, SOCK_STREAM, 17));
        assertEquals(3, api.socket(AF_INET, SOCK_STREAM, 0));
        assertEquals(4, api.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_TCP));
        assertEquals(O_RDWR | O_NONBLOCK, api.fcntl(4, F_GETFL, 0));
        assertEquals(O_RDWR, api.fcntl(3, F_GETFL, 0));
        assertEquals(0, api.close(3, t.now()));
        assertEquals(-Errno.EBADF, api.close(3, t.now()));
        assertEquals(3, api.socket(AF_INET, SOCK_STREAM, 0));
        assertEquals(0, api.fcntl(3, F_SETFL, O_NONBLOCK));
        assertTrue(api.nonBlocking(3));
        assertEquals(-Errno.EBADF, api.read(99, new byte[1], 0, 1, t.now()));
        assertEquals(POLLNVAL, api.poll(99));
        assertEquals(POLLOUT | POLLWRNORM | POLLHUP, api.poll(3), "a fresh socket: tcp_poll gives OUT|HUP");
    }

    @Test
    @Seed({"H1"})
    @DisplayName("H1: connect() → EINPROGRESS, again → EALREADY, established → EISCONN; write before → EAGAIN")
    void connectStates() {
        int fd = api.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        assertEquals(-Errno.EINVAL, api.connect(fd, PEER_IP, 0, t.now()));
        assertEquals(-Errno.EINPROGRESS, api.connect(fd, PEER_IP, 80, t.now()));
        TcpSegment syn = t.recvFlags(SYN);
        assertEquals(-Errno.EALREADY, api.connect(fd, PEER_IP, 80, t.now()));
        assertEquals(0, api.poll(fd) & (POLLOUT | POLLIN), "not writable while SYN_SENT");
        assertEquals(-Errno.EAGAIN, api.write(fd, new byte[1], 0, 1, t.now()));
        t.sendFromServer(syn, SYN | ACK, 5000, syn.seq() + 1, new TcpOption.Mss(1460));
        t.recvOne(ACK, syn.seq() + 1, 5001);
        assertEquals(-Errno.EISCONN, api.connect(fd, PEER_IP, 80, t.now()));
        assertEquals(0, api.getsockopt(fd, SOL_SOCKET, SO_ERROR));
        assertEquals(POLLOUT | POLLWRNORM, api.poll(fd));
    }

    @Test
    @DisplayName("connect() to a closed port: SO_ERROR ECONNREFUSED once, poll ERR|HUP, then EOF")
    void refused() {
        int fd = api.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        api.connect(fd, PEER_IP, 80, t.now());
        TcpSegment syn = t.recvFlags(SYN);
        t.sendFromServer(syn, RST | ACK, 0, syn.seq() + 1);
        assertEquals(POLLERR | POLLHUP | POLLIN | POLLRDNORM | POLLRDHUP | POLLOUT | POLLWRNORM, api.poll(fd));
        assertEquals(Errno.ECONNREFUSED, api.getsockopt(fd, SOL_SOCKET, SO_ERROR));
        assertEquals(0, api.getsockopt(fd, SOL_SOCKET, SO_ERROR), "SO_ERROR clears on read");
        assertEquals(0, api.read(fd, new byte[1], 0, 1, t.now()), "tcp_done() shut both directions");
        assertEquals(-Errno.EPIPE, api.write(fd, new byte[1], 0, 1, t.now()));
        assertEquals(-Errno.EINPROGRESS, api.connect(fd, PEER_IP, 80, t.now()), "a failed socket may retry");
    }

    @Test
    @DisplayName("options: SO_SNDBUF/SO_RCVBUF doubled within limits, TCP_MAXSEG range, unknown → ENOPROTOOPT")
    void options() {
        int fd = api.socket(AF_INET, SOCK_STREAM, 0);
        assertEquals(0, api.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, 10_000, t.now()));
        assertEquals(20_000, api.getsockopt(fd, SOL_SOCKET, SO_SNDBUF));
        assertEquals(0, api.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, 1, t.now()));
        assertEquals(4608, api.getsockopt(fd, SOL_SOCKET, SO_SNDBUF), "SOCK_MIN_SNDBUF");
        assertEquals(0, api.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, 1 << 30, t.now()));
        assertEquals(2 * 4_194_304, api.getsockopt(fd, SOL_SOCKET, SO_RCVBUF), "2 × net.core.rmem_max (6.18: 4 MB)");
        assertEquals(-Errno.EINVAL, api.setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, 10, t.now()));
        assertEquals(0, api.setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, 1000, t.now()));
        assertEquals(1000, api.getsockopt(fd, IPPROTO_TCP, TCP_MAXSEG));
        assertEquals(-Errno.EINVAL, api.setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, 0, t.now()));
        assertEquals(0, api.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, 1, t.now()));
        assertEquals(1, api.getsockopt(fd, IPPROTO_TCP, TCP_NODELAY));
        assertEquals(60, api.getsockopt(fd, IPPROTO_TCP, TCP_LINGER2), "0 → tcp_fin_timeout");
        assertEquals(0, api.setsockopt(fd, IPPROTO_TCP, TCP_LINGER2, 1000, t.now()));
        assertEquals(120, api.getsockopt(fd, IPPROTO_TCP, TCP_LINGER2), "capped at TCP_FIN_TIMEOUT_MAX");
        assertEquals(0, api.setsockopt(fd, IPPROTO_TCP, TCP_LINGER2, -5, t.now()));
        assertEquals(-1, api.getsockopt(fd, IPPROTO_TCP, TCP_LINGER2));
        assertEquals(-Errno.ENOPROTOOPT, api.setsockopt(fd, IPPROTO_TCP, 999, 1, t.now()));
        assertEquals(-Errno.ENOPROTOOPT, api.getsockopt(fd, 41, 1));
        assertEquals(0, api.setLinger(fd, true, 7));
        assertArrayEquals(new int[] {1, 7}, api.getLinger(fd));
        assertNull(api.getLinger(50));
    }

    @Test
    @DisplayName("an accepted child inherits the listener's options (sk_clone)")
    void childInheritsOptions() {
        int l = api.socket(AF_INET, SOCK_STREAM, 0);
        api.setsockopt(l, SOL_SOCKET, SO_KEEPALIVE, 1, t.now());
        api.setsockopt(l, IPPROTO_TCP, TCP_USER_TIMEOUT, 5000, t.now());
        api.setsockopt(l, SOL_SOCKET, SO_SNDBUF, 30_000, t.now());
        api.bind(l, LOCAL_IP, 80);
        api.listen(l, 8);
        t.send(seg(80, SYN, 1000, 0, new byte[0], new TcpOption.Mss(1460)));
        TcpSegment synAck = t.recvFlags(SYN | ACK);
        t.send(seg(80, ACK, 1001, synAck.seq() + 1));
        int c = api.accept(l);
        assertEquals(1, api.getsockopt(c, SOL_SOCKET, SO_KEEPALIVE));
        assertEquals(5000, api.getsockopt(c, IPPROTO_TCP, TCP_USER_TIMEOUT));
        assertEquals(60_000, api.getsockopt(c, SOL_SOCKET, SO_SNDBUF));
    }

    @Test
    @Seed({"F7"})
    @DisplayName("F7: data → POLLIN and SIOCINQ; peer FIN → POLLRDHUP and read 0; SIOCOUTQ counts unacked bytes")
    void pollAndIoctl() {
        int[] st = accepted();
        int c = st[1];
        int iss = st[2];
        assertEquals(POLLOUT | POLLWRNORM, api.poll(c));
        t.send(seg(80, ACK | PSH, 1001, iss + 1, new byte[] {1, 2, 3}));
        assertEquals(POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM, api.poll(c));
        assertEquals(3, api.ioctl(c, SIOCINQ));
        assertEquals(-Errno.EINVAL, api.ioctl(st[0], SIOCINQ), "not on a listener");
        assertEquals(4, api.write(c, new byte[] {9, 9, 9, 9}, 0, 4, t.now()));
        assertEquals(4, api.ioctl(c, SIOCOUTQ));
        t.recv();
        t.send(seg(80, ACK | FIN, 1004, iss + 5));
        assertEquals(0, api.ioctl(c, SIOCOUTQ));
        assertEquals(POLLIN | POLLRDNORM | POLLRDHUP | POLLOUT | POLLWRNORM, api.poll(c));
        byte[] b = new byte[10];
        assertEquals(3, api.read(c, b, 0, 10, t.now()));
        assertEquals(0, api.read(c, b, 0, 10, t.now()), "end of stream");
        assertEquals(-Errno.EFAULT, api.read(c, b, 5, 10, t.now()));
        TcpInfo info = api.tcpInfo(c);
        assertEquals(TcpState.CLOSE_WAIT, info.state());
        assertEquals(1460, info.sndMss());
    }

    @Test
    @Seed({"R2"})
    @DisplayName("R2: after the peer's RST read gives ECONNRESET once, then write gives EPIPE")
    void resetErrors() {
        int[] st = accepted();
        int c = st[1];
        t.send(seg(80, RST, 1001, 0));
        assertEquals(POLLERR | POLLHUP | POLLOUT | POLLWRNORM, api.poll(c) & ~(POLLIN | POLLRDNORM | POLLRDHUP));
        assertEquals(-Errno.ECONNRESET, api.read(c, new byte[4], 0, 4, t.now()));
        assertEquals(0, api.read(c, new byte[4], 0, 4, t.now()));
        assertEquals(-Errno.EPIPE, api.write(c, new byte[4], 0, 4, t.now()));
        assertEquals(-Errno.EPIPE, api.write(api.socket(AF_INET, SOCK_STREAM, 0), new byte[1], 0, 1, t.now()),
                "Linux: writing on a socket that never connected is EPIPE");
    }

    @Test
    @Seed({"F1"})
    @DisplayName("F1: dup() then close() of one descriptor keeps the connection; the last close sends the FIN")
    void dupAndClose() {
        int[] st = accepted();
        int c = st[1];
        int iss = st[2];
        int d = api.dup(c);
        assertTrue(d > c);
        assertEquals(0, api.close(c, t.now()));
        t.recvNothing();
        assertEquals(TcpState.ESTABLISHED, api.state(d));
        assertEquals(0, api.close(d, t.now()));
        t.recvOne(ACK | FIN, iss + 1, 1001);
        assertEquals(1, api.openDescriptors(), "only the listener's descriptor is left");
    }
}
