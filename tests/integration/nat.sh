#!/usr/bin/env bash
# nat.sh: members of a mesh network behind NATs (issue #17): hole punching, the LAN path, relay
# through the lighthouse when no direct path works, falling back to it and back again, and a stock
# WireGuard peer that never sees any of it. The topology is the NAT lab's (tests/nat_lab.sh):
#
#   internet (router tn<pid>-inet, 198.18.0.0/15)
#     l   the lighthouse, public, udp 51820        w   a stock wireguard-go peer of l, public
#     e1  easy NAT:      a, a2 (one LAN)           e2  easy NAT:      b
#     s1  symmetric NAT: c                         s2  symmetric NAT: d
#     g   easy home NAT behind an easy carrier NAT (g-cgn): f
#
# Every tulled runs in the service mode in a mount namespace of its own (mesh_lib.sh's start);
# the members join by invite. What a member reports of a peer's path is `tullectl peers NET
# --json`'s "path": {"kind": direct|lan|relay|none, "endpoint", "via"}; while a peer is relayed
# wg(8) shows a synthetic endpoint (100::/64), so the cases ask for the path's kind, never for
# wg's endpoint.
#
# Cases (each prints its timings as "# " lines): 1 easy <-> easy: direct within 2 s of the first
# packet; 2 easy <-> symmetric: direct or relay (which one is printed); 3 symmetric <-> symmetric:
# relay, and 20 pings at 0.2 s after it settles lose none; 4 two members behind one NAT: lan, to
# the other's LAN address; 5 CGNAT + home <-> easy: direct; 7 the direct path cut mid-ping:
# relay within 7 s, direct again within 30 s of the restore (pings lost printed), and while the
# direct path was in doubt a sent on the relay too; 6 UDP between homes blocked: relay; 8 the
# wireguard-go peer works and its UDP port receives WireGuard messages only (never "TuD1" disco
# or "TuR1" relay bytes); 9 a forged disco datagram to a member and a relay frame with a made-up
# token to the lighthouse change nothing (and are counted); 10 disco between two members dropped
# while traffic flows: the path stays direct; 11 the path cut one way only (a -> b): both sides
# on the relay within 7 s.
# A failed case does not stop the run: every case reports; the exit status says if any failed.
#
# Usage (as root): TULLED=path/to/tulled TULLECTL=path/to/tullectl tests/integration/nat.sh
#   VERBOSE=1 shows every check's output; KEEP_LOGS=1 keeps the daemons' logs.
# Prints "ok N - ..." lines, "# " figures and "N passed, N failed"; exits 1 on failure, 77 when
# skipped. Everything stays inside the lab's namespaces; all of it goes on exit.

# Checks of more than one command are functions or `eval '...'`: expanded when they run.
# shellcheck disable=SC2016
set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
# shellcheck source=SCRIPTDIR/../nat_lab.sh
source "$(dirname "$0")/../nat_lab.sh"
need_root
need ip nft wg wireguard-go ping python3 unshare nsenter mount groupadd groupdel timeout curl ss
here=$(cd "$(dirname "$0")" && pwd)
tulled=${TULLED:-$here/../../build/default/daemon/tulled}
tullectl=${TULLECTL:-$here/../../build/default/ctl/tullectl}
[[ -x $tulled ]] || skip "tulled not found at $tulled (set TULLED)"
[[ -x $tullectl ]] || skip "tullectl not found at $tullectl (set TULLECTL)"

net="n$$"  # the network, and its tunnel's name on every node (an interface name: <= 15)
wif="nw$$" # W's wireguard-go interface (its socket is in the machine's /var/run/wireguard)
group="tulle-$$-n"
members=(a a2 b c d f)
metrics_port=9586 # L's and a's metrics, on their own loopback
lighthouse_port=51820
tap_logs+=("$work/l.log")
for node in "${members[@]}"; do tap_logs+=("$work/$node.log"); done
tap_logs+=("$work/$wif.log")

node_ns() { lab_ns "$1"; }
# shellcheck source=SCRIPTDIR/mesh_lib.sh
source "$here/mesh_lib.sh" # ctl, wgn, py, now, seconds, within, start, sniffer

# ---------------------------------------------------------------------------------------------
# The lab and the daemons.

setup_lab() {
    lab_init "tn$$" &&
        lab_public l && lab_public w &&
        lab_nat e1 easy && lab_host a e1 && lab_host a2 e1 &&
        lab_nat e2 easy && lab_host b e2 &&
        lab_nat s1 symmetric && lab_host c s1 &&
        lab_nat s2 symmetric && lab_host d s2 &&
        lab_nat g cgnat && lab_host f g
}
must "the lab: l, w public; a, a2 behind e1, b behind e2 (easy); c, d behind s1, s2 (symmetric); f behind g (CGNAT + home)" \
    setup_lab
lab_describe
must "a group of the run's own" eval 'groupadd "$group" && on_exit groupdel "$group"'
start_all() {
    local node
    start l "$group" --metrics "127.0.0.1:$metrics_port" || return 1
    start a "$group" --metrics "127.0.0.1:$metrics_port" || return 1
    for node in a2 b c d f; do start "$node" "$group" || return 1; done
}
must "tulled serves on l and on every member" start_all

must "L: network create $net --endpoint $(lab_ip l):$lighthouse_port" \
    ctl l network create "$net" --address 10.99.0.0/16 --endpoint "$(lab_ip l):$lighthouse_port"
join() { # join NODE: L invites NODE by name, NODE joins
    local line
    line=$(ctl l network invite "$net" --name "$1") || return 1
    ctl "$1" network join "$line" --timeout 20
}
join_all() {
    local node
    for node in "${members[@]}"; do join "$node" || { echo "$node did not join"; return 1; }; done
}
must "every member joins by invite" join_all
members_of() { ctl "$1" network members "$net" --json; }
declare -A addr=() key=()
learn() {
    local node
    name_l=$(members_of l | py "[m['name'] for m in d['members'] if m['lighthouse']][0]") || return 1
    for node in "${members[@]}"; do
        addr[$node]=$(members_of l |
            py "[m['addresses'][0].split('/')[0] for m in d['members'] if m['name'] == '$node'][0]") &&
            key[$node]=$(members_of l | py "[m['public_key'] for m in d['members'] if m['name'] == '$node'][0]") ||
            return 1
    done
}
name_l=""
must "L lists every member with an address and a key" learn

# ---------------------------------------------------------------------------------------------
# Queries the cases share.

# path NODE OTHER: NODE's path to OTHER, as "KIND ENDPOINT VIA" ("-" for what is missing).
path() {
    ctl "$1" peers "$net" --json |
        py "[' '.join((p.get('path') or {}).get(k) or '-' for k in ('kind', 'endpoint', 'via'))
             for p in d['peers'] if p['public_key'] == '${key[$2]}'][0]" 2>/dev/null || echo "? - -"
}
kind_is() { # kind_is NODE OTHER KIND...: NODE's path to OTHER is of one of the KINDs
    local got
    got=$(path "$1" "$2")
    got=${got%% *}
    local k
    for k in "${@:3}"; do [[ $got == "$k" ]] && return 0; done
    return 1
}
# wait_kind SECONDS NODE OTHER KIND...: until NODE's path to OTHER is one of the KINDs; sets
# `waited` (seconds, or "never") and prints the path it ended on.
waited=""
wait_kind() {
    local t0 limit=$1
    shift
    t0=$(now)
    if within "$limit" kind_is "$@"; then waited=$(seconds "$t0" "$(now)"); else waited=never; fi
    echo "$1 -> $2: $(path "$1" "$2") (after $(shown "$waited"))"
    [[ $waited != never ]]
}
# first_ping FROM TO: FROM pings TO's overlay address until the first answer (10 s at most, an echo
# every 0.1 s); sets `first` (seconds, or "never").
first=""
first_ping() {
    local t0
    waited=never
    t0=$(now)
    if lab_exec "$1" ping -n -q -c 1 -i 0.1 -w 10 "${addr[$2]}" >/dev/null; then
        first=$(seconds "$t0" "$(now)")
    else
        first=never
        echo "$1 got no answer from $2 (${addr[$2]}) in 10 s"
        figure "$1 -> $2: no answer to the first pings in 10 s"
        return 1
    fi
}
# pings FROM TO COUNT: COUNT echoes at 0.2 s; sets `lost`.
lost=""
pings() {
    local out
    out=$(lab_exec "$1" ping -n -q -c "$3" -i 0.2 -W 1 "${addr[$2]}" 2>&1)
    echo "$out"
    lost=$(awk '/packets transmitted/ { print $1 - $4 }' <<<"$out")
    [[ ${lost:-x} == 0 ]]
}
# figure TEXT: a "# " line of a case's timings, printed after the case's result line whether it
# passed or not (a check shows its output only when it fails).
figure() { echo "# $*" >>"$work/figures"; }
# run_case DESCRIPTION FUNCTION: the check, then its figures.
run_case() {
    : >"$work/figures"
    check "$@"
    cat "$work/figures"
}
# shown SECONDS: "1.23 s", or "never"
shown() { if [[ $1 == never ]]; then echo never; else echo "$1 s"; fi; }
at_most() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "never" && a + 0 <= b + 0) }'; }

# ---------------------------------------------------------------------------------------------
# 8 (set up first, asserted last): a stock wireguard-go peer W on L's tunnel, sniffed on its UDP
# port for the whole run.

wkey=$(wg genkey)
wpub=$(wg pubkey <<<"$wkey")
lpub=$(ctl l network list --json | py "[x['public_key'] for x in d['networks'] if x['name'] == '$net'][0]")
must "L: peer add W's key with allowed-ips 10.99.200.1/32" \
    ctl l peer add "$net" "$wpub" --name w --allowed-ips 10.99.200.1/32
w_setup() {
    wg_start "$(lab_ns w)" wireguard-go "$wif" &&
        lab_exec w wg set "$wif" private-key <(echo "$wkey") listen-port 51830 peer "$lpub" \
            endpoint "$(lab_ip l):$lighthouse_port" allowed-ips 10.99.0.1/32 persistent-keepalive 5 &&
        lab_exec w ip addr add 10.99.200.1/32 dev "$wif" &&
        lab_exec w ip link set "$wif" up &&
        lab_exec w ip route add 10.99.0.1/32 dev "$wif"
}
must "W: wireguard-go $wif with L as its one peer" w_setup
sniffer
lab_spawn w "$work/sniff.log" "$python" "$work/sniff.py" eth0 "$work/w-underlay"
check "a sniffer on W's eth0" wait_for 5 grep -qx ready "$work/w-underlay"

# ---------------------------------------------------------------------------------------------
# 1. easy <-> easy, different homes: direct within 2 s of the first packet.

case1() {
    local total=never
    first_ping a b || return 1
    wait_kind 10 a b direct
    [[ $waited == never ]] || total=$(awk -v a="$first" -v b="$waited" 'BEGIN { printf "%.2f", a + b }')
    figure "case 1 easy<->easy (a, b): first answer $(shown "$first") after the first packet," \
        "direct $(shown "$total") after it"
    at_most "$total" 2
}
run_case "1: a (easy NAT) pings b (another easy NAT); the path is direct within 2 s of the first packet" case1

# 2. easy <-> symmetric: direct (the symmetric side dials out to the easy side's fixed mapping)
# or relay; not none.
case2() {
    local kind
    first_ping a c || return 1
    wait_kind 10 a c direct relay
    kind=$(path a c)
    figure "case 2 easy<->symmetric (a, c): first packet $(shown "$first"), path '$kind' after $(shown "$waited");" \
        "c's view: '$(path c a)'"
    [[ ${kind%% *} == direct || ${kind%% *} == relay ]]
}
run_case "2: a (easy) pings c (symmetric NAT); the path is direct or relay, not none" case2

# 3. symmetric <-> symmetric: relay; settled, no loss.
case3() {
    first_ping c d || return 1
    if ! wait_kind 10 c d relay; then
        figure "case 3 symmetric<->symmetric (c, d): first packet $(shown "$first"), relay never"
        return 1
    fi
    sleep 1
    pings c d 20
    figure "case 3 symmetric<->symmetric (c, d): first packet $(shown "$first"), relay after $(shown "$waited");" \
        "20 pings at 0.2 s after: ${lost:-?} lost"
    [[ $lost == 0 ]]
}
run_case "3: c and d (both symmetric): relay, and 20 pings at 0.2 s lose none" case3

# 4. Two members behind one NAT (no hairpin): the LAN path, to the other's LAN address.
case4() {
    first_ping a a2 || return 1
    wait_kind 5 a a2 lan
    figure "case 4 one NAT (a, a2): first packet $(shown "$first"), lan after $(shown "$waited")"
    [[ $waited != never && $(path a a2) == "lan $(lab_ip a2):"* ]]
}
run_case "4: a and a2 behind one NAT: the path is lan, to a2's LAN address" case4

# 5. CGNAT + home <-> easy NAT: direct.
case5() {
    first_ping f b || return 1
    wait_kind 10 f b direct
    figure "case 5 CGNAT+home<->easy (f, b): first packet $(shown "$first"), direct after $(shown "$waited")"
    [[ $waited != never ]]
}
run_case "5: f (behind a home NAT behind a CGNAT) pings b (easy): the path is direct" case5

# 7. The direct path a <-> b cut mid-ping, then restored: relay within 7 s, direct again within
# 30 s (before case 6, which needs a fresh pair).
copies() { # copies NODE: NODE's tulle_path_copies_total (sent on the relay while in doubt)
    lab_exec "$1" curl -sf "http://127.0.0.1:$metrics_port/metrics" |
        awk '/^tulle_path_copies_total/ { s += $NF; n++ } END { if (n) print s; else print "none" }'
}
case7() {
    local ping_pid t_cut t_restore fallback recovery out sent got copied
    within 10 kind_is a b direct || echo "a -> b is not direct before the cut: $(path a b)"
    copied=$(copies a)
    [[ $copied =~ ^[0-9]+$ ]] || { echo "a's metrics have no tulle_path_copies_total"; return 1; }
    lab_spawn a "$work/cut.ping" ping -n -i 0.2 -W 1 "${addr[b]}"
    ping_pid=$pid
    sleep 1
    lab_cut a b || return 1
    t_cut=$(now)
    wait_kind 10 a b relay
    fallback=$waited
    lab_restore a b || return 1
    t_restore=$(now)
    wait_kind 35 a b direct
    recovery=$waited
    sleep 1
    kill -INT "$ping_pid" 2>/dev/null
    wait "$ping_pid" 2>/dev/null
    unset "spawned[$ping_pid]"
    out=$(grep 'packets transmitted' "$work/cut.ping")
    sent=$(awk '{ print $1 }' <<<"$out") got=$(awk '{ print $4 }' <<<"$out")
    copied=$(($(copies a) - copied))
    figure "case 7 cut (a, b): to relay $(shown "$fallback") after the cut, back to direct $(shown "$recovery")" \
        "after the restore (cut for $(seconds "$t_cut" "$t_restore") s); pings at 0.2 s: $sent sent," \
        "$((${sent:-0} - ${got:-0})) lost; a sent $copied copies on the relay while in doubt"
    at_most "$fallback" 7 && at_most "$recovery" 30 &&
        ((copied > 0)) # while the direct path was in doubt, a sent on the relay too
}
run_case "7: a -> b cut mid-ping: relay within 7 s; restored: direct again within 30 s" case7

# 10. Disco between a and b dropped (every heartbeat goes unanswered) while pings flow both ways:
# the path stays direct, because authenticated traffic arriving on it counts as an answer.
case10() {
    local ping_pid node paths
    local -a dropped
    within 10 kind_is a b direct || echo "a -> b is not direct before: $(path a b)"
    lab_spawn a "$work/quiet.ping" ping -n -i 0.2 -W 1 "${addr[b]}"
    ping_pid=$pid
    for node in a b; do # UDP whose payload starts "TuD1"
        lab_exec "$node" nft -f - <<'EOF' || return 1
table inet nodisco {
    chain input {
        type filter hook input priority filter; policy accept;
        meta l4proto udp @th,64,32 0x54754431 counter drop
    }
}
EOF
    done
    sleep 8
    paths="a -> b: $(path a b); b -> a: $(path b a)"
    dropped=$(for node in a b; do lab_exec "$node" nft list table inet nodisco |
        awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") s += $(i + 1) }
             END { printf "%d ", s }'; done)
    for node in a b; do lab_exec "$node" nft delete table inet nodisco; done
    kill -INT "$ping_pid" 2>/dev/null
    wait "$ping_pid" 2>/dev/null
    unset "spawned[$ping_pid]"
    read -r -a dropped <<<"$dropped"
    figure "case 10 disco dropped for 8 s while pinging: ${dropped[0]} at a, ${dropped[1]} at b; $paths"
    # Heartbeats kept going (at least one every 2 s each way) and went unanswered, yet the path
    # stayed direct.
    ((dropped[0] >= 3 && dropped[1] >= 3)) && [[ $paths == "a -> b: direct "*"; b -> a: direct "* ]]
}
run_case "10: a and b's disco dropped while pings flow: the path stays direct (traffic counts)" case10

# 11. The direct path cut one way only (b's input drops UDP from a; b -> a still works) mid-ping:
# b's traffic still reaches a directly, yet both sides go to the relay within 7 s (a's pongs and
# pings never arrive), and a sends on the relay meanwhile.
case11() {
    local ping_pid handle t_cut a_waited b_waited out sent got copied
    within 10 kind_is a b direct || echo "a -> b is not direct before: $(path a b)"
    within 10 kind_is b a direct || echo "b -> a is not direct before: $(path b a)"
    copied=$(copies a)
    [[ $copied =~ ^[0-9]+$ ]] || { echo "a's metrics have no tulle_path_copies_total"; return 1; }
    lab_spawn a "$work/oneway.ping" ping -n -i 0.2 -W 1 "${addr[b]}"
    ping_pid=$pid
    sleep 1
    handle=$(lab_cut_side b a) || return 1
    t_cut=$(now)
    wait_kind 10 b a relay
    b_waited=$(seconds "$t_cut" "$(now)")
    [[ $waited == never ]] && b_waited=never
    wait_kind 10 a b relay
    a_waited=$(seconds "$t_cut" "$(now)")
    [[ $waited == never ]] && a_waited=never
    lab_exec b nft delete rule ip natlab input handle "$handle" || return 1
    kill -INT "$ping_pid" 2>/dev/null
    wait "$ping_pid" 2>/dev/null
    unset "spawned[$ping_pid]"
    out=$(grep 'packets transmitted' "$work/oneway.ping")
    sent=$(awk '{ print $1 }' <<<"$out") got=$(awk '{ print $4 }' <<<"$out")
    copied=$(($(copies a) - copied))
    figure "case 11 one-way cut (a -> b dropped): b on the relay $(shown "$b_waited") after the cut," \
        "a $(shown "$a_waited"); pings at 0.2 s: $sent sent, $((${sent:-0} - ${got:-0})) lost;" \
        "a sent $copied copies on the relay"
    within 35 kind_is a b direct || echo "a -> b is not direct again: $(path a b)"
    at_most "$b_waited" 7 && at_most "$a_waited" 7 && ((copied > 0))
}
run_case "11: a -> b cut one way mid-ping: both sides on the relay within 7 s" case11

# 6. UDP between homes blocked, the lighthouse reachable: relay (a2 and b have not talked yet).
case6() {
    local ok=0
    lab_block_udp || return 1
    if first_ping a2 b && wait_kind 10 a2 b relay; then
        [[ $(path a2 b) == "relay - $name_l" || $(path a2 b) == "relay "*" $name_l" ]] ||
            { echo "relayed, but not via the lighthouse $name_l"; ok=1; }
    else
        ok=1
    fi
    figure "case 6 UDP blocked (a2, b): first packet $(shown "$first"), relay after $(shown "$waited")"
    lab_unblock_udp
    return $ok
}
run_case "6: UDP between homes blocked: a2 pings b, through the relay (via $name_l)" case6

# 9. Forged datagrams: "TuD1" and random bytes to a member's port (from its LAN neighbour: the
# NAT keeps strangers out anyway), a "TuR1" frame with a made-up channel and token to the
# lighthouse's port (from the public host w). Nothing changes; the drops are counted.
#
# The drop counters: tulle_dropped_total{reason="disco"} and {reason="relay_frame"} on the
# metrics endpoint.
drops() { # drops NODE: the sum of NODE's disco and relay drop counters; "none" without them
    lab_exec "$1" curl -sf "http://127.0.0.1:$metrics_port/metrics" |
        awk '/^tulle_dropped_total\{/ && /reason="[^"]*(disco|relay)[^"]*"/ { s += $NF; n++ }
             END { if (n) print s; else print "none" }'
}
send_forged() { # send_forged FROM IP PORT MAGIC: 5 datagrams, MAGIC then 52 random bytes
    lab_exec "$1" "$python" -c '
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(5):
    s.sendto(sys.argv[3].encode() + os.urandom(52), (sys.argv[1], int(sys.argv[2])))' "$2" "$3" "$4"
}
da0="" dl0="" da1="" dl1=""
case9() {
    local port_a bad=0
    port_a=$(wgn a show "$net" listen-port) || return 1
    da0=$(drops a) dl0=$(drops l)
    send_forged a2 "$(lab_ip a)" "$port_a" TuD1 &&
        send_forged w "$(lab_ip l)" "$lighthouse_port" TuR1 || return 1
    sleep 1
    da1=$(drops a) dl1=$(drops l)
    figure "case 9 forged: a's disco/relay drops $da0 -> $da1, l's $dl0 -> $dl1"
    lab_exec a ping -n -q -c 2 -i 0.2 -w 5 "${addr[b]}" >/dev/null || { echo "a no longer reaches b"; bad=1; }
    lab_exec a ping -n -q -c 2 -i 0.2 -w 5 10.99.0.1 >/dev/null || { echo "a no longer reaches l"; bad=1; }
    lab_exec w ping -n -q -c 2 -i 0.2 -w 5 10.99.0.1 >/dev/null || { echo "w no longer reaches l"; bad=1; }
    if ! alive "${tulled_pid[a]}" || ! alive "${tulled_pid[l]}"; then
        echo "a tulled died"
        bad=1
    fi
    return $bad
}
run_case "9: forged disco datagrams to a (from a2), relay frames with a made-up token to l (from w): a, l and w carry on" \
    case9
check "9: the forged datagrams are counted (a's and l's disco/relay drop counters rose by 5)" \
    eval '[[ $da1 != none && $dl1 != none ]] && ((da1 - da0 == 5 && dl1 - dl0 == 5))'

# 12. A change of a member's network ends the relay at once (tulled's netlink monitor): a2 and b
# relayed while UDP between homes is blocked; unblocked, they would stay relayed until the next
# punch round (every 10 s while relayed), but a route added on a2 sends it punching at once.
case12() {
    local ping_pid ok=0 change
    lab_block_udp || return 1
    lab_spawn a2 "$work/change.ping" ping -n -i 0.2 -W 1 "${addr[b]}"
    ping_pid=$pid
    wait_kind 15 a2 b relay || ok=1
    sleep 1 # into the relay's 10 s between punch rounds
    lab_unblock_udp || ok=1
    lab_exec a2 ip route add 192.0.2.0/24 dev eth0 || ok=1
    wait_kind 10 a2 b direct
    change=$waited
    lab_exec a2 ip route del 192.0.2.0/24 dev eth0
    kill -INT "$ping_pid" 2>/dev/null
    wait "$ping_pid" 2>/dev/null
    unset "spawned[$ping_pid]"
    figure "case 12 network change (a2, b): relayed while UDP was blocked; unblocked and a route" \
        "added on a2: direct $(shown "$change") after the route (without it: the next punch round, up to 10 s)"
    ((ok == 0)) && at_most "$change" 3
}
run_case "12: a2 and b relayed, UDP unblocked and a route added on a2: direct within 3 s, not at the next punch round" \
    case12

# 8, asserted: W works and its UDP port saw WireGuard messages only, all run long.
check "8: W pings L's overlay address" lab_exec w ping -n -q -c 3 -i 0.2 -w 5 10.99.0.1
only_wireguard_at_w() { # type 1-4 then three zero bytes; never TuD1 (54754431) or TuR1 (54755231)
    local seen other
    seen=$(awk '$1 == "in" && $2 == 17 && $6 == 51830' "$work/w-underlay" | wc -l)
    other=$(awk '$1 == "in" && $2 == 17 && $6 == 51830 && $7 !~ /^0[1-4]000000$/' "$work/w-underlay")
    figure "case 8: W's port 51830 received $seen datagrams"
    [[ -z $other ]] || { echo "datagrams that are not WireGuard's:"; echo "$other" | head; return 1; }
    ((seen > 0))
}
run_case "8: W's UDP port received WireGuard messages only (no disco or relay bytes)" \
    only_wireguard_at_w

tap_done
