#!/usr/bin/env bash
# netns.sh: end-to-end test of a WireGuard userspace implementation (tulled in compatibility mode,
# or wireguard-go), in the manner of the Linux kernel's tools/testing/selftests/wireguard/netns.sh.
# Each node runs `IMPL IFNAME` in a network namespace of its own, with WG_PROCESS_FOREGROUND=1, and
# is configured with the stock `wg` tool through /var/run/wireguard/IFNAME.sock.
#
#                          ns0 "the internet": a router and nothing else
#          v1 10.0.1.254     v2 10.0.2.254     v2b 10.0.20.254     v3 10.0.3.254
#               |                 |                  |                   |
#        eth0 10.0.1.1     eth0 10.0.2.2     eth1 10.0.20.2      eth0 10.0.3.3
#   +----------------+   +-------------------------------------+   +----------------+
#   | ns1  IMPL1     |   | ns2  IMPL2                          |   | ns3  IMPL3     |
#   | tl<pid>a       |   | tl<pid>b                            |   | tl<pid>c       |
#   | 192.168.241.1  |   | 192.168.241.2    eth1 carries no    |   | 192.168.241.3  |
#   | fd00::1        |   | fd00::2          traffic until the  |   | fd00::3        |
#   | udp 10001      |   | udp 10002        roaming test       |   | udp 10003      |
#   +----------------+   +-------------------------------------+   +----------------+
#
# ns1 peers with ns2 (with a preshared key) and, during the add-peer test only, with ns3. No
# namespace has a route beyond 10.0.0.0/16 and nothing leaves them.
#
# Usage (as root):  IMPL1=path/to/tulled IMPL2=wireguard-go tests/integration/netns.sh
#   IMPL1, IMPL2  implementation on node 1 / node 2: a command on PATH or a path (default
#                 wireguard-go); IMPL3 (the third peer) defaults to IMPL2.
#   OFFLOADS1, OFFLOADS2  TULLE_OFFLOADS for node 1 / node 2 ("off": tulled moves one packet
#                 per system call; default: the environment's TULLE_OFFLOADS, else on)
#   VERBOSE=1     show every command's output; KEEP_LOGS=1 keep the daemons' logs.
# Prints TAP ("ok N - ...", "not ok N - ...", then "1..N") and "N passed, N failed"; exits 1 if
# any check failed, 77 (skip) without root or a needed tool.

# Checks of more than one command are `check DESCRIPTION eval '...'`: expanded when they run.
# shellcheck disable=SC2016
set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
here=$(cd "$(dirname "$0")" && pwd)

# ---------------------------------------------------------------------------------------------
# Preconditions

need_root
need ip wg ping iperf3 timeout ss
impl1=$(resolve "${IMPL1:-wireguard-go}") || skip "IMPL1=${IMPL1:-wireguard-go} not found"
impl2=$(resolve "${IMPL2:-wireguard-go}") || skip "IMPL2=${IMPL2:-wireguard-go} not found"
impl3=$(resolve "${IMPL3:-${IMPL2:-wireguard-go}}") || skip "IMPL3 not found"
have_python=0
command -v python3 >/dev/null && have_python=1

# ---------------------------------------------------------------------------------------------
# Names, helpers

ns0="tulle-$$-ns0" ns1="tulle-$$-ns1" ns2="tulle-$$-ns2" ns3="tulle-$$-ns3"
if1="tl$$a" if2="tl$$b" if3="tl$$c" # unique: /var/run/wireguard is not namespaced
port1=10001 port2=10002 port3=10003
out1=10.0.1.1 out2=10.0.2.2 out2b=10.0.20.2 out3=10.0.3.3
in1=192.168.241.1 in2=192.168.241.2 in3=192.168.241.3
in1_6=fd00::1 in2_6=fd00::2 in3_6=fd00::3
tap_logs+=("$work/$if1.log" "$work/$if2.log" "$work/$if3.log") # the daemons', shown on failure

keyfile() { # keyfile KEY: a file in $work holding KEY (wg reads keys from files only)
    local f
    f=$work/key.$(printf %s "$1" | md5sum | cut -c1-12)
    (umask 077 && printf '%s\n' "$1" >"$f")
    echo "$f"
}
run() { # run CMD quietly, unless VERBOSE; on failure show its output as diagnostics
    local o s
    o=$("$@" 2>&1)
    s=$?
    [[ ${VERBOSE:-0} == 1 && -n $o ]] && diag "$o"
    ((s != 0)) && diag "failed ($s): $*"$'\n'"$o"
    return $s
}

# ---------------------------------------------------------------------------------------------
# Assertion helpers

# pings NS ARGS...: run ping; sets ping_tx / ping_rx from its summary line.
pings() {
    local ns=$1 o
    shift
    o=$(ip netns exec "$ns" ping -n -q "$@" 2>&1)
    ping_tx=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' <<<"$o")
    ping_rx=$(sed -n 's/.* \([0-9]*\) \(packets \)\{0,1\}received.*/\1/p' <<<"$o")
    ping_tx=${ping_tx:-0} ping_rx=${ping_rx:-0}
    [[ ${VERBOSE:-0} == 1 ]] && diag "$o"
}
ping_all() { # ping_all NS ARGS...: every echo answered
    pings "$@"
    ((ping_tx > 0 && ping_rx == ping_tx)) || { diag "ping $*: $ping_rx of $ping_tx answered"; return 1; }
}
ping_some() { # ping_some NS ARGS...: at least one answer (first packet may wait for a handshake)
    pings "$@"
    ((ping_rx > 0)) || { diag "ping $*: $ping_rx of $ping_tx answered"; return 1; }
}
ping_none() { # ping_none NS ARGS...: nothing answered
    pings "$@"
    ((ping_rx == 0)) || { diag "ping $*: $ping_rx of $ping_tx answered, expected none"; return 1; }
}

# show_field IF WHAT PUBKEY: column 2.. of `wg show IF WHAT` for PUBKEY
show_field() { wgc show "$1" "$2" 2>/dev/null | awk -v k="$3" '$1 == k { $1 = ""; sub(/^ /, ""); print }'; }
handshake_after() { # handshake_after IF PUBKEY T: latest handshake with PUBKEY is non-zero and >= T
    local h now
    h=$(show_field "$1" latest-handshakes "$2")
    now=$(date +%s)
    [[ $h =~ ^[0-9]+$ ]] && ((h > 0 && h >= $3 - 1 && h <= now + 1)) && return 0
    diag "$1 latest-handshakes: '${h}' (want a time in [$(($3 - 1)), $now])"
    return 1
}
no_handshake() { # no_handshake IF PUBKEY
    local h
    h=$(show_field "$1" latest-handshakes "$2")
    [[ $h == 0 ]] || { diag "$1 latest-handshakes: '$h' (want 0)"; return 1; }
}
endpoint_is() { # endpoint_is IF PUBKEY ADDR:PORT
    local e
    e=$(show_field "$1" endpoints "$2")
    [[ $e == "$3" ]] || { diag "$1 endpoint: '$e' (want $3)"; return 1; }
}
has_peer() { wgc show "$1" peers | grep -qxF "$2"; }
lacks_peer() {
    local p
    p=$(wgc show "$1" peers) || { diag "wg show $1 peers failed"; return 1; }
    ! grep -qxF "$2" <<<"$p" || { diag "$1 still lists $2"; return 1; }
}
healthy() { # healthy PID IF: process alive and its UAPI socket answers
    alive "$1" || { diag "pid $1 ($2) is gone"; return 1; }
    wgc show "$2" >/dev/null 2>&1 || { diag "wg show $2 fails: the socket does not answer"; return 1; }
}
transfer() { # transfer IF PUBKEY -> "rx tx"
    show_field "$1" transfer "$2"
}
in_range() { # in_range WHAT VALUE LO HI
    (($2 >= $3 && $2 <= $4)) || { diag "$1 = $2, want $3..$4"; return 1; }
}
tun_rx() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }
udp_in() { # udp_in NS: datagrams the namespace delivered to UDP sockets (IPv4)
    ip netns exec "$1" awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["InDatagrams"] }' /proc/net/snmp
}

# iperf3 helpers: a server in ns2 on the tunnel address; mbps NS ARGS... prints receiver Mbit/s.
iperf_mbps() {
    local ns=$1 o
    shift
    o=$(ip netns exec "$ns" timeout 20 iperf3 --connect-timeout 3000 -f m "$@" 2>&1)
    [[ ${VERBOSE:-0} == 1 ]] && diag "$o"
    awk '/receiver/ { v = $(NF-2) } END { print v + 0 }' <<<"$o"
}
# intact_copy FROM_NS TO_NS ADDRESS: 16 MiB over one TCP connection through the tunnel arrive byte
# for byte (segmented and coalesced on the way where the implementations offload).
intact_copy() {
    local result="$work/copy-$3" server sent got
    ip netns exec "$2" timeout 40 python3 "$here/tcp_copy.py" serve "$3" 5301 >"$result" 2>&1 &
    server=$!
    wait_for 5 listening "$2" 5301 || { diag "no listener on $3 port 5301"; wait "$server"; return 1; }
    sent=$(ip netns exec "$1" timeout 40 python3 "$here/tcp_copy.py" send "$3" 5301 16777216 2>&1)
    wait "$server"
    got=$(cat "$result")
    [[ $sent == "16777216 "* && $sent == "$got" ]] || { diag "sent: $sent; received: $got"; return 1; }
}
positive() { # positive WHAT VALUE
    awk -v v="$2" 'BEGIN { exit !(v > 0) }' || { diag "$1 = $2"; return 1; }
}
# ---------------------------------------------------------------------------------------------
# Topology

echo "# IMPL1=$impl1"
echo "# IMPL2=$impl2"
echo "# IMPL3=$impl3"

setup_net() {
    netns_add "$ns0" "$ns1" "$ns2" "$ns3" || return 1
    n0 sysctl -qw net.ipv4.ip_forward=1 || return 1
    veth "$ns0" v1 "$ns1" eth0 && veth "$ns0" v2 "$ns2" eth0 &&
        veth "$ns0" v2b "$ns2" eth1 && veth "$ns0" v3 "$ns3" eth0 || return 1
    ip -n "$ns0" addr add 10.0.1.254/24 dev v1 &&
        ip -n "$ns0" addr add 10.0.2.254/24 dev v2 &&
        ip -n "$ns0" addr add 10.0.20.254/24 dev v2b &&
        ip -n "$ns0" addr add 10.0.3.254/24 dev v3 || return 1
    ip -n "$ns1" addr add "$out1/24" dev eth0 &&
        ip -n "$ns2" addr add "$out2/24" dev eth0 &&
        ip -n "$ns2" addr add "$out2b/24" dev eth1 &&
        ip -n "$ns3" addr add "$out3/24" dev eth0 || return 1
    ip -n "$ns1" route add 10.0.0.0/16 via 10.0.1.254 &&
        ip -n "$ns2" route add 10.0.0.0/16 via 10.0.2.254 &&
        ip -n "$ns3" route add 10.0.0.0/16 via 10.0.3.254
}
must "set up the namespaces" setup_net
must "outer network reaches ns2 and ns3 through ns0" \
    eval 'ping_all "$ns1" -c 1 -W 2 "$out2" && ping_all "$ns1" -c 1 -W 2 "$out3"'

configure() { # configure NS IF KEY PORT IN4 IN6
    local ns=$1 ifn=$2
    wgc set "$ifn" private-key "$(keyfile "$3")" listen-port "$4" &&
        ip -n "$ns" addr add "$5/24" dev "$ifn" &&
        ip -n "$ns" addr add "$6/112" dev "$ifn" nodad &&
        ip -n "$ns" link set "$ifn" mtu 1420 up
}

key1=$(wg genkey) key2=$(wg genkey) key3=$(wg genkey)
pub1=$(wg pubkey <<<"$key1") pub2=$(wg pubkey <<<"$key2") pub3=$(wg pubkey <<<"$key3")
psk=$(wg genpsk)

TULLE_OFFLOADS=${OFFLOADS1:-${TULLE_OFFLOADS:-on}} must "start IMPL1 as $if1 in ns1" wg_start "$ns1" "$impl1" "$if1"
pid1=$pid
TULLE_OFFLOADS=${OFFLOADS2:-${TULLE_OFFLOADS:-on}} must "start IMPL2 as $if2 in ns2" wg_start "$ns2" "$impl2" "$if2"
pid2=$pid
# tulled says which offloads it uses; "off" must mean none.
for n in 1 2; do
    offloads_var=OFFLOADS$n
    want=${!offloads_var:-${TULLE_OFFLOADS:-on}}
    ifn_var=if$n
    log=$work/${!ifn_var}.log
    line=$(grep -o 'offloads:.*' "$log" 2>/dev/null | head -n 1)
    [[ -z $line ]] && continue # not tulled
    echo "# node $n $line"
    if [[ $want == off ]]; then
        check "node $n: TULLE_OFFLOADS=off leaves every offload off" eval '[[ $line == "offloads: none" ]]'
    else
        check "node $n: TCP segmentation offload on the TUN device" eval '[[ $line == *TSO* ]]'
    fi
done
must "configure $if1" configure "$ns1" "$if1" "$key1" $port1 $in1 $in1_6
must "configure $if2" configure "$ns2" "$if2" "$key2" $port2 $in2 $in2_6
check "listen-port and public key read back over the socket" \
    eval '[[ $(wgc show $if1 listen-port) == "$port1" && $(wgc show $if2 public-key) == "$pub2" ]]'

# peer12 / peer21 [ENDPOINT|-] [PSK|-] [PUB]: (re)declare the peer on node 1 / node 2
peer12() {
    local args=(allowed-ips "$in2/32,$in2_6/128")
    [[ ${1:--} != - ]] && args+=(endpoint "$1")
    [[ ${2:--} != - ]] && args+=(preshared-key "$(keyfile "$2")")
    run wgc set "$if1" peer "${3:-$pub2}" "${args[@]}"
}
peer21() {
    local args=(allowed-ips "$in1/32,$in1_6/128")
    [[ ${1:--} != - ]] && args+=(endpoint "$1")
    [[ ${2:--} != - ]] && args+=(preshared-key "$(keyfile "$2")")
    run wgc set "$if2" peer "${3:-$pub1}" "${args[@]}"
}
forget() { # forget IF PUB: remove the peer (drops its sessions)
    run wgc set "$1" peer "$2" remove
}

# ---------------------------------------------------------------------------------------------
echo "# 1. traffic: ping over IPv4 and IPv6, iperf3 TCP both ways"

must "add the peers" eval 'peer12 "$out2:$port2" && peer21 "$out1:$port1"'
check "ping n1 -> n2 over IPv4 (first packet makes the handshake)" ping_some "$ns1" -c 3 -i 0.2 -w 5 $in2
check "ping n1 -> n2 over IPv4, no loss" ping_all "$ns1" -c 5 -i 0.1 -W 2 $in2
check "ping n2 -> n1 over IPv4, no loss" ping_all "$ns2" -c 5 -i 0.1 -W 2 $in1
check "ping n1 -> n2 over IPv6, no loss" ping_all "$ns1" -c 5 -i 0.1 -W 2 $in2_6
check "ping n2 -> n1 over IPv6, no loss" ping_all "$ns2" -c 5 -i 0.1 -W 2 $in1_6
check "1400-byte IPv4 ping (near the 1420 MTU) n1 -> n2" ping_all "$ns1" -c 3 -i 0.1 -W 2 -s 1372 -M "do" $in2

spawn "$ns2" "$work/iperf3-server.log" iperf3 -s -B $in2 -p 5201
iperf_pid=$pid
if wait_listen "$ns2" 5201; then
    mbps=$(iperf_mbps "$ns1" -c $in2 -p 5201 -t 3)
    echo "#   iperf3 TCP n1 -> n2: $mbps Mbit/s"
    check "iperf3 TCP n1 -> n2, 3 s: non-zero throughput" positive "throughput n1 -> n2 (Mbit/s)" "$mbps"
    mbps=$(iperf_mbps "$ns1" -c $in2 -p 5201 -t 3 -R)
    echo "#   iperf3 TCP n2 -> n1: $mbps Mbit/s"
    check "iperf3 TCP n2 -> n1, 3 s: non-zero throughput" positive "throughput n2 -> n1 (Mbit/s)" "$mbps"
else
    not_ok "iperf3 server listening in ns2"
fi
stop "$iperf_pid"
check "16 MiB over TCP/IPv4 n1 -> n2 arrive intact" intact_copy "$ns1" "$ns2" $in2
check "16 MiB over TCP/IPv4 n2 -> n1 arrive intact" intact_copy "$ns2" "$ns1" $in1
check "16 MiB over TCP/IPv6 n1 -> n2 arrive intact" intact_copy "$ns1" "$ns2" $in2_6
check "16 MiB over TCP/IPv6 n2 -> n1 arrive intact" intact_copy "$ns2" "$ns1" $in1_6

# ---------------------------------------------------------------------------------------------
echo "# 2. handshakes: each side initiating, with a preshared key; wrong keys"

# Both sides forget each other; only the initiator gets the other's endpoint, so the handshake can
# only come from it, and the responder must learn the initiator's endpoint from it.
# only_initiator I R ENDPOINT12 ENDPOINT21: nI initiates to nR; the endpoints (or -) for peer12 and
# peer21, both with the preshared key.
only_initiator() {
    local i=$1 r=$2 t0
    local ns_i="ns$i" ns_r="ns$r" in_i="in$i" in_r="in$r" if_r="if$r" pub_i="pub$i"
    local out_i="out$i" port_i="port$i"
    forget "$if1" "$pub2" && forget "$if2" "$pub1"
    t0=$(date +%s)
    peer12 "$3" "$psk" && peer21 "$4" "$psk"
    check "n$i initiates (n$r knows no endpoint), with a preshared key: ping n$i -> n$r" \
        ping_some "${!ns_i}" -c 3 -i 0.2 -w 5 "${!in_r}"
    check "n$r learned n$i's endpoint from the handshake" \
        endpoint_is "${!if_r}" "${!pub_i}" "${!out_i}:${!port_i}"
    check "n1 reports the handshake in latest-handshakes" handshake_after "$if1" "$pub2" "$t0"
    check "n2 reports the handshake in latest-handshakes" handshake_after "$if2" "$pub1" "$t0"
    check "then ping n$r -> n$i without loss" ping_all "${!ns_r}" -c 3 -i 0.1 -W 2 "${!in_i}"
}
only_initiator 1 2 "$out2:$port2" -
only_initiator 2 1 - "$out1:$port1"

# Mismatched preshared keys: the handshake cannot complete.
forget "$if1" "$pub2" && forget "$if2" "$pub1"
peer12 $out2:$port2 "$psk" && peer21 $out1:$port1 "$(wg genpsk)"
check "different preshared keys: no traffic n1 -> n2" ping_none "$ns1" -c 3 -i 0.5 -w 3 $in2
check "different preshared keys: no handshake recorded on n1" no_handshake "$if1" "$pub2"
check "different preshared keys: no handshake recorded on n2" no_handshake "$if2" "$pub1"
check "different preshared keys: n1 alive, socket answers" healthy "$pid1" "$if1"
check "different preshared keys: n2 alive, socket answers" healthy "$pid2" "$if2"

# Wrong public key: n1 thinks n2's key is another one, so n2 cannot decrypt n1's initiation.
wrongpub=$(wg genkey | wg pubkey)
forget "$if1" "$pub2" && forget "$if2" "$pub1"
peer12 $out2:$port2 - "$wrongpub" && peer21 $out1:$port1
check "wrong public key for n2 on n1: no traffic n1 -> n2" ping_none "$ns1" -c 3 -i 0.5 -w 3 $in2
check "wrong public key: no traffic n2 -> n1 either" ping_none "$ns2" -c 2 -i 0.5 -w 2 $in1
check "wrong public key: no handshake recorded on n1" no_handshake "$if1" "$wrongpub"
check "wrong public key: no handshake recorded on n2" no_handshake "$if2" "$pub1"
check "wrong public key: n1 alive, socket answers" healthy "$pid1" "$if1"
check "wrong public key: n2 alive, socket answers" healthy "$pid2" "$if2"

# Back to the right keys, with the preshared key, for the rest of the run.
forget "$if1" "$wrongpub" && forget "$if2" "$pub1"
peer12 $out2:$port2 "$psk" && peer21 $out1:$port1 "$psk"
check "right keys again: ping n1 -> n2" ping_some "$ns1" -c 3 -i 0.2 -w 5 $in2

# ---------------------------------------------------------------------------------------------
echo "# 3. wg show: handshake, transfer counters, endpoints, peers"

count=20 size=1000           # ICMP payload bytes
ip_len=$((size + 8 + 20))    # the IPv4 packet in the tunnel
padded=$(((ip_len + 15) / 16 * 16))
msg_lo=$((ip_len + 32))      # + 16-byte data header + 16-byte tag, without padding
msg_hi=$((padded + 32))      # with padding to 16 bytes
slack=1024                   # room for a handshake or a few keepalives
ping_all "$ns1" -c 2 -i 0.1 -W 2 $in2 >/dev/null # session up, nothing pending
read -r rx1a tx1a <<<"$(transfer "$if1" "$pub2")"
read -r rx2a tx2a <<<"$(transfer "$if2" "$pub1")"
tun2a=$(tun_rx "$ns2" "$if2")
check "$count pings of $size bytes n1 -> n2, all answered" ping_all "$ns1" -c $count -i 0.05 -W 2 -s $size $in2
sleep 0.3 # let the counters settle
read -r rx1b tx1b <<<"$(transfer "$if1" "$pub2")"
read -r rx2b tx2b <<<"$(transfer "$if2" "$pub1")"
tun2b=$(tun_rx "$ns2" "$if2")
echo "#   transfer deltas: n1 tx $((tx1b - tx1a)) rx $((rx1b - rx1a)), n2 rx $((rx2b - rx2a)) tx $((tx2b - tx2a)); per packet $msg_lo..$msg_hi"
check "n1 transfer: tx grew by $count messages" in_range "n1 tx delta" $((tx1b - tx1a)) $((count * msg_lo)) $((count * msg_hi + slack))
check "n1 transfer: rx grew by $count messages" in_range "n1 rx delta" $((rx1b - rx1a)) $((count * msg_lo)) $((count * msg_hi + slack))
check "n2 transfer: rx grew by $count messages" in_range "n2 rx delta" $((rx2b - rx2a)) $((count * msg_lo)) $((count * msg_hi + slack))
check "n2 transfer: tx grew by $count messages" in_range "n2 tx delta" $((tx2b - tx2a)) $((count * msg_lo)) $((count * msg_hi + slack))
check "n2's TUN device counted the $count packets (rx_packets, used by test 6)" \
    in_range "$if2 rx_packets growth" $((tun2b - tun2a)) $count $((count + 2))
check "latest-handshakes non-zero on n1" handshake_after "$if1" "$pub2" 1
check "latest-handshakes non-zero on n2" handshake_after "$if2" "$pub1" 1
check "endpoints on n1 show n2's outer address" endpoint_is "$if1" "$pub2" $out2:$port2
check "endpoints on n2 show n1's outer address" endpoint_is "$if2" "$pub1" $out1:$port1
check "peers on n1 lists exactly n2" eval '[[ $(wgc show $if1 peers) == "$pub2" ]]'
check "preshared-keys on n1 shows the key" eval '[[ $(show_field $if1 preshared-keys $pub2) == "$psk" ]]'
check "allowed-ips on n1 for n2" eval '[[ $(show_field $if1 allowed-ips $pub2) == "$in2/32 $in2_6/128" ]]'

# ---------------------------------------------------------------------------------------------
echo "# 4. a third peer added and removed while n1 pings n2"

check "start IMPL3 as $if3 in ns3" wg_start "$ns3" "$impl3" "$if3"
pid3=$pid
if alive "$pid3" && wg_ready "$ns3" "$if3"; then
    check "configure $if3" eval 'configure "$ns3" "$if3" "$key3" $port3 $in3 $in3_6 &&
        wgc set "$if3" peer "$pub1" allowed-ips "$in1/32,$in1_6/128" endpoint $out1:$port1'
    : >"$work/ping-long.log"
    spawn "$ns1" "$work/ping-long.log" ping -n -q -i 0.2 -c 25 -W 2 $in2
    long_ping=$pid
    sleep 1
    check "wg set adds peer n3 on n1 while the ping runs" \
        wgc set "$if1" peer "$pub3" allowed-ips "$in3/32,$in3_6/128" endpoint $out3:$port3
    check "peers on n1 lists n2 and n3" eval 'has_peer $if1 $pub2 && has_peer $if1 $pub3'
    check "ping n1 -> n3 over the new peer" ping_some "$ns1" -c 3 -i 0.2 -w 4 $in3
    check "ping n1 -> n3 over IPv6" ping_all "$ns1" -c 2 -i 0.1 -W 2 $in3_6
    check "wg set removes peer n3 on n1 while the ping runs" wgc set "$if1" peer "$pub3" remove
    check "peers on n1 no longer lists n3" lacks_peer "$if1" "$pub3"
    check "n1 no longer reaches n3 (no peer for its address)" ping_none "$ns1" -c 1 -W 1 $in3
    wait "$long_ping"
    o=$(cat "$work/ping-long.log")
    check "the 25 pings n1 -> n2 during add and remove: none lost" \
        eval 'grep -q "^25 packets transmitted, 25 received" <<<"$o" || { diag "$o"; false; }'
    check "after removal, ping n1 -> n2 still without loss" ping_all "$ns1" -c 10 -i 0.1 -W 2 $in2
    check "n3 alive, socket answers" healthy "$pid3" "$if3"
    stop "$pid3"
fi

# ---------------------------------------------------------------------------------------------
echo "# 5. roaming: n2's outer address changes"

# n2 moves from eth0 (10.0.2.2) to eth1 (10.0.20.2): the old address goes away and the route to
# the internet goes through eth1. n2 sends first; n1 must follow it to the new address.
check "move n2 to eth1" \
    eval 'n2 ip route replace 10.0.0.0/16 via 10.0.20.254 dev eth1 && n2 ip addr del "$out2/24" dev eth0'
check "after the move, ping n2 -> n1" ping_some "$ns2" -c 3 -i 0.2 -w 4 $in1
check "n1's endpoint for n2 is now the new address" endpoint_is "$if1" "$pub2" $out2b:$port2
check "traffic follows: ping n1 -> n2 without loss" ping_all "$ns1" -c 5 -i 0.1 -W 2 $in2
check "traffic follows over IPv6 too" ping_all "$ns1" -c 3 -i 0.1 -W 2 $in2_6
check "n2's endpoint for n1 is unchanged" endpoint_is "$if2" "$pub1" $out1:$port1

# ---------------------------------------------------------------------------------------------
echo "# 6. junk, truncated and replayed datagrams at the listen ports"

# Captures, in ns0 on v1, the first handshake initiation and the first data message (with a
# payload) that n1 sends to n2's port; writes them, whole IPv4 packets in hex, to DIR/init, DIR/data.
read -r -d '' py_capture <<'EOF'
import os, socket, sys, time
ifname, src, dport, outdir, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
s.bind((ifname, 0x0800))
s.settimeout(0.1)
open(os.path.join(outdir, "ready"), "w").close()
found = {}
deadline = time.time() + timeout
while time.time() < deadline and len(found) < 2:
    try:
        pkt, addr = s.recvfrom(65535)
    except socket.timeout:
        continue
    if len(pkt) < 29 or pkt[0] >> 4 != 4 or pkt[9] != 17 or socket.inet_ntoa(pkt[12:16]) != src:
        continue
    pkt = pkt[:int.from_bytes(pkt[2:4], "big")]
    ihl = (pkt[0] & 15) * 4
    udp = pkt[ihl:]
    if int.from_bytes(udp[2:4], "big") != dport:
        continue
    payload = udp[8:]
    if payload[:4] == b"\x01\0\0\0" and len(payload) == 148:
        found.setdefault("init", pkt)
    elif payload[:4] == b"\x04\0\0\0" and len(payload) > 32:
        found.setdefault("data", pkt)
for name, pkt in found.items():
    with open(os.path.join(outdir, name), "w") as f:
        f.write(pkt.hex())
EOF

# Sends, from ns0: MODE junk DIR HOST:PORT...  (random, typed, truncated, corrupted, oversized);
# MODE replay FILE COUNT (the captured IPv4 packet, byte for byte, spoofed source and all) and
# MODE resend FILE COUNT (its UDP payload, from ns0's own address, to the same destination).
read -r -d '' py_send <<'EOF'
import os, random, socket, sys, time
mode = sys.argv[1]
def udp_payload(pkt):
    ihl = (pkt[0] & 15) * 4
    return pkt[ihl + 8:]
def with_udp_checksum(pkt):
    # Captured on a veth, the UDP checksum may be left to offload (partial): recompute it.
    ihl = (pkt[0] & 15) * 4
    udp = bytearray(pkt[ihl:])
    udp[6:8] = b"\0\0"
    data = pkt[12:20] + b"\0\x11" + len(udp).to_bytes(2, "big") + bytes(udp)
    if len(data) % 2:
        data += b"\0"
    total = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    udp[6:8] = ((~total & 0xFFFF) or 0xFFFF).to_bytes(2, "big")
    return pkt[:ihl] + bytes(udp)
def dest(pkt):
    ihl = (pkt[0] & 15) * 4
    return socket.inet_ntoa(pkt[16:20]), int.from_bytes(pkt[ihl + 2:ihl + 4], "big")
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if mode == "junk":
    d = sys.argv[2]
    real = []
    for name in ("init", "data"):
        p = os.path.join(d, name)
        if os.path.exists(p):
            real.append(udp_payload(bytes.fromhex(open(p).read())))
    rnd = random.Random(1234)
    msgs = [b""]
    msgs += [os.urandom(rnd.randrange(1, 1500)) for _ in range(100)]
    for t, size in ((1, 148), (2, 92), (3, 64), (4, 32), (4, 48), (4, 1452)):
        for _ in range(10):
            msgs.append(bytes([t, 0, 0, 0]) + os.urandom(size - 4))
    for t in range(0, 256, 17):
        msgs.append(bytes([t]) + os.urandom(rnd.randrange(0, 200)))
    for r in real:
        msgs += [r[:k] for k in sorted({0, 1, 3, 4, 5, 8, 15, 16, 31, 32, 47, len(r) // 2, len(r) - 17, len(r) - 1}) if 0 <= k < len(r)]
        for _ in range(10):
            b = bytearray(r)
            b[rnd.randrange(4, len(b))] ^= 1 << rnd.randrange(8)
            msgs.append(bytes(b))
        msgs.append(r + os.urandom(16))
    msgs += [os.urandom(9000), os.urandom(65507)]
    for hp in sys.argv[3:]:
        host, port = hp.rsplit(":", 1)
        for m in msgs:
            u.sendto(m, (host, int(port)))
            time.sleep(0.002)  # do not overrun the receive buffer: the junk must get read
    print(len(msgs), "datagrams to each of", len(sys.argv) - 3, "ports")
else:
    pkt = bytes.fromhex(open(sys.argv[2]).read())
    count = int(sys.argv[3])
    if mode == "replay":
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        pkt = with_udp_checksum(pkt)
        for _ in range(count):
            raw.sendto(pkt, (dest(pkt)[0], 0))
    else:
        for _ in range(count):
            u.sendto(udp_payload(pkt), dest(pkt))
EOF

if ((have_python)); then
    capdir=$work/capture
    mkdir -p "$capdir"
    spawn "$ns0" "$work/capture.log" python3 -c "$py_capture" v1 $out1 $port2 "$capdir" 8
    cap_pid=$pid
    for ((i = 0; i < 50; i++)); do [[ -e $capdir/ready ]] && break; sleep 0.1; done
    # A fresh handshake from n1, then a ping, for the capture.
    forget "$if1" "$pub2" && peer12 $out2b:$port2 "$psk"
    ping_some "$ns1" -c 3 -i 0.2 -w 5 $in2 >/dev/null
    for ((i = 0; i < 50; i++)); do alive "$cap_pid" || break; sleep 0.1; done
    stop "$cap_pid"
    check "captured a handshake initiation and a data message in ns0" \
        eval '[[ -s $capdir/init && -s $capdir/data ]] || { diag "$(cat $work/capture.log)"; false; }'

    if [[ -s $capdir/data ]]; then
        rx0=$(tun_rx "$ns2" "$if2") udp0=$(udp_in "$ns2")
        run n0 python3 -c "$py_send" replay "$capdir/data" 20 &&
            run n0 python3 -c "$py_send" resend "$capdir/data" 20
        sleep 0.5
        rx1=$(tun_rx "$ns2" "$if2") udp1=$(udp_in "$ns2")
        check "the 40 replays reached n2's UDP socket" in_range "n2 Udp InDatagrams growth" $((udp1 - udp0)) 40 100
        check "40 replays of a data message: n2 delivers none of them" \
            in_range "$if2 rx_packets growth" $((rx1 - rx0)) 0 0
        check "replays from another address do not move n2's endpoint for n1" \
            endpoint_is "$if2" "$pub1" $out1:$port1
    fi
    if [[ -s $capdir/init ]]; then
        run n0 python3 -c "$py_send" replay "$capdir/init" 5 &&
            run n0 python3 -c "$py_send" resend "$capdir/init" 5
        sleep 0.5
        check "after 10 replayed handshake initiations, ping n1 -> n2 without loss" \
            ping_all "$ns1" -c 5 -i 0.1 -W 2 $in2
        check "... and n2 -> n1" ping_all "$ns2" -c 3 -i 0.1 -W 2 $in1
    fi
    udp0=$(udp_in "$ns2")
    o=$(n0 python3 -c "$py_send" junk "$capdir" $out2b:$port2 $out1:$port1 2>&1)
    echo "#   junk: $o"
    sleep 0.5
    udp1=$(udp_in "$ns2")
    sent=${o%% *}
    check "the junk reached n2's UDP socket (90 % at least)" \
        in_range "n2 Udp InDatagrams growth" $((udp1 - udp0)) $((sent * 9 / 10)) $((sent + 100))
    check "after junk and truncated datagrams: n1 alive, socket answers" healthy "$pid1" "$if1"
    check "after junk and truncated datagrams: n2 alive, socket answers" healthy "$pid2" "$if2"
    check "after junk: ping n1 -> n2 without loss" ping_all "$ns1" -c 5 -i 0.1 -W 2 $in2
    check "after junk: ping n2 -> n1 over IPv6 without loss" ping_all "$ns2" -c 5 -i 0.1 -W 2 $in1_6
    check "after junk: endpoints unchanged" \
        eval 'endpoint_is $if1 $pub2 $out2b:$port2 && endpoint_is $if2 $pub1 $out1:$port1'
else
    ok "junk, truncated and replayed datagrams # SKIP python3 not installed"
fi

check "at the end: n1 alive, socket answers" healthy "$pid1" "$if1"
check "at the end: n2 alive, socket answers" healthy "$pid2" "$if2"
tap_done
