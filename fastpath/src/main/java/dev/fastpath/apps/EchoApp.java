package dev.fastpath.apps;

import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;
import dev.fastpath.config.Knob;

/**
 * Echo (RFC 862 over TCP): every byte read is written back. When the send queue is full the rest of a
 * read is held per connection and nothing more is read until it went out, so a slow reader closes the
 * peer's window instead of growing a buffer. At end of stream the held bytes go out, then our FIN.
 */
public final class EchoApp extends AppBase {
    private static final int CHUNK = 16 * 1024;
    /** Reads per turn, so one fast connection cannot starve the others. */
    private static final int ROUNDS = 16;

    private final byte[] scratch = new byte[CHUNK];
    private final byte[][] held;
    private final int[] heldOff;
    private final int[] heldLen;
    private final boolean[] eof;

    /** @param config sizes (stack.max_connections, net.somaxconn) */
    public EchoApp(Config config) {
        super(config);
        int max = config.intValue(Knob.STACK_MAX_CONNECTIONS);
        held = new byte[max][];
        heldOff = new int[max];
        heldLen = new int[max];
        eof = new boolean[max];
    }


    @Override
    void opened(int id) {
        heldOff[id] = 0;
        heldLen[id] = 0;
        eof[id] = false;
    }

    @Override
    boolean serve(int id, long nowNs) {
        for (int round = 0; round < ROUNDS; round++) {
            if (heldLen[id] > 0 && !flushHeld(id, nowNs)) {
                return false;
            }
            if (eof[id]) {
                close(id, nowNs);
                return false;
            }
            int n = ops.recv(id, scratch, 0, CHUNK, nowNs);
            if (n == -Errno.EAGAIN) {
                return false;
            }
            if (n == 0) {
                eof[id] = true;
                continue;
            }
            if (n < 0) {
                close(id, nowNs);
                return false;
            }
            int w = ops.send(id, scratch, 0, n, nowNs);
            if (w == -Errno.EAGAIN) {
                w = 0;
            } else if (w < 0) {
                close(id, nowNs);
                return false;
            }
            if (w < n) {
                hold(id, n - w, w);
            }
        }
        return true;
    }

    /** @return true when nothing is held any more */
    private boolean flushHeld(int id, long nowNs) {
        int w = ops.send(id, held[id], heldOff[id], heldLen[id], nowNs);
        if (w == -Errno.EAGAIN) {
            return false; // onWritable brings us back
        }
        if (w < 0) {
            close(id, nowNs);
            return false;
        }
        heldOff[id] += w;
        heldLen[id] -= w;
        return heldLen[id] == 0;
    }

    private void hold(int id, int length, int from) {
        if (held[id] == null) {
            held[id] = new byte[CHUNK]; // once per connection slot, reused by every later connection
        }
        System.arraycopy(scratch, from, held[id], 0, length);
        heldOff[id] = 0;
        heldLen[id] = length;
    }
}
