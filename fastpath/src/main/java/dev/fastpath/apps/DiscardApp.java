package dev.fastpath.apps;

import dev.fastpath.uapi.Errno;
import dev.fastpath.config.Config;

/** Discard (RFC 863 over TCP): reads and forgets everything; closes when the peer does. */
public final class DiscardApp extends AppBase {
    private static final int ROUNDS = 16;
    private final byte[] scratch = new byte[64 * 1024];
    private long discardedBytes;

    /** @param config sizes */
    public DiscardApp(Config config) {
        super(config);
    }

    @Override
    void opened(int id) {
    }

    @Override
    boolean serve(int id, long nowNs) {
        for (int round = 0; round < ROUNDS; round++) {
            int n = ops.recv(id, scratch, 0, scratch.length, nowNs);
            if (n == -Errno.EAGAIN) {
                return false;
            }
            if (n <= 0) {
                close(id, nowNs);
                return false;
            }
            discardedBytes += n;
        }
        return true;
    }

    /** @return bytes read and dropped so far */
    public long discardedBytes() {
        return discardedBytes;
    }
}
