package dev.fastpath.stress;

import dev.fastpath.io.PacketIo;
import dev.fastpath.wire.ArpHeader;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.EthernetHeader;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpOptions;
import dev.fastpath.tcp.cookie.SynCookies;
import java.lang.foreign.MemorySegment;

/**
 * The generator's receive side: counts what the victim sends back to the spoofed sources, and answers ARP
 * for them so a victim that resolves each source by ARP (a userspace stack, or a kernel with a route
 * straight onto the link) can reply at all. Reused for every frame; no allocation.
 *
 * <p>ARP: requests for an address of the walk get a reply naming the generator's MAC (the interface's own
 * address stays the kernel's: the AF_XDP program passes its ARP through).
 *
 * <p><b>What is counted.</b>
 * <ul>
 *   <li>{@code synAcks}: frames with SYN and ACK set (RST and FIN clear) from the victim's address and port
 *       to an address and port of the walk.</li>
 *   <li>{@code validLooking}: the SYN-ACKs that look like a SYN cookie answering exactly our SYN, checked
 *       without the victim's secret. Linux's cookie ISN is {@code H0(tuple) + clientIsn + ...} with a keyed
 *       hash over all 32 bits, so the ISN itself cannot be told apart from random without the key; what can
 *       be checked is everything a stateless answer to our SYN must get right: the acknowledgment number is
 *       our ISN + 1 (the ISN is a function of the tuple, {@link FloodGenerator#isn}, so no state is kept),
 *       the MSS option is present, window scale and SACK-permitted appear only if our SYN offered them, and
 *       with timestamps the TSecr echoes a TSval this run sent.</li>
 *   <li>{@code tsEncoded}: the valid-looking SYN-ACKs whose TSval carries our SYN's options in its low
 *       6 bits the way Linux's {@code cookie_init_timestamp()} encodes them (window scale 7, SACK on, ECN
 *       off). This proves a cookie only when the victim adds no per-connection timestamp offset (Linux:
 *       {@code net.ipv4.tcp_timestamps=2}); otherwise a non-cookie SYN-ACK matches by chance 1 in 64.</li>
 *   <li>{@code resets}: RSTs to our sources (a victim refusing, e.g. a closed port).</li>
 * </ul>
 *
 * <p>With {@link #countedInXdp} the SYN-ACKs and RSTs are counted in XDP ({@link SynAckCounter}) and only a sample
 * reaches this receiver: {@code synAcks} and {@code resets} are then the program's counts, and {@code validLooking}
 * and {@code tsEncoded} are estimated from the sample's shares ({@link #checked()} says how many were checked).
 */
public final class FloodReceiver implements PacketIo.RxHandler {

    private static final int TS_COOKIE_MASK = (1 << SynCookies.TS_BITS) - 1;
    /** The low TSval bits of a cookie SYN-ACK answering our Linux-like SYN: wscale 7, SACK, no ECN. */
    static final int TS_COOKIE_BITS = SynTemplate.WSCALE | SynCookies.TS_SACK;

    private final FrameParser parser;
    private final ParsedFrame f = new ParsedFrame();
    private final ArpHeader arpOut = new ArpHeader();
    private final EthernetHeader ethOut = new EthernetHeader();
    private final TupleWalker walker;
    private final int victimIp;
    private final int victimPort;
    private final SynOptions options;
    private final long ownMac;
    private PacketIo io;
    private SynAckCounter counted;
    private TupleIsn isn = TupleIsn.MIX;
    private SegmentHook hook;

    private int tsLow;
    private int tsHigh;
    private long resolvedMac = -1;

    private long frames;
    private long synAcks;
    private long validLooking;
    private long tsEncoded;
    private long resets;
    private long arpReplies;
    private long arpTxFull;

    /**
     * @param walker     the sources of the flood
     * @param victimIp   the destination address
     * @param victimPort the destination port
     * @param options    what our SYNs carry
     * @param ownMac     the MAC ARP replies announce for the sources
     * @param policy     how L4 checksums are treated (kernel peers on veth leave them unfinished)
     */
    public FloodReceiver(TupleWalker walker, int victimIp, int victimPort, SynOptions options, long ownMac,
            ChecksumPolicy policy) {
        this.parser = new FrameParser(policy);
        this.walker = walker;
        this.victimIp = victimIp;
        this.victimPort = victimPort;
        this.options = options;
        this.ownMac = ownMac;
    }

    /**
     * @param txIo where ARP replies go (null: do not answer ARP)
     */
    public void answerArpOn(PacketIo txIo) {
        this.io = txIo;
    }

    /** Sees every TCP segment from the victim to a tuple of the walk before it is counted ({@code fastpath stress}). */
    @FunctionalInterface
    public interface SegmentHook {
        /**
         * @param f the parsed frame (valid only during the call)
         */
        void onSegment(ParsedFrame f);
    }

    /**
     * Our SYNs carry this ISN instead of {@link FloodGenerator#isn} (the acknowledgment check follows it).
     *
     * @param function the generator's ISN
     */
    public void isn(TupleIsn function) {
        this.isn = function;
    }

    /**
     * @param segmentHook sees the victim's TCP segments to our tuples (null: none)
     */
    public void segmentHook(SegmentHook segmentHook) {
        this.hook = segmentHook;
    }

    /**
     * The answers are counted in XDP from now on; this receiver sees the sample the program passes on.
     *
     * @param counter the program's counters
     */
    public void countedInXdp(SynAckCounter counter) {
        this.counted = counter;
    }

    /**
     * The TSvals sent so far lie in {@code low..high} (unsigned, no wrap within a run).
     *
     * @param low  the first TSval
     * @param high the latest TSval
     */
    public void tsWindow(int low, int high) {
        this.tsLow = low;
        this.tsHigh = high;
    }

    @Override
    public void onFrame(MemorySegment buffer, long offset, int length, int flags) {
        frames++;
        if (parser.parse(buffer, offset, length, flags, f) != DropReason.NONE) {
            return;
        }
        if (f.kind() == ParsedFrame.Kind.ARP) {
            onArp();
        } else if (f.kind() == ParsedFrame.Kind.TCP && f.srcIp() == victimIp && f.srcPort() == victimPort
                && walker.containsAddress(f.dstIp()) && walker.containsPort(f.dstPort())) {
            onTcp();
        }
    }

    private void onTcp() {
        if (hook != null) {
            hook.onSegment(f);
        }
        int fl = f.flags();
        if ((fl & TcpHeader.RST) != 0) {
            resets++;
            return;
        }
        if ((fl & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.FIN)) != (TcpHeader.SYN | TcpHeader.ACK)) {
            return;
        }
        synAcks++;
        if (f.ack() != isn.isn(f.dstIp(), f.dstPort()) + 1) {
            return;
        }
        TcpOptions o = f.options();
        boolean offered = options == SynOptions.LINUX;
        if (o.mss() <= 0 || (!offered && (o.windowScale() >= 0 || o.sackPermitted() || o.hasTimestamps()))) {
            return;
        }
        if (o.hasTimestamps() && Integer.compareUnsigned(o.tsEcr() - tsLow, tsHigh - tsLow) > 0) {
            return;
        }
        validLooking++;
        if (o.hasTimestamps() && (o.tsVal() & TS_COOKIE_MASK) == TS_COOKIE_BITS) {
            tsEncoded++;
        }
    }

    private void onArp() {
        ArpHeader a = f.arp();
        if (a.operation() == ArpHeader.OP_REPLY && a.senderIp() == victimIp) {
            resolvedMac = a.senderMac();
            return;
        }
        boolean ours = walker.containsAddress(a.targetIp());
        if (a.operation() != ArpHeader.OP_REQUEST || !ours || io == null) {
            return;
        }
        long at = io.txClaim();
        if (at < 0) {
            arpTxFull++;
            return;
        }
        MemorySegment tx = io.txBuffer();
        writeArp(tx, at, ArpHeader.OP_REPLY, ownMac, a.targetIp(), a.senderMac(), a.senderIp(), a.senderMac());
        io.txCommit(at, EthernetHeader.LENGTH + ArpHeader.LENGTH);
        arpReplies++;
    }

    /**
     * Writes an Ethernet/ARP frame.
     *
     * @param buf       the memory
     * @param at        where the frame starts
     * @param op        {@link ArpHeader#OP_REQUEST} or {@link ArpHeader#OP_REPLY}
     * @param senderMac sender hardware address (also the Ethernet source)
     * @param senderIp  sender protocol address
     * @param targetMac target hardware address
     * @param targetIp  target protocol address
     * @param ethDst    the Ethernet destination
     * @return the frame length
     */
    int writeArp(MemorySegment buf, long at, int op, long senderMac, int senderIp, long targetMac, int targetIp,
            long ethDst) {
        ethOut.wrap(buf, at).destination(ethDst).source(senderMac).etherType(EthernetHeader.ETHERTYPE_ARP);
        arpOut.wrap(buf, at + EthernetHeader.LENGTH).ethernetIpv4().operation(op).senderMac(senderMac)
            .senderIp(senderIp).targetMac(targetMac).targetIp(targetIp);
        return EthernetHeader.LENGTH + ArpHeader.LENGTH;
    }

    /** @return the victim's MAC from an ARP reply seen so far, or −1 */
    public long resolvedMac() {
        return resolvedMac;
    }

    /** @return frames received */
    public long frames() {
        return frames;
    }

    /** @return SYN-ACKs to our sources */
    public long synAcks() {
        return counted == null ? synAcks : counted.synAcks();
    }

    /** @return SYN-ACKs that look like cookies answering exactly our SYNs (estimated from the sample in XDP mode) */
    public long validLooking() {
        return counted == null ? validLooking : scaled(validLooking);
    }

    /**
     * @return valid-looking SYN-ACKs whose TSval low bits carry Linux's cookie encoding of our options (estimated from
     *         the sample in XDP mode)
     */
    public long tsEncoded() {
        return counted == null ? tsEncoded : scaled(tsEncoded);
    }

    /** @return RSTs to our sources */
    public long resets() {
        return counted == null ? resets : counted.resets();
    }

    /** @return SYN-ACKs checked here in full: all of them, or the sample the XDP program passed on */
    public long checked() {
        return synAcks;
    }

    /** A count in the sample, scaled to every SYN-ACK the program counted. */
    private long scaled(long inSample) {
        return scale(counted.synAcks(), inSample, synAcks);
    }

    /** {@code share} of {@code checked}, applied to {@code all}; 0 when nothing was checked. */
    private static long scale(long all, long share, long checked) {
        return checked <= 0 ? 0 : Math.round((double) all * share / checked);
    }

    /**
     * The start of a span, for {@link #validSince}.
     *
     * @return the counts now: SYN-ACKs, those checked here, valid-looking and ts-encoded among those checked
     */
    public long[] mark() {
        return new long[] {synAcks(), synAcks, validLooking, tsEncoded};
    }

    /**
     * Valid-looking and ts-encoded SYN-ACKs since a mark: counted, or — when the answers are counted in XDP — the
     * span's own sample shares applied to the span's SYN-ACKs (shares over the whole run would carry the warm-up's
     * into the measured part).
     *
     * @param mark what {@link #mark} returned at the span's start
     * @return {valid-looking, ts-encoded}
     */
    public long[] validSince(long[] mark) {
        long checkedNow = synAcks - mark[1];
        long valid = validLooking - mark[2];
        long ts = tsEncoded - mark[3];
        if (counted == null) {
            return new long[] {valid, ts};
        }
        long all = synAcks() - mark[0];
        return new long[] {scale(all, valid, checkedNow), scale(all, ts, checkedNow)};
    }

    /** @return ARP replies sent for the sources */
    public long arpReplies() {
        return arpReplies;
    }

    /** @return ARP requests left unanswered because the TX ring was full */
    public long arpTxFull() {
        return arpTxFull;
    }
}
