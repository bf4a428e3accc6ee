package dev.fastpath.lb;

/** A load-balancer configuration that cannot be used: the message names the file, the key and the reason. */
public final class LbConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message file: key: reason */
    public LbConfigException(String message) {
        super(message);
    }
}
