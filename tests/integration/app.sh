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
# Prints "ok N - ..." lines and "N passed, N failed"; exits 1 on failure, 77 when skipped.
set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
need_root
need ip wg wireguard-go ping
for var in TULLED TULLECTL APP_TEST; do
    [[ -x ${!var:-} ]] || skip "$var is not set to a program"
done

ns1="tulle-$$-a1" ns2="tulle-$$-a2"
ifa="ta$$a" ifb="ta$$b"
sock="$work/run/tulled.sock"
on_exit rm -f "$wg_run/$ifa.sock"
tap_logs+=("$work/tulled.log")

setup_net() {
    netns_add "$ns1" "$ns2" && veth "$ns1" veth1 "$ns2" veth2 &&
        ip -n "$ns1" addr add 192.168.247.1/24 dev veth1 &&
        ip -n "$ns2" addr add 192.168.247.2/24 dev veth2
}
must "namespaces ns1 and ns2, a veth pair between them" setup_net

spawn "$ns1" "$work/tulled.log" "$TULLED" --socket "$sock" --config-dir "$work/etc" --group root
must "tulled serves its control socket" wait_for 5 test -S "$sock"

key=$(wg genkey) peer_key=$(wg genkey)
pub=$(wg pubkey <<<"$key") peer_pub=$(wg pubkey <<<"$peer_key")
start_peer() {
    wg_start "$ns2" wireguard-go "$ifb" &&
        n2 wg set "$ifb" private-key <(echo "$peer_key") listen-port 51831 \
            peer "$pub" allowed-ips 10.9.0.1/32 endpoint 192.168.247.1:51830 &&
        ip -n "$ns2" addr add 10.9.0.2/24 dev "$ifb" &&
        ip -n "$ns2" link set "$ifb" up
}
must "wireguard-go peer $ifb in ns2" start_peer

umask 077
printf '[Interface]\nPrivateKey = %s\nAddress = 10.9.0.1/24\nListenPort = 51830\n' "$key" \
    >"$work/$ifa.conf"
must "tullectl up: tunnel $ifa without peers" "$TULLECTL" --socket "$sock" up "$work/$ifa.conf"

# The app's own test (gtest): its failures may be far from the end of its output.
# shellcheck disable=SC2034 # read by check (tap.sh)
tap_tail=200
check "the app's peer editor adds the peer, traffic flows, the chart shows it" \
    n1 env QT_QPA_PLATFORM=offscreen TULLE_SOCKET="$sock" TULLE_TUNNEL="$ifa" \
    TULLE_PEER_KEY="$peer_pub" TULLE_PEER_ENDPOINT=192.168.247.2:51831 TULLE_PEER_IP=10.9.0.2 \
    "$APP_TEST"

tap_done
