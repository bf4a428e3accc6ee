package dev.fastpath.tcp;

import static dev.fastpath.uapi.SocketConstants.IP_BIND_ADDRESS_NO_PORT;
import static dev.fastpath.uapi.SocketConstants.IP_LOCAL_PORT_RANGE;
import static dev.fastpath.uapi.SocketConstants.IP_MTU_DISCOVER;
import static dev.fastpath.uapi.SocketConstants.IP_PMTUDISC_DO;
import static dev.fastpath.uapi.SocketConstants.IP_PMTUDISC_DONT;
import static dev.fastpath.uapi.SocketConstants.IP_PMTUDISC_WANT;
import static dev.fastpath.uapi.SocketConstants.IP_TOS;
import static dev.fastpath.uapi.SocketConstants.SOL_IP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastpath.uapi.Errno;
import dev.fastpath.wire.EthernetFrame;
import dev.fastpath.wire.Ipv4Header;
import dev.fastpath.wire.Ipv4Packet;
import dev.fastpath.wire.MalformedPacketException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The SOL_IP options a TCP socket has (ip_sockglue.c do_ip_setsockopt()/do_ip_getsockopt()): IP_TOS, whose
 * DSCP bits ride on every segment while the ECN bits stay TCP's; IP_MTU_DISCOVER, which decides DF
 * (ip_dont_fragment()); IP_BIND_ADDRESS_NO_PORT and IP_LOCAL_PORT_RANGE, which connect() reads.
 */
class IpSocketOptionsTest {
    private final EngineFixture t = new EngineFixture();

    /** The IPv4 headers of what the engine sent. */
    private List<Ipv4Packet> sentHeaders() {
        List<Ipv4Packet> out = new ArrayList<>();
        t.link.b().receive((buf, off, len, flags) -> {
            try {
                EthernetFrame eth = EthernetFrame.parse(buf, off, len);
                out.add(Ipv4Packet.parse(MemorySegment.ofArray(eth.payload()), 0, eth.payload().length));
            } catch (MalformedPacketException e) {
                throw new AssertionError(e);
            }
        }, 100);
        return out;
    }

    @Test
    @DisplayName("IP_TOS: the DSCP bits go on the SYN and on data; the ECN bits of the value are not taken")
    void tosOnEverySegment() {
        int c = t.api.socket();
        assertEquals(0, t.opts.setInt(c, SOL_IP, IP_TOS, 0x2B, t.now())); // DSCP 0x28 + ECN bits 3
        assertEquals(0x28, t.opts.getInt(c, SOL_IP, IP_TOS));
        assertEquals(-Errno.EINPROGRESS, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
        List<Ipv4Packet> syn = sentHeaders();
        assertEquals(1, syn.size());
        assertEquals(0x28, syn.getFirst().tos());
        assertEquals(0, t.opts.setInt(c, SOL_IP, IP_TOS, 0, t.now()));
        assertEquals(0, t.opts.getInt(c, SOL_IP, IP_TOS));
    }

    @Test
    @DisplayName("IP_MTU_DISCOVER: DF with WANT (the default) and DO, none with DONT; a value past OMIT is EINVAL")
    void mtuDiscoverDecidesDf() {
        int[] values = {IP_PMTUDISC_WANT, IP_PMTUDISC_DO, IP_PMTUDISC_DONT};
        boolean[] df = {true, true, false};
        for (int i = 0; i < values.length; i++) {
            int c = t.api.socket();
            if (i > 0) {
                assertEquals(0, t.opts.setInt(c, SOL_IP, IP_MTU_DISCOVER, values[i], t.now()));
            }
            assertEquals(values[i], t.opts.getInt(c, SOL_IP, IP_MTU_DISCOVER));
            assertEquals(-Errno.EINPROGRESS, t.api.connect(c, EngineFixture.PEER_IP, 80 + i, t.now()));
            List<Ipv4Packet> syn = sentHeaders();
            assertEquals(1, syn.size());
            assertEquals(df[i], (syn.getFirst().flagsFragment() & Ipv4Header.FLAG_DF) != 0, "value " + values[i]);
        }
        int c = t.api.socket();
        assertEquals(-Errno.EINVAL, t.opts.setInt(c, SOL_IP, IP_MTU_DISCOVER, 6, t.now()));
        assertEquals(-Errno.EINVAL, t.opts.setInt(c, SOL_IP, IP_MTU_DISCOVER, -1, t.now()));
    }

    @Test
    @DisplayName("IP_LOCAL_PORT_RANGE: connect() picks inside it; lo > hi is EINVAL; outside the system range the"
            + " system's bound stands")
    void localPortRange() {
        int c = t.api.socket();
        assertEquals(-Errno.EINVAL, t.opts.setInt(c, SOL_IP, IP_LOCAL_PORT_RANGE, 40000 << 16 | 40010, t.now()));
        assertEquals(0, t.opts.setInt(c, SOL_IP, IP_LOCAL_PORT_RANGE, 40001 << 16 | 40000, t.now()));
        assertEquals(40001 << 16 | 40000, t.opts.getInt(c, SOL_IP, IP_LOCAL_PORT_RANGE));
        assertEquals(-Errno.EINPROGRESS, t.api.connect(c, EngineFixture.PEER_IP, 80, t.now()));
        int port = t.recvFlags(dev.fastpath.wire.TcpHeader.SYN).sourcePort();
        assertTrue(port == 40000 || port == 40001, "port " + port);
        int d = t.api.socket();
        assertEquals(0, t.opts.setInt(d, SOL_IP, IP_LOCAL_PORT_RANGE, 2, t.now())); // lo 2: below 32768, ignored
        assertEquals(-Errno.EINPROGRESS, t.api.connect(d, EngineFixture.PEER_IP, 80, t.now()));
        assertTrue(t.recvFlags(dev.fastpath.wire.TcpHeader.SYN).sourcePort() >= 32768);
    }

    @Test
    @DisplayName("IP_BIND_ADDRESS_NO_PORT is kept and read back; an IP option Fastpath lacks is ENOPROTOOPT")
    void bindAddressNoPortAndUnknown() {
        int c = t.api.socket();
        assertEquals(0, t.opts.getInt(c, SOL_IP, IP_BIND_ADDRESS_NO_PORT));
        assertEquals(0, t.opts.setInt(c, SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1, t.now()));
        assertEquals(1, t.opts.getInt(c, SOL_IP, IP_BIND_ADDRESS_NO_PORT));
        assertEquals(-Errno.ENOPROTOOPT, t.opts.setInt(c, SOL_IP, 77, 1, t.now()));
        assertEquals(-Errno.ENOPROTOOPT, t.opts.getInt(c, SOL_IP, 77));
    }
}
