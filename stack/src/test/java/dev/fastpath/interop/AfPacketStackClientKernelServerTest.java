package dev.fastpath.interop;

/** {@link StackClientKernelServerTest} on AF_PACKET. */
class AfPacketStackClientKernelServerTest extends StackClientKernelServerTest {
    @Override
    String io() {
        return "af_packet";
    }
}
