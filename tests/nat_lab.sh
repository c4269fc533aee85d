# shellcheck shell=bash
# nat_lab.sh: a small internet with NATs in network namespaces, for the tests of getting through
# NATs (sourced, after or instead of netns_lib.sh, whose namespaces, processes and exit trap it
# uses: everything it makes goes when the test exits, however it exits).
#
#   lab_init PREFIX              the internet: a router namespace PREFIX-inet; every namespace of
#                                the lab is PREFIX-NAME (PREFIX unique per run, e.g. nat-$$)
#   lab_public NAME              a public host on the internet (the lighthouse's place): a link of
#                                its own to the router, 198.18.N.2/24, the router at .1
#   lab_nat NAME KIND [UP [LAN]] a NAT box with its WAN on the internet (or on the LAN of the NAT
#                                box UP) and a LAN (a bridge) behind it: 10.N.0.0/24, or LAN given
#                                as A.B.C.0/24 (homes may overlap, as real ones do); gateway .1
#   lab_host NAME NAT            a host on NAT's LAN, default route through NAT
#   lab_ns NAME                  NAME's namespace
#   lab_ip NAME                  NAME's own address (a NAT box's: its WAN address)
#   lab_ext NAME                 the address the internet sees NAME's traffic come from
#   lab_exec NAME CMD...         CMD in NAME's namespace
#   lab_spawn NAME LOG CMD...    CMD in NAME's namespace in the background (netns_lib's spawn:
#                                sets pid, stopped on exit)
#   lab_udp_bound NAME PORT      a UDP socket is bound to PORT in NAME's namespace
#   lab_block_udp                the router drops UDP unless one end is a public host: homes
#                                cannot reach each other over UDP, the public hosts stay reachable
#   lab_unblock_udp              lifts it
#   lab_cut A B                  UDP between hosts A and B dies silently (no error to the sender):
#                                each one's input drops UDP from every address the other's traffic
#                                can come from (its own, and those of its NATs that are not also
#                                A's); so a cut to a host behind a NAT cuts its NAT's other hosts
#                                too. A rule in each namespace, kept by its handle; the packets
#                                still cross the NATs, so their mappings stay alive meanwhile
#   lab_restore A B              deletes those rules
#   lab_describe                 the topology as "# " lines
#
# NAT kinds (nftables in the NAT box's namespace, table ip natlab; UDP is what they are about):
#   easy       endpoint-independent mapping: an inside address and port keeps one external port
#              for every destination (map @out pins it), the inside port itself where it is free
#              (another inside host already holding that port gets a random one); address-
#              dependent filtering: from outside, a mapped port takes UDP from any port of an
#              address the inside host sent to (set @contacted, map @back), nothing else
#   symmetric  endpoint-dependent mapping: `masquerade random`, a new random external port for
#              every destination; filtering by conntrack (replies from that address and port only)
#   cgnat      an easy home NAT (NAME) behind a carrier-grade easy NAT (NAME-cgn, LAN
#              100.64.N.0/24): the host's traffic is mapped twice
# A box drops unsolicited UDP in input too, before conntrack confirms it, so a packet that arrives
# before the inside host sent its own (simultaneous open) leaves no state that would change the
# mapping. Mappings and contacts last $LAB_NAT_TIMEOUT (120 s unless set); no box hairpins.
#
# Addresses: 198.18.0.0/15 (benchmark range) for the internet, 10.0.0.0/8 or the LAN given for
# homes, 100.64.0.0/10 behind carriers. They exist only inside the lab's namespaces, which are
# joined to each other and to nothing else: no packet can leave for the outside world.

if ! declare -F netns_add >/dev/null; then
    # shellcheck source=SCRIPTDIR/netns_lib.sh
    source "$(dirname "${BASH_SOURCE[0]}")/netns_lib.sh"
fi

lab_prefix=""
lab_links=0                 # links to the router so far: 198.18.N.0/24
lab_lans=0                  # LANs so far: 10.N.0.0/24 or 100.64.N.0/24
declare -A lab_nsof=()      # NAME -> namespace
declare -A lab_ipof=()      # NAME -> own address (a NAT box: WAN)
declare -A lab_upof=()      # NAME -> the NAT box it sits behind ("" on the internet)
declare -A lab_kindof=()    # NAME -> public | host | easy | symmetric
declare -A lab_lanof=()     # NAT box -> its LAN's first three octets
declare -A lab_nextof=()    # NAT box -> the next host number on its LAN
declare -A lab_portsof=()   # namespace -> ports made on its bridge or router so far
declare -A lab_cuts=()      # "A B" -> "A's handle B's handle"
lab_block_handle=""

lab_err() {
    echo "nat_lab: $*" >&2
    return 1
}

lab_known() { [[ -n ${lab_nsof[$1]+x} ]] || lab_err "no host or NAT named '$1'"; }

lab_new_name() {
    [[ $1 =~ ^[A-Za-z0-9_-]+$ ]] || lab_err "bad name '$1' (letters, digits, _ and - only)" || return 1
    [[ -z ${lab_nsof[$1]+x} ]] || lab_err "'$1' exists already"
}

lab_ns() { lab_known "$1" && echo "${lab_nsof[$1]}"; }
lab_ip() { lab_known "$1" && echo "${lab_ipof[$1]}"; }
lab_exec() {
    local ns
    ns=$(lab_ns "$1") || return 1
    shift
    ip netns exec "$ns" "$@"
}
lab_spawn() {
    local ns
    ns=$(lab_ns "$1") || return 1
    shift
    spawn "$ns" "$@"
}
lab_udp_bound() { [[ -n $(lab_exec "$1" ss -Hlun "sport = :$2") ]]; }

lab_ext() {
    local name=$1
    lab_known "$name" || return 1
    while [[ -n ${lab_upof[$name]} ]]; do name=${lab_upof[$name]}; done
    echo "${lab_ipof[$name]}"
}

lab_next_port() { # lab_next_port NS LETTER: sets port, a fresh interface name in NS (r1, h1, ...)
    local count=$((${lab_portsof[$1]:-0} + 1))
    lab_portsof[$1]=$count
    port="$2$count"
}

lab_init() {
    [[ -z $lab_prefix ]] || lab_err "lab_init: called twice" || return 1
    [[ $1 =~ ^[A-Za-z0-9_-]+$ ]] || lab_err "lab_init: bad prefix '$1'" || return 1
    lab_prefix=$1
    lab_nsof[inet]="$1-inet" lab_kindof[inet]=router lab_upof[inet]="" lab_ipof[inet]=""
    netns_add "$1-inet" &&
        ip netns exec "$1-inet" sysctl -qw net.ipv4.ip_forward=1 &&
        ip netns exec "$1-inet" nft -f - <<'EOF'
table ip natlab {
    set public { type ipv4_addr; }
    chain forward { type filter hook forward priority filter; policy accept; }
}
EOF
}

# lab_link NAME DEV: a new namespace for NAME, joined to the router by its interface DEV.
lab_link() {
    local name=$1 dev=$2 ns="$lab_prefix-$1" port
    ((lab_links < 254)) || lab_err "no more links to the router" || return 1
    lab_links=$((lab_links + 1))
    lab_next_port "${lab_nsof[inet]}" r
    netns_add "$ns" &&
        veth "${lab_nsof[inet]}" "$port" "$ns" "$dev" &&
        ip -n "${lab_nsof[inet]}" addr add "198.18.$lab_links.1/24" dev "$port" &&
        ip -n "$ns" addr add "198.18.$lab_links.2/24" dev "$dev" &&
        ip -n "$ns" route add default via "198.18.$lab_links.1" || return 1
    lab_nsof[$name]=$ns lab_ipof[$name]="198.18.$lab_links.2" lab_upof[$name]=""
}

# lab_attach NAME NAT DEV: a new namespace for NAME, joined to NAT's LAN by its interface DEV.
lab_attach() {
    local name=$1 nat=$2 dev=$3 ns="$lab_prefix-$1" natns port address
    lab_known "$nat" || return 1
    [[ ${lab_kindof[$nat]} == easy || ${lab_kindof[$nat]} == symmetric ]] ||
        lab_err "'$nat' is not a NAT box" || return 1
    natns=${lab_nsof[$nat]}
    ((${lab_nextof[$nat]} < 255)) || lab_err "$nat's LAN is full" || return 1
    address="${lab_lanof[$nat]}.${lab_nextof[$nat]}"
    lab_nextof[$nat]=$((${lab_nextof[$nat]} + 1))
    lab_next_port "$natns" h
    netns_add "$ns" &&
        veth "$natns" "$port" "$ns" "$dev" &&
        ip -n "$natns" link set "$port" master lan &&
        ip -n "$ns" addr add "$address/24" dev "$dev" &&
        ip -n "$ns" route add default via "${lab_lanof[$nat]}.1" || return 1
    lab_nsof[$name]=$ns lab_ipof[$name]=$address lab_upof[$name]=$nat
}

lab_public() {
    lab_new_name "$1" && lab_link "$1" eth0 || return 1
    lab_kindof[$1]=public
    ip netns exec "${lab_nsof[inet]}" nft add element ip natlab public "{ ${lab_ipof[$1]} }"
}

lab_host() {
    lab_new_name "$1" && lab_attach "$1" "$2" eth0 || return 1
    lab_kindof[$1]=host
}

lab_nat() {
    local name=$1 kind=$2 up=${3:-} lan=${4:-} ns
    lab_new_name "$name" || return 1
    case $kind in
    easy | symmetric) ;;
    cgnat)
        [[ -z $up ]] || lab_err "lab_nat $name: a cgnat box is on the internet" || return 1
        lab_nat "$name-cgn" easy "" carrier || return 1
        lab_nat "$name" easy "$name-cgn" "$lan"
        return
        ;;
    *) lab_err "lab_nat $name: unknown kind '$kind' (easy, symmetric or cgnat)" || return 1 ;;
    esac
    if [[ $lan == carrier ]]; then
        lan="100.64.$((lab_lans + 1))"
    elif [[ -z $lan ]]; then
        lan="10.$((lab_lans + 1)).0"
    elif [[ $lan =~ ^([0-9]+\.[0-9]+\.[0-9]+)\.0/24$ ]]; then
        lan=${BASH_REMATCH[1]}
    else
        lab_err "lab_nat $name: LAN '$lan' is not A.B.C.0/24" || return 1
    fi
    ((lab_lans < 254)) || lab_err "no more LANs" || return 1
    lab_lans=$((lab_lans + 1))
    if [[ -z $up ]]; then
        lab_link "$name" wan || return 1
    else
        lab_attach "$name" "$up" wan || return 1
    fi
    ns=${lab_nsof[$name]}
    lab_kindof[$name]=$kind lab_lanof[$name]=$lan lab_nextof[$name]=2
    ip -n "$ns" link add lan type bridge &&
        ip -n "$ns" link set lan up &&
        ip -n "$ns" addr add "$lan.1/24" dev lan &&
        ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 &&
        lab_nat_rules "$kind" | ip netns exec "$ns" nft -f -
}

# The ruleset of a NAT box of KIND, WAN interface "wan", LAN bridge "lan".
lab_nat_rules() {
    local timeout=${LAB_NAT_TIMEOUT:-120}s
    cat <<'EOF'
table ip natlab {
    # Unsolicited packets from the WAN die here, before conntrack confirms them: no state, no
    # ICMP error, the mapping of a later packet out is not disturbed.
    chain input {
        type filter hook input priority filter; policy accept;
        iifname "wan" ct state established,related accept
        iifname "wan" drop
    }
    chain forward {
        type filter hook forward priority filter; policy accept;
        iifname "wan" ct state established,related accept
        iifname "wan" ct status dnat accept
        iifname "wan" drop
    }
EOF
    if [[ $1 == symmetric ]]; then
        cat <<'EOF'
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "wan" masquerade random
    }
}
EOF
        return
    fi
    cat <<EOF
    # inside address . port -> external address . port: one mapping for every destination
    map out { type ipv4_addr . inet_service : ipv4_addr . inet_service; flags dynamic, timeout; timeout $timeout; }
    # external port -> inside address . port
    map back { type inet_service : ipv4_addr . inet_service; flags dynamic, timeout; timeout $timeout; }
    # external ports held
    set taken { type inet_service; flags dynamic, timeout; timeout $timeout; }
    # external port . address the inside sent to from it
    set contacted { type inet_service . ipv4_addr; flags dynamic, timeout; timeout $timeout; }
    chain prerouting {
        type nat hook prerouting priority dstnat; policy accept;
        iifname "wan" udp dport . ip saddr @contacted dnat ip to udp dport map @back
    }
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "wan" snat ip to ip saddr . udp sport map @out
        oifname "wan" udp sport @taken masquerade random
        oifname "wan" masquerade
    }
    # After the NAT: remember the mapping and the destination (packets of the inside's own flows).
    chain record {
        type filter hook postrouting priority srcnat + 10; policy accept;
        oifname "wan" meta l4proto udp ct direction original update @out { ct original ip saddr . ct original proto-src : ip saddr . udp sport } update @back { udp sport : ct original ip saddr . ct original proto-src } update @taken { udp sport } update @contacted { udp sport . ip daddr }
    }
}
EOF
}

lab_block_udp() {
    [[ -z $lab_block_handle ]] || lab_err "lab_block_udp: UDP is blocked already" || return 1
    lab_block_handle=$(lab_add_rule inet forward \
        meta l4proto udp ip saddr != @public ip daddr != @public counter drop) || return 1
}

lab_unblock_udp() {
    [[ -n $lab_block_handle ]] || lab_err "lab_unblock_udp: UDP is not blocked" || return 1
    lab_exec inet nft delete rule ip natlab forward handle "$lab_block_handle" || return 1
    lab_block_handle=""
}

# lab_add_rule NAME CHAIN RULE...: adds RULE to CHAIN of table ip natlab in NAME's namespace;
# prints its handle.
lab_add_rule() {
    local name=$1 chain=$2 out
    shift 2
    out=$(lab_exec "$name" nft --echo --handle add rule ip natlab "$chain" "$@") || return 1
    [[ $out =~ \#\ handle\ ([0-9]+) ]] || lab_err "no handle in: $out" || return 1
    echo "${BASH_REMATCH[1]}"
}

lab_chain_of() { # the NAT boxes NAME sits behind, nearest first
    local name=$1
    while [[ -n ${lab_upof[$name]} ]]; do
        name=${lab_upof[$name]}
        echo "$name"
    done
}

# Every address B's traffic can come from, as A receives it.
lab_sources() {
    local a=$1 b=$2 box
    local -A shared=()
    for box in $(lab_chain_of "$a"); do shared[$box]=1; done
    echo "${lab_ipof[$b]}"
    for box in $(lab_chain_of "$b"); do
        [[ -n ${shared[$box]+x} ]] || echo "${lab_ipof[$box]}"
    done
}

lab_cut_side() { # lab_cut_side A B: A's input drops UDP from B; prints the handle
    local set
    set=$(lab_sources "$1" "$2" | paste -sd, -)
    lab_exec "$1" nft list table ip natlab >/dev/null 2>&1 ||
        lab_exec "$1" nft -f - <<'EOF' || return 1
table ip natlab {
    chain input { type filter hook input priority filter; policy accept; }
}
EOF
    lab_add_rule "$1" input ip saddr "{ $set }" meta l4proto udp counter drop
}

lab_cut() {
    local a=$1 b=$2 ha hb
    lab_known "$a" && lab_known "$b" || return 1
    [[ -z ${lab_cuts["$a $b"]+x} && -z ${lab_cuts["$b $a"]+x} ]] ||
        lab_err "lab_cut: $a and $b are cut already" || return 1
    ha=$(lab_cut_side "$a" "$b") || return 1
    hb=$(lab_cut_side "$b" "$a") || {
        lab_exec "$a" nft delete rule ip natlab input handle "$ha"
        return 1
    }
    lab_cuts["$a $b"]="$ha $hb"
}

lab_restore() {
    local a=$1 b=$2 handles
    if [[ -z ${lab_cuts["$a $b"]+x} ]]; then
        [[ -n ${lab_cuts["$b $a"]+x} ]] || lab_err "lab_restore: $a and $b are not cut" || return 1
        a=$2 b=$1
    fi
    read -r -a handles <<<"${lab_cuts["$a $b"]}"
    lab_exec "$a" nft delete rule ip natlab input handle "${handles[0]}" &&
        lab_exec "$b" nft delete rule ip natlab input handle "${handles[1]}" || return 1
    unset "lab_cuts[$a $b]"
}

lab_describe() {
    local name
    echo "# the internet: router $(lab_ns inet), 198.18.0.0/15"
    for name in $(printf '%s\n' "${!lab_nsof[@]}" | sort); do
        case ${lab_kindof[$name]} in
        public) echo "# $name: public host ${lab_ipof[$name]}" ;;
        host) echo "# $name: host ${lab_ipof[$name]} behind ${lab_upof[$name]}, seen as $(lab_ext "$name")" ;;
        easy | symmetric)
            local where=""
            [[ -z ${lab_upof[$name]} ]] || where=" behind ${lab_upof[$name]}"
            echo "# $name: ${lab_kindof[$name]} NAT, WAN ${lab_ipof[$name]}$where, LAN ${lab_lanof[$name]}.0/24"
            ;;
        esac
    done
}
