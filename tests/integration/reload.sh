#!/usr/bin/env bash
# reload.sh: reload without restart. SIGHUP (what `systemctl reload tulled` sends) makes the
# service read its system tunnels' files again and apply them live, as `wg syncconf` does; a ping
# through a peer the file leaves alone loses nothing while other peers are added, changed and
# removed, and that peer keeps its session (no new handshake). `tulled --config FILE` does the
# same for its file.
#
#   ns1: tulled (service)  veth1 192.168.247.1 ---- veth2 192.168.247.2  ns2: wireguard-go x3
#        tunnel rl<pid>a    10.9.0.1/24                                   b: 10.9.0.2 (untouched)
#        tunnel rl<pid>s    (standalone, no traffic)                      c: 10.9.0.3 (changed)
#                                                                         d: 10.9.0.4 (added)
#
# Usage (as root): TULLED=path/to/tulled TULLECTL=path/to/tullectl tests/integration/reload.sh
# Prints "ok N - ..." lines and "N passed, N failed"; exits 1 on failure, 77 when skipped.
set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
need_root
need ip wg wireguard-go ping
here=$(cd "$(dirname "$0")" && pwd)
tulled=${TULLED:-$here/../../build/default/daemon/tulled}
tullectl=${TULLECTL:-$here/../../build/default/ctl/tullectl}
[[ -x $tulled ]] || skip "tulled not found at $tulled (set TULLED)"
[[ -x $tullectl ]] || skip "tullectl not found at $tullectl (set TULLECTL)"

ns1="rl-$$-1" ns2="rl-$$-2"
ifa="rl$$a" ifb="rl$$b" ifc="rl$$c" ifd="rl$$d" ifs="rl$$s"
sock="$work/run/tulled.sock"
etc="$work/etc"
mkdir -m 0700 "$etc"
on_exit rm -f "$wg_run/$ifa.sock" "$wg_run/$ifs.sock"
tap_logs+=("$work/tulled.log")
ctl() { "$tullectl" --socket "$sock" "$@"; }

setup_net() {
    netns_add "$ns1" "$ns2" && veth "$ns1" veth1 "$ns2" veth2 &&
        ip -n "$ns1" addr add 192.168.247.1/24 dev veth1 &&
        ip -n "$ns2" addr add 192.168.247.2/24 dev veth2
}
must "namespaces ns1 and ns2, a veth pair between them" setup_net

keya=$(wg genkey) keyb=$(wg genkey) keyc=$(wg genkey) keyd=$(wg genkey) keye=$(wg genkey)
puba=$(wg pubkey <<<"$keya") pubb=$(wg pubkey <<<"$keyb") pubc=$(wg pubkey <<<"$keyc")
pubd=$(wg pubkey <<<"$keyd") pube=$(wg pubkey <<<"$keye")

# Three wireguard-go peers in ns2; replies from each address go back through its own interface.
wg_go() { # IF KEY PORT ADDRESS TABLE
    wg_start "$ns2" wireguard-go "$1" &&
        n2 wg set "$1" private-key <(echo "$2") listen-port "$3" peer "$puba" \
            allowed-ips 10.9.0.1/32 &&
        n2 ip addr add "$4/32" dev "$1" &&
        n2 ip link set "$1" up &&
        n2 ip rule add from "$4" table "$5" &&
        n2 ip route add 10.9.0.1/32 dev "$1" table "$5"
}
must "wireguard-go serves $ifb in ns2" wg_go "$ifb" "$keyb" 53001 10.9.0.2 101
must "wireguard-go serves $ifc in ns2" wg_go "$ifc" "$keyc" 53002 10.9.0.3 102
must "wireguard-go serves $ifd in ns2" wg_go "$ifd" "$keyd" 53003 10.9.0.4 103

peer() { # PUBLIC-KEY ALLOWED-IPS [MORE LINES]
    printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = %s\n%s' "$1" "$2" "${3:-}"
}
write_conf() { # FILE TEXT: as a system tunnel must be (root's, 0600)
    (umask 077 && printf '%s' "$2" >"$1.new") && mv "$1.new" "$1"
}
iface="[Interface]
PrivateKey = $keya
ListenPort = 53000"
# b and c are real; e is a peer nobody answers for, to be removed.
write_conf "$etc/$ifa.conf" "$iface
Address = 10.9.0.1/24
$(peer "$pubb" 10.9.0.2/32 'Endpoint = 192.168.247.2:53001
PersistentKeepalive = 25
')
$(peer "$pubc" 10.9.0.3/32 'Endpoint = 192.168.247.2:53002
')
$(peer "$pube" 10.9.9.0/24)
"

spawn "$ns1" "$work/tulled.log" "$tulled" --socket "$sock" --config-dir "$etc"
service=$pid
wait_for 5 test -S "$sock"
must "tullectl up NAME brings the system tunnel up" ctl up "$ifa"
must "ping b through the tunnel" n1 ping -c 2 -i 0.2 -W 2 10.9.0.2
check "ping c through the tunnel" n1 ping -c 2 -i 0.2 -W 2 10.9.0.3
handshake_b() { n1 wg show "$ifa" latest-handshakes | awk -v k="$pubb" '$1 == k { print $2 }'; }
before=$(handshake_b)

# The file changes: b untouched, c gets a keepalive and another prefix, d comes, e goes; a second
# address and another MTU. The ping to b runs across the reload.
write_conf "$etc/$ifa.conf" "$iface
Address = 10.9.0.1/24, 10.19.0.1/24
MTU = 1380
$(peer "$pubb" 10.9.0.2/32 'Endpoint = 192.168.247.2:53001
PersistentKeepalive = 25
')
$(peer "$pubc" '10.9.0.3/32, 10.29.0.0/16' 'Endpoint = 192.168.247.2:53002
PersistentKeepalive = 7
')
$(peer "$pubd" 10.9.0.4/32 'Endpoint = 192.168.247.2:53003
')
"
spawn "$ns1" "$work/ping.log" ping -c 40 -i 0.05 -W 1 10.9.0.2
pinger=$pid
sleep 0.5
check "SIGHUP: tulled reloads (and keeps running)" bash -c "kill -HUP $service && sleep 0.3 && kill -0 $service"
wait "$pinger"
check "not one ping through the untouched peer was lost across the reload" \
    grep -q ' 0% packet loss' "$work/ping.log"
check "the untouched peer kept its session: no new handshake" test "$(handshake_b)" = "$before"
check "the added peer is there and reachable" n1 ping -c 2 -i 0.2 -W 2 10.9.0.4
check "the removed peer is gone" bash -c "! ip netns exec $ns1 wg show $ifa peers | grep -qF '$pube'"
check "the changed peer has its new keepalive" \
    bash -c "ip netns exec $ns1 wg show $ifa persistent-keepalive | grep -F '$pubc' | grep -q 7"
check "the changed peer's new prefix is routed" \
    bash -c "ip -n $ns1 route show dev $ifa | grep -q 10.29.0.0/16"
check "the removed peer's route went" bash -c "! ip -n $ns1 route show dev $ifa | grep -q 10.9.9.0/24"
check "the new address is on the interface" \
    bash -c "ip -n $ns1 addr show dev $ifa | grep -q 10.19.0.1/24"
check "the new MTU is set" bash -c "ip -n $ns1 link show $ifa | grep -q 'mtu 1380'"
check "the log names what changed" grep -q "$ifa: reload: peer .* added" "$work/tulled.log"

# A file with an error: reported with file and line, the tunnel runs on as it was.
write_conf "$etc/$ifa.conf" "$iface
Address = 10.9.0.1/24
MTU = lots
$(peer "$pubb" 10.9.0.2/32)
"
kill -HUP "$service"
check "a file with an error is reported with its file and line" \
    wait_for 5 grep -q "$ifa.conf:5" "$work/tulled.log"
check "and its tunnel runs on as it was" \
    bash -c "ip netns exec $ns1 wg show $ifa peers | grep -qF '$pubd' && ip -n $ns1 link show $ifa | grep -q 'mtu 1380'"
check "traffic still flows" n1 ping -c 2 -i 0.2 -W 2 10.9.0.2
check "no private key in tulled's log" bash -c "! grep -qF '$keya' $work/tulled.log"
stop "$service"

# --- standalone: tulled --config FILE on SIGHUP ------------------------------------------------
conf="$work/$ifs.conf"
write_conf "$conf" "[Interface]
PrivateKey = $keye
Address = 10.39.0.1/24
$(peer "$pubb" 10.39.0.2/32)
"
spawn "$ns1" "$work/standalone.log" "$tulled" --config "$conf"
standalone=$pid
tap_logs+=("$work/standalone.log")
must "tulled --config brings its tunnel up" wait_for 5 wg_ready "$ns1" "$ifs"
write_conf "$conf" "[Interface]
PrivateKey = $keye
Address = 10.39.0.1/24
$(peer "$pubb" 10.39.0.2/32)
$(peer "$pubc" 10.39.0.3/32)
"
kill -HUP "$standalone"
check "standalone: SIGHUP adds the new peer" \
    wait_for 5 bash -c "ip netns exec $ns1 wg show $ifs peers | grep -qF '$pubc'"
check "standalone: tulled runs on after SIGHUP" alive "$standalone"
check "standalone: its new route is there" bash -c "ip -n $ns1 route show dev $ifs | grep -q 10.39.0.3"
stop "$standalone"
check "standalone: SIGTERM still stops it, exit 0" test $? -eq 0

tap_done
