#!/usr/bin/env bash
# deb.sh: the Debian package, installed for real.
#
#   1. cpack turns the build folder's binaries into tulle_<version>_<arch>.deb (no second
#      compile) and the package's file list, owners, modes and fields are checked;
#   2. a clean Debian 12 root (debootstrap minbase, cached as a tarball in CACHE_DIR together
#      with the .debs apt downloads) gets the package with `apt-get install ./tulle_*.deb`, so
#      every dependency comes from the mirror;
#   3. what it installed is checked: files, group tulle, the service enabled, libraries found,
#      tulled --version, tullectl --help, the .desktop file, AppStream metadata, and the unit
#      with systemd-analyze verify;
#   4. tulled runs in that root as the unit runs it: in a network namespace, with the unit's
#      capability bounding set, group and no_new_privs, the root read-only but for the unit's
#      writable folders (ProtectSystem=strict), private /tmp, no /home; a member of group tulle
#      may not listen on port 500, root brings that tunnel up with a default route, it is saved
#      to /etc/tulle and taken down with tullectl, and someone else is refused;
#   5. an upgrade keeps /etc/tulle, remove keeps it and masks the service, purge removes it;
#   6. lintian finds no errors (its warnings are printed).
#
# Every mount lives in a mount namespace of its own and goes with it; the work folder goes on
# exit. Only the cache stays.
#
# Usage (as root): BUILD_DIR=build/default [CACHE_DIR=DIR] [DEB=FILE] tests/package/deb.sh
# Prints "ok N - ..." lines and "N passed, N failed"; exits 1 on failure, 77 when skipped.
set -euo pipefail

# shellcheck source=SCRIPTDIR/../tap.sh
source "$(dirname "$0")/../tap.sh"
[[ $EUID -eq 0 ]] || skip "needs root (debootstrap, chroot, network namespaces)"
[[ -c /dev/net/tun ]] || skip "no /dev/net/tun"
for tool in cpack debootstrap dpkg-deb lintian systemd-analyze desktop-file-validate appstreamcli \
    ip ss unshare chroot python3 man file; do
    command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/setup installs it)"
done
build=$(cd "${BUILD_DIR:?set BUILD_DIR to a built build folder}" && pwd)
cache=${CACHE_DIR:-$build/debootstrap-cache}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
# Bump the number when the way the cached root is made changes.
tarball=$cache/$suite-minbase-1.tar
begin=$(date +%s)

mkdir -p "$cache/archives/partial"
work=$(mktemp -d "$build/package-test.XXXXXX")
root=$work/root
ns="tulle-$$-pkg"
tulled_pid=""

mounts_under() { awk -v dir="$1" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo; }
cleanup() {
    local rc=$?
    if [[ -n $tulled_pid ]]; then
        kill "$tulled_pid" 2>/dev/null || true
        wait "$tulled_pid" 2>/dev/null || true
    fi
    ip netns del "$ns" 2>/dev/null || true
    # The mounts die with their namespaces; this guards the delete below all the same.
    local left
    left=$(mounts_under "$work")
    if [[ -n $left ]]; then
        echo "deb.sh: still mounted under $work, so it is kept:" >&2
        echo "$left" >&2
        rc=1
    else
        rm -rf --one-file-system "$work"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

elapsed() { echo "# $1: $(($(date +%s) - $2)) s"; }

# Runs a command in the root with /proc and the cached package folder mounted, in a mount
# namespace of its own (so the mounts vanish with the command).
in_root() {
    # shellcheck disable=SC2016 # the inner script expands its own arguments
    unshare --mount --propagation private -- bash -c '
        set -euo pipefail
        root=$1 archives=$2
        shift 2
        mount -t proc proc "$root/proc"
        mount --bind "$archives" "$root/var/cache/apt/archives"
        exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
            DEBIAN_FRONTEND=noninteractive "$@"
    ' in_root "$root" "$cache/archives" "$@"
}
# --force-unsafe-io: no fsync for a root that is thrown away (much quicker on slow disks).
apt_get() {
    in_root apt-get -y -q -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-unsafe-io \
        --no-install-recommends "$@"
}

# --- 1. the package -----------------------------------------------------------------------------
t=$(date +%s)
if [[ -n ${DEB:-} ]]; then
    deb=$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")
else
    # cpack installs what the build made (it builds nothing) and packs it.
    cpack --config "$build/CPackConfig.cmake" -B "$work/cpack" >"$work/cpack.log" 2>&1 ||
        { cat "$work/cpack.log"; exit 1; }
    deb=$(echo "$work"/cpack/tulle_*.deb)
fi
elapsed "cpack" "$t"
version=$(dpkg-deb -f "$deb" Version)
arch=$(dpkg-deb -f "$deb" Architecture)
deb_name=$(basename "$deb")

check "the package is named tulle_<version>_<arch>.deb ($deb_name)" \
    test "$deb_name" = "tulle_${version}_${arch}.deb"
expected_files="./usr/bin/tulle
./usr/bin/tullectl
./usr/lib/systemd/system/tulled.service
./usr/lib/sysusers.d/tulle.conf
./usr/lib/tmpfiles.d/tulle.conf
./usr/sbin/tulled
./usr/share/applications/tulle.desktop
./usr/share/doc/tulle/LICENSE
./usr/share/doc/tulle/changelog.gz
./usr/share/doc/tulle/copyright
./usr/share/icons/hicolor/scalable/apps/tulle.svg
./usr/share/man/man1/tulle.1.gz
./usr/share/man/man1/tullectl.1.gz
./usr/share/man/man8/tulled.8.gz
./usr/share/metainfo/invalid.tulle.tulle.metainfo.xml"
dpkg-deb -c "$deb" >"$work/contents"
files_are_expected() {
    diff -u <(echo "$expected_files") <(awk '$1 !~ /^d/ { print $6 }' "$work/contents" | LC_ALL=C sort)
}
check "the package holds exactly the expected files" files_are_expected
modes_are_right() {
    awk '$2 != "root/root" { print "owner:", $0; bad = 1 }
         $1 ~ /^d/ && $1 != "drwxr-xr-x" { print "mode:", $0; bad = 1 }
         $1 ~ /^-/ && $6 ~ /\/bin\/|\/sbin\// && $1 != "-rwxr-xr-x" { print "mode:", $0; bad = 1 }
         $1 ~ /^-/ && $6 !~ /\/bin\/|\/sbin\// && $1 != "-rw-r--r--" { print "mode:", $0; bad = 1 }
         END { exit bad }' "$work/contents"
}
check "every file is root's, binaries 0755, the rest 0644" modes_are_right
check "the maintainer scripts are in the package" \
    bash -c "dpkg-deb -I '$deb' | grep -q ' postinst' && dpkg-deb -I '$deb' | grep -q ' prerm' \
        && dpkg-deb -I '$deb' | grep -q ' postrm'"
fields_are_right() {
    local depends
    depends=$(dpkg-deb -f "$deb" Depends)
    echo "Depends: $depends"
    for needed in libc6 libstdc++6 libsodium23 libqt6widgets6 libqt6network6 libqt6svg6 adduser; do
        grep -q "\b$needed\b" <<<"$depends" || { echo "missing: $needed"; return 1; }
    done
    [[ $(dpkg-deb -f "$deb" Suggests) == *wireguard-tools* ]]
}
check "Depends come from dpkg-shlibdeps plus adduser; wireguard-tools is suggested" fields_are_right
check "the binaries are stripped" \
    bash -c "dpkg-deb -x '$deb' '$work/x' && file '$work'/x/usr/bin/* '$work'/x/usr/sbin/* \
        | tee /dev/stderr | grep -v 'not stripped' | grep -c ELF | grep -qx 3"

# --- 2. a clean Debian 12 root, and the package installed into it ---------------------------------
t=$(date +%s)
mkdir "$root"
if [[ -f $tarball && -z $(find "$tarball" -mtime +30) ]]; then
    tar -C "$root" -xf "$tarball"
    elapsed "root from the cache" "$t"
else
    rm -f "$cache"/*.tar
    debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
        { tail -30 "$work/debootstrap.log"; exit 1; }
    rm -f "$root"/var/cache/apt/archives/*.deb
    cp -L /etc/resolv.conf "$root/etc/resolv.conf"
    apt_get update >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; exit 1; }
    tar -C "$root" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    elapsed "debootstrap (no cache)" "$t"
fi
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"

t=$(date +%s)
install_package() { apt_get install "/tmp/$deb_name"; }
# Package lists in the cache may be older than the mirror: one refresh, then once more.
if ! install_package >"$work/apt.log" 2>&1; then
    apt_get update >>"$work/apt.log" 2>&1 || true
    install_package >>"$work/apt.log" 2>&1 || { cat "$work/apt.log"; exit 1; }
fi
apt_get autoclean >/dev/null 2>&1 || true # drops cached .debs the mirror no longer has
elapsed "apt-get install ./$deb_name" "$t"
check "apt installed tulle $version" \
    bash -c "chroot '$root' dpkg-query -W -f='\${Status} \${Version}' tulle | tee /dev/stderr \
        | grep -qx 'install ok installed $version'"

# --- 3. what it installed -------------------------------------------------------------------------
while read -r path; do
    check "installed: ${path#.}" test -f "$root/${path#./}"
done <<<"$expected_files"
for binary in usr/sbin/tulled usr/bin/tullectl usr/bin/tulle; do
    check "/$binary finds every library it links" \
        bash -c "in=\$(chroot '$root' ldd /$binary) && ! grep 'not found' <<<\"\$in\""
done
gid=$(chroot "$root" getent group tulle | cut -d: -f3 || true)
check "postinst made the system group tulle (gid ${gid:-none})" \
    bash -c "[[ -n '$gid' ]] && (( $gid < 1000 ))"
wants=$root/etc/systemd/system/multi-user.target.wants/tulled.service
check "postinst enabled tulled.service" \
    bash -c "[[ -L '$wants' && \$(readlink '$wants') == */systemd/system/tulled.service ]]"
check "tulled --version names $version" \
    bash -c "chroot '$root' tulled --version | tee /dev/stderr | grep -q '^tulled $version '"
check "tullectl --help works" chroot "$root" tullectl --help
check "desktop-file-validate accepts the menu entry" \
    desktop-file-validate "$root/usr/share/applications/tulle.desktop"
check "appstreamcli accepts the metadata" \
    appstreamcli validate --no-net "$root/usr/share/metainfo/invalid.tulle.tulle.metainfo.xml"
unit=$root/usr/lib/systemd/system/tulled.service
unit_value() { sed -n "s/^$1=//p" "$unit" | tail -1; }
exec_start=$(unit_value ExecStart)
check "the unit starts /usr/sbin/tulled, which the package installed" \
    bash -c "[[ '$exec_start' == /usr/sbin/tulled && -x '$root$exec_start' ]]"
# The root has no systemd, so the unit is verified with the host's, its ExecStart pointed into
# the root and man(1) looking at the root's manual pages (Documentation=man:tulled(8)).
verify_unit() {
    mkdir -p "$work/unit"
    sed "s|^ExecStart=/|ExecStart=$root/|" "$unit" >"$work/unit/tulled.service"
    local out
    out=$(MANPATH=$root/usr/share/man systemd-analyze verify "$work/unit/tulled.service" 2>&1)
    echo "$out"
    [[ -z $out ]]
}
check "systemd-analyze verify: no complaint about the unit" verify_unit
for key in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
    RuntimeDirectory=tulle Group=tulle Restart=on-failure MemoryMax=768M \
    "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_BIND_SERVICE"; do
    check "the unit says $key" grep -qx "$key" "$unit"
done

# --- 4. tulled in the root, under the unit's limits -----------------------------------------------
group=$(unit_value Group)
bounding=-all
for cap in $(unit_value CapabilityBoundingSet); do
    cap=${cap#CAP_}
    bounding+=",+${cap,,}"
done
# What systemd makes before it starts tulled: RuntimeDirectory (root:Group, its mode),
# ConfigurationDirectory (root's, its mode), /run/wireguard (tmpfiles.d, ExecStartPre).
runtime=/run/$(unit_value RuntimeDirectory)
config=/etc/$(unit_value ConfigurationDirectory)
install -d -o 0 -g "${gid:-0}" -m "$(unit_value RuntimeDirectoryMode)" "$root$runtime"
install -d -o 0 -g 0 -m "$(unit_value ConfigurationDirectoryMode)" "$root$config"
install -d -o 0 -g 0 -m 0755 "$root/run/wireguard"
# /dev: the root has debootstrap's few device nodes; the unit allows /dev/net/tun besides.
if [[ ! -c $root/dev/net/tun ]]; then
    mkdir -p "$root/dev/net"
    mknod -m 0666 "$root/dev/net/tun" c 10 200
fi
writable=("$runtime" "$config")
for path in $(unit_value ReadWritePaths); do
    # "-PATH": systemd leaves out a path that does not exist (resolvconf's, where it is not installed)
    if [[ $path == -* ]]; then
        path=${path#-}
        [[ -e $root$path ]] || continue
    fi
    writable+=("$path")
done
sock=$root$runtime/tulled.sock

ip netns add "$ns"
ip -n "$ns" link set lo up
# tulled is started as: root's mount namespace with the unit's sandbox, chroot, setpriv with the
# unit's bounding set, group and no_new_privs; exec all the way, so the pid is tulled's.
# shellcheck disable=SC2016 # the inner script expands its own arguments
ip netns exec "$ns" unshare --mount --propagation private -- bash -c '
    set -euo pipefail
    root=$1 group=$2 bounding=$3 exec_start=$4
    shift 4
    mount --bind "$root" "$root"
    mount -t proc proc "$root/proc"
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"          # PrivateTmp
    mount -t tmpfs -o mode=1777 tmpfs "$root/var/tmp"
    mount -t tmpfs -o ro,mode=0755 tmpfs "$root/home"      # ProtectHome
    mount -t tmpfs -o ro,mode=0700 tmpfs "$root/root"
    for path in "$@"; do mount --bind "$root$path" "$root$path"; done
    mount -o remount,bind,ro "$root"                      # ProtectSystem=strict
    exec chroot "$root" setpriv --regid="$group" --clear-groups --inh-caps=-all \
        --bounding-set="$bounding" --no-new-privs -- "$exec_start"
' sandbox "$root" "$group" "$bounding" "$exec_start" "${writable[@]}" >"$work/tulled.log" 2>&1 &
tulled_pid=$!
for _ in $(seq 50); do
    [[ -S $sock ]] && break
    sleep 0.1
done
as_member() { chroot --userspec=65534:65534 --groups="$gid" "$root" "$@"; }
as_other() { chroot --userspec=65534:65534 "$root" "$@"; }

limits_hold() {
    sleep 0.3
    cat "$work/tulled.log"
    local status
    status=$(cat "/proc/$tulled_pid/status") || return 1
    grep -E '^(Name|Gid|Groups|Cap|NoNewPrivs)' <<<"$status"
    # CAP_NET_ADMIN (12) and CAP_NET_BIND_SERVICE (10): 0x1400.
    grep -qx 'Name:\s*tulled' <<<"$status" && grep -qP '^CapBnd:\s*0+1400$' <<<"$status" &&
        grep -qP '^CapEff:\s*0+1400$' <<<"$status" && grep -qP '^NoNewPrivs:\s*1$' <<<"$status" &&
        grep -qP "^Gid:\s*$gid\s" <<<"$status"
}
check "tulled runs with the unit's bounding set, group and no_new_privs" limits_hold
check "the control socket is root:tulle 0660, in $runtime as systemd made it (root:tulle 0750)" \
    bash -c "stat -c '%n %u:%g %a' '$sock' '$root$runtime' | tee /dev/stderr | tr '\n' ' ' |
        grep -qx '$sock 0:$gid 660 $root$runtime 0:$gid 750 '"
check "a member of group tulle may use it" as_member tullectl status
refused() {
    local rc=0
    as_other tullectl status || rc=$?
    [[ $rc -eq 3 ]]
}
check "anyone else is refused (exit 3)" refused

key=$(chroot "$root" tullectl genkey)
peer=$(chroot "$root" tullectl genkey | chroot "$root" tullectl pubkey)
cat >"$root/tmp/tpkg0.conf" <<EOF
[Interface]
PrivateKey = $key
Address = 10.77.0.1/24
ListenPort = 500

[Peer]
PublicKey = $peer
AllowedIPs = 0.0.0.0/0
Endpoint = 192.0.2.7:51820
EOF
chmod 644 "$root/tmp/tpkg0.conf"
check "tullectl check accepts it, offline" as_other tullectl check /tmp/tpkg0.conf
member_refused_port() {
    local out
    out=$(as_member tullectl up /tmp/tpkg0.conf 2>&1) && return 1
    echo "$out"
    grep -q 'ListenPort 500 is below 1024; only root may listen there' <<<"$out"
}
check "a group member may not listen below 1024" member_refused_port
check "tullectl up as root: a tunnel with port 500 and a default route" \
    chroot "$root" tullectl up /tmp/tpkg0.conf
check "the interface is up with its address" \
    bash -c "ip -n '$ns' -4 addr show dev tpkg0 | tee /dev/stderr | grep -q 'inet 10.77.0.1/24'"
check "it listens on UDP port 500 (CAP_NET_BIND_SERVICE)" \
    bash -c "ip netns exec '$ns' ss -Hlun | tee /dev/stderr | grep -q ':500 '"
check "the default route's policy rules and src_valid_mark are set" \
    bash -c "ip -n '$ns' rule | tee /dev/stderr | grep -q 'suppress_prefixlength 0' &&
        [[ \$(ip netns exec '$ns' cat /proc/sys/net/ipv4/conf/all/src_valid_mark) == 1 ]]"
check "the wg(8) socket is in /run/wireguard, root's alone" \
    bash -c "stat -c '%F %u %a' '$root/run/wireguard/tpkg0.sock' | tee /dev/stderr |
        grep -qE '^socket 0 [0-7]00$'"
save_tunnel() {
    python3 - "$sock" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
f = s.makefile("r")
def call(number, method, params):
    request = {"jsonrpc": "2.0", "id": number, "method": method, "params": params}
    s.sendall((json.dumps(request) + "\n").encode())
    while True:
        line = f.readline()
        if not line:
            sys.exit("connection closed")
        message = json.loads(line)
        if message.get("id") == number:
            if "error" in message:
                sys.exit(json.dumps(message["error"]))
            return message["result"]
call(0, "daemon.hello", {"version": {"major": 1, "minor": 0}, "client": "deb.sh"})
print(call(1, "tunnel.save", {"name": "tpkg0"}))
PY
}
saved() {
    save_tunnel && stat -c '%u %a' "$root$config/tpkg0.conf" | tee /dev/stderr | grep -qx '0 600'
}
check "tunnel.save writes $config/tpkg0.conf (0600) through the read-only root" saved
down() { # the kernel deletes the TUN device when tulled's last descriptor of it closes
    as_member tullectl down tpkg0 || return 1
    for _ in $(seq 30); do
        ip -n "$ns" link show tpkg0 >/dev/null 2>&1 || return 0
        sleep 0.1
    done
    return 1
}
check "tullectl down takes it down" down
stopped() {
    kill -TERM "$tulled_pid"
    local rc=0
    wait "$tulled_pid" || rc=$?
    tulled_pid=""
    cat "$work/tulled.log"
    [[ $rc -eq 0 ]]
}
check "SIGTERM stops tulled cleanly" stopped
ip netns del "$ns"

# --- 5. upgrade, remove, purge --------------------------------------------------------------------
t=$(date +%s)
upgrade() { # dpkg -i of the package over itself runs the upgrade path of every script
    in_root dpkg --force-unsafe-io -i "/tmp/$deb_name" && test -f "$root$config/tpkg0.conf" &&
        test -L "$wants"
}
check "an upgrade keeps /etc/tulle and the service enabled" upgrade
remove() {
    apt_get remove tulle && ! test -e "$root/usr/sbin/tulled" &&
        test -f "$root$config/tpkg0.conf" &&
        [[ $(readlink "$root/etc/systemd/system/tulled.service") == /dev/null ]]
}
check "remove: the binaries go, /etc/tulle stays, the service is masked" remove
purge() {
    apt_get purge tulle && ! test -e "$root$config" && ! test -e "$wants" &&
        ! test -e "$root/etc/systemd/system/tulled.service" && chroot "$root" getent group tulle
}
check "purge: /etc/tulle and the service's links go, the group stays" purge
elapsed "upgrade, remove, purge" "$t"

# --- 6. lintian ---------------------------------------------------------------------------------
t=$(date +%s)
lintian_rc=0
lintian --allow-root --display-info --tag-display-limit 0 "$deb" >"$work/lintian.out" 2>&1 ||
    lintian_rc=$?
check "lintian: no errors (its other findings follow)" \
    bash -c "cat '$work/lintian.out'
        [[ $lintian_rc -eq 0 ]] && ! grep -q '^E:' '$work/lintian.out'"
sed 's/^/# lintian: /' "$work/lintian.out"
elapsed "lintian" "$t"

echo "# total: $(($(date +%s) - begin)) s"
tap_done
