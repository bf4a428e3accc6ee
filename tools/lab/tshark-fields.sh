#!/usr/bin/env bash
# Prints the header fields tshark decodes from a pcap, one tab-separated line per frame, first
# occurrence of each field (so an ICMP error's quoted header does not shadow the outer one).
# The wire tests compare Fastpath's parsers against exactly these columns.
set -euo pipefail
FIELDS=(frame.number frame.len eth.dst eth.src eth.type
    arp.opcode arp.src.hw_mac arp.src.proto_ipv4 arp.dst.hw_mac arp.dst.proto_ipv4
    ip.len ip.id ip.flags ip.ttl ip.proto ip.checksum ip.src ip.dst
    icmp.type icmp.code icmp.checksum
    tcp.srcport tcp.dstport tcp.seq_raw tcp.ack_raw tcp.hdr_len tcp.flags tcp.window_size_value
    tcp.checksum tcp.urgent_pointer tcp.len tcp.options.mss_val tcp.options.wscale.shift
    tcp.options.sack_perm tcp.options.timestamp.tsval tcp.options.timestamp.tsecr
    ip.checksum.status icmp.checksum.status tcp.checksum.status _ws.malformed _ws.expert.message)
args=()
for f in "${FIELDS[@]}"; do args+=(-e "$f"); done
tshark -r "$1" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -T fields -E header=y \
    -E separator=/t -E occurrence=f "${args[@]}"
