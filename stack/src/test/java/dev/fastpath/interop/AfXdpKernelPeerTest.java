package dev.fastpath.interop;

/** {@link KernelPeerTests} on AF_XDP (copy mode on veth; partial checksums arrive unflagged). */
class AfXdpKernelPeerTest extends KernelPeerTests {
    @Override
    String io() {
        return "af_xdp";
    }
}
