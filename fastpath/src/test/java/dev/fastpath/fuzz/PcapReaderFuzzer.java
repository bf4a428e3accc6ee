package dev.fastpath.fuzz;

import dev.fastpath.pcap.PcapFormatException;
import dev.fastpath.pcap.PcapReader;

/** Fuzz target: the pcap reader may only ever refuse with {@link PcapFormatException}. */
public final class PcapReaderFuzzer {
    private PcapReaderFuzzer() {
    }

    /**
     * @param data a whole file
     */
    public static void fuzzerTestOneInput(byte[] data) {
        try {
            PcapReader.read(data);
        } catch (PcapFormatException expected) {
            // a clear refusal is the right answer
        }
    }
}
