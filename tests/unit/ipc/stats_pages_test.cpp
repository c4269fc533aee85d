// stats.history in pages (protocol 1.2): the column encoding of samples, paging through with
// gather_page, and the guard that turns a reply over the message limit into an error.
#include <cstdint>
#include <iostream>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "ipc/jsonrpc.hpp"
#include "ipc/messages.hpp"
#include "ipc/methods.hpp"
#include "tests/unit/key_of.hpp"

namespace tulle::ipc {
namespace {

using unit::key_of;

// As it crosses the socket.
Json wire(const Json& json) {
    return Json::parse(json.dump());
}

std::string error_of(const Json& json) {
    auto decoded = stats_history_from_json(json);
    return decoded.ok() ? std::string("(accepted)") : decoded.error().message;
}

TEST(StatsColumns, RoundTripKeepsEverySampleAndGap) {
    const std::uint64_t big = std::numeric_limits<std::uint64_t>::max();
    StatsHistory history;
    history.encoding = SampleEncoding::columns;
    history.next = key_of(2);
    history.peers = {
        PeerHistory{key_of(1),
                    {{1'765'000'000, 0, 0}, {1'765'000'001, 2048, 10}, {1'765'000'005, big, 20}}},
        PeerHistory{key_of(2), {}}};
    const Json json = to_json(history);
    EXPECT_EQ(json.at("peers")[0].at("time"), Json::array({1'765'000'000, 1, 4}));
    EXPECT_EQ(json.at("peers")[0].at("rx"), Json::array({0, 2048, big - 2048}));
    EXPECT_FALSE(json.at("peers")[0].contains("samples"));
    for (const Json& form : {json, wire(json)}) {  // in memory and parsed from text
        auto back = stats_history_from_json(form);
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(back->peers, history.peers);
        EXPECT_EQ(back->next, key_of(2));
        EXPECT_EQ(back->encoding, SampleEncoding::columns);
    }
}

TEST(StatsColumns, TriplesStillDecodeForOlderDaemons) {
    StatsHistory history;
    history.peers = {PeerHistory{key_of(1), {{100, 1, 2}, {101, 3, 4}}}};
    const Json json = wire(to_json(history));
    EXPECT_TRUE(json.at("peers")[0].contains("samples"));
    auto back = stats_history_from_json(json);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->peers, history.peers);
    EXPECT_EQ(back->encoding, SampleEncoding::triples);
    EXPECT_FALSE(back->next);
}

TEST(StatsColumns, BadColumnsAreNamed) {
    const std::string key = key_of(1).to_base64();
    auto peer = [&key](const std::string& columns) {
        return Json::parse(R"({"peers":[{"public_key":")" + key + "\"," + columns + "}]}");
    };
    EXPECT_EQ(error_of(peer(R"("time":[5,0],"rx":[0,0],"tx":[0,0])")),
              "result.peers[0].time[1]: expected a difference of at least 1 with a sum of at "
              "most 9223372036854775807");
    EXPECT_EQ(error_of(peer(R"("time":[5,1],"rx":[0,-1],"tx":[0,0])")),
              "result.peers[0].rx[1]: expected a difference of at least 0 with a sum of at most "
              "18446744073709551615");
    EXPECT_EQ(error_of(peer(R"("time":[5,1],"rx":[18446744073709551615,1],"tx":[0,0])")),
              "result.peers[0].rx[1]: expected a difference of at least 0 with a sum of at most "
              "18446744073709551615");
    EXPECT_EQ(error_of(peer(R"("time":[-5],"rx":[0],"tx":[0])")),
              "result.peers[0].time[0]: expected a value of at least 0 with a sum of at most "
              "9223372036854775807");
    EXPECT_EQ(error_of(peer(R"("time":[5,1],"rx":[0],"tx":[0,0])")),
              "result.peers[0]: time, rx and tx must be of one length (2, 1, 2)");
    EXPECT_EQ(error_of(peer(R"("time":[5],"rx":[0])")), "result.peers[0].tx: expected an array");
    EXPECT_EQ(error_of(peer(R"("time":[5],"rx":[0],"tx":[0])")), "(accepted)");
    Json bad_next = wire(to_json(StatsHistory{}));
    bad_next["next"] = "x";
    EXPECT_NE(error_of(bad_next).find("result.next: "), std::string::npos) << error_of(bad_next);
}

TEST(StatsPages, GatherPageFollowsNextAndStopsAtTheLast) {
    StatsQuery asked{"wg0", std::nullopt, 600, 2, std::nullopt};
    StatsHistory gathered;
    StatsHistory first;
    first.encoding = SampleEncoding::columns;
    first.peers = {PeerHistory{key_of(1), {{1, 2, 3}}}, PeerHistory{key_of(2), {}}};
    first.next = key_of(2);
    auto next = gather_page(asked, first, gathered);
    ASSERT_TRUE(next.ok());
    ASSERT_TRUE(*next);
    EXPECT_EQ((*next)->after, key_of(2));
    EXPECT_EQ((*next)->limit, 2);
    EXPECT_EQ((*next)->tunnel, "wg0");
    StatsHistory last;
    last.peers = {PeerHistory{key_of(3), {}}};
    auto end = gather_page(**next, last, gathered);
    ASSERT_TRUE(end.ok());
    EXPECT_FALSE(*end);
    ASSERT_EQ(gathered.peers.size(), 3U);
    EXPECT_EQ(gathered.peers[2].public_key, key_of(3));
    EXPECT_FALSE(gathered.next);
}

TEST(StatsPages, ANextThatDoesNotMoveOnIsRefused) {
    StatsQuery asked{"wg0", std::nullopt, 600, 2, key_of(5)};
    StatsHistory gathered;
    StatsHistory same;
    same.peers = {PeerHistory{key_of(5), {}}};
    same.next = key_of(5);  // would ask for the same page again, for ever
    auto refused = gather_page(asked, same, gathered);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("not its last peer past the start"), std::string::npos)
        << refused.error().message;
    StatsHistory empty;
    empty.next = key_of(6);
    EXPECT_FALSE(gather_page(asked, empty, gathered).ok());
}

TEST(ReplyLimit, AReplyOverTheLimitBecomesAnErrorNamingTheMethod) {
    Json big = Json::array();
    big.push_back(std::string(kMaxMessageSize, 'x'));
    const std::string line = encode_reply(Response{Json(7), big}, "stats.history");
    ASSERT_LT(line.size(), kMaxMessageSize);
    auto decoded = decode(line.substr(0, line.size() - 1));
    const auto& response = std::get<Response>(std::get<Message>(decoded));
    EXPECT_EQ(response.id, Json(7));
    ASSERT_FALSE(response.outcome.ok());
    EXPECT_EQ(response.outcome.error().code, ErrorCode::message_too_large);
    EXPECT_NE(response.outcome.error().message.find("the reply to stats.history would be 1048"),
              std::string::npos)
        << response.outcome.error().message;
    // One that fits goes out as it is.
    EXPECT_EQ(encode_reply(Response{Json(7), Json(1)}, "x"), encode(Response{Json(7), Json(1)}));
    // An id too long to echo is left out.
    const std::string no_id =
        encode_reply(Response{Json(std::string(kMaxMessageSize - 10, 'i')), big}, "x");
    EXPECT_LT(no_id.size(), 1000U);
    EXPECT_NE(no_id.find("\"id\":null"), std::string::npos) << no_id;
}

TEST(ReplyLimit, LogTailKeepsTheNewestLinesThatFit) {
    // 4,000 lines (spdlog's ring) of 400 bytes: 1.8 MB as one reply.
    std::vector<LogLine> lines;
    for (int i = 0; i < 4000; ++i) {
        lines.push_back(
            LogLine{i, LogLevel::info, std::string(400, 'a' + static_cast<char>(i % 26))});
    }
    const std::size_t whole = to_json(LogTail{lines}).dump().size();
    const LogTail tail = newest_within(lines, kPageBytes);
    const std::size_t kept = to_json(tail).dump().size();
    std::cout << "log.tail of 4000 lines of 400 bytes: " << whole << " bytes before, " << kept
              << " bytes (" << tail.lines.size() << " newest lines) now\n";
    EXPECT_GT(whole, kMaxMessageSize);
    EXPECT_LE(kept, kPageBytes + 20);
    ASSERT_FALSE(tail.lines.empty());
    EXPECT_EQ(tail.lines.back().time_ms, 3999);
    EXPECT_EQ(tail.lines.front().time_ms, 4000 - static_cast<std::int64_t>(tail.lines.size()));
    EXPECT_EQ(newest_within(lines, 1U << 30U).lines.size(), 4000U);
}

}  // namespace
}  // namespace tulle::ipc
