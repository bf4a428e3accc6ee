package dev.fastpath.wire;

/**
 * Thrown by the value records' {@code parse} (the slow path) when bytes cannot be read as the header
 * asked for. It carries the same {@link DropReason} the flyweight parser would have counted.
 */
public final class MalformedPacketException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the bytes were refused. */
    private final DropReason reason;

    /**
     * @param reason why the bytes were refused (never {@link DropReason#NONE})
     * @param detail what exactly was wrong, for the message
     */
    public MalformedPacketException(DropReason reason, String detail) {
        super(reason.name() + ": " + reason.description() + " (" + detail + ")");
        this.reason = reason;
    }

    /** @return why the bytes were refused */
    public DropReason reason() {
        return reason;
    }
}
