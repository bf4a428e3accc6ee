package dev.fastpath.poll;

/** A worker's own counters; Fastpath's, so they start with {@code Fp}. (Frames: {@code iface.LinkStat}.) */
public enum WorkerStat {
    /** Bytes the worker's thread allocated while it ran (set when it stops). */
    FpWorkerAllocatedBytes
}
