#!/usr/bin/env bash
# metrics.sh: tulled --metrics, scraped over TCP as Prometheus would, with a tunnel running.
#
#   ns1 (tulled --config --metrics)  veth1 192.168.245.1 ---- veth2 192.168.245.2  ns2 (tulled)
#                                    tunnel 10.245.0.1                              10.245.0.2
#
# The endpoint listens on ns1's loopback only; GET /metrics names the tunnel and both of its
# peers (the one without an endpoint too), its text passes promtool, the peer's byte counters
# grow with traffic, other paths and methods are refused, and nothing secret is in it. An
# address that is not loopback is refused unless --metrics-allow-remote says so.
# Usage (as root): TULLED=path/to/tulled tests/integration/metrics.sh
# Prints "ok N - ..." lines and "N passed, N failed"; exits 1 on failure, 77 when skipped.
set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
need_root
need ip wg curl
tulled=${TULLED:-$(dirname "$0")/../../build/default/daemon/tulled}
[[ -x $tulled ]] || skip "tulled not found at $tulled (set TULLED)"

ns1="mx-$$-1" ns2="mx-$$-2"
if1="mx$$a" if2="mx$$b"
port=9586
on_exit rm -f "$wg_run/$if1.sock" "$wg_run/$if2.sock"

# Usage errors need no namespace: nothing is started.
"$tulled" --metrics 0.0.0.0:9586 >"$work/remote.log" 2>&1
status=$?
check "a non-loopback address is refused (exit 2)" test "$status" -eq 2
check "naming the address and the way to allow it" \
    grep -q "0.0.0.0 is not a loopback address.*--metrics-allow-remote" "$work/remote.log"
"$tulled" --metrics 70000 >"$work/port.log" 2>&1
status=$?
check "a port out of range is refused (exit 2)" test "$status" -eq 2

setup_net() {
    netns_add "$ns1" "$ns2" && veth "$ns1" veth1 "$ns2" veth2 &&
        ip -n "$ns1" addr add 192.168.245.1/24 dev veth1 &&
        ip -n "$ns2" addr add 192.168.245.2/24 dev veth2
}
must "namespaces $ns1 and $ns2, a veth pair between them" setup_net

key1=$(wg genkey) key2=$(wg genkey) psk=$(wg genpsk)
pub1=$(wg pubkey <<<"$key1") pub2=$(wg pubkey <<<"$key2")
lonely=$(wg genkey | wg pubkey) # a peer with no endpoint, never reached
conf() { # conf FILE KEY ADDRESS PORT PEER PEER-ADDRESS PEER-PORT: one side of the tunnel
    mkdir -p "$(dirname "$1")"
    printf '[Interface]\nPrivateKey = %s\nAddress = 10.245.0.%s/24\nListenPort = %s\n\n' "$2" "$3" "$4" >"$1"
    printf '[Peer]\nPublicKey = %s\nPresharedKey = %s\nAllowedIPs = 10.245.0.%s/32\n' "$5" "$psk" "$6" >>"$1"
    printf 'Endpoint = 192.168.245.%s:%s\n' "$6" "$7" >>"$1"
}
conf "$work/1/$if1.conf" "$key1" 1 51830 "$pub2" 2 51831
printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.245.0.9/32\n' "$lonely" >>"$work/1/$if1.conf"
conf "$work/2/$if2.conf" "$key2" 2 51831 "$pub1" 1 51830
chmod 600 "$work/1/$if1.conf" "$work/2/$if2.conf"

spawn "$ns2" "$work/far.log" "$tulled" --config "$work/2/$if2.conf"
spawn "$ns1" "$work/near.log" "$tulled" --config "$work/1/$if1.conf" --metrics "$port"
near=$pid
must "tulled --metrics $port listens in $ns1" wait_listen "$ns1" "$port"
tap_logs+=("$work/near.log" "$work/far.log")
check "it listens on loopback only" \
    bash -c "ip netns exec $ns1 ss -Hltn 'sport = :$port' | awk '{print \$4}' | grep -qx '127.0.0.1:$port'"
check "and says so in its log" \
    grep -q "serving Prometheus metrics at http://127.0.0.1:$port/metrics (loopback only" \
    "$work/near.log"

scrape() { # scrape FILE: GET /metrics in ns1, the body to FILE; fails unless 200
    n1 curl -sS --max-time 5 -o "$1" -w '%{http_code} %{content_type}\n' \
        "http://127.0.0.1:$port/metrics" >"$1.status" && grep -q '^200 ' "$1.status"
}
# A peer's counter from a scrape: rx_of FILE KEY
counter_of() {
    awk -v name="$1" -v key="public_key=\"$3\"" \
        'index($0, name "{") == 1 && index($0, key) { print $NF }' "$2"
}

must "GET /metrics answers 200" scrape "$work/before.txt"
check "in the text exposition format 0.0.4" \
    grep -q '^200 text/plain; version=0.0.4; charset=utf-8$' "$work/before.txt.status"
if command -v promtool >/dev/null; then
    check "promtool accepts the scrape" bash -c "promtool check metrics <'$work/before.txt'"
else
    ok "promtool accepts the scrape # SKIP promtool is not installed (Debian package prometheus)"
fi
check "the tunnel is reported" grep -q "^tulle_tunnel_peers{tunnel=\"$if1\"} 2$" "$work/before.txt"
check "both peers are there, the one without an endpoint too" \
    bash -c "grep -q 'tulle_peer_endpoint_known{tunnel=\"$if1\",public_key=\"$pub2\"} 1' '$work/before.txt' &&
             grep -q 'tulle_peer_endpoint_known{tunnel=\"$if1\",public_key=\"$lonely\"} 0' '$work/before.txt'"
check "drop counters by reason" \
    grep -q "^tulle_dropped_total{tunnel=\"$if1\",reason=\"invalid_mac\"} 0$" "$work/before.txt"
check "no private or preshared key in it" \
    bash -c "! grep -qF -e '$key1' -e '$psk' '$work/before.txt'"

rx_before=$(counter_of tulle_peer_receive_bytes_total "$work/before.txt" "$pub2")
tx_before=$(counter_of tulle_peer_transmit_bytes_total "$work/before.txt" "$pub2")
check "ping through the tunnel" n1 ping -c 5 -i 0.2 -W 2 10.245.0.2
must "GET /metrics again" scrape "$work/after.txt"
rx_after=$(counter_of tulle_peer_receive_bytes_total "$work/after.txt" "$pub2")
tx_after=$(counter_of tulle_peer_transmit_bytes_total "$work/after.txt" "$pub2")
echo "# peer bytes before/after the ping: rx ${rx_before:-?} -> ${rx_after:-?}, tx ${tx_before:-?} -> ${tx_after:-?}"
check "the peer's received bytes grew with the traffic" test "${rx_after:-0}" -gt "${rx_before:-0}"
check "and its sent bytes" test "${tx_after:-0}" -gt "${tx_before:-0}"
check "its last handshake is a Unix time now" \
    test "$(counter_of tulle_peer_last_handshake_seconds "$work/after.txt" "$pub2")" -gt 1600000000

http_status() { # http_status CURL-ARGS...: the status code of a request in ns1
    n1 curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "$@"
}
check "another path is 404" test "$(http_status "http://127.0.0.1:$port/")" = 404
check "another method is 405" test "$(http_status -X POST "http://127.0.0.1:$port/metrics")" = 405
check "a request body is refused (400)" \
    test "$(http_status -X GET --data-binary x "http://127.0.0.1:$port/metrics")" = 400
check "a head over 8 KiB is refused (431)" \
    test "$(http_status -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' a)" "http://127.0.0.1:$port/metrics")" = 431
check "the far side cannot reach it over the underlay" \
    bash -c "! ip netns exec $ns2 curl -sS --max-time 2 -o /dev/null http://192.168.245.1:$port/metrics"
check "tulled still serves after all that" scrape "$work/last.txt"
check "and still runs" alive "$near"

tap_done
