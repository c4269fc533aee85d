#!/usr/bin/env bash
# app.sh: the app's peer editor against a real tulled service, with a wireguard-go peer.
#
#   ns1: tulled (service), the app's test   veth 192.168.247.1 ---- 192.168.247.2   ns2: wireguard-go
#        tunnel ta<pid>a  10.9.0.1/24                                               ta<pid>b 10.9.0.2
#
# The tunnel starts without peers; the test adds wireguard-go's peer in the editor, checks it
# with wg(8), pings through it and waits for the chart to show the traffic.
#
# Usage (as root): TULLED=... TULLECTL=... APP_TEST=... tests/integration/app.sh
# Exits 0 when the test passed, 1 when not, 77 when skipped.
set -u

skip() { echo "1..0 # SKIP $*"; exit 77; }
[[ $EUID -eq 0 ]] || skip "needs root (network namespaces, TUN devices)"
[[ -c /dev/net/tun ]] || skip "no /dev/net/tun"
for tool in ip wg wireguard-go ping; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
done
for var in TULLED TULLECTL APP_TEST; do
    [[ -x ${!var:-} ]] || skip "$var is not set to a program"
done

ns1="tulle-$$-a1" ns2="tulle-$$-a2"
ifa="ta$$a" ifb="ta$$b"
work=$(mktemp -d)
sock="$work/run/tulled.sock"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    sleep 0.3
    ip netns del "$ns1" 2>/dev/null
    ip netns del "$ns2" 2>/dev/null
    rm -f /var/run/wireguard/{"$ifa","$ifb"}.sock
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

set -e
ip netns add "$ns1"
ip netns add "$ns2"
ip -n "$ns1" link set lo up
ip -n "$ns2" link set lo up
ip -n "$ns1" link add veth1 type veth peer name veth2 netns "$ns2"
ip -n "$ns1" addr add 192.168.247.1/24 dev veth1
ip -n "$ns2" addr add 192.168.247.2/24 dev veth2
ip -n "$ns1" link set veth1 up
ip -n "$ns2" link set veth2 up

ip netns exec "$ns1" "$TULLED" --socket "$sock" --config-dir "$work/etc" --group root \
    >"$work/tulled.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -S $sock ]] && break; sleep 0.1; done

key=$(wg genkey) peer_key=$(wg genkey)
pub=$(wg pubkey <<<"$key") peer_pub=$(wg pubkey <<<"$peer_key")
WG_PROCESS_FOREGROUND=1 ip netns exec "$ns2" wireguard-go "$ifb" >"$work/peer.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -S /var/run/wireguard/$ifb.sock ]] && break; sleep 0.1; done
ip netns exec "$ns2" wg set "$ifb" private-key <(echo "$peer_key") listen-port 51831 \
    peer "$pub" allowed-ips 10.9.0.1/32 endpoint 192.168.247.1:51830
ip -n "$ns2" addr add 10.9.0.2/24 dev "$ifb"
ip -n "$ns2" link set "$ifb" up

umask 077
printf '[Interface]\nPrivateKey = %s\nAddress = 10.9.0.1/24\nListenPort = 51830\n' "$key" \
    >"$work/$ifa.conf"
"$TULLECTL" --socket "$sock" up "$work/$ifa.conf" >/dev/null
set +e

ip netns exec "$ns1" env QT_QPA_PLATFORM=offscreen TULLE_SOCKET="$sock" TULLE_TUNNEL="$ifa" \
    TULLE_PEER_KEY="$peer_pub" TULLE_PEER_ENDPOINT=192.168.247.2:51831 TULLE_PEER_IP=10.9.0.2 \
    "$APP_TEST"
rc=$?
if ((rc != 0)); then
    echo "# tulled's log:"
    sed 's/^/#   /' "$work/tulled.log" | tail -30
fi
exit "$rc"
