/**
 * Wire formats: flyweight views over {@link java.lang.foreign.MemorySegment} for Ethernet II (with
 * 802.1Q/802.1ad tag skipping), ARP, IPv4, ICMP and TCP with its options, the Internet checksum, and
 * value records for tests and slow paths.
 *
 * <h2>The contract</h2>
 * Untrusted bytes are only ever read through {@link dev.fastpath.wire.FrameParser}: it checks every
 * length (frame, header, IHL, total length, data offset, each option's length) <em>before</em> it reads
 * the field that depends on it, and turns anything it cannot accept into a {@link
 * dev.fastpath.wire.DropReason} — it never throws and never reads past the frame. Once a frame has
 * been accepted, the flyweights it wrapped ({@code ethernet()}, {@code ipv4()}, {@code tcp()}, …) can be
 * read freely: no accessor can fail or read outside the frame. Flyweights themselves do not check
 * lengths (that would cost on every access); wrapping one over unchecked memory is the caller's bug.
 *
 * <p>All multi-byte fields are big-endian on the wire; accessors return host values. IPv4 addresses
 * are {@code int} (198.18.0.1 is {@code 0xC6120001}), ports and 16-bit fields are {@code int} in
 * 0..65535, MAC addresses are {@code long} (48 bits in the low bits), sequence numbers are {@code int}
 * (compare with modular arithmetic). Setters share the getter's name and return {@code this}.
 *
 * <p>Nothing here allocates per packet: flyweights and {@link dev.fastpath.wire.ParsedFrame} are
 * reused by their owner (one per worker thread; none of them is thread-safe).
 */
package dev.fastpath.wire;
