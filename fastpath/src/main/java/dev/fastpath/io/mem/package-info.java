/** An in-memory link with a virtual clock: whole TCP conversations in microseconds, deterministic. */
package dev.fastpath.io.mem;
