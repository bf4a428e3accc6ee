package dev.fastpath.lb;

import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import dev.fastpath.apps.App;
import dev.fastpath.config.Config;
import dev.fastpath.config.Knob;
import dev.fastpath.stat.EnumCounters;
import dev.fastpath.tcp.SocketOps;
import dev.fastpath.tcp.SocketOptions;
import dev.fastpath.tcp.TcpEngine;
import dev.fastpath.tcp.TcpState;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load balancer's data path on one worker, run to completion (docs/lb.md): it accepts clients on the VIPs'
 * listeners, picks a backend with the pool's Maglev table over the client's tuple, connects to it from this same
 * worker (the engine picks a local port whose replies come back here), and relays both ways ring to ring
 * ({@link SocketOps#splice}: one copy, never more than the other leg's send queue takes, so a slow reader closes the
 * window on the other side). A FIN is passed on as shutdown(SHUT_WR) of the other leg, a reset or failure as a RST
 * of the other leg; a failed or timed-out connect retries on the next backend; an idle pair or one whose drained
 * backend's deadline passed is reset. A connection remembers its backend: reloads and health changes only steer
 * new flows.
 *
 * <p>Per-connection state lives in arrays indexed by socket id; events only queue ids, served after the engine's
 * call stack unwound. The snapshot is read once per duty cycle ({@link SnapshotRef}).
 */
public final class ProxyApp implements App {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyApp.class);
    /** VIP slots the counters and limits have room for. */
    public static final int VIP_SLOTS = 256;
    /** Backend slots the counters have room for. */
    public static final int BACKEND_SLOTS = 4096;
    private static final int ACCEPT_BUDGET = 256;
    /** Bytes one splice moves at most, and splices per direction per turn: a fast pair cannot starve the rest. */
    private static final int CHUNK = 64 * 1024;
    private static final int ROUNDS = 4;
    private static final long SCAN_INTERVAL_NS = 50_000_000L;
    private static final long PROBE_TICK_NS = 10_000_000L;
    /** How long the bytes a leg received before its reset may take to leave on the other leg. */
    private static final long RESET_GRACE_NS = 1_000_000_000L;
    private static final byte NONE = 0;
    private static final byte CLIENT = 1;
    private static final byte BACKEND = 2;
    private static final int OPEN = -1;

    private final SnapshotRef ref;
    private final VipLimits limits;
    private final HealthEvents health;
    private final boolean probes;
    private HealthProber prober;
    /** Per backend slot: this worker's connects to it that failed in a row (passive ejection). */
    private final int[] connectFailRun = new int[BACKEND_SLOTS];
    private long nextProbeTickNs;
    private final int localIp;
    private final int backlog;
    private final EnumCounters<LbStat> counters = new EnumCounters<>(LbStat.class);
    private final SlotCounters vipCounters = new SlotCounters(VIP_SLOTS);
    private final SlotCounters backendCounters = new SlotCounters(BACKEND_SLOTS);
    private final long[] drainDeadline = new long[BACKEND_SLOTS];
    private TcpEngine engine;
    private SocketOps ops;
    private SocketOptions options;
    private LbSnapshot snapshot;
    private long nowNs;
    private long nextScanNs;

    /** Listening sockets by port (-1: none) and the ports that have one. */
    private final int[] listenerOfPort = new int[65536];
    private int[] listeners = new int[0];
    private final boolean[] acceptable;
    private boolean anyAcceptable;

    // per socket id
    private final byte[] role;
    private final int[] peer;
    /** This leg's end of stream was read and passed on. */
    private final boolean[] eof;
    /** errno of onClosed, or {@link #OPEN}. */
    private final int[] closedErrno;
    private final boolean[] connecting;
    // per client id (the pair's owner)
    private final int[] vipSlot;
    private final int[] backendSlot;
    private final int[] attempts;
    private final long[] tupleHash;
    private final long[] startNs;
    private final long[] lastActiveNs;
    private final long[] idleTimeoutNs;
    private final long[] connectTimeoutNs;
    /** Whether the pair's backend leg opens with a PROXY protocol v2 header (its pool's, at the pick). */
    private final boolean[] proxyHeader;
    private final byte[] header = new byte[ProxyV2.LENGTH_TCP4];
    /** When the pair started passing on a reset (0: it has not). */
    private final long[] resetSinceNs;
    private final int[] activeIndex;
    private final int[] active;
    private int activeCount;
    // ready queue of ids
    private final int[] ready;
    private final boolean[] queued;
    private int readyHead;
    private int readyCount;

    /**
     * @param config  sizes (stack.max_connections, net.somaxconn)
     * @param ref     where the control plane publishes snapshots
     * @param limits  the per-VIP limits shared by all workers
     * @param localIp the stack's address (the VIPs' until the interface layer gives several)
     * @param health  where probe results and passive ejections go (the control thread reads them)
     * @param probes  whether this worker runs the active health checks (one worker does)
     */
    public ProxyApp(Config config, SnapshotRef ref, VipLimits limits, int localIp, HealthEvents health,
            boolean probes) {
        this.ref = ref;
        this.limits = limits;
        this.health = health;
        this.probes = probes;
        this.localIp = localIp;
        this.backlog = config.intValue(Knob.SOMAXCONN);
        int max = config.intValue(Knob.STACK_MAX_CONNECTIONS);
        acceptable = new boolean[max];
        role = new byte[max];
        peer = new int[max];
        eof = new boolean[max];
        closedErrno = new int[max];
        connecting = new boolean[max];
        vipSlot = new int[max];
        backendSlot = new int[max];
        attempts = new int[max];
        tupleHash = new long[max];
        startNs = new long[max];
        lastActiveNs = new long[max];
        idleTimeoutNs = new long[max];
        connectTimeoutNs = new long[max];
        resetSinceNs = new long[max];
        proxyHeader = new boolean[max];
        activeIndex = new int[max];
        active = new int[max];
        ready = new int[max];
        queued = new boolean[max];
        Arrays.fill(peer, -1);
        Arrays.fill(listenerOfPort, -1);
    }

    @Override
    public int start(TcpEngine e, int port, long now) {
        this.engine = e;
        this.ops = SocketOps.of(e);
        this.options = SocketOptions.of(e);
        this.nowNs = now;
        e.events(this);
        if (probes) {
            prober = new HealthProber(e, ops, options, health, counters, role.length);
        }
        snapshot = ref.current();
        drainDeadlines();
        return syncListeners(true);
    }

    // ---- events: only queue ids -----------------------------------------------------------------

    @Override
    public void onAcceptable(int listenerId) {
        if (listenerId >= 0 && listenerId < acceptable.length) {
            acceptable[listenerId] = true;
            anyAcceptable = true;
        }
    }

    @Override
    public void onConnected(int id) {
        enqueue(id);
    }

    @Override
    public void onReadable(int id) {
        enqueue(id);
    }

    @Override
    public void onWritable(int id) {
        enqueue(id);
    }

    @Override
    public void onClosed(int id, int errno) {
        if (id >= 0 && id < role.length && role[id] != NONE) {
            closedErrno[id] = errno;
            enqueue(id);
        } else if (prober != null && prober.owns(id)) {
            prober.closed(id, errno);
            enqueue(id);
        }
    }

    private void enqueue(int id) {
        if (id < 0 || id >= queued.length || queued[id]) {
            return;
        }
        queued[id] = true;
        ready[(readyHead + readyCount) % ready.length] = id;
        readyCount++;
    }

    // ---- the duty cycle -------------------------------------------------------------------------

    @Override
    public int doWork(long now) {
        nowNs = now;
        LbSnapshot s = ref.current(); // acquire: the snapshot whole, or the previous one whole
        if (s != snapshot) {
            snapshot = s;
            drainDeadlines();
            syncListeners(false);
        }
        int work = anyAcceptable ? acceptAll() : 0;
        for (int n = readyCount; n > 0; n--) {
            int id = ready[readyHead];
            readyHead = (readyHead + 1) % ready.length;
            readyCount--;
            queued[id] = false;
            if (servePair(id)) {
                enqueue(id); // used its budget with more to move: another turn next cycle
            }
            work++;
        }
        if (prober != null && now - nextProbeTickNs >= 0) {
            nextProbeTickNs = now + PROBE_TICK_NS;
            work += prober.tick(snapshot, now);
        }
        if (now - nextScanNs >= 0) {
            nextScanNs = now + SCAN_INTERVAL_NS;
            work += scan();
        }
        return work;
    }

    private void drainDeadlines() {
        Arrays.fill(drainDeadline, 0);
        for (Vip v : snapshot.vips()) {
            for (Backend b : v.pool().backends()) {
                if (b.state() == BackendState.DRAIN && b.drainDeadlineNs() != 0 && b.slot() >= 0
                        && b.slot() < BACKEND_SLOTS) {
                    drainDeadline[b.slot()] = b.drainDeadlineNs();
                }
            }
        }
    }

    /** Opens a listener for every VIP port not listened on yet, closes those no VIP has any more. */
    private int syncListeners(boolean first) {
        boolean[] wanted = new boolean[65536];
        for (Vip v : snapshot.vips()) {
            if (v.ip() != localIp) {
                LOG.warn("VIP {} is not the stack's address: not served (one address per stack for now)",
                        v.address());
                continue;
            }
            wanted[v.port()] = true;
        }
        int[] kept = new int[0];
        for (int port = 1; port < 65536; port++) {
            int l = listenerOfPort[port];
            if (l >= 0 && !wanted[port]) {
                ops.close(l, nowNs); // queued, not yet accepted children are reset (F2), as Linux's close()
                listenerOfPort[port] = -1;
                continue;
            }
            if (l < 0 && wanted[port]) {
                l = listen(port);
                if (l < 0) {
                    if (first) {
                        return l;
                    }
                    LOG.warn("VIP port {}: cannot listen: errno {}", port, -l);
                    continue;
                }
                listenerOfPort[port] = l;
            }
            if (l >= 0) {
                kept = Arrays.copyOf(kept, kept.length + 1);
                kept[kept.length - 1] = l;
            }
        }
        listeners = kept;
        return 0;
    }

    private int listen(int port) {
        int id = ops.socket();
        if (id < 0) {
            return id;
        }
        int r = ops.bind(id, 0, port);
        if (r == 0) {
            r = ops.listen(id, backlog);
        }
        if (r < 0) {
            ops.close(id, nowNs);
            return r;
        }
        return id;
    }

    private int acceptAll() {
        anyAcceptable = false;
        int n = 0;
        for (int l : listeners) {
            if (!acceptable[l]) {
                continue;
            }
            acceptable[l] = false;
            int port = (int) (ops.sockName(l) & 0xFFFF);
            for (int i = 0; i < ACCEPT_BUDGET; i++) {
                int c = ops.accept(l);
                if (c < 0) {
                    break;
                }
                accepted(c, port);
                n++;
                if (i == ACCEPT_BUDGET - 1) {
                    acceptable[l] = true; // more may wait: next cycle
                    anyAcceptable = true;
                }
            }
        }
        return n;
    }

    // ---- a new client ---------------------------------------------------------------------------

    private void accepted(int c, int port) {
        counters.inc(LbStat.LbClientAccepted);
        resetState(c);
        options.setInt(c, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY, 1, nowNs);
        Vip vip = snapshot.vip(localIp, port);
        if (vip == null) {
            refuse(c, LbStat.LbRefusedNoVip, -1);
            return;
        }
        if (!limits.tryOpen(vip)) {
            refuse(c, LbStat.LbRefusedMaxConnections, vip.slot());
            return;
        }
        if (!limits.tryRate(vip, nowNs)) {
            limits.close(vip.slot());
            refuse(c, LbStat.LbRefusedRate, vip.slot());
            return;
        }
        long peerName = ops.peerName(c);
        role[c] = CLIENT;
        vipSlot[c] = vip.slot();
        backendSlot[c] = -1;
        tupleHash[c] = Pool.tupleHash((int) (peerName >>> 16), (int) (peerName & 0xFFFF), vip.ip(), vip.port());
        lastActiveNs[c] = nowNs;
        idleTimeoutNs[c] = vip.idleTimeoutNs();
        connectTimeoutNs[c] = vip.connectTimeoutNs();
        activeIndex[c] = activeCount;
        active[activeCount++] = c;
        counters.inc(LbStat.LbPairsOpen);
        vipCounters.add(vip.slot(), SlotCounters.Field.OPEN, 1);
        vipCounters.add(vip.slot(), SlotCounters.Field.CONNECTIONS, 1);
        connectBackend(c, vip);
    }

    private void resetState(int id) {
        role[id] = NONE;
        peer[id] = -1;
        eof[id] = false;
        closedErrno[id] = OPEN;
        connecting[id] = false;
        attempts[id] = 0;
        resetSinceNs[id] = 0;
    }

    /** A client the VIP does not take: reset at once (the handshake was already answered), counted. */
    private void refuse(int c, LbStat why, int vip) {
        counters.inc(why);
        vipCounters.add(vip, SlotCounters.Field.FAILED, 1);
        abort(c);
    }

    /**
     * Connects the client's pair to the next backend the pool gives for its tuple: the first pick, or after a
     * failure the attempt-th backend not tried yet. Resets the client when none is left.
     */
    private void connectBackend(int c, Vip vip) {
        while (vip != null && attempts[c] < vip.connectAttempts()) {
            int index = vip.pool().pick(tupleHash[c], attempts[c]);
            if (index < 0) {
                break;
            }
            if (attempts[c] > 0) {
                counters.inc(LbStat.LbRetries);
            }
            attempts[c]++;
            Backend be = vip.pool().backend(index);
            counters.inc(LbStat.LbBackendConnects);
            int b = ops.socket();
            if (b < 0) {
                counters.inc(LbStat.LbBackendConnectErrors);
                break;
            }
            resetState(b);
            options.setInt(b, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY, 1, nowNs);
            int r = ops.connect(b, be.ip(), be.port(), nowNs);
            if (r != -Errno.EINPROGRESS && r != 0) {
                counters.inc(LbStat.LbBackendConnectErrors);
                backendCounters.add(be.slot(), SlotCounters.Field.FAILED, 1);
                ops.close(b, nowNs);
                continue;
            }
            role[b] = BACKEND;
            peer[b] = c;
            peer[c] = b;
            connecting[b] = true;
            backendSlot[c] = be.slot();
            proxyHeader[c] = vip.pool().proxyProtocol();
            startNs[c] = nowNs;
            return;
        }
        boolean never = attempts[c] == 0;
        resetPair(c, never ? LbStat.LbRefusedAllDown : LbStat.LbAttemptsExhausted);
        if (never) {
            vipCounters.add(vipSlot[c], SlotCounters.Field.FAILED, 1);
        }
    }

    /** The backend leg failed to connect (refused, unreachable, timed out): drop it, try the next backend. */
    private void backendFailed(int c, int b, LbStat why) {
        counters.inc(why);
        backendCounters.add(backendSlot[c], SlotCounters.Field.FAILED, 1);
        passiveFailure(backendSlot[c], why);
        role[b] = NONE;
        peer[b] = -1;
        connecting[b] = false;
        ops.close(b, nowNs); // SYN_SENT or CLOSE: freed without a segment
        peer[c] = -1;
        backendSlot[c] = -1;
        if (closedErrno[c] > 0) {
            resetPair(c, LbStat.LbResetFromClient);
            return;
        }
        connectBackend(c, snapshot.vipBySlot(vipSlot[c]));
    }

    /** Counts a failed connect against the backend; {@code fall} in a row on this worker eject it (passive). */
    private void passiveFailure(int slot, LbStat why) {
        if (slot < 0 || slot >= BACKEND_SLOTS) {
            return;
        }
        Vip v = snapshot.vipBySlot(vipSlotOfBackend(slot));
        HealthSpec h = v == null ? null : v.pool().health();
        if (h == null) {
            return; // no checks to bring it back: ejection would be for good
        }
        if (++connectFailRun[slot] >= h.fall()) {
            connectFailRun[slot] = 0;
            counters.inc(LbStat.LbPassiveEjections);
            health.postPassive(slot, why.name());
        }
    }

    private int vipSlotOfBackend(int slot) {
        for (Vip v : snapshot.vips()) {
            if (v.pool().health() != null && v.pool().bySlot(slot) != null) {
                return v.slot();
            }
        }
        return -1;
    }

    private void connected(int c, int b) {
        if (backendSlot[c] >= 0 && backendSlot[c] < BACKEND_SLOTS) {
            connectFailRun[backendSlot[c]] = 0;
        }
        connecting[b] = false;
        counters.inc(LbStat.LbBackendConnected);
        if (proxyHeader[c]) {
            // PROXY v2 before any client byte: the client's address and port, the VIP it connected to
            long peer = ops.peerName(c);
            long self = ops.sockName(c);
            int n = ProxyV2.writeTcp4(header, 0, (int) (peer >>> 16), (int) (peer & 0xFFFF), (int) (self >>> 16),
                    (int) (self & 0xFFFF));
            if (ops.send(b, header, 0, n, nowNs) == n) {
                counters.inc(LbStat.LbProxyHeaders);
            }
        }
        backendCounters.add(backendSlot[c], SlotCounters.Field.OPEN, 1);
        backendCounters.add(backendSlot[c], SlotCounters.Field.CONNECTIONS, 1);
        lastActiveNs[c] = nowNs;
    }

    // ---- relaying -------------------------------------------------------------------------------

    /** @return true when the pair used its budget and wants another turn */
    private boolean servePair(int id) {
        if (role[id] == NONE) {
            if (prober != null && prober.owns(id)) {
                prober.progress(id, nowNs);
            }
            return false;
        }
        int c = role[id] == CLIENT ? id : peer[id];
        int b = peer[c];
        if (b < 0) {
            if (closedErrno[c] != OPEN) {
                resetPair(c, LbStat.LbResetFromClient);
            }
            return false;
        }
        if (connecting[b]) {
            if (closedErrno[b] != OPEN) {
                backendFailed(c, b, LbStat.LbBackendConnectFailed);
                return false;
            }
            int st = engine.state(b);
            if (st != TcpState.ESTABLISHED && st != TcpState.CLOSE_WAIT) {
                if (closedErrno[c] > 0) {
                    resetPair(c, LbStat.LbResetFromClient); // the client gave up before the backend answered
                }
                return false;
            }
            connected(c, b);
        }
        if (closedErrno[c] > 0 || closedErrno[b] > 0) {
            return passReset(c, closedErrno[c] > 0 ? c : b);
        }
        int up = eof[c] ? 0 : pump(c, b, c);
        int down = eof[b] || up < 0 ? 0 : pump(b, c, c);
        if (up < 0 || down < 0) {
            if (closedErrno[c] > 0 || closedErrno[b] > 0) {
                return passReset(c, closedErrno[c] > 0 ? c : b);
            }
            resetPair(c, up < 0 ? LbStat.LbResetFromClient : LbStat.LbResetFromBackend);
            return false;
        }
        if (eof[c] && eof[b]) {
            closePair(c);
            return false;
        }
        return up > 0 || down > 0;
    }

    /**
     * One leg was reset (or failed): what it received before that is still passed on, as a reader of the socket
     * would get it before the error (tcp_recvmsg() returns queued data first), and the other leg is reset once
     * all of it has been sent — a backend's last answer before its RST reaches the client. A reader that does not
     * take it within {@link #RESET_GRACE_NS} is reset anyway.
     *
     * @return true when bytes moved and more may follow
     */
    private boolean passReset(int c, int failed) {
        int other = failed == c ? peer[c] : c;
        LbStat why = failed == c ? LbStat.LbResetFromClient : LbStat.LbResetFromBackend;
        if (closedErrno[other] != OPEN) {
            resetPair(c, why); // both legs failed
            return false;
        }
        if (resetSinceNs[c] == 0) {
            resetSinceNs[c] = nowNs;
        }
        boolean late = nowNs - resetSinceNs[c] >= RESET_GRACE_NS;
        if (!eof[failed] && !late) {
            int moved = pump(failed, other, c);
            if (moved > 0) {
                return true; // more to move: another turn
            }
            if (moved < 0) {
                resetPair(c, why);
                return false;
            }
        }
        if (!late && options.ioctl(other, SocketConstants.SIOCOUTQNSD) > 0) {
            return false; // not all sent yet: an ACK (onWritable) or the scan brings the pair back
        }
        resetPair(c, why);
        return false;
    }

    /**
     * Moves what {@code from} has into {@code to}, as much as {@code to}'s send queue takes. At {@code from}'s end of
     * stream its FIN is passed on (shutdown(SHUT_WR) of {@code to}).
     *
     * @return 1 when the budget ran out with more to move, 0 when done for now, -1 when a leg failed
     */
    private int pump(int from, int to, int c) {
        for (int round = 0; round < ROUNDS; round++) {
            int n = ops.splice(from, to, CHUNK, nowNs);
            if (n > 0) {
                boolean up = from == c;
                counters.add(up ? LbStat.LbBytesToBackend : LbStat.LbBytesToClient, n);
                SlotCounters.Field f = up ? SlotCounters.Field.BYTES_TO_BACKEND : SlotCounters.Field.BYTES_TO_CLIENT;
                vipCounters.add(vipSlot[c], f, n);
                backendCounters.add(backendSlot[c], f, n);
                lastActiveNs[c] = nowNs;
                continue;
            }
            if (n == 0) {
                if (closedErrno[from] > 0) {
                    eof[from] = true; // the reset's end: nothing more comes, and no FIN is passed on
                    return 0;
                }
                eof[from] = true;
                counters.inc(from == c ? LbStat.LbHalfCloseFromClient : LbStat.LbHalfCloseFromBackend);
                ops.shutdown(to, SocketConstants.SHUT_WR, nowNs); // the FIN goes out after what is queued
                return 0;
            }
            if (n == -Errno.EAGAIN) {
                return 0;
            }
            if (closedErrno[from] > 0 && n != -Errno.EPIPE) {
                eof[from] = true; // the source's error after its last byte
                return 0;
            }
            return -1;
        }
        return 1;
    }

    /** Both FINs passed on: release the handles (each leg finishes its close in the engine). */
    private void closePair(int c) {
        int b = peer[c];
        counters.inc(LbStat.LbPairsClosed);
        release(c);
        ops.close(c, nowNs);
        ops.close(b, nowNs);
    }

    /** Resets both legs (RST on each that is still connected), counted. */
    private void resetPair(int c, LbStat why) {
        int b = peer[c];
        counters.inc(why);
        counters.inc(LbStat.LbPairsReset);
        vipCounters.add(vipSlot[c], SlotCounters.Field.RESETS, 1);
        backendCounters.add(backendSlot[c], SlotCounters.Field.RESETS, 1);
        release(c);
        abort(c);
        if (b >= 0) {
            abort(b);
        }
    }

    private void abort(int id) {
        options.setLinger(id, true, 0);
        ops.close(id, nowNs); // linger 0: RST when connected, silently freed when not (yet)
    }

    private void release(int c) {
        int b = peer[c];
        limits.close(vipSlot[c]);
        vipCounters.add(vipSlot[c], SlotCounters.Field.OPEN, -1);
        if (b >= 0 && !connecting[b]) {
            backendCounters.add(backendSlot[c], SlotCounters.Field.OPEN, -1);
        }
        int i = activeIndex[c];
        int last = active[--activeCount];
        active[i] = last;
        activeIndex[last] = i;
        counters.dec(LbStat.LbPairsOpen);
        role[c] = NONE;
        peer[c] = -1;
        if (b >= 0) {
            role[b] = NONE;
            peer[b] = -1;
            connecting[b] = false;
        }
    }

    // ---- timeouts and drains --------------------------------------------------------------------

    private int scan() {
        int n = 0;
        for (int i = activeCount - 1; i >= 0; i--) {
            if (i >= activeCount) {
                continue;
            }
            int c = active[i];
            int b = peer[c];
            if (b >= 0 && connecting[b]) {
                if (nowNs - startNs[c] >= connectTimeoutNs[c]) {
                    backendFailed(c, b, LbStat.LbBackendConnectTimeouts);
                    n++;
                }
                continue;
            }
            if (resetSinceNs[c] != 0) {
                enqueue(c); // passing on a reset: its grace may have run out
                continue;
            }
            if (idleTimeoutNs[c] > 0 && nowNs - lastActiveNs[c] >= idleTimeoutNs[c]) {
                resetPair(c, LbStat.LbIdleTimeouts);
                n++;
                continue;
            }
            int slot = backendSlot[c];
            if (slot >= 0 && slot < BACKEND_SLOTS && drainDeadline[slot] != 0 && nowNs - drainDeadline[slot] >= 0) {
                resetPair(c, LbStat.LbDrainDeadlineResets);
                n++;
            }
        }
        return n;
    }

    // ---- the rest -------------------------------------------------------------------------------

    @Override
    public int openConnections() {
        return activeCount;
    }

    @Override
    public void stop(long now) {
        nowNs = now;
        while (activeCount > 0) {
            int c = active[activeCount - 1];
            int b = peer[c];
            release(c);
            ops.close(c, now);
            if (b >= 0) {
                ops.close(b, now);
            }
        }
        for (int l : listeners) {
            ops.close(l, now);
        }
        listeners = new int[0];
        if (prober != null) {
            prober.stop(now);
        }
    }

    @Override
    public void report(StringBuilder sb, String prefix) {
        counters.forEach((s, v) -> {
            if (v != 0) {
                sb.append(prefix).append(s.name()).append(' ').append(v).append('\n');
            }
        });
        if (probes) { // the control thread's health counts, once
            sb.append(prefix).append("LbBackendsDown ").append(health.downs()).append('\n');
            sb.append(prefix).append("LbBackendsUp ").append(health.ups()).append('\n');
            sb.append(prefix).append("LbHealthEventsDropped ").append(health.dropped()).append('\n');
        }
    }

    /** @return the worker's counters (live, any thread) */
    public EnumCounters<LbStat> counters() {
        return counters;
    }

    /** @return per-VIP counters by slot (live, any thread) */
    public SlotCounters vipCounters() {
        return vipCounters;
    }

    /** @return per-backend counters by slot (live, any thread) */
    public SlotCounters backendCounters() {
        return backendCounters;
    }
}
