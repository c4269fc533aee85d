#include "ipc/jsonrpc.hpp"

#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace tulle::ipc {
namespace {

Request decode_request(std::string_view line) {
    auto decoded = decode(line);
    const auto* message = std::get_if<Message>(&decoded);
    if (message == nullptr) {
        ADD_FAILURE() << "not decoded: " << std::get<DecodeFailure>(decoded).error.message;
        return {};
    }
    return std::get<Request>(*message);
}

DecodeFailure decode_failure(std::string_view line) {
    auto decoded = decode(line);
    if (const auto* failure = std::get_if<DecodeFailure>(&decoded)) {
        return *failure;
    }
    ADD_FAILURE() << "decoded although invalid: " << line;
    return {};
}

TEST(JsonRpc, RequestRoundTripsAsOneLine) {
    Request request{7, "tunnel.up", Json{{"name", "home"}}};
    const std::string line = encode(request);
    ASSERT_EQ(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), line.size() - 1);
    const Request back = decode_request(std::string_view(line).substr(0, line.size() - 1));
    EXPECT_EQ(back.id, 7);
    EXPECT_EQ(back.method, "tunnel.up");
    EXPECT_EQ(back.params, (Json{{"name", "home"}}));
    EXPECT_FALSE(back.is_notification());
}

TEST(JsonRpc, NotificationHasNoId) {
    const std::string line = encode(Request{nullptr, "stats", Json{{"x", 1}}});
    EXPECT_EQ(line.find("\"id\""), std::string::npos);
    EXPECT_TRUE(decode_request(line).is_notification());
}

TEST(JsonRpc, ErrorResponseRoundTrips) {
    const std::string line =
        encode(Response{"abc", refuse(ErrorCode::invalid_params, "params.name: missing")});
    auto decoded = decode(line);
    const auto& response = std::get<Response>(std::get<Message>(decoded));
    EXPECT_EQ(response.id, "abc");
    ASSERT_FALSE(response.ok());
    EXPECT_EQ(response.outcome.error(), (Error{ErrorCode::invalid_params, "params.name: missing"}));
}

struct BadLine {
    std::string line;
    ErrorCode code;
    std::string message_contains;
};

class JsonRpcBadInput : public ::testing::TestWithParam<BadLine> {};

TEST_P(JsonRpcBadInput, IsRefusedWithAMessageNamingTheProblem) {
    const auto failure = decode_failure(GetParam().line);
    EXPECT_EQ(failure.error.code, GetParam().code);
    EXPECT_NE(failure.error.message.find(GetParam().message_contains), std::string::npos)
        << failure.error.message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, JsonRpcBadInput,
    ::testing::Values(
        BadLine{"{not json", ErrorCode::parse_error, "not valid JSON"},
        BadLine{"[1,2]", ErrorCode::invalid_request, "JSON object"},
        BadLine{R"({"id":1,"method":"x"})", ErrorCode::invalid_request, "jsonrpc"},
        BadLine{R"({"jsonrpc":"1.0","id":1,"method":"x"})", ErrorCode::invalid_request, "jsonrpc"},
        BadLine{R"({"jsonrpc":"2.0","id":1,"method":5})", ErrorCode::invalid_request, "method"},
        BadLine{R"({"jsonrpc":"2.0","id":{},"method":"x"})", ErrorCode::invalid_request, "id"},
        BadLine{R"({"jsonrpc":"2.0","id":1,"method":"x","params":3})", ErrorCode::invalid_request,
                "params"},
        BadLine{R"({"jsonrpc":"2.0","id":1})", ErrorCode::invalid_request, "method"},
        BadLine{R"({"jsonrpc":"2.0","id":1,"error":{"code":"x","message":"m"}})",
                ErrorCode::invalid_request, "error.code"}));

TEST(JsonRpc, FailureKeepsTheIdSoTheReplyCanNameTheCall) {
    const auto failure = decode_failure(R"({"jsonrpc":"2.0","id":42,"method":7})");
    EXPECT_EQ(failure.id, 42);
}

TEST(ParamReader, NamesTheFieldAndTheExpectedType) {
    const Json params{{"name", 5}, {"port", 70000}};
    ParamReader reader(params);
    (void)reader.string("name");
    ASSERT_TRUE(reader.error());
    EXPECT_EQ(reader.error()->message, "params.name: expected a string");

    ParamReader ranged(params);
    (void)ranged.integer("port", 0, 65535);
    EXPECT_EQ(ranged.error()->message, "params.port: expected an integer from 0 to 65535");

    ParamReader missing(params);
    (void)missing.string("tunnel");
    EXPECT_EQ(missing.error()->message, "params.tunnel: missing");
    EXPECT_EQ(missing.error()->code, ErrorCode::invalid_params);
}

TEST(Decode, DeepNestingIsRefusedBeforeParsing) {
    EXPECT_EQ(nesting_depth(R"({"a": [1, {"b": "[[[[["}]})"), 3U);
    const std::string deep = R"({"jsonrpc":"2.0","id":1,"method":"x","params":)" +
                             std::string(500000, '[') + std::string(500000, ']') + "}";
    auto decoded = decode(deep);
    ASSERT_TRUE(std::holds_alternative<DecodeFailure>(decoded));
    EXPECT_NE(std::get<DecodeFailure>(decoded).error.message.find("deeper than"),
              std::string::npos);
    // A message as deep as the protocol's own still decodes.
    EXPECT_TRUE(std::holds_alternative<Message>(
        decode(R"({"jsonrpc":"2.0","id":1,"method":"x","params":{"a":[[{"b":[1]}]]}})")));
}

TEST(ParamReader, AnUnsignedBeyondTheWidestRangeIsRefusedWithoutOverflow) {
    const Json params{{"bytes", std::numeric_limits<std::uint64_t>::max()}};
    ParamReader reader(params);
    (void)reader.integer("bytes", 0, std::numeric_limits<std::int64_t>::max());
    ASSERT_TRUE(reader.error());
    EXPECT_NE(reader.error()->message.find("params.bytes"), std::string::npos);
}

TEST(Hello, RoundTripsAndValidates) {
    HelloParams hello{{1, 3}, "tullectl 0.1.0"};
    auto back = hello_params_from_json(to_json(hello));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->version, (ProtocolVersion{1, 3}));
    EXPECT_EQ(back->client, "tullectl 0.1.0");

    auto bad = hello_params_from_json(Json{{"version", {{"major", "1"}, {"minor", 0}}}});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, "params.version.major: expected an integer");
}

TEST(Version, MismatchNamesTheSideToUpdate) {
    EXPECT_EQ(version_mismatch({1, 0}, {1, 4}), "");
    const std::string old_client = version_mismatch({1, 2}, {2, 0});
    EXPECT_NE(old_client.find("update the client"), std::string::npos) << old_client;
    const std::string old_daemon = version_mismatch({3, 0}, {2, 9});
    EXPECT_NE(old_daemon.find("update tulled"), std::string::npos) << old_daemon;
}

}  // namespace
}  // namespace tulle::ipc
