package dev.fastpath.io.afpacket;

import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.NativeException;
import dev.fastpath.nativeio.bpf_h;
import dev.fastpath.nativeio.net_h;
import dev.fastpath.nativeio.unistd_h;

/**
 * Keeps the kernel's own stack away from the stack's address on an interface that AF_PACKET serves: a tcx
 * ingress program ({@link bpf_h#tcDropIpv4BlockProgram}) drops IPv4 to the address and ARP asking for it. tcx
 * ingress runs after the packet taps ({@code __netif_receive_skb_core()}: taps, then ingress, then the protocol
 * handlers), so the AF_PACKET socket still receives every frame; the kernel neither answers them (no RST for the
 * stack's connections, no ARP reply of its own) nor spends IP work on them — under a SYN flood that work ran on
 * the worker's core. Attached through a BPF link: closing it, or the process dying, detaches it.
 */
public final class KernelIngressDrop implements AutoCloseable {

    private final int progFd;
    private final int linkFd;
    private boolean closed;

    private KernelIngressDrop(int progFd, int linkFd) {
        this.progFd = progFd;
        this.linkFd = linkFd;
    }

    /**
     * Loads the program and attaches it to {@code ifname}'s tcx ingress (Linux 6.6+), in the calling thread's
     * network namespace.
     *
     * @param ifname  the interface
     * @param address the stack's address (host order)
     * @return the attachment
     * @throws NativeException naming the call that failed (EINVAL from BPF_LINK_CREATE: a kernel without tcx)
     */
    public static KernelIngressDrop attach(String ifname, int address) {
        int ifindex = Errors.check("if_nametoindex(" + ifname + ")", net_h.if_nametoindex(ifname));
        int prog = bpf_h.progLoad(bpf_h.BPF_PROG_TYPE_SCHED_CLS, bpf_h.tcDropIpv4BlockProgram(address, 32),
            "SCHED_CLS ingress drop");
        int link = bpf_h.linkCreate(prog, ifindex, bpf_h.BPF_TCX_INGRESS, 0);
        if (link < 0) {
            unistd_h.close(prog);
            throw new NativeException("bpf(BPF_LINK_CREATE, BPF_TCX_INGRESS, " + ifname + ")", -link,
                Errors.message(link));
        }
        return new KernelIngressDrop(prog, link);
    }

    /** Detaches (closes the link) and frees the program. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        unistd_h.close(linkFd);
        unistd_h.close(progFd);
    }
}
