/**
 * The AF_XDP backend: a UMEM, its fill and completion rings, an XSK's RX and TX rings, and the
 * six-instruction XDP program that redirects an interface's frames to the socket
 * (Documentation/networking/af_xdp.rst).
 */
package dev.fastpath.io.xdp;
