package dev.fastpath.tcp;

import dev.fastpath.uapi.Errno;
import dev.fastpath.uapi.SocketConstants;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpSegmentView;
import java.lang.foreign.ValueLayout;

/**
 * TCP urgent data (RFC 9293 §3.8.5, RFC 6093) as Linux keeps it: one urgent byte per mark, BSD's reading of the
 * pointer (it points one past the urgent byte: net.ipv4.tcp_stdurg = 0).
 *
 * <ul>
 *   <li>Send: send(MSG_OOB) makes the last byte written urgent (snd_up = write_seq). Until snd_una passes it,
 *       every segment starting before it carries URG and the pointer (tcp_urg_mode(); 0xFFFF while it is
 *       farther than 64 KiB and the segment is within 64 KiB of snd_nxt).</li>
 *   <li>Receive: a new pointer past what was read is remembered (urg_seq, TCP_URG_NOTYET); the segment holding
 *       that byte makes it readable with recv(MSG_OOB) (TCP_URG_VALID). Without SO_OOBINLINE a normal read
 *       stops before the mark and skips the byte; with it the byte stays in the stream.</li>
 * </ul>
 *
 * Kernel: tcp.c tcp_mark_urg(), tcp_recv_urg(), tcp_recvmsg_locked(); tcp_output.c __tcp_transmit_skb();
 * tcp_input.c tcp_check_urg(), tcp_urg().
 */
final class TcpUrg {
    /** tp->urg_data: the byte in the low 8 bits, and these. */
    static final int URG_VALID = 0x0100;
    static final int URG_NOTYET = 0x0200;
    static final int URG_READ = 0x0400;
    private static final int MAX_PTR = 0xFFFF;

    private TcpUrg() {
    }

    /** A socket's urgent state, allocated the first time urgent data or SO_OOBINLINE is used. */
    static final class State {
        /** snd_up and tcp_urg_mode() (snd_una below snd_up). */
        int sndUp;
        boolean mode;
        /** urg_data (the byte and the TCP_URG_* state) and urg_seq. */
        int data;
        int seq;
        /** SO_OOBINLINE (SOCK_URGINLINE). */
        boolean inline;

        void clearConnection() {
            sndUp = 0;
            mode = false;
            data = 0;
            seq = 0;
        }
    }

    static State state(TcpSock s) {
        if (s.urg == null) {
            s.urg = new State();
        }
        return s.urg;
    }

    /** Linux tcp_urg_mode(). */
    static boolean mode(TcpSock s) {
        return s.urg != null && s.urg.mode;
    }

    static boolean inline(TcpSock s) {
        return s.urg != null && s.urg.inline;
    }

    /** Whether an urgent pointer waits for its byte (TCP_URG_NOTYET). */
    static boolean notYet(TcpSock s) {
        return s.urg != null && s.urg.data == URG_NOTYET;
    }

    /** Whether the urgent byte is there to read (TCP_URG_VALID: POLLPRI). */
    static boolean valid(TcpSock s) {
        return s.urg != null && (s.urg.data & URG_VALID) != 0;
    }

    /** Kernel: tcp_mark_urg(), from tcp_push(): the write just queued ends with the urgent byte. */
    static void tcpMarkUrg(TcpSock s, int flags) {
        if ((flags & SocketConstants.MSG_OOB) != 0) {
            State u = state(s);
            u.sndUp = TcpSend.writeSeq(s);
            u.mode = true;
        }
    }

    /** tcp_clean_rtx_queue(): urgent mode ends once the peer acknowledged the urgent byte. */
    static void ackAdvanced(TcpSock s, int sndUna) {
        if (mode(s) && !Seq.before(sndUna, s.urg.sndUp)) {
            s.urg.mode = false;
        }
    }

    /**
     * Kernel: __tcp_transmit_skb(): the urgent pointer of a segment starting at {@code seq}, or −1 for none.
     */
    static int urgentPointer(TcpSock s, int seq) {
        if (!mode(s) || !Seq.before(seq, s.urg.sndUp)) {
            return -1;
        }
        if (Seq.before(s.urg.sndUp, seq + MAX_PTR + 1)) {
            return s.urg.sndUp - seq;
        }
        return Seq.after(seq + MAX_PTR, s.sndNxt) ? MAX_PTR : -1;
    }

    /** Kernel: tcp_urg(): a new urgent pointer, and the urgent byte itself when this segment holds it. */
    static void tcpUrg(TcpEngine e, TcpSock s, TcpSegmentView f) {
        if ((f.flags() & TcpHeader.URG) != 0) {
            tcpCheckUrg(s, f);
        }
        if (notYet(s)) {
            int ptr = s.urg.seq - f.seq() - ((f.flags() & TcpHeader.SYN) != 0 ? 1 : 0);
            if (ptr >= 0 && ptr < f.payloadLength()) {
                s.urg.data = URG_VALID | f.buffer().get(ValueLayout.JAVA_BYTE, f.payloadOffset() + ptr) & 0xFF;
                e.events.onReadable(s.id);
            }
        }
    }

    /** Kernel: tcp_check_urg(). */
    private static void tcpCheckUrg(TcpSock s, TcpSegmentView f) {
        int ptr = f.tcp().urgentPointer();
        if (ptr != 0) {
            ptr--; // BSD: the pointer is one past the urgent byte (tcp_stdurg = 0)
        }
        ptr += f.seq();
        if (Seq.after(s.copiedSeq, ptr) || Seq.before(ptr, s.rcvNxt)) {
            return; // already read, or a byte already received: no replay
        }
        State u = state(s);
        if (u.data != 0 && !Seq.after(ptr, u.seq)) {
            return; // this mark or a newer one is known
        }
        // A new mark while the old urgent byte is next to read: skip that byte now, or a read would return it
        // as data (it stays out of the stream).
        if (u.seq == s.copiedSeq && u.data != 0 && !u.inline && s.copiedSeq != s.rcvNxt) {
            s.recvQueue.consume(1);
            s.copiedSeq++;
        }
        u.data = URG_NOTYET;
        u.seq = ptr;
    }

    /**
     * Kernel: tcp_recv_urg(): recv(MSG_OOB) takes the urgent byte; it never blocks.
     *
     * @return 1 (the byte in {@code dst[off]}), 0 at the end of the stream, or −EINVAL / −ENOTCONN / −EAGAIN
     */
    static int tcpRecvUrg(TcpSock s, byte[] dst, int off, int len, int flags) {
        State u = s.urg;
        if (u == null || u.inline || u.data == 0 || u.data == URG_READ) {
            return -Errno.EINVAL; // no urgent byte to read, or it is in the stream
        }
        if (s.state == TcpState.CLOSE && !s.rcvShutdown) {
            return -Errno.ENOTCONN;
        }
        if ((u.data & URG_VALID) != 0) {
            byte c = (byte) u.data;
            if ((flags & SocketConstants.MSG_PEEK) == 0) {
                u.data = URG_READ;
            }
            if (len > 0 && (flags & SocketConstants.MSG_TRUNC) == 0) {
                dst[off] = c;
            }
            return len > 0 ? 1 : 0;
        }
        if (s.state == TcpState.CLOSE || s.rcvShutdown) {
            return 0;
        }
        return -Errno.EAGAIN;
    }

    /**
     * tcp_recvmsg_locked()'s urgent steps for a read of up to {@code len} bytes at copied_seq: a read stops
     * before the mark; at the mark, without SO_OOBINLINE, the byte is skipped.
     *
     * @return how many bytes this read may copy (after a skipped byte: from the byte after it)
     */
    static int beforeCopy(TcpSock s, int len) {
        if (s.urg == null || s.urg.data == 0) {
            return len;
        }
        int urgOffset = s.urg.seq - s.copiedSeq;
        if (urgOffset < 0 || urgOffset >= len) {
            return len;
        }
        if (urgOffset > 0) {
            return urgOffset; // up to the mark; the next read starts at it
        }
        if (s.urg.inline) {
            return len;
        }
        s.recvQueue.consume(1);
        s.copiedSeq++;
        return len;
    }

    /** tcp_recvmsg_locked() skip_copy: once the reader is past the mark, the mark is gone. */
    static void afterCopy(TcpSock s) {
        if (s.urg != null && s.urg.data != 0 && Seq.after(s.copiedSeq, s.urg.seq)) {
            s.urg.data = 0;
        }
    }

    /** SIOCATMARK: whether the next byte read is the urgent mark. */
    static int atMark(TcpSock s) {
        return s.urg != null && s.urg.data != 0 && s.urg.seq == s.copiedSeq ? 1 : 0;
    }
}
