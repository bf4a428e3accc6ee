/**
 * The load balancer ({@code fastpath lb}): VIPs answered by the stack, each connection relayed to a backend the
 * worker picks with weighted Maglev hashing and connects to itself (docs/lb.md). The control plane (configuration,
 * health, reload) publishes immutable {@link dev.fastpath.lb.LbSnapshot}s through a
 * {@link dev.fastpath.lb.SnapshotRef}; the workers read them and own the data path.
 */
package dev.fastpath.lb;
