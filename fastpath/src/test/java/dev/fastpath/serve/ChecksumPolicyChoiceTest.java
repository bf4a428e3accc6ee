package dev.fastpath.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastpath.wire.Checksum;
import dev.fastpath.wire.ChecksumPolicy;
import dev.fastpath.wire.DropReason;
import dev.fastpath.wire.EthernetFrame;
import dev.fastpath.wire.FrameParser;
import dev.fastpath.wire.ParsedFrame;
import dev.fastpath.wire.TcpHeader;
import dev.fastpath.wire.TcpSegment;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which frames an AF_XDP worker takes with an unfinished checksum: only on a veth, whose peer is a local kernel
 * that leaves the checksum to an offload (CHECKSUM_PARTIAL); a real NIC never delivers one, so there a RST forged
 * with the pseudo-header sum in its checksum field is a bad checksum, not a reset.
 */
class ChecksumPolicyChoiceTest {
    private static final int PEER = 0xC6120002;
    private static final int LOCAL = 0xC6120001;

    /** A RST whose checksum field holds only the pseudo-header sum, whatever its payload. */
    private static byte[] forgedRst() {
        byte[] f = EthernetFrame.ipv4Tcp(0x02_00_00_00_00_01L, 0x02_00_00_00_00_02L, PEER, LOCAL,
                TcpSegment.of(50000, 80, 12345, 0, TcpHeader.RST, 0, List.of(), new byte[0]));
        int partial = Checksum.partialChecksum(PEER, LOCAL, 6, f.length - 34);
        f[34 + 16] = (byte) (partial >>> 8);
        f[34 + 17] = (byte) partial;
        return f;
    }

    private static DropReason parse(ChecksumPolicy policy, byte[] frame) {
        return new FrameParser(policy).parse(MemorySegment.ofArray(frame), 0, frame.length, 0, new ParsedFrame());
    }

    @Test
    @DisplayName("AF_XDP: the unfinished-checksum allowance only on a veth; every other device verifies strictly")
    void onlyAVethAcceptsPartialChecksums() {
        assertEquals(ChecksumPolicy.ACCEPT_PARTIAL, Server.xdpChecksumPolicy("veth"));
        for (String driver : new String[] {"mlx5_core", "ixgbe", "ice", "virtio_net", "ena", ""}) {
            assertEquals(ChecksumPolicy.STRICT, Server.xdpChecksumPolicy(driver), driver);
        }
    }

    @Test
    @DisplayName("a RST forged with the pseudo-header sum as its checksum is dropped on a NIC, taken only on a veth")
    void forgedRstIsABadChecksumOnANic() {
        byte[] rst = forgedRst();
        assertEquals(DropReason.BAD_TCP_CHECKSUM, parse(Server.xdpChecksumPolicy("ixgbe"), rst));
        assertEquals(DropReason.NONE, parse(Server.xdpChecksumPolicy("veth"), rst));
        assertEquals(DropReason.BAD_TCP_CHECKSUM, parse(ChecksumPolicy.TRUST_FLAG, rst),
                "AF_PACKET takes an unverified checksum only with the kernel's TP_STATUS_CSUMNOTREADY flag");
    }
}
