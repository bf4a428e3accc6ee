package dev.fastpath.poll;

import dev.fastpath.config.Config;
import dev.fastpath.iface.IpStack;
import dev.fastpath.io.mem.InMemoryLink;
import dev.fastpath.io.mem.VirtualClock;
import dev.fastpath.tcp.SocketOps;
import dev.fastpath.tcp.TcpEngine;
import dev.fastpath.tcp.TcpStat;
import dev.fastpath.tcp.TcpState;
import dev.fastpath.uapi.Errno;

/**
 * Runs whole connections through two throwaway engines joined in memory, on virtual time, before a worker takes
 * traffic. A JVM that has never run a path loads and links its classes on the first packet that takes it: the
 * first handshake, the first close or the first retransmission of a fresh process cost milliseconds each
 * (measured: a 50 ms receive stage on serve's first SYN). Timers armed from a time stamp taken before such a
 * stall fire early in real time, and the first client waits. Nothing here touches the caller's engines, rings
 * or counters; every loop is bounded in rounds and virtual time.
 */
public final class EngineWarmup {
    private static final int CLIENT_IP = 0xC612FF01; // 198.18.255.1, never on a wire: the link is in memory
    private static final int SERVER_IP = 0xC612FF02;
    private static final int PORT = 80;
    private static final long STEP_NS = 100_000; // 100 µs of virtual time per round while frames are in flight
    private static final long IDLE_STEP_NS = 5_000_000; // idle: on to the next timer (delayed ACK, RTO) sooner
    private static final int MAX_ROUNDS = 20_000; // at least 2 s of virtual time: ample for a 5 % loss phase
    private static final int REQUEST = 300;
    private static final int RESPONSE = 6_000; // several segments: SACK and the loss probe have a tail to work on

    /**
     * What ran.
     *
     * @param connections     connections attempted
     * @param completed       connections whose request and response both arrived intact and that both sides closed
     * @param retransmissions segments the engines sent again (the loss phase's proof that recovery ran)
     * @param elapsedNs       real time the warm-up took
     */
    public record Result(int connections, int completed, long retransmissions, long elapsedNs) {
    }

    private final VirtualClock clock = new VirtualClock(1_000_000_000L);
    private final InMemoryLink link = new InMemoryLink(clock, 42);
    private final IpStack clientIp;
    private final IpStack serverIp;
    private final TcpEngine client;
    private final TcpEngine server;
    private final SocketOps c;
    private final SocketOps s;
    private final byte[] request = new byte[REQUEST];
    private final byte[] response = new byte[RESPONSE];
    private final byte[] buf = new byte[RESPONSE];

    private EngineWarmup(Config config) {
        long now = clock.nowNs();
        clientIp = IpStack.pointToPoint(link.a(), CLIENT_IP, 2, 1);
        serverIp = IpStack.pointToPoint(link.b(), SERVER_IP, 1, 2);
        client = new TcpEngine(config, clientIp, 1, now);
        server = new TcpEngine(config, serverIp, 2, now);
        clientIp.attach(client);
        serverIp.attach(server);
        c = SocketOps.of(client);
        s = SocketOps.of(server);
        for (int i = 0; i < RESPONSE; i++) {
            response[i] = (byte) (i * 31 + 7);
        }
    }

    /**
     * Runs {@code connections} connections with the caller's configuration: the first half on a clean link, the
     * second half with 5 % loss and 1 ms of delay (retransmissions, SACK, loss probes); the server closes first
     * on even connections, the client on odd ones.
     *
     * @param config      the configuration the real engine will run with (its knobs choose the paths)
     * @param connections how many (bounded by the caller: each costs about a millisecond once warm)
     * @return what ran
     */
    public static Result run(Config config, int connections) {
        long start = System.nanoTime();
        EngineWarmup w = new EngineWarmup(config);
        int listener = w.s.socket();
        if (w.s.bind(listener, SERVER_IP, PORT) < 0 || w.s.listen(listener, 64) < 0) {
            return new Result(connections, 0, 0, System.nanoTime() - start);
        }
        int completed = 0;
        for (int i = 0; i < connections; i++) {
            if (i == connections / 2) {
                w.link.impair(0.05, 0, 1_000_000, 0);
            }
            completed += w.connection(listener, i % 2 == 0) ? 1 : 0;
        }
        long retrans = w.client.counters().get(TcpStat.TcpRetransSegs)
                + w.server.counters().get(TcpStat.TcpRetransSegs);
        return new Result(connections, completed, retrans, System.nanoTime() - start);
    }

    /** One request/response connection and its close; false when it did not complete within the round bound. */
    private boolean connection(int listener, boolean serverClosesFirst) {
        int cfd = c.socket();
        if (c.connect(cfd, SERVER_IP, PORT, clock.nowNs()) != -Errno.EINPROGRESS) {
            c.close(cfd, clock.nowNs());
            return false;
        }
        int sfd = -1;
        int sent = 0;
        int reqGot = 0;
        int respSent = 0;
        int respGot = 0;
        boolean intact = true;
        boolean closed = false;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            long now = pump();
            if (sfd < 0) {
                sfd = s.accept(listener);
            }
            if (client.state(cfd) == TcpState.ESTABLISHED && sent < REQUEST) {
                sent += Math.max(c.send(cfd, request, sent, REQUEST - sent, now), 0);
            }
            if (sfd >= 0 && reqGot < REQUEST) {
                reqGot += Math.max(s.recv(sfd, buf, 0, REQUEST - reqGot, now), 0);
            }
            if (sfd >= 0 && reqGot == REQUEST && respSent < RESPONSE) {
                respSent += Math.max(s.send(sfd, response, respSent, RESPONSE - respSent, now), 0);
                if (respSent == RESPONSE && serverClosesFirst) {
                    s.close(sfd, now);
                }
            }
            int n;
            while ((n = c.recv(cfd, buf, 0, RESPONSE - respGot, now)) > 0) {
                intact &= buf[0] == response[respGot] && buf[n - 1] == response[respGot + n - 1];
                respGot += n;
            }
            if (respGot == RESPONSE && !closed) {
                closed = true;
                c.close(cfd, now);
                if (!serverClosesFirst) {
                    drainThenClose(sfd);
                }
            }
            if (closed && client.establishedCount() == 0 && server.establishedCount() == 0
                    && client.orphanCount() == 0 && server.orphanCount() == 0) {
                return intact; // both sides closed: what is left is a TIME_WAIT record
            }
        }
        return false;
    }

    /** The server's side of a client-first close: reads the FIN (end of stream) after the response, closes. */
    private void drainThenClose(int sfd) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            long now = pump();
            int n = s.recv(sfd, buf, 0, buf.length, now);
            if (n == 0) {
                s.close(sfd, now);
                return;
            }
        }
        s.close(sfd, clock.nowNs());
    }

    /** Moves what is due across the link both ways, runs due timers, then lets virtual time pass. */
    private long pump() {
        long now = clock.nowNs();
        clientIp.tick(now);
        serverIp.tick(now);
        serverIp.receive(256);
        server.pollTimers(now);
        clientIp.receive(256);
        client.pollTimers(now);
        clientIp.flush();
        serverIp.flush();
        return clock.advance(link.inFlight() > 0 ? STEP_NS : IDLE_STEP_NS);
    }
}
