/**
 * Packet I/O backends behind {@link dev.fastpath.io.PacketIo}: AF_XDP and AF_PACKET rings, and the
 * in-memory link used by tests and benchmarks.
 */
package dev.fastpath.io;
