package dev.fastpath.io.xdp;

import dev.fastpath.nativeio.bpf_h;

/**
 * Geometry and options of an {@link AfXdpIo} socket (Documentation/networking/af_xdp.rst). Ring sizes are
 * powers of two; UMEM chunks (frames) are powers of two between 2048 and the page size (aligned mode).
 *
 * @param queueId     the RX queue to bind (in SKB mode every frame of a veth arrives on queue 0)
 * @param frameSize   UMEM chunk size in bytes
 * @param rxFrames    UMEM frames for receiving; also the fill ring's size, so the fill ring can be kept full
 * @param txFrames    UMEM frames for sending; also the TX and completion rings' size
 * @param rxRingSize  RX ring entries
 * @param tryZeroCopy bind with XDP_ZEROCOPY first and fall back to XDP_COPY (with a log line) when the
 *                    driver cannot (veth: EOPNOTSUPP)
 * @param xdpFlags    how the program is attached: {@code XDP_FLAGS_SKB_MODE} (generic, works everywhere) or
 *                    {@code XDP_FLAGS_DRV_MODE} (native)
 */
public record AfXdpConfig(int queueId, int frameSize, int rxFrames, int txFrames, int rxRingSize,
        boolean tryZeroCopy, int xdpFlags) {

    /** Validates every field; the message names the field and the allowed range. */
    public AfXdpConfig {
        if (queueId < 0 || queueId > 1023) {
            throw new IllegalArgumentException("queueId = " + queueId + " is outside 0..1023");
        }
        if (frameSize < 2048 || frameSize > 4096 || Integer.bitCount(frameSize) != 1) {
            throw new IllegalArgumentException("frameSize = " + frameSize + " must be 2048 or 4096");
        }
        powerOfTwo("rxFrames", rxFrames);
        powerOfTwo("txFrames", txFrames);
        powerOfTwo("rxRingSize", rxRingSize);
        if (xdpFlags != bpf_h.XDP_FLAGS_SKB_MODE && xdpFlags != bpf_h.XDP_FLAGS_DRV_MODE) {
            throw new IllegalArgumentException("xdpFlags = " + xdpFlags + " must be XDP_FLAGS_SKB_MODE ("
                + bpf_h.XDP_FLAGS_SKB_MODE + ") or XDP_FLAGS_DRV_MODE (" + bpf_h.XDP_FLAGS_DRV_MODE + ")");
        }
    }

    /** @return this configuration on queue {@code q} */
    public AfXdpConfig withQueueId(int q) {
        return new AfXdpConfig(q, frameSize, rxFrames, txFrames, rxRingSize, tryZeroCopy, xdpFlags);
    }

    /** @return this configuration with {@code n} RX frames and an RX ring of {@code n} entries */
    public AfXdpConfig withRxFrames(int n) {
        return new AfXdpConfig(queueId, frameSize, n, txFrames, n, tryZeroCopy, xdpFlags);
    }

    /** @return this configuration with {@code n} TX frames (and TX and completion rings of {@code n} entries) */
    public AfXdpConfig withTxFrames(int n) {
        return new AfXdpConfig(queueId, frameSize, rxFrames, n, rxRingSize, tryZeroCopy, xdpFlags);
    }

    /** @return this configuration attached with {@code flags} (XDP_FLAGS_SKB_MODE or XDP_FLAGS_DRV_MODE) */
    public AfXdpConfig withXdpFlags(int flags) {
        return new AfXdpConfig(queueId, frameSize, rxFrames, txFrames, rxRingSize, tryZeroCopy, flags);
    }

    /**
     * Queue 0, 2 KiB frames, 2048 RX and 2048 TX frames (8 MiB of UMEM), zero-copy tried first, SKB mode.
     *
     * @return the defaults
     */
    public static AfXdpConfig defaults() {
        return new AfXdpConfig(0, 2048, 2048, 2048, 2048, true, bpf_h.XDP_FLAGS_SKB_MODE);
    }

    /** @return UMEM bytes */
    public long umemBytes() {
        return (long) frameSize * (rxFrames + txFrames);
    }

    private static void powerOfTwo(String key, int value) {
        if (value < 8 || value > (1 << 20) || Integer.bitCount(value) != 1) {
            throw new IllegalArgumentException(key + " = " + value + " must be a power of two in 8..1048576");
        }
    }
}
