package dev.fastpath.interop;

import dev.fastpath.nativeio.Errors;
import dev.fastpath.nativeio.bpf_h;
import dev.fastpath.nativeio.net_h;
import java.io.IOException;

/**
 * Run inside a lab namespace: holds an XDP program on an interface that passes every frame to the kernel (the
 * redirect program over an empty XSKMAP), as a NIC driver's NAPI would have one — veth then delivers the frames
 * its peer sends with XDP_TX. Prints {@code ready}; the program goes with the process (a BPF link).
 */
public final class XdpPassHolder {
    private XdpPassHolder() {
    }

    /**
     * @param args the interface
     * @throws IOException never in practice (stdin)
     */
    public static void main(String[] args) throws IOException {
        int map = Errors.check("xskmap", bpf_h.mapCreate(bpf_h.BPF_MAP_TYPE_XSKMAP, 4, 4, 1, "t_pass"));
        int prog = bpf_h.progLoad(bpf_h.BPF_PROG_TYPE_XDP, bpf_h.xskRedirectProgram(map), "XDP pass");
        int ifindex = Errors.check("if_nametoindex", net_h.if_nametoindex(args[0]));
        Errors.check("link", bpf_h.linkCreate(prog, ifindex, bpf_h.BPF_XDP, bpf_h.XDP_FLAGS_DRV_MODE));
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // held until stdin closes or the process is killed
        }
    }
}
