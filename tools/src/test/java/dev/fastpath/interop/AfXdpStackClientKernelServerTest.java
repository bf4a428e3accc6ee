package dev.fastpath.interop;

/** {@link StackClientKernelServerTest} on AF_XDP (copy mode on veth). */
class AfXdpStackClientKernelServerTest extends StackClientKernelServerTest {
    @Override
    String io() {
        return "af_xdp";
    }
}
