#!/usr/bin/env bash
# modes.sh: tulled's ways of starting, end to end, against wireguard-go.
#
#   ns1 (tulled)  veth1 192.168.244.1 ---- veth2 192.168.244.2  ns2 (wireguard-go)
#                 tunnel 10.6.0.1, fd06::1                       tunnel 10.6.0.2, fd06::2
#
# 1. wg-quick up/down with WG_QUICK_USERSPACE_IMPLEMENTATION=tulled; deleting the interface ends
#    the daemon and removes its UAPI socket; removing the socket ends the daemon too.
# 2. tulled --config FILE (standalone): addresses, MTU, routes and a PostUp hook set by tulled
#    itself, traffic flows, SIGTERM takes it all down.
# 2b. The same with AllowedIPs = 0.0.0.0/0, ::/0: wg-quick's policy routing (fwmark, table 51820,
#    two rules per family), rules left by a killed run removed on the next start.
# 3. A config with mistakes: every error named with file:line, nothing created.
# Usage (as root): TULLED=path/to/tulled tests/integration/modes.sh
# Prints "ok N - ..." lines and "N passed, N failed"; exits 1 on failure, 77 when skipped.
set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
need_root
need ip wg wg-quick wireguard-go ping
tulled=${TULLED:-$(dirname "$0")/../../build/default/daemon/tulled}
[[ -x $tulled ]] || skip "tulled not found at $tulled (set TULLED)"

ns1="tulle-$$-m1" ns2="tulle-$$-m2"
if1="tm$$a" if2="tm$$b"
# tulled's sockets (wg-quick's, the standalone runs'), should a run end without removing them
on_exit rm -f "$wg_run/$if1.sock"

on_exit rm -f "$wg_run/tm$$c.sock"

setup_net() {
    netns_add "$ns1" "$ns2" && veth "$ns1" veth1 "$ns2" veth2 &&
        ip -n "$ns1" addr add 192.168.244.1/24 dev veth1 &&
        ip -n "$ns2" addr add 192.168.244.2/24 dev veth2
}
must "namespaces ns1 and ns2, a veth pair between them" setup_net

key1=$(wg genkey) key2=$(wg genkey)
pub1=$(wg pubkey <<<"$key1") pub2=$(wg pubkey <<<"$key2")
psk=$(wg genpsk)

# The far side: wireguard-go, configured with wg.
must "wireguard-go serves $if2 in ns2" wg_start "$ns2" wireguard-go "$if2"
tap_logs+=("$work/$if2.log")
n2 wg set "$if2" private-key <(echo "$key2") listen-port 51821 \
    peer "$pub1" preshared-key <(echo "$psk") allowed-ips 10.6.0.1/32,fd06::1/128,10.66.0.0/16
n2 ip addr add 10.6.0.2/24 dev "$if2"
n2 ip addr add fd06::2/64 dev "$if2"
n2 ip addr add 10.66.0.1/16 dev "$if2"
n2 ip addr add 10.99.0.1/32 dev "$if2"  # reached only through a default route
n2 ip addr add fd99::1/128 dev "$if2"
n2 ip link set "$if2" up

conf="$work/$if1.conf"
cat >"$conf" <<CONF
[Interface]
PrivateKey = $key1
Address = 10.6.0.1/24, fd06::1/64
ListenPort = 51820
MTU = 1380
PostUp = echo up %i > $work/hook

[Peer]
# Name = far side
PublicKey = $pub2
PresharedKey = $psk
AllowedIPs = 10.6.0.2/32, fd06::2/128
AllowedIPs = 10.66.0.0/16
Endpoint = 192.168.244.2:51821
CONF
chmod 600 "$conf"

# --- 1. wg-quick with tulled as the userspace implementation ---------------------------------
ended() { ! kill -0 "$1" 2>/dev/null; } # a daemon that forked away from us is gone, zombie and all
quick_conf="$work/quick/$if1.conf"
mkdir -p "$work/quick"
grep -v '^PostUp\|^MTU' "$conf" >"$quick_conf"
chmod 600 "$quick_conf"
check "wg-quick up with WG_QUICK_USERSPACE_IMPLEMENTATION=tulled" \
    env WG_QUICK_USERSPACE_IMPLEMENTATION="$tulled" ip netns exec "$ns1" wg-quick up "$quick_conf"
check "ping through the wg-quick tunnel" n1 ping -c 2 -i 0.2 -W 2 10.6.0.2
check "wg show reports the handshake" \
    bash -c "ip netns exec $ns1 wg show $if1 latest-handshakes | awk '{exit !(\$2 > 0)}'"
daemon=$(ip netns pids "$ns1" | head -1)
check "wg-quick down deletes the interface" n1 wg-quick down "$quick_conf"
wait_for 3 ended "$daemon"
check "deleting the interface ended tulled" bash -c "! kill -0 $daemon 2>/dev/null"
check "and removed its UAPI socket" test ! -e "$wg_run/$if1.sock"

# --- 1b. removing the UAPI socket asks the interface to go away, as with wireguard-go ---------
n1 "$tulled" "$if1" >"$work/compat.log" 2>&1
daemon=$(ip netns pids "$ns1" | head -1)
check "tulled IFNAME returns with the interface up and its socket there" \
    bash -c "ip -n $ns1 link show $if1 && test -S $wg_run/$if1.sock"
rm -f "$wg_run/$if1.sock"
wait_for 3 ended "$daemon"
check "removing the UAPI socket ended tulled" bash -c "! kill -0 $daemon 2>/dev/null"
check "and its interface" bash -c "! ip -n $ns1 link show $if1 2>/dev/null"

# --- 2. standalone mode -----------------------------------------------------------------------
spawn "$ns1" "$work/standalone.log" "$tulled" --config "$conf"
standalone=$pid
wait_for 5 test -S "$wg_run/$if1.sock"
sleep 0.3
check "standalone: PostUp ran with %i replaced" grep -qx "up $if1" "$work/hook"
check "standalone: MTU 1380" bash -c "ip -n $ns1 link show $if1 | grep -q 'mtu 1380'"
check "standalone: IPv4 address" bash -c "ip -n $ns1 addr show $if1 | grep -q 'inet 10.6.0.1/24'"
check "standalone: IPv6 address" bash -c "ip -n $ns1 addr show $if1 | grep -q 'inet6 fd06::1/64'"
check "standalone: link up" bash -c "ip -n $ns1 link show $if1 | grep -q 'UP'"
check "standalone: route for each allowed IP" \
    bash -c "ip -n $ns1 route show dev $if1 | grep -q '^10.66.0.0/16 proto 116' &&
             ip -n $ns1 route show dev $if1 | grep -q '^10.6.0.2 proto 116' &&
             ip -n $ns1 -6 route show dev $if1 | grep -q '^fd06::2 proto 116'"
check "standalone: ping v4 through the tunnel" n1 ping -c 2 -i 0.2 -W 2 10.6.0.2
check "standalone: ping v6 through the tunnel" n1 ping -c 2 -i 0.2 -W 2 fd06::2
check "standalone: a routed prefix reaches the peer" n1 ping -c 2 -i 0.2 -W 2 10.66.0.1
check "standalone: wg show sees the preshared key" \
    bash -c "ip netns exec $ns1 wg show $if1 preshared-keys | grep -q '$psk'"
stop "$standalone"
status=$?
check "standalone: SIGTERM exits 0" test "$status" -eq 0
check "standalone: the interface is gone" bash -c "! ip -n $ns1 link show $if1 2>/dev/null"
check "standalone: no route of ours is left" \
    bash -c "! ip -n $ns1 route show proto 116 | grep -q . && ! ip -n $ns1 -6 route show proto 116 | grep -q ."

# --- 2b. standalone mode with a default route through the tunnel ------------------------------
full="$work/full/$if1.conf"
mkdir -p "$work/full"
grep -v '^PostUp\|^AllowedIPs' "$conf" >"$full"
echo "AllowedIPs = 0.0.0.0/0, ::/0" >>"$full"
chmod 600 "$full"
rules() { # family: our rules, one per line
    ip -n "$ns1" "$1" rule show | grep -E 'lookup 51820|suppress_prefixlength 0'
}
has_default() { ip -n "$ns1" route show table "$1" 2>/dev/null | grep -q default; }
start_full() {
    spawn "$ns1" "$work/full.log" "$tulled" --config "$full"
    standalone=$pid
    wait_for 5 has_default 51820
}
start_full
check "default route: in table 51820, through the tunnel" \
    bash -c "ip -n $ns1 route show table 51820 | grep -q '^default dev $if1 proto 116' &&
             ip -n $ns1 -6 route show table 51820 | grep -q '^default dev $if1 proto 116'"
check "default route: wg-quick's two rules per family" \
    bash -c "ip -n $ns1 -4 rule show | grep -q 'not from all fwmark 0xca6c lookup 51820' &&
             ip -n $ns1 -4 rule show | grep -q 'from all lookup main suppress_prefixlength 0' &&
             ip -n $ns1 -6 rule show | grep -q 'not from all fwmark 0xca6c lookup 51820' &&
             ip -n $ns1 -6 rule show | grep -q 'from all lookup main suppress_prefixlength 0'"
check "default route: the tunnel's own packets carry fwmark 51820" \
    bash -c "ip netns exec $ns1 wg show $if1 fwmark | grep -qx 0xca6c"
check "default route: an address outside every other route goes through the tunnel (v4)" \
    n1 ping -c 2 -i 0.2 -W 2 10.99.0.1
check "default route: and v6" n1 ping -c 2 -i 0.2 -W 2 fd99::1
check "default route: the peer's endpoint is still reached directly" \
    bash -c "ip netns exec $ns1 ip route get 192.168.244.2 mark 51820 | grep -q veth1"
# A second full tunnel takes the next table and leaves the first one's rules alone.
second="$work/second/tm$$c.conf"
mkdir -p "$work/second"
printf '[Interface]\nPrivateKey = %s\nAddress = 10.98.0.1/24\n\n[Peer]\nPublicKey = %s\nAllowedIPs = 0.0.0.0/0\nEndpoint = 192.168.244.9:9\n' \
    "$(wg genkey)" "$pub2" >"$second"
chmod 600 "$second"
spawn "$ns1" "$work/second.log" "$tulled" --config "$second"
second_pid=$pid
wait_for 5 has_default 51821
check "a second default-route tunnel gets table 51821" \
    bash -c "ip -n $ns1 route show table 51821 | grep -q '^default dev tm$$c'"
check "and the first tunnel's rules are still there" \
    bash -c "ip -n $ns1 -4 rule show | grep -q 'not from all fwmark 0xca6c lookup 51820'"
stop "$second_pid"
check "with the second gone, the first still carries traffic" n1 ping -c 2 -i 0.2 -W 2 10.99.0.1
# A killed run leaves its rules behind (the interface and its routes die with the process).
kill -KILL "$standalone"
wait "$standalone" 2>/dev/null
wait_for 3 eval "! ip -n $ns1 link show $if1 >/dev/null 2>&1" # the interface dies with it
check "killed: its rules are still there" test "$(rules -4 | wc -l)" -eq 2
start_full
check "restart: the stale rules were replaced, not doubled" \
    bash -c "test \$(ip -n $ns1 -4 rule show | grep -cE 'lookup 51820|suppress_prefixlength 0') -eq 2"
check "restart: traffic flows again" n1 ping -c 2 -i 0.2 -W 2 10.99.0.1
stop "$standalone"
check "default route: SIGTERM removes every rule" \
    bash -c "! ip -n $ns1 -4 rule show | grep -qE 'lookup 51820|suppress_prefixlength 0' &&
             ! ip -n $ns1 -6 rule show | grep -qE 'lookup 51820|suppress_prefixlength 0'"

# --- 3. a config with mistakes ----------------------------------------------------------------
bad="$work/bad/$if1.conf"
mkdir -p "$work/bad"
printf '[Interface]\nPrivateKey = %s\nAddress = 10.6.0.1/33\n\n[Peer]\nPublicKey = nope\nAllowedIPs = 10.6.0.2/32\n' \
    "$key1" >"$bad"
n1 "$tulled" --config "$bad" >"$work/bad.log" 2>&1
status=$?
check "bad config: tulled refuses it" test "$status" -ne 0
check "bad config: names file and line of the address" grep -q "$if1.conf:3: Address" "$work/bad.log"
check "bad config: names file and line of the key" grep -q "$if1.conf:6: PublicKey" "$work/bad.log"
check "bad config: created no interface" bash -c "! ip -n $ns1 link show $if1 2>/dev/null"

tap_done
