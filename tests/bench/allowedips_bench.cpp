// Allowed-IPs table: lookups in large tables, and the insert and removal of many peers.
//
// Lookup tables hold 100,000 prefixes of random addresses and uniformly random lengths (1..32 or
// 1..128, as in the kernel's randomized self-test). "Random" lookups use random addresses, most
// of which leave the trie after a few steps; "Hit" lookups use addresses inside installed
// prefixes (random host bits), which walk down to them, as the addresses of real traffic do.
// "Mesh" is a large flat network: 10,000 peers with a /32 in 10.0.0.0/8 and a /128 in fd00::/64
// each. Every lookup benchmark reports the table's bytes per prefix.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "daemon/core/allowedips.hpp"

namespace tulle::core {
namespace {

struct Peer {
    int id;
};

constexpr std::size_t kTablePrefixes = 100'000;
constexpr std::size_t kProbes = std::size_t{1} << 20U;  // addresses cycled through by lookups
constexpr std::size_t kPeers = 10'000;

using Address = std::vector<std::uint8_t>;

Address random_address(std::mt19937_64& rng, std::size_t bytes) {
    Address addr(bytes);
    for (auto& byte : addr) {
        byte = static_cast<std::uint8_t>(rng());
    }
    return addr;
}

// `addr` with the bits after the first `cidr` replaced by random ones.
Address inside(Address addr, unsigned cidr, std::mt19937_64& rng) {
    for (unsigned bit = cidr; bit < 8 * addr.size(); ++bit) {
        const auto mask = static_cast<std::uint8_t>(0x80U >> (bit % 8));
        addr[bit / 8] = static_cast<std::uint8_t>((addr[bit / 8] & ~mask) | ((rng() & 1U) * mask));
    }
    return addr;
}

// Lookup addresses, stored flat so that reading them costs no cache misses of its own.
class Probes {
  public:
    explicit Probes(std::size_t bytes) : bytes_(bytes) {}
    void push_back(const Address& addr) { flat_.insert(flat_.end(), addr.begin(), addr.end()); }
    [[nodiscard]] std::size_t size() const { return flat_.size() / bytes_; }
    [[nodiscard]] std::span<const std::uint8_t> operator[](std::size_t i) const {
        return {flat_.data() + i * bytes_, bytes_};
    }
    void reserve(std::size_t n) { flat_.reserve(n * bytes_); }

  private:
    std::size_t bytes_;
    std::vector<std::uint8_t> flat_;
};

struct Fixture {
    explicit Fixture(std::size_t bytes) : probes(bytes) {}
    std::vector<Peer> peers;
    AllowedIps<Peer> table;
    Probes probes;
};

// A table of random prefixes of one family, with probes that are random (hits == false) or
// inside installed prefixes (hits == true).
void fill_random(Fixture& f, std::size_t bytes, bool hits) {
    std::mt19937_64 rng(bytes);
    const unsigned max = 8 * static_cast<unsigned>(bytes);
    f.peers.resize(1000);
    std::vector<std::pair<Address, unsigned>> installed;
    installed.reserve(kTablePrefixes);
    while (f.table.size() < kTablePrefixes) {
        Address addr = random_address(rng, bytes);
        const auto cidr = static_cast<unsigned>(1 + rng() % max);
        f.table.insert(addr, static_cast<std::uint8_t>(cidr), &f.peers[rng() % f.peers.size()]);
        installed.emplace_back(std::move(addr), cidr);
    }
    f.probes.reserve(kProbes);
    for (std::size_t i = 0; i < kProbes; ++i) {
        if (hits) {
            const auto& [addr, cidr] = installed[rng() % installed.size()];
            f.probes.push_back(inside(addr, cidr, rng));
        } else {
            f.probes.push_back(random_address(rng, bytes));
        }
    }
}

void fill_mesh(Fixture& f, std::size_t bytes) {
    std::mt19937_64 rng(42);
    f.peers.resize(kPeers);
    for (std::size_t i = 0; i < kPeers; ++i) {
        Address v4{10, static_cast<std::uint8_t>(i >> 16U), static_cast<std::uint8_t>(i >> 8U),
                   static_cast<std::uint8_t>(i)};
        Address v6 = random_address(rng, 16);
        v6[0] = 0xfd;
        std::fill(v6.begin() + 1, v6.begin() + 8, 0);
        f.table.insert(v4, 32, &f.peers[i]);
        f.table.insert(v6, 128, &f.peers[i]);
        f.probes.push_back(bytes == 4 ? v4 : v6);
    }
}

void run_lookups(benchmark::State& state, const Fixture& f) {
    // Each probe is an independent lookup, as packets are, so the processor may overlap them.
    std::size_t i = 0;
    std::size_t found = 0;
    for ([[maybe_unused]] auto _ : state) {
        const Peer* peer = f.table.lookup(f.probes[i]);
        benchmark::DoNotOptimize(peer);
        found += peer != nullptr ? 1 : 0;
        i = i + 1 == f.probes.size() ? 0 : i + 1;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["bytes_per_prefix"] =
        static_cast<double>(f.table.memory_bytes()) / static_cast<double>(f.table.size());
    state.counters["hit_ratio"] =
        static_cast<double>(found) / static_cast<double>(state.iterations());
}

void lookup_random(benchmark::State& state, std::size_t bytes, bool hits) {
    Fixture f(bytes);
    fill_random(f, bytes, hits);
    run_lookups(state, f);
}

void lookup_mesh(benchmark::State& state, std::size_t bytes) {
    Fixture f(bytes);
    fill_mesh(f, bytes);
    run_lookups(state, f);
}

void BM_LookupRandomV4(benchmark::State& state) {
    lookup_random(state, 4, false);
}
void BM_LookupRandomV6(benchmark::State& state) {
    lookup_random(state, 16, false);
}
void BM_LookupHitV4(benchmark::State& state) {
    lookup_random(state, 4, true);
}
void BM_LookupHitV6(benchmark::State& state) {
    lookup_random(state, 16, true);
}
void BM_LookupMeshV4(benchmark::State& state) {
    lookup_mesh(state, 4);
}
void BM_LookupMeshV6(benchmark::State& state) {
    lookup_mesh(state, 16);
}
BENCHMARK(BM_LookupRandomV4);
BENCHMARK(BM_LookupRandomV6);
BENCHMARK(BM_LookupHitV4);
BENCHMARK(BM_LookupHitV6);
BENCHMARK(BM_LookupMeshV4);
BENCHMARK(BM_LookupMeshV6);

// 10,000 peers with 3 prefixes each: a /32 and a /24 in 10.0.0.0/8 and a random /128 in
// fd00::/8, as a large configuration loaded at once.
struct PeerPrefixes {
    Address v4_host;
    Address v4_net;
    Address v6_host;
};

std::vector<PeerPrefixes> peer_prefixes() {
    std::mt19937_64 rng(7);
    std::vector<PeerPrefixes> out(kPeers);
    for (std::size_t i = 0; i < kPeers; ++i) {
        out[i].v4_host = {10, static_cast<std::uint8_t>(i >> 8U), static_cast<std::uint8_t>(i), 1};
        out[i].v4_net = {10, static_cast<std::uint8_t>(128 + (i >> 8U)),
                         static_cast<std::uint8_t>(i), 0};
        out[i].v6_host = random_address(rng, 16);
        out[i].v6_host[0] = 0xfd;
    }
    return out;
}

void insert_all(AllowedIps<Peer>& table, std::vector<Peer>& peers,
                const std::vector<PeerPrefixes>& prefixes) {
    for (std::size_t i = 0; i < prefixes.size(); ++i) {
        table.insert(prefixes[i].v4_host, 32, &peers[i]);
        table.insert(prefixes[i].v4_net, 24, &peers[i]);
        table.insert(prefixes[i].v6_host, 128, &peers[i]);
    }
}

void BM_InsertPeers(benchmark::State& state) {
    const std::vector<PeerPrefixes> prefixes = peer_prefixes();
    std::vector<Peer> peers(kPeers);
    for ([[maybe_unused]] auto _ : state) {
        AllowedIps<Peer> table;
        insert_all(table, peers, prefixes);
        benchmark::DoNotOptimize(table.size());
        state.PauseTiming();
        table.clear();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(3 * kPeers));
}

void BM_RemoveByPeer(benchmark::State& state) {
    const std::vector<PeerPrefixes> prefixes = peer_prefixes();
    std::vector<Peer> peers(kPeers);
    for ([[maybe_unused]] auto _ : state) {
        state.PauseTiming();
        AllowedIps<Peer> table;
        insert_all(table, peers, prefixes);
        state.ResumeTiming();
        for (const Peer& peer : peers) {
            benchmark::DoNotOptimize(table.remove_by_peer(&peer));
        }
        if (table.size() != 0) {
            state.SkipWithError("prefixes left after removing every peer");
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(3 * kPeers));
}

BENCHMARK(BM_InsertPeers)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RemoveByPeer)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tulle::core
