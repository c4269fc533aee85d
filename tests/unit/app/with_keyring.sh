#!/usr/bin/env bash
# Runs a command with a Secret Service of its own, so that keychain tests never touch a real
# user's keyring: a private session bus (dbus-run-session) with a fresh gnome-keyring-daemon
# (secrets only) whose login keyring, the default collection, is created and unlocked with a
# throwaway password in a temporary HOME. Daemon and HOME go away when the command ends, however
# it ends. Exits with the command's status.
# Usage: tests/unit/app/with_keyring.sh COMMAND [ARG...]
set -euo pipefail

if [[ ${1:-} != --on-private-bus ]]; then
    if (($# == 0)); then
        echo "usage: $0 COMMAND [ARG...]" >&2
        exit 2
    fi
    for tool in dbus-run-session dbus-send gnome-keyring-daemon pkill; do
        if ! command -v "$tool" >/dev/null; then
            echo "with_keyring: $tool not found; install the Debian packages dbus," \
                "gnome-keyring and procps (scripts/setup)" >&2
            exit 1
        fi
    done
    home=$(mktemp -d "${TMPDIR:-/tmp}/tulle-keyring.XXXXXX")
    session=
    # A signal is passed on to the script inside the bus, which ends the command and the daemon;
    # then the bus ends, and HOME goes.
    # shellcheck disable=SC2317  # run by the traps
    stop() {
        if [[ -n $session ]]; then
            pkill -TERM -P "$session" 2>/dev/null || true
            wait "$session" 2>/dev/null || true
        fi
    }
    trap 'rm -rf "$home"' EXIT
    trap 'stop; exit 129' HUP
    trap 'stop; exit 130' INT
    trap 'stop; exit 143' TERM
    export HOME=$home
    export XDG_CONFIG_HOME=$home/.config XDG_DATA_HOME=$home/.local/share
    export XDG_CACHE_HOME=$home/.cache XDG_RUNTIME_DIR=$home/run
    mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"
    mkdir -m 700 "$XDG_RUNTIME_DIR"
    # Nothing of the real session: no display to prompt on, no desktop to pick KWallet for.
    unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL \
        XDG_CURRENT_DESKTOP XDG_SESSION_DESKTOP DESKTOP_SESSION KDE_SESSION_VERSION
    dbus-run-session -- "$0" --on-private-bus "$@" <&0 &
    session=$!
    status=0
    wait "$session" || status=$?
    session=
    exit "$status"
fi
shift

# On the private bus.
keyring=
command_pid=
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    if [[ -n $command_pid ]]; then
        kill "$command_pid" 2>/dev/null || true
        wait "$command_pid" 2>/dev/null || true
    fi
    if [[ -n $keyring ]]; then
        kill "$keyring" 2>/dev/null || true
        wait "$keyring" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

log=$HOME/gnome-keyring.log
gnome-keyring-daemon --foreground --unlock --components=secrets \
    <<<"tulle-test-keyring" >"$log" 2>&1 &
keyring=$!

# Ready once the daemon owns the Secret Service's name (asked without activating it) and its
# default collection is unlocked.
bus_call() {
    dbus-send --session --print-reply "$@" 2>/dev/null
}
ready=0
for ((i = 0; i < 100; i++)); do
    if ! kill -0 "$keyring" 2>/dev/null; then
        break
    fi
    if bus_call --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q 'true' &&
        bus_call --dest=org.freedesktop.secrets /org/freedesktop/secrets/aliases/default \
            org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection \
            string:Locked | grep -q 'boolean false'; then
        ready=1
        break
    fi
    sleep 0.1
done
if ((ready == 0)); then
    echo "with_keyring: gnome-keyring-daemon did not come up with an unlocked login keyring:" >&2
    cat "$log" >&2
    exit 1
fi

# In the background, so that a signal to this script ends the command and the daemon at once.
"$@" <&0 &
command_pid=$!
status=0
wait "$command_pid" || status=$?
command_pid=
exit "$status"
