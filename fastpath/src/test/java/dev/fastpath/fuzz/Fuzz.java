package dev.fastpath.fuzz;

/** Invariant checks inside fuzz targets: a failed check is a finding. */
final class Fuzz {
    private Fuzz() {
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}
