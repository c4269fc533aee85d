// Allowed IPs (whitepaper section 2, "cryptokey routing"): a longest-prefix-match table from IPv4
// and IPv6 prefixes to peers. It is consulted for every packet, once to pick the peer a packet
// from the tunnel device goes to (destination address) and once to check that a decrypted packet
// came from a source address its peer may use.
//
// Structure: one multibit trie per address family, in the "tree bitmap" form (Eatherton, Varghese
// and Dittia, 2004) with a stride of 6 bits, plus path compression.
//  - A node stands for one 6-bit step. Its `internal` bitmap says which of the 63 prefixes that
//    end inside the step (relative lengths 0 to 5) are present; its `external` bitmap which of
//    the 64 child steps exist. The results and children sit, in bitmap order, in one allocation,
//    so the rank of a bit (a popcount) is the index into them, and a node is 32 bytes.
//  - A lookup reads at most one node per step (6 for IPv4, 22 for IPv6) and never backtracks:
//    the longest match inside a node is an AND with a precomputed mask and a count of leading
//    zeros, and only the last match's result is read, once, at the end.
//  - A chain of steps that hold no prefix and have one child each is folded into the node below
//    it, which then carries up to 10 skipped steps (60 bits) to compare. A lone IPv6 /128 thus
//    costs 2 nodes instead of 21, and sparse paths stay short.
//  - An update touches only the nodes on its prefix's path: without leaf pushing, a short prefix
//    is never copied into the nodes below it.
// Alternatives measured or weighed: a path-compressed binary trie like the kernel's
// (drivers/net/wireguard/allowedips.c) visits about log2(n) nodes, each a likely cache miss; a
// prototype of it was 3 to 15 times slower than this table on the workloads below. Leaf-pushed
// multibit tables (DIR-24-8, poptrie) look up in 1 to 3 reads, but an update can rewrite large
// parts of them and DIR-24-8 needs tens of megabytes even when nearly empty.
//
// Figures from tests/bench/allowedips_bench.cpp (g++ 12 -O2, one core of a shared AMD EPYC VM,
// quiet machine; under heavy load from others the lookup times doubled), independent lookups:
//   100,000 random prefixes, random addresses        IPv4 32 ns, IPv6 29 ns
//   100,000 random prefixes, addresses inside them   IPv4 60 ns, IPv6 165 ns (deep nodes of a
//                                                    table this size are not in cache)
//   10,000 peers with a /32 and a /128 each          IPv4 16 ns, IPv6 41 ns
//   memory (memory_bytes()), 100,000 random prefixes 64 bytes per prefix (IPv4), 86 (IPv6);
//                                                    malloc's own overhead adds about a quarter
//   10,000 peers x 3 prefixes                        11 ms to insert, 11 ms to remove_by_peer
// On x86-64 built for the baseline target, lookups use the POPCNT instruction through a run-time
// check (see allowedips.cpp).
//
// Every prefix is also listed under its owner, so list() and remove_by_peer() take time in
// proportion to that owner's prefixes only.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "value/ip.hpp"

namespace tulle::core {

namespace allowedips_detail {

// The owner of one prefix, and the prefix's place in its owner's entry of the owner index.
struct Result {
    const void* value = nullptr;
    std::uint32_t owner_slot = 0;
};

// One 6-bit step of the trie; see the comment at the top of the file. `children` points into
// the node's single allocation: child i (in external-bitmap order) is children[i] and result i
// (in internal-bitmap order) is the i-th Result counting down from the same address.
struct Node {
    std::uint64_t internal = 0;
    std::uint64_t external = 0;
    // Steps to match before this node's own: the count in the top 4 bits, their bits (6 a step,
    // the first step most significant) in the low 60. Zero when none; always zero for a root.
    std::uint64_t skip = 0;
    Node* children = nullptr;
};

struct Key;    // a prefix as the trie walks it
struct Trail;  // the path to a prefix's node

}  // namespace allowedips_detail

// The untyped table behind AllowedIps: values are opaque non-null pointers.
//
// Errors: insert() and remove() throw std::invalid_argument when the address is not 4 or 16
// bytes long, when cidr exceeds 32 (IPv4) or 128 (IPv6), or (insert) when the value is null;
// the table is then unchanged. lookup() is noexcept and answers nullptr for an address of any
// other length. When allocation fails (std::bad_alloc), the table stays consistent, possibly
// holding some unused nodes: a failed insert() or remove() changed no prefix, a failed
// remove_by_value() may have removed some of the owner's prefixes.
//
// A moved-from table is empty. Not thread-safe: const members may run concurrently with each
// other, but not with a change.
class AllowedIpsTable {
  public:
    AllowedIpsTable() noexcept;
    ~AllowedIpsTable();
    AllowedIpsTable(const AllowedIpsTable&) = delete;
    AllowedIpsTable& operator=(const AllowedIpsTable&) = delete;
    AllowedIpsTable(AllowedIpsTable&& other) noexcept;
    AllowedIpsTable& operator=(AllowedIpsTable&& other) noexcept;

    // Maps the prefix addr/cidr (host bits ignored) to `value`. A prefix already present changes
    // owner, as in WireGuard.
    void insert(std::span<const std::uint8_t> addr, std::uint8_t cidr, const void* value);

    // Removes the prefix addr/cidr (host bits ignored) if `value` owns it; true if it did.
    bool remove(std::span<const std::uint8_t> addr, std::uint8_t cidr, const void* value);

    // Removes every prefix of `value` and answers how many there were.
    std::size_t remove_by_value(const void* value);

    // The owner of the longest prefix containing the 4- or 16-byte address, or nullptr.
    [[nodiscard]] const void* lookup(std::span<const std::uint8_t> addr) const noexcept;

    // Every prefix of `value`, IPv4 before IPv6, each family in order of address then length.
    [[nodiscard]] std::vector<value::IpPrefix> list(const void* value) const;
    // How many prefixes `value` owns (what list() would return, without making the list).
    [[nodiscard]] std::size_t count(const void* value) const noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    void clear() noexcept;

    // Bytes held by the table: its trie allocations and an estimate of the owner index (the
    // allocator's own overhead is not counted).
    [[nodiscard]] std::size_t memory_bytes() const noexcept;

  private:
    using Node = allowedips_detail::Node;
    using Result = allowedips_detail::Result;
    using Key = allowedips_detail::Key;
    using Trail = allowedips_detail::Trail;

    Node& root(bool v6) noexcept { return roots_[v6 ? 1 : 0]; }
    // The node and internal position of the key's prefix, making nodes on the way as needed.
    Node& reach(const Key& key, unsigned& pos);
    // The node holding the key's prefix and its position, or nullptr if absent.
    Node* locate(const Key& key, unsigned& pos, Trail* trail) noexcept;
    bool erase(const Key& key, const void* value, bool update_index);
    void drop_from_index(const void* value, std::uint32_t slot) noexcept;
    void split(Node& node, unsigned keep);
    void compact(const Trail& trail) noexcept;
    Node* rebuild(Node& node, std::uint64_t internal, std::uint64_t external);
    void free_block(Node* children, unsigned results, unsigned child_count) noexcept;
    void free_subtree(Node& node) noexcept;

    std::array<Node, 2> roots_{};  // IPv4, IPv6
    std::unordered_map<const void*, std::vector<value::IpPrefix>> index_;
    std::size_t size_ = 0;
    std::size_t block_bytes_ = 0;
    bool native_popcount_ = false;  // lookups may use the POPCNT instruction
};

// The typed table used by the device: maps prefixes to `Peer*`. Each call is the matching call of
// AllowedIpsTable; the table does not own the peers.
template <typename Peer>
class AllowedIps {
  public:
    // Throws std::invalid_argument for a bad address length or cidr, or a null peer.
    void insert(std::span<const std::uint8_t> addr, std::uint8_t cidr, Peer* peer) {
        table_.insert(addr, cidr, peer);
    }
    // Throws std::invalid_argument for a bad address length or cidr.
    bool remove(std::span<const std::uint8_t> addr, std::uint8_t cidr, const Peer* peer) {
        return table_.remove(addr, cidr, peer);
    }
    std::size_t remove_by_peer(const Peer* peer) { return table_.remove_by_value(peer); }

    [[nodiscard]] Peer* lookup(std::span<const std::uint8_t> addr) const noexcept {
        // Every stored value came in as a Peer*, so casting the constness back is sound.
        return const_cast<Peer*>(static_cast<const Peer*>(table_.lookup(addr)));
    }
    [[nodiscard]] std::vector<value::IpPrefix> list(const Peer* peer) const {
        return table_.list(peer);
    }
    [[nodiscard]] std::size_t count(const Peer* peer) const noexcept { return table_.count(peer); }

    [[nodiscard]] std::size_t size() const noexcept { return table_.size(); }
    void clear() noexcept { table_.clear(); }
    [[nodiscard]] std::size_t memory_bytes() const noexcept { return table_.memory_bytes(); }

  private:
    AllowedIpsTable table_;
};

}  // namespace tulle::core
