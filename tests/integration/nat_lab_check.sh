#!/usr/bin/env bash
# nat_lab_check.sh: the NAT lab (tests/nat_lab.sh) does what its NAT kinds are named for, shown
# with plain UDP (udp_probe.py), no Tulle code:
#
#   pub, pub2: public hosts (pub answers on 3478 and 3479, pub2 on 3478, each datagram with the
#   source it saw, as STUN does)
#   e1 easy NAT: a, a2 (one LAN)     e2 easy NAT: b (its LAN is e1's, 10.1.0.0/24, as homes'
#                                    LANs overlap: b has a's address)
#   s1 symmetric NAT: c              s2 symmetric NAT: d
#   g: easy home NAT behind an easy carrier NAT (g-cgn): f
#
# Easy NAT: one external port for every destination, the source port kept; a mapped port takes
# nothing from an address the host did not send to, and takes any port of one it did. Symmetric:
# a new port per destination. CGNAT: mapped twice. Simultaneous open works between easy NATs (and
# CGNAT), easy and symmetric (the symmetric side's new port is answered), not between two
# symmetric NATs. The LAN pair reaches each other directly; the UDP block stops home to home, not
# home to public; a cut stops two hosts and a restore lets them through again.
#
# Names are nat-<pid>-...; nothing leaves the lab's namespaces. Usage (as root): nat_lab_check.sh
# Prints "ok N - ..." lines, the mappings as "# " lines; exits 1 on failure, 77 when skipped.
set -u

# shellcheck source=SCRIPTDIR/../netns_lib.sh
source "$(dirname "$0")/../netns_lib.sh"
# shellcheck source=SCRIPTDIR/../nat_lab.sh
source "$(dirname "$0")/../nat_lab.sh"
[[ $EUID -eq 0 ]] || skip "needs root (network namespaces, nftables)"
need ip nft python3 ss
probe=$(cd "$(dirname "$0")" && pwd)/udp_probe.py
# The interpreter itself, not a wrapper (such as pyenv's) that costs a second a start on a busy
# machine: the test starts it some 40 times.
python3=$(python3 -c 'import sys; print(sys.executable)') || skip "python3 does not start"

setup_lab() {
    lab_init "nat-$$" &&
        lab_public pub && lab_public pub2 &&
        lab_nat e1 easy && lab_host a e1 && lab_host a2 e1 &&
        lab_nat e2 easy "" 10.1.0.0/24 && lab_host b e2 &&
        lab_nat s1 symmetric && lab_host c s1 &&
        lab_nat s2 symmetric && lab_host d s2 &&
        lab_nat g cgnat && lab_host f g
}
must "the lab: two public hosts, two easy, two symmetric NATs and a CGNAT, hosts behind them" \
    setup_lab
lab_describe

serve() {
    local name=$1
    shift
    lab_spawn "$name" "$work/serve-$name.log" "$python3" "$probe" serve "$@"
    tap_logs+=("$work/serve-$name.log")
}
servers_up() {
    lab_udp_bound pub 3478 && lab_udp_bound pub 3479 && lab_udp_bound pub2 3478 &&
        lab_udp_bound a2 5000
}
serve pub 3478 3479
serve pub2 3478
serve a2 5000
must "the probe servers listen" wait_for 5 servers_up

no_default_route() { [[ -z $(lab_exec inet ip route show default) ]]; }
check "the internet router has no default route: nothing can leave the lab" no_default_route

P=$(lab_ip pub) P2=$(lab_ip pub2)

# mapping HOST LPORT SERVER...: asks each server from HOST's LPORT; sets seen (the answers, one
# a line) and prints the mappings as "# " lines.
mapping() {
    local host=$1 lport=$2 out server answer
    shift 2
    out=$(lab_exec "$host" "$python3" "$probe" map "$lport" "$@")
    seen=$(awk '{ print $2 }' <<<"$out")
    while read -r server answer; do
        echo "# $host $(lab_ip "$host"):$lport -> $server saw $answer"
    done <<<"$out"
}

# all_are EXPECTED: every line of $seen is EXPECTED.
all_are() {
    local line
    echo "expected $1 from every server, got: ${seen//$'\n'/ }"
    [[ -n $seen ]] || return 1
    while read -r line; do [[ $line == "$1" ]] || return 1; done <<<"$seen"
}
differ() {
    echo "expected different mappings, got: ${seen//$'\n'/ }"
    [[ $(wc -l <<<"$seen") -ge 2 && $(sort -u <<<"$seen" | wc -l) -eq $(wc -l <<<"$seen") ]]
}

mapping a 40001 "$P:3478" "$P:3479" "$P2:3478"
check "easy NAT: one external port for three destinations, the source port kept" \
    all_are "$(lab_ext a):40001"

mapping c 40002 "$P:3478" "$P:3479" "$P2:3478"
check "symmetric NAT: a different external port for each destination" differ

mapping f 40003 "$P:3478" "$P2:3478"
check "CGNAT: seen from the carrier's address, the port kept through both NATs" \
    all_are "$(lab_ip g-cgn):40003"
# in_back BOX PORT INSIDE: BOX maps its external PORT back to INSIDE (address . port).
in_back() {
    local out
    out=$(lab_exec "$1" nft list map ip natlab back)
    echo "$out"
    grep -q "$2 expires [^:]*: $3\b\|$2 : $3\b" <<<"$out"
}
double_mapped() {
    in_back g 40003 "$(lab_ip f) . 40003" && in_back g-cgn 40003 "$(lab_ip g) . 40003"
}
check "CGNAT: mapped twice, the host to the home NAT's WAN, that to the carrier's" double_mapped

# Two hosts behind one easy NAT, on one port: the second cannot have it.
mapping a2 40001 "$P:3478" "$P2:3478"
a2_port=${seen%%$'\n'*}
second_gets_another() {
    echo "a has $(lab_ext a):40001; a2 got: ${seen//$'\n'/ }"
    [[ ${a2_port%:*} == "$(lab_ext a)" && ${a2_port#*:} != 40001 ]] && all_are "$a2_port"
}
check "easy NAT: a second host on a port already mapped gets another, one for all destinations" \
    second_gets_another

# listen_while LPORT TARGET: a listens on LPORT while pub sends probes from port 4000 to TARGET,
# then a2, on a's LAN, "end" to a's own address; sets heard (what a received, in order). Sent one
# after the other, the probes would arrive first if they got in at all.
listen_while() {
    local lport=$1 log="$work/listen-$1.log" listener
    : >"$log"
    lab_spawn a "$log" "$python3" "$probe" listen "$lport" 20
    listener=$pid
    wait_for 5 lab_udp_bound a "$lport"
    lab_exec pub "$python3" "$probe" send 4000 "$2" 3
    lab_exec a2 "$python3" "$probe" send 4001 "$(lab_ip a):$lport" 3 end
    wait "$listener"
    unset "spawned[$listener]"
    heard=$(cat "$log")
}
heard_first() {
    echo "expected first: from $1; heard:"
    echo "$heard"
    [[ ${heard%%$'\n'*} == "from $1" ]]
}

# a sends to pub2 only: pub's probes to that mapping stay out; then a sends to pub, and pub's
# probes from another port get in.
mapping a 40010 "$P2:3478"
a_map=$seen
listen_while 40010 "$a_map"
check "easy NAT: a mapped port takes nothing from an address the host did not send to" \
    heard_first "$(lab_ip a2):4001 end"
mapping a 40010 "$P:3478"
listen_while 40010 "$a_map"
check "easy NAT: after the host sent to an address, any port of it gets in (address-dependent)" \
    heard_first "$P:4000 probe"

# punch A LPORT B LPORT SECONDS: A and B meet at pub, which tells each the other's address as it
# saw it, then send to each other at once; both must get through. Prints what each saw as "# "
# lines.
punches=0
punch() {
    local a=$1 la=$2 b=$3 lb=$4 seconds=$5 pa pb status=0
    lab_spawn "$a" "$work/punch-$a.log" \
        "$python3" "$probe" meet "$la" "$P:3478" "$a.$punches" "$b.$punches" "$seconds"
    pa=$pid
    lab_spawn "$b" "$work/punch-$b.log" \
        "$python3" "$probe" meet "$lb" "$P:3478" "$b.$punches" "$a.$punches" "$seconds"
    pb=$pid
    wait "$pa" || status=1
    wait "$pb" || status=1
    unset "spawned[$pa]" "spawned[$pb]"
    sed "s/^/# $a $(lab_ip "$a"):$la: /" "$work/punch-$a.log"
    sed "s/^/# $b $(lab_ip "$b"):$lb: /" "$work/punch-$b.log"
    rm -f "$work/punch-$a.log" "$work/punch-$b.log"
    return $status
}
# punched / not_punched DESCRIPTION ARGS...: a check on punch, its "# " lines shown either way.
punched() {
    local what=$1 out
    shift
    punches=$((punches + 1)) # here: punch runs in a subshell
    if out=$(punch "$@"); then ok "$what"; else not_ok "$what"; fi
    echo "$out"
}
not_punched() {
    local what=$1 out
    shift
    punches=$((punches + 1))
    if out=$(punch "$@"); then not_ok "$what"; else ok "$what"; fi
    echo "$out"
}

punched "simultaneous open: easy NAT <-> easy NAT gets through" a 40020 b 40020 10
not_punched "simultaneous open: symmetric <-> symmetric does not, at the ports the server saw" \
    c 40021 d 40021 2
punched "simultaneous open: easy <-> symmetric gets through, the easy side answering the new port" \
    a 40022 c 40022 10
punched "simultaneous open: CGNAT <-> easy NAT gets through" f 40023 b 40023 10

# The pair behind one NAT: the one on the LAN sees the other's own address, no NAT between.
mapping a 40030 "$(lab_ip a2):5000"
check "same NAT: a reaches a2 on the LAN, seen from its own address" all_are "$(lab_ip a):40030"
lan_punch() {
    local pa status=0
    lab_spawn a "$work/lan-a.log" "$python3" "$probe" punch 40031 "$(lab_ip a2):40031" 10
    pa=$pid
    lab_exec a2 "$python3" "$probe" punch 40031 "$(lab_ip a):40031" 10 || status=1
    wait "$pa" || status=1
    unset "spawned[$pa]"
    cat "$work/lan-a.log"
    return $status
}
check "same NAT: a and a2 reach each other at their LAN addresses" lan_punch

must "UDP blocked between homes" lab_block_udp
mapping b 40040 "$P:3478" "$P2:3478"
check "UDP blocked: home to public still passes" all_are "$(lab_ext b):40040"
not_punched "UDP blocked: easy NAT <-> easy NAT does not get through" a 40041 b 40041 2
must "UDP unblocked" lab_unblock_udp
punched "UDP unblocked: easy NAT <-> easy NAT gets through again" a 40041 b 40041 10

punched "before the cut: a <-> b gets through" a 40050 b 40050 10
must "a and b cut" lab_cut a b
not_punched "cut: a <-> b does not get through" a 40050 b 40050 2
mapping a 40051 "$P:3478"
check "cut: a still reaches the public host" all_are "$(lab_ext a):40051"
must "a and b restored" lab_restore a b
punched "restored: a <-> b gets through again" a 40050 b 40050 10

echo "# took $SECONDS s"
tap_done
