#include "ipc/messages.hpp"

#include <cctype>
#include <functional>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "ipc/methods.hpp"

namespace tulle::ipc {
namespace {

// Keys made for these tests, nobody's real ones.
constexpr std::string_view kKey1 = "Q2TYThaGV2DI6vUTlcfba5E41BhU4t7pVWMPbTho7QA=";
constexpr std::string_view kKey2 = "YZclbjlbQWb7YpcQcBbj8e5QwaV+f4xMZxmzRLJrJfI=";
constexpr std::string_view kPsk = "VqTtLzvuAGLuRB0EKo3S605m0z4ZiMV2pxOb1Y+ofmU=";

value::Key key(std::string_view text) {
    return value::Key::from_base64(text).value();
}

value::IpPrefix prefix(std::string_view text) {
    return value::IpPrefix::parse(text).value();
}

// As it crosses the socket: printed and read back, so signed and unsigned numbers are what the
// reader would see.
Json wire(const Json& json) {
    return Json::parse(json.dump());
}

template <typename T>
T decoded(const Outcome<T>& result) {
    if (!result.ok()) {
        ADD_FAILURE() << "refused: " << result.error().message;
        return T{};
    }
    return *result;
}

// Encodes, sends through text, decodes, encodes again: the two encodings must be equal.
template <typename T, typename Decode>
T round_trip(const T& value, Decode decode) {
    const Json first = to_json(value);
    T back = decoded(decode(wire(first)));
    EXPECT_EQ(to_json(back), first);
    return back;
}

PeerStatus sample_peer() {
    PeerStatus peer;
    peer.public_key = key(kKey1);
    peer.name = "laptop";
    peer.endpoint = value::Endpoint::parse("[2001:db8::1]:51820").value();
    peer.allowed_ips = {prefix("10.0.0.2/32"), prefix("fd00::2/128")};
    peer.last_handshake = 1'700'000'000;
    peer.rx_bytes = 5'000'000'000ULL;
    peer.tx_bytes = 12;
    peer.rx_rate = 1536.5;
    peer.tx_rate = 0;
    peer.persistent_keepalive = 25;
    peer.has_preshared_key = true;
    return peer;
}

TunnelStatus sample_tunnel() {
    TunnelStatus tunnel;
    tunnel.name = "office";
    tunnel.up = true;
    tunnel.system = true;
    tunnel.autostart = true;
    tunnel.public_key = key(kKey2);
    tunnel.listen_port = 51820;
    tunnel.addresses = {prefix("10.0.0.1/24"), prefix("fd00::1/64")};
    tunnel.peers = 2;
    tunnel.rx_bytes = 1;
    tunnel.tx_bytes = 2;
    return tunnel;
}

TEST(LogLevel, NamesRoundTripAndWarnIsAnAlias) {
    for (const auto level : {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warning,
                             LogLevel::error, LogLevel::critical}) {
        EXPECT_EQ(parse_log_level(to_string(level)), level);
    }
    EXPECT_EQ(parse_log_level("warn"), LogLevel::warning);
    EXPECT_EQ(parse_log_level("INFO"), std::nullopt);
    EXPECT_EQ(parse_log_level(""), std::nullopt);
}

// --- params round trips -------------------------------------------------------------------------

TEST(MessagesRoundTrip, TunnelRef) {
    EXPECT_EQ(round_trip(TunnelRef{"wg0"}, tunnel_ref_from_json).name, "wg0");
}

TEST(MessagesRoundTrip, TunnelUpWithAndWithoutConfig) {
    const auto bare = round_trip(TunnelUp{"office", std::nullopt, {}, {}}, tunnel_up_from_json);
    EXPECT_EQ(bare.name, "office");
    EXPECT_FALSE(bare.config);
    EXPECT_FALSE(bare.kill_switch);  // the file decides
    EXPECT_FALSE(bare.allow_lan);
    const auto full = round_trip(TunnelUp{"home", "[Interface]\n", {}, {}}, tunnel_up_from_json);
    EXPECT_EQ(full.config, "[Interface]\n");
}

TEST(MessagesRoundTrip, TunnelUpChoosesTheKillSwitchEitherWay) {
    const auto on = round_trip(TunnelUp{"home", std::nullopt, true, true}, tunnel_up_from_json);
    EXPECT_EQ(on.kill_switch, true);
    EXPECT_EQ(on.allow_lan, true);
    const auto off =
        round_trip(TunnelUp{"home", std::nullopt, false, std::nullopt}, tunnel_up_from_json);
    EXPECT_EQ(off.kill_switch, false);  // off this time, whatever the file says
    EXPECT_FALSE(off.allow_lan);
}

TEST(MessagesRoundTrip, TunnelSave) {
    const auto back =
        round_trip(TunnelSave{"office", "[Interface]\n", true}, tunnel_save_from_json);
    EXPECT_EQ(back.name, "office");
    EXPECT_EQ(back.config, "[Interface]\n");
    EXPECT_TRUE(back.autostart);
    EXPECT_FALSE(decoded(tunnel_save_from_json(Json{{"name", "x"}})).autostart);
}

TEST(MessagesRoundTrip, PeerEditWithEveryField) {
    PeerEdit edit;
    edit.tunnel = "office";
    edit.peer.public_key = key(kKey1);
    edit.peer.name = "laptop";
    edit.peer.preshared_key =
        std::optional<value::SecretKey>(value::SecretKey::from_base64(kPsk).value());
    edit.peer.endpoint =
        std::optional<value::Endpoint>(value::Endpoint::parse("vpn.example.com:51820").value());
    edit.peer.allowed_ips =
        std::vector<value::IpPrefix>{prefix("10.0.0.2/32"), prefix("fd00::/64")};
    edit.peer.persistent_keepalive = 25;
    const auto back = round_trip(edit, peer_edit_from_json);
    EXPECT_EQ(back.tunnel, "office");
    EXPECT_EQ(back.peer.public_key, key(kKey1));
    EXPECT_EQ(back.peer.name, "laptop");
    ASSERT_TRUE(back.peer.preshared_key && *back.peer.preshared_key);
    EXPECT_EQ((*back.peer.preshared_key)->to_base64(), kPsk);
    ASSERT_TRUE(back.peer.endpoint && *back.peer.endpoint);
    EXPECT_EQ((*back.peer.endpoint)->to_string(), "vpn.example.com:51820");
    EXPECT_EQ(back.peer.allowed_ips, edit.peer.allowed_ips);
    EXPECT_EQ(back.peer.persistent_keepalive, 25);
}

// The name rule counts characters, as the app's form does: 30 Chinese characters pass.
TEST(MessagesRoundTrip, PeerNamesCountCharactersNotBytes) {
    PeerEdit edit;
    edit.tunnel = "wg0";
    edit.peer.public_key = key(kKey2);
    std::string name;
    for (int i = 0; i < 30; ++i) {
        name += "\xe5\x8a\x9e";
    }
    edit.peer.name = name;
    EXPECT_EQ(round_trip(edit, peer_edit_from_json).peer.name, name);
}

TEST(MessagesRoundTrip, PeerEditLeavesAbsentFieldsAbsent) {
    PeerEdit edit;
    edit.tunnel = "wg0";
    edit.peer.public_key = key(kKey2);
    const Json json = to_json(edit);
    EXPECT_EQ(json.at("peer").size(), 1U) << json;
    const auto back = round_trip(edit, peer_edit_from_json);
    EXPECT_FALSE(back.peer.name);
    EXPECT_FALSE(back.peer.preshared_key);
    EXPECT_FALSE(back.peer.endpoint);
    EXPECT_FALSE(back.peer.allowed_ips);
    EXPECT_FALSE(back.peer.persistent_keepalive);
}

TEST(MessagesRoundTrip, EmptyStringsRemoveThePresharedKeyAndTheEndpoint) {
    PeerEdit edit;
    edit.tunnel = "wg0";
    edit.peer.public_key = key(kKey1);
    edit.peer.preshared_key = std::optional<value::SecretKey>();
    edit.peer.endpoint = std::optional<value::Endpoint>();
    edit.peer.allowed_ips = std::vector<value::IpPrefix>{};
    const Json json = to_json(edit);
    EXPECT_EQ(json.at("peer").at("preshared_key"), "");
    EXPECT_EQ(json.at("peer").at("endpoint"), "");
    EXPECT_EQ(json.at("peer").at("allowed_ips"), Json::array());
    const auto back = round_trip(edit, peer_edit_from_json);
    ASSERT_TRUE(back.peer.preshared_key);    // given ...
    EXPECT_FALSE(*back.peer.preshared_key);  // ... as "remove it"
    ASSERT_TRUE(back.peer.endpoint);
    EXPECT_FALSE(*back.peer.endpoint);
    ASSERT_TRUE(back.peer.allowed_ips);
    EXPECT_TRUE(back.peer.allowed_ips->empty());
}

TEST(MessagesRoundTrip, PeerRef) {
    const auto back = round_trip(PeerRef{"wg0", key(kKey1)}, peer_ref_from_json);
    EXPECT_EQ(back.tunnel, "wg0");
    EXPECT_EQ(back.public_key, key(kKey1));
}

TEST(MessagesRoundTrip, StatsQuery) {
    const auto all = round_trip(StatsQuery{"wg0", std::nullopt, 60, std::nullopt, std::nullopt},
                                stats_query_from_json);
    EXPECT_EQ(all.seconds, 60);
    EXPECT_FALSE(all.public_key);
    const auto one = round_trip(StatsQuery{"wg0", key(kKey2), 600, std::nullopt, std::nullopt},
                                stats_query_from_json);
    EXPECT_EQ(one.public_key, key(kKey2));
    EXPECT_FALSE(one.limit);
    const auto page =
        round_trip(StatsQuery{"wg0", std::nullopt, 600, 100, key(kKey1)}, stats_query_from_json);
    EXPECT_EQ(page.limit, 100);
    EXPECT_EQ(page.after, key(kKey1));
    EXPECT_EQ(decoded(stats_query_from_json(Json{{"tunnel", "wg0"}})).seconds, 600);
}

TEST(MessagesRoundTrip, LogQuery) {
    const auto back = round_trip(LogQuery{10'000, LogLevel::critical}, log_query_from_json);
    EXPECT_EQ(back.lines, 10'000);
    EXPECT_EQ(back.level, LogLevel::critical);
    const auto defaults = decoded(log_query_from_json(Json::object()));
    EXPECT_EQ(defaults.lines, 200);
    EXPECT_EQ(defaults.level, LogLevel::info);
}

TEST(MessagesRoundTrip, SubscriptionTopics) {
    for (unsigned topics = 0; topics <= kAllTopics; ++topics) {
        EXPECT_EQ(round_trip(Subscription{topics}, subscription_from_json).topics, topics);
    }
    EXPECT_EQ(decoded(subscription_from_json(Json::object())).topics, kAllTopics);
    EXPECT_EQ(to_json(Subscription{static_cast<unsigned>(Topic::stats)}),
              (Json{{"topics", {"stats"}}}));
}

// --- results and events round trips -------------------------------------------------------------

TEST(MessagesRoundTrip, PeerStatus) {
    const auto back =
        round_trip(sample_peer(), [](const Json& json) { return peer_status_from_json(json); });
    EXPECT_EQ(back.rx_bytes, 5'000'000'000ULL);
    EXPECT_DOUBLE_EQ(back.rx_rate, 1536.5);
    EXPECT_TRUE(back.has_preshared_key);
    EXPECT_EQ(to_json(back).count("preshared_key"), 0U);
}

TEST(MessagesRoundTrip, TunnelStatusUpAndDown) {
    const auto up =
        round_trip(sample_tunnel(), [](const Json& json) { return tunnel_status_from_json(json); });
    EXPECT_EQ(up.addresses.size(), 2U);
    TunnelStatus down;
    down.name = "home";
    const auto back =
        round_trip(down, [](const Json& json) { return tunnel_status_from_json(json); });
    EXPECT_FALSE(back.up);
    EXPECT_FALSE(back.public_key);
    EXPECT_EQ(to_json(down).at("public_key"), "") << "1.0 clients read \"\" as none";
    EXPECT_EQ(up.public_key, key(kKey2));
}

TEST(MessagesRoundTrip, TunnelStatusSaysHowDnsWent) {
    TunnelStatus status = sample_tunnel();
    EXPECT_FALSE(to_json(status).contains("dns")) << "absent when there is nothing to say";
    EXPECT_FALSE(to_json(status).contains("dns_problem"));
    status.dns = value::DnsManager::resolvconf;
    EXPECT_EQ(to_json(status).at("dns"), "resolvconf");
    EXPECT_EQ(
        round_trip(status, [](const Json& json) { return tunnel_status_from_json(json); }).dns,
        value::DnsManager::resolvconf);
    status.dns = value::DnsManager::none;
    status.dns_problem = "DNS = needs systemd-resolved or resolvconf; the tunnel is up without it";
    EXPECT_EQ(round_trip(status, [](const Json& json) { return tunnel_status_from_json(json); })
                  .dns_problem,
              status.dns_problem);
}

TEST(MessagesRoundTrip, TunnelList) {
    TunnelStatus second = sample_tunnel();
    second.name = "home";
    const Json json = wire(Json{{"tunnels", {to_json(sample_tunnel()), to_json(second)}}});
    const auto list = decoded(tunnel_list_from_json(json));
    ASSERT_EQ(list.size(), 2U);
    EXPECT_EQ(list[0].name, "office");
    EXPECT_EQ(list[1].name, "home");
    EXPECT_TRUE(decoded(tunnel_list_from_json(Json{{"tunnels", Json::array()}})).empty());
}

TEST(MessagesRoundTrip, TunnelDetail) {
    TunnelSettings settings;
    settings.addresses = {value::IpPrefix::parse("10.0.0.2/24").value()};
    settings.listen_port = 51820;
    settings.mtu = 1380;
    settings.dns_servers = {value::IpAddress::parse("2001:db8::53").value()};
    settings.dns_search = {"example.com"};
    settings.table = RouteTable::parse("1234").value();
    settings.fwmark = 7;
    settings.kill_switch = true;
    settings.allow_lan = true;
    TunnelDetail detail{sample_tunnel(), {sample_peer(), sample_peer()}, "[Interface]\n", settings};
    detail.peers[1].public_key = key(kKey2);
    detail.peers[1].endpoint.reset();
    const auto back = round_trip(detail, tunnel_detail_from_json);
    EXPECT_EQ(back.status.name, "office");
    ASSERT_EQ(back.peers.size(), 2U);
    EXPECT_EQ(back.peers[1].public_key, key(kKey2));
    EXPECT_EQ(back.config, "[Interface]\n");
    EXPECT_TRUE(back.settings == settings);
    EXPECT_EQ(back.peers[0].endpoint, sample_peer().endpoint);
    EXPECT_FALSE(back.peers[1].endpoint);
}

TEST(MessagesRoundTrip, TunnelDetailFromA1_0DaemonHasNoSettings) {
    Json json = to_json(TunnelDetail{sample_tunnel(), {}, "[Interface]\nMTU = 1380\n", {}});
    json.erase("settings");
    const auto back = decoded(tunnel_detail_from_json(json));
    EXPECT_TRUE(back.settings == TunnelSettings{});
}

TEST(MessagesRoundTrip, AnEndpointThatIsNotOneIsRefused) {
    Json json = to_json(sample_peer());
    json["endpoint"] = "nowhere";
    auto bad = peer_status_from_json(json);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("result.endpoint"), std::string::npos)
        << bad.error().message;
}

TEST(MessagesRoundTrip, DaemonStatus) {
    const auto back =
        round_trip(DaemonStatus{"tulled 0.1.0", {1, 2}, 3600, 1, 4}, daemon_status_from_json);
    EXPECT_EQ(back.daemon, "tulled 0.1.0");
    EXPECT_EQ(back.version, (ProtocolVersion{1, 2}));
    EXPECT_EQ(back.uptime, 3600);
    EXPECT_EQ(back.tunnels_up, 1U);
    EXPECT_EQ(back.clients, 4U);
}

TEST(MessagesRoundTrip, StatsHistory) {
    PeerHistory first{key(kKey1), {{100, 0, 0}, {101, 2048, 10}, {102, 5'000'000'000ULL, 20}}};
    PeerHistory empty{key(kKey2), {}};
    Json peers = Json::array({to_json(first), to_json(empty)});
    const auto history = decoded(stats_history_from_json(wire(Json{{"peers", peers}}))).peers;
    ASSERT_EQ(history.size(), 2U);
    EXPECT_EQ(history[0].public_key, key(kKey1));
    ASSERT_EQ(history[0].samples.size(), 3U);
    EXPECT_EQ(history[0].samples[2].time, 102);
    EXPECT_EQ(history[0].samples[2].rx_bytes, 5'000'000'000ULL);
    EXPECT_EQ(history[0].samples[2].tx_bytes, 20U);
    EXPECT_TRUE(history[1].samples.empty());
    EXPECT_EQ(to_json(StatsSample{1, 2, 3}), Json::array({1, 2, 3}));
}

TEST(MessagesRoundTrip, StatsEvent) {
    const auto back =
        round_trip(StatsEvent{"office", 1'700'000'000, {sample_peer()}}, stats_event_from_json);
    EXPECT_EQ(back.tunnel, "office");
    EXPECT_EQ(back.time, 1'700'000'000);
    ASSERT_EQ(back.peers.size(), 1U);
    EXPECT_EQ(back.peers[0].name, "laptop");
}

TEST(MessagesRoundTrip, LogLineAndLines) {
    const LogLine line{1'700'000'000'123, LogLevel::warning, "handshake did not complete"};
    const auto back = round_trip(line, [](const Json& json) { return log_line_from_json(json); });
    EXPECT_EQ(back.time_ms, line.time_ms);
    EXPECT_EQ(back.level, LogLevel::warning);
    EXPECT_EQ(back.message, line.message);
    const auto lines = decoded(log_lines_from_json(wire(Json{{"lines", {to_json(line)}}})));
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0].message, line.message);
}

TEST(MessagesRoundTrip, TunnelChanged) {
    const auto back = round_trip(TunnelChanged{sample_tunnel(), true}, tunnel_changed_from_json);
    EXPECT_EQ(back.tunnel.name, "office");
    EXPECT_TRUE(back.removed);
}

TEST(MessagesRoundTrip, PeerChanged) {
    const auto back = round_trip(PeerChanged{"office", key(kKey1), false}, peer_changed_from_json);
    EXPECT_EQ(back.tunnel, "office");
    EXPECT_EQ(back.public_key, key(kKey1));
    EXPECT_FALSE(back.removed);
}

// --- bad input ----------------------------------------------------------------------------------

using Decoder = std::function<std::optional<Error>(const Json&)>;

template <typename T>
std::optional<Error> error_of(const Outcome<T>& result) {
    if (!result.ok()) {
        return result.error();
    }
    return std::nullopt;
}

template <typename Decode>
Decoder decoder(Decode decode) {
    return [decode](const Json& json) { return error_of(decode(json)); };
}

struct BadInput {
    std::string label;
    Decoder decode;
    std::string json;
    std::string message_starts;  // the field, and usually why
};

void PrintTo(const BadInput& input, std::ostream* out) {
    *out << input.label << ": " << input.json;
}

class MessagesBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(MessagesBadInput, IsRefusedNamingTheField) {
    const auto error = GetParam().decode(Json::parse(GetParam().json));
    ASSERT_TRUE(error) << "accepted: " << GetParam().json;
    EXPECT_EQ(error->code, ErrorCode::invalid_params);
    EXPECT_EQ(error->message.rfind(GetParam().message_starts, 0), 0U) << error->message;
}

std::string peer_edit_json(const std::string& peer_fields) {
    return R"({"tunnel":"wg0","peer":{"public_key":")" + std::string(kKey1) + "\"" +
           (peer_fields.empty() ? "" : "," + peer_fields) + "}}";
}

std::string peer_status_json(const std::string& replaced_field) {
    Json json = to_json(sample_peer());
    json.merge_patch(Json::parse("{" + replaced_field + "}"));
    return json.dump();
}

std::string tunnel_status_json(const std::string& replaced_field) {
    Json json = to_json(sample_tunnel());
    json.merge_patch(Json::parse("{" + replaced_field + "}"));
    return json.dump();
}

const Decoder kTunnelRef = decoder(tunnel_ref_from_json);
const Decoder kTunnelUp = decoder(tunnel_up_from_json);
const Decoder kTunnelSave = decoder(tunnel_save_from_json);
const Decoder kPeerEdit = decoder(peer_edit_from_json);
const Decoder kPeerRef = decoder(peer_ref_from_json);
const Decoder kStatsQuery = decoder(stats_query_from_json);
const Decoder kLogQuery = decoder(log_query_from_json);
const Decoder kSubscription = decoder(subscription_from_json);
const Decoder kPeerStatus = decoder([](const Json& json) { return peer_status_from_json(json); });
const Decoder kTunnelStatus =
    decoder([](const Json& json) { return tunnel_status_from_json(json); });
const Decoder kTunnelList = decoder(tunnel_list_from_json);
const Decoder kTunnelDetail = decoder(tunnel_detail_from_json);
const Decoder kDaemonStatus = decoder(daemon_status_from_json);
const Decoder kStatsHistory = decoder(stats_history_from_json);
const Decoder kStatsEvent = decoder(stats_event_from_json);
const Decoder kLogLine = decoder([](const Json& json) { return log_line_from_json(json); });
const Decoder kLogLines = decoder(log_lines_from_json);
const Decoder kTunnelChanged = decoder(tunnel_changed_from_json);
const Decoder kPeerChanged = decoder(peer_changed_from_json);

INSTANTIATE_TEST_SUITE_P(
    Params, MessagesBadInput,
    ::testing::Values(
        BadInput{"params not an object", kTunnelRef, "[]", "params: expected an object"},
        BadInput{"name missing", kTunnelRef, "{}", "params.name: missing"},
        BadInput{"name not a string", kTunnelRef, R"({"name":5})",
                 "params.name: expected a string"},
        BadInput{"name empty", kTunnelRef, R"({"name":""})",
                 "params.name: a tunnel name may not be empty"},
        BadInput{"name too long", kTunnelUp, R"({"name":"sixteen-chars-xx"})",
                 "params.name: a tunnel name has at most 15"},
        BadInput{"name with a slash", kTunnelUp, R"({"name":"../etc"})",
                 "params.name: a tunnel name may hold only"},
        BadInput{"name with a space", kTunnelSave, R"({"name":"a b"})",
                 "params.name: a tunnel name may hold only"},
        BadInput{"config not a string", kTunnelUp, R"({"name":"wg0","config":["x"]})",
                 "params.config: expected a string"},
        BadInput{"kill_switch not a boolean", kTunnelUp, R"({"name":"wg0","kill_switch":1})",
                 "params.kill_switch: expected true or false"},
        BadInput{"allow_lan not a boolean", kTunnelUp, R"({"name":"wg0","allow_lan":"yes"})",
                 "params.allow_lan: expected true or false"},
        BadInput{"autostart not a boolean", kTunnelSave, R"({"name":"wg0","autostart":"yes"})",
                 "params.autostart: expected true or false"},
        BadInput{"peer edit without tunnel", kPeerEdit, R"({"peer":{}})", "params.tunnel: missing"},
        BadInput{"peer edit without peer", kPeerEdit, R"({"tunnel":"wg0"})",
                 "params.peer: missing"},
        BadInput{"peer not an object", kPeerEdit, R"({"tunnel":"wg0","peer":[]})",
                 "params.peer: expected an object"},
        BadInput{"peer without key", kPeerEdit, R"({"tunnel":"wg0","peer":{}})",
                 "params.peer.public_key: missing"},
        BadInput{"peer key too short", kPeerEdit, R"({"tunnel":"wg0","peer":{"public_key":"abc"}})",
                 "params.peer.public_key: "},
        BadInput{
            "peer key not canonical", kPeerEdit,
            R"({"tunnel":"wg0","peer":{"public_key":"Q2TYThaGV2DI6vUTlcfba5E41BhU4t7pVWMPbTho7QB="}})",
            "params.peer.public_key: "},
        BadInput{"second allowed ip too long", kPeerEdit,
                 peer_edit_json(R"("allowed_ips":["10.0.0.1/32","10.0.0.0/33"])"),
                 "params.peer.allowed_ips[1]: '10.0.0.0/33'"},
        BadInput{"allowed ip not an address", kPeerEdit,
                 peer_edit_json(R"("allowed_ips":["laptop"])"),
                 "params.peer.allowed_ips[0]: 'laptop'"},
        BadInput{"allowed ip not a string", kPeerEdit,
                 peer_edit_json(R"("allowed_ips":["::/0",7])"),
                 "params.peer.allowed_ips[1]: expected a string"},
        BadInput{"allowed ips not a list", kPeerEdit,
                 peer_edit_json(R"("allowed_ips":"10.0.0.0/8")"),
                 "params.peer.allowed_ips: expected an array of strings"},
        BadInput{"endpoint without port", kPeerEdit, peer_edit_json(R"("endpoint":"192.0.2.1")"),
                 "params.peer.endpoint: '192.0.2.1'"},
        BadInput{"endpoint port 0", kPeerEdit, peer_edit_json(R"("endpoint":"192.0.2.1:0")"),
                 "params.peer.endpoint: '192.0.2.1:0'"},
        BadInput{"endpoint ipv6 without brackets", kPeerEdit,
                 peer_edit_json(R"("endpoint":"2001:db8::1:51820")"), "params.peer.endpoint: "},
        BadInput{"preshared key not base64", kPeerEdit,
                 peer_edit_json(R"("preshared_key":"not a key")"), "params.peer.preshared_key: "},
        BadInput{"keepalive negative", kPeerEdit, peer_edit_json(R"("persistent_keepalive":-1)"),
                 "params.peer.persistent_keepalive: expected an integer from 0 to 65535"},
        BadInput{"keepalive too large", kPeerEdit,
                 peer_edit_json(R"("persistent_keepalive":65536)"),
                 "params.peer.persistent_keepalive: expected an integer from 0 to 65535"},
        BadInput{"keepalive a string", kPeerEdit, peer_edit_json(R"("persistent_keepalive":"25")"),
                 "params.peer.persistent_keepalive: expected an integer"},
        BadInput{"keepalive a fraction", kPeerEdit, peer_edit_json(R"("persistent_keepalive":2.5)"),
                 "params.peer.persistent_keepalive: expected an integer"},
        BadInput{"peer name too long", kPeerEdit,
                 peer_edit_json("\"name\":\"" + std::string(65, 'x') + "\""),
                 "params.peer.name: a name has at most 64 characters"},
        BadInput{"peer name with a control character", kPeerEdit,
                 peer_edit_json(R"("name":"a\u001b[31m")"),
                 "params.peer.name: a name may not hold control characters"},
        BadInput{"peer name not a string", kPeerEdit, peer_edit_json(R"("name":false)"),
                 "params.peer.name: expected a string"},
        BadInput{"peer ref bad tunnel", kPeerRef, R"({"tunnel":"","public_key":"x"})",
                 "params.tunnel: a tunnel name may not be empty"},
        BadInput{"peer ref bad key", kPeerRef, R"({"tunnel":"wg0","public_key":"x"})",
                 "params.public_key: "},
        BadInput{"stats seconds 0", kStatsQuery, R"({"tunnel":"wg0","seconds":0})",
                 "params.seconds: expected an integer from 1 to 600"},
        BadInput{"stats seconds too many", kStatsQuery, R"({"tunnel":"wg0","seconds":601})",
                 "params.seconds: expected an integer from 1 to 600"},
        BadInput{"stats limit 0", kStatsQuery, R"({"tunnel":"wg0","limit":0})",
                 "params.limit: expected an integer from 1 to 1000"},
        BadInput{"stats limit too many", kStatsQuery, R"({"tunnel":"wg0","limit":1001})",
                 "params.limit: expected an integer from 1 to 1000"},
        BadInput{"stats bad after", kStatsQuery, R"({"tunnel":"wg0","after":"x"})",
                 "params.after: "},
        BadInput{"stats bad key", kStatsQuery, R"({"tunnel":"wg0","public_key":""})",
                 "params.public_key: "},
        BadInput{"log lines 0", kLogQuery, R"({"lines":0})",
                 "params.lines: expected an integer from 1 to 10000"},
        BadInput{"log lines negative", kLogQuery, R"({"lines":-5})",
                 "params.lines: expected an integer from 1 to 10000"},
        BadInput{"log lines too many", kLogQuery, R"({"lines":10001})",
                 "params.lines: expected an integer from 1 to 10000"},
        BadInput{"log lines far too many", kLogQuery, R"({"lines":18446744073709551615})",
                 "params.lines: expected an integer from 1 to 10000"},
        BadInput{"log lines a string", kLogQuery, R"({"lines":"10"})",
                 "params.lines: expected an integer"},
        BadInput{"log level unknown", kLogQuery, R"({"level":"loud"})",
                 "params.level: expected trace, debug"},
        BadInput{"log level not a string", kLogQuery, R"({"level":3})",
                 "params.level: expected a string"},
        BadInput{"unknown topic", kSubscription, R"({"topics":["tunnels","weather"]})",
                 "params.topics: 'weather' is not a topic"},
        BadInput{"topics not a list", kSubscription, R"({"topics":"stats"})",
                 "params.topics: expected an array of strings"},
        BadInput{"topic not a string", kSubscription, R"({"topics":[1]})",
                 "params.topics[0]: expected a string"}));

INSTANTIATE_TEST_SUITE_P(
    Results, MessagesBadInput,
    ::testing::Values(
        BadInput{"peer status bad key", kPeerStatus, peer_status_json(R"("public_key":"x")"),
                 "result.public_key: "},
        BadInput{"peer status handshake missing", kPeerStatus,
                 peer_status_json(R"("last_handshake":null)"), "result.last_handshake: missing"},
        BadInput{"peer status negative bytes", kPeerStatus, peer_status_json(R"("rx_bytes":-1)"),
                 "result.rx_bytes: expected an integer from 0"},
        BadInput{"peer status negative rate", kPeerStatus, peer_status_json(R"("tx_rate":-0.5)"),
                 "result.tx_rate: expected a number of at least 0"},
        BadInput{"peer status rate a string", kPeerStatus, peer_status_json(R"("rx_rate":"fast")"),
                 "result.rx_rate: expected a number"},
        BadInput{"peer status bad allowed ip", kPeerStatus,
                 peer_status_json(R"("allowed_ips":["10.0.0.2/32","::1/129"])"),
                 "result.allowed_ips[1]: '::1/129'"},
        BadInput{"peer status keepalive too large", kPeerStatus,
                 peer_status_json(R"("persistent_keepalive":70000)"),
                 "result.persistent_keepalive: expected an integer from 0 to 65535"},
        BadInput{"tunnel status bad name", kTunnelStatus, tunnel_status_json(R"("name":"a b")"),
                 "result.name: a tunnel name may hold only"},
        BadInput{"tunnel status unknown dns manager", kTunnelStatus,
                 tunnel_status_json(R"("dns":"dnsmasq")"),
                 "result.dns: 'dnsmasq' is not systemd-resolved, resolvconf or none"},
        BadInput{"tunnel status port too large", kTunnelStatus,
                 tunnel_status_json(R"("listen_port":65536)"),
                 "result.listen_port: expected an integer from 0 to 65535"},
        BadInput{"tunnel status up not a boolean", kTunnelStatus, tunnel_status_json(R"("up":1)"),
                 "result.up: expected true or false"},
        BadInput{"tunnel status bad address", kTunnelStatus,
                 tunnel_status_json(R"("addresses":["10.0.0.256/24"])"),
                 "result.addresses[0]: '10.0.0.256/24'"},
        BadInput{"tunnel list not a list", kTunnelList, R"({"tunnels":3})",
                 "result.tunnels: expected an array"},
        BadInput{"tunnel list missing", kTunnelList, R"({})", "result.tunnels: expected an array"},
        BadInput{"second tunnel of a list", kTunnelList,
                 "{\"tunnels\":[" + tunnel_status_json("") + "," +
                     tunnel_status_json(R"("name":"")") + "]}",
                 "result.tunnels[1].name: a tunnel name may not be empty"},
        BadInput{"detail without status", kTunnelDetail, R"({"peers":[],"config":""})",
                 "result.status: missing"},
        BadInput{"detail status not an object", kTunnelDetail,
                 R"({"status":1,"peers":[],"config":""})", "result.status: expected an object"},
        BadInput{"detail bad peer", kTunnelDetail,
                 "{\"status\":" + tunnel_status_json("") + ",\"peers\":[" +
                     peer_status_json(R"("public_key":"")") + "],\"config\":\"\"}",
                 "result.peers[0].public_key: "},
        BadInput{"detail without config", kTunnelDetail,
                 "{\"status\":" + tunnel_status_json("") + ",\"peers\":[]}",
                 "result.config: missing"},
        BadInput{
            "daemon version not a number", kDaemonStatus,
            R"({"daemon":"tulled","version":{"major":"1","minor":0},"uptime":1,"tunnels_up":0,"clients":0})",
            "result.version.major: expected an integer"},
        BadInput{
            "daemon uptime negative", kDaemonStatus,
            R"({"daemon":"tulled","version":{"major":1,"minor":0},"uptime":-1,"tunnels_up":0,"clients":0})",
            "result.uptime: expected an integer from 0"},
        BadInput{"daemon without name", kDaemonStatus,
                 R"({"version":{"major":1,"minor":0},"uptime":1,"tunnels_up":0,"clients":0})",
                 "result.daemon: missing"},
        BadInput{"history bad key", kStatsHistory, R"({"peers":[{"public_key":"x","samples":[]}]})",
                 "result.peers[0].public_key: "},
        BadInput{"history without samples", kStatsHistory,
                 R"({"peers":[{"public_key":")" + std::string(kKey1) + R"("}]})",
                 "result.peers[0].samples: expected an array"},
        BadInput{"history sample too short", kStatsHistory,
                 R"({"peers":[{"public_key":")" + std::string(kKey1) +
                     R"(","samples":[[1,2,3],[4,5]]}]})",
                 "result.peers[0].samples[1]: expected [time, rx_bytes, tx_bytes]"},
        BadInput{
            "history negative bytes", kStatsHistory,
            R"({"peers":[{"public_key":")" + std::string(kKey1) + R"(","samples":[[1,-2,3]]}]})",
            "result.peers[0].samples[0]: expected [time, rx_bytes, tx_bytes]"},
        BadInput{"log lines not a list", kLogLines, R"({"lines":{}})",
                 "result.lines: expected an array"},
        BadInput{"log line with unknown level", kLogLines,
                 R"({"lines":[{"time_ms":1,"level":"loud","message":"x"}]})",
                 "result.lines[0].level: 'loud' is not a log level"},
        BadInput{"log line without message", kLogLines,
                 R"({"lines":[{"time_ms":1,"level":"info"}]})",
                 "result.lines[0].message: missing"}));

INSTANTIATE_TEST_SUITE_P(
    Events, MessagesBadInput,
    ::testing::Values(BadInput{"stats event bad tunnel", kStatsEvent,
                               R"({"tunnel":"a/b","time":1,"peers":[]})",
                               "params.tunnel: a tunnel name may hold only"},
                      BadInput{"stats event negative time", kStatsEvent,
                               R"({"tunnel":"wg0","time":-1,"peers":[]})",
                               "params.time: expected an integer from 0"},
                      BadInput{"stats event bad peer", kStatsEvent,
                               "{\"tunnel\":\"wg0\",\"time\":1,\"peers\":[" + peer_status_json("") +
                                   "," + peer_status_json(R"("rx_bytes":"many")") + "]}",
                               "params.peers[1].rx_bytes: expected an integer"},
                      BadInput{"log event bad level", kLogLine,
                               R"({"time_ms":1,"level":"","message":"x"})",
                               "params.level: '' is not a log level"},
                      BadInput{"log event negative time", kLogLine,
                               R"({"time_ms":-1,"level":"info","message":"x"})",
                               "params.time_ms: expected an integer from 0"},
                      BadInput{"tunnel changed without tunnel", kTunnelChanged,
                               R"({"removed":true})", "params.tunnel: missing"},
                      BadInput{"tunnel changed bad tunnel", kTunnelChanged,
                               "{\"tunnel\":" + tunnel_status_json(R"("rx_bytes":-3)") + "}",
                               "params.tunnel.rx_bytes: expected an integer from 0"},
                      BadInput{"tunnel changed removed not a boolean", kTunnelChanged,
                               "{\"tunnel\":" + tunnel_status_json("") + ",\"removed\":\"yes\"}",
                               "params.removed: expected true or false"},
                      BadInput{"peer changed bad key", kPeerChanged,
                               R"({"tunnel":"wg0","public_key":"x"})", "params.public_key: "}));

TEST(MessagesSecrets, ABadPresharedKeyIsNotQuoted) {
    const std::string almost = std::string(kPsk.substr(0, 43)) + "!";
    const auto error = error_of(
        peer_edit_from_json(Json::parse(peer_edit_json("\"preshared_key\":\"" + almost + "\""))));
    ASSERT_TRUE(error);
    EXPECT_EQ(error->message.find(almost.substr(0, 20)), std::string::npos) << error->message;
}

// --- the method table ---------------------------------------------------------------------------

TEST(MethodTable, NamesAreUniqueAndEveryMethodIsListedOnce) {
    std::set<std::string_view> names{HelloMethod::name};
    Methods::for_each([&names](auto type) {
        using M = typename decltype(type)::type;
        EXPECT_TRUE(names.insert(M::name).second) << M::name;
    });
    EXPECT_EQ(names.size(), Methods::size + 1);
    EXPECT_TRUE(TunnelUpMethod::mutates);
    EXPECT_FALSE(TunnelGetMethod::mutates);
    EXPECT_EQ(TunnelUpMethod::name, "tunnel.up");
}

TEST(MethodTable, TheDispatcherDecodesParamsBeforeTheHandlerRuns) {
    struct Nothing {};
    Dispatcher<Nothing> dispatcher;
    int ran = 0;
    dispatcher.on<StatsHistoryMethod>([&ran](Nothing&, const StatsQuery& query) {
        ++ran;
        return StatsHistory{{PeerHistory{query.public_key.value_or(value::Key{}), {}}},
                            std::nullopt,
                            SampleEncoding::triples};
    });
    Nothing context;
    const auto* method = dispatcher.find("stats.history");
    ASSERT_NE(method, nullptr);
    EXPECT_EQ(dispatcher.find("stats.nothing"), nullptr);
    // The app once asked for 601 s; tulled keeps 600 and says so.
    auto refused = method->handler(context, Json{{"tunnel", "wg0"}, {"seconds", 601}});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_params);
    EXPECT_NE(refused.error().message.find("params.seconds"), std::string::npos)
        << refused.error().message;
    EXPECT_EQ(ran, 0);
    auto answered = method->handler(context, Json{{"tunnel", "wg0"}, {"seconds", 600}});
    ASSERT_TRUE(answered.ok());
    EXPECT_EQ(ran, 1);
    EXPECT_TRUE(read_result<StatsHistoryMethod>(*answered).ok());
}

TEST(MethodTable, AResultThatDoesNotDecodeIsTheDaemonsFault) {
    auto bad = read_result<TunnelGetMethod>(Json{{"status", 1}});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::internal_error);
    EXPECT_NE(bad.error().message.find("tunnel.get"), std::string::npos) << bad.error().message;
}

TEST(MethodTable, AMethodNewerThanTheDaemonIsNamed) {
    EXPECT_EQ(unsupported<TunnelUpMethod>(kProtocolVersion), "");
    struct Future : Method<"future.thing", NoParams, Done, kReads, ProtocolVersion{1, 99}> {};
    EXPECT_NE(unsupported<Future>(ProtocolVersion{1, 0}).find("update tulled"), std::string::npos);
}

// --- mesh networks ------------------------------------------------------------------------------

// Not a real invite: the codecs check only its form (mesh/ checks the rest).
const std::string kInvite = "TULLE1:" + std::string(120, 'A') + "234567QRSTUVWXYZ";

template <typename T>
T read_back(const Json& json) {
    return decoded(read(json, As<T>{}));
}

template <typename T>
T network_round_trip(const T& value) {
    return round_trip(value, [](const Json& json) { return read(json, As<T>{}); });
}

template <typename T>
Decoder reads() {
    return decoder([](const Json& json) { return read(json, As<T>{}); });
}

Member sample_member() {
    Member member;
    member.name = "laptop";
    member.public_key = key(kKey1);
    member.addresses = {prefix("10.88.0.7/32")};
    member.online = true;
    member.last_seen = 1'765'000'000;
    member.expires = 1'796'000'000;
    member.path =
        PeerPath{PathKind::direct, value::SocketAddress::parse("198.51.100.7:40123").value(), ""};
    return member;
}

NetworkStatus sample_network() {
    NetworkStatus network;
    network.name = "home";
    network.id = "00112233445566778899aabbccddeeff";
    network.role = NetworkRoleName::member;
    network.state = NetworkState::online;
    network.range = prefix("10.88.0.0/16");
    network.address = value::IpAddress::parse("10.88.0.7").value();
    network.public_key = key(kKey2);
    network.lighthouse = "server";
    network.endpoints = {value::Endpoint::parse("vpn.example.net:51820").value(),
                         value::Endpoint::parse("[2001:db8::1]:51820").value()};
    network.members = 3;
    network.up = true;
    return network;
}

TEST(NetworkMessages, CreateWithAndWithoutAPort) {
    NetworkCreate create{"home",
                         prefix("10.88.0.0/16"),
                         {value::Endpoint::parse("vpn.example.net:51820").value()},
                         51820};
    EXPECT_EQ(network_round_trip(create).listen_port, 51820);
    create.listen_port.reset();
    create.range = prefix("fd88::/64");
    const auto back = network_round_trip(create);
    EXPECT_EQ(back.listen_port, std::nullopt);
    EXPECT_EQ(back.range, prefix("fd88::/64"));
    EXPECT_EQ(back.endpoints.at(0).to_string(), "vpn.example.net:51820");
}

TEST(NetworkMessages, InviteDefaultsToADayAndTheJoinersChoice) {
    const auto bare = read_back<NetworkInvite>(Json{{"network", "home"}});
    EXPECT_EQ(bare.expires_in, 24 * 3600);
    EXPECT_EQ(bare.name, "");
    EXPECT_EQ(bare.address, std::nullopt);
    NetworkInvite full{"home", "phone", value::IpAddress::parse("10.88.0.9").value(), 60};
    const auto back = network_round_trip(full);
    EXPECT_EQ(back.name, "phone");
    EXPECT_EQ(back.address->to_string(), "10.88.0.9");
    EXPECT_EQ(back.expires_in, 60);
    EXPECT_EQ(to_json(network_round_trip(NetworkInvite{"home", "", std::nullopt, 7LL * 24 * 3600}))
                  .count("name"),
              0U);
}

TEST(NetworkMessages, InviteIssuedJoinAndReferences) {
    InviteIssued issued{"home", kInvite, "laptop", value::IpAddress::parse("10.88.0.7").value(),
                        1'765'086'400};
    EXPECT_EQ(network_round_trip(issued).invite, kInvite);
    EXPECT_EQ(network_round_trip(NetworkJoin{kInvite, "laptop"}).name, "laptop");
    EXPECT_EQ(network_round_trip(NetworkJoin{kInvite, ""}).name, "");
    // Pasted: lower case, with the line's end.
    std::string pasted = kInvite;
    for (char& c : pasted) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    pasted += "\r\n";
    EXPECT_EQ(read_back<NetworkJoin>(Json{{"invite", pasted}}).invite, pasted);
    EXPECT_EQ(network_round_trip(NetworkRef{"home"}).network, "home");
    EXPECT_EQ(network_round_trip(MemberRef{"home", "laptop"}).member, "laptop");
    EXPECT_EQ(network_round_trip(MemberRef{"home", std::string(kKey1)}).member, kKey1);
}

TEST(NetworkMessages, StatusListAndEvent) {
    const auto back = network_round_trip(sample_network());
    EXPECT_EQ(back.endpoints.size(), 2U);
    EXPECT_EQ(back.state, NetworkState::online);
    NetworkStatus joining;
    joining.name = "home";
    joining.state = NetworkState::failed;
    joining.problem = "the invite was used already";
    joining.range = prefix("10.88.0.0/16");
    const auto failed = network_round_trip(joining);
    EXPECT_EQ(failed.address, std::nullopt);
    EXPECT_EQ(failed.public_key, std::nullopt);
    EXPECT_EQ(failed.problem, "the invite was used already");
    const auto list = network_round_trip(NetworkList{{sample_network(), joining}});
    EXPECT_EQ(list.networks.size(), 2U);
    EXPECT_EQ(list.networks[1].state, NetworkState::failed);
    const auto event =
        network_round_trip(NetworkChanged{"home", NetworkState::offline, "no answer", false});
    EXPECT_EQ(event.state, NetworkState::offline);
    EXPECT_TRUE(network_round_trip(NetworkChanged{"home", NetworkState::online, "", true}).removed);
}

TEST(NetworkMessages, MembersWithEveryPath) {
    Member lighthouse = sample_member();
    lighthouse.name = "server";
    lighthouse.public_key = key(kKey2);
    lighthouse.lighthouse = true;
    lighthouse.path =
        PeerPath{PathKind::lan, value::SocketAddress::parse("192.168.1.2:51820").value(), ""};
    Member self = sample_member();
    self.self = true;
    self.path = PeerPath{};
    Member relayed = sample_member();
    relayed.name = "phone";
    relayed.path = PeerPath{PathKind::relay,
                            value::SocketAddress::parse("[2001:db8::1]:51820").value(), "server"};
    const auto back = network_round_trip(MemberList{"home", {lighthouse, self, relayed}});
    ASSERT_EQ(back.members.size(), 3U);
    EXPECT_EQ(back.members[0].path, lighthouse.path);
    EXPECT_EQ(back.members[1].path, PeerPath{});
    EXPECT_EQ(back.members[2].path, relayed.path);
    EXPECT_EQ(to_json(back.members[1].path), Json({{"kind", "none"}}));
}

TEST(NetworkMessages, APeerStatusCarriesItsPathAndAnOlderDaemonsHasNone) {
    PeerStatus peer = sample_peer();
    peer.path =
        PeerPath{PathKind::direct, value::SocketAddress::parse("198.51.100.7:40123").value(), ""};
    const auto back =
        round_trip(peer, [](const Json& json) { return peer_status_from_json(json); });
    EXPECT_EQ(back.path, peer.path);
    EXPECT_EQ(to_json(back)["path"],
              Json({{"kind", "direct"}, {"endpoint", "198.51.100.7:40123"}}));
    Json old = to_json(sample_peer());
    old.erase("path");
    EXPECT_EQ(decoded(peer_status_from_json(old)).path, PeerPath{});
}

PathChanged sample_path_change() {
    PathChanged change;
    change.tunnel = "home";
    change.peer = key(kKey1);
    change.name = "laptop";
    change.from =
        PeerPath{PathKind::direct, value::SocketAddress::parse("198.51.100.7:40123").value(), ""};
    change.to = PeerPath{PathKind::relay, value::SocketAddress::parse("203.0.113.1:51820").value(),
                         "server"};
    change.reason = "no pong from 198.51.100.7:40123 for 5 s";
    return change;
}

TEST(NetworkMessages, APathChangeCarriesBothPathsAndWhy) {
    const PathChanged change = sample_path_change();
    const auto back = network_round_trip(change);
    EXPECT_EQ(back.tunnel, "home");
    EXPECT_EQ(back.peer, key(kKey1));
    EXPECT_EQ(back.name, "laptop");
    EXPECT_EQ(back.from, change.from);
    EXPECT_EQ(back.to, change.to);
    EXPECT_EQ(back.reason, change.reason);
    EXPECT_EQ(to_json(change)["to"],
              Json({{"kind", "relay"}, {"endpoint", "203.0.113.1:51820"}, {"via", "server"}}));
    // A peer whose member name is not known yet, leaving a path for none.
    PathChanged nameless = change;
    nameless.name.clear();
    nameless.to = PeerPath{};
    const Json json = to_json(nameless);
    EXPECT_FALSE(json.contains("name"));
    const auto bare = network_round_trip(nameless);
    EXPECT_EQ(bare.name, "");
    EXPECT_EQ(bare.to, PeerPath{});
    // The longest reason allowed passes.
    PathChanged longest = change;
    longest.reason = std::string(kMaxPathReasonBytes, 'x');
    EXPECT_EQ(network_round_trip(longest).reason.size(), kMaxPathReasonBytes);
}

TEST(NetworkMessages, APathChangeIsAnEventOfTopicPeers) {
    EXPECT_EQ(PathChangedEvent::name, "path.changed");
    EXPECT_EQ(PathChangedEvent::topic, Topic::peers);
    const Request event = notification<PathChangedEvent>(sample_path_change());
    EXPECT_TRUE(event.is_notification());
    EXPECT_EQ(event.method, "path.changed");
    EXPECT_EQ(decoded(read(wire(event.params), As<PathChanged>{})).reason,
              sample_path_change().reason);
    EXPECT_EQ(kProtocolVersion, (ProtocolVersion{1, 5}));
}

TEST(NetworkMessages, TheNameRulesAreTheMeshOnes) {
    EXPECT_EQ(member_name_error("laptop-2_x.y"), std::nullopt);
    EXPECT_EQ(member_name_error(std::string(63, 'a')), std::nullopt);
    EXPECT_NE(member_name_error(std::string(64, 'a')), std::nullopt);
    EXPECT_NE(member_name_error(""), std::nullopt);
    EXPECT_NE(member_name_error("my laptop"), std::nullopt);
    EXPECT_NE(member_name_error("caf\xc3\xa9"), std::nullopt);
    EXPECT_EQ(network_range_error(prefix("10.0.0.0/8")), std::nullopt);
    EXPECT_EQ(network_range_error(prefix("10.88.0.0/30")), std::nullopt);
    EXPECT_EQ(network_range_error(prefix("fd00:88::/48")), std::nullopt);
    EXPECT_EQ(network_range_error(prefix("fd00:88::/126")), std::nullopt);
    EXPECT_NE(network_range_error(prefix("10.0.0.0/7")), std::nullopt);
    EXPECT_NE(network_range_error(prefix("10.0.0.0/31")), std::nullopt);
    EXPECT_NE(network_range_error(prefix("fd00::/47")), std::nullopt);
    EXPECT_EQ(invite_text_error(kInvite), std::nullopt);
    EXPECT_EQ(invite_text_error(" tulle1:abc234\n"), std::nullopt);
    EXPECT_NE(invite_text_error("TULLE1:"), std::nullopt);
    EXPECT_NE(invite_text_error("TULLE2:ABC"), std::nullopt);
    EXPECT_EQ(invite_text_error("TULLE1:" + std::string(kMaxInviteText - 7, 'A')), std::nullopt);
    EXPECT_NE(invite_text_error("TULLE1:" + std::string(kMaxInviteText - 6, 'A')), std::nullopt);
}

TEST(NetworkMessages, ABadInviteIsNotQuoted) {
    // The invite holds the enrollment key: an error must not echo it into a log or a terminal.
    const std::string damaged = kInvite.substr(0, 60) + "1" + kInvite.substr(61);
    for (const auto& error : {error_of(read(Json{{"invite", damaged}}, As<NetworkJoin>{})),
                              error_of(read(Json{{"network", "home"},
                                                 {"invite", damaged},
                                                 {"address", "10.88.0.7"},
                                                 {"expires", 1}},
                                            As<InviteIssued>{}))}) {
        ASSERT_TRUE(error);
        EXPECT_NE(error->message.find("character 61"), std::string::npos) << error->message;
        EXPECT_EQ(error->message.find(kInvite.substr(7, 20)), std::string::npos) << error->message;
    }
}

std::string merged(const Json& base, const std::string& patch) {
    Json json = base;
    json.merge_patch(Json::parse("{" + patch + "}"));
    return json.dump();
}

const std::string kCreate =
    R"({"name":"home","range":"10.88.0.0/16","endpoints":["vpn.example.net:51820"]})";

INSTANTIATE_TEST_SUITE_P(
    Networks, MessagesBadInput,
    ::testing::Values(
        BadInput{"network name not a tunnel name", reads<NetworkCreate>(),
                 merged(Json::parse(kCreate), R"("name":"home/x")"),
                 "params.name: a tunnel name may hold only"},
        BadInput{"range with host bits", reads<NetworkCreate>(),
                 merged(Json::parse(kCreate), R"("range":"10.88.1.0/16")"),
                 "params.range: 10.88.1.0/16 has bits set past its length (did you mean "
                 "10.88.0.0/16?)"},
        BadInput{"range too large", reads<NetworkCreate>(),
                 merged(Json::parse(kCreate), R"("range":"10.0.0.0/7")"),
                 "params.range: 10.0.0.0/7: a network's range is from /8 to /30 for IPv4"},
        BadInput{"range too small", reads<NetworkCreate>(),
                 merged(Json::parse(kCreate), R"("range":"fd00::/127")"),
                 "params.range: fd00::/127: a network's range is from /48 to /126 for IPv6"},
        BadInput{"range not a prefix", reads<NetworkCreate>(),
                 merged(Json::parse(kCreate), R"("range":"home")"), "params.range: 'home': "},
        BadInput{"no endpoints", reads<NetworkCreate>(),
                 merged(Json::parse(kCreate), R"("endpoints":[])"),
                 "params.endpoints: expected 1 to 4 endpoints, not 0"},
        BadInput{"endpoints missing", reads<NetworkCreate>(),
                 R"({"name":"home","range":"10.88.0.0/16"})",
                 "params.endpoints: expected 1 to 4 endpoints, not 0"},
        BadInput{
            "five endpoints", reads<NetworkCreate>(),
            merged(
                Json::parse(kCreate),
                R"("endpoints":["a.example:1","b.example:1","c.example:1","d.example:1","e.example:1"])"),
            "params.endpoints: expected 1 to 4 endpoints, not 5"},
        BadInput{"endpoint without a port", reads<NetworkCreate>(),
                 merged(Json::parse(kCreate), R"("endpoints":["a.example:1","vpn.example.net"])"),
                 "params.endpoints[1]: 'vpn.example.net': "},
        BadInput{"port 0", reads<NetworkCreate>(),
                 merged(Json::parse(kCreate), R"("listen_port":0)"),
                 "params.listen_port: expected an integer from 1 to 65535"},
        BadInput{"invite expiring too soon", reads<NetworkInvite>(),
                 R"({"network":"home","expires_in":59})",
                 "params.expires_in: expected an integer from 60 to 604800"},
        BadInput{"invite expiring too late", reads<NetworkInvite>(),
                 R"({"network":"home","expires_in":604801})",
                 "params.expires_in: expected an integer from 60 to 604800"},
        BadInput{"invite for a bad member name", reads<NetworkInvite>(),
                 R"({"network":"home","name":"my laptop"})",
                 "params.name: 'my laptop': a member's name may hold only letters"},
        BadInput{
            "invite with a long member name", reads<NetworkInvite>(),
            R"({"network":"home","name":")" + std::string(64, 'a') + "\"}",
            "params.name: '" + std::string(64, 'a') + "': a member's name has 1 to 63 characters"},
        BadInput{"invite address not an address", reads<NetworkInvite>(),
                 R"({"network":"home","address":"10.88.0.0/16"})",
                 "params.address: '10.88.0.0/16': "},
        BadInput{"invite without a network", reads<NetworkInvite>(), R"({})",
                 "params.network: missing"},
        BadInput{"join without an invite", reads<NetworkJoin>(), R"({})", "params.invite: missing"},
        BadInput{"join with something else", reads<NetworkJoin>(), R"({"invite":"[Interface]"})",
                 "params.invite: not an invite: an invite is one line that starts with TULLE1:"},
        BadInput{"join with a long invite", reads<NetworkJoin>(),
                 R"({"invite":"TULLE1:)" + std::string(2000, 'A') + "\"}",
                 "params.invite: an invite has at most 2000 characters, not 2007"},
        BadInput{"join with a bad name", reads<NetworkJoin>(),
                 R"({"invite":")" + kInvite + R"(","name":"a/b"})",
                 "params.name: 'a/b': a member's name may hold only"},
        BadInput{"remove nobody", reads<MemberRef>(), R"({"network":"home","member":"a b"})",
                 "params.member: 'a b' is neither a member's name"},
        BadInput{"leave a bad name", reads<NetworkRef>(), R"({"network":""})",
                 "params.network: "}));

INSTANTIATE_TEST_SUITE_P(
    NetworkResults, MessagesBadInput,
    ::testing::Values(
        BadInput{"status with an unknown state", reads<NetworkStatus>(),
                 merged(to_json(sample_network()), R"("state":"happy")"),
                 "result.state: 'happy' is not joining, online, offline or failed"},
        BadInput{"status with an unknown role", reads<NetworkStatus>(),
                 merged(to_json(sample_network()), R"("role":"boss")"),
                 "result.role: 'boss' is not lighthouse or member"},
        BadInput{"status with a bad id", reads<NetworkStatus>(),
                 merged(to_json(sample_network()), R"("id":"00112233445566778899AABBCCDDEEFF")"),
                 "result.id: expected 32 lower-case hex digits"},
        BadInput{
            "status with five endpoints", reads<NetworkStatus>(),
            merged(
                to_json(sample_network()),
                R"("endpoints":["a.example:1","b.example:1","c.example:1","d.example:1","e.example:1"])"),
            "result.endpoints: expected 0 to 4 endpoints, not 5"},
        BadInput{"list with a bad network", reads<NetworkList>(),
                 "{\"networks\":[" + to_json(sample_network()).dump() + "," +
                     merged(to_json(sample_network()), R"("members":-1)") + "]}",
                 "result.networks[1].members: expected an integer from 0"},
        BadInput{"issued without an address", reads<InviteIssued>(),
                 R"({"network":"home","invite":")" + kInvite + R"(","expires":1})",
                 "result.address: missing"},
        BadInput{"member without addresses", reads<MemberList>(),
                 "{\"network\":\"home\",\"members\":[" +
                     merged(to_json(sample_member()), R"("addresses":[])") + "]}",
                 "result.members[0].addresses: expected 1 to 4 addresses, not 0"},
        BadInput{"member with a bad name", reads<MemberList>(),
                 "{\"network\":\"home\",\"members\":[" +
                     merged(to_json(sample_member()), R"("name":"")") + "]}",
                 "result.members[0].name: '': a member's name has 1 to 63"},
        BadInput{"path of an unknown kind", reads<MemberList>(),
                 "{\"network\":\"home\",\"members\":[" +
                     merged(to_json(sample_member()), R"("path":{"kind":"teleport"})") + "]}",
                 "result.members[0].path.kind: 'teleport' is not none, direct, lan or relay"},
        BadInput{"direct path without an endpoint", kPeerStatus,
                 peer_status_json(R"("path":{"kind":"direct"})"), "result.path.endpoint: missing"},
        BadInput{"no path with an endpoint", kPeerStatus,
                 peer_status_json(R"("path":{"kind":"none","endpoint":"192.0.2.1:1"})"),
                 "result.path.endpoint: a path of kind none has no endpoint"},
        BadInput{"path endpoint a host name", kPeerStatus,
                 peer_status_json(R"("path":{"kind":"lan","endpoint":"host.example:1"})"),
                 "result.path.endpoint: 'host.example:1': "},
        BadInput{"relay without a relay", kPeerStatus,
                 peer_status_json(R"("path":{"kind":"relay","endpoint":"192.0.2.1:1"})"),
                 "result.path.via: missing"},
        BadInput{
            "direct path via someone", kPeerStatus,
            peer_status_json(R"("path":{"kind":"direct","endpoint":"192.0.2.1:1","via":"server"})"),
            "result.path.via: only a relayed path names a relay"},
        BadInput{"path not an object", kPeerStatus, peer_status_json(R"("path":"direct")"),
                 "result.path: expected an object"},
        BadInput{"network changed with a bad state", reads<NetworkChanged>(),
                 R"({"network":"home","state":"gone"})",
                 "params.state: 'gone' is not joining, online, offline or failed"}));

std::string path_change_json(const std::string& patch) {
    return merged(to_json(sample_path_change()), patch);
}

INSTANTIATE_TEST_SUITE_P(
    PathChanges, MessagesBadInput,
    ::testing::Values(
        BadInput{
            "path change with a long reason", reads<PathChanged>(),
            path_change_json(R"("reason":")" + std::string(kMaxPathReasonBytes + 1, 'x') + "\""),
            "params.reason: a reason has at most 200 bytes, not 201"},
        BadInput{"path change without a reason", reads<PathChanged>(),
                 path_change_json(R"("reason":null)"), "params.reason: missing"},
        BadInput{"path change with a bad tunnel", reads<PathChanged>(),
                 path_change_json(R"("tunnel":"a/b")"), "params.tunnel: a tunnel name may hold"},
        BadInput{"path change with a bad key", reads<PathChanged>(),
                 path_change_json(R"("peer":"abc")"), "params.peer: "},
        BadInput{"path change with a bad member name", reads<PathChanged>(),
                 path_change_json(R"("name":"my laptop")"),
                 "params.name: 'my laptop': a member's name may hold only"},
        BadInput{"path change without a from", reads<PathChanged>(),
                 path_change_json(R"("from":null)"), "params.from: missing"},
        BadInput{"path change to an unknown kind", reads<PathChanged>(),
                 path_change_json(R"("to":{"kind":"teleport"})"),
                 "params.to.kind: 'teleport' is not none, direct, lan or relay"},
        BadInput{"path change to a relay without a relay", reads<PathChanged>(),
                 path_change_json(R"("to":{"via":null})"), "params.to.via: missing"},
        BadInput{"path change from nowhere with an endpoint", reads<PathChanged>(),
                 path_change_json(R"("from":{"kind":"none","endpoint":"192.0.2.1:1"})"),
                 "params.from.endpoint: a path of kind none has no endpoint"}));

}  // namespace
}  // namespace tulle::ipc
