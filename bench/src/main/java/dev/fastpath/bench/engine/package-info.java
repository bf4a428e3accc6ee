/** JMH benchmarks of the TCP engine: cookies, handshakes, the connection table and the timer wheel. */
package dev.fastpath.bench.engine;
