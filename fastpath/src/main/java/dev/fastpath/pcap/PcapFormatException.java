package dev.fastpath.pcap;

import java.io.IOException;

/** A file that is not a classic pcap capture, or is cut short inside a header. */
public final class PcapFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and where */
    public PcapFormatException(String message) {
        super(message);
    }
}
