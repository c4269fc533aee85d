#include "daemon/core/allowedips.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace tulle::core {
namespace {

struct Peer {
    int id;
};

using Table = AllowedIps<Peer>;
using Bytes = std::vector<std::uint8_t>;

Bytes v4(const char* text) {
    Bytes bytes(4);
    if (inet_pton(AF_INET, text, bytes.data()) != 1) {
        throw std::invalid_argument(text);
    }
    return bytes;
}

Bytes v6(const char* text) {
    Bytes bytes(16);
    if (inet_pton(AF_INET6, text, bytes.data()) != 1) {
        throw std::invalid_argument(text);
    }
    return bytes;
}

// The naive model's prefix: raw bytes, sharing no code with the table or value::IpPrefix. An IPv4
// prefix uses addr[0..3] and leaves the rest zero.
struct RawPrefix {
    std::array<std::uint8_t, 16> addr{};
    std::uint8_t cidr = 0;
    bool v6 = false;

    [[nodiscard]] std::span<const std::uint8_t> address() const {
        return {addr.data(), v6 ? std::size_t{16} : std::size_t{4}};
    }
    friend bool operator==(const RawPrefix&, const RawPrefix&) = default;
};

value::IpPrefix to_value(const RawPrefix& p) {
    return value::IpPrefix::make(value::IpAddress::from_bytes(p.address()).value(), p.cidr).value();
}

// The prefix as the table lists it.
value::IpPrefix prefix(const Bytes& addr, std::uint8_t cidr) {
    return value::IpPrefix::make(value::IpAddress::from_bytes(addr).value(), cidr).value();
}

// Clears the bits after the first `cidr` of a prefix.
RawPrefix masked(RawPrefix p) {
    for (std::size_t i = 0; i < p.addr.size(); ++i) {
        const int keep = std::clamp(static_cast<int>(p.cidr) - static_cast<int>(8 * i), 0, 8);
        p.addr[i] = static_cast<std::uint8_t>(p.addr[i] & (0xFF00U >> keep));
    }
    return p;
}

bool contains(const RawPrefix& p, std::span<const std::uint8_t> addr) {
    if (addr.size() != p.address().size()) {
        return false;
    }
    const unsigned whole = p.cidr / 8U;
    for (unsigned i = 0; i < whole; ++i) {
        if (addr[i] != p.addr[i]) {
            return false;
        }
    }
    const unsigned mask = (0xFF00U >> (p.cidr % 8U)) & 0xFFU;
    return mask == 0 || ((addr[whole] ^ p.addr[whole]) & mask) == 0;
}

// The address with bit `bit` (0 = most significant) inverted.
Bytes flip(Bytes addr, unsigned bit) {
    addr[bit / 8] = static_cast<std::uint8_t>(addr[bit / 8] ^ (0x80U >> (bit % 8)));
    return addr;
}

TEST(AllowedIps, EmptyTableMatchesNothing) {
    const Table table;
    Peer a{1};
    EXPECT_EQ(table.lookup(v4("10.0.0.1")), nullptr);
    EXPECT_EQ(table.lookup(v6("::1")), nullptr);
    EXPECT_EQ(table.size(), 0U);
    EXPECT_TRUE(table.list(&a).empty());
}

TEST(AllowedIps, Ipv4LongestPrefixWins) {
    Table table;
    Peer a{1};
    Peer b{2};
    Peer c{3};
    Peer d{4};
    table.insert(v4("10.0.0.0"), 8, &a);
    table.insert(v4("10.1.0.0"), 16, &b);
    table.insert(v4("10.1.2.0"), 24, &c);
    table.insert(v4("10.1.2.3"), 32, &d);
    EXPECT_EQ(table.size(), 4U);

    EXPECT_EQ(table.lookup(v4("10.1.2.3")), &d);
    EXPECT_EQ(table.lookup(v4("10.1.2.2")), &c);
    EXPECT_EQ(table.lookup(v4("10.1.2.255")), &c);
    EXPECT_EQ(table.lookup(v4("10.1.3.0")), &b);
    EXPECT_EQ(table.lookup(v4("10.1.255.255")), &b);
    EXPECT_EQ(table.lookup(v4("10.0.255.255")), &a);
    EXPECT_EQ(table.lookup(v4("10.255.255.255")), &a);
    EXPECT_EQ(table.lookup(v4("10.0.0.0")), &a);
    EXPECT_EQ(table.lookup(v4("9.255.255.255")), nullptr);
    EXPECT_EQ(table.lookup(v4("11.0.0.0")), nullptr);
    // The families are separate tables.
    EXPECT_EQ(table.lookup(v6("a01:203::")), nullptr);
}

TEST(AllowedIps, Ipv4DefaultRouteAndHostRoute) {
    Table table;
    Peer all{1};
    Peer host{2};
    table.insert(v4("0.0.0.0"), 0, &all);
    table.insert(v4("255.255.255.255"), 32, &host);
    EXPECT_EQ(table.lookup(v4("0.0.0.0")), &all);
    EXPECT_EQ(table.lookup(v4("192.0.2.1")), &all);
    EXPECT_EQ(table.lookup(v4("255.255.255.254")), &all);
    EXPECT_EQ(table.lookup(v4("255.255.255.255")), &host);
    EXPECT_EQ(table.lookup(v6("::")), nullptr);
    // A host route on its own matches only its address.
    EXPECT_TRUE(table.remove(v4("1.2.3.4"), 0, &all));
    EXPECT_EQ(table.lookup(v4("192.0.2.1")), nullptr);
    EXPECT_EQ(table.lookup(v4("255.255.255.255")), &host);
}

TEST(AllowedIps, Ipv6LongestPrefixWins) {
    Table table;
    Peer all{0};
    Peer doc{1};
    Peer site{2};
    Peer upper_half{3};
    Peer pair{4};
    Peer host{5};
    table.insert(v6("::"), 0, &all);
    table.insert(v6("2001:db8::"), 32, &doc);
    table.insert(v6("2001:db8:1::"), 48, &site);
    table.insert(v6("2001:db8:1:0:8000::"), 65, &upper_half);  // splits the low 64 bits
    table.insert(v6("2001:db8:1::fffe"), 127, &pair);
    table.insert(v6("2001:db8:1::ffff"), 128, &host);

    EXPECT_EQ(table.lookup(v6("2001:db8:1::ffff")), &host);
    EXPECT_EQ(table.lookup(v6("2001:db8:1::fffe")), &pair);
    EXPECT_EQ(table.lookup(v6("2001:db8:1::fffd")), &site);
    EXPECT_EQ(table.lookup(v6("2001:db8:1:0:7fff:ffff:ffff:ffff")), &site);
    EXPECT_EQ(table.lookup(v6("2001:db8:1:0:8000::")), &upper_half);
    EXPECT_EQ(table.lookup(v6("2001:db8:1:0:ffff:ffff:ffff:ffff")), &upper_half);
    EXPECT_EQ(table.lookup(v6("2001:db8:1:1:8000::")), &site);
    EXPECT_EQ(table.lookup(v6("2001:db8:2::1")), &doc);
    EXPECT_EQ(table.lookup(v6("2001:db9::1")), &all);
    EXPECT_EQ(table.lookup(v6("::")), &all);
    EXPECT_EQ(table.lookup(v4("32.1.13.184")), nullptr);

    EXPECT_TRUE(table.remove(v6("2001:db8:1::"), 48, &site));
    EXPECT_EQ(table.lookup(v6("2001:db8:1::fffd")), &doc);
    EXPECT_EQ(table.lookup(v6("2001:db8:1::ffff")), &host);
}

// Prefixes of one address at every length: flipping the bit just after a prefix makes that
// prefix the longest match, which exercises every position of every node and every boundary
// between steps, skips and the two 64-bit halves.
void check_every_length(const Bytes& addr) {
    const unsigned max = 8 * static_cast<unsigned>(addr.size());
    std::vector<Peer> peers(max + 1);
    Table table;
    for (unsigned len = 0; len <= max; ++len) {
        peers[len].id = static_cast<int>(len);
        table.insert(addr, static_cast<std::uint8_t>(len), &peers[len]);
    }
    EXPECT_EQ(table.size(), max + 1);
    EXPECT_EQ(table.lookup(addr), &peers[max]);
    for (unsigned len = 0; len < max; ++len) {
        EXPECT_EQ(table.lookup(flip(addr, len)), &peers[len]) << "length " << len;
    }

    // Remove them in a scrambled order; each lookup falls back to the longest one left.
    std::vector<unsigned> order(max + 1);
    for (unsigned i = 0; i <= max; ++i) {
        order[i] = i;
    }
    std::mt19937 rng(max);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<bool> present(max + 1, true);
    for (const unsigned gone : order) {
        ASSERT_TRUE(table.remove(addr, static_cast<std::uint8_t>(gone), &peers[gone]));
        present[gone] = false;
        for (unsigned len = 0; len <= max; ++len) {
            // The longest present prefix no longer than len matches flip(addr, len).
            int expected = -1;
            for (unsigned shorter = 0; shorter <= len; ++shorter) {
                if (present[shorter]) {
                    expected = static_cast<int>(shorter);
                }
            }
            const Bytes probe = len == max ? addr : flip(addr, len);
            const Peer* found = table.lookup(probe);
            ASSERT_EQ(found == nullptr ? -1 : found->id, expected)
                << "after removing /" << gone << ", probing length " << len;
        }
    }
    EXPECT_EQ(table.size(), 0U);
}

TEST(AllowedIps, EveryLengthIpv4) {
    check_every_length(v4("172.16.254.1"));
    check_every_length(v4("0.0.0.0"));
    check_every_length(v4("255.255.255.255"));
}

TEST(AllowedIps, EveryLengthIpv6) {
    check_every_length(v6("2001:db8:85a3:8d3:1319:8a2e:370:7348"));
    check_every_length(v6("::"));
    check_every_length(v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
}

TEST(AllowedIps, CompressedPathsSplitAndJoin) {
    Table table;
    Peer host{1};
    Peer near{2};
    Peer wide{3};
    const Bytes host_addr = v6("2001:db8::1:2:3:4");
    // One /128 alone: its path is compressed into few nodes. Prefixes ending inside that path
    // are not there.
    table.insert(host_addr, 128, &host);
    EXPECT_EQ(table.lookup(host_addr), &host);
    EXPECT_EQ(table.lookup(v6("2001:db8::1:2:3:5")), nullptr);
    EXPECT_EQ(table.lookup(v6("2001:db8::1:2:3:0")), nullptr);
    EXPECT_FALSE(table.remove(host_addr, 64, &host));
    EXPECT_FALSE(table.remove(host_addr, 20, &host));
    EXPECT_FALSE(table.remove(host_addr, 127, &host));
    // A sibling differing at bit 100 splits the compressed path there.
    const Bytes sibling = flip(host_addr, 100);
    table.insert(sibling, 128, &near);
    // A short prefix ending inside the compressed path splits it at its own length.
    table.insert(v6("2001:db8::"), 20, &wide);
    EXPECT_EQ(table.lookup(host_addr), &host);
    EXPECT_EQ(table.lookup(sibling), &near);
    EXPECT_EQ(table.lookup(flip(sibling, 127)), &wide);
    EXPECT_EQ(table.lookup(v6("2001:fff::")), &wide);
    EXPECT_EQ(table.lookup(v6("2001:1000::")), nullptr);
    EXPECT_EQ(table.list(&host), (std::vector<value::IpPrefix>{prefix(host_addr, 128)}));

    // Removing them joins the path again.
    EXPECT_TRUE(table.remove(v6("2001:db8::"), 20, &wide));
    EXPECT_TRUE(table.remove(sibling, 128, &near));
    EXPECT_EQ(table.lookup(host_addr), &host);
    EXPECT_EQ(table.lookup(sibling), nullptr);
    EXPECT_EQ(table.lookup(v6("2001:fff::")), nullptr);

    // It takes as little memory as a table that only ever had the /128 in its IPv6 trie: the
    // other prefixes went through that one's IPv4 trie, so the owner index saw the same changes.
    Table direct;
    direct.insert(host_addr, 128, &host);
    direct.insert(v4("10.0.0.1"), 32, &near);
    direct.insert(v4("10.0.0.0"), 20, &wide);
    EXPECT_TRUE(direct.remove(v4("10.0.0.0"), 20, &wide));
    EXPECT_TRUE(direct.remove(v4("10.0.0.1"), 32, &near));
    EXPECT_EQ(table.memory_bytes(), direct.memory_bytes());
}

TEST(AllowedIps, KeysEndingInsideACompressedPathAreAbsent) {
    Table table;
    Peer a{1};
    table.insert(v4("10.1.2.3"), 32, &a);
    for (std::uint8_t cidr = 0; cidr < 32; ++cidr) {
        EXPECT_FALSE(table.remove(v4("10.1.2.3"), cidr, &a)) << "/" << int{cidr};
    }
    EXPECT_EQ(table.lookup(v4("10.1.2.3")), &a);
    EXPECT_EQ(table.size(), 1U);
}

TEST(AllowedIps, HostBitsAreIgnored) {
    Table table;
    Peer a{1};
    table.insert(v4("192.168.1.77"), 24, &a);
    table.insert(v6("fd00::1:2:3:4"), 64, &a);
    table.insert(v4("10.20.30.40"), 0, &a);
    EXPECT_EQ(table.list(&a),
              (std::vector<value::IpPrefix>{prefix(v4("0.0.0.0"), 0), prefix(v4("192.168.1.0"), 24),
                                            prefix(v6("fd00::"), 64)}));
    EXPECT_EQ(table.lookup(v4("192.168.1.1")), &a);
    // The same prefix written with other host bits is the same prefix.
    table.insert(v4("192.168.1.200"), 24, &a);
    EXPECT_EQ(table.size(), 3U);
    EXPECT_TRUE(table.remove(v4("192.168.1.5"), 24, &a));
    EXPECT_TRUE(table.remove(v6("fd00::ffff"), 64, &a));
    EXPECT_EQ(table.list(&a), (std::vector<value::IpPrefix>{prefix(v4("0.0.0.0"), 0)}));
}

TEST(AllowedIps, ReinsertChangesOwner) {
    Table table;
    Peer a{1};
    Peer b{2};
    table.insert(v4("10.0.0.0"), 24, &a);
    table.insert(v4("10.0.1.0"), 24, &a);
    table.insert(v4("10.0.0.0"), 24, &b);
    EXPECT_EQ(table.size(), 2U);
    EXPECT_EQ(table.lookup(v4("10.0.0.9")), &b);
    EXPECT_EQ(table.lookup(v4("10.0.1.9")), &a);
    EXPECT_EQ(table.list(&a), (std::vector<value::IpPrefix>{prefix(v4("10.0.1.0"), 24)}));
    EXPECT_EQ(table.list(&b), (std::vector<value::IpPrefix>{prefix(v4("10.0.0.0"), 24)}));
    EXPECT_FALSE(table.remove(v4("10.0.0.0"), 24, &a));
    EXPECT_EQ(table.lookup(v4("10.0.0.9")), &b);
    // Inserting again for the same owner changes nothing.
    table.insert(v4("10.0.0.0"), 24, &b);
    EXPECT_EQ(table.size(), 2U);
    EXPECT_EQ(table.list(&b).size(), 1U);
    EXPECT_TRUE(table.remove(v4("10.0.0.0"), 24, &b));
    EXPECT_EQ(table.lookup(v4("10.0.0.9")), nullptr);
    EXPECT_TRUE(table.list(&b).empty());
}

TEST(AllowedIps, RemoveNeedsTheOwnerAndTheExactPrefix) {
    Table table;
    Peer a{1};
    Peer b{2};
    table.insert(v4("10.0.0.0"), 24, &a);
    table.insert(v6("fd00::"), 64, &a);
    EXPECT_FALSE(table.remove(v4("10.0.0.0"), 24, &b));
    EXPECT_FALSE(table.remove(v4("10.0.0.0"), 25, &a));
    EXPECT_FALSE(table.remove(v4("10.0.0.0"), 23, &a));
    EXPECT_FALSE(table.remove(v4("10.0.1.0"), 24, &a));
    EXPECT_FALSE(table.remove(v6("fd00::"), 63, &a));
    EXPECT_FALSE(table.remove(v6("fd00::"), 128, &a));
    EXPECT_FALSE(table.remove(v6("a00::"), 24, &a));  // 10.0.0.0/24's bits, as IPv6
    EXPECT_FALSE(table.remove(v4("10.0.0.0"), 24, nullptr));
    EXPECT_EQ(table.size(), 2U);
    EXPECT_EQ(table.lookup(v4("10.0.0.1")), &a);
    EXPECT_TRUE(table.remove(v4("10.0.0.0"), 24, &a));
    EXPECT_FALSE(table.remove(v4("10.0.0.0"), 24, &a));
    EXPECT_EQ(table.size(), 1U);
}

TEST(AllowedIps, RemoveByPeer) {
    Table table;
    Peer a{1};
    Peer b{2};
    Peer nobody{3};
    table.insert(v4("10.0.0.0"), 8, &b);
    table.insert(v4("10.1.0.0"), 16, &a);
    table.insert(v4("10.1.2.3"), 32, &b);
    table.insert(v6("fd00::"), 8, &b);
    table.insert(v6("fd00::1"), 128, &a);
    table.insert(v4("192.168.0.0"), 16, &a);

    EXPECT_EQ(table.remove_by_peer(&nobody), 0U);
    EXPECT_EQ(table.remove_by_peer(&a), 3U);
    EXPECT_EQ(table.size(), 3U);
    EXPECT_TRUE(table.list(&a).empty());
    EXPECT_EQ(table.lookup(v4("10.1.0.1")), &b);
    EXPECT_EQ(table.lookup(v4("10.1.2.3")), &b);
    EXPECT_EQ(table.lookup(v6("fd00::1")), &b);
    EXPECT_EQ(table.lookup(v4("192.168.0.1")), nullptr);
    EXPECT_EQ(table.remove_by_peer(&a), 0U);
    EXPECT_EQ(table.list(&b).size(), 3U);
    EXPECT_EQ(table.remove_by_peer(&b), 3U);
    EXPECT_EQ(table.size(), 0U);
    EXPECT_EQ(table.lookup(v4("10.0.0.1")), nullptr);
}

TEST(AllowedIps, ListIsSortedIpv4First) {
    Table table;
    Peer a{1};
    table.insert(v6("fd00::"), 8, &a);
    table.insert(v4("192.168.0.0"), 16, &a);
    table.insert(v6("::"), 0, &a);
    table.insert(v4("10.0.0.0"), 8, &a);
    table.insert(v4("10.0.0.0"), 24, &a);
    EXPECT_EQ(table.list(&a),
              (std::vector<value::IpPrefix>{prefix(v4("10.0.0.0"), 8), prefix(v4("10.0.0.0"), 24),
                                            prefix(v4("192.168.0.0"), 16), prefix(v6("::"), 0),
                                            prefix(v6("fd00::"), 8)}));
}

TEST(AllowedIps, InvalidInputIsRefused) {
    Table table;
    Peer a{1};
    table.insert(v4("10.0.0.0"), 8, &a);
    EXPECT_THROW(table.insert(v4("10.0.0.0"), 33, &a), std::invalid_argument);
    EXPECT_THROW(table.insert(v6("fd00::"), 129, &a), std::invalid_argument);
    EXPECT_THROW(table.insert(v6("fd00::"), 255, &a), std::invalid_argument);
    EXPECT_THROW(table.insert(Bytes(5), 8, &a), std::invalid_argument);
    EXPECT_THROW(table.insert(Bytes{}, 0, &a), std::invalid_argument);
    EXPECT_THROW(table.insert(v4("10.0.0.0"), 8, nullptr), std::invalid_argument);
    EXPECT_THROW(table.remove(v4("10.0.0.0"), 33, &a), std::invalid_argument);
    EXPECT_THROW(table.remove(Bytes(8), 8, &a), std::invalid_argument);
    EXPECT_EQ(table.size(), 1U);
    EXPECT_EQ(table.list(&a), (std::vector<value::IpPrefix>{prefix(v4("10.0.0.0"), 8)}));
    EXPECT_EQ(table.lookup(v4("10.0.0.1")), &a);
    EXPECT_EQ(table.lookup(Bytes(5, 10)), nullptr);
    EXPECT_EQ(table.lookup(Bytes{}), nullptr);
    // The largest valid lengths are accepted.
    table.insert(v4("10.0.0.1"), 32, &a);
    table.insert(v6("fd00::1"), 128, &a);
    EXPECT_EQ(table.size(), 3U);
}

TEST(AllowedIps, ClearAndMove) {
    Table table;
    Peer a{1};
    table.insert(v4("10.0.0.0"), 8, &a);
    table.insert(v6("fd00::"), 8, &a);
    Table moved = std::move(table);
    EXPECT_EQ(moved.size(), 2U);
    EXPECT_EQ(moved.lookup(v4("10.0.0.1")), &a);
    Table assigned;
    assigned.insert(v4("192.168.0.0"), 16, &a);
    assigned = std::move(moved);
    EXPECT_EQ(assigned.lookup(v6("fd00::1")), &a);
    EXPECT_EQ(assigned.lookup(v4("192.168.0.1")), nullptr);
    EXPECT_EQ(assigned.list(&a).size(), 2U);

    const std::size_t empty_bytes = Table{}.memory_bytes();
    assigned.clear();
    EXPECT_EQ(assigned.size(), 0U);
    EXPECT_EQ(assigned.lookup(v4("10.0.0.1")), nullptr);
    EXPECT_TRUE(assigned.list(&a).empty());
    assigned.insert(v4("10.0.0.0"), 8, &a);
    EXPECT_EQ(assigned.lookup(v4("10.0.0.1")), &a);
    EXPECT_GT(assigned.memory_bytes(), empty_bytes);
}

// A naive model: every prefix in a vector, lookups by a linear scan for the longest match.
class Reference {
  public:
    void insert(const RawPrefix& p, const Peer* peer) {
        const auto it = find(masked(p));
        if (it != entries_.end()) {
            it->second = peer;
        } else {
            entries_.emplace_back(masked(p), peer);
        }
    }
    bool remove(const RawPrefix& p, const Peer* peer) {
        const auto it = find(masked(p));
        if (it == entries_.end() || it->second != peer) {
            return false;
        }
        entries_.erase(it);
        return true;
    }
    std::size_t remove_by_peer(const Peer* peer) {
        return std::erase_if(entries_, [peer](const auto& entry) { return entry.second == peer; });
    }
    const Peer* owner(const RawPrefix& p) const {
        const RawPrefix key = masked(p);
        const auto it = std::find_if(entries_.begin(), entries_.end(),
                                     [&](const auto& entry) { return entry.first == key; });
        return it == entries_.end() ? nullptr : it->second;
    }
    const Peer* lookup(std::span<const std::uint8_t> addr) const {
        const Peer* best = nullptr;
        int best_cidr = -1;
        for (const auto& [p, peer] : entries_) {
            if (p.cidr > best_cidr && contains(p, addr)) {
                best = peer;
                best_cidr = p.cidr;
            }
        }
        return best;
    }
    std::vector<value::IpPrefix> list(const Peer* peer) const {
        std::vector<value::IpPrefix> out;
        for (const auto& [p, owner] : entries_) {
            if (owner == peer) {
                out.push_back(to_value(p));
            }
        }
        std::sort(out.begin(), out.end());
        return out;
    }
    std::size_t size() const { return entries_.size(); }
    const std::vector<std::pair<RawPrefix, const Peer*>>& entries() const { return entries_; }

  private:
    std::vector<std::pair<RawPrefix, const Peer*>>::iterator find(const RawPrefix& p) {
        return std::find_if(entries_.begin(), entries_.end(),
                            [&](const auto& entry) { return entry.first == p; });
    }

    std::vector<std::pair<RawPrefix, const Peer*>> entries_;
};

// Random prefixes that share paths and nest: each starts from one of a few base addresses and
// has some random bits flipped, so that the trie has long shared runs, splits and fan-out.
class Generator {
  public:
    explicit Generator(std::uint64_t seed) : rng_(seed) {
        for (auto& base : bases_) {
            base.v6 = (rng_() & 1U) != 0;
            for (auto& byte : base.addr) {
                byte = static_cast<std::uint8_t>(rng_());
            }
            if (!base.v6) {
                std::fill(base.addr.begin() + 4, base.addr.end(), 0);
            }
        }
    }

    std::mt19937_64& rng() { return rng_; }

    RawPrefix prefix() {
        RawPrefix p = bases_[pick(bases_.size())];
        const unsigned max = p.v6 ? 128 : 32;
        // Many long prefixes, as in real tables, and the whole range besides.
        const auto roll = pick(4);
        unsigned cidr = 0;
        if (roll == 0) {
            cidr = static_cast<unsigned>(pick(max + 1));
        } else if (roll == 1) {
            cidr = max;
        } else {
            cidr = max - static_cast<unsigned>(pick(max / 4 + 1));
        }
        p.cidr = static_cast<std::uint8_t>(cidr);
        const auto flips = pick(6);
        for (std::size_t i = 0; i < flips; ++i) {
            const auto bit = static_cast<unsigned>(pick(max));
            p.addr[bit / 8] = static_cast<std::uint8_t>(p.addr[bit / 8] ^ (0x80U >> (bit % 8)));
        }
        // Host bits are left set on purpose: the table must ignore them.
        return p;
    }

    // An address near `p`: inside it, or just outside with one bit around its end flipped.
    Bytes near(const RawPrefix& p) {
        const unsigned max = p.v6 ? 128 : 32;
        Bytes addr(p.addr.begin(), p.addr.begin() + max / 8);
        for (unsigned bit = p.cidr; bit < max; ++bit) {
            if ((rng_() & 1U) != 0) {
                addr = flip(addr, bit);
            }
        }
        if ((rng_() & 1U) != 0) {
            const int around = static_cast<int>(p.cidr) + static_cast<int>(pick(5)) - 3;
            if (around >= 0 && around < static_cast<int>(max)) {
                addr = flip(addr, static_cast<unsigned>(around));
            }
        }
        return addr;
    }

    Bytes random_address() {
        Bytes addr((rng_() & 1U) != 0 ? 16 : 4);
        for (auto& byte : addr) {
            byte = static_cast<std::uint8_t>(rng_());
        }
        return addr;
    }

    std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }

  private:
    std::mt19937_64 rng_;
    std::array<RawPrefix, 12> bases_{};
};

TEST(AllowedIps, MatchesANaiveModel) {
    Generator gen(0x7a11e5eedULL);
    std::vector<Peer> peers(40);
    for (std::size_t i = 0; i < peers.size(); ++i) {
        peers[i].id = static_cast<int>(i);
    }
    Table table;
    Reference model;
    std::vector<RawPrefix> inserted;  // prefixes once inserted, to aim removes and lookups at

    const auto check_lookups = [&](int count) {
        for (int i = 0; i < count; ++i) {
            Bytes addr;
            if (inserted.empty() || gen.pick(4) == 0) {
                addr = gen.random_address();
            } else {
                addr = gen.near(inserted[gen.pick(inserted.size())]);
            }
            ASSERT_EQ(table.lookup(addr), model.lookup(addr)) << "step " << i;
        }
    };

    for (int round = 0; round < 4000; ++round) {
        const auto op = gen.pick(100);
        if (op < 55 || inserted.empty()) {
            const RawPrefix p = gen.prefix();
            Peer* peer = &peers[gen.pick(peers.size())];
            table.insert(p.address(), p.cidr, peer);
            model.insert(p, peer);
            inserted.push_back(p);
        } else if (op < 90) {
            // Remove a prefix once inserted, usually by its owner, sometimes by another peer.
            const RawPrefix p = inserted[gen.pick(inserted.size())];
            const Peer* owner = model.owner(p);
            if (owner == nullptr || gen.pick(4) == 0) {
                owner = &peers[gen.pick(peers.size())];
            }
            const bool expected = model.remove(p, owner);
            ASSERT_EQ(table.remove(p.address(), p.cidr, owner), expected) << "round " << round;
        } else if (op < 95) {
            const RawPrefix p = gen.prefix();
            const Peer* peer = &peers[gen.pick(peers.size())];
            ASSERT_EQ(table.remove(p.address(), p.cidr, peer), model.remove(p, peer));
        } else if (op < 98) {
            const Peer* peer = &peers[gen.pick(peers.size())];
            ASSERT_EQ(table.remove_by_peer(peer), model.remove_by_peer(peer));
        } else {
            // Grow a burst, so the table holds thousands of prefixes at times.
            for (int i = 0; i < 150; ++i) {
                const RawPrefix p = gen.prefix();
                Peer* peer = &peers[gen.pick(peers.size())];
                table.insert(p.address(), p.cidr, peer);
                model.insert(p, peer);
                inserted.push_back(p);
            }
        }
        ASSERT_EQ(table.size(), model.size()) << "round " << round;
        check_lookups(6);
        if (round % 500 == 0) {
            for (const Peer& peer : peers) {
                ASSERT_EQ(table.list(&peer), model.list(&peer)) << "peer " << peer.id;
            }
        }
    }
    // The model grew to thousands of prefixes of each family.
    const auto v6_count = static_cast<std::size_t>(std::count_if(
        model.entries().begin(), model.entries().end(), [](const auto& e) { return e.first.v6; }));
    EXPECT_GT(v6_count, 1000U);
    EXPECT_GT(model.size() - v6_count, 1000U);
    check_lookups(3000);
    for (const Peer& peer : peers) {
        ASSERT_EQ(table.list(&peer), model.list(&peer)) << "peer " << peer.id;
    }

    // Emptied one prefix at a time, the trie frees every node: clear() then has nothing left
    // to free.
    const auto left = model.entries();
    for (auto it = left.rbegin(); it != left.rend(); ++it) {
        const auto& [p, owner] = *it;
        ASSERT_TRUE(table.remove(p.address(), p.cidr, owner));
        ASSERT_TRUE(model.remove(p, owner));
        if (model.size() % 64 == 0) {
            check_lookups(16);
        }
    }
    EXPECT_EQ(table.size(), 0U);
    const std::size_t emptied = table.memory_bytes();
    table.clear();
    EXPECT_EQ(table.memory_bytes(), emptied);
}

}  // namespace
}  // namespace tulle::core
