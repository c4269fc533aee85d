#!/usr/bin/env bash
# service.sh: tulled's service mode end to end, driven by tullectl and by raw socket writes, and
# checked against what wg(8) and the packets say.
#
#   ns1: tulled (service)  veth1 192.168.246.1 ---- veth2 192.168.246.2  ns2: wireguard-go x2
#        tunnel ts<pid>a    10.8.0.1/24                                   tunnel b: 10.8.0.2
#                                                                          tunnel c: 10.8.0.3
#
# The service's control socket, system-tunnel folder and group are the test's own (a temporary
# folder and a group made for the run), so a tulled of the machine is never touched. The tunnel
# is also served on /var/run/wireguard/<if>.sock, which wg(8) uses.
#
# Usage (as root): TULLED=path/to/tulled TULLECTL=path/to/tullectl tests/integration/service.sh
# Prints "ok N - ..." lines and "N passed, N failed"; exits 1 on failure, 77 when skipped.
set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
need_root
need ip wg wireguard-go ping python3 useradd groupadd runuser
here=$(cd "$(dirname "$0")" && pwd)
tulled=${TULLED:-$here/../../build/default/daemon/tulled}
tullectl=${TULLECTL:-$here/../../build/default/ctl/tullectl}
[[ -x $tulled ]] || skip "tulled not found at $tulled (set TULLED)"
[[ -x $tullectl ]] || skip "tullectl not found at $tullectl (set TULLECTL)"

ns1="tulle-$$-s1" ns2="tulle-$$-s2"
ifa="ts$$a" ifb="ts$$b" ifc="ts$$c"
group="tulle-t$$" user="tulle-u$$"
chmod 755 "$work"
sock="$work/run/tulled.sock"
on_exit rm -f "$wg_run/$ifa.sock"
tap_logs+=("$work/tulled.log")

ctl() { "$tullectl" --socket "$sock" "$@"; }
rpc() { python3 "$work/rpc.py" "$sock" "$@"; }

# A raw JSON-RPC client: each argument is one line to send (after an automatic daemon.hello
# unless the first is "--no-hello"); prints every line received, until each call is answered.
cat >"$work/rpc.py" <<'PY'
import json, socket, sys
path, lines = sys.argv[1], sys.argv[2:]
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(path)
f = s.makefile("r")
hello = {"jsonrpc": "2.0", "id": 0, "method": "daemon.hello",
         "params": {"version": {"major": 1, "minor": 0}, "client": "service.sh"}}
if lines and lines[0] == "--no-hello":
    lines = lines[1:]
else:
    lines = [json.dumps(hello)] + lines
for line in lines:
    try:
        s.sendall((line + "\n").encode())
    except BrokenPipeError:
        pass  # tulled may refuse and close before reading: its answer is still there to read
    while True:
        reply = f.readline()
        if not reply:
            print("EOF")
            sys.exit(0)
        print(reply.strip())
        if '"id"' in reply:
            break
PY

setup_net() {
    netns_add "$ns1" "$ns2" && veth "$ns1" veth1 "$ns2" veth2 &&
        ip -n "$ns1" addr add 192.168.246.1/24 dev veth1 &&
        ip -n "$ns2" addr add 192.168.246.2/24 dev veth2
}
must "namespaces ns1 and ns2, a veth pair between them" setup_net
add_user() { # a group and a user of the run's own, removed on exit
    groupadd "$group" && on_exit groupdel "$group" &&
        useradd --no-create-home --shell /usr/sbin/nologin "$user" && on_exit userdel "$user"
}
must "group $group and user $user for the run" add_user

keya=$(wg genkey) keyb=$(wg genkey) keyc=$(wg genkey)
puba=$(wg pubkey <<<"$keya") pubb=$(wg pubkey <<<"$keyb") pubc=$(wg pubkey <<<"$keyc")
psk=$(wg genpsk)

# Two wireguard-go peers in ns2.
wg_go() { # IF KEY PORT PSK-OR-EMPTY ADDRESS
    wg_start "$ns2" wireguard-go "$1" &&
        n2 wg set "$1" private-key <(echo "$2") listen-port "$3" peer "$puba" allowed-ips 10.8.0.1/32 \
            ${4:+preshared-key <(echo "$psk")} &&
        n2 ip addr add "$5" dev "$1" &&
        n2 ip link set "$1" up
}
must "wireguard-go serves $ifb in ns2" wg_go "$ifb" "$keyb" 52001 psk 10.8.0.2/32
must "wireguard-go serves $ifc in ns2" wg_go "$ifc" "$keyc" 52002 "" 10.8.0.3/32
n2 ip route add 10.8.0.1/32 dev "$ifb"
# Answers from c's address go back through c (b would not be allowed to carry them).
n2 ip rule add from 10.8.0.3 table 100
n2 ip route add 10.8.0.1/32 dev "$ifc" table 100

# --- the service ------------------------------------------------------------------------------
spawn "$ns1" "$work/tulled.log" "$tulled" --socket "$sock" --config-dir "$work/etc" --group "$group"
service=$pid
wait_for 5 test -S "$sock"

check "the control socket is root:$group, mode 0660" \
    bash -c "test \"\$(stat -c '%U:%G %a' $sock)\" = 'root:$group 660'"
second_refused() {
    timeout 5 ip netns exec "$ns1" "$tulled" --socket "$sock" --config-dir "$work/etc" \
        >"$work/second.log" 2>&1
    local rc=$?
    cat "$work/second.log"
    [[ $rc -ne 0 && $rc -ne 124 ]] && grep -q 'another tulled serves' "$work/second.log"
}
check "a second tulled on the same socket is refused, naming the reason" second_refused
check "tulled is still serving after that" ctl status

conf="$work/$ifa.conf"
cat >"$conf" <<CONF
[Interface]
PrivateKey = $keya
Address = 10.8.0.1/24
ListenPort = 52000

[Peer]
# Name = bee
PublicKey = $pubb
PresharedKey = $psk
AllowedIPs = 10.8.0.2/32
Endpoint = 192.168.246.2:52001
PersistentKeepalive = 1
CONF
check "tullectl up FILE brings the tunnel up" ctl up "$conf"
check "wg show sees the interface tulled made for it" \
    bash -c "n1() { ip netns exec $ns1 \"\$@\"; }; n1 wg show $ifa public-key | grep -qx '$puba'"
check "ping through the tunnel" n1 ping -c 3 -i 0.2 -W 2 10.8.0.2
check "tullectl status lists the tunnel as up" bash -c "$tullectl --socket $sock status | grep '$ifa' | grep -q up"
check "tullectl peers shows the peer by name with a handshake" \
    bash -c "$tullectl --socket $sock peers $ifa | grep bee | grep -qv never"

# What the control socket says and what wg(8) says agree.
agree() {
    local json wgrx wgtx
    json=$(ctl peers "$ifa" --json)
    read -r _ wgrx wgtx < <(n1 wg show "$ifa" transfer | grep "$pubb")
    python3 - "$json" "$wgrx" "$wgtx" "$pubb" <<'PY'
import json, sys
detail, rx, tx, key = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
peer = next(p for p in detail["peers"] if p["public_key"] == key)
# The two reads are a moment apart; a keepalive (32 bytes) may fall between them.
assert abs(peer["rx_bytes"] - rx) <= 64 and abs(peer["tx_bytes"] - tx) <= 64, (peer, rx, tx)
assert peer["rx_bytes"] > 0 and peer["tx_bytes"] > 0
PY
}
check "tunnel.get's counters match wg show's" agree

# A peer added and removed live while a ping to the other runs: nothing lost.
spawn "$ns1" "$work/ping.log" ping -c 30 -i 0.1 -W 1 10.8.0.2
pinger=$pid
sleep 0.5
check "tullectl peer add, while traffic flows" \
    ctl peer add "$ifa" "$pubc" --name sea --endpoint 192.168.246.2:52002 --allowed-ips 10.8.0.3/32
check "the new peer is reachable" n1 ping -c 2 -i 0.2 -W 2 10.8.0.3
check "tullectl peer set changes it live" ctl peer set "$ifa" "$pubc" --persistent-keepalive 7
check "wg show sees the change" \
    bash -c "ip netns exec $ns1 wg show $ifa persistent-keepalive | grep '$pubc' | grep -q 7"
check "tullectl peer remove" ctl peer remove "$ifa" "$pubc"
check "wg show no longer lists it" bash -c "! ip netns exec $ns1 wg show $ifa peers | grep -q '$pubc'"
wait "$pinger"
check "not one ping to the other peer was lost meanwhile" grep -q ' 0% packet loss' "$work/ping.log"

sleep 2
check "stats history: a sample a second" \
    bash -c "rpc() { python3 $work/rpc.py $sock \"\$@\"; };
             rpc '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"stats.history\",\"params\":{\"tunnel\":\"$ifa\"}}' |
             python3 -c 'import json,sys; r=[json.loads(l) for l in sys.stdin][-1]; assert len(r[\"result\"][\"peers\"][0][\"samples\"]) >= 3, r'"
check "tullectl stats prints the peer" bash -c "$tullectl --socket $sock stats $ifa | grep -q bee"
check "tullectl logs shows the daemon's log" bash -c "$tullectl --socket $sock logs | grep -q '$ifa'"

# --- bad input on the raw socket --------------------------------------------------------------
check "malformed JSON gets a parse error" \
    bash -c "python3 $work/rpc.py $sock '{not json' | grep -q -- '-32700'"
check "an unknown method is named" \
    bash -c "python3 $work/rpc.py $sock '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x.y\"}' | grep -q \"unknown method 'x.y'\""
check "an invalid CIDR is named by field" \
    bash -c "python3 $work/rpc.py $sock '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"peer.add\",\"params\":{\"tunnel\":\"$ifa\",\"peer\":{\"public_key\":\"$pubc\",\"allowed_ips\":[\"10.0.0.0/40\"]}}}' | grep -q 'params.peer.allowed_ips\[0\]'"
check "a duplicate peer is refused" \
    bash -c "python3 $work/rpc.py $sock '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"peer.add\",\"params\":{\"tunnel\":\"$ifa\",\"peer\":{\"public_key\":\"$pubb\"}}}' | grep -q -- '-32003'"
check "a taken tunnel name is refused" \
    bash -c "$tullectl --socket $sock up $conf 2>&1 | grep -q 'up already'"
many() {
    local clients=()
    for i in $(seq 100); do
        python3 "$work/rpc.py" "$sock" '{"jsonrpc":"2.0","id":1,"method":"tunnel.list"}' >"$work/many.$i" &
        clients+=($!)
    done
    wait "${clients[@]}" # not a bare wait: tulled is a child too
    test "$(grep -l '"tunnels"' "$work"/many.* | wc -l)" -eq 100
}
check "100 clients at once are all answered" many
check "after all that, the tunnel still carries traffic" n1 ping -c 2 -i 0.2 -W 2 10.8.0.2

# --- who may do what --------------------------------------------------------------------------
# The folder and socket modes keep other users out; open them to show that tulled itself refuses.
chmod 755 "$work/run"
chmod 666 "$sock"
refused_all() {
    local method params
    for call in "tunnel.up|{\"name\":\"x\"}" "tunnel.down|{\"name\":\"$ifa\"}" \
        "tunnel.save|{\"name\":\"$ifa\"}" "peer.add|{\"tunnel\":\"$ifa\",\"peer\":{\"public_key\":\"$pubc\"}}" \
        "peer.update|{\"tunnel\":\"$ifa\",\"peer\":{\"public_key\":\"$pubb\"}}" \
        "peer.remove|{\"tunnel\":\"$ifa\",\"public_key\":\"$pubb\"}"; do
        method=${call%%|*} params=${call#*|}
        runuser -u "$user" -- python3 "$work/rpc.py" "$sock" --no-hello \
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$method\",\"params\":$params}" >"$work/denied" 2>&1
        grep -q -- '-32001' "$work/denied" || { echo "$method: $(cat "$work/denied")"; return 1; }
        grep -q 'neither root nor in group' "$work/denied" || return 1
    done
}
check "a user outside the group is refused every mutating method" refused_all
check "and the tunnel is untouched" bash -c "ip netns exec $ns1 wg show $ifa peers | grep -q '$pubb'"
usermod -a -G "$group" "$user"
check "once in the group, the same user may" \
    bash -c "runuser -u $user -- $tullectl --socket $sock status | grep -q $ifa"
chmod 750 "$work/run"
chmod 660 "$sock"

# --- secrets ----------------------------------------------------------------------------------
ctl logs --lines 2000 --level debug >"$work/ctl-logs" 2>&1
ctl peers "$ifa" --json >"$work/ctl-peers" 2>&1
check "no private or preshared key in tulled's log, tullectl logs or tunnel.get" \
    bash -c "! grep -qF -e '$keya' -e '$psk' $work/tulled.log $work/ctl-logs $work/ctl-peers"

# --- system tunnels, autostart, shutdown ------------------------------------------------------
check "tunnel.save keeps it as a system tunnel marked for autostart" \
    bash -c "python3 $work/rpc.py $sock '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tunnel.save\",\"params\":{\"name\":\"$ifa\",\"autostart\":true}}' | grep -q '\"system\":true'"
check "its file is root's alone" bash -c "test \"\$(stat -c '%U %a' $work/etc/$ifa.conf)\" = 'root 600'"
stop "$service"
status=$?
check "SIGTERM: tulled exits 0" test "$status" -eq 0
check "SIGTERM: the interface is gone" bash -c "! ip -n $ns1 link show $ifa 2>/dev/null"
check "SIGTERM: the sockets are gone" bash -c "! test -e $sock && ! test -e $wg_run/$ifa.sock"
spawn "$ns1" "$work/tulled.log" "$tulled" --socket "$sock" --config-dir "$work/etc" --group "$group"
service=$pid
wait_for 5 ip -n "$ns1" link show "$ifa" >/dev/null 2>&1
check "restart: the autostart tunnel is up again" n1 ping -c 2 -i 0.2 -W 2 10.8.0.2
check "tullectl down" ctl down "$ifa"
check "down: the interface is gone, the system tunnel still listed" \
    bash -c "! ip -n $ns1 link show $ifa 2>/dev/null && $tullectl --socket $sock status | grep '$ifa' | grep -q down"

tap_done
