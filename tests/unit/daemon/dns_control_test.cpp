// DnsControl: DNS = handed to the manager, recorded in a root-only folder, and undone after a
// tulled that was killed (the next one finds the record of an interface that is gone). The last
// test runs the real DnsLinux against the resolve1 double on a private bus.
#include "daemon/dns_control.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "platform/linux/dns_linux.hpp"
#include "tests/unit/daemon/fake_dns.hpp"
#include "tests/unit/platform/private_bus.hpp"

namespace tulle::daemon {
namespace {

using Calls = std::vector<std::string>;

class DnsControlTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "tulle-dns-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        log_ = std::make_shared<spdlog::logger>(
            "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text_));
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    [[nodiscard]] std::string folder() const { return dir_ + "/run/dns"; }
    static platform::DnsSettings settings() {
        platform::DnsSettings out;
        out.servers = {value::IpAddress::parse("10.0.0.53").value()};
        out.search = {"example.com"};
        out.full_tunnel = true;
        return out;
    }

    std::string dir_;
    std::ostringstream log_text_;
    std::shared_ptr<spdlog::logger> log_;
};

TEST_F(DnsControlTest, WhatAManagerTookIsRecordedRootOnlyAndForgottenOnRevert) {
    testing::FakeDns dns;
    dns.manager = value::DnsManager::resolved;
    DnsControl control(dns, folder(), log_);
    const auto applied = control.apply("wg0", settings());
    EXPECT_EQ(applied.entry.manager, value::DnsManager::resolved);
    EXPECT_EQ(applied.problem, "");
    EXPECT_EQ(tulle::testing::read_file(folder() + "/wg0"), "systemd-resolved 7 0\n");
    struct stat info {};
    ASSERT_EQ(::stat(folder().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 07777, 0700U);
    ASSERT_EQ(::stat((folder() + "/wg0").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 07777, 0600U);
    control.revert(applied.entry);
    EXPECT_FALSE(std::filesystem::exists(folder() + "/wg0"));
    EXPECT_EQ(dns.calls,
              (Calls{"apply wg0 10.0.0.53 example.com full", "revert wg0 7 systemd-resolved"}));
}

TEST_F(DnsControlTest, WithoutAManagerTheProblemIsTheOneSentenceAndNothingIsRecorded) {
    testing::FakeDns dns;
    DnsControl control(dns, folder(), log_);
    const auto applied = control.apply("wg0", settings());
    EXPECT_EQ(applied.entry.manager, value::DnsManager::none);
    EXPECT_EQ(applied.problem,
              "DNS = needs systemd-resolved or resolvconf; the tunnel is up without it");
    EXPECT_NE(log_text_.str().find("wg0: DNS = needs systemd-resolved or resolvconf; the tunnel "
                                   "is up without it"),
              std::string::npos)
        << log_text_.str();
    EXPECT_FALSE(std::filesystem::exists(folder() + "/wg0"));
}

TEST_F(DnsControlTest, ARefusalIsTheProblemAndTheTunnelGoesOn) {
    testing::FakeDns dns;
    dns.manager = value::DnsManager::resolvconf;
    dns.refusal = "resolvconf -a tun.wg0 failed: exit status 1";
    DnsControl control(dns, folder(), log_);
    const auto applied = control.apply("wg0", settings());
    EXPECT_EQ(applied.entry.manager, value::DnsManager::none);
    EXPECT_EQ(applied.problem,
              "resolvconf -a tun.wg0 failed: exit status 1; the tunnel is up without DNS =");
}

TEST_F(DnsControlTest, NoDnsLinesSetNothing) {
    testing::FakeDns dns;
    dns.manager = value::DnsManager::resolved;
    DnsControl control(dns, folder(), log_);
    const auto applied = control.apply("wg0", {});
    EXPECT_EQ(applied.entry.manager, value::DnsManager::none);
    EXPECT_EQ(applied.problem, "");
    EXPECT_TRUE(dns.calls.empty());
}

TEST_F(DnsControlTest, TheNextStartUndoesWhatAKilledTulledLeftAndOnlyThat) {
    testing::FakeDns before;
    before.manager = value::DnsManager::resolvconf;
    DnsControl killed(before, folder(), log_);
    (void)killed.apply("wg0", settings());
    (void)killed.apply("wg1", settings());
    // killed -9: nothing reverted. wg0's interface went with it; wg1 runs in another tulled.
    testing::FakeDns after;
    after.live = {"wg1"};
    DnsControl next(after, folder(), log_);
    EXPECT_EQ(next.clean_stale(), 1U);
    EXPECT_EQ(after.calls, (Calls{"revert wg0 7 resolvconf"}));
    EXPECT_FALSE(std::filesystem::exists(folder() + "/wg0"));
    EXPECT_TRUE(std::filesystem::exists(folder() + "/wg1"));
    EXPECT_EQ(next.clean_stale(), 0U);  // once
}

TEST_F(DnsControlTest, AFileThatIsNoRecordIsRemovedWithoutActing) {
    std::filesystem::create_directories(folder());
    std::ofstream(folder() + "/wg0") << "resolved seven 0\n";
    testing::FakeDns dns;
    DnsControl control(dns, folder(), log_);
    EXPECT_EQ(control.clean_stale(), 0U);
    EXPECT_TRUE(dns.calls.empty());
    EXPECT_FALSE(std::filesystem::exists(folder() + "/wg0"));
}

TEST(DnsRecord, ReadsBackWhatItWritesAndNothingElse) {
    const platform::DnsEntry entry{value::DnsManager::resolvconf, "wg0", 12, 4026531992};
    EXPECT_EQ(dns_record_text(entry), "resolvconf 12 4026531992\n");
    EXPECT_EQ(parse_dns_record("wg0", dns_record_text(entry)), entry);
    for (const char* bad : {"", "resolved 7 1", "resolved 7\n", "resolved\n", "none 7 1\n",
                            "resolved 0 1\n", "resolved -1 1\n", "systemd 7 1\n",
                            "resolved 99999999999 1\n", "resolved 7 x\n", "resolved 7 1 2\n"}) {
        EXPECT_EQ(parse_dns_record("wg0", bad), std::nullopt) << bad;
    }
    EXPECT_EQ(parse_dns_record("../x", "resolved 7 1\n"), std::nullopt);
}

// The whole crash path with the real platform code: a record left for an interface that is gone
// becomes RevertLink on the (double of) systemd-resolved at the next start.
TEST_F(DnsControlTest, TheNextStartSendsRevertLinkForALinkAKilledTulledLeft) {
    tulle::testing::PrivateBus bus(true);
    ASSERT_TRUE(bus.ready());
    platform::linux_impl::DnsLinux::Options options;
    options.bus_address = bus.address();
    options.resolvconf = "/nonexistent/resolvconf";
    platform::linux_impl::DnsLinux dns(options);
    std::filesystem::create_directories(folder());
    struct stat network {};
    ASSERT_EQ(::stat("/proc/self/ns/net", &network), 0);
    std::ofstream(folder() + "/tulle-gone0")
        << "systemd-resolved 424242 " << network.st_ino << "\n";
    ::chmod((folder() + "/tulle-gone0").c_str(), 0600);
    {
        DnsControl control(dns, folder(), log_);
        const auto applied = control.apply("lo", settings());  // a live one stays
        EXPECT_EQ(applied.entry.manager, value::DnsManager::resolved);
    }
    DnsControl next(dns, folder(), log_);
    EXPECT_EQ(next.clean_stale(), 1U);
    EXPECT_EQ(bus.calls(),
              (Calls{"SetLinkDNS 1 10.0.0.53", "SetLinkDomains 1 example.com:search ~.:route",
                     "SetLinkDefaultRoute 1 true", "RevertLink 424242"}));
    EXPECT_FALSE(std::filesystem::exists(folder() + "/tulle-gone0"));
    EXPECT_TRUE(std::filesystem::exists(folder() + "/lo"));
}

}  // namespace
}  // namespace tulle::daemon
