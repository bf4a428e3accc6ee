/** Timers: a hashed timer wheel with O(1) arm and cancel and bounded expiry per poll. */
package dev.fastpath.timer;
