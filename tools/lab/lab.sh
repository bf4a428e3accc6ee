#!/usr/bin/env bash
# The lab: two network namespaces joined by one veth pair, for tests and demos that need a real link
# (docs/design.md, "The lab"). Both ends of the veth live inside namespaces this script creates — the pair
# is created inside namespace A with its peer placed straight into namespace B, so no end ever
# appears in the root namespace — and only addresses from 198.18.0.0/15 are used.
#
# usage: tools/lab/lab.sh up NAME [QUEUES]  create fpA-NAME and fpB-NAME (idempotent), print their names;
#                                       QUEUES (default 1): RX and TX queues on both veth ends
#        tools/lab/lab.sh down [NAME]   delete fpA-NAME/fpB-NAME and every stale lab namespace
#                                       (without NAME: every lab namespace, fp[AB]-*)
#        tools/lab/lab.sh status [NAME] list lab namespaces (alive or stale)
#
# Layout:   fpA-NAME: veth-a 198.18.0.1/24 02:00:c6:12:00:01  <-->  fpB-NAME: veth-b 198.18.0.2/24 02:00:c6:12:00:02
#
# Crash safety: a NAME that starts with a process id ("<pid>-...", what dev.fastpath.lab.Lab uses)
# is stale once that process is gone; every `up` and `down` removes stale namespaces, so a test run
# that died leaves nothing behind after the next one. Processes still running inside a namespace
# being deleted are killed by id (they can only be ones the lab's users started there).
set -euo pipefail

PREFIX_A=fpA-
PREFIX_B=fpB-
IP_A=198.18.0.1
IP_B=198.18.0.2
MAC_A=02:00:c6:12:00:01
MAC_B=02:00:c6:12:00:02
IF_A=veth-a
IF_B=veth-b

die() {
    echo "lab.sh: $*" >&2
    exit 1
}

valid_name() {
    [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,40}$ ]] || die "bad lab name '$1' (letters, digits, _ . -; at most 41)"
}

# Every namespace this script may own: fpA-* and fpB-*.
lab_namespaces() {
    ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^(${PREFIX_A}|${PREFIX_B})" || true
}

# A namespace is stale when its name carries the id of a process that no longer exists.
is_stale() {
    local name=${1#fp?-}
    local pid=${name%%-*}
    [[ "$pid" =~ ^[0-9]+$ && "$pid" != "$name" ]] || return 1
    ! kill -0 "$pid" 2>/dev/null
}

delete_ns() {
    local ns=$1 pids
    ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "$ns" || return 0
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    if [[ -n "$pids" ]]; then
        # shellcheck disable=SC2086
        kill -KILL $pids 2>/dev/null || true
    fi
    # Deleting the namespace destroys the veth end inside it, and with it the peer.
    ip netns del "$ns" 2>/dev/null || true
}

clean_stale() {
    local ns
    for ns in $(lab_namespaces); do
        if is_stale "$ns"; then
            delete_ns "$ns"
        fi
    done
}

in_ns() {
    local ns=$1
    shift
    ip netns exec "$ns" "$@"
}

lab_up() {
    local name=$1 a=${PREFIX_A}$1 b=${PREFIX_B}$1 queues=${2:-1}
    clean_stale
    # Reused only when it has the asked-for queue count (/sys/class/net/IF/queues/rx-N per RX queue).
    if in_ns "$a" ip link show "$IF_A" >/dev/null 2>&1 && in_ns "$b" ip link show "$IF_B" >/dev/null 2>&1 \
        && [[ $(in_ns "$a" sh -c "ls -d /sys/class/net/$IF_A/queues/rx-* | wc -l") -eq $queues ]]; then
        echo "$a $b"
        return 0
    fi
    # Half-built (an earlier up died midway): start over.
    delete_ns "$a"
    delete_ns "$b"
    trap 'delete_ns "$a"; delete_ns "$b"' ERR
    ip netns add "$a"
    ip netns add "$b"
    for ns in "$a" "$b"; do
        # No IPv6 chatter (router/neighbour solicitations, MLD) on the lab link: tests count frames.
        in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        ip -n "$ns" link set lo up
    done
    # Created inside A, peer moved straight into B: neither end ever exists in the root namespace.
    # numrxqueues/numtxqueues on both ends: with N queues, native XDP on veth delivers a frame on the RX queue
    # the sender's TX queue selection picked (veth_xmit uses skb_get_queue_mapping), so AF_XDP sockets on
    # several queues all get traffic; one queue (the default) is the old single-queue lab.
    ip -n "$a" link add "$IF_A" address "$MAC_A" numtxqueues "$queues" numrxqueues "$queues" type veth \
        peer name "$IF_B" address "$MAC_B" numtxqueues "$queues" numrxqueues "$queues" netns "$b"
    ip -n "$a" addr add "$IP_A/24" dev "$IF_A"
    ip -n "$b" addr add "$IP_B/24" dev "$IF_B"
    ip -n "$a" link set "$IF_A" up
    ip -n "$b" link set "$IF_B" up
    trap - ERR
    echo "$a $b"
}

lab_down() {
    if [[ $# -ge 1 ]]; then
        delete_ns "${PREFIX_A}$1"
        delete_ns "${PREFIX_B}$1"
        clean_stale
    else
        local ns
        for ns in $(lab_namespaces); do
            delete_ns "$ns"
        done
    fi
}

lab_status() {
    local ns state
    for ns in $(lab_namespaces); do
        if [[ $# -ge 1 && "$ns" != "${PREFIX_A}$1" && "$ns" != "${PREFIX_B}$1" ]]; then
            continue
        fi
        state=alive
        if is_stale "$ns"; then
            state=stale
        fi
        echo "$ns $state"
    done
}

[[ $# -ge 1 ]] || die "usage: $0 up NAME [QUEUES] | down [NAME] | status [NAME]"
cmd=$1
shift
[[ $(id -u) -eq 0 ]] || die "needs root (network namespaces)"
if [[ $# -ge 1 ]]; then
    valid_name "$1"
fi
case "$cmd" in
    up)
        [[ $# -eq 1 || $# -eq 2 ]] || die "usage: $0 up NAME [QUEUES]"
        if [[ $# -eq 2 ]]; then
            [[ "$2" =~ ^[0-9]+$ && $2 -ge 1 && $2 -le 64 ]] || die "QUEUES must be 1..64, not '$2'"
        fi
        lab_up "$@"
        ;;
    down) lab_down "$@" ;;
    status) lab_status "$@" ;;
    *) die "unknown command '$cmd' (up, down, status)" ;;
esac
