# shellcheck shell=bash
# netns_lib.sh: network namespaces and processes for the shell tests and the throughput benchmark
# (sourced; it sources tap.sh too). In the manner of the kernel's selftests/wireguard/netns.sh:
# the test names its namespaces ns0..ns3 (unique per run and per test, e.g. tulle-$$-m1) and runs
# commands in them with n0..n3.
#
#   work                      a temporary folder for this run, removed on exit (KEEP_LOGS=1 keeps it)
#   need_root                 skip the test unless root with /dev/net/tun
#   need TOOL...              skip the test unless every TOOL is installed
#   resolve NAME-OR-PATH      a program's absolute path
#   netns_add NS...           new namespaces with lo up
#   veth NS1 IF1 NS2 IF2      a veth pair from NS1 to NS2, both ends up
#   n0..n3 CMD...             CMD in $ns0..$ns3
#   spawn NS LOG CMD...       CMD in NS in the background, output appended to LOG; sets pid
#   stop PID                  SIGTERM, SIGKILL 5 s later, reap; returns PID's exit status
#   alive PID                 PID runs (is not a zombie)
#   wait_for SECONDS CMD...   CMD every 0.1 s until it succeeds; fails when SECONDS ran out
#   wait_listen NS PORT       a TCP socket listens on PORT in NS (within 5 s)
#   wgc ARGS...               wg(8) that gives up after 5 s (a stuck daemon must not hang the test)
#   wg_start NS IMPL IF       a userspace WireGuard (tulled or wireguard-go) in the foreground for
#                             IF, logging to $work/IF.log; returns once IF's socket answers and
#                             the device exists; sets pid
#   on_exit CMD...            one more thing to undo on exit (run last first, before the
#                             namespaces go)
#
# On every exit (the end, a failure, skip, Ctrl-C, SIGTERM) everything this run made is undone,
# and nothing else: the processes it spawned (by PID, only while still its children), processes
# left in the namespaces it made (daemons that forked away, as wg-quick's do), the on_exit list,
# those namespaces, and the work folder. The exit status is kept.

# shellcheck source=SCRIPTDIR/tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

wg_run=/var/run/wireguard # wireguard-go and tulled keep IF.sock here; it is not per namespace
netns_made=()             # namespaces this run made, in order
declare -A spawned=()     # PID -> command, for the children spawn started
undo=()                   # on_exit commands, each one quoted

work=$(mktemp -d "${TMPDIR:-/tmp}/tulle-$(basename "$0" .sh).XXXXXX") || exit 1

need_root() {
    [[ $EUID -eq 0 ]] || skip "needs root (network namespaces, TUN devices, $wg_run)"
    [[ -c /dev/net/tun ]] || skip "no /dev/net/tun"
}

resolve() { # resolve NAME-OR-PATH: the program's absolute path; fails when there is none
    local p
    p=$(command -v -- "$1" 2>/dev/null) && readlink -f -- "$p"
}

need() {
    local tool
    for tool; do
        command -v "$tool" >/dev/null || skip "$tool is not installed"
    done
}

on_exit() { undo+=("$(printf '%q ' "$@")"); }

# --- namespaces -------------------------------------------------------------------------------

netns_add() {
    local ns
    for ns; do
        ip netns add "$ns" || return 1 # taken: not ours, so not recorded for deletion
        netns_made+=("$ns")
        ip -n "$ns" link set lo up || return 1
    done
}

veth() {
    ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" &&
        ip -n "$1" link set "$2" up &&
        ip -n "$3" link set "$4" up
}

n0() { ip netns exec "${ns0:?}" "$@"; }
n1() { ip netns exec "${ns1:?}" "$@"; }
n2() { ip netns exec "${ns2:?}" "$@"; }
n3() { ip netns exec "${ns3:?}" "$@"; }

# --- processes --------------------------------------------------------------------------------

# `ip netns exec` execs CMD, so $! is CMD itself, a child of this shell.
spawn() {
    local ns=$1 log=$2
    shift 2
    ip netns exec "$ns" "$@" >>"$log" 2>&1 &
    pid=$!
    spawned[$pid]="$*"
}

proc_state() { # one letter (R, S, Z, ...), nothing when PID does not exist
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    s=${s##*) }
    echo "${s%% *}"
}

alive() { [[ -e /proc/$1 && $(proc_state "$1") != Z ]]; }

# A child of this shell, not yet reaped: its PID cannot have been reused by anyone else.
ours() { [[ $(awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null) == "$BASHPID" ]]; }

stop() {
    local p=$1 i
    if ours "$p"; then
        kill -TERM "$p" 2>/dev/null
        for ((i = 0; i < 50; i++)); do
            alive "$p" || break
            sleep 0.1
        done
        ours "$p" && alive "$p" && kill -KILL "$p" 2>/dev/null
    fi
    unset "spawned[$p]"
    wait "$p" 2>/dev/null
}

wait_for() {
    local tries=$(($1 * 10)) i
    shift
    for ((i = 0; i < tries; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    "$@"
}

listening() { [[ -n $(ip netns exec "$1" ss -Hltn "sport = :$2") ]]; }
wait_listen() { wait_for 5 listening "$1" "$2"; }

wgc() { timeout 5 wg "$@"; }

wg_ready() { # wg_ready NS IF: the socket answers and the device exists
    [[ -S $wg_run/$2.sock ]] && wgc show "$2" >/dev/null 2>&1 && ip -n "$1" link show "$2" >/dev/null 2>&1
}
wg_ready_or_gone() { wg_ready "$1" "$2" || ! alive "$3"; }

wg_start() {
    local ns=$1 impl=$2 ifn=$3
    on_exit rm -f "$wg_run/$ifn.sock"
    spawn "$ns" "$work/$ifn.log" env WG_PROCESS_FOREGROUND=1 "$impl" "$ifn"
    wait_for 10 wg_ready_or_gone "$ns" "$ifn" "$pid"
    if ! alive "$pid"; then
        echo "$impl $ifn exited early:"
        tail -n 5 "$work/$ifn.log"
        return 1
    fi
    wg_ready "$ns" "$ifn" && return 0
    echo "$impl $ifn: no socket at $wg_run/$ifn.sock or no device after 10 s"
    return 1
}

# --- cleanup ----------------------------------------------------------------------------------

netns_cleanup() {
    set +e # under set -e, one failed step must not skip the rest (or change the exit status)
    trap - EXIT INT TERM
    local p ns i
    for p in "${!spawned[@]}"; do stop "$p"; done
    for ns in "${netns_made[@]}"; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$p" 2>/dev/null; done
        for ((i = 0; i < 30; i++)); do
            [[ -z $(ip netns pids "$ns" 2>/dev/null) ]] && break
            sleep 0.1
        done
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    done
    for ((i = ${#undo[@]} - 1; i >= 0; i--)); do eval "${undo[i]}"; done
    for ((i = ${#netns_made[@]} - 1; i >= 0; i--)); do ip netns del "${netns_made[i]}" 2>/dev/null; done
    if [[ ${KEEP_LOGS:-0} == 1 ]]; then echo "# logs kept in $work"; else rm -rf "$work"; fi
}
trap netns_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
