// A lighthouse with 1,000 members (real signed certificates): what answering costs.
//
//   lighthouse_bench [--members N] [--rounds R]
//
// (a) a Query: decode the request, find the member by address, its PeerInfo, encode the answer;
// (b) the whole member list: every Members page built, encoded and decoded (what a member
//     fetching the list costs both ends);
// (c) a Register: decode it, Registry::seen, encode the RegisterAck.
// Printed: median, 99th percentile and worst of each (a and c over R requests, b over R/100
// whole lists). Each should stay far under 10 ms, so one lighthouse thread keeps up with
// thousands of members. On a busy machine the worst is the scheduler's, not the lighthouse's.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/control.hpp"
#include "mesh/registry.hpp"
#include "tests/unit/mesh/mesh_samples.hpp"

namespace {

using namespace tulle;
using Clock = std::chrono::steady_clock;

double micros(Clock::duration d) {
    return std::chrono::duration<double, std::micro>(d).count();
}

void report(const char* what, std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    const double median = samples[samples.size() / 2];
    const double p99 = samples[samples.size() * 99 / 100];
    const double worst = samples.back();
    std::printf("%-52s median %8.1f us  99%% %8.1f us  worst %8.1f us  (%zu runs)\n", what, median,
                p99, worst, samples.size());
}

value::IpAddress member_address(std::size_t i) {
    return value::IpAddress::v4(
        {10, 88, static_cast<std::uint8_t>(1 + i / 250), static_cast<std::uint8_t>(1 + i % 250)});
}

// Keeps the optimizer from dropping work whose result is otherwise unused.
volatile std::size_t sink = 0;

constexpr std::int64_t kNow = 1'700'000'000;

struct Lighthouse {
    mesh::testing::SampleNetwork net;
    mesh::Registry registry{net.id, value::IpPrefix::parse("10.88.0.0/16").value()};
    std::vector<mesh::Certificate> certificates;
};

// `count` members with signed certificates, half of them online.
void fill(Lighthouse& lighthouse, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        lighthouse.certificates.push_back(
            lighthouse.net.member("member-" + std::to_string(i), member_address(i), i + 1));
        lighthouse.registry.add(lighthouse.certificates.back());
        if (i % 2 == 0) {
            lighthouse.registry.seen(
                lighthouse.certificates.back().public_key,
                value::SocketAddress{value::IpAddress::v4({198, 51, 100, 7}),
                                     static_cast<std::uint16_t>(20000 + i)},
                {value::SocketAddress{value::IpAddress::v4({192, 168, 1, 9}), 41000}}, kNow);
        }
    }
}

// (a) Query -> PeerInfo
void query(const Lighthouse& lighthouse, std::size_t rounds) {
    const std::size_t count = lighthouse.certificates.size();
    std::vector<double> times;
    for (std::size_t i = 0; i < rounds; ++i) {
        const auto request =
            mesh::encode_control(mesh::Query{.address = member_address((i * 7919) % count)});
        const auto start = Clock::now();
        const auto decoded = mesh::decode_control(request);
        const auto& q = std::get<mesh::Query>(*decoded);
        const mesh::MemberRecord* record = lighthouse.registry.find(q.address);
        const auto answer = mesh::encode_control(lighthouse.registry.peer_info(*record, kNow));
        times.push_back(micros(Clock::now() - start));
        sink = sink + answer.size();
    }
    report("(a) query: decode, find, peer-info, encode", times);
}

// (b) the whole member list, page by page
void member_list(const Lighthouse& lighthouse, std::size_t rounds) {
    std::vector<double> times;
    std::size_t pages = 0;
    for (std::size_t round = 0; round < rounds; ++round) {
        const auto start = Clock::now();
        std::uint32_t page = 0;
        std::uint32_t total = 1;
        std::size_t listed = 0;
        while (page < total) {
            const auto bytes = mesh::encode_control(lighthouse.registry.members_page(page, kNow));
            const auto decoded = mesh::decode_control(bytes);
            const auto& members = std::get<mesh::Members>(*decoded);
            total = members.pages;
            listed += members.entries.size();
            ++page;
        }
        times.push_back(micros(Clock::now() - start));
        pages = total;
        sink = sink + listed;
    }
    report(("(b) member list: " + std::to_string(pages) + " pages built, encoded, decoded").c_str(),
           times);
}

// (c) Register -> seen -> RegisterAck
void register_ack(Lighthouse& lighthouse, std::size_t rounds) {
    const std::size_t count = lighthouse.certificates.size();
    std::vector<double> times;
    for (std::size_t i = 0; i < rounds; ++i) {
        const mesh::Certificate& member = lighthouse.certificates[(i * 7919) % count];
        const auto request = mesh::encode_control(mesh::Register{
            .seq = i,
            .candidates = {value::SocketAddress{value::IpAddress::v4({192, 168, 1, 9}), 41000}},
            .caps = 0});
        const value::SocketAddress observed{value::IpAddress::v4({198, 51, 100, 8}), 30000};
        const auto start = Clock::now();
        const auto decoded = mesh::decode_control(request);
        const auto& r = std::get<mesh::Register>(*decoded);
        lighthouse.registry.seen(member.public_key, observed, r.candidates,
                                 kNow + static_cast<std::int64_t>(i / 100));
        const auto ack = mesh::encode_control(
            mesh::RegisterAck{.seq = r.seq,
                              .observed = observed,
                              .ttl = static_cast<std::uint32_t>(mesh::kOnlineSeconds),
                              .members_version = lighthouse.registry.version(),
                              .revocations_version = lighthouse.registry.revocations_version()});
        times.push_back(micros(Clock::now() - start));
        sink = sink + ack.size();
    }
    report("(c) register: decode, seen, register-ack encode", times);
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t count = 1000;
    std::size_t rounds = 10000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view option = argv[i];
        if (option == "--members") {
            count = std::strtoul(argv[i + 1], nullptr, 10);
        } else if (option == "--rounds") {
            rounds = std::strtoul(argv[i + 1], nullptr, 10);
        }
    }
    count = std::clamp<std::size_t>(count, 1, 60000);
    rounds = std::max<std::size_t>(rounds, 100);

    Lighthouse lighthouse;
    fill(lighthouse, count);
    std::printf("lighthouse with %zu members (%zu per Members page)\n", lighthouse.registry.size(),
                mesh::members_per_page());
    query(lighthouse, rounds);
    member_list(lighthouse, std::max<std::size_t>(rounds / 100, 10));
    register_ack(lighthouse, rounds);
    return 0;
}
