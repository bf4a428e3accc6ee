package dev.fastpath.tcp;

import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;

/**
 * What a write does, step by step as Linux's tcp.c does it, and the send buffer it fills.
 *
 * <p><b>Writing</b> (tcp_sendmsg_locked()): bytes go into the write queue's tail skb while it is shorter than
 * the size goal (tcp_xmit_size_goal(): as many whole MSS as fit in half the peer's largest window, at most a
 * GSO packet) and carries no MSG_EOR; otherwise into a new skb, which may only be started while
 * sk_stream_memory_free() — so a write can overshoot the send buffer by up to one size goal. A full skb is
 * pushed at once when it is the send head (tcp_push_one()), or after PSH is forced once more than half the
 * peer's largest window was written without one (forced_push()). The write ends with tcp_push(): PSH on the
 * tail skb unless MSG_MORE, then tcp_write_xmit() with Nagle (or the cork MSG_MORE asks for).
 *
 * <p><b>The send buffer</b> is Linux's sk_sndbuf against sk_wmem_queued (skb truesize, {@link SendQueue}):
 * tcp_wmem[1] at first, raised when the connection is established and whenever a writer waits while the
 * congestion window is not full (tcp_sndbuf_expand(): twice max(cwnd, 10) × a per-MSS skb cost), never past
 * tcp_wmem[2]; SO_SNDBUF fixes it. A writer that found it full is woken (TcpEvents#onWritable, POLLOUT) only
 * when sk_stream_write_space() sees at least a third of it free again and, with TCP_NOTSENT_LOWAT, less than
 * half the low-water mark unsent.
 *
 * <p>Calls never block: a blocking socket's write that must wait returns what it took (or −EAGAIN) and the
 * caller retries when poll() says POLLOUT; the retry continues the same write (one sendmsg, so the tail skb
 * keeps the PSH the wait put on it).
 */
final class TcpSend {
    /** sk_gso_max_size: a 64 KiB GSO packet less MAX_TCP_HEADER (320 on x86-64) and one byte. */
    static final int GSO_MAX_SIZE = 65_536 - 321;
    /** sk_gso_max_segs of veth and tun. */
    static final int GSO_MAX_SEGS = 65_535;
    /** Linux TCP_MSS_DEFAULT: the cutoff in tcp_bound_to_half_wnd(). */
    private static final int TCP_MSS_DEFAULT = 536;
    /** tcp_sndbuf_expand()'s per-MSS cost: MAX_TCP_HEADER and SKB_DATA_ALIGN(sizeof(skb_shared_info)). */
    private static final int SKB_HEAD_OVERHEAD = 320 + 320;
    /** SKB_DATA_ALIGN(sizeof(struct sk_buff)). */
    private static final int SKB_STRUCT = 256;

    private TcpSend() {
    }

    /**
     * Kernel: tcp_sendmsg_locked() from the first copy on (the caller checked the connection's state).
     *
     * @return bytes taken (possibly fewer than asked: the caller waits for POLLOUT), or −EAGAIN when none
     */
    static int tcpSendmsgLocked(TcpEngine e, TcpSock s, byte[] src, int off, int len, int flags, long nowNs) {
        return sendmsg(e, s, src, off, null, len, flags, nowNs);
    }

    /**
     * tcp_sendmsg_locked() whose bytes come from another connection's receive ring instead of a user buffer: a
     * splice(2) from socket to socket through a pipe, collapsed into one copy. The caller consumes what was taken.
     *
     * @param ring the source ring, at least {@code len} bytes
     * @return bytes taken, or −EAGAIN when the send buffer has no room
     */
    static int tcpSpliceLocked(TcpEngine e, TcpSock s, ByteRing ring, int len, int flags, long nowNs) {
        return sendmsg(e, s, null, 0, ring, len, flags, nowNs);
    }

    private static int sendmsg(TcpEngine e, TcpSock s, byte[] src, int off, ByteRing ring, int len, int flags,
            long nowNs) {
        if (s.sendQueue.writerWaiting) {
            return -Errno.EAGAIN; // still asleep in sk_stream_wait_memory(): no wakeup came yet
        }
        int copied = 0;
        boolean continuing = s.sendQueue.sendContinues; // a blocked write resumed: still the same sendmsg
        s.sendQueue.sendContinues = false;
        int mssNow = TcpXmit.tcpCurrentMss(e, s);
        int sizeGoal = tcpXmitSizeGoal(s, mssNow, (flags & SocketConstants.MSG_OOB) == 0);
        SendQueue q = s.sendQueue;
        while (copied < len) {
            int room = q.writeQueueSkbs() > 0 ? sizeGoal - q.wqLen(q.writeQueueSkbs() - 1) : 0;
            if (room <= 0 || (q.wqFlags(q.writeQueueSkbs() - 1) & SendQueue.F_EOR) != 0) {
                if (!skStreamMemoryFree(e, s, 0)) {
                    return waitForSpace(e, s, copied, flags, mssNow, sizeGoal, nowNs);
                }
                tcpSkbEntail(e, s, nowNs);
                room = sizeGoal;
            }
            int copy = Math.min(room, len - copied);
            q.ensureRoom(copy);
            if (ring != null) {
                q.appendFrom(ring, copied, copy);
            } else {
                q.append(src, off + copied, copy);
            }
            q.growTail(copy);
            int tail = q.writeQueueSkbs() - 1;
            if (copied == 0 && !continuing) {
                q.wqSetFlags(tail, 0, SendQueue.F_PSH); // this write decides anew whether the skb is pushed
            }
            copied += copy;
            if (copied == len) {
                if ((flags & SocketConstants.MSG_EOR) != 0) {
                    q.wqSetFlags(tail, SendQueue.F_EOR, 0);
                }
                break;
            }
            if (q.wqLen(tail) < sizeGoal || (flags & SocketConstants.MSG_OOB) != 0) {
                continue;
            }
            if (forcedPush(s)) {
                tcpMarkPush(s, tail);
                TcpXmit.tcpPushPendingFrames(e, s, TcpXmit.NAGLE_PUSH, nowNs);
            } else if (tail == 0) {
                TcpXmit.tcpWriteXmit(e, s, mssNow, TcpXmit.NAGLE_PUSH, 1, nowNs); // tcp_push_one()
            }
        }
        if (copied > 0) {
            tcpPush(e, s, flags, nowNs);
        }
        return copied;
    }

    /**
     * The wait_for_space step: SOCK_NOSPACE, an empty skb removed, what was taken pushed with PSH; a blocking
     * write then sleeps in sk_stream_wait_memory() — here it returns and is continued when POLLOUT comes.
     */
    private static int waitForSpace(TcpEngine e, TcpSock s, int copied, int flags, int mssNow, int sizeGoal,
            long nowNs) {
        s.sendQueue.noSpace = true;
        s.sendQueue.removeEmptyTail();
        if (copied > 0) {
            tcpPushWith(e, s, flags & ~SocketConstants.MSG_MORE, TcpXmit.NAGLE_PUSH, nowNs);
        }
        if (!s.nonBlocking && (flags & SocketConstants.MSG_DONTWAIT) == 0) {
            s.sendQueue.sendContinues = copied > 0;
            s.sendQueue.writerWaiting = true;
        }
        if (copied == 0 && s.sendQueue.skbCount() == 0) {
            skStreamWriteSpace(e, s); // tcp_sendmsg_locked(): make sure an edge-triggered epoll hears of the space
        }
        return copied > 0 ? copied : -Errno.EAGAIN;
    }

    /** Kernel: tcp_skb_entail(): a new skb at the tail; it ends a one-shot TCP_NAGLE_PUSH. */
    private static void tcpSkbEntail(TcpEngine e, TcpSock s, long nowNs) {
        if (s.sendQueue.writeQueueSkbs() == 0) {
            s.stats.tcpChronoStart(SockStats.CHRONO_BUSY, nowNs); // tcp_add_write_queue_tail(): the new send head
        }
        s.sendQueue.entail();
        s.nonagle &= ~TcpXmit.NAGLE_PUSH;
        TcpXmit.tcpSlowStartAfterIdleCheck(e, s, nowNs);
    }

    /** Kernel: tcp_mark_push(). */
    static void tcpMarkPush(TcpSock s, int wqIndex) {
        s.sendQueue.wqSetFlags(wqIndex, SendQueue.F_PSH, 0);
        s.sendQueue.pushedSeq = writeSeq(s);
    }

    /** Kernel: forced_push(): more than half the peer's largest window written since the last PSH. */
    static boolean forcedPush(TcpSock s) {
        return Seq.after(writeSeq(s), s.sendQueue.pushedSeq + (s.maxWindow >>> 1));
    }

    /** Linux write_seq: the sequence number after the last byte written. */
    static int writeSeq(TcpSock s) {
        return s.sndUna + s.sendQueue.size();
    }

    /** Kernel: tcp_push() with the socket's own Nagle state. */
    static void tcpPush(TcpEngine e, TcpSock s, int flags, long nowNs) {
        tcpPushWith(e, s, flags, TcpXmit.nonagle(s), nowNs);
    }

    /**
     * Kernel: tcp_push(). PSH on the tail skb unless MSG_MORE (or forced); MSG_MORE corks this push alone.
     * Autocorking (holding a small skb while earlier ones wait for TX completion) is not modelled: frames
     * handed to the ring count as completed at once.
     */
    private static void tcpPushWith(TcpEngine e, TcpSock s, int flags, int nonagle, long nowNs) {
        SendQueue q = s.sendQueue;
        if (q.writeQueueSkbs() == 0) {
            return;
        }
        if ((flags & SocketConstants.MSG_MORE) == 0 || forcedPush(s)) {
            tcpMarkPush(s, q.writeQueueSkbs() - 1);
        }
        TcpUrg.tcpMarkUrg(s, flags);
        TcpXmit.tcpPushPendingFrames(e, s, (flags & SocketConstants.MSG_MORE) != 0 ? TcpXmit.NAGLE_CORK : nonagle,
                nowNs);
    }

    /**
     * Kernel: tcp_xmit_size_goal(). How big the skbs of a write grow: whole MSS up to a GSO packet, but not
     * past half the largest window the peer offered (tcp_bound_to_half_wnd()); one MSS for urgent data.
     */
    static int tcpXmitSizeGoal(TcpSock s, int mssNow, boolean largeAllowed) {
        if (!largeAllowed) {
            return mssNow;
        }
        int goal = tcpBoundToHalfWnd(s, GSO_MAX_SIZE);
        int segs = Math.min(goal / mssNow, GSO_MAX_SEGS);
        return Math.max(segs * mssNow, mssNow);
    }

    /** Kernel: tcp_bound_to_half_wnd(). */
    static int tcpBoundToHalfWnd(TcpSock s, int pktSize) {
        int cutoff = s.maxWindow > TCP_MSS_DEFAULT ? s.maxWindow >>> 1 : s.maxWindow;
        if (cutoff > 0 && pktSize > cutoff) {
            return Math.max(cutoff, 68 - (20 + (s.tsOk ? 12 : 0)));
        }
        return pktSize;
    }

    /** Linux tcp_notsent_lowat(): the socket's TCP_NOTSENT_LOWAT or net.ipv4.tcp_notsent_lowat. */
    static long notsentLowat(TcpEngine e, TcpSock s) {
        return s.notsentLowat != 0 ? s.notsentLowat & 0xFFFF_FFFFL : e.params.notsentLowat();
    }

    /** Kernel: tcp_stream_memory_free(): unsent bytes (doubled when waking) below the low-water mark. */
    static boolean tcpStreamMemoryFree(TcpEngine e, TcpSock s, int wake) {
        long notsent = Math.max(writeSeq(s) - TcpXmit.sndHigh(s), 0); // the FIN is not data
        return (notsent << wake) < notsentLowat(e, s);
    }

    /** Kernel: __sk_stream_memory_free(). */
    static boolean skStreamMemoryFree(TcpEngine e, TcpSock s, int wake) {
        return s.sendQueue.wmemQueued() < s.sndBuf && tcpStreamMemoryFree(e, s, wake);
    }

    /**
     * Kernel: __sk_stream_is_writeable(sk, 1), what poll() reports as POLLOUT and what wakes a writer: at least
     * a third of the send buffer free (sk_stream_wspace() ≥ sk_stream_min_wspace()) and memory free.
     */
    static boolean skStreamIsWriteable(TcpEngine e, TcpSock s) {
        int queued = s.sendQueue == null ? 0 : s.sendQueue.wmemQueued();
        return s.sndBuf - queued >= queued >>> 1 && (s.sendQueue == null || skStreamMemoryFree(e, s, 1));
    }

    /**
     * Kernel: tcp_check_space() → tcp_new_space(). After an ACK freed send-queue memory: if a writer is waiting
     * (SOCK_NOSPACE), grow the send buffer when the congestion window is not full, then wake the writer if
     * sk_stream_write_space() allows it.
     */
    static void tcpCheckSpace(TcpEngine e, TcpSock s, long nowNs) {
        if (!s.sendQueue.noSpace) {
            return;
        }
        if (tcpShouldExpandSndbuf(s)) {
            tcpSndbufExpand(e, s);
        }
        skStreamWriteSpace(e, s);
        if (!s.sendQueue.noSpace) {
            s.stats.tcpChronoStop(SockStats.CHRONO_SNDBUF_LIMITED, s.sendQueue.skbCount() == 0, nowNs);
        }
    }

    /** Kernel: sk_stream_write_space(): wake a waiting writer (POLLOUT) once the buffer is writeable. */
    static void skStreamWriteSpace(TcpEngine e, TcpSock s) {
        if (skStreamIsWriteable(e, s)) {
            s.sendQueue.noSpace = false;
            s.sendQueue.writerWaiting = false;
            e.events.onWritable(s.id);
        }
    }

    /** Kernel: tcp_should_expand_sndbuf(): not when SO_SNDBUF fixed it, nor with a full congestion window. */
    private static boolean tcpShouldExpandSndbuf(TcpSock s) {
        return !s.sndBufLocked && TcpXmit.packetsInFlight(s) < s.sndCwnd;
    }

    /**
     * Kernel: tcp_sndbuf_expand(). Room for twice max(cwnd, 10, reordering + 1) segments, each costed as a
     * non-GSO skb would be (its head rounded up to a power of two, plus the sk_buff), at most tcp_wmem[2].
     */
    static void tcpSndbufExpand(TcpEngine e, TcpSock s) {
        int perMss = Math.max(s.mssClamp, s.mss) + SKB_HEAD_OVERHEAD;
        perMss = Integer.highestOneBit(perMss - 1) * 2 + SKB_STRUCT; // roundup_pow_of_two()
        int segs = Math.max(e.params.initCwnd(), s.sndCwnd);
        segs = Math.max(segs, e.params.reordering() + 1);
        long sndmem = 2L * segs * perMss;
        if (s.sndBuf < sndmem) {
            s.sndBuf = (int) Math.min(sndmem, e.params.wmemMax());
        }
    }

    /**
     * The send side of the connection becoming established. Kernel: tcp_init_transfer() →
     * tcp_init_buffer_space() (the send buffer sized for the initial window unless SO_SNDBUF fixed it);
     * max_window from the window that completed the handshake (tcp_ack_update_window(), tcp_create_openreq_child());
     * pushed_seq at write_seq; the client's pacing rate from the SYN-ACK's ACK (tcp_ack() → tcp_cong_control()),
     * which a passive child does not see (its SYN-ACK was the listener's).
     *
     * @param active whether this end sent the SYN
     */
    static void tcpInitTransfer(TcpEngine e, TcpSock s, boolean active) {
        s.maxWindow = Math.max(s.maxWindow, s.sndWnd);
        s.sendQueue.pushedSeq = s.sndNxt;
        if (!s.sndBufLocked) {
            tcpSndbufExpand(e, s);
        }
        if (active) {
            tcpUpdatePacingRate(e, s);
        }
    }

    /**
     * Kernel: tcp_update_pacing_rate(), run for every ACK that finds data in flight. Twice (slow start, while
     * cwnd is below half ssthresh) or 1.2 times (tcp_pacing_ss_ratio / tcp_pacing_ca_ratio) cwnd × mss / srtt.
     * The engine does not pace; the rate sizes GSO packets ({@link TcpWriteXmit#tcpTsoSegs}).
     */
    static void tcpUpdatePacingRate(TcpEngine e, TcpSock s) {
        long ratio = s.sndCwnd < s.ssthresh / 2 ? e.params.pacingSsRatio()
                : e.params.pacingCaRatio();
        long packets = Math.max(s.sndCwnd, s.snd == null ? 0 : s.snd.packetsOut);
        long rate = (long) s.mss * ((1_000_000 / 100) << 3) * ratio * packets;
        if (s.snd != null && s.snd.srtt8Us != 0) {
            rate /= s.snd.srtt8Us; // srtt is kept times 8
        }
        s.sendQueue.pacingRate = rate;
    }
}
