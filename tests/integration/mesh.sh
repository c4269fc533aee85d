#!/usr/bin/env bash
# mesh.sh: a mesh network end to end (issue #16): a lighthouse and three members on subnets of
# their own, routed through a router namespace; all join by invite, reach each other directly,
# one is removed, one restarts; a stock wireguard-go peer on the lighthouse's tunnel keeps
# working and never sees the mesh's control traffic.
#
#                        router (forwarding; nothing else, no route out)
#        vl 172.31.1.1   va .2.1    vb .3.1    vc .4.1    vd .6.1    vw 172.31.5.1
#            |              |          |          |          |           |
#   L lighthouse       A member   B member   C member   D (refusals)   W wireguard-go
#   eth0 172.31.1.2    .2.2       .3.2       .4.2       .6.2          eth0 172.31.5.2
#   overlay 10.88.0.1  10.88.0.2  10.88.0.20 10.88.0.3  (none)        10.88.200.1, a plain peer
#   udp 51820          (their own ports)                              of L's tunnel (udp 51830)
#
# Every tulled runs in the service mode with its own control socket, config and state folders
# and group (the run's own), and in a mount namespace of its own whose /var/run/wireguard is a
# tmpfs: each names the network's tunnel after the network, and wg(8)'s sockets live in that one
# folder. wg(8) reaches a node's tunnel through nsenter into that tulled's namespaces.
#
# Steps: 1 create, invite and join (names and addresses chosen and not); 2 join to first ping
# (a figure, printed, not asserted); 3 everyone pings everyone; 4 paths are direct (wg's
# endpoints, the lighthouse's counters, the members' path); 5 a stock wireguard-go peer on the
# lighthouse's tunnel; 6 altered and reused invites are refused and change nothing; 7 a member
# removed reaches nobody and cannot rejoin; 8 tulled restarted on a member brings it back; then
# the wireguard-go peer once more, having seen no control datagram all along (in its tunnel) and
# nothing but WireGuard messages (on its UDP port).
#
# Usage (as root): TULLED=path/to/tulled TULLECTL=path/to/tullectl tests/integration/mesh.sh
#   VERBOSE=1 shows every check's output; KEEP_LOGS=1 keeps the daemons' logs.
# Prints "ok N - ..." lines, "# " figures and "N passed, N failed"; exits 1 on failure, 77 when
# skipped.

# Checks of more than one command are functions or `eval '...'`: expanded when they run.
# shellcheck disable=SC2016
set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
need_root
need ip wg wireguard-go ping python3 unshare nsenter mount groupadd groupdel timeout
here=$(cd "$(dirname "$0")" && pwd)
tulled=${TULLED:-$here/../../build/default/daemon/tulled}
tullectl=${TULLECTL:-$here/../../build/default/ctl/tullectl}
[[ -x $tulled ]] || skip "tulled not found at $tulled (set TULLED)"
[[ -x $tullectl ]] || skip "tullectl not found at $tullectl (set TULLECTL)"

# ---------------------------------------------------------------------------------------------
# Names: unique per run, since namespaces, groups and wireguard-go's socket are machine-wide.

net="m$$"  # the network, and its tunnel's name on every node (an interface name: <= 15)
wif="mw$$" # W's wireguard-go interface (its socket is in the machine's /var/run/wireguard)
nodes=(l a b c d)
declare -A ns=([r]="tulle-$$-mr" [w]="tulle-$$-mw") # namespace per node
declare -A subnet=([l]=1 [a]=2 [b]=3 [c]=4 [w]=5 [d]=6)
for node in "${nodes[@]}"; do
    ns[$node]="tulle-$$-m$node"
    tap_logs+=("$work/$node.log")
done
tap_logs+=("$work/$wif.log")
underlay() { echo "172.31.${subnet[$1]}.2"; } # a node's veth address
lighthouse_port=51820

# n NODE CMD...: CMD in NODE's network namespace.
n() {
    local node=$1
    shift
    ip netns exec "${ns[$node]}" "$@"
}
node_ns() { echo "${ns[$1]}"; }
# shellcheck source=SCRIPTDIR/mesh_lib.sh
source "$here/mesh_lib.sh" # ctl, wgn, py, now, seconds, within, start, sniffer

# ---------------------------------------------------------------------------------------------
# The network: a router and a subnet per node.

setup_net() {
    local node k
    netns_add "${ns[r]}" || return 1
    n r sysctl -qw net.ipv4.ip_forward=1 || return 1
    for node in "${nodes[@]}" w; do
        k=${subnet[$node]}
        netns_add "${ns[$node]}" &&
            veth "${ns[r]}" "v$node" "${ns[$node]}" eth0 &&
            ip -n "${ns[r]}" addr add "172.31.$k.1/24" dev "v$node" &&
            ip -n "${ns[$node]}" addr add "172.31.$k.2/24" dev eth0 &&
            ip -n "${ns[$node]}" route add default via "172.31.$k.1" || return 1
    done
}
must "a router and six nodes, each on a subnet of its own" setup_net
routed() {
    local node
    for node in a b c d w; do
        n "$node" ping -n -q -c 1 -W 2 "$(underlay l)" >/dev/null || {
            echo "$node cannot reach the lighthouse's $(underlay l) through the router"
            return 1
        }
    done
}
must "every node reaches the lighthouse through the router" routed

add_groups() { # a group per node, of the run's own, removed on exit
    local node
    for node in "${nodes[@]}"; do
        groupadd "tulle-$$-m$node" && on_exit groupdel "tulle-$$-m$node" || return 1
    done
}
must "a group of the run's own per node" add_groups

start_all() {
    local node
    for node in "${nodes[@]}"; do start "$node" "tulle-$$-m$node" || return 1; done
}
must "tulled serves on each of L, A, B, C and D" start_all
own_run_wireguard() { # a node's /var/run/wireguard is not the machine's
    [[ $(nsenter --target "${tulled_pid[a]}" --mount stat -c %d:%i "$wg_run") != \
        $(stat -c %d:%i "$wg_run") ]]
}
must "each tulled has a /var/run/wireguard of its own" own_run_wireguard

# ---------------------------------------------------------------------------------------------
# Queries the steps share.

members() { ctl "$1" network members "$net" --json; }
# member NODE NAME EXPR: EXPR (Python; m is the member NAME) of NODE's member list.
member() {
    members "$1" | py "(lambda m: $3)([m for m in d['members'] if m['name'] == '$2'][0])" ||
        { echo "$1 lists no member '$2'"; members "$1"; return 1; }
}
# show_members NODE: NODE's member list, a line a member (diagnostics).
show_members() {
    echo "$1's members:"
    members "$1" | py "[' '.join(str(x) for x in (m['name'], m['addresses'], 'lighthouse' * m['lighthouse'],
                        'self' * m['self'], 'online' if m['online'] else 'offline', m['path'])) for m in d['members']]"
}
member_names() { members "$1" | py "' '.join(sorted(m['name'] for m in d['members']))"; }
sorted() { printf '%s\n' "$@" | LC_ALL=C sort | paste -sd ' '; } # as Python sorts them
# reaches NODE ADDRESS [ARGS...]: an answer within 2 s, one echo every 0.2 s meanwhile (the
# first may wait for a handshake and a query).
reaches() {
    local node=$1 to=$2
    shift 2
    n "$node" ping -n -q -c 1 -w 2 -i 0.2 "$@" "$to" >/dev/null
}
# peer_bytes NODE KEY: rx + tx of NODE's peer KEY on the network's tunnel.
peer_bytes() {
    ctl "$1" peers "$net" --json |
        py "sum(p['rx_bytes'] + p['tx_bytes'] for p in d['peers'] if p['public_key'] == '$2')"
}
# refused_with PATTERN NODE ARGS...: tullectl ARGS on NODE fails (not by timeout), and its
# message matches PATTERN (extended regex, any case).
refused_with() {
    local pattern=$1 rc
    shift
    ctl "$@" >"$work/refused.out" 2>"$work/refused.err"
    rc=$?
    echo "exit $rc; stderr: $(cat "$work/refused.err")"
    ((rc != 0 && rc != 124)) && grep -qiE "$pattern" "$work/refused.err"
}

# ---------------------------------------------------------------------------------------------
# 1. Create, invite, join.

must "L: network create $net --address 10.88.0.0/16 --endpoint $(underlay l):$lighthouse_port" \
    ctl l network create "$net" --address 10.88.0.0/16 --endpoint "$(underlay l):$lighthouse_port"
invite() { # invite VAR ARGS...: VAR = the line L prints for `network invite NET ARGS`
    local line
    line=$(ctl l network invite "$net" "${@:2}") || return 1
    [[ $line =~ ^TULLE1:[A-Z2-7]+$ ]] || { echo "not one invite line: '$line'"; return 1; }
    printf -v "$1" %s "$line"
}
inv_a="" inv_b="" inv_c="" inv_d=""
must "L: invite a, its address left to L (one line, TULLE1: and base32)" invite inv_a --name a
must "L: invite b with the address 10.88.0.20" invite inv_b --name b --address 10.88.0.20
must "L: invite a member, naming neither" invite inv_c
must "L: invite d" invite inv_d --name d --expires 1h

must "A: network join" ctl a network join "$inv_a" --timeout 20
must "B: network join" ctl b network join "$inv_b" --timeout 20
name_l=$(members l | py "[m['name'] for m in d['members'] if m['lighthouse']][0]")
must "L lists itself as the lighthouse, by a name ('$name_l')" test -n "$name_l"
declare -A addr=() key=()
learn() { # learn NODE NAME: NODE's overlay address and key, as L lists member NAME
    addr[$1]=$(member l "$2" "m['addresses'][0].split('/')[0]") &&
        key[$1]=$(member l "$2" "m['public_key']")
}
must "L lists a and b with an address and a key" eval 'learn l "$name_l" && learn a a && learn b b'

# 2. Join to first ping: from the start of C's join to C's first answer from A's address.
t0=$(now)
must "C: network join --name c (the invite names no one)" \
    ctl c network join "$inv_c" --name c --timeout 20
t1=$(now)
# One echo request every 0.1 s until the first answer, for at most 20 s.
check "C pings A's overlay address within 20 s of starting to join" \
    n c ping -n -q -c 1 -i 0.1 -w 20 "${addr[a]}"
t2=$(now)
echo "# join to first ping: $(seconds "$t0" "$t2") s" \
    "(the join itself $(seconds "$t0" "$t1") s; target under 2 s)"
must "L lists c with an address and a key" learn c c

check "addresses: L the range's first, a the next free, b its chosen one, c the next free" \
    test "${addr[l]} ${addr[a]} ${addr[b]} ${addr[c]}" = "10.88.0.1 10.88.0.2 10.88.0.20 10.88.0.3"
everyone_listed=$(sorted a b c "$name_l")
all_listed() { # all_listed NODE: NODE lists the lighthouse, a, b and c, and nobody else
    members "$1" | py "(' '.join(sorted(m['name'] for m in d['members'])) == '$everyone_listed' and
                        sum(m['lighthouse'] for m in d['members']) == 1)"
}
all_online() { # all_online NODE: NODE lists them all (all_listed), each online
    all_listed "$1" && members "$1" | py "all(m['online'] for m in d['members'])"
}
# within_5 WHAT NODE: WHAT NODE succeeds within 5 s; if not, NODE's member list is shown.
within_5() { within 5 "$1" "$2" || { show_members "$2"; false; }; }
check "L: network members lists 4 (the lighthouse, a, b, c), all online within 5 s" \
    within_5 all_online l
check "A: network members lists the same 4 within 5 s" within_5 all_listed a
# A's list came from L, pushed when c joined; c's registration that followed must reach it too.
check "A: and each of them online within 5 s" within_5 all_online a
check "C: network members lists the same 4, online" within_5 all_online c
check "the network's file on L is root's alone (mode 0600)" \
    eval '[[ $(stat -c "%U %a" "$work/l/etc/networks/$net.json") == "root 600" ]]'
check "A: network list shows $net online, with its address" \
    eval 'ctl a network list --json |
              py "[x for x in d[\"networks\"] if x[\"name\"] == \"$net\" and
                   x[\"state\"] == \"online\" and x[\"address\"] == \"${addr[a]}\"] != []"'

# 3. Everyone pings everyone, both ways (the lighthouse too).
everyone() {
    local from to bad=0
    for from in l a b c; do
        for to in l a b c; do
            [[ $from == "$to" ]] && continue
            reaches "$from" "${addr[$to]}" || { echo "$from does not reach $to (${addr[$to]})"; bad=1; }
        done
    done
    return $bad
}
check "every node pings every other one on its overlay address (12 pairs)" everyone

# 4. Direct paths: A reaches B and C at their own addresses, not through L.
endpoint_on() { # endpoint_on NODE OTHER: NODE's wg endpoint for OTHER's key
    wgn "$1" show "$net" endpoints | awk -v k="${key[$2]}" '$1 == k { print $2 }'
}
endpoints_direct() { # endpoints_direct NODE OTHER...: NODE sends to each OTHER's veth address
    local node=$1 other e bad=0
    shift
    for other; do
        e=$(endpoint_on "$node" "$other")
        echo "$node's endpoint for $other: '$e'"
        [[ $e == "$(underlay "$other")":* ]] || bad=1
    done
    return $bad
}
check "A: wg show endpoints: b and c at their own veth addresses, not L's" endpoints_direct a b c
check "B: wg show endpoints: a and c at their own veth addresses" endpoints_direct b a c
growth=""
lighthouse_quiet() {
    local before after
    before=$(($(peer_bytes l "${key[a]}") + $(peer_bytes l "${key[b]}"))) || return 1
    n a ping -n -q -c 1000 -i 0.002 -W 1 "${addr[b]}" >"$work/a-to-b.ping" 2>&1
    cat "$work/a-to-b.ping"
    after=$(($(peer_bytes l "${key[a]}") + $(peer_bytes l "${key[b]}"))) || return 1
    growth=$((after - before))
    answered=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$work/a-to-b.ping")
    ((${answered:-0} >= 990)) || return 1
    # Through L, 1,000 echo requests and replies would add over 200 KB to these counters.
    ((growth < 16384))
}
answered=""
check "1,000 pings A -> B, 990 answered: L's counters of A's and B's peers grow by < 16 KiB" \
    lighthouse_quiet
echo "# L's counters of A's and B's peers during 1,000 pings A -> B (${answered:-?} answered):" \
    "+${growth:-?} bytes"
path_direct() { # path_direct JSON-LIST-EXPR: the entry's path is direct, to B's veth address
    py "[x for x in $1 if x['path']['kind'] == 'direct' and
         x['path'].get('endpoint', '').startswith('$(underlay b):')] != []"
}
check "A: network members gives b's path as direct, to b's veth address" \
    eval 'show_members a; members a | path_direct "[m for m in d[\"members\"] if m[\"name\"] == \"b\"]"'
check "A: tullectl peers gives b's path as direct, to b's veth address" \
    eval 'ctl a peers "$net" --json | py "[p[\"name\"] + \" \" + str(p[\"path\"]) for p in d[\"peers\"]]";
          ctl a peers "$net" --json | path_direct "[p for p in d[\"peers\"] if p[\"public_key\"] == \"${key[b]}\"]"'

# ---------------------------------------------------------------------------------------------
# 5. A stock wireguard-go peer W on L's tunnel, next to the members.

wkey=$(wg genkey)
wpub=$(wg pubkey <<<"$wkey")
lpub=$(ctl l network list --json | py "[x['public_key'] for x in d['networks'] if x['name'] == '$net'][0]")
check "L: network list gives L's own key, the one its members know it by" test "$lpub" = "${key[l]}"
must "L: peer add W's key with allowed-ips 10.88.200.1/32" \
    ctl l peer add "$net" "$wpub" --name w --allowed-ips 10.88.200.1/32
w_setup() {
    wg_start "${ns[w]}" wireguard-go "$wif" &&
        n w wg set "$wif" private-key <(echo "$wkey") listen-port 51830 peer "$lpub" \
            endpoint "$(underlay l):$lighthouse_port" allowed-ips 10.88.0.1/32 &&
        n w ip addr add 10.88.200.1/32 dev "$wif" &&
        n w ip link set "$wif" up &&
        n w ip route add 10.88.0.1/32 dev "$wif"
}
must "W: wireguard-go $wif with L as its one peer, 10.88.200.1" w_setup

# What W's tunnel and W's veth carry, both ways, a line a packet (for UDP: ports and the
# payload's first 4 bytes): a sniffer on each interface (AF_PACKET, as tcpdump does), from here
# to the end of the run.
sniffer
spawn "${ns[w]}" "$work/sniff.log" "$python" "$work/sniff.py" "$wif" "$work/w-packets"
spawn "${ns[w]}" "$work/sniff.log" "$python" "$work/sniff.py" eth0 "$work/w-underlay"
check "a sniffer on W's tunnel interface and one on its veth" \
    eval 'wait_for 5 grep -qx ready "$work/w-packets" && wait_for 5 grep -qx ready "$work/w-underlay"'
check "W pings L's overlay address 10.88.0.1" \
    eval 'reaches w 10.88.0.1 -w 5 && n w ping -n -q -c 3 -i 0.2 -W 2 10.88.0.1'
# Control traffic meanwhile: members asking L for the member list.
for node in a b c; do members "$node" >/dev/null 2>&1; done
sleep 3
no_control_at_w() {
    local seen control
    seen=$(grep -cvx ready "$work/w-packets")
    control=$(awk '$5 == 51999 || $6 == 51999' "$work/w-packets")
    echo "W's tunnel carried $seen packets"
    [[ -z $control ]] || { echo "control datagrams at W:"; echo "$control"; return 1; }
    ((seen > 0)) # it saw the pings: the sniffer works
}
check "W's tunnel has carried no datagram for port 51999 (the mesh's control port)" \
    no_control_at_w
only_wireguard_at_w() { # every datagram to W's port is a WireGuard message: type 1-4, 0, 0, 0
    local seen other
    seen=$(awk '$1 == "in" && $2 == 17 && $6 == 51830' "$work/w-underlay" | wc -l)
    other=$(awk '$1 == "in" && $2 == 17 && $6 == 51830 && $7 !~ /^0[1-4]000000$/' "$work/w-underlay")
    echo "W's port 51830 received $seen datagrams"
    [[ -z $other ]] || { echo "datagrams that are not WireGuard's:"; echo "$other"; return 1; }
    ((seen > 0))
}
check "W's UDP port has received WireGuard messages only (no other kind of datagram)" \
    only_wireguard_at_w
check "L: tullectl peers lists W beside the members, with a handshake" \
    eval 'ctl l peers "$net" --json |
              py "[p for p in d[\"peers\"] if p[\"public_key\"] == \"$wpub\" and p[\"last_handshake\"] > 0] != []"'

# ---------------------------------------------------------------------------------------------
# 6. Refusals on D: an altered invite, a used one. Nothing is created; the rest carries on.

alter() { # one character in the middle of the invite changed for another base32 character
    local s=$1 i c
    i=$((${#s} / 2))
    c=${s:i:1}
    [[ $c == A ]] && c=B || c=A
    echo "${s:0:i}$c${s:i+1}"
}
nothing_on_d() {
    ctl d network list --json | py "d['networks'] == []" || { ctl d network list --json; return 1; }
    ! n d ip link show "$net" >/dev/null 2>&1 || { echo "D has an interface $net"; return 1; }
}
check "D: join with one character of an invite changed is refused as altered or damaged" \
    refused_with 'altered|damaged' d network join "$(alter "$inv_d")" --timeout 15
check "D: and nothing was created (network list empty, no interface $net)" nothing_on_d
check "D: join with A's invite, used already, is refused as already used" \
    refused_with 'already used|used already' d network join "$inv_a" --timeout 15
check "D: no network of D is online" \
    eval 'ctl d network list --json | py "[x for x in d[\"networks\"] if x[\"state\"] == \"online\"] == []"'
check "L still lists the same 4, a with a's key (the used invite took nobody's place)" \
    eval '[[ $(member_names l) == "$everyone_listed" && $(member l a "m[\"public_key\"]") == "${key[a]}" ]]'
check "the mesh carries on meanwhile: A pings L and B" \
    eval 'reaches a "${addr[l]}" && reaches a "${addr[b]}"'

# ---------------------------------------------------------------------------------------------
# 7. Remove c: it reaches nobody, nobody lists it, its invite does not let it back.

must "L: network remove $net c" ctl l network remove "$net" c
c_cut_off() {
    local to
    for to in l a b; do
        ! n c ping -n -q -c 1 -W 1 "${addr[$to]}" >/dev/null || { echo "C still reaches $to"; return 1; }
    done
}
check "within 10 s C can no longer ping L, A or B" within 10 c_cut_off
check "and later neither: C reaches none of them, A does not reach C" \
    eval 'c_cut_off && ! n a ping -n -q -c 3 -i 0.2 -W 1 "${addr[c]}" >/dev/null'
lacks_c() { [[ " $(member_names "$1") " != *" c "* ]]; }
check "within 10 s neither L nor A nor B lists c" \
    eval 'within 10 lacks_c l && within 10 lacks_c a && within 10 lacks_c b'
check "A's and B's tunnels no longer have c as a peer" \
    eval '! wgn a show "$net" peers | grep -qxF "${key[c]}" && ! wgn b show "$net" peers | grep -qxF "${key[c]}"'
check "C: network leave" ctl c network leave "$net"
check "C: its tunnel is gone" eval '! n c ip link show "$net" >/dev/null 2>&1'
check "C: join with its old invite is refused, saying why" \
    refused_with '.' c network join "$inv_c" --name c --timeout 15
echo "# C's rejoin with its old invite: $(head -c 300 "$work/refused.err" | tr '\n' ' ')"
check "C is not back: L lists 3 members, C reaches nobody" \
    eval '[[ $(member_names l) == "$(sorted a b "$name_l")" ]] && c_cut_off'

# ---------------------------------------------------------------------------------------------
# 8. tulled restarted on A: its peers survive and the mesh comes back.

stop_a() { stop "${tulled_pid[a]}"; }
check "A: tulled stops on SIGTERM with exit status 0" stop_a
must "A: tulled starts again with the same folders" start a "tulle-$$-ma"
# As soon as its tunnel answers wg(8), before anything asked the lighthouse for b.
check "A: right after the start wg show lists b as a peer (peers survive a restart)" \
    eval 'within 5 wgn a show "$net" peers >/dev/null 2>&1 && wgn a show "$net" peers | grep -qxF "${key[b]}"'
t3=$(now)
check "A pings B and L again within 10 s" \
    eval 'within 10 reaches a "${addr[b]}" && within 10 reaches a "${addr[l]}"'
echo "# restart to pinging B and L again: $(seconds "$t3" "$(now)") s"
check "B pings A" reaches b "${addr[a]}"
check "A: network list lists $net, network members the 3 that are left" \
    eval 'ctl a network list --json | py "\"$net\" in [x[\"name\"] for x in d[\"networks\"]]" &&
          [[ $(member_names a) == "$(sorted a b "$name_l")" ]]'

# ---------------------------------------------------------------------------------------------
# The wireguard-go peer after all that: still working, never a control datagram.

check "W still pings L" reaches w 10.88.0.1 -w 5
check "W's tunnel carried no datagram for port 51999 through joins, removal and restart" \
    no_control_at_w
check "W's UDP port received WireGuard messages only, all along" only_wireguard_at_w
secrets_kept() { # an invite carries a throwaway enrollment key: no tulled logs one
    local line
    for line in "$inv_a" "$inv_b" "$inv_c" "$inv_d"; do
        ! grep -qF "${line#TULLE1:}" "$work"/[labcd].log || { echo "an invite is in a log"; return 1; }
    done
}
check "no invite (they carry keys) in any tulled's log" secrets_kept

tap_done
