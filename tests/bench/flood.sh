#!/usr/bin/env bash
# flood.sh: what a handshake flood does to tulled (#15 item 2 and the hardening campaign). While
# a flooder sends junk, wrong-mac1 initiations or valid-mac1 initiations from many addresses at
# tulled's port, a real wireguard-go peer re-handshakes again and again; printed per phase: the
# peer's handshake times (from a fresh peer entry to the first ping answered), tulled's CPU and
# its memory (VmRSS). Reports only; asserts nothing. Namespaces only: nothing leaves them.
#
#   ns1: tulled wgfl1 (10.0.0.1:20001) --- ns2: wireguard-go wgfl2 (10.0.0.2), the real peer
#    \-- eth1 10.77.255.254/16 --- ns3: the flooder, SOURCES addresses 10.77.0.1 ...
#
# Usage (as root, after a build): tests/bench/flood.sh
#   TULLED=path (default build/*/daemon/tulled)   FLOOD=path (default build/*/tests/bench/handshake_flood)
#   SECONDS_PER_PHASE=12 RATE=20000 SOURCES=64 HANDSHAKES=3
# Expect: junk and wrong-mac1 floods leave handshakes as fast as with no flood (milliseconds);
# a valid-mac1 flood that outruns tulled puts it under load, so the peer's first initiation gets
# a cookie and its retransmit (wireguard-go waits 5 s) gets through: about 5 s each.

set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
need_root
need ip wg ping timeout awk getconf wireguard-go

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
hz=$(getconf CLK_TCK)
phase_seconds=${SECONDS_PER_PHASE:-12}
rate=${RATE:-20000}
sources=${SOURCES:-64}
handshakes=${HANDSHAKES:-3}

first_of() { local c; for c; do [[ -x $c ]] && { echo "$c"; return 0; }; done; return 1; }
tulled=${TULLED:-$(first_of "$repo"/build/default/daemon/tulled "$repo"/build/*/daemon/tulled)} ||
    skip "no tulled built"
flood=${FLOOD:-$(first_of "$repo"/build/default/tests/bench/handshake_flood "$repo"/build/*/tests/bench/handshake_flood)} ||
    skip "no handshake_flood built"

ns1="tulle-flood-$$-1" ns2="tulle-flood-$$-2" ns3="tulle-flood-$$-3"
if1="wgfl$$a" if2="wgfl$$b"
if1=${if1:0:15} if2=${if2:0:15}

cpu_ticks() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }; s=${s##*) }; awk '{ print $12 + $13 }' <<<"$s"; }
# shellcheck disable=SC2317 # called through wait_for
gone() { ! alive "$1"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

netns_add "$ns1" "$ns2" "$ns3" && veth "$ns1" eth0 "$ns2" eth0 && veth "$ns1" eth1 "$ns3" eth0 &&
    n1 ip addr add 10.0.0.1/24 dev eth0 && n2 ip addr add 10.0.0.2/24 dev eth0 &&
    n1 ip addr add 10.77.255.254/16 dev eth1 && n3 ip addr add 10.77.255.1/16 dev eth0 &&
    n3 ip route add default via 10.77.255.254 || exit 1
for ((i = 1; i <= sources; i++)); do
    n3 ip addr add "10.77.$((i / 256)).$((i % 256))/16" dev eth0 || exit 1
done

key1=$(wg genkey) key2=$(wg genkey)
pub1=$(wg pubkey <<<"$key1") pub2=$(wg pubkey <<<"$key2")
echo "$key1" >"$work/key1" && echo "$key2" >"$work/key2" && chmod 600 "$work"/key?

wg_start "$ns1" "$tulled" "$if1" || exit 1
tpid=$pid
wg_start "$ns2" wireguard-go "$if2" || exit 1
gpid=$pid
peer_args=(peer "$pub1" allowed-ips 192.168.77.1/32 endpoint 10.0.0.1:20001)
wgc set "$if1" private-key "$work/key1" listen-port 20001 peer "$pub2" allowed-ips 192.168.77.2/32 &&
    wgc set "$if2" private-key "$work/key2" listen-port 20002 "${peer_args[@]}" &&
    n1 ip addr add 192.168.77.1/24 dev "$if1" && n2 ip addr add 192.168.77.2/24 dev "$if2" &&
    n1 ip link set "$if1" up && n2 ip link set "$if2" up || exit 1
n2 ping -q -c 3 -i 0.2 -w 5 192.168.77.1 >/dev/null || { echo "flood.sh: no ping through the tunnel"; exit 1; }

# handshake_ms: the peer forgets its session (peer removed and added again) and pings until the
# first answer; prints the milliseconds that took, or "timeout".
handshake_ms() {
    if ! wgc set "$if2" peer "$pub1" remove || ! wgc set "$if2" "${peer_args[@]}"; then
        echo error
        return
    fi
    local start end
    start=$(date +%s%N)
    if n2 ping -q -c 1 -w 15 -i 0.05 192.168.77.1 >/dev/null 2>&1; then
        end=$(date +%s%N)
        echo $(((end - start) / 1000000))
    else
        echo timeout
    fi
}

echo "flood.sh: tulled $tulled; $rate datagrams/s from $sources addresses, $phase_seconds s per phase, on $(nproc) CPUs"
printf '%-12s %-28s %10s %10s\n' phase "handshakes (ms)" "CPU %" "RSS MiB"
for kind in none junk wrong-mac1 valid-mac1; do
    fpid=
    if [[ $kind != none ]]; then
        spawn "$ns3" "$work/flood-$kind.log" "$flood" "$kind" 10.0.0.1 20001 "$pub1" 10.77.0.1 \
            "$sources" "$rate" "$phase_seconds"
        fpid=$pid
        sleep 1
    fi
    c0=$(cpu_ticks "$tpid") t0=$(date +%s%N)
    times=()
    for ((h = 0; h < handshakes; h++)); do times+=("$(handshake_ms)"); done
    c1=$(cpu_ticks "$tpid") t1=$(date +%s%N)
    rss=$(rss_kib "$tpid")
    if [[ -n $fpid ]]; then
        wait_for $((phase_seconds + 5)) gone "$fpid"
        stop "$fpid"
    fi
    cpu=$(awk -v c=$((c1 - c0)) -v hz="$hz" -v t=$((t1 - t0)) 'BEGIN { printf "%.0f", 100 * c / hz / (t / 1e9) }')
    printf '%-12s %-28s %10s %10s\n' "$kind" "${times[*]}" "$cpu" \
        "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')"
    [[ -n $fpid ]] && grep -h "handshake_flood:" "$work/flood-$kind.log" | sed 's/^/    /'
done
alive "$gpid" && alive "$tpid" || echo "flood.sh: a daemon died during the run"
exit 0
