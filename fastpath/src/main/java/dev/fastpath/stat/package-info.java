/**
 * Counters one thread writes and any thread reads while it runs: each slot is written by its owner (a
 * worker) with a release store and read elsewhere with an acquire load, so a reader never sees a torn value
 * and a value it sees is one the owner wrote. A stats thread, or the load balancer's Prometheus endpoint,
 * reads them live; nothing waits for the workers to stop.
 */
package dev.fastpath.stat;
