/**
 * Demo servers that run to completion on a worker thread: {@code echo}, {@code discard} and a tiny
 * {@code http} responder. They hear the engine through {@link dev.fastpath.tcp.TcpEvents}, queue the
 * socket ids they heard about, and serve them after each RX burst (never inside the engine's own call
 * stack), allocating nothing per event once every connection slot has been used once.
 */
package dev.fastpath.apps;
