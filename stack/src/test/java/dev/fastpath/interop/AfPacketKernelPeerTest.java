package dev.fastpath.interop;

/** {@link KernelPeerTests} on AF_PACKET (TPACKET_V3 rings; the kernel flags partial checksums). */
class AfPacketKernelPeerTest extends KernelPeerTests {
    @Override
    String io() {
        return "af_packet";
    }
}
