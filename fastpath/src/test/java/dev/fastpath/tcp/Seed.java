package dev.fastpath.tcp;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The seed checklist steps (docs/SEED-CHECKLIST.md) a test proves: put it only on a test that drives
 * exactly that step and asserts its outcome on the wire or in the socket. {@link SeedCoverageTest}
 * checks the mapping against the checklist: every id claimed, no unknown id, and no {@code @DisplayName}
 * naming an id its test does not claim (no incidental mentions).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Seed {
    /** @return step ids, e.g. {@code "H8"} */
    String[] value();
}
