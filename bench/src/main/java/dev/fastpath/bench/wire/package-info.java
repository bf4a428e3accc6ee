/** JMH benchmarks for the wire formats: parsing and checksums. */
package dev.fastpath.bench.wire;
