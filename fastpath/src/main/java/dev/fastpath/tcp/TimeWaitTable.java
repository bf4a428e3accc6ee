package dev.fastpath.tcp;

import dev.fastpath.table.ConnectionTable;
import dev.fastpath.timer.TimerWheel;

/**
 * TIME_WAIT records (F12): what is left of a connection for 2MSL, as parallel primitive arrays
 * (Linux's {@code struct inet_timewait_sock}, without a full socket). Bounded by
 * {@code tcp_max_tw_buckets}. Per record: 8 ints, a long, a short and a byte here, a free-list int, and 2–4
 * int slots of the lookup index, which holds only record numbers (the 4-tuple is stored once, in
 * the record): 55–63 bytes. The TSval offset is not kept: it is a function of the addresses
 * ({@link TcpEngine#tsOffset}), computed again for a re-ACK.
 */
final class TimeWaitTable {
    final int[] localIp;
    final int[] remoteIp;
    final int[] ports;
    final int[] sndNxt;
    final int[] rcvNxt;
    final int[] tsRecent;
    /** When the record was made, in ms of the engine clock (tw_entry_stamp: tcp_tw_reuse_delay counts from it). */
    final int[] entryMs;
    /** The window field of the re-ACK: the receive window at entry, scaled (tw_rcv_wnd >> tw_rcv_wscale). */
    final short[] window;
    /** When an out-of-window segment was last answered, in ms of the engine clock (tw_last_oow_ack_time); 0: never. */
    final int[] lastOowAckMs;
    final long[] timer;
    final byte[] flags;
    static final byte TS_OK = 1;
    private final int[] freeList;
    private int freeCount;
    /** Open addressing over record numbers + 1 (0 = empty), linear probing, backward-shift deletion. */
    private final int[] slots;
    private final int mask;
    private final long seed;
    private int size;

    /** Told of every record added and removed. */
    TupleWatch watch = TupleWatch.NONE;

    TimeWaitTable(int capacity, long seed) {
        int n = Math.max(1, capacity);
        localIp = new int[n];
        remoteIp = new int[n];
        ports = new int[n];
        sndNxt = new int[n];
        rcvNxt = new int[n];
        tsRecent = new int[n];
        entryMs = new int[n];
        window = new short[n];
        lastOowAckMs = new int[n];
        timer = new long[n];
        flags = new byte[n];
        freeList = new int[n];
        for (int i = 0; i < n; i++) {
            freeList[i] = n - 1 - i;
        }
        freeCount = capacity;
        int slotCount = Integer.highestOneBit(Math.max(2, n * 2 - 1)) << 1;
        slots = new int[slotCount];
        mask = slotCount - 1;
        this.seed = seed;
    }

    private int home(int local, int remote, int portPair) {
        return ConnectionTable.hash(ConnectionTable.addresses(local, remote), portPair, seed) & mask;
    }

    int size() {
        return size;
    }

    int find(int local, int remote, int localPort, int remotePort) {
        int p = ConnectionTable.ports(localPort, remotePort);
        for (int i = home(local, remote, p); slots[i] != 0; i = (i + 1) & mask) {
            int r = slots[i] - 1;
            if (localIp[r] == local && remoteIp[r] == remote && ports[r] == p) {
                return r;
            }
        }
        return -1;
    }

    /** @return the record's index, or −1 when the table is full */
    int add(TcpSock s, long nowNs) {
        if (freeCount == 0) {
            return -1;
        }
        int i = freeList[--freeCount];
        localIp[i] = s.localIp;
        remoteIp[i] = s.remoteIp;
        ports[i] = ConnectionTable.ports(s.localPort, s.remotePort);
        sndNxt[i] = s.sndNxt;
        rcvNxt[i] = s.rcvNxt;
        tsRecent[i] = s.tsRecent;
        entryMs[i] = (int) (nowNs / TcpEngine.MS);
        // tcp_time_wait(): tw_rcv_wnd = tcp_receive_window(tp), advertised again by every re-ACK (T2)
        int rcvWnd = TcpWindow.tcpReceiveWindow(s);
        window[i] = (short) Math.min(rcvWnd >>> s.rcvWscale, 0xFFFF);
        lastOowAckMs[i] = 0;
        flags[i] = s.tsOk ? TS_OK : 0;
        timer[i] = TimerWheel.NONE;
        int slot = home(localIp[i], remoteIp[i], ports[i]);
        while (slots[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        slots[slot] = i + 1;
        size++;
        watch.held(localIp[i], remoteIp[i], localPort(i), remotePort(i), 1);
        return i;
    }

    void remove(int i) {
        int slot = home(localIp[i], remoteIp[i], ports[i]);
        while (slots[slot] != i + 1) {
            slot = (slot + 1) & mask;
        }
        shiftBack(slot);
        size--;
        freeList[freeCount++] = i;
        watch.held(localIp[i], remoteIp[i], localPort(i), remotePort(i), -1);
    }

    /** Backward-shift deletion: later members of the probe chain move into the hole. */
    private void shiftBack(int hole) {
        int i = hole;
        int j = hole;
        while (true) {
            j = (j + 1) & mask;
            if (slots[j] == 0) {
                break;
            }
            int r = slots[j] - 1;
            int h = home(localIp[r], remoteIp[r], ports[r]);
            boolean stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
            if (!stays) {
                slots[i] = slots[j];
                i = j;
            }
        }
        slots[i] = 0;
    }

    int localPort(int i) {
        return ports[i] >>> 16;
    }

    int remotePort(int i) {
        return ports[i] & 0xFFFF;
    }
}
