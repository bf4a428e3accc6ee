package dev.fastpath.tcp;

import dev.fastpath.table.ConnectionTable;
import dev.fastpath.timer.TimerWheel;

/**
 * TIME_WAIT records (F12): what is left of a connection for 2MSL, as parallel primitive arrays
 * (Linux's {@code struct inet_timewait_sock}, without a full socket). Bounded by
 * {@code tcp_max_tw_buckets}; per record: 7 ints, a long and a byte in these arrays plus its slots
 * in the lookup table.
 */
final class TimeWaitTable {
    final int[] localIp;
    final int[] remoteIp;
    final int[] ports;
    final int[] sndNxt;
    final int[] rcvNxt;
    final int[] tsRecent;
    final int[] tsOffset;
    final long[] timer;
    final byte[] flags;
    static final byte TS_OK = 1;
    private final int[] freeList;
    private int freeCount;
    private final ConnectionTable index;

    TimeWaitTable(int capacity, long seed) {
        int n = Math.max(1, capacity);
        localIp = new int[n];
        remoteIp = new int[n];
        ports = new int[n];
        sndNxt = new int[n];
        rcvNxt = new int[n];
        tsRecent = new int[n];
        tsOffset = new int[n];
        timer = new long[n];
        flags = new byte[n];
        freeList = new int[n];
        for (int i = 0; i < n; i++) {
            freeList[i] = n - 1 - i;
        }
        freeCount = capacity;
        index = new ConnectionTable(n, seed);
    }

    int size() {
        return index.size();
    }

    int find(int local, int remote, int localPort, int remotePort) {
        return index.get(ConnectionTable.addresses(local, remote), ConnectionTable.ports(localPort, remotePort));
    }

    /** @return the record's index, or −1 when the table is full */
    int add(TcpSock s) {
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
        tsOffset[i] = s.tsOffset;
        flags[i] = s.tsOk ? TS_OK : 0;
        timer[i] = TimerWheel.NONE;
        index.put(ConnectionTable.addresses(s.localIp, s.remoteIp), ports[i], i);
        return i;
    }

    void remove(int i) {
        index.remove(ConnectionTable.addresses(localIp[i], remoteIp[i]), ports[i]);
        freeList[freeCount++] = i;
    }

    int localPort(int i) {
        return ports[i] >>> 16;
    }

    int remotePort(int i) {
        return ports[i] & 0xFFFF;
    }
}
