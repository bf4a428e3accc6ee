package dev.fastpath.tcp;

import static dev.fastpath.tcp.SegmentFixture.LOCAL_IP;
import static dev.fastpath.tcp.SegmentFixture.LOCAL_PORT;
import static dev.fastpath.tcp.SegmentFixture.REMOTE_IP;
import static dev.fastpath.tcp.SegmentFixture.REMOTE_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import dev.fastpath.wire.TcpHeader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every application call's error answers, as Linux gives them (af_inet.c, tcp.c): the errno for a descriptor
 * that is not a socket, for the wrong state, for bad arguments — and that a refused call changed nothing.
 */
class SocketErrnoTest {
    private final SegmentFixture t = new SegmentFixture();
    private final SocketOps api = t.api;
    private static final int NOT_A_SOCKET = 4242;

    @Test
    @DisplayName("EBADF: every call on a descriptor that was never a socket, or is closed")
    void badDescriptor() {
        byte[] b = new byte[4];
        for (int fd : new int[] {-1, NOT_A_SOCKET}) {
            assertEquals(-Errno.EBADF, api.dup(fd));
            assertEquals(-Errno.EBADF, api.bind(fd, 0, 80));
            assertEquals(-Errno.EBADF, api.listen(fd, 1));
            assertEquals(-Errno.EBADF, api.accept(fd));
            assertEquals(-Errno.EBADF, api.connect(fd, REMOTE_IP, 80, t.now()));
            assertEquals(-Errno.EBADF, api.send(fd, b, 0, 4, t.now()));
            assertEquals(-Errno.EBADF, api.recv(fd, b, 0, 4, t.now()));
            assertEquals(-Errno.EBADF, api.inq(fd));
            assertEquals(-Errno.EBADF, api.peerName(fd));
            assertEquals(-Errno.EBADF, api.sockName(fd));
            assertEquals(-Errno.EBADF, api.shutdown(fd, SocketConstants.SHUT_WR, t.now()));
            assertEquals(-Errno.EBADF, api.close(fd, t.now()));
            assertEquals(-Errno.EBADF, api.sendFastOpen(fd, b, 0, 4, REMOTE_IP, 80, t.now()));
        }
        int s = api.socket();
        assertEquals(-Errno.EBADF, api.splice(s, NOT_A_SOCKET, 10, t.now()));
        assertEquals(-Errno.EBADF, api.splice(NOT_A_SOCKET, s, 10, t.now()));
        assertEquals(0, api.close(s, t.now()));
        assertEquals(-Errno.EBADF, api.close(s, t.now()), "closed");
        assertEquals(-Errno.EBADF, api.bind(s, 0, 80), "closed");
    }

    @Test
    @DisplayName("dup(): the same id; close() drops one reference, the socket lives until the last")
    void dupReferences() {
        int s = api.socket();
        assertEquals(s, api.dup(s));
        assertEquals(0, api.close(s, t.now()));
        assertEquals(0, api.bind(s, 0, LOCAL_PORT), "still open after the first close()");
        assertEquals(0, api.close(s, t.now()));
        assertEquals(-Errno.EBADF, api.bind(s, 0, LOCAL_PORT));
    }

    @Test
    @DisplayName("bind(): a port outside 0..65535 or a second bind EINVAL; not our address EADDRNOTAVAIL; "
            + "a listener's port EADDRINUSE")
    void bind() {
        int s = api.socket();
        assertEquals(-Errno.EINVAL, api.bind(s, 0, -1));
        assertEquals(-Errno.EINVAL, api.bind(s, 0, 65536));
        assertEquals(-Errno.EADDRNOTAVAIL, api.bind(s, REMOTE_IP, 80));
        assertEquals(0, api.sockName(s), "nothing bound by the refused calls");
        assertEquals(0, api.bind(s, LOCAL_IP, 65535));
        assertEquals((LOCAL_IP & 0xFFFFFFFFL) << 16 | 65535, api.sockName(s));
        assertEquals(-Errno.EINVAL, api.bind(s, LOCAL_IP, 81), "already bound");
        int l = api.socket();
        assertEquals(0, api.bind(l, 0, 8080));
        assertEquals(0, api.listen(l, 5));
        int other = api.socket();
        assertEquals(-Errno.EADDRINUSE, api.bind(other, 0, 8080));
        assertEquals(0, api.bind(other, 0, 0), "port 0: no port yet, still bindable");
        assertEquals(0, api.bind(other, 0, 8081), "port 0 did not bind");
    }

    @Test
    @DisplayName("listen(): EINVAL unbound or connected; EADDRINUSE when another socket listens there; again is fine")
    void listen() {
        int s = api.socket();
        assertEquals(-Errno.EINVAL, api.listen(s, 5), "Fastpath wants bind() first");
        int a = api.socket();
        int b = api.socket();
        assertEquals(0, api.bind(a, 0, 9000));
        assertEquals(0, api.bind(b, 0, 9000), "no listener on 9000 yet");
        assertEquals(0, api.listen(a, 5));
        assertEquals(-Errno.EADDRINUSE, api.listen(b, 5));
        assertEquals(0, api.listen(a, 7), "listen() on a listener changes its backlog");
        assertEquals(TcpState.LISTEN, t.engine.sock(a).state);
        assertEquals(7, t.engine.sock(a).backlog);
        assertEquals(0, api.listen(a, -3));
        assertEquals(0, t.engine.sock(a).backlog, "a negative backlog is 0");
        assertEquals(0, api.listen(a, Integer.MAX_VALUE));
        assertEquals(t.engine.params.somaxconn(), t.engine.sock(a).backlog, "capped by somaxconn");
        SegmentFixture.Established e = t.socketEstablished();
        assertEquals(-Errno.EINVAL, api.listen(e.id(), 5));
        assertEquals(TcpState.ESTABLISHED, t.engine.sock(e.id()).state);
    }

    @Test
    @DisplayName("accept(): EINVAL on a socket that does not listen, EAGAIN on an empty queue")
    void accept() {
        int s = api.socket();
        assertEquals(-Errno.EINVAL, api.accept(s));
        assertEquals(0, api.bind(s, 0, 9001));
        assertEquals(0, api.listen(s, 5));
        assertEquals(-Errno.EAGAIN, api.accept(s));
    }

    @Test
    @DisplayName("connect(): port 0 or past 65535 EINVAL, a listener EISCONN, connected EISCONN; nothing sent")
    void connect() {
        int s = api.socket();
        assertEquals(-Errno.EINVAL, api.connect(s, REMOTE_IP, 0, t.now()));
        assertEquals(-Errno.EINVAL, api.connect(s, REMOTE_IP, 65536, t.now()));
        assertEquals(TcpState.CLOSE, t.engine.sock(s).state);
        assertEquals(-Errno.ENOTCONN, api.peerName(s));
        int l = api.socket();
        assertEquals(0, api.bind(l, 0, 9002));
        assertEquals(0, api.listen(l, 5));
        assertEquals(-Errno.EISCONN, api.connect(l, REMOTE_IP, 80, t.now()));
        SegmentFixture.Established e = t.socketEstablished();
        assertEquals(-Errno.EISCONN, api.connect(e.id(), REMOTE_IP, 81, t.now()));
        t.recvNothing();
        assertEquals((REMOTE_IP & 0xFFFFFFFFL) << 16 | REMOTE_PORT, api.peerName(e.id()));
        assertEquals((LOCAL_IP & 0xFFFFFFFFL) << 16 | LOCAL_PORT, api.sockName(e.id()));
    }

    @Test
    @DisplayName("connect() to a 4-tuple that is in use from a bound port: EADDRNOTAVAIL (inet_hash_connect)")
    void tupleInUse() {
        SegmentFixture.Established e = t.socketEstablished();
        int s = api.socket();
        assertEquals(0, api.bind(s, LOCAL_IP, LOCAL_PORT));
        assertEquals(-Errno.EADDRNOTAVAIL, api.connect(s, REMOTE_IP, REMOTE_PORT, t.now()));
        t.recvNothing();
        assertEquals(TcpState.ESTABLISHED, t.engine.sock(e.id()).state);
        assertEquals(-Errno.EINPROGRESS, api.connect(s, REMOTE_IP, REMOTE_PORT + 1, t.now()), "another port is free");
    }

    @Test
    @DisplayName("send(): null buffer EFAULT, unconnected EPIPE, handshake under way EAGAIN, after SHUT_WR EPIPE")
    void send() {
        byte[] b = new byte[10];
        int s = api.socket();
        assertEquals(-Errno.EFAULT, api.send(s, null, 0, 1, t.now()));
        assertEquals(-Errno.EPIPE, api.send(s, b, 0, 10, t.now()));
        assertEquals(-Errno.EINPROGRESS, api.connect(s, REMOTE_IP, 80, t.now()));
        t.sent();
        assertEquals(-Errno.EAGAIN, api.send(s, b, 0, 10, t.now()), "SYN_SENT");
        SegmentFixture.Established e = t.socketEstablished();
        assertEquals(0, api.shutdown(e.id(), SocketConstants.SHUT_WR, t.now()));
        t.sent();
        assertEquals(-Errno.EPIPE, api.send(e.id(), b, 0, 10, t.now()));
        t.recvNothing();
    }

    @Test
    @DisplayName("recv(): null buffer EFAULT, unconnected or listening ENOTCONN, nothing yet EAGAIN, after SHUT_RD 0")
    void recv() {
        byte[] b = new byte[10];
        int s = api.socket();
        assertEquals(-Errno.EFAULT, api.recv(s, null, 0, 1, t.now()));
        assertEquals(-Errno.ENOTCONN, api.recv(s, b, 0, 10, t.now()));
        assertEquals(0, api.bind(s, 0, 9003));
        assertEquals(0, api.listen(s, 5));
        assertEquals(-Errno.ENOTCONN, api.recv(s, b, 0, 10, t.now()));
        SegmentFixture.Established e = t.socketEstablished();
        assertEquals(-Errno.EAGAIN, api.recv(e.id(), b, 0, 10, t.now()));
        assertEquals(0, api.shutdown(e.id(), SocketConstants.SHUT_RD, t.now()));
        assertEquals(0, api.recv(e.id(), b, 0, 10, t.now()), "end of stream after SHUT_RD");
        t.recvNothing();
    }

    @Test
    @DisplayName("TCP_INQ: without the option the hint is EINVAL (Linux adds no message)")
    void inq() {
        SegmentFixture.Established e = t.socketEstablished();
        assertEquals(-Errno.EINVAL, api.inq(e.id()));
    }

    @Test
    @DisplayName("shutdown(): how outside SHUT_RD..SHUT_RDWR EINVAL, unconnected ENOTCONN; SHUT_RD sends nothing")
    void shutdown() {
        int s = api.socket();
        assertEquals(-Errno.ENOTCONN, api.shutdown(s, SocketConstants.SHUT_RDWR, t.now()));
        SegmentFixture.Established e = t.socketEstablished();
        assertEquals(-Errno.EINVAL, api.shutdown(e.id(), SocketConstants.SHUT_RD - 1, t.now()));
        assertEquals(-Errno.EINVAL, api.shutdown(e.id(), SocketConstants.SHUT_RDWR + 1, t.now()));
        assertEquals(0, api.shutdown(e.id(), SocketConstants.SHUT_RD, t.now()));
        t.recvNothing();
        assertEquals(TcpState.ESTABLISHED, t.engine.sock(e.id()).state);
        assertEquals(0, api.shutdown(e.id(), SocketConstants.SHUT_RDWR, t.now()));
        assertEquals(TcpState.FIN_WAIT1, t.engine.sock(e.id()).state);
        assertTrue(t.sent().stream().anyMatch(x -> (x.flags() & TcpHeader.FIN) != 0));
        assertEquals(0, api.shutdown(e.id(), SocketConstants.SHUT_WR, t.now()), "again: nothing more to do");
        t.recvNothing();
    }
}
