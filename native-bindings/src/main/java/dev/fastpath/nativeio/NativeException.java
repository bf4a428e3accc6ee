package dev.fastpath.nativeio;

/**
 * A control-plane system call failed. Carries the call's name and errno so callers can branch on the cause
 * (for example fall back from XDP_ZEROCOPY on EOPNOTSUPP) and logs say what went wrong.
 */
public final class NativeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * @param call what was called, e.g. {@code "setsockopt(PACKET_RX_RING)"}
     * @param errno the errno it failed with
     * @param message the human-readable reason (usually {@link Errors#message(int)})
     */
    public NativeException(String call, int errno, String message) {
        super(call + " failed: " + Errors.name(errno) + " (" + message + ")");
        this.call = call;
        this.errno = errno;
    }

    /** @return the call that failed */
    public String call() {
        return call;
    }

    /** @return the errno */
    public int errno() {
        return errno;
    }
}
