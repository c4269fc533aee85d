// The UAPI stream reader: splitting a connection's bytes into requests, with a size limit.
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
    EXPECT_EQ(requests[0].body, "");
    EXPECT_EQ(requests[1].op, UapiRequest::Op::set);
    EXPECT_EQ(requests[1].body, "listen_port=1\nfwmark=2\n");
    EXPECT_EQ(requests[2].op, UapiRequest::Op::set);
    EXPECT_EQ(requests[2].body, "");
    EXPECT_EQ(requests[3].op, UapiRequest::Op::get);
    EXPECT_EQ(reader.buffered(), std::string_view("set=1\nlis").size());

    reader.feed("ten_port=3\n");
    EXPECT_FALSE(reader.next());
    reader.feed("\n");
    const auto rest = drain(reader);
    ASSERT_EQ(rest.size(), 1U);
    EXPECT_EQ(rest[0].body, "listen_port=3\n");
    EXPECT_EQ(reader.buffered(), 0U);
    EXPECT_FALSE(reader.broken());
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
    EXPECT_EQ("set=1\n" + requests[0].body + "\n", kSetconfRequest);
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
    EXPECT_EQ(requests[0].body, "fwmark=1\n");
}

TEST(UapiReader, KeepsNothingBetweenRequests) {
    UapiReader reader;
    reader.feed("");
    EXPECT_FALSE(reader.next());
    EXPECT_EQ(reader.buffered(), 0U);
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
    UapiReader reader(64);
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
        BadStream{"OverTheLimit", "set=1\n" + std::string(57, 'x') + "\n\n", EMSGSIZE,
                  "a request is at most 64 bytes, and this one has 65"},
        BadStream{"OverTheLimitUnfinished", "set=1\n" + std::string(70, 'x'), EMSGSIZE,
                  "a request is at most 64 bytes"}),
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

TEST(UapiReader, AcceptsARequestOfExactlyTheLimit) {
    const std::string request = "set=1\n" + std::string(56, 'x') + "\n\n";
    ASSERT_EQ(request.size(), 64U);
    UapiReader reader(64);
    reader.feed(request + request);  // two at once: the limit is per request
    const auto requests = drain(reader);
    ASSERT_EQ(requests.size(), 2U);
    EXPECT_EQ(requests[1].body, std::string(56, 'x') + "\n");
}

TEST(UapiReader, RefusesAnUnfinishedRequestAsSoonAsItReachesTheLimit) {
    UapiReader reader(64);
    reader.feed("set=1\n" + std::string(57, 'x'));  // 63 bytes: may still end in "\n"
    EXPECT_FALSE(reader.next());
    reader.feed("\n");  // 64 bytes and no end: the request would be longer than 64
    EXPECT_EQ(reader_error(reader).errno_value, EMSGSIZE);
}

TEST(UapiReader, HasAOneMebibyteLimitByDefault) {
    EXPECT_EQ(kUapiMaxRequestSize, 1024U * 1024U);
    const std::string line = "allowed_ip=10.0.0.0/8\n";
    std::string request = "set=1\npublic_key=" + std::string(kPeer1Hex) + "\n";
    while (request.size() + line.size() + 1 <= kUapiMaxRequestSize) {
        request += line;
    }
    request += "\n";
    UapiReader reader;
    reader.feed(request);
    auto requests = drain(reader);
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_TRUE(parse_set(requests[0].body));

    UapiReader too_big;
    request.insert(6, line);
    too_big.feed(request);
    EXPECT_EQ(reader_error(too_big).errno_value, EMSGSIZE);
}

}  // namespace
}  // namespace tulle::daemon
