#!/usr/bin/env bash
# ks.sh: the kill switch ("block untunneled traffic") of a full tunnel, in the service.
#
#   ns3 "outside"                    ns1: tulled service                 ns2: the peer
#   ksx<pid>b 192.168.249.2   ---- ksx<pid>a 192.168.249.1
#             fd49::2                         fd49::1
#   UDP 53 answers (a DNS server              ksv<pid>a 192.168.248.1 ---- ksv<pid>b 192.168.248.2
#   that is not the tunnel's)                 tunnel ks<pid>s 10.9.0.1     wireguard-go ks<pid>p
#                                                          fd09::1          10.9.0.2, fd09::2
#
# The tunnel takes the default route for both families (AllowedIPs 0.0.0.0/0, ::/0). ns3 is on a
# network of its own that ns1 reaches over its veth, not through the tunnel: exactly the traffic
# a kill switch must stop (the main table's more specific route wins over the tunnel's default).
# With the switch on: the tunnel carries IPv4 and IPv6, ns3 gets neither ping nor DNS (UDP 53),
# IPv4 or IPv6; with allow-lan ns3 (a private network) is reached again; after `tullectl down`
# and after `kill -9` of tulled and a restart, the switch is gone (its nftables table too) and
# ns3 answers again. The same file through `tulled --config` has its switch until SIGTERM.
#
# Names are ks<pid>... so that runs never collide with other tests. Usage (as root):
# TULLED=path/to/tulled TULLECTL=path/to/tullectl ks.sh
# Prints "ok N - ..." lines and "N passed, N failed"; exits 1 on failure, 77 when skipped.
set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
need_root
need ip wg wireguard-go ping nft python3
here=$(cd "$(dirname "$0")" && pwd)
tulled=${TULLED:-$here/../../build/default/daemon/tulled}
tullectl=${TULLECTL:-$here/../../build/default/ctl/tullectl}
[[ -x $tulled ]] || skip "tulled not found at $tulled (set TULLED)"
[[ -x $tullectl ]] || skip "tullectl not found at $tullectl (set TULLECTL)"

ns1="ks-$$-1" ns2="ks-$$-2" ns3="ks-$$-3"
va="ksv$$a" vb="ksv$$b" xa="ksx$$a" xb="ksx$$b"
ifs="ks$$s" ifp="ks$$p"
sock="$work/run/tulled.sock"
on_exit rm -f "$wg_run/$ifs.sock"
tap_logs+=("$work/service.log")

setup_net() {
    netns_add "$ns1" "$ns2" "$ns3" &&
        veth "$ns1" "$va" "$ns2" "$vb" &&
        ip -n "$ns1" addr add 192.168.248.1/24 dev "$va" &&
        ip -n "$ns2" addr add 192.168.248.2/24 dev "$vb" &&
        veth "$ns1" "$xa" "$ns3" "$xb" &&
        ip -n "$ns1" addr add 192.168.249.1/24 dev "$xa" &&
        ip -n "$ns3" addr add 192.168.249.2/24 dev "$xb" &&
        ip -n "$ns1" addr add fd49::1/64 dev "$xa" nodad &&
        ip -n "$ns3" addr add fd49::2/64 dev "$xb" nodad
}
must "three namespaces: the peer's and an outside one, each over a veth" setup_net

# A DNS server that is not the tunnel's: answers every UDP datagram on port 53, IPv4 and IPv6.
dns_server() {
    python3 -c '
import select, socket
socks = []
for family, address in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
    s = socket.socket(family, socket.SOCK_DGRAM)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((address, 53))
    socks.append(s)
while True:
    for s in select.select(socks, [], [], 60)[0]:
        data, sender = s.recvfrom(512)
        s.sendto(data, sender)
'
}
spawn "$ns3" "$work/dns.log" bash -c "$(declare -f dns_server); dns_server"
dns_pid=$pid
# One query from ns1 to ADDRESS:53; succeeds when the answer comes back within a second.
dns_answers() {
    n1 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
try:
    s.sendto(b"\x12\x34 query", (sys.argv[1], 53))
    sys.exit(0 if s.recv(512) == b"\x12\x34 query" else 1)
except OSError:
    sys.exit(1)
' "$1"
}
wait_for 5 dns_answers 192.168.249.2 >/dev/null || true

key=$(wg genkey) keyp=$(wg genkey)
pub=$(wg pubkey <<<"$key") pubp=$(wg pubkey <<<"$keyp")
peer_setup() {
    wg_start "$ns2" wireguard-go "$ifp" &&
        n2 wg set "$ifp" private-key <(echo "$keyp") listen-port 51910 \
            peer "$pub" allowed-ips 10.9.0.1/32,fd09::1/128 endpoint 192.168.248.1:51911 &&
        n2 ip addr add 10.9.0.2/24 dev "$ifp" && n2 ip addr add fd09::2/64 dev "$ifp" nodad &&
        n2 ip link set "$ifp" up
}
must "wireguard-go serves $ifp in ns2" peer_setup
tap_logs+=("$work/$ifp.log" "$work/dns.log")

mkdir -p "$work/etc" "$work/run"
chmod 700 "$work/etc"
cat >"$work/etc/$ifs.conf" <<CONF
[Interface]
PrivateKey = $key
Address = 10.9.0.1/24, fd09::1/64
ListenPort = 51911
# tulle: kill-switch

[Peer]
PublicKey = $pubp
AllowedIPs = 0.0.0.0/0, ::/0
Endpoint = 192.168.248.2:51910
PersistentKeepalive = 1
CONF
chmod 600 "$work/etc/$ifs.conf"

start_service() {
    spawn "$ns1" "$work/service.log" "$tulled" --socket "$sock" --config-dir "$work/etc" --group root
    service=$pid
    wait_for 5 answers "$sock"
}
answers() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' "$1" 2>/dev/null; }
ctl() { "$tullectl" --socket "$sock" "$@"; }

tunnel4() { n1 ping -c 1 -W 1 10.9.0.2 >/dev/null; }
tunnel6() { n1 ping -6 -c 1 -W 1 fd09::2 >/dev/null; }
outside4() { n1 ping -c 1 -W 1 192.168.249.2 >/dev/null; }
outside6() { n1 ping -6 -c 1 -W 1 fd49::2 >/dev/null; }
blocked() { ! "$@"; }
table() { n1 nft list tables inet | grep -c "tulle_"; } # tulle's kill-switch tables in ns1
no_table() { test "$(table)" -eq 0; }
one_table() { test "$(table)" -eq 1; }

start_service
must "the service answers" ctl status

# --- without the switch: ns3 is reached beside the tunnel (the leak the switch closes) ----------
must "tullectl up --no-kill-switch: the file's switch is left off" ctl up "$ifs" --no-kill-switch
must "through the tunnel (IPv4)" wait_for 10 tunnel4
check "switch off: ns3 answers a ping beside the tunnel (IPv4)" outside4
check "switch off: ns3 answers a ping beside the tunnel (IPv6)" wait_for 3 outside6
check "switch off: ns3's DNS server answers (IPv4)" dns_answers 192.168.249.2
check "switch off: ns3's DNS server answers (IPv6)" dns_answers fd49::2
check "switch off: no nftables table of tulle's" no_table
must "tullectl down" ctl down "$ifs"

# --- with the switch (from the file) ----------------------------------------------------------
must "tullectl up: the file's # tulle: kill-switch" ctl up "$ifs"
check "one nftables table of tulle's in ns1" test "$(table)" -eq 1
check "tullectl status says kill switch" bash -c "'$tullectl' --socket '$sock' status | grep -q 'kill switch'"
check "the peer's endpoint is let through by address and port" \
    bash -c "ip netns exec $ns1 nft list ruleset | grep -q '192.168.248.2 . 51910'"
check "switch on: traffic through the tunnel (IPv4)" wait_for 10 tunnel4
check "switch on: traffic through the tunnel (IPv6)" wait_for 5 tunnel6
check "switch on: no ping reaches ns3 beside the tunnel (IPv4)" blocked outside4
check "switch on: no ping reaches ns3 beside the tunnel (IPv6)" blocked outside6
check "switch on: no DNS to a server that is not the tunnel's (IPv4)" blocked dns_answers 192.168.249.2
check "switch on: no DNS to a server that is not the tunnel's (IPv6)" blocked dns_answers fd49::2
check "switch on: loopback still works" n1 ping -c 1 -W 1 127.0.0.1
check "switch on: the tunnel still carries traffic after all that" tunnel4
n1 nft list ruleset >"$work/ruleset.txt"
as_diag <"$work/ruleset.txt"

must "tullectl down" ctl down "$ifs"
check "down: the table is gone" no_table
check "down: ns3 answers again (IPv4)" outside4
check "down: ns3 answers again (IPv6)" outside6
check "down: ns3's DNS server answers again" dns_answers 192.168.249.2

# --- allow-lan --------------------------------------------------------------------------------
must "tullectl up --allow-lan" ctl up "$ifs" --allow-lan
check "allow-lan: traffic through the tunnel" wait_for 10 tunnel4
check "allow-lan: ns3, a private network, is reached (IPv4)" outside4
check "allow-lan: ns3 is reached (IPv6, a unique local address)" outside6
check "allow-lan: ns3's DNS server answers" dns_answers 192.168.249.2
must "tullectl down" ctl down "$ifs"

# --- refused without a default route ----------------------------------------------------------
sed 's|^AllowedIPs = .*|AllowedIPs = 10.9.0.2/32|' "$work/etc/$ifs.conf" >"$work/split.conf"
ctl up "$work/split.conf" --kill-switch >"$work/split.out" 2>&1
check "a kill switch without a default route is refused, saying why" \
    grep -q 'default route' "$work/split.out"
check "and nothing was left in place" no_table
check "the service carries on" ctl status

# --- kill -9 and restart ----------------------------------------------------------------------
must "tullectl up with the switch" ctl up "$ifs"
must "through the tunnel" wait_for 10 tunnel4
kill -KILL "$service"
wait "$service" 2>/dev/null
unset "spawned[$service]"
check "tulled killed: the interface went with the process" \
    bash -c "! ip -n $ns1 link show $ifs 2>/dev/null"
check "tulled killed: its table stayed (nothing leaks meanwhile)" test "$(table)" -eq 1
check "tulled killed: ns3 is still blocked" blocked outside4
start_service
check "tulled restarted: it removed the kill switch of the tunnel that is gone" wait_for 5 no_table
check "tulled restarted: ns3 answers again (IPv4)" outside4
check "tulled restarted: ns3 answers again (IPv6)" outside6
check "tulled restarted: ns3's DNS server answers again" dns_answers 192.168.249.2

stop "$service"

# --- standalone: tulled --config FILE with the line --------------------------------------------
mkdir -p "$work/sa"
grep -v '^PersistentKeepalive' "$work/etc/$ifs.conf" >"$work/sa/$ifs.conf"
chmod 600 "$work/sa/$ifs.conf"
spawn "$ns1" "$work/standalone.log" "$tulled" --config "$work/sa/$ifs.conf"
standalone=$pid
tap_logs+=("$work/standalone.log")
check "standalone: the kill switch is in place" wait_for 10 one_table
check "standalone: traffic through the tunnel" wait_for 10 tunnel4
check "standalone: ns3 is blocked" blocked outside4
stop "$standalone"
check "standalone stopped (SIGTERM): the table is gone" no_table
check "standalone stopped: ns3 answers again" outside4

stop "$dns_pid"
tap_done
