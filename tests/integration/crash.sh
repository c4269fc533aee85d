#!/usr/bin/env bash
# crash.sh: tulled killed with SIGKILL in each of its modes while traffic flows, then started
# again; and the network changing under a running tunnel.
#
#   ns1: tulled                  crv<pid>a 192.168.247.1 ---- crv<pid>b 192.168.247.2  ns2
#        tunnel 10.9.0.1/24                                     wireguard-go cr<pid>p 10.9.0.2
#
# 1. Service (system tunnel in a --config-dir of the run's own, autostart, default route through
#    the tunnel: policy rules): kill -9 during a ping flood, what is left is listed; a rule of
#    wg-quick's shape added meanwhile (someone else's); restart: the tunnel is back, our rules
#    are there once, the other rule is untouched. Killed again and restarted with no tunnel to
#    start: the service removes the stale rules by itself.
# 2. Standalone (tulled --config FILE): its start removes the rules the killed service left;
#    kill -9 during a flood, restart, back with its routes once.
# 3. Compatibility mode (tulled IFNAME, configured with wg): kill -9, the stale UAPI socket is
#    replaced by the next run, which wg configures again as it would wireguard-go.
# 4. Network changes under the standalone tunnel: the underlay link goes down and up, tulled's
#    address changes (it keeps sending: the peer follows), the peer's address changes (the peer
#    keeps sending keepalives: tulled follows). Traffic resumes without anyone touching tulled;
#    the gap is printed.
#
# Namespaces, interfaces and sockets are named cr<pid>... so that runs never collide with other
# tests. Usage (as root): TULLED=path/to/tulled TULLECTL=path/to/tullectl crash.sh
# Prints "ok N - ..." lines and "N passed, N failed"; exits 1 on failure, 77 when skipped.
set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
need_root
need ip wg wireguard-go ping ss python3
here=$(cd "$(dirname "$0")" && pwd)
tulled=${TULLED:-$here/../../build/default/daemon/tulled}
tullectl=${TULLECTL:-$here/../../build/default/ctl/tullectl}
[[ -x $tulled ]] || skip "tulled not found at $tulled (set TULLED)"
[[ -x $tullectl ]] || skip "tullectl not found at $tullectl (set TULLECTL)"

ns1="cr-$$-1" ns2="cr-$$-2"
va="crv$$a" vb="crv$$b"          # the underlay
ifs="cr$$s" ifa="cr$$a" ifc="cr$$c" # tulled's tunnel in each mode: service, standalone, compat
ifp="cr$$p"                         # the peer, wireguard-go
sock="$work/run/tulled.sock"
for i in "$ifs" "$ifa" "$ifc"; do on_exit rm -f "$wg_run/$i.sock"; done
tap_logs+=("$work/service.log" "$work/standalone.log")

setup_net() {
    netns_add "$ns1" "$ns2" && veth "$ns1" "$va" "$ns2" "$vb" &&
        ip -n "$ns1" addr add 192.168.247.1/24 dev "$va" &&
        ip -n "$ns2" addr add 192.168.247.2/24 dev "$vb"
}
must "namespaces, a veth pair between them" setup_net

key=$(wg genkey) keyp=$(wg genkey)
pub=$(wg pubkey <<<"$key") pubp=$(wg pubkey <<<"$keyp")
peer_setup() {
    wg_start "$ns2" wireguard-go "$ifp" &&
        n2 wg set "$ifp" private-key <(echo "$keyp") listen-port 51900 \
            peer "$pub" allowed-ips 10.9.0.1/32 endpoint 192.168.247.1:51901 &&
        n2 ip addr add 10.9.0.2/24 dev "$ifp" && n2 ip link set "$ifp" up
}
must "wireguard-go serves $ifp in ns2" peer_setup
tap_logs+=("$work/$ifp.log")

tunnel_conf() { # ALLOWED-IPS [EXTRA-INTERFACE-LINE]: tulled's side
    printf '[Interface]\nPrivateKey = %s\nAddress = 10.9.0.1/24\nListenPort = 51901\n%s\n' \
        "$key" "${2:-}"
    printf '[Peer]\nPublicKey = %s\nAllowedIPs = %s\nEndpoint = 192.168.247.2:51900\n' "$pubp" "$1"
}

# --- what a kill leaves -----------------------------------------------------------------------
ours_rules() { ip -n "$ns1" -4 rule show | grep -c 'proto 116'; } # tulle's tag
foreign_rule() { ip -n "$ns1" -4 rule show | grep 'suppress_prefixlength 0' | grep -vc 'proto 116'; }
leftovers() { # what tulled could have left in ns1 and on the machine
    echo "# links in ns1:"
    ip -n "$ns1" -br link show | grep -v '^lo ' | sed 's/^/  /'
    echo "# routes with tulle's tag (proto 116), every table:"
    { ip -n "$ns1" route show table all proto 116; ip -n "$ns1" -6 route show table all proto 116; } |
        sed 's/^/  /'
    echo "# policy rules of ns1 (IPv4, IPv6):"
    { ip -n "$ns1" -4 rule show; ip -n "$ns1" -6 rule show; } | sed 's/^/  /'
    echo "# UDP sockets in ns1:"
    ip netns exec "$ns1" ss -Huan | sed 's/^/  /'
    echo "# socket files:"
    for f in "$wg_run/$ifs.sock" "$wg_run/$ifa.sock" "$wg_run/$ifc.sock" "$sock"; do
        [[ -e $f ]] && echo "  ${f##*/} (nobody answers: $(answers "$f" && echo no || echo yes))"
    done
    echo "# processes in ns1: $(ip netns pids "$ns1" | wc -l)"
}
answers() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' "$1" 2>/dev/null; }
link_gone() { ! ip -n "$ns1" link show "$1" >/dev/null 2>&1; }
through() { n1 ping -c 1 -W 1 10.9.0.2 >/dev/null; }
back() { wait_for 10 through; }

kill_mid_transfer() { # PID LABEL: SIGKILL during a ping flood through the tunnel, then the list
    local victim=$1 flood
    spawn "$ns1" "$work/flood-$2.log" ping -f -w 2 -s 1200 10.9.0.2
    flood=$pid
    sleep 0.7
    kill -KILL "$victim"
    wait "$victim" 2>/dev/null
    unset "spawned[$victim]"
    wait "$flood" 2>/dev/null
    unset "spawned[$flood]"
    grep -h 'packets transmitted' "$work/flood-$2.log" | sed 's/^/# flood before the kill: /'
}

# --- 1. the service ---------------------------------------------------------------------------
mkdir -p "$work/etc" "$work/run"
chmod 700 "$work/etc"
{ echo '# tulle: autostart'; tunnel_conf 0.0.0.0/0; } >"$work/etc/$ifs.conf"
chmod 600 "$work/etc/$ifs.conf"
start_service() {
    spawn "$ns1" "$work/service.log" "$tulled" --socket "$sock" --config-dir "$work/etc" --group root
    service=$pid
    wait_for 5 answers "$sock"
}
ctl() { "$tullectl" --socket "$sock" "$@"; }

start_service
must "service: the autostart tunnel with a default route comes up" back
check "service: one rule pair of ours (not fwmark, suppress)" test "$(ours_rules)" -eq 2
kill_mid_transfer "$service" service
leftovers | tee "$work/left-service.txt" | as_diag
check "service killed: the interface went with the process" link_gone "$ifs"
check "service killed: its policy rules stayed (the leftover tulled must clean)" \
    test "$(ours_rules)" -eq 2
# Someone else's rule of the same shape, added after ours (so the kernel lists it first).
n1 ip rule add table main suppress_prefixlength 0
start_service
check "service restarted: the tunnel is back without anyone asking" back
check "service restarted: our rules are there once, not twice" test "$(ours_rules)" -eq 2
check "service restarted: the other rule of the same shape was not touched" \
    test "$(foreign_rule)" -eq 1
check "service restarted: the control socket answers" ctl status
check "service restarted: wg(8) reaches the tunnel" n1 wg show "$ifs" public-key

kill_mid_transfer "$service" service2
sed -i '1d' "$work/etc/$ifs.conf" # no autostart: nothing else will clean up
start_service
check "service restarted with no tunnel to start: it removed the stale rules itself" \
    test "$(ours_rules)" -eq 0
check "and left the other rule alone" test "$(foreign_rule)" -eq 1
check "tullectl up brings the system tunnel back" ctl up "$ifs"
check "service: traffic through it again" back
kill_mid_transfer "$service" service3 # leaves rules again, for the standalone run to remove

# --- 2. standalone ----------------------------------------------------------------------------
mkdir -p "$work/sa"
{ tunnel_conf 10.9.0.2/32; echo 'PersistentKeepalive = 1'; } >"$work/sa/$ifa.conf"
chmod 600 "$work/sa/$ifa.conf"
start_standalone() {
    spawn "$ns1" "$work/standalone.log" "$tulled" --config "$work/sa/$ifa.conf"
    standalone=$pid
    wait_for 5 answers "$wg_run/$ifa.sock"
}
start_standalone
check "standalone start (no default route of its own): the killed service's rules are gone" \
    test "$(ours_rules)" -eq 0
check "and the other rule is still there" test "$(foreign_rule)" -eq 1
check "standalone: traffic through the tunnel" back
kill_mid_transfer "$standalone" standalone
leftovers | tee "$work/left-standalone.txt" | as_diag
check "standalone killed: the interface and its routes went with the process" \
    bash -c "! ip -n $ns1 link show $ifa 2>/dev/null && ! ip -n $ns1 route show table all proto 116 | grep -q ."
start_standalone
check "standalone restarted: the tunnel is back" back
check "standalone restarted: its route is there once" \
    test "$(ip -n "$ns1" route show table all proto 116 | grep -c '^10.9.0.2 ')" -eq 1

# --- 4. network changes under the running standalone tunnel ------------------------------------
gap() { # LABEL CMD...: runs CMD (a change of the underlay), then pings until one goes through
    local label=$1 t0 t1 deadline=$((SECONDS + 25))
    shift
    through || return 1
    t0=$(date +%s%N)
    "$@" || return 1
    until through; do
        ((SECONDS < deadline)) || return 1
    done
    t1=$(date +%s%N)
    echo "$label: traffic resumed $(((t1 - t0) / 1000000)) ms after the change" | tee -a "$work/gaps"
}
link_bounce() {
    n1 ip link set "$va" down && sleep 1 && n1 ip link set "$va" up
}
check "underlay link down and up: traffic resumes" gap "link down 1 s, up" link_bounce
move_ours() {
    n1 ip addr del 192.168.247.1/24 dev "$va" && n1 ip addr add 192.168.247.11/24 dev "$va"
}
check "tulled's underlay address changes: the peer follows it" gap "tulled moved" move_ours
check "the peer now sends to the new address" \
    bash -c "ip netns exec $ns2 wg show $ifp endpoints | grep -q '192.168.247.11:51901'"
# wireguard-go keeps sending from the source address it last received on; once that address is
# gone its keepalives fail (ENETUNREACH) until its new-handshake timer clears the cached source,
# 15 s later. The kernel module and tulled pick the source per datagram, so they are not held up.
move_peer() {
    n2 wg set "$ifp" peer "$pub" persistent-keepalive 1 &&
        n2 ip addr del 192.168.247.2/24 dev "$vb" && n2 ip addr add 192.168.247.12/24 dev "$vb"
}
check "the peer's underlay address changes: tulled follows it" gap "peer moved" move_peer
check "tulled now sends to the peer's new address" \
    bash -c "ip netns exec $ns1 wg show $ifa endpoints | grep -q '192.168.247.12:51900'"
[[ -s $work/gaps ]] && as_diag <"$work/gaps"
check "tulled is still the same process, with no error logged" \
    bash -c "alive() { [[ -e /proc/\$1 ]]; }; alive $standalone && ! grep -qiE ' (error|critical) ' $work/standalone.log"
stop "$standalone"

# --- 3. compatibility mode (tulled IFNAME) ----------------------------------------------------
compat() {
    wg_start "$ns1" "$tulled" "$ifc" && compat_pid=$pid &&
        n1 wg set "$ifc" private-key <(echo "$key") listen-port 51901 \
            peer "$pubp" allowed-ips 10.9.0.2/32 endpoint 192.168.247.12:51900 &&
        n1 ip addr add 10.9.0.1/24 dev "$ifc" && n1 ip link set "$ifc" up
}
check "compat: tulled $ifc configured with wg" compat
check "compat: traffic through the tunnel" back
kill_mid_transfer "$compat_pid" compat
leftovers | tee "$work/left-compat.txt" | as_diag
check "compat killed: the interface went with the process" link_gone "$ifc"
check "compat killed: its UAPI socket file is left, answering nobody" \
    bash -c "test -S $wg_run/$ifc.sock && ! python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' $wg_run/$ifc.sock 2>/dev/null"
check "compat restarted: the stale socket is replaced and wg configures it again" compat
check "compat restarted: traffic through the tunnel" back
check "nothing of ours is left in ns1's rules" test "$(ours_rules)" -eq 0
tap_done
