package dev.fastpath.net;

import dev.fastpath.io.PacketIo;
import dev.fastpath.wire.ArpHeader;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.ParsedFrame;
import java.lang.foreign.MemorySegment;

/**
 * ARP and the neighbour cache of one interface: answers requests for the interface's addresses (RFC 826),
 * resolves next hops for what the interface sends ({@link #lookup}: the route was chosen before), and keeps entries
 * fresh the way Linux's neighbour subsystem does (net/core/neighbour.c): INCOMPLETE → REACHABLE on an
 * answer, REACHABLE → STALE after the reachable time, STALE → PROBE (unicast request) on use,
 * INCOMPLETE/PROBE → FAILED after {@code maxProbes} unanswered requests; permanent entries never change.
 *
 * <p>While an address is being resolved, frames to it wait in a small queue ({@link ArpQueue}, Linux's {@code
 * arp_queue}): {@link #lookup} answers {@link #UNRESOLVED}, the sender {@link #queueClaim claims} a slot and builds
 * its frame there, and the answer sends them all in order — so the first SYN to a new backend leaves with the ARP
 * reply instead of a second later with TCP's retransmission. Past {@link #UNRES_QLEN} frames for one neighbour the
 * oldest is dropped ({@code NeighUnresolvedDiscards}, {@link NetDropReason#NEIGH_UNRESOLVED}, as
 * __neigh_event_send() drops the queue's head); a resolution that fails drops its queue ({@link
 * NetDropReason#NEIGH_FAILED}). Requests for one address go out at most once per {@code retransNs}, so a burst of
 * sends to an unresolved address costs one ARP request.
 *
 * <p>Single-threaded: the worker calls {@link #tick} at the start of every duty cycle, so lookups know the
 * time without reading a clock.
 */
public final class Neighbours {
    /** How often {@link #poll} walks the table for due probes and expiry. */
    private static final long SCAN_INTERVAL_NS = 100_000_000L;
    /** {@link #lookup}'s answer for an address being resolved: the frame may wait in the queue. */
    public static final long UNRESOLVED = -2;
    /**
     * Frames one neighbour may have waiting (Linux's unres_qlen is 101 since 3.3, counted in bytes through
     * unres_qlen_bytes; 32 frames covers a burst of new connections to one new next hop).
     */
    public static final int UNRES_QLEN = 32;
    /** Frames waiting on the whole interface. */
    static final int QUEUE_SLOTS = 128;
    /** ARP on Ethernet is 42 bytes; Linux sends it unpadded and the NIC pads to 60. */
    static final int ARP_FRAME_LENGTH = EthernetHeader.LENGTH + ArpHeader.LENGTH;

    private final NeighbourTiming config;
    private final LocalAddresses local;
    private final NeighbourTable table;
    private final NetStat.Counters counters;
    private final EthernetHeader eth = new EthernetHeader();
    private final ArpHeader arp = new ArpHeader();
    /** Made on the first frame that waits (most workers never need it), slots sized to the device's frames. */
    private ArpQueue queue;
    private final int[] dropped = new int[1];
    private PacketIo io;
    private SharedNeighbours shared;
    private long nowNs;
    private long nextScanNs;
    /** A point-to-point link's peer: every next hop is it, no resolution (−1: a broadcast link, the usual). */
    private long peerMac = -1;

    /**
     * @param config   timing and table size
     * @param local    the interface's addresses and MAC
     * @param io       where ARP frames go out
     * @param counters where counts go
     */
    public Neighbours(NeighbourTiming config, LocalAddresses local, PacketIo io, NetStat.Counters counters) {
        this.config = config;
        this.local = local;
        this.io = io;
        this.counters = counters;
        this.table = new NeighbourTable(config.capacity());
    }

    /** @param io the PacketIo to send through from now on (e.g. a capturing wrapper) */
    public void io(PacketIo io) {
        this.io = io;
    }

    /**
     * Makes this a point-to-point link: every next hop resolves to {@code mac} at once, nothing is resolved or
     * cached (a link with one peer, e.g. the in-memory link of tests and benchmarks).
     *
     * @param mac the peer's MAC
     */
    public void pointToPoint(long mac) {
        this.peerMac = mac;
    }

    /** @param table what the other workers of this interface learn (several workers in a fanout group) */
    public void share(SharedNeighbours table) {
        this.shared = table;
    }

    /** @return the timing */
    public NeighbourTiming config() {
        return config;
    }

    /** @param now the current time, for lookups in this duty cycle */
    public void tick(long now) {
        this.nowNs = now;
    }

    /** @return entries in the cache (any state) */
    public int size() {
        return table.size();
    }

    /**
     * Adds or replaces a permanent entry ({@code ip neigh replace … nud permanent}).
     *
     * @param ip  the neighbour's address
     * @param mac its MAC
     * @return false when the table is full
     */
    public boolean addStatic(int ip, long mac) {
        int slot = table.find(ip);
        if (slot < 0) {
            slot = table.insert(ip, NeighbourTable.PERMANENT);
            if (slot < 0) {
                counters.drop(NetDropReason.NEIGH_CREATEFAIL);
                return false;
            }
        }
        table.states[slot] = NeighbourTable.PERMANENT;
        table.macs[slot] = mac;
        return true;
    }

    /**
     * @param ip an address
     * @return its MAC when the cache has a usable entry, else −1 (no side effects: for tests and reports)
     */
    public long peek(int ip) {
        int slot = table.find(ip);
        if (slot < 0) {
            return -1;
        }
        byte st = table.states[slot];
        return st == NeighbourTable.INCOMPLETE || st == NeighbourTable.FAILED ? -1 : table.macs[slot];
    }

    /**
     * The MAC of a next hop (the route was chosen before). Kernel: ip_finish_output2() → neigh_output() /
     * neigh_resolve_output(). A miss starts resolution and returns {@link #UNRESOLVED}: the caller queues the frame
     * ({@link #queueClaim}) or drops it ({@link #unresolvedDrop}); −1 is a drop counted here with its reason.
     *
     * <p>The frame being processed, if any, is a hint: a reply to it may go back to the MAC it came from even
     * before the cache knows the sender (a peer that cached our address from our announcement sends its SYN
     * without asking first), or while resolution is under way or failed. A bare SYN only borrows the MAC (a SYN
     * flood with forged on-link sources must not fill the table); any other segment also leaves a STALE entry,
     * which the next use confirms with a unicast request (Linux's neigh_event_ns() makes such entries STALE too).
     *
     * @param hop        the next hop's address
     * @param hintIp     the next hop the frame being processed came from (its source, or the gateway for a frame
     *                   from off the subnet), or 0 when there is none (timers, a frame from elsewhere)
     * @param hintMac    that frame's Ethernet source
     * @param borrowOnly whether the hint's MAC is only borrowed, never learned (a bare SYN, or a frame from off
     *                   the subnet)
     * @return the MAC to send to, {@link #UNRESOLVED}, or −1
     */
    public long lookup(int hop, int hintIp, long hintMac, boolean borrowOnly) {
        if (peerMac >= 0) {
            return peerMac;
        }
        int slot = table.find(hop);
        if (slot < 0) {
            slot = adoptShared(hop);
        }
        if (slot < 0) {
            return hop == hintIp && hintIp != 0 ? fromHint(hop, hintMac, borrowOnly) : startResolution(hop);
        }
        table.usedNs[slot] = nowNs;
        switch (table.states[slot]) {
            case NeighbourTable.PERMANENT, NeighbourTable.PROBE -> {
                return table.macs[slot];
            }
            case NeighbourTable.REACHABLE -> {
                if (nowNs - table.confirmedNs[slot] <= config.reachableNs()) {
                    return table.macs[slot];
                }
                table.states[slot] = NeighbourTable.STALE; // neigh_periodic_work(): REACHABLE times out
                return useStale(slot);
            }
            case NeighbourTable.STALE -> {
                return useStale(slot);
            }
            case NeighbourTable.INCOMPLETE -> {
                if (adopt(slot)) {
                    return table.macs[slot];
                }
                if (hop == hintIp && hintIp != 0) {
                    return hintMac; // resolution under way; answer the frame being processed meanwhile
                }
                return UNRESOLVED;
            }
            default -> {
                if (hop == hintIp && hintIp != 0) {
                    counters.inc(NetStat.NeighFromRx);
                    return hintMac; // FAILED, yet the frame being processed shows where its sender is
                }
                counters.drop(NetDropReason.NEIGH_FAILED);
                return -1;
            }
        }
    }

    /** A fresh confirmation another worker saw becomes a REACHABLE entry here; −1 when there is none. */
    private int adoptShared(int hop) {
        if (shared == null) {
            return -1;
        }
        int s = shared.find(hop);
        if (s < 0) {
            return -1;
        }
        long confirmed = shared.confirmedNs(s);
        long mac = shared.mac(s);
        if (mac == 0 || nowNs - confirmed > config.reachableNs()) {
            return -1;
        }
        int slot = table.insert(hop, NeighbourTable.REACHABLE);
        if (slot >= 0) {
            counters.inc(NetStat.NeighFromShared);
            table.macs[slot] = mac;
            table.confirmedNs[slot] = confirmed;
        }
        return slot;
    }

    /**
     * An INCOMPLETE or PROBE entry whose answer went to another worker: adopts the shared confirmation when
     * it is newer than this entry's own.
     */
    private boolean adopt(int slot) {
        if (shared == null) {
            return false;
        }
        int s = shared.find(table.ips[slot]);
        if (s < 0) {
            return false;
        }
        long confirmed = shared.confirmedNs(s);
        long mac = shared.mac(s);
        if (mac == 0 || confirmed - table.confirmedNs[slot] <= 0 || nowNs - confirmed > config.reachableNs()) {
            return false;
        }
        counters.inc(NetStat.NeighFromShared);
        table.macs[slot] = mac;
        table.states[slot] = NeighbourTable.REACHABLE;
        table.confirmedNs[slot] = confirmed;
        table.probes[slot] = 0;
        sendQueued(table.ips[slot], mac);
        return true;
    }

    /** A STALE entry is still used, and re-checked with a unicast request (NUD_STALE → NUD_PROBE). */
    private long useStale(int slot) {
        table.states[slot] = NeighbourTable.PROBE;
        table.probes[slot] = 1;
        table.probeDueNs[slot] = nowNs + config.retransNs();
        counters.inc(NetStat.NeighProbes);
        sendRequest(table.ips[slot], table.macs[slot]);
        return table.macs[slot];
    }

    private long fromHint(int hop, long hintMac, boolean borrowOnly) {
        counters.inc(NetStat.NeighFromRx);
        if (borrowOnly) {
            return hintMac;
        }
        int slot = table.insert(hop, NeighbourTable.STALE);
        if (slot >= 0) {
            counters.inc(NetStat.NeighCreated);
            table.macs[slot] = hintMac;
            table.confirmedNs[slot] = nowNs;
            table.usedNs[slot] = nowNs;
        }
        return hintMac;
    }

    private long startResolution(int hop) {
        int slot = table.insert(hop, NeighbourTable.INCOMPLETE);
        if (slot < 0) {
            counters.drop(NetDropReason.NEIGH_CREATEFAIL);
            return -1;
        }
        counters.inc(NetStat.NeighCreated);
        table.usedNs[slot] = nowNs;
        table.probes[slot] = 1;
        table.probeDueNs[slot] = nowNs + config.retransNs();
        sendRequest(hop, EthernetHeader.BROADCAST);
        return UNRESOLVED;
    }

    /** Counts a frame to an unresolved next hop that was not queued (the caller drops it). */
    public void unresolvedDrop() {
        counters.inc(NetStat.NeighUnresolvedDiscards);
        counters.drop(NetDropReason.NEIGH_UNRESOLVED);
    }

    /**
     * A slot for a frame to a next hop {@link #lookup} answered {@link #UNRESOLVED} for; the frame is built at
     * {@link #queueOffset} in {@link #queueFrames()}, its Ethernet destination left for later, then {@link
     * #queueCommit committed}. Kernel: __neigh_event_send() (the queue's head dropped past unres_qlen).
     *
     * @param hop the next hop
     * @return the slot, or −1 when the queue is full (the drop is counted)
     */
    public int queueClaim(int hop) {
        if (queue == null) {
            queue = new ArpQueue(QUEUE_SLOTS, io.txFrameCapacity(), UNRES_QLEN);
        }
        int slot = queue.claim(hop, dropped);
        if (dropped[0] != 0 || slot < 0) {
            unresolvedDrop();
        }
        return slot;
    }

    /** @return the queue's frames */
    public MemorySegment queueFrames() {
        return queue.frames();
    }

    /** @return where a slot's frame starts in {@link #queueFrames()} */
    public long queueOffset(int slot) {
        return queue.offset(slot);
    }

    /**
     * The frame in a claimed slot is complete.
     *
     * @param slot   the slot
     * @param length the frame's length, Ethernet header included
     */
    public void queueCommit(int slot, int length) {
        if (length > queue.slotBytes()) {
            unresolvedDrop();
        }
        queue.commit(slot, length);
    }

    /** @return frames waiting for {@code ip} (for tests and reports) */
    public int queued(int ip) {
        return queue == null ? 0 : queue.waiting(ip);
    }

    /** Sends what waited for {@code ip}, now at {@code mac}, oldest first. Kernel: neigh_update() (the arp_queue). */
    private void sendQueued(int ip, long mac) {
        if (queue == null) {
            return;
        }
        for (int slot = queue.poll(ip); slot >= 0; slot = queue.poll(ip)) {
            int length = queue.length(slot);
            long off = io.txClaim();
            if (off < 0) {
                counters.drop(NetDropReason.TX_RING_FULL);
            } else {
                MemorySegment buf = io.txBuffer();
                MemorySegment.copy(queue.frames(), queue.offset(slot), buf, off, length);
                eth.wrap(buf, off).destination(mac);
                io.txCommit(off, length);
            }
            queue.release(slot);
        }
    }

    /**
     * One received ARP packet. Kernel: arp.c arp_process(), following RFC 826's "Packet Reception": an
     * existing entry for the sender is updated (merge); when we are the target, the sender is added and
     * a request is answered.
     *
     * @param f     an ARP frame the parser accepted
     * @param now   the current time
     */
    public void arpRcv(ParsedFrame f, long now) {
        ArpHeader a = f.arp();
        int op = a.operation();
        if (op != ArpHeader.OP_REQUEST && op != ArpHeader.OP_REPLY) {
            counters.drop(NetDropReason.ARP_BAD_OPCODE);
            return;
        }
        counters.inc(op == ArpHeader.OP_REQUEST ? NetStat.ArpInRequests : NetStat.ArpInReplies);
        if (f.vlanId() >= 0) {
            counters.drop(NetDropReason.ARP_VLAN);
            return;
        }
        int sip = a.senderIp();
        int tip = a.targetIp();
        long sha = a.senderMac();
        if ((sha & 0x0100_0000_0000L) != 0 || local.isLocalV4(sip) || (sip >>> 24) == 127
                || (sip >>> 28) == 0xE) {
            counters.drop(NetDropReason.ARP_BAD_SENDER); // multicast/broadcast MAC, our own, loopback, multicast IP
            return;
        }
        if (sip == 0) {
            // RFC 5227 probe (arp_process(): sip == 0): answer a probe for our address, learn nothing.
            if (op == ArpHeader.OP_REQUEST && local.isLocalV4(tip)) {
                sendReply(sha, 0, tip);
            } else {
                counters.drop(NetDropReason.ARP_TARGET_NOT_LOCAL);
            }
            return;
        }
        boolean merged = merge(sip, sha, now);
        if (!local.isLocalV4(tip)) {
            counters.drop(NetDropReason.ARP_TARGET_NOT_LOCAL);
            return;
        }
        if (!merged) {
            learn(sip, sha, now);
        }
        if (op == ArpHeader.OP_REQUEST) {
            sendReply(sha, sip, tip);
        }
    }

    /** RFC 826: "If the pair … is already in my translation table, update the sender hardware address". */
    private boolean merge(int sip, long sha, long now) {
        int slot = table.find(sip);
        if (slot < 0) {
            return false;
        }
        if (table.states[slot] != NeighbourTable.PERMANENT) {
            table.macs[slot] = sha;
            table.states[slot] = NeighbourTable.REACHABLE;
            table.confirmedNs[slot] = now;
            table.probes[slot] = 0;
            counters.inc(NetStat.NeighUpdated);
            publish(sip, sha, now);
            sendQueued(sip, sha);
        }
        return true;
    }

    /**
     * RFC 826: "add the triplet … to the translation table". Linux makes a request's sender STALE until
     * traffic confirms it; this stack has no upper-layer confirmation, so an ARP packet addressed to us
     * counts as confirmation (REACHABLE) and spares every new client a unicast probe.
     */
    private void learn(int sip, long sha, long now) {
        int slot = table.insert(sip, NeighbourTable.REACHABLE);
        if (slot < 0) {
            counters.drop(NetDropReason.NEIGH_CREATEFAIL);
            return;
        }
        counters.inc(NetStat.NeighCreated);
        table.macs[slot] = sha;
        table.confirmedNs[slot] = now;
        table.usedNs[slot] = now;
        publish(sip, sha, now);
    }

    private void publish(int ip, long mac, long now) {
        if (shared != null) {
            shared.publish(ip, mac, now);
        }
    }

    /**
     * Retries and expiry, at most every 100 ms (a walk of the table). Kernel: neigh_timer_handler()
     * (probes, FAILED) and neigh_periodic_work() (garbage collection of unused entries).
     *
     * @param now the current time
     * @return ARP requests sent
     */
    public int poll(long now) {
        if (now - nextScanNs < 0) {
            return 0;
        }
        nextScanNs = now + SCAN_INTERVAL_NS;
        int sent = 0;
        for (int i = 0; i < table.capacity(); i++) {
            byte st = table.states[i];
            if (st == NeighbourTable.FREE || st == NeighbourTable.PERMANENT) {
                continue;
            }
            if (expire(i, st, now)) {
                table.remove(i);
                counters.inc(NetStat.NeighExpired);
                i--; // backward shift may have moved another entry into slot i
                continue;
            }
            sent += retry(i, st, now);
        }
        return sent;
    }

    private boolean expire(int i, byte st, long now) {
        if (st == NeighbourTable.FAILED) {
            return now - table.confirmedNs[i] >= config.retransNs(); // retried on the next use
        }
        return st != NeighbourTable.INCOMPLETE && st != NeighbourTable.PROBE
                && now - table.usedNs[i] >= config.staleNs() && now - table.confirmedNs[i] >= config.staleNs();
    }

    private int retry(int i, byte st, long now) {
        if ((st != NeighbourTable.INCOMPLETE && st != NeighbourTable.PROBE) || now - table.probeDueNs[i] < 0) {
            return 0;
        }
        if (adopt(i)) {
            return 0;
        }
        if (table.probes[i] >= config.maxProbes()) {
            table.states[i] = NeighbourTable.FAILED;
            table.confirmedNs[i] = now;
            counters.inc(NetStat.NeighResFailed);
            for (int n = queue == null ? 0 : queue.dropAll(table.ips[i]); n > 0; n--) {
                counters.drop(NetDropReason.NEIGH_FAILED); // neigh_invalidate() drops the arp_queue
            }
            return 0;
        }
        table.probes[i]++;
        table.probeDueNs[i] = now + config.retransNs();
        counters.inc(NetStat.NeighProbes);
        sendRequest(table.ips[i], st == NeighbourTable.PROBE ? table.macs[i] : EthernetHeader.BROADCAST);
        return 1;
    }

    /**
     * Gratuitous ARP (RFC 5227 §2.3 announcement: a request with sender = target = the address), one per address,
     * sent once at start so peers that cached an older MAC for one of them update it.
     *
     * @return whether every announcement was sent
     */
    public boolean announce() {
        boolean all = true;
        for (int i = 0; i < local.countV4(); i++) {
            int ip = local.addressV4(i);
            if (writeArp(EthernetHeader.BROADCAST, ArpHeader.OP_REQUEST, 0, ip, ip)) {
                counters.inc(NetStat.ArpOutAnnounces);
            } else {
                all = false;
            }
        }
        return all;
    }

    private void sendRequest(int ip, long dstMac) {
        if (writeArp(dstMac, ArpHeader.OP_REQUEST, 0, ip, local.sourceForV4(ip))) {
            counters.inc(NetStat.ArpOutRequests);
        }
    }

    /** Answers for {@code ours} (arp_process(): the reply's sender is the address that was asked for). */
    private void sendReply(long dstMac, int dstIp, int ours) {
        if (writeArp(dstMac, ArpHeader.OP_REPLY, dstMac, dstIp, ours)) {
            counters.inc(NetStat.ArpOutReplies);
        }
    }

    /** Builds one ARP frame in a claimed TX frame (Kernel: arp_create()). */
    private boolean writeArp(long dstMac, int op, long targetMac, int targetIp, int senderIp) {
        long off = io.txClaim();
        if (off < 0) {
            counters.drop(NetDropReason.TX_RING_FULL);
            return false;
        }
        MemorySegment buf = io.txBuffer();
        eth.wrap(buf, off).destination(dstMac).source(local.mac()).etherType(EthernetHeader.ETHERTYPE_ARP);
        arp.wrap(buf, off + EthernetHeader.LENGTH).ethernetIpv4().operation(op).senderMac(local.mac())
                .senderIp(senderIp).targetMac(targetMac).targetIp(targetIp);
        io.txCommit(off, ARP_FRAME_LENGTH);
        return true;
    }
}
