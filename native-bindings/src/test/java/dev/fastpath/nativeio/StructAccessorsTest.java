package dev.fastpath.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Accessors write where the layout says, including flattened nested members and the status helpers. */
class StructAccessorsTest {

    @Test
    void flattenedBlockDescriptorFields() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bd = tpacket_block_desc.allocate(arena);
            tpacket_block_desc.num_pkts(bd, 17);
            tpacket_block_desc.seq_num(bd, 0x0102030405060708L);
            tpacket_block_desc.ts_last_pkt_nsec(bd, 999);
            assertEquals(17, bd.get(ValueLayout.JAVA_INT, tpacket_block_desc.num_pkts$offset()));
            assertEquals(0x0102030405060708L, bd.get(ValueLayout.JAVA_LONG, 24));
            // ts_usec and ts_nsec share the anonymous union.
            assertEquals(999, tpacket_block_desc.ts_last_pkt_usec(bd));
            tpacket_block_desc.block_status_release(bd, socket_h.TP_STATUS_USER);
            assertEquals(socket_h.TP_STATUS_USER, tpacket_block_desc.block_status_acquire(bd));
            assertEquals(socket_h.TP_STATUS_USER, tpacket_block_desc.block_status(bd));
        }
    }

    @Test
    void statusHandshakeAndArrays() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = tpacket3_hdr.allocate(arena);
            tpacket3_hdr.tp_status_release(h, socket_h.TP_STATUS_USER | socket_h.TP_STATUS_CSUMNOTREADY);
            assertEquals(9, tpacket3_hdr.tp_status_acquire(h));
            tpacket3_hdr.tp_rxhash(h, 0xCAFE);
            assertEquals(0xCAFE, h.get(ValueLayout.JAVA_INT, 28));

            MemorySegment ll = sockaddr_ll.allocate(arena);
            sockaddr_ll.sll_protocol(ll, socket_h.htons(socket_h.ETH_P_ALL));
            assertEquals(0x00, ll.get(ValueLayout.JAVA_BYTE, 2));
            assertEquals(0x03, ll.get(ValueLayout.JAVA_BYTE, 3), "network byte order");
            sockaddr_ll.sll_addr(ll, 5, (byte) 0x42);
            assertEquals(0x42, sockaddr_ll.sll_addr(ll).get(ValueLayout.JAVA_BYTE, 5));
            assertEquals(8, sockaddr_ll.sll_addr(ll).byteSize());
        }
    }

    @Test
    void nestedRingOffsetsAndUnionSizedAttrs() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment off = xdp_mmap_offsets.allocate(arena);
            xdp_ring_offset.desc(xdp_mmap_offsets.cr(off), 320);
            assertEquals(320, off.get(ValueLayout.JAVA_LONG, 3 * xdp_ring_offset.sizeof() + 16));
            MemorySegment lc = bpf_attr_link_create.allocate(arena);
            bpf_attr_link_create.target_ifindex(lc, 3);
            assertEquals(3, bpf_attr_link_create.target_fd(lc), "target_fd and target_ifindex share a union");
            assertEquals(bpf_attr_map_create.sizeof(), bpf_attr_prog_load.sizeof());
            assertEquals(bpf_attr_map_elem.sizeof(), bpf_attr_link_create.sizeof());
        }
    }
}
