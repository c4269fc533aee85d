#!/usr/bin/env bash
# relay_bench.sh: what the relay through the lighthouse costs (issue #17): iperf3 between two
# mesh members over their tunnel, once on the direct path and once through the relay, in the
# same run; printed: Mbit/s of each, and the lighthouse tulled's CPU seconds per GB relayed.
# Reports only; asserts nothing (the path each run took is printed too: a run whose path is not
# the one it is named for says so). Not run by ctest.
#
#   the NAT lab (tests/nat_lab.sh): l the lighthouse, public (udp 51820); a behind easy NAT e1,
#   b behind easy NAT e2. Direct: as they are (easy NATs let both sides punch). Relay: UDP between
#   the homes blocked at the router (lab_block_udp), the lighthouse still reachable.
#
# Usage (as root, after `ninja -C build/default tulled tullectl`): tests/bench/relay_bench.sh
#   TULLED=path TULLECTL=path (default: build/default/... beside this script's repository)
#   SECONDS_PER_RUN=10 (iperf3 -t)   KEEP_LOGS=1 keeps the daemons' logs
# CPU per GB: utime + stime of l's tulled from /proc/PID/stat before and after the relayed run,
# over the bytes iperf3's JSON says it received (end.sum_received.bytes). Namespaces only: nothing
# leaves them; all of it goes on exit.

# `A && B || fail`: fail exits, whichever of A and B failed.
# shellcheck disable=SC2015
set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
# shellcheck source=SCRIPTDIR/../nat_lab.sh
source "$(dirname "$0")/../nat_lab.sh"
need_root
need ip nft wg iperf3 python3 unshare nsenter mount groupadd groupdel timeout getconf
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tulled=${TULLED:-$here/../../build/default/daemon/tulled}
tullectl=${TULLECTL:-$here/../../build/default/ctl/tullectl}
[[ -x $tulled ]] || skip "tulled not found at $tulled (set TULLED)"
[[ -x $tullectl ]] || skip "tullectl not found at $tullectl (set TULLECTL)"
run_seconds=${SECONDS_PER_RUN:-10}
hz=$(getconf CLK_TCK)
net="rb$$"
group="tulle-$$-rb"

node_ns() { lab_ns "$1"; }
# shellcheck source=SCRIPTDIR/../integration/mesh_lib.sh
source "$here/../integration/mesh_lib.sh" # ctl, wgn, py, now, seconds, within, start

fail() {
    echo "relay_bench: $*" >&2
    for log in l a b; do [[ -s $work/$log.log ]] && tail -n 5 "$work/$log.log" >&2; done
    exit 1
}

lab_init "rb$$" && lab_public l && lab_nat e1 easy && lab_host a e1 &&
    lab_nat e2 easy && lab_host b e2 || fail "the lab"
groupadd "$group" && on_exit groupdel "$group" || fail "groupadd $group"
for node in l a b; do start "$node" "$group" || fail "tulled on $node"; done
ctl l network create "$net" --address 10.98.0.0/16 --endpoint "$(lab_ip l):51820" >/dev/null ||
    fail "network create"
for node in a b; do
    line=$(ctl l network invite "$net" --name "$node" 2>/dev/null) &&
        ctl "$node" network join "$line" --timeout 20 >/dev/null || fail "$node's join"
done
members=$(ctl l network members "$net" --json)
addr_b=$(py "[m['addresses'][0].split('/')[0] for m in d['members'] if m['name'] == 'b'][0]" <<<"$members")
key_b=$(py "[m['public_key'] for m in d['members'] if m['name'] == 'b'][0]" <<<"$members")
path_ab() {
    ctl a peers "$net" --json |
        py "[' '.join((p.get('path') or {}).get(k) or '-' for k in ('kind', 'endpoint', 'via'))
             for p in d['peers'] if p['public_key'] == '$key_b'][0]" 2>/dev/null || echo "?"
}
path_is() { [[ $(path_ab) == "$1 "* ]]; }
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; } # utime + stime

lab_spawn b "$work/iperf3-server.log" iperf3 -s -B "$addr_b"
wait_for 10 lab_exec a ping -n -q -c 1 -W 1 "$addr_b" >/dev/null || fail "a does not reach b"

# run NAME KIND: iperf3 a -> b; prints Mbit/s, the path, and l's CPU per GB.
run() {
    local name=$1 kind=$2 t0 t1 json bytes bps
    within 15 path_is "$kind" ||
        echo "# $name: the path is '$(path_ab)', not $kind (the figures are of that path)"
    t0=$(cpu_ticks "${tulled_pid[l]}")
    json=$(lab_exec a timeout $((run_seconds + 20)) iperf3 -c "$addr_b" -t "$run_seconds" -J \
        --connect-timeout 5000)
    t1=$(cpu_ticks "${tulled_pid[l]}")
    [[ -n $json ]] || { echo "# $name: iperf3 gave no result"; return 1; }
    if py "'error' in d" <<<"$json"; then
        echo "# $name: iperf3: $(py "d['error']" <<<"$json")"
        return 1
    fi
    bytes=$(py "d['end']['sum_received']['bytes']" <<<"$json")
    bps=$(py "d['end']['sum_received']['bits_per_second']" <<<"$json")
    awk -v n="$name" -v bps="$bps" -v bytes="$bytes" -v ticks=$((t1 - t0)) -v hz="$hz" \
        -v path="$(path_ab)" 'BEGIN {
            cpu = ticks / hz
            printf "# %s: %.0f Mbit/s (%.2f GB in the run), path %s;", n, bps / 1e6, bytes / 1e9, path
            printf " lighthouse tulled CPU %.2f s, %.2f s per GB\n", cpu, (bytes > 0 ? cpu / (bytes / 1e9) : 0)
        }'
}

echo "# relay_bench: a (easy NAT) -> b (easy NAT) over the tunnel, iperf3 -t $run_seconds, $(nproc) CPUs"
run direct direct
lab_block_udp || fail "lab_block_udp"
run relay relay
lab_unblock_udp
