# shellcheck shell=bash
# mesh_lib.sh: what the mesh tests (mesh.sh, nat.sh) and the relay benchmark share (sourced, after
# netns_lib.sh). The caller sets `tulled` and `tullectl` (the programs) and defines
# `node_ns NODE` (NODE's network namespace); each node keeps its folders in $work/NODE.
#
#   ctl NODE ARGS...           tullectl against NODE's tulled (gives up after 60 s)
#   wgn NODE ARGS...           wg(8) inside NODE's tulled's namespaces (its own /var/run/wireguard)
#   py EXPR                    the Python expression EXPR with d = the JSON on stdin; prints the
#                              result (a list one item a line; True/False as the exit status)
#   now, seconds T0 T1         wall time; T1 - T0 as "1.23"
#   within SECONDS CMD...      CMD until it succeeds, for at most SECONDS of wall time
#   start NODE GROUP [ARGS...] NODE's tulled in the service mode (control socket for GROUP), in a
#                              mount namespace of its own whose /var/run/wireguard is a tmpfs;
#                              ARGS go to tulled; sets tulled_pid[NODE]; returns once it serves
#   sniffer                    $work/sniff.py IF OUT: an AF_PACKET sniffer (as tcpdump), a line a
#                              packet to OUT: way, protocol, addresses, ports, a UDP payload's
#                              first 4 bytes in hex; "ready" first
#
# Every tulled gets its own mount namespace: each names a network's tunnel after the network, and
# wg(8)'s sockets live in that one folder, so wg(8) reaches a node's tunnel through nsenter.

# work, wg_run, pid (netns_lib.sh) and tulled, tullectl (the caller) are set elsewhere.
# shellcheck disable=SC2154

declare -A tulled_pid=() # node -> the PID of its tulled

ctl() {
    local node=$1
    shift
    timeout 60 "$tullectl" --socket "$work/$node/run/tulled.sock" "$@"
}
wgn() {
    local node=$1
    shift
    timeout 5 nsenter --target "${tulled_pid[$node]}" --mount --net wg "$@"
}

cat >"$work/py.py" <<'PY'
import json, sys
d = json.load(sys.stdin)
r = eval(sys.argv[1], {"d": d})
if isinstance(r, bool):
    sys.exit(0 if r else 1)
for x in r if isinstance(r, list) else [r]:
    print(x)
PY
# The interpreter itself: a version manager's shim (pyenv's) takes over half a second a start.
python=$(python3 -c 'import sys; print(sys.executable)') || skip "python3 does not start"
py() { "$python" "$work/py.py" "$1"; }
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# (wait_for counts tries, and a ping that fails takes a second: this counts wall time.)
within() {
    local end=$(($(date +%s%N) + $1 * 1000000000))
    shift
    while ! "$@"; do
        (($(date +%s%N) < end)) || return 1
        sleep 0.1
    done
}

mkdir -p "$wg_run" # as wireguard-go makes it: each tulled's own is mounted over it
start() {
    local node=$1 group=$2 dir=$work/$1
    shift 2
    mkdir -p "$dir/etc" "$dir/state" "$dir/run"
    # shellcheck disable=SC2016 # $0 and $@ are sh's
    spawn "$(node_ns "$node")" "$work/$node.log" unshare --mount --propagation private sh -c \
        'mount -t tmpfs -o mode=0755 tmpfs /var/run/wireguard && exec "$0" "$@"' \
        "$tulled" --socket "$dir/run/tulled.sock" --config-dir "$dir/etc" \
        --state-dir "$dir/state" --group "$group" "$@"
    tulled_pid[$node]=$pid # ip netns exec, unshare and sh exec: this is tulled itself
    wait_for 10 test -S "$dir/run/tulled.sock" && ctl "$node" status >/dev/null && return 0
    echo "tulled on $node is not serving $dir/run/tulled.sock:"
    tail -n 5 "$work/$node.log"
    return 1
}

sniffer() {
    cat >"$work/sniff.py" <<'PY'
import socket, struct, sys
ifname, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0003))
s.bind((ifname, 0))
with open(out, "a", buffering=1) as f:
    print("ready", file=f)
    while True:
        data, where = s.recvfrom(65535)
        way = "out" if where[2] == socket.PACKET_OUTGOING else "in"
        if len(data) >= 20 and data[0] >> 4 == 4:
            start, proto, family, a, b = (data[0] & 15) * 4, data[9], socket.AF_INET, 12, 16
        elif len(data) >= 40 and data[0] >> 4 == 6:
            start, proto, family, a, b = 40, data[6], socket.AF_INET6, 8, 24
        else:
            print(way, "other", len(data), file=f)
            continue
        size = b - a
        src, dst = (socket.inet_ntop(family, data[x:x + size]) for x in (a, b))
        ports, head = ("-", "-"), "-"
        if proto in (6, 17) and len(data) >= start + 4:
            ports = struct.unpack("!HH", data[start:start + 4])
        if proto == 17:
            head = data[start + 8:start + 12].hex() or "-"
        print(way, proto, src, dst, *ports, head, file=f)
PY
}
