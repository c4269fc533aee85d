#!/usr/bin/env bash
# throughput.sh: tunnel throughput, latency and CPU cost of a WireGuard userspace implementation
# (tulled in compatibility mode by default) against wireguard-go, on the same two namespaces.
# Reports only; asserts nothing.
#
#   +----------------------+                          +----------------------+
#   | ns1                  |  eth0              eth0  | ns2                  |
#   |  tunnel 192.168.241.1|--10.0.0.1 ---- 10.0.0.2--|  tunnel 192.168.241.2|
#   |  (MTU 1420)          |        one veth pair     |  (MTU 1420)          |
#   |  iperf3 client       |                          |  iperf3 server       |
#   +----------------------+                          +----------------------+
#
# Pings go ten a second (every thread on the path sleeps in between) and back to back (ping -A:
# the next as soon as the reply is in), which tells wake-up latency from work done per packet.
# For the plain veth, then for IMPL<->IMPL (tulled: with its TUN/UDP offloads, then again with
# TULLE_OFFLOADS=off) and wireguard-go<->wireguard-go in turn: ping RTT (PINGS pings, average),
# one iperf3 TCP stream ns1 -> ns2 for DURATION seconds, the CPU time both daemons used during it
# (utime + stime from /proc/PID/stat) per GB received, and the system calls each daemon made per
# MTU-sized packet (payload / 1368-byte MSS; counted with perf's raw_syscalls tracepoint where
# perf can, else left out).
#
# Usage (as root):  tests/bench/throughput.sh
#   IMPL=path     implementation A (default: $TULLED, else tulled from a build directory beside
#                 this script's repository, build/*/daemon/tulled; if none, or it does not start,
#                 only wireguard-go is measured)
#   WGGO=path     the reference (default: wireguard-go on PATH)
#   DURATION=10 PINGS=20
#   PROFILE=1     also record each daemon with perf during the stream and print where the time
#                 goes (top symbols, kernel and user)
# The machine's other load shows in every figure: run it on a quiet machine, more than once.

set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
need_root
need ip wg ping iperf3 timeout ss awk getconf

duration=${DURATION:-10}
npings=${PINGS:-20}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
hz=$(getconf CLK_TCK)

wggo=$(resolve "${WGGO:-wireguard-go}") || skip "wireguard-go not found"
impl=
if [[ -n ${IMPL:-} ]]; then
    impl=$(resolve "$IMPL") || { echo "throughput.sh: IMPL=$IMPL not found"; exit 1; }
elif [[ -n ${TULLED:-} ]]; then
    impl=$(resolve "$TULLED") || { echo "throughput.sh: TULLED=$TULLED not found"; exit 1; }
else
    for cand in "$repo"/build/default/daemon/tulled "$repo"/build/*/daemon/tulled; do
        [[ -x $cand ]] && { impl=$cand; break; }
    done
fi

ns1="tulle-bench-$$-1" ns2="tulle-bench-$$-2"

cpu_ticks() { # utime + stime of PID, in clock ticks
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    s=${s##*) }
    awk '{ print $12 + $13 }' <<<"$s" # fields 14 and 15 of the whole line
}
rtt_avg() { # rtt_avg NS ADDR [PING OPTIONS]: average RTT in ms of $npings pings, or "-"
    local o
    o=$(ip netns exec "$1" ping -n -q -c "$npings" -i 0.1 -W 2 "${@:3}" "$2" 2>&1)
    sed -n 's|^rtt [^=]*= [0-9.]*/\([0-9.]*\)/.*|\1|p' <<<"$o" | grep . || echo -
}
iperf_json() { # iperf_json ADDR -> "bytes bits_per_second" received, or "0 0"
    timeout $((duration + 20)) ip netns exec "$ns1" iperf3 --connect-timeout 3000 -J -c "$1" -t "$duration" 2>/dev/null |
        awk '/"sum_received"/ { f = 1 }
             f && /"bytes"/ { b = $2 + 0 }
             f && /"bits_per_second"/ { r = $2 + 0; print b, r; done = 1; exit }
             END { if (!done) print 0, 0 }'
}

# ---------------------------------------------------------------------------------------------
netns_add "$ns1" "$ns2" && veth "$ns1" eth0 "$ns2" eth0 &&
    ip -n "$ns1" addr add 10.0.0.1/24 dev eth0 && ip -n "$ns2" addr add 10.0.0.2/24 dev eth0 || exit 1

spawn "$ns2" "$work/iperf3.log" iperf3 -s
wait_listen "$ns2" 5201
n1 ping -q -c 1 -W 2 10.0.0.2 >/dev/null || { echo "throughput.sh: the veth does not work"; exit 1; }

echo "throughput.sh: $duration s of one TCP stream ns1 -> ns2, $npings pings, on $(nproc) CPUs"
echo "plain veth (no tunnel), for context:"
base_rtt=$(rtt_avg "$ns1" 10.0.0.2)
base_rtt_a=$(rtt_avg "$ns1" 10.0.0.2 -A)
read -r _ base_bps <<<"$(iperf_json 10.0.0.2)"
awk -v b="$base_bps" -v r="$base_rtt" 'BEGIN { printf "  %.0f Mbit/s, ping RTT avg %s ms\n", b / 1e6, r }'

key1=$(wg genkey) key2=$(wg genkey)
pub1=$(wg pubkey <<<"$key1") pub2=$(wg pubkey <<<"$key2")
echo "$key1" >"$work/key1" && echo "$key2" >"$work/key2" && chmod 600 "$work"/key?

# syscall counting and profiles with perf, when it is there and may trace
can_count=0
if command -v perf >/dev/null && perf stat -e raw_syscalls:sys_enter -- true >/dev/null 2>&1; then
    can_count=1
fi
# watch PID TAG: counts the syscalls of PID (and records a profile with PROFILE=1) until stopped
watch_daemon() {
    local p=$1 tag=$2
    if ((can_count)); then
        perf stat -x, -e raw_syscalls:sys_enter -p "$p" -o "$work/syscalls.$tag" >/dev/null 2>&1 &
        watchers+=($!)
    fi
    if [[ ${PROFILE:-0} == 1 ]] && command -v perf >/dev/null; then
        perf record -q -F 999 -g -p "$p" -o "$work/perf.$tag" >/dev/null 2>&1 &
        watchers+=($!)
    fi
}
stop_watchers() {
    local w
    for w in "${watchers[@]}"; do kill -INT "$w" 2>/dev/null; done
    for w in "${watchers[@]}"; do wait "$w" 2>/dev/null; done
    watchers=()
}
syscalls_per_packet() { # syscalls_per_packet TAG BYTES
    local n
    n=$(awk -F, '/raw_syscalls/ { print $1 + 0 }' "$work/syscalls.$1" 2>/dev/null)
    [[ -n $n && $2 != 0 ]] || { echo -; return; }
    awk -v n="$n" -v b="$2" 'BEGIN { printf "%.3f", n / (b / 1368) }'
}
watchers=()

# measure LABEL IMPL TAG: sets r_mbps[LABEL], r_rtt[LABEL], r_cpu1/2/all[LABEL] (s/GB),
# r_sys1/2[LABEL] (syscalls per packet) or fails
declare -A r_mbps=() r_rtt=() r_rtt_a=() r_cpu1=() r_cpu2=() r_cpu=() r_gb=() r_sys1=() r_sys2=()
# shellcheck disable=SC2034 # the r_* arrays are read through namerefs in val
measure() {
    local label=$1 bin=$2 if1="tb$$${3}1" if2="tb$$${3}2" p1 p2 c1a c2a c1b c2b bytes bps
    pid=
    if ! wg_start "$ns1" "$bin" "$if1" >/dev/null; then
        echo "  $label: $bin did not start as $if1: $(tail -n 3 "$work/$if1.log" | tr '\n' ' ')"
        [[ -n ${pid:-} ]] && stop "$pid"
        return 1
    fi
    p1=$pid
    pid=
    if ! wg_start "$ns2" "$bin" "$if2" >/dev/null; then
        echo "  $label: $bin did not start as $if2: $(tail -n 3 "$work/$if2.log" | tr '\n' ' ')"
        stop "$p1"
        [[ -n ${pid:-} ]] && stop "$pid"
        return 1
    fi
    p2=$pid
    if ! { wgc set "$if1" private-key "$work/key1" listen-port 20001 peer "$pub2" \
        allowed-ips 192.168.241.2/32 endpoint 10.0.0.2:20002 &&
        wgc set "$if2" private-key "$work/key2" listen-port 20002 peer "$pub1" \
            allowed-ips 192.168.241.1/32 endpoint 10.0.0.1:20001 &&
        n1 ip addr add 192.168.241.1/24 dev "$if1" && n2 ip addr add 192.168.241.2/24 dev "$if2" &&
        n1 ip link set "$if1" mtu 1420 up && n2 ip link set "$if2" mtu 1420 up; }; then
        echo "  $label: configuration failed"
        stop "$p1"
        stop "$p2"
        return 1
    fi
    if ! n1 ping -q -c 5 -i 0.2 -w 6 192.168.241.2 >/dev/null; then
        echo "  $label: no ping through the tunnel"
        stop "$p1"
        stop "$p2"
        return 1
    fi
    r_rtt[$label]=$(rtt_avg "$ns1" 192.168.241.2)
    r_rtt_a[$label]=$(rtt_avg "$ns1" 192.168.241.2 -A)
    watch_daemon "$p1" "$3"1
    watch_daemon "$p2" "$3"2
    c1a=$(cpu_ticks "$p1") c2a=$(cpu_ticks "$p2")
    read -r bytes bps <<<"$(iperf_json 192.168.241.2)"
    c1b=$(cpu_ticks "$p1") c2b=$(cpu_ticks "$p2")
    stop_watchers
    r_sys1[$label]=$(syscalls_per_packet "$3"1 "$bytes")
    r_sys2[$label]=$(syscalls_per_packet "$3"2 "$bytes")
    grep -ho 'offloads:.*' "$work/$if1.log" 2>/dev/null | head -n 1 | sed 's/^/  /'
    stop "$p1"
    stop "$p2"
    r_mbps[$label]=$(awk -v b="$bps" 'BEGIN { printf "%.0f", b / 1e6 }')
    r_gb[$label]=$(awk -v b="$bytes" 'BEGIN { printf "%.3f", b / 1e9 }')
    if [[ $bytes == 0 ]]; then
        r_cpu1[$label]=- r_cpu2[$label]=- r_cpu[$label]=-
    else
        r_cpu1[$label]=$(awk -v c=$((c1b - c1a)) -v b="$bytes" -v hz="$hz" 'BEGIN { printf "%.2f", c / hz / (b / 1e9) }')
        r_cpu2[$label]=$(awk -v c=$((c2b - c2a)) -v b="$bytes" -v hz="$hz" 'BEGIN { printf "%.2f", c / hz / (b / 1e9) }')
        r_cpu[$label]=$(awk -v c=$((c1b - c1a + c2b - c2a)) -v b="$bytes" -v hz="$hz" 'BEGIN { printf "%.2f", c / hz / (b / 1e9) }')
    fi
    echo "  ${r_mbps[$label]} Mbit/s (${r_gb[$label]} GB), RTT ${r_rtt[$label]} ms, CPU $((c1b - c1a + c2b - c2a)) ticks at $hz Hz"
}

have_a=0 have_b=0
if [[ -n $impl ]]; then
    echo "A = $impl:"
    measure A "$impl" a && have_a=1
    echo "B = the same with TULLE_OFFLOADS=off:"
    TULLE_OFFLOADS=off measure B "$impl" b && have_b=1
else
    echo "A: no IMPL given and no tulled in $repo/build/*/daemon; measuring wireguard-go only"
fi
echo "wireguard-go = $wggo:"
have_w=0
measure W "$wggo" w && have_w=1

# ---------------------------------------------------------------------------------------------
ratio() { # ratio A B
    awk -v a="$1" -v b="$2" 'BEGIN { n = "^[0-9]+([.][0-9]+)?$"; if (a !~ n || b !~ n || b + 0 == 0) print "-"; else printf "%.2f", a / b }'
}
val() { # val ARRAY LABEL HAVE
    local -n arr=$1
    if (($3)); then echo "${arr[$2]:--}"; else echo "n/a"; fi
}
echo
printf '%-34s %12s %12s %12s %8s  %s\n' "figure" "A" "B (no offl.)" "wireguard-go" "A/wg-go" "better"
row() { # row TITLE ARRAY BETTER
    local a b w
    a=$(val "$2" A "$have_a") b=$(val "$2" B "$have_b") w=$(val "$2" W "$have_w")
    printf '%-34s %12s %12s %12s %8s  %s\n' "$1" "$a" "$b" "$w" "$(ratio "$a" "$w")" "$3"
}
row "TCP throughput (Mbit/s)" r_mbps higher
row "ping RTT avg (ms), 10/s" r_rtt lower
row "ping RTT avg (ms), back to back" r_rtt_a lower
row "CPU s/GB, ns1 daemon (sender)" r_cpu1 lower
row "CPU s/GB, ns2 daemon (receiver)" r_cpu2 lower
row "CPU s/GB, both daemons" r_cpu lower
row "syscalls/packet, ns1 (sender)" r_sys1 lower
row "syscalls/packet, ns2 (receiver)" r_sys2 lower
printf '%-34s %12s\n' "plain veth, no tunnel (Mbit/s)" "$(awk -v b="$base_bps" 'BEGIN { printf "%.0f", b / 1e6 }')"
printf '%-34s %12s\n' "plain veth ping RTT avg (ms), 10/s" "$base_rtt"
printf '%-34s %12s\n' "plain veth RTT, back to back" "$base_rtt_a"

if [[ ${PROFILE:-0} == 1 ]]; then
    for tag in a1 a2 b1 b2 w1 w2; do
        [[ -s $work/perf.$tag ]] || continue
        echo
        echo "profile $tag (a = A, b = B, w = wireguard-go; 1 = sender, 2 = receiver):"
        echo "  by object:"
        perf report -i "$work/perf.$tag" --stdio --no-children --sort dso --percent-limit 1 2>/dev/null |
            grep -E '^ +[0-9.]+%' | head -n 8
        echo "  top symbols:"
        perf report -i "$work/perf.$tag" --stdio --no-children --sort dso,sym --percent-limit 1.5 2>/dev/null |
            grep -E '^ +[0-9.]+%' | head -n 14
    done
fi
exit 0
