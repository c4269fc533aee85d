// The UAPI stream reader: splitting a connection's bytes into requests, parsing set requests line
// by line as they come, within the limits of UapiLimits.
#include <algorithm>
#include <cerrno>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/uapi.hpp"
#include "tests/unit/daemon/uapi_captures.hpp"

namespace tulle::daemon {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace uapi_testing;

std::vector<UapiRequest> drain(UapiReader& reader) {
    std::vector<UapiRequest> requests;
    while (auto request = reader.next()) {
        if (!*request) {
            ADD_FAILURE() << request->error().message;
            break;
        }
        requests.push_back(std::move(*request).value());
    }
    return requests;
}

UapiError reader_error(UapiReader& reader) {
    auto request = reader.next();
    if (!request) {
        ADD_FAILURE() << "no error yet";
        return {};
    }
    if (*request) {
        ADD_FAILURE() << "a request instead of an error";
        return {};
    }
    return request->error();
}

TEST(UapiReader, SplitsPipelinedRequests) {
    UapiReader reader;
    reader.feed("get=1\n\nset=1\nlisten_port=1\nfwmark=2\n\nset=1\n\nget=1\n\nset=1\nlis");
    const auto requests = drain(reader);
    ASSERT_EQ(requests.size(), 4U);
    EXPECT_EQ(requests[0].op, UapiRequest::Op::get);
    EXPECT_EQ(requests[1].op, UapiRequest::Op::set);
    EXPECT_EQ(requests[1].set.listen_port, 1);
    EXPECT_EQ(requests[1].set.fwmark, 2U);
    EXPECT_EQ(requests[2].op, UapiRequest::Op::set);
    EXPECT_EQ(requests[2].set, UapiSet{});
    EXPECT_EQ(requests[3].op, UapiRequest::Op::get);
    EXPECT_EQ(reader.buffered(), std::string_view("lis").size());

    reader.feed("ten_port=3\n");
    EXPECT_FALSE(reader.next());
    EXPECT_EQ(reader.buffered(), 0U);  // the line is parsed: only the set so far is kept
    reader.feed("\n");
    const auto rest = drain(reader);
    ASSERT_EQ(rest.size(), 1U);
    EXPECT_EQ(rest[0].set.listen_port, 3);
    EXPECT_FALSE(reader.broken());
}

// Found by uapi_fuzz: a line after get=1 longer than a line may be was EPROTO when it came in
// one piece and EINVAL when it came byte by byte. The answer must not depend on the pieces.
TEST(UapiReader, ALongLineAfterGetIsTheSameErrorInOnePieceOrMany) {
    UapiLimits limits;
    limits.max_line = 8;
    const std::string stream = "get=1\nprivate_key=" + std::string(64, 'a') + "\n\n";
    UapiReader whole(limits);
    whole.feed(stream);
    EXPECT_EQ(reader_error(whole).errno_value, EINVAL);
    UapiReader bytes(limits);
    for (const char c : stream) {
        bytes.feed(std::string_view(&c, 1));
    }
    EXPECT_EQ(reader_error(bytes).errno_value, EINVAL);
}

TEST(UapiReader, WaitsForTheEmptyLineOneByteAtATime) {
    UapiReader reader;
    for (std::size_t i = 0; i + 1 < kSetconfRequest.size(); ++i) {
        reader.feed(kSetconfRequest.substr(i, 1));
        ASSERT_FALSE(reader.next()) << "at byte " << i;
    }
    reader.feed(kSetconfRequest.substr(kSetconfRequest.size() - 1));
    const auto requests = drain(reader);
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].op, UapiRequest::Op::set);
    const auto whole = parse_set(kSetconfRequest.substr(6));
    ASSERT_TRUE(whole);
    EXPECT_EQ(requests[0].set, whole.value());
}

TEST(UapiReader, SplitsTheEmptyLineAcrossFeeds) {
    UapiReader reader;
    reader.feed("get=1\n");
    EXPECT_FALSE(reader.next());
    reader.feed("\nset=1\nfwmark=1\n");
    auto requests = drain(reader);
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].op, UapiRequest::Op::get);
    reader.feed("\n");
    requests = drain(reader);
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].set.fwmark, 1U);
}

TEST(UapiReader, KeepsNothingBetweenRequests) {
    UapiReader reader;
    reader.feed("");
    EXPECT_FALSE(reader.next());
    EXPECT_EQ(reader.buffered(), 0U);
}

// A set request of one peer with `count` distinct /32 allowed IPs, with its empty line.
std::string many_allowed_ips(std::size_t count) {
    std::string request = "set=1\npublic_key=" + std::string(kPeer1Hex) + "\n";
    for (std::size_t i = 0; i < count; ++i) {
        request += "allowed_ip=10." + std::to_string((i >> 16U) & 0xffU) + "." +
                   std::to_string((i >> 8U) & 0xffU) + "." + std::to_string(i & 0xffU) + "/32\n";
    }
    return request + "\n";
}

TEST(UapiReader, ReadsARequestOfAnyLengthKeepingOneLine) {
    // 2.5 MB: the whole-request cap of 1 MiB this reader used to have refused it (EMSGSIZE).
    const std::string request = many_allowed_ips(100'000);
    UapiReader reader;
    std::size_t most_buffered = 0;
    for (std::size_t at = 0; at < request.size(); at += 4096) {
        reader.feed(std::string_view(request).substr(at, 4096));
        most_buffered = std::max(most_buffered, reader.buffered());
    }
    const auto requests = drain(reader);
    ASSERT_EQ(requests.size(), 1U);
    ASSERT_FALSE(requests[0].refused) << requests[0].refused->message;
    ASSERT_EQ(requests[0].set.peers.size(), 1U);
    EXPECT_EQ(requests[0].set.peers[0].allowed_ips.size(), 100'000U);
    EXPECT_LT(most_buffered, 80U);  // never more than the longest line
}

// A request refused for what it says (not for its framing) is read to its end; the next request
// is answered as usual.
struct RefusedSet {
    std::string name;
    UapiLimits limits;
    std::string body;
    int errno_value;
    std::string message_contains;
};

void PrintTo(const RefusedSet& refused, std::ostream* os) {
    *os << refused.name;
}

class UapiReaderRefused : public ::testing::TestWithParam<RefusedSet> {};

TEST_P(UapiReaderRefused, IsReadToItsEndAndTheStreamGoesOn) {
    UapiReader reader(GetParam().limits);
    reader.feed("set=1\n" + GetParam().body + "\nget=1\n\nset=1\nfwmark=9\n\n");
    const auto requests = drain(reader);
    ASSERT_EQ(requests.size(), 3U);
    ASSERT_TRUE(requests[0].refused);
    EXPECT_EQ(requests[0].refused->errno_value, GetParam().errno_value);
    EXPECT_THAT(requests[0].refused->message, HasSubstr(GetParam().message_contains));
    EXPECT_THAT(requests[0].refused->message, Not(HasSubstr("secretsecret")));
    EXPECT_EQ(requests[0].set, UapiSet{});  // nothing of it is kept
    EXPECT_EQ(requests[1].op, UapiRequest::Op::get);
    EXPECT_EQ(requests[2].set.fwmark, 9U);
    EXPECT_FALSE(reader.broken());
}

UapiLimits limits(std::size_t max_line, std::size_t max_peer_sections,
                  std::size_t max_allowed_ips) {
    UapiLimits out;
    out.max_line = max_line;
    out.max_peer_sections = max_peer_sections;
    out.max_allowed_ips = max_allowed_ips;
    return out;
}

const std::string kPeer1Line = "public_key=" + std::string(kPeer1Hex) + "\n";
const std::string kPeer2Line = "public_key=" + std::string(kPeer2Hex) + "\n";

INSTANTIATE_TEST_SUITE_P(
    Table, UapiReaderRefused,
    ::testing::Values(RefusedSet{"BadValueFirst",
                                 {},
                                 "listen_port=x\n" + kPeer1Line + "allowed_ip=::/0\n",
                                 EINVAL,
                                 "line 1: listen_port"},
                      RefusedSet{"NotKeyValue",
                                 {},
                                 "private_key=" + std::string(kPrivateHex) + "\nsecretsecret\n",
                                 EPROTO,
                                 "line 2: not a key=value line"},
                      RefusedSet{"LongLine", limits(80, 10, 10),
                                 "fwmark=" + std::string(100, '0') + "\n", EMSGSIZE,
                                 "line 1: longer than 80 bytes"},
                      RefusedSet{"LongLineAtTheEnd", limits(80, 10, 10),
                                 kPeer1Line + "allowed_ip=" + std::string(100, 'x') + "\n",
                                 EMSGSIZE, "line 2: longer than 80 bytes"},
                      RefusedSet{"TooManyPeerSections", limits(80, 2, 10),
                                 kPeer1Line + kPeer2Line + kPeer1Line + "remove=true\n", ENOSPC,
                                 "line 3: a request holds at most 2 peer sections"},
                      RefusedSet{"TooManyAllowedIps", limits(80, 10, 2),
                                 kPeer1Line + "allowed_ip=10.0.0.1/32\n" + kPeer2Line +
                                     "allowed_ip=10.0.0.2/32\nallowed_ip=10.0.0.3/32\n",
                                 E2BIG, "line 5: a request holds at most 2 allowed IPs"}),
    [](const auto& info) { return info.param.name; });

TEST(UapiReader, CountsOnlyTheAllowedIpsARequestKeeps) {
    // replace_allowed_ips and remove drop the section's earlier lines, and their count.
    UapiReader reader(limits(80, 10, 2));
    reader.feed("set=1\n" + kPeer1Line +
                "allowed_ip=10.0.0.1/32\nallowed_ip=10.0.0.2/32\nreplace_allowed_ips=true\n"
                "allowed_ip=10.0.0.3/32\n" +
                kPeer2Line + "allowed_ip=10.0.0.4/32\nremove=true\n" + kPeer2Line +
                "allowed_ip=10.0.0.5/32\n\n");
    const auto requests = drain(reader);
    ASSERT_EQ(requests.size(), 1U);
    ASSERT_FALSE(requests[0].refused) << requests[0].refused->message;
    ASSERT_EQ(requests[0].set.peers.size(), 3U);
    EXPECT_EQ(requests[0].set.peers[0].allowed_ips.size(), 1U);
    EXPECT_TRUE(requests[0].set.peers[1].remove);
    EXPECT_EQ(requests[0].set.peers[2].allowed_ips.size(), 1U);
}

struct BadStream {
    std::string name;
    std::string bytes;
    int errno_value;
    std::string message_contains;
};

void PrintTo(const BadStream& bad, std::ostream* os) {
    *os << bad.name;
}

class UapiReaderBad : public ::testing::TestWithParam<BadStream> {};

TEST_P(UapiReaderBad, FailsOnceAndThenStops) {
    UapiReader reader;
    reader.feed(GetParam().bytes);
    const UapiError error = reader_error(reader);
    EXPECT_EQ(error.errno_value, GetParam().errno_value);
    EXPECT_THAT(error.message, HasSubstr(GetParam().message_contains));
    EXPECT_THAT(error.message, Not(HasSubstr("secretsecret")));
    EXPECT_TRUE(reader.broken());
    EXPECT_EQ(reader.buffered(), 0U);
    EXPECT_FALSE(reader.next());
    reader.feed("get=1\n\n");
    EXPECT_FALSE(reader.next());
    EXPECT_EQ(reader.buffered(), 0U);
}

INSTANTIATE_TEST_SUITE_P(
    Table, UapiReaderBad,
    ::testing::Values(
        BadStream{"UnknownOperation", "bogus=1\n\n", EPROTO, "unknown operation 'bogus=...'"},
        BadStream{"UpperCase", "GET=1\n\n", EPROTO, "unknown operation 'GET=...'"},
        BadStream{"VersionTwo", "get=2\n\n", EPROTO, "a request starts with get=1 or set=1"},
        BadStream{"LongerFirstLine", "set=11\n\n", EPROTO, "unknown operation"},
        BadStream{"SpaceAfter", "get=1 \n\n", EPROTO, "unknown operation 'get=...'"},
        BadStream{"EmptyFirstLine", "\n", EPROTO, "unknown operation ''"},
        BadStream{"KeyLineFirst", "private_key=secretsecret\n\n", EPROTO,
                  "unknown operation 'private_key=...'"},
        // Noticed before the rest arrives.
        BadStream{"KnownEarly", "x", EPROTO, "unknown operation 'x'"},
        BadStream{"NoNewlineAfterOperation", "set=1x", EPROTO, "unknown operation"},
        BadStream{"GetWithLines", "get=1\nprivate_key=secretsecret\n\n", EINVAL,
                  "get=1 must be followed by the empty line"},
        BadStream{"GetWithLinesUnfinished", "get=1\npriv", EINVAL,
                  "get=1 must be followed by the empty line"}),
    [](const auto& info) { return info.param.name; });

TEST(UapiReader, ReportsAnErrorAfterTheGoodRequestsBeforeIt) {
    UapiReader reader;
    reader.feed("get=1\n\nset=1\n\nnope\n\n");
    auto first = reader.next();
    ASSERT_TRUE(first && *first);
    auto second = reader.next();
    ASSERT_TRUE(second && *second);
    EXPECT_EQ(reader_error(reader).errno_value, EPROTO);
    EXPECT_FALSE(reader.next());
}

}  // namespace
}  // namespace tulle::daemon
