#include "ctl/format.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tulle::ctl {
namespace {

// Keys made for these tests, nobody's real ones.
constexpr std::string_view kKey1 = "Q2TYThaGV2DI6vUTlcfba5E41BhU4t7pVWMPbTho7QA=";
constexpr std::string_view kKey2 = "YZclbjlbQWb7YpcQcBbj8e5QwaV+f4xMZxmzRLJrJfI=";
constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = kKiB * kKiB;
constexpr std::uint64_t kGiB = kMiB * kKiB;

value::Key key(std::string_view text) {
    return value::Key::from_base64(text).value();
}

value::IpPrefix prefix(std::string_view text) {
    return value::IpPrefix::parse(text).value();
}

// Times print in the local zone; these tests fix it to UTC.
class InUtc : public ::testing::Test {
  protected:
    void SetUp() override {
        ::setenv("TZ", "UTC", 1);
        ::tzset();
    }
};

ipc::PeerStatus peer(std::string name, std::string_view public_key) {
    ipc::PeerStatus out;
    out.public_key = key(public_key);
    out.name = std::move(name);
    return out;
}

TEST(HumanBytes, WholeBytesThenOneDecimalInIecUnits) {
    EXPECT_EQ(human_bytes(0), "0 B");
    EXPECT_EQ(human_bytes(1), "1 B");
    EXPECT_EQ(human_bytes(1023), "1023 B");
    EXPECT_EQ(human_bytes(kKiB), "1.0 KiB");
    EXPECT_EQ(human_bytes(1536), "1.5 KiB");
    EXPECT_EQ(human_bytes(12'595), "12.3 KiB");
    EXPECT_EQ(human_bytes(kMiB * 3 / 2), "1.5 MiB");
    EXPECT_EQ(human_bytes(12 * kGiB), "12.0 GiB");
    EXPECT_EQ(human_bytes(1024 * kGiB), "1.0 TiB");
    EXPECT_EQ(human_bytes(std::numeric_limits<std::uint64_t>::max()), "16.0 EiB");
}

TEST(HumanBytes, RoundingUpMovesToTheNextUnit) {
    EXPECT_EQ(human_bytes(kMiB - 1), "1.0 MiB");      // 1023.999 KiB
    EXPECT_EQ(human_bytes(kMiB - 52), "1023.9 KiB");  // 1023.949 KiB
    EXPECT_EQ(human_bytes(kGiB - 1), "1.0 GiB");
}

TEST(HumanRate, LikeBytesPerSecond) {
    EXPECT_EQ(human_rate(0), "0 B/s");
    EXPECT_EQ(human_rate(0.4), "0 B/s");
    EXPECT_EQ(human_rate(512.2), "512 B/s");
    EXPECT_EQ(human_rate(1023.4), "1023 B/s");
    EXPECT_EQ(human_rate(1023.6), "1.0 KiB/s");
    EXPECT_EQ(human_rate(12'595.2), "12.3 KiB/s");
    EXPECT_EQ(human_rate(static_cast<double>(100 * kMiB)), "100.0 MiB/s");
}

TEST(HumanRate, NonsenseReadsAsNothing) {
    EXPECT_EQ(human_rate(-5), "0 B/s");
    EXPECT_EQ(human_rate(std::nan("")), "0 B/s");
    EXPECT_EQ(human_rate(std::numeric_limits<double>::infinity()), "0 B/s");
}

TEST(HumanAge, SecondsMinutesHoursDays) {
    constexpr std::int64_t kNow = 1'700'000'000;
    EXPECT_EQ(human_age(0, kNow), "never");
    EXPECT_EQ(human_age(kNow, kNow), "0 s ago");
    EXPECT_EQ(human_age(kNow - 12, kNow), "12 s ago");
    EXPECT_EQ(human_age(kNow - 59, kNow), "59 s ago");
    EXPECT_EQ(human_age(kNow - 60, kNow), "1 min ago");
    EXPECT_EQ(human_age(kNow - 239, kNow), "3 min ago");
    EXPECT_EQ(human_age(kNow - 3600, kNow), "1 h ago");
    EXPECT_EQ(human_age(kNow - 5 * 3600 - 59, kNow), "5 h ago");
    EXPECT_EQ(human_age(kNow - 2 * 86400, kNow), "2 d ago");
}

TEST(HumanAge, AFutureTimeIsNow) {
    EXPECT_EQ(human_age(1'700'000'100, 1'700'000'000), "0 s ago");
}

TEST(HumanDuration, TwoLargestUnitsWithoutZeros) {
    EXPECT_EQ(human_duration(-1), "0 s");
    EXPECT_EQ(human_duration(0), "0 s");
    EXPECT_EQ(human_duration(45), "45 s");
    EXPECT_EQ(human_duration(60), "1 min");
    EXPECT_EQ(human_duration(725), "12 min 5 s");
    EXPECT_EQ(human_duration(3600), "1 h");
    EXPECT_EQ(human_duration(11'105), "3 h 5 min");
    EXPECT_EQ(human_duration(2 * 86400 + 3 * 3600 + 59), "2 d 3 h");
}

TEST(CountOf, SingularAndPlural) {
    EXPECT_EQ(count_of(0, "peer"), "0 peers");
    EXPECT_EQ(count_of(1, "peer"), "1 peer");
    EXPECT_EQ(count_of(2, "tunnel"), "2 tunnels");
}

TEST(Printable, EscapesControlCharactersOnly) {
    EXPECT_EQ(printable("laptop"), "laptop");
    EXPECT_EQ(printable("a\x1b[31mb"), "a\\x1b[31mb");
    EXPECT_EQ(printable("tab\there\nnew\r\x7f"), "tab\\x09here\\x0anew\\x0d\\x7f");
    EXPECT_EQ(printable("Zoë's café"), "Zoë's café");
    EXPECT_EQ(printable(std::string("a\0b", 3)), "a\\x00b");
}

TEST_F(InUtc, ClockAndLogTimes) {
    EXPECT_EQ(clock_time(1'700'000'000), "22:13:20");
    EXPECT_EQ(log_time(1'700'000'000'123), "2023-11-14 22:13:20.123");
    EXPECT_EQ(log_time(1'700'000'000'005), "2023-11-14 22:13:20.005");
    EXPECT_EQ(log_time(-1), "1969-12-31 23:59:59.999");
}

TEST(Render, ColumnsTwoSpacesApartWithoutTrailingSpaces) {
    const Table table{{"NAME", "KEY", "X"}, {{"a", "longer", ""}, {"longest", "k", "1"}}};
    EXPECT_EQ(render(table),
              "NAME     KEY     X\n"
              "a        longer\n"
              "longest  k       1\n");
}

TEST(Render, ShortRowsAndWideCharacters) {
    const Table table{{"A", "B"}, {{"é"}, {"ab", "c"}}};
    EXPECT_EQ(render(table),
              "A   B\n"
              "é\n"
              "ab  c\n");
    EXPECT_EQ(render(Table{}), "");
    EXPECT_EQ(render(Table{{}, {{"x", "y"}}}), "x  y\n");
}

TEST(Describe, TunnelStateAndPrefixesAndPeerLabel) {
    ipc::TunnelStatus tunnel;
    tunnel.name = "office";
    EXPECT_EQ(tunnel_state(tunnel), "down");
    tunnel.up = true;
    tunnel.system = true;
    tunnel.autostart = true;
    EXPECT_EQ(tunnel_state(tunnel), "up, system, autostart");
    EXPECT_EQ(prefix_list({}), "-");
    EXPECT_EQ(prefix_list({prefix("10.0.0.2/24"), prefix("fd00::2/64")}),
              "10.0.0.2/24, fd00::2/64");
    EXPECT_EQ(peer_label(peer("laptop", kKey1)), "laptop");
    EXPECT_EQ(peer_label(peer("", kKey1)), kKey1);
    EXPECT_EQ(peer_label(peer("bad\x1b", kKey1)), "bad\\x1b");
}

TEST(Describe, TunnelSummary) {
    ipc::TunnelStatus tunnel;
    tunnel.name = "home";
    EXPECT_EQ(tunnel_summary(tunnel), "home: down; 0 peers");
    tunnel.up = true;
    tunnel.public_key = key(kKey1);
    tunnel.listen_port = 51820;
    tunnel.addresses = {prefix("10.0.0.1/24")};
    tunnel.peers = 1;
    EXPECT_EQ(tunnel_summary(tunnel),
              "home: up; public key " + std::string(kKey1) + "; port 51820; 10.0.0.1/24; 1 peer");
    tunnel.dns = value::DnsManager::resolved;
    EXPECT_EQ(tunnel_summary(tunnel), "home: up; public key " + std::string(kKey1) +
                                          "; port 51820; 10.0.0.1/24; 1 peer; DNS through "
                                          "systemd-resolved");
}

TEST(Describe, TunnelSummarySaysWhyDnsIsNotApplied) {
    ipc::TunnelStatus tunnel;
    tunnel.name = "home";
    tunnel.up = true;
    tunnel.dns_problem = "DNS = needs systemd-resolved or resolvconf; the tunnel is up without it";
    EXPECT_EQ(tunnel_summary(tunnel),
              "home: up; 0 peers\n"
              "home: DNS = needs systemd-resolved or resolvconf; the tunnel is up without it");
}

TEST(Describe, PeerSummaryNeverShowsAKey) {
    auto status = peer("laptop", kKey1);
    status.endpoint = value::Endpoint::parse("192.0.2.1:51820").value();
    status.allowed_ips = {prefix("10.0.0.2/32")};
    status.persistent_keepalive = 25;
    status.has_preshared_key = true;
    EXPECT_EQ(peer_summary(status), "laptop (" + std::string(kKey1) +
                                        "): endpoint 192.0.2.1:51820; allowed ips 10.0.0.2/32; "
                                        "keepalive 25 s; preshared key");
    auto bare = peer("", kKey2);
    EXPECT_EQ(peer_summary(bare),
              std::string(kKey2) + ": endpoint -; allowed ips -; keepalive off");
}

TEST(StatusReport, DaemonLineThenTunnels) {
    const ipc::DaemonStatus daemon{"tulled 0.1.0", {1, 0}, 11'105, 1, 2};
    EXPECT_EQ(status_report(daemon, {}),
              "tulled 0.1.0, control protocol 1.0, up 3 h 5 min, 1 tunnel up, 2 clients\n"
              "no tunnels\n");
    ipc::TunnelStatus office;
    office.name = "office";
    office.up = true;
    office.system = true;
    office.public_key = key(kKey1);
    office.listen_port = 51820;
    office.addresses = {prefix("10.0.0.1/24")};
    office.peers = 3;
    office.rx_bytes = kMiB * 3 / 2;
    office.tx_bytes = 89;
    ipc::TunnelStatus home;
    home.name = "home";
    const std::string report = status_report(daemon, {office, home});
    EXPECT_EQ(report,
              "tulled 0.1.0, control protocol 1.0, up 3 h 5 min, 1 tunnel up, 2 clients\n"
              "TUNNEL  STATE       PUBLIC KEY                                    PORT   "
              "ADDRESSES    PEERS  RX       TX\n"
              "office  up, system  " +
                  std::string(kKey1) +
                  "  51820  10.0.0.1/24  3      1.5 MiB  89 B\n"
                  "home    down        -                                             -      -  "
                  "          0      0 B      0 B\n");
    office.dns_problem = "DNS = needs systemd-resolved or resolvconf; the tunnel is up without it";
    const std::string with_problem = status_report(daemon, {office, home});
    EXPECT_TRUE(with_problem.ends_with(
        "office: DNS = needs systemd-resolved or resolvconf; the tunnel is up without it\n"))
        << with_problem;
}

TEST(PeersReport, HandshakeAgesTotalsAndRates) {
    ipc::TunnelDetail detail;
    detail.status.name = "office";
    EXPECT_EQ(peers_report(detail, 1000), "office has no peers\n");
    auto laptop = peer("laptop", kKey1);
    laptop.endpoint = value::Endpoint::parse("192.0.2.1:51820").value();
    laptop.allowed_ips = {prefix("10.0.0.2/32")};
    laptop.last_handshake = 988;
    laptop.rx_bytes = 2048;
    laptop.rx_rate = 12'595.2;
    laptop.path = {ipc::PathKind::direct, value::SocketAddress::parse("192.0.2.1:51820").value(),
                   ""};
    auto phone = peer("", kKey2);
    detail.peers = {laptop, phone};
    const std::string report = peers_report(detail, 1000);
    EXPECT_EQ(report.substr(0, report.find('\n')),
              "NAME    PUBLIC KEY                                    ENDPOINT         PATH         "
              "           "
              "ALLOWED IPS  HANDSHAKE  RX       TX   RX RATE     TX RATE");
    EXPECT_NE(report.find("laptop  " + std::string(kKey1) +
                          "  192.0.2.1:51820  direct 192.0.2.1:51820  10.0.0.2/32  12 s ago   "
                          "2.0 KiB  0 B  12.3 KiB/s  0 B/s\n"),
              std::string::npos)
        << report;
    EXPECT_NE(report.find("-       " + std::string(kKey2) +
                          "  -                -                       -            never      0 B "
                          "     0 B  0 B/s       0 B/s\n"),
              std::string::npos)
        << report;
}

TEST(Summarise, TotalsAverageAndPeak) {
    const auto summary =
        summarise({{100, 0, 0}, {101, 1024, 10}, {102, 4096, 20}, {104, 5120, 30}});
    EXPECT_EQ(summary.seconds, 4);
    EXPECT_EQ(summary.rx_bytes, 5120U);
    EXPECT_EQ(summary.tx_bytes, 30U);
    EXPECT_DOUBLE_EQ(summary.rx_average, 1280);
    EXPECT_DOUBLE_EQ(summary.tx_average, 7.5);
    EXPECT_DOUBLE_EQ(summary.rx_peak, 3072);
    EXPECT_DOUBLE_EQ(summary.tx_peak, 10);
}

TEST(Summarise, TooFewSamplesSayNothing) {
    EXPECT_EQ(summarise({}).seconds, 0);
    const auto one = summarise({{100, 5000, 5000}});
    EXPECT_EQ(one.seconds, 0);
    EXPECT_EQ(one.rx_bytes, 0U);
    EXPECT_DOUBLE_EQ(one.rx_average, 0);
}

TEST(Summarise, ATotalThatShrinksRestartsFromZero) {
    // The peer was removed and added again between the second and third sample.
    const auto summary = summarise({{100, 1000, 0}, {101, 3000, 0}, {102, 500, 0}});
    EXPECT_EQ(summary.rx_bytes, 2500U);
    EXPECT_DOUBLE_EQ(summary.rx_peak, 2000);
}

TEST(Summarise, SamplesAtTheSameSecondCountBytesButNoRate) {
    const auto summary = summarise({{100, 0, 0}, {100, 800, 0}, {101, 1000, 0}});
    EXPECT_EQ(summary.rx_bytes, 1000U);
    EXPECT_DOUBLE_EQ(summary.rx_peak, 200);
    EXPECT_DOUBLE_EQ(summary.rx_average, 1000);
}

TEST(StatsReport, NamesFromThePeersAndDashesWithoutHistory) {
    EXPECT_EQ(stats_report({}, {}), "no peers\n");
    const std::vector<ipc::PeerHistory> history{
        {key(kKey1), {{100, 0, 0}, {160, 61'440, 6'000}}},
        {key(kKey2), {{160, 0, 0}}},
    };
    const std::string report = stats_report(history, {peer("laptop", kKey1)});
    EXPECT_EQ(
        report,
        "PEER                                          SECONDS  RX        TX       AVG RX     "
        "AVG TX   PEAK RX    PEAK TX\n"
        "laptop                                        60       60.0 KiB  5.9 KiB  1.0 KiB/s  "
        "100 B/s  1.0 KiB/s  100 B/s\n" +
            std::string(kKey2) +
            "  0        -         -        -          -        -          "
            "-\n");
}

TEST_F(InUtc, StatsLinesAlignNamesAndRates) {
    auto laptop = peer("laptop", kKey1);
    laptop.rx_rate = 12'595.2;
    auto pc = peer("pc", kKey2);
    pc.tx_rate = 3;
    const ipc::StatsEvent event{"office", 1'700'000'000, {laptop, pc}};
    EXPECT_EQ(stats_lines(event),
              "22:13:20  laptop  rx   12.3 KiB/s  tx        0 B/s\n"
              "22:13:20  pc      rx        0 B/s  tx        3 B/s\n");
    EXPECT_EQ(stats_lines(ipc::StatsEvent{"office", 0, {}}), "");
}

TEST_F(InUtc, LogLineStampLevelAndSafeMessage) {
    EXPECT_EQ(log_line(ipc::LogLine{1'700'000'000'123, ipc::LogLevel::warning, "no reply\x1b[2J"}),
              "2023-11-14 22:13:20.123 warning  no reply\\x1b[2J");
    EXPECT_EQ(log_line(ipc::LogLine{0, ipc::LogLevel::critical, "x"}),
              "1970-01-01 00:00:00.000 critical x");
}

// --- mesh networks ------------------------------------------------------------------------------

value::SocketAddress socket_address(std::string_view text) {
    return value::SocketAddress::parse(text).value();
}

TEST(PathText, EachKind) {
    EXPECT_EQ(path_text({}), "-");
    EXPECT_EQ(path_text({ipc::PathKind::direct, socket_address("198.51.100.7:40123"), ""}),
              "direct 198.51.100.7:40123");
    EXPECT_EQ(path_text({ipc::PathKind::lan, socket_address("[fd00::2]:51820"), ""}),
              "lan [fd00::2]:51820");
    EXPECT_EQ(path_text({ipc::PathKind::relay, socket_address("192.0.2.1:51820"), "server"}),
              "relay via server 192.0.2.1:51820");
    EXPECT_EQ(path_text({ipc::PathKind::relay, std::nullopt, "server"}), "relay via server");
}

TEST(AddressList, HostPrefixesAsAddresses) {
    EXPECT_EQ(address_list({prefix("10.88.0.7/32"), prefix("fd88::7/128")}), "10.88.0.7, fd88::7");
    EXPECT_EQ(address_list({prefix("10.88.0.0/16")}), "10.88.0.0/16");
    EXPECT_EQ(address_list({}), "-");
}

ipc::Member member(std::string name, std::string_view public_key, std::string_view address) {
    ipc::Member out;
    out.name = std::move(name);
    out.public_key = key(public_key);
    out.addresses = {prefix(address)};
    return out;
}

TEST(MembersReport, OnlinePathLastSeenAndRoles) {
    ipc::MemberList list{"home", {}};
    EXPECT_EQ(members_report(list, 1000), "home has no members\n");
    auto server = member("server", kKey1, "10.88.0.1/32");
    server.lighthouse = true;
    server.online = true;
    server.last_seen = 995;
    server.path = {ipc::PathKind::direct, socket_address("198.51.100.7:51820"), ""};
    auto self = member("laptop", kKey2, "10.88.0.7/32");
    self.self = true;
    self.online = true;
    auto phone = member("phone\x1b[31m", kKey2, "10.88.0.9/32");
    list.members = {server, self, phone};
    EXPECT_EQ(
        members_report(list, 1000),
        "NAME           ADDRESS    STATE    PATH                       LAST SEEN  ROLE\n"
        "server         10.88.0.1  online   direct 198.51.100.7:51820  5 s ago    lighthouse\n"
        "laptop         10.88.0.7  online   -                          -          member, this "
        "node\n"
        "phone\\x1b[31m  10.88.0.9  offline  -                          never      member\n");
}

ipc::NetworkStatus network(std::string name) {
    ipc::NetworkStatus out;
    out.name = std::move(name);
    out.id = "00112233445566778899aabbccddeeff";
    out.range = prefix("10.88.0.0/16");
    return out;
}

TEST(NetworksReport, TableThenProblems) {
    EXPECT_EQ(networks_report({}), "no networks\n");
    auto home = network("home");
    home.role = ipc::NetworkRoleName::lighthouse;
    home.state = ipc::NetworkState::online;
    home.address = value::IpAddress::parse("10.88.0.1").value();
    home.members = 3;
    home.lighthouse = "server";
    home.up = true;
    auto work = network("work");
    work.state = ipc::NetworkState::failed;
    work.problem = "the invite was used already";
    EXPECT_EQ(networks_report({home, work}),
              "NAME  ROLE        STATE   ADDRESS    RANGE         MEMBERS  LIGHTHOUSE  TUNNEL\n"
              "home  lighthouse  online  10.88.0.1  10.88.0.0/16  3        server      up\n"
              "work  member      failed  -          10.88.0.0/16  0        -           down\n"
              "work: the invite was used already\n");
}

TEST(NetworkSummary, WhatCreateAndJoinPrint) {
    auto home = network("home");
    home.role = ipc::NetworkRoleName::lighthouse;
    home.state = ipc::NetworkState::online;
    home.address = value::IpAddress::parse("10.88.0.1").value();
    home.endpoints = {value::Endpoint::parse("vpn.example.net:51820").value()};
    home.members = 1;
    EXPECT_EQ(network_summary(home),
              "home: lighthouse, online; address 10.88.0.1; range 10.88.0.0/16; endpoints "
              "vpn.example.net:51820; id 00112233445566778899aabbccddeeff; 1 member");
    auto joining = network("home");
    joining.lighthouse = "server";
    EXPECT_EQ(network_summary(joining),
              "home: member, joining; address -; range 10.88.0.0/16; lighthouse server; endpoints "
              "-; id 00112233445566778899aabbccddeeff; 0 members");
}

}  // namespace
}  // namespace tulle::ctl
