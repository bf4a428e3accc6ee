/**
 * The AF_PACKET backend: a TPACKET_V3 RX ring and TX ring mapped into the process, read and written in
 * place (Documentation/networking/packet_mmap.rst).
 */
package dev.fastpath.io.afpacket;
