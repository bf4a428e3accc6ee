package dev.fastpath.lb;

/**
 * A pool's active health check (docs/lb.md, "Health"): every {@code interval} each backend gets a probe from the
 * stack — a TCP connect, or an HTTP/1.0 GET whose status line must carry {@code expectStatus} — that fails when it
 * is refused, reset, or not done within {@code timeout}. {@code fall} failures in a row take an UP backend DOWN,
 * {@code rise} successes in a row bring a DOWN one back; {@code fall} connect failures in a row on client traffic
 * take it DOWN too (passive ejection). Immutable.
 *
 * @param http         HTTP GET instead of a bare connect
 * @param intervalNs   time between the starts of two probes of one backend
 * @param timeoutNs    a probe not done by then failed
 * @param rise         successes in a row that bring a backend UP
 * @param fall         failures in a row that take it DOWN
 * @param path         the GET's path
 * @param expectStatus the status an HTTP probe expects
 */
public record HealthSpec(boolean http, long intervalNs, long timeoutNs, int rise, int fall, String path,
        int expectStatus) {
}
