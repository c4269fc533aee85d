#!/usr/bin/env bash
# control_socket.sh: what clients that hold on can make tulled's service hold, and whether it is
# given back. Reports only; asserts nothing.
#
# tulled runs in service mode in a network namespace of its own (it creates no tunnel), with a
# control socket, tunnel folder and group (nogroup) of this run. USERS members of the group
# (uids 65534, 65533, ...) each open CONNECTIONS connections: half send daemon.hello and then
# 1 MiB less a byte of a line that never ends, half subscribe to log events and never read. Root
# then makes EVENTS log lines (refused tunnel.down calls, each a log event for every subscriber).
# Printed: tulled's RSS before, with the clients (within the 10 s a line may take), and after
# they went; how many connections got in; whether root still gets in while they hold on.
#
# Usage (as root): tests/bench/control_socket.sh
#   TULLED=path   tulled (default: build/default/daemon/tulled beside this script's repository)
#   USERS=4 CONNECTIONS=64 EVENTS=40000

set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
need_root
need ip python3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tulled=${TULLED:-$here/../../build/default/daemon/tulled}
[[ -x $tulled ]] || skip "tulled not found at $tulled (set TULLED)"
users=${USERS:-4}
connections=${CONNECTIONS:-64}
events=${EVENTS:-40000}

ns="tulle-$$-cb"
netns_add "$ns"
chmod 755 "$work"
mkdir -m 700 "$work/etc"
sock="$work/run/tulled.sock"
spawn "$ns" "$work/tulled.log" "$tulled" --socket "$sock" --config-dir "$work/etc" --group nogroup
tulled_pid=$pid
wait_for 5 test -S "$sock" || { cat "$work/tulled.log"; echo "tulled did not start"; exit 1; }

rss() { # now, and the most since tulled started
    awk '/^VmRSS:/ { now = $2 } /^VmHWM:/ { most = $2 }
         END { printf "%d MiB (peak so far %d MiB)", now / 1024, most / 1024 }' "/proc/$tulled_pid/status"
}

cat >"$work/clients.py" <<'PY'
import json, os, socket, sys, time
path, uid, count, hold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
os.setgroups([65534]); os.setgid(65534); os.setuid(uid)
hello = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "daemon.hello",
                    "params": {"version": {"major": 1, "minor": 0}, "client": "bench"}}) + "\n"
subscribe = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "subscribe",
                        "params": {"topics": ["log"]}}) + "\n"
held, admitted = [], 0
for i in range(count):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect(path)
    try:
        s.sendall(hello.encode())
        answer = s.makefile("r").readline()
        if '"result"' not in answer:
            s.close()
            continue
        admitted += 1
        if i % 2:
            s.sendall(subscribe.encode())
        else:
            s.sendall(b"{" + b"x" * ((1 << 20) - 2))
        held.append(s)
    except OSError:
        s.close()
print(admitted, flush=True)  # to a file root opened: the test's folder is not ours
deadline = time.time() + 120
while not os.path.exists(hold) and time.time() < deadline:
    time.sleep(0.05)
PY

cat >"$work/root.py" <<'PY'
import json, socket, sys
path, calls = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(path)
f = s.makefile("r")
def call(i, method, params):
    s.sendall((json.dumps({"jsonrpc": "2.0", "id": i, "method": method, "params": params}) + "\n").encode())
    return json.loads(f.readline())
hello = call(0, "daemon.hello", {"version": {"major": 1, "minor": 0}, "client": "bench root"})
print("root gets in:", "yes" if "result" in hello else hello["error"]["message"])
batch = 500
for first in range(1, calls + 1, batch):
    n = min(batch, calls + 1 - first)
    s.sendall("".join(json.dumps({"jsonrpc": "2.0", "id": first + k, "method": "tunnel.down",
                                  "params": {"name": "nothing-here"}}) + "\n" for k in range(n)).encode())
    for _ in range(n):
        f.readline()
status = call(calls + 1, "daemon.status", {})
print("clients tulled serves now:", status["result"]["clients"])
PY

echo "tulled: $tulled"
echo "RSS before: $(rss)"
started=$(date +%s%N)
client_pids=()
for ((u = 0; u < users; u++)); do
    python3 "$work/clients.py" "$sock" $((65534 - u)) "$connections" "$work/go" >"$work/ready$u" &
    client_pids+=($!)
done
for ((u = 0; u < users; u++)); do
    wait_for 30 test -s "$work/ready$u" || echo "user $u: not ready"
done
admitted=$(cat "$work"/ready* | awk '{ n += $1 } END { print n + 0 }')
echo "$users users x $connections connections: $admitted got in" \
    "($(( ($(date +%s%N) - started) / 1000000 )) ms to open them all)"
echo "RSS with half lines and idle subscribers: $(rss)"
python3 "$work/root.py" "$sock" "$events"
echo "RSS after $events log events: $(rss)"
touch "$work/go"
for p in "${client_pids[@]}"; do wait "$p"; done
sleep 1
echo "RSS after the clients went: $(rss)"
count() { printf '%6d  %s\n' "$(grep -c -e "$1" "$work/tulled.log")" "$2"; }
echo "what tulled did about them (log lines):"
count "too many connections from uid" "connections refused: per-user cap"
count "kept for root" "connections refused: root's reserve"
count "reads too slowly" "clients dropped: 8 MiB of unread replies and events"
count "over the budget" "clients dropped: all clients past the memory budget"
count "was not finished" "clients closed: a line unfinished for 10 s"
count "no daemon.hello" "clients closed: no daemon.hello within 10 s"
stop "$tulled_pid" >/dev/null
