#!/usr/bin/env bash
# dns.sh: a tunnel's DNS = end to end, with the real tulled service in a network namespace of its
# own and tullectl:
#
# 1. systemd-resolved: a test double of its D-Bus API (resolve1_double) on a private bus, which
#    tulled reaches through DBUS_SYSTEM_BUS_ADDRESS; the exact calls for up (servers, the search
#    domain, ~. for a full tunnel, default route) and down (RevertLink); after kill -9, the next
#    start sends RevertLink for the link the killed tulled left.
# 2. resolvconf: a fake on tulled's PATH that records its arguments and input; -a on up, -d on
#    down, and -d at the next start after kill -9.
# 3. neither: the tunnel is up, and tullectl (and the log) say that DNS = is not applied.
#
# tulled's control socket, system tunnels and state folder are the test's own (a temporary
# folder), and its bus is the private one, so the machine's resolver is never touched. The peer
# has no endpoint: nothing is sent anywhere.
#
# Usage (as root): TULLED=... TULLECTL=... RESOLVE1_DOUBLE=... tests/integration/dns.sh
# Prints "ok N - ..." lines and "N passed, N failed"; exits 1 on failure, 77 when skipped.
set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
need_root
need ip dbus-daemon python3
here=$(cd "$(dirname "$0")" && pwd)
tulled=${TULLED:-$here/../../build/default/daemon/tulled}
tullectl=${TULLECTL:-$here/../../build/default/ctl/tullectl}
double=${RESOLVE1_DOUBLE:-$here/../../build/default/tests/unit/resolve1_double}
[[ -x $tulled ]] || skip "tulled not found at $tulled (set TULLED)"
[[ -x $tullectl ]] || skip "tullectl not found at $tullectl (set TULLECTL)"
[[ -x $double ]] || skip "resolve1_double not found at $double (set RESOLVE1_DOUBLE)"

ns1="tulle-$$-d1"
ifd="td$$"
sock="$work/run/tulled.sock"
bus="unix:path=$work/bus"
tap_logs+=("$work/tulled.log")
on_exit rm -f "$wg_run/$ifd.sock"

ctl() { "$tullectl" --socket "$sock" "$@"; }
answers() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' "$1" 2>/dev/null; }
index_of() { ip -n "$ns1" -o link show "$ifd" | cut -d: -f1; }
calls() { cat "$work/calls" 2>/dev/null; }
record() { cat "$work/run/dns/$ifd" 2>/dev/null; }

must "namespace ns1" netns_add "$ns1"
spawn "$ns1" "$work/dbus.log" dbus-daemon --session --nofork --address="$bus"
must "a private bus" wait_for 5 test -S "$work/bus"

# A system tunnel that takes the default route, with two servers and a search domain.
mkdir -p "$work/etc" "$work/run" "$work/bin" "$work/nobin"
chmod 700 "$work/etc"
key=$("$tullectl" genkey)
peer=$("$tullectl" genkey | "$tullectl" pubkey)
cat >"$work/etc/$ifd.conf" <<EOF
[Interface]
PrivateKey = $key
Address = 10.77.0.1/24
DNS = 10.77.0.53, fd77::53, corp.test

[Peer]
PublicKey = $peer
AllowedIPs = 0.0.0.0/0
EOF
chmod 600 "$work/etc/$ifd.conf"

# A fake resolvconf: its arguments and its standard input, one line each, into resolvconf.log.
cat >"$work/bin/resolvconf" <<EOF
#!/bin/sh
PATH=/usr/bin:/bin
{ echo "args: \$*"; sed 's/^/stdin: /'; } >>'$work/resolvconf.log'
EOF
chmod 755 "$work/bin/resolvconf"

start_service() { # PATH for tulled: where resolvconf is looked for
    spawn "$ns1" "$work/tulled.log" env DBUS_SYSTEM_BUS_ADDRESS="$bus" PATH="$1" \
        "$tulled" --socket "$sock" --config-dir "$work/etc" --group root --state-dir "$work/run"
    service=$pid
    wait_for 5 answers "$sock"
}
kill_service() {
    kill -KILL "$service"
    wait "$service" 2>/dev/null
    unset "spawned[$service]"
}

# --- 1. systemd-resolved ----------------------------------------------------------------------
spawn "$ns1" "$work/double.log" "$double" "$bus" "$work/calls"
double_pid=$pid
must "the resolve1 double owns its name" wait_for 5 grep -q ready "$work/double.log"
must "service starts (resolvconf not on its PATH)" start_service "$work/nobin"
must "tullectl up" ctl up "$ifd"
i=$(index_of)
expected_up="SetLinkDNS $i 10.77.0.53 fd77::53
SetLinkDomains $i corp.test:search ~.:route
SetLinkDefaultRoute $i true"
check "resolved: servers, search domain and ~. for the full tunnel, default route" \
    test "$(calls)" == "$expected_up"
check "tullectl status says DNS goes through systemd-resolved" \
    sh -c "'$tullectl' --socket '$sock' peers '$ifd' | grep -F 'DNS through systemd-resolved'"
check "tulled recorded the link (root only)" \
    test "$(record)" == "systemd-resolved $i $(n1 stat -L -c %i /proc/self/ns/net)" -a \
    "$(stat -c %a "$work/run/dns/$ifd" 2>/dev/null)" == 600
must "tullectl down" ctl down "$ifd"
check "resolved: RevertLink on down" test "$(calls | tail -n 1)" == "RevertLink $i"
check "the record went with it" test ! -e "$work/run/dns/$ifd"

must "tullectl up again" ctl up "$ifd"
i=$(index_of)
kill_service
check "killed: the record of the link stays" test -e "$work/run/dns/$ifd"
: >"$work/calls"
must "service restarted" start_service "$work/nobin"
check "restart: RevertLink for the link the killed tulled left, and nothing else" \
    test "$(calls)" == "RevertLink $i"
check "restart: the record is gone" test ! -e "$work/run/dns/$ifd"
stop "$double_pid"
stop "$service"

# --- 2. resolvconf ----------------------------------------------------------------------------
must "service starts (no resolved on the bus, resolvconf on its PATH)" start_service "$work/bin"
must "tullectl up" ctl up "$ifd"
expected_up="args: -a tun.$ifd -m 0 -x
stdin: nameserver 10.77.0.53
stdin: nameserver fd77::53
stdin: search corp.test"
check "resolvconf -a with nameserver and search lines, as wg-quick" \
    test "$(cat "$work/resolvconf.log")" == "$expected_up"
must "tullectl down" ctl down "$ifd"
check "resolvconf -d on down" test "$(tail -n 1 "$work/resolvconf.log")" == "args: -d tun.$ifd -f"
must "tullectl up again" ctl up "$ifd"
kill_service
: >"$work/resolvconf.log"
must "service restarted" start_service "$work/bin"
check "restart: resolvconf -d for the entry of the interface that is gone" \
    test "$(cat "$work/resolvconf.log")" == "args: -d tun.$ifd -f"
stop "$service"

# --- 3. neither -------------------------------------------------------------------------------
why="DNS = needs systemd-resolved or resolvconf; the tunnel is up without it"
must "service starts (no resolved, no resolvconf)" start_service "$work/nobin"
check "tullectl up succeeds and says why DNS is not applied" \
    sh -c "'$tullectl' --socket '$sock' up '$ifd' | grep -F '$ifd: $why'"
check "the tunnel is up" ip -n "$ns1" link show "$ifd" up
check "tullectl status says it too" sh -c "'$tullectl' --socket '$sock' status | grep -F '$ifd: $why'"
check "and the log" grep -F "$ifd: $why" "$work/tulled.log"
check "nothing recorded" test ! -e "$work/run/dns/$ifd"
stop "$service"

tap_done
