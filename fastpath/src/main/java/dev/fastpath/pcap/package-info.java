/**
 * Classic pcap files (the libpcap format tcpdump and tshark read): a writer that any point of the
 * packet path can feed without allocating, and a reader for tests and tools.
 */
package dev.fastpath.pcap;
