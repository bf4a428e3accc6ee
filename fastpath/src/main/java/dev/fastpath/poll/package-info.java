/**
 * Workers: one Agrona {@link org.agrona.concurrent.Agent} per packet ring, each owning its TCP engine,
 * neighbour cache and application, running a bounded duty cycle (RX burst → parse → ARP/ICMP or TCP →
 * application → timers → TX flush) under a configurable idle strategy, optionally pinned to a CPU.
 */
package dev.fastpath.poll;
