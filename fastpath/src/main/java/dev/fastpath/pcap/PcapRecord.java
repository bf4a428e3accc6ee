package dev.fastpath.pcap;

import java.util.Arrays;
import java.util.Objects;

/**
 * One captured frame.
 *
 * @param timeNs         timestamp in nanoseconds (microsecond files are scaled up)
 * @param originalLength the frame's length on the wire
 * @param data           the captured bytes (possibly cut at the snapshot length)
 */
public record PcapRecord(long timeNs, int originalLength, byte[] data) {
    /** Copies the data. */
    public PcapRecord {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcapRecord r && r.timeNs == timeNs && r.originalLength == originalLength
                && Arrays.equals(r.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timeNs, originalLength, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "PcapRecord[t=" + timeNs + "ns, " + data.length + "/" + originalLength + " bytes]";
    }
}
