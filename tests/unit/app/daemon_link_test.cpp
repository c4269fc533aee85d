// DaemonLink against an in-process QLocalServer that speaks the real protocol from ipc/.
#include "app/daemon_link.hpp"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <gtest/gtest.h>

#include "ipc/jsonrpc.hpp"
#include "tests/unit/app/fake_daemon.hpp"

namespace tulle::app {
namespace {

using test::FakeDaemon;

class DaemonLinkTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(dir_.isValid()); }
    [[nodiscard]] QString path() const { return dir_.filePath(QStringLiteral("tulled.sock")); }

    // Waits until the link reaches `state` or a timeout passes.
    static bool wait_for(const DaemonLink& link, DaemonLink::State state, int ms = 15000) {
        return QTest::qWaitFor([&] { return link.state() == state; }, ms);
    }

    QTemporaryDir dir_;
};

TEST_F(DaemonLinkTest, ConnectsAndReportsTheDaemon) {
    FakeDaemon daemon(path(), ipc::kProtocolVersion);
    ASSERT_TRUE(daemon.listening());
    DaemonLink link(path());
    link.start();
    ASSERT_TRUE(wait_for(link, DaemonLink::State::connected));
    EXPECT_EQ(link.detail(), QStringLiteral("tulled test"));
}

TEST_F(DaemonLinkTest, MissingDaemonSaysWhatToDoAndReconnectsWhenItAppears) {
    DaemonLink link(path());
    link.start();
    ASSERT_TRUE(wait_for(link, DaemonLink::State::unavailable));
    EXPECT_TRUE(link.detail().contains(QStringLiteral("not running")))
        << link.detail().toStdString();
    FakeDaemon daemon(path(), ipc::kProtocolVersion);
    ASSERT_TRUE(daemon.listening());
    EXPECT_TRUE(wait_for(link, DaemonLink::State::connected));
}

TEST_F(DaemonLinkTest, AnotherMajorVersionIsRefusedWithAClearMessage) {
    FakeDaemon daemon(path(), {ipc::kProtocolVersion.major + 1, 0});
    DaemonLink link(path());
    link.start();
    ASSERT_TRUE(wait_for(link, DaemonLink::State::incompatible));
    EXPECT_TRUE(link.detail().contains(QStringLiteral("update the client")))
        << link.detail().toStdString();
}

TEST_F(DaemonLinkTest, DaemonGoingAwayIsNoticedAndTheLinkComesBack) {
    auto daemon = std::make_unique<FakeDaemon>(path(), ipc::kProtocolVersion);
    DaemonLink link(path());
    link.start();
    ASSERT_TRUE(wait_for(link, DaemonLink::State::connected));
    daemon.reset();
    ASSERT_TRUE(wait_for(link, DaemonLink::State::unavailable));
    daemon = std::make_unique<FakeDaemon>(path(), ipc::kProtocolVersion);
    EXPECT_TRUE(wait_for(link, DaemonLink::State::connected));
}

TEST_F(DaemonLinkTest, NetworkChangedEventsAreDecodedAndAnnounced) {
    FakeDaemon daemon(path(), ipc::kProtocolVersion);
    DaemonLink link(path());
    link.start();
    ASSERT_TRUE(wait_for(link, DaemonLink::State::connected));
    std::vector<ipc::NetworkChanged> seen;
    QObject::connect(&link, &DaemonLink::network_changed,
                     [&seen](const ipc::NetworkChanged& event) { seen.push_back(event); });
    daemon.push<ipc::NetworkChangedEvent>(
        {"home", ipc::NetworkState::failed, "the invite has expired", false});
    ASSERT_TRUE(QTest::qWaitFor([&] { return !seen.empty(); }, 10000));
    EXPECT_EQ(seen.front().network, "home");
    EXPECT_EQ(seen.front().state, ipc::NetworkState::failed);
    EXPECT_EQ(seen.front().problem, "the invite has expired");
}

TEST_F(DaemonLinkTest, PathChangesAreDecodedAndAMalformedOneIsDropped) {
    FakeDaemon daemon(path(), ipc::kProtocolVersion);
    DaemonLink link(path());
    link.start();
    ASSERT_TRUE(wait_for(link, DaemonLink::State::connected));
    std::vector<ipc::PathChanged> seen;
    QObject::connect(&link, &DaemonLink::path_changed,
                     [&seen](const ipc::PathChanged& event) { seen.push_back(event); });
    ipc::PathChanged change{"home", test::key_of(7), "laptop", {}, {}, "first reply on the LAN"};
    change.to = {ipc::PathKind::lan, value::SocketAddress::parse("192.168.1.4:51820").value(), ""};
    ipc::PathChanged rambling = change;
    rambling.reason = std::string(ipc::kMaxPathReasonBytes + 1, 'x');
    daemon.push<ipc::PathChangedEvent>(rambling);
    daemon.push<ipc::PathChangedEvent>(change);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !seen.empty(); }, 10000));
    ASSERT_EQ(seen.size(), 1U) << "the event with a reason over 200 bytes is dropped";
    EXPECT_EQ(seen.front().name, "laptop");
    EXPECT_EQ(seen.front().to, change.to);
    EXPECT_EQ(seen.front().reason, "first reply on the LAN");
    EXPECT_EQ(link.state(), DaemonLink::State::connected);
}

}  // namespace
}  // namespace tulle::app
