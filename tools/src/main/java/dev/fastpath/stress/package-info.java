/**
 * The SYN-flood generator behind {@code fastpath flood}: SYN frames built once off-heap and patched
 * per packet with RFC 1624 incremental checksums ({@link dev.fastpath.stress.SynTemplate}), a walk over
 * source addresses × source ports that never repeats a 4-tuple ({@link dev.fastpath.stress.TupleWalker}),
 * a token bucket ({@link dev.fastpath.stress.TokenBucket}), and a receive side that counts the victim's
 * SYN-ACKs and answers ARP for the spoofed sources ({@link dev.fastpath.stress.FloodReceiver}).
 *
 * <p>Lab rule (docs/design.md): the command refuses destinations and sources outside 198.18.0.0/15, and every
 * run is bounded in count and in time.
 */
package dev.fastpath.stress;
