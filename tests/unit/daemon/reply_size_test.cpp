// The sizes the README promises (1,000 peers, ten minutes of history) through the real
// StatsHistory, the real codecs and the Dispatcher: every reply and event a client reads stays
// under the message limit, and the history comes back whole, a page at a time. Prints the sizes.
#include <cstdint>
#include <iostream>
#include <string>

#include <gtest/gtest.h>

#include "daemon/stats_history.hpp"
#include "ipc/jsonrpc.hpp"
#include "ipc/methods.hpp"

namespace tulle::daemon {
namespace {

constexpr int kPeers = 1000;
constexpr std::int64_t kStart = 1'765'000'000;

value::Key key_of(int i) {
    std::array<std::uint8_t, value::kKeySize> bytes{};
    bytes.fill(0xA5);
    bytes[0] = static_cast<std::uint8_t>(i >> 8);
    bytes[1] = static_cast<std::uint8_t>(i);
    bytes[31] = static_cast<std::uint8_t>(i * 7);
    return value::Key(bytes);
}

// 1,000 peers, each with 600 s of samples, busy ones near 10 Gbit/s (ten-digit differences).
StatsHistory full_history() {
    StatsHistory history;
    std::uint64_t state = 12345;
    for (int peer = 0; peer < kPeers; ++peer) {
        std::uint64_t rx = 0;
        std::uint64_t tx = 0;
        for (std::int64_t t = 0; t < ipc::kMaxHistorySeconds; ++t) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            rx += (state >> 33U) % 1'250'000'000ULL;
            tx += (state >> 20U) % 1'250'000'000ULL;
            (void)history.record(key_of(peer), kStart + t, rx, tx);
        }
    }
    return history;
}

struct Nothing {};

// One call as it crosses the socket: the request encoded and decoded, the handler, the reply
// encoded as tulled sends it (ControlServer: encode_reply) and read back by the client.
struct Exchange {
    std::size_t line_size = 0;
    ipc::Outcome<ipc::StatsHistory> result = ipc::StatsHistory{};
};

Exchange call(const ipc::Dispatcher<Nothing>& dispatcher, const ipc::StatsQuery& query) {
    const std::string request_line = ipc::encode(ipc::Request{
        ipc::Json(1), std::string(ipc::StatsHistoryMethod::name), ipc::to_json(query)});
    auto request = std::get<ipc::Request>(std::get<ipc::Message>(
        ipc::decode(std::string_view(request_line).substr(0, request_line.size() - 1))));
    Nothing context;
    const auto* method = dispatcher.find(request.method);
    const std::string line = ipc::encode_reply(
        ipc::Response{request.id, method->handler(context, request.params)}, request.method);
    Exchange out;
    out.line_size = line.size();
    if (line.size() > ipc::kMaxMessageSize) {
        out.result = ipc::refuse(ipc::ErrorCode::message_too_large, "the client gives up");
        return out;
    }
    auto response = std::get<ipc::Response>(
        std::get<ipc::Message>(ipc::decode(std::string_view(line).substr(0, line.size() - 1))));
    if (!response.outcome.ok()) {
        out.result = ipc::refuse(response.outcome.error());
        return out;
    }
    out.result = ipc::read_result<ipc::StatsHistoryMethod>(*response.outcome);
    return out;
}

class ReplySize : public ::testing::Test {
  protected:
    void SetUp() override {
        dispatcher_.on<ipc::StatsHistoryMethod>(
            [this](Nothing&, const ipc::StatsQuery& query) -> ipc::Outcome<ipc::StatsHistory> {
                return history_.answer(query);
            });
    }

    StatsHistory history_ = full_history();
    ipc::Dispatcher<Nothing> dispatcher_;
};

TEST_F(ReplySize, TheWholeHistoryOfAThousandPeersComesBackInPagesUnderTheLimit) {
    ipc::StatsQuery query;
    query.tunnel = "wg0";
    query.limit = ipc::kMaxHistoryPage;
    ipc::StatsHistory gathered;
    std::size_t pages = 0;
    std::size_t largest = 0;
    std::size_t total = 0;
    for (;;) {
        const Exchange page = call(dispatcher_, query);
        ASSERT_LT(page.line_size, ipc::kMaxMessageSize);
        ASSERT_TRUE(page.result.ok()) << page.result.error().message;
        ++pages;
        largest = std::max(largest, page.line_size);
        total += page.line_size;
        auto next = ipc::gather_page(query, *page.result, gathered);
        ASSERT_TRUE(next.ok()) << next.error().message;
        if (!*next) {
            break;
        }
        query = std::move(**next);
    }
    ASSERT_EQ(gathered.peers.size(), static_cast<std::size_t>(kPeers));
    for (const auto& peer : gathered.peers) {
        ASSERT_EQ(peer.samples.size(), static_cast<std::size_t>(ipc::kMaxHistorySeconds));
        ASSERT_EQ(peer.samples, history_.samples(peer.public_key, ipc::kMaxHistorySeconds));
    }
    std::cout << "stats.history, " << kPeers << " peers x " << ipc::kMaxHistorySeconds
              << " s: " << pages << " pages, largest " << largest << " bytes, " << total
              << " bytes in all\n";
}

TEST_F(ReplySize, AllAtOnceAsBeforeIsRefusedWithAClearErrorInsteadOfACutConnection) {
    ipc::StatsQuery query;
    query.tunnel = "wg0";
    const std::size_t before = ipc::to_json(history_.answer(query)).dump().size();
    std::cout << "stats.history, " << kPeers << " peers x " << ipc::kMaxHistorySeconds
              << " s, all at once (protocol 1.0): " << before << " bytes\n";
    EXPECT_GT(before, ipc::kMaxMessageSize);
    const Exchange old = call(dispatcher_, query);
    ASSERT_FALSE(old.result.ok());
    EXPECT_EQ(old.result.error().code, ipc::ErrorCode::message_too_large);
    EXPECT_NE(old.result.error().message.find("the reply to stats.history would be"),
              std::string::npos)
        << old.result.error().message;
    // One peer at a time, as 1.0 clients can ask, still works.
    query.public_key = key_of(7);
    const Exchange one = call(dispatcher_, query);
    ASSERT_TRUE(one.result.ok()) << one.result.error().message;
    ASSERT_EQ(one.result->peers.size(), 1U);
    EXPECT_EQ(one.result->peers[0].samples.size(),
              static_cast<std::size_t>(ipc::kMaxHistorySeconds));
    std::cout << "stats.history, one peer (protocol 1.0): " << one.line_size << " bytes\n";
}

TEST_F(ReplySize, APageNeverPassesItsBudgetWhateverTheLimit) {
    ipc::StatsQuery query;
    query.tunnel = "wg0";
    query.limit = 3;
    query.after = key_of(10);
    const Exchange page = call(dispatcher_, query);
    ASSERT_TRUE(page.result.ok());
    ASSERT_EQ(page.result->peers.size(), 3U);
    EXPECT_TRUE(key_of(10) < page.result->peers[0].public_key);
    EXPECT_EQ(page.result->next, page.result->peers[2].public_key);
    query.limit = ipc::kMaxHistoryPage;
    query.after.reset();
    const Exchange full = call(dispatcher_, query);
    ASSERT_TRUE(full.result.ok());
    EXPECT_LT(full.result->peers.size(), static_cast<std::size_t>(kPeers));
    EXPECT_LE(full.line_size, ipc::kPageBytes + 200);
}

// The peer lists that grow with peers: tunnel.get and the stats event, with what a peer can
// carry at most but its allowed IPs (64 four-byte characters of name, an IPv6 endpoint, an IPv4
// and an IPv6 address each).
TEST(ReplySizeOfPeerLists, TunnelGetAndTheStatsEventOfAThousandPeersFit) {
    std::vector<ipc::PeerStatus> peers;
    for (int i = 0; i < kPeers; ++i) {
        ipc::PeerStatus peer;
        peer.public_key = key_of(i);
        for (int c = 0; c < 64; ++c) {
            peer.name += "\xF0\x9F\x90\xA2";  // a turtle, four bytes
        }
        peer.endpoint =
            value::Endpoint::parse("[2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:65535").value();
        peer.allowed_ips = {value::IpPrefix::parse("10.255.255.255/32").value(),
                            value::IpPrefix::parse("fd00:ffff:ffff:ffff::ffff/128").value()};
        peer.last_handshake = kStart;
        peer.rx_bytes = 18'000'000'000'000ULL;
        peer.tx_bytes = 18'000'000'000'000ULL;
        peer.rx_rate = 1'234'567'890.125;
        peer.tx_rate = 1'234'567'890.125;
        peer.persistent_keepalive = 65535;
        peer.has_preshared_key = true;
        peers.push_back(std::move(peer));
    }
    const std::string event =
        ipc::encode(ipc::notification<ipc::StatsTickEvent>(ipc::StatsEvent{"wg0", kStart, peers}));
    ipc::TunnelDetail detail;
    detail.status.name = "wg0";
    detail.peers = peers;
    const std::string get = ipc::encode_reply(ipc::Response{ipc::Json(1), ipc::to_json(detail)},
                                              ipc::TunnelGetMethod::name);
    std::cout << "stats event, " << kPeers << " peers: " << event.size()
              << " bytes; tunnel.get: " << get.size() << " bytes\n";
    EXPECT_LT(event.size(), ipc::kMaxMessageSize);
    EXPECT_LT(get.size(), ipc::kMaxMessageSize);
    EXPECT_EQ(get.find("message_too_large"), std::string::npos);
}

}  // namespace
}  // namespace tulle::daemon
