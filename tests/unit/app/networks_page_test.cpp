// The Networks page and its dialogs against the fake daemon's in-memory networks (its params
// decoded by the real codecs): what the tables show, what each action sends, what tulled's
// refusals look like, and that the page reads members only while it is visible.
#include "app/networks_page.hpp"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <gtest/gtest.h>

#include "app/main_window.hpp"
#include "app/screenshots.hpp"
#include "app/tunnel_actions.hpp"
#include "peer_export/qr.hpp"
#include "tests/unit/app/fake_networks.hpp"

namespace tulle::app {
namespace {

using test::FakeDaemon;
using test::FakeNetworks;

bool wait_until(const std::function<bool()>& done, int ms = 10000) {
    return QTest::qWaitFor(done, ms);
}

ipc::PeerPath path_of(ipc::PathKind kind, const std::string& endpoint, const std::string& via) {
    ipc::PeerPath path;
    path.kind = kind;
    if (!endpoint.empty()) {
        path.endpoint = value::SocketAddress::parse(endpoint).value();
    }
    path.via = via;
    return path;
}

// Every module of `code` is one square of `image`, dark where the code is, on a white quiet zone.
void expect_picture_of(const QImage& image, const peer_export::QrCode& code) {
    const int side = code.size() + 2 * peer_export::kQuietZone;
    ASSERT_FALSE(image.isNull());
    const int scale = image.width() / side;
    ASSERT_GT(scale, 0);
    const int width = side * scale;
    ASSERT_EQ(image.width(), width);
    for (int y = -peer_export::kQuietZone; y < code.size() + peer_export::kQuietZone; ++y) {
        for (int x = -peer_export::kQuietZone; x < code.size() + peer_export::kQuietZone; ++x) {
            const QPoint centre((x + peer_export::kQuietZone) * scale + scale / 2,
                                (y + peer_export::kQuietZone) * scale + scale / 2);
            ASSERT_EQ(qGray(image.pixel(centre)) < 128, code.dark(x, y)) << x << "," << y;
        }
    }
}

// tulled with two networks: "home", whose lighthouse this node is, with members on every kind of
// path, and "office", whose join failed.
class NetworksPageTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.isValid());
        daemon_ = std::make_unique<FakeDaemon>(dir_.filePath(QStringLiteral("tulled.sock")));
        ASSERT_TRUE(daemon_->listening());
        networks_ = std::make_unique<FakeNetworks>(*daemon_);
        seed(*networks_, QDateTime::currentSecsSinceEpoch());
        link_ = std::make_unique<DaemonLink>(dir_.filePath(QStringLiteral("tulled.sock")));
        link_->start();
        ASSERT_TRUE(wait_until([&] { return link_->state() == DaemonLink::State::connected; }));
    }

  public:
    // The example networks (also the screenshots').
    static void seed(FakeNetworks& networks, std::int64_t now) {
        auto& home =
            networks.add("home", ipc::NetworkRoleName::lighthouse, "10.88.0.0/16", "10.88.0.1");
        home.status.lighthouse = "home-server";
        home.status.endpoints = {value::Endpoint::parse("vpn.example.net:51820").value()};
        // A member online, last seen `ago` seconds before now, on `path`.
        const auto online = [now](const std::string& name, std::uint8_t key,
                                  const std::string& address, std::int64_t ago,
                                  const ipc::PeerPath& path) {
            auto member = FakeNetworks::member(name, key, address);
            member.online = true;
            member.last_seen = now - ago;
            member.path = path;
            return member;
        };
        auto self = online("home-server", 0xEE, "10.88.0.1", now, {});
        self.lighthouse = true;
        self.self = true;
        auto phone = FakeNetworks::member("old-laptop", 3, "10.88.0.4");
        phone.last_seen = now - 3 * 3600;
        home.members = {
            self,
            online("laptop", 1, "10.88.0.2", 12,
                   path_of(ipc::PathKind::direct, "198.51.100.7:51820", "")),
            online("nas", 2, "10.88.0.3", 4, path_of(ipc::PathKind::lan, "192.168.1.20:51820", "")),
            phone, FakeNetworks::member("tablet", 4, "10.88.0.5")};
        // A member here: the office's printer sits behind a NAT that only its relay gets through.
        auto& office =
            networks.add("office", ipc::NetworkRoleName::member, "10.77.0.0/24", "10.77.0.9");
        office.status.lighthouse = "office-gw";
        auto gateway = online("office-gw", 5, "10.77.0.1", 20,
                              path_of(ipc::PathKind::direct, "203.0.113.5:51820", ""));
        gateway.lighthouse = true;
        const auto printer =
            online("printer", 6, "10.77.0.2", 8,
                   path_of(ipc::PathKind::relay, "203.0.113.5:51820", "office-gw"));
        auto desk = FakeNetworks::member("home-server", 0xEE, "10.77.0.9");
        desk.self = true;
        desk.online = true;
        office.members = {gateway, printer, desk};
        auto& school =
            networks.add("school", ipc::NetworkRoleName::member, "10.66.0.0/24", "10.66.0.4");
        school.status.state = ipc::NetworkState::failed;
        school.status.problem = "the invite has expired";
        school.status.up = false;
    }

  protected:
    std::unique_ptr<NetworksPage> page() {
        auto page = std::make_unique<NetworksPage>(*link_);
        EXPECT_TRUE(wait_until(
            [&] { return page->networks().rowCount() == 3 && page->members().rowCount() == 5; }));
        return page;
    }

    QTemporaryDir dir_;
    std::unique_ptr<FakeDaemon> daemon_;
    std::unique_ptr<FakeNetworks> networks_;
    std::unique_ptr<DaemonLink> link_;
};

TEST_F(NetworksPageTest, ListsNetworksWithStateAndMembersWithTheirPaths) {
    auto page = this->page();
    const auto& list = page->networks();
    auto network = [&](int row, int column) { return list.index(row, column).data().toString(); };
    EXPECT_EQ(network(0, NetworkListModel::name), QStringLiteral("home"));
    EXPECT_EQ(network(0, NetworkListModel::role), QStringLiteral("lighthouse"));
    EXPECT_EQ(network(0, NetworkListModel::state), QStringLiteral("online"));
    EXPECT_EQ(network(0, NetworkListModel::address), QStringLiteral("10.88.0.1"));
    EXPECT_EQ(network(0, NetworkListModel::members), QStringLiteral("5"));
    EXPECT_EQ(network(1, NetworkListModel::role), QStringLiteral("member"));
    EXPECT_EQ(network(2, NetworkListModel::state),
              QStringLiteral("failed: the invite has expired"));

    ASSERT_EQ(page->selected_network(), QStringLiteral("home"));
    const auto& members = page->members();
    auto member = [&](int row, int column) { return members.index(row, column).data().toString(); };
    EXPECT_EQ(member(0, MemberTableModel::name),
              QStringLiteral("home-server (lighthouse, this node)"));
    EXPECT_EQ(member(0, MemberTableModel::path), QStringLiteral("—"));
    EXPECT_EQ(member(1, MemberTableModel::name), QStringLiteral("laptop"));
    EXPECT_EQ(member(1, MemberTableModel::address), QStringLiteral("10.88.0.2"));
    EXPECT_EQ(member(1, MemberTableModel::online), QStringLiteral("online"));
    EXPECT_EQ(member(1, MemberTableModel::path), QStringLiteral("direct 198.51.100.7:51820"));
    EXPECT_TRUE(member(1, MemberTableModel::last_seen).endsWith(QStringLiteral("s ago")))
        << member(1, MemberTableModel::last_seen).toStdString();
    EXPECT_EQ(member(2, MemberTableModel::path), QStringLiteral("lan 192.168.1.20:51820"));
    EXPECT_EQ(member(3, MemberTableModel::online), QStringLiteral("offline"));
    EXPECT_EQ(member(3, MemberTableModel::path), QStringLiteral("—"));
    EXPECT_EQ(member(3, MemberTableModel::last_seen), QStringLiteral("3 h 0 min ago"));
    EXPECT_EQ(member(4, MemberTableModel::last_seen), QStringLiteral("never"));

    page->select(QStringLiteral("office"));
    EXPECT_EQ(page->selected_network(), QStringLiteral("office"));
    ASSERT_TRUE(wait_until([&] { return members.rowCount() == 3; }));
    EXPECT_EQ(member(0, MemberTableModel::name), QStringLiteral("office-gw (lighthouse)"));
    EXPECT_EQ(member(1, MemberTableModel::path), QStringLiteral("relay via office-gw"));
    EXPECT_EQ(member(2, MemberTableModel::name), QStringLiteral("home-server (this node)"));

    // A change elsewhere (tullectl) shows after its event.
    networks_->networks["school"].status.state = ipc::NetworkState::online;
    networks_->networks["school"].status.problem.clear();
    daemon_->push<ipc::NetworkChangedEvent>({"school", ipc::NetworkState::online, {}, false});
    EXPECT_TRUE(wait_until([&] { return network(2, NetworkListModel::state) == "online"; }));
    EXPECT_EQ(page->selected_network(), QStringLiteral("office")) << "the selection stays";
}

TEST_F(NetworksPageTest, CreateRefusesABadRangeBeforeSendingAndShowsTulledsErrorOnItsField) {
    auto page = this->page();
    CreateNetworkDialog* dialog = page->create_network();
    dialog->setAttribute(Qt::WA_DeleteOnClose, false);
    dialog->set_fields(QStringLiteral("lab"), QStringLiteral("10.99.0.0/33"),
                       QStringLiteral("198.51.100.7:51820"), QString());
    dialog->create();
    EXPECT_FALSE(dialog->error_for(QStringLiteral("range")).isEmpty());
    dialog->set_fields(QStringLiteral("lab"), QStringLiteral("10.99.0.1/16"),
                       QStringLiteral("198.51.100.7:51820 vpn"), QStringLiteral("70000"));
    dialog->create();
    EXPECT_TRUE(dialog->error_for(QStringLiteral("range")).contains(QStringLiteral("10.99.0.0/16")))
        << dialog->error_for(QStringLiteral("range")).toStdString();
    EXPECT_TRUE(dialog->error_for(QStringLiteral("endpoints")).startsWith(QStringLiteral("vpn: ")))
        << dialog->error_for(QStringLiteral("endpoints")).toStdString();
    EXPECT_FALSE(dialog->error_for(QStringLiteral("listen_port")).isEmpty());
    EXPECT_TRUE(dialog->error_for(QStringLiteral("name")).isEmpty());
    QTest::qWait(50);
    EXPECT_EQ(daemon_->count(ipc::NetworkCreateMethod::name), 0) << "nothing was sent";

    // tulled's refusal names the field: it shows under it.
    dialog->set_fields(QStringLiteral("home"), QStringLiteral("10.99.0.0/16"),
                       QStringLiteral("198.51.100.7:51820"), QString());
    dialog->create();
    ASSERT_TRUE(wait_until([&] { return !dialog->error_for(QStringLiteral("name")).isEmpty(); }));
    EXPECT_TRUE(dialog->error_for(QStringLiteral("name")).contains(QStringLiteral("exists")))
        << dialog->error_for(QStringLiteral("name")).toStdString();
    EXPECT_TRUE(dialog->error_for(QStringLiteral("range")).isEmpty());

    dialog->set_fields(QStringLiteral("lab"), QStringLiteral("10.99.0.0/16"),
                       QStringLiteral("198.51.100.7:51820, [2001:db8::7]:51820"),
                       QStringLiteral("51821"));
    dialog->create();
    ASSERT_TRUE(wait_until([&] { return dialog->result() == QDialog::Accepted; }))
        << dialog->message().toStdString();
    const ipc::Json sent = daemon_->last(ipc::NetworkCreateMethod::name);
    EXPECT_EQ(sent["name"], "lab");
    EXPECT_EQ(sent["range"], "10.99.0.0/16");
    EXPECT_EQ(sent["endpoints"], ipc::Json::array({"198.51.100.7:51820", "[2001:db8::7]:51820"}));
    EXPECT_EQ(sent["listen_port"], 51821);
    EXPECT_TRUE(wait_until([&] { return page->networks().row_of(QStringLiteral("lab")) >= 0; }));
    EXPECT_TRUE(wait_until([&] { return page->selected_network() == QStringLiteral("lab"); }));
    delete dialog;
}

TEST_F(NetworksPageTest, InviteShowsTheLineAndItsQrCodeAndForgetsThemWhenClosed) {
    auto page = this->page();
    InviteDialog* dialog = page->invite();
    ASSERT_NE(dialog, nullptr);
    dialog->setAttribute(Qt::WA_DeleteOnClose, false);
    dialog->set_fields(QStringLiteral("tv"), QStringLiteral("10.99.0.3"), 3600);
    dialog->create();
    EXPECT_TRUE(dialog->message().contains(QStringLiteral("outside"))) << "checked before sending";
    dialog->set_fields(QStringLiteral("tv"), QStringLiteral("10.88.0.30"), 7 * 24 * 3600);
    dialog->create();
    ASSERT_TRUE(wait_until([&] { return dialog->shown(); })) << dialog->message().toStdString();
    const ipc::Json sent = daemon_->last(ipc::NetworkInviteMethod::name);
    EXPECT_EQ(sent["network"], "home");
    EXPECT_EQ(sent["name"], "tv");
    EXPECT_EQ(sent["address"], "10.88.0.30");
    EXPECT_EQ(sent["expires_in"], 7 * 24 * 3600);

    const std::string line = dialog->invite_text().toStdString();
    EXPECT_TRUE(line.starts_with("TULLE1:")) << line;
    auto code = peer_export::encode_qr(line);
    ASSERT_TRUE(code.ok());
    expect_picture_of(dialog->image(), *code);
    dialog->copy();
    EXPECT_EQ(QApplication::clipboard()->text().toStdString(), line);

    dialog->reject();
    EXPECT_FALSE(dialog->shown());
    EXPECT_TRUE(dialog->invite_text().isEmpty());
    EXPECT_TRUE(dialog->image().isNull());
    QApplication::clipboard()->clear();
    delete dialog;

    // Only a lighthouse invites.
    page->select(QStringLiteral("office"));
    for (auto* button : page->findChildren<QPushButton*>()) {
        if (button->text() == NetworksPage::tr("&Invite…")) {
            EXPECT_FALSE(button->isEnabled());
        }
    }
}

TEST_F(NetworksPageTest, JoinSendsThePastedInviteInUpperCaseAndShowsWhyItFailed) {
    auto page = this->page();
    networks_->join_end = {"lab", ipc::NetworkState::failed, "this invite was used already"};
    JoinDialog* dialog = page->join();
    dialog->setAttribute(Qt::WA_DeleteOnClose, false);
    dialog->set_invite(QStringLiteral("hello there"));
    dialog->join();
    EXPECT_TRUE(dialog->message().contains(QStringLiteral("TULLE1:")));
    dialog->set_invite(QStringLiteral("tulle1:abc1"));
    dialog->join();
    EXPECT_TRUE(dialog->message().contains(QStringLiteral("character 11")))
        << dialog->message().toStdString();
    QTest::qWait(50);
    EXPECT_EQ(daemon_->count(ipc::NetworkJoinMethod::name), 0);

    // Lower case, folded over two lines by a mail program.
    dialog->set_invite(QStringLiteral("  tulle1:mfrggzdfmztwq2lk\n  nnswg43u  \n"));
    dialog->set_name(QStringLiteral("desk"));
    dialog->join();
    ASSERT_TRUE(wait_until([&] { return dialog->stage() == JoinDialog::Stage::failed; }))
        << dialog->message().toStdString();
    const ipc::Json sent = daemon_->last(ipc::NetworkJoinMethod::name);
    EXPECT_EQ(sent["invite"], "TULLE1:MFRGGZDFMZTWQ2LKNNSWG43U");
    EXPECT_EQ(sent["name"], "desk");
    EXPECT_TRUE(dialog->message().contains(QStringLiteral("this invite was used already")))
        << dialog->message().toStdString();
    EXPECT_TRUE(wait_until([&] {
        const int row = page->networks().row_of(QStringLiteral("lab"));
        return row >= 0 && page->networks()
                               .index(row, NetworkListModel::state)
                               .data()
                               .toString()
                               .startsWith(QStringLiteral("failed"));
    }));
    delete dialog;

    // From a file, and this time it works.
    networks_->networks.erase("lab");
    networks_->join_end = {"lab", ipc::NetworkState::online, {}};
    const QString path = dir_.filePath(QStringLiteral("invite.txt"));
    {
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write("Join my network:\n\ntulle1:mfrggzdfmztwq2lk\n");
    }
    JoinDialog from_file(*link_);
    EXPECT_TRUE(from_file.open_file(dir_.filePath(QStringLiteral("missing.txt")))
                    .contains(QStringLiteral("missing.txt")));
    ASSERT_TRUE(from_file.open_file(path).isEmpty());
    QSignalSpy joined(&from_file, &JoinDialog::joined);
    from_file.join();
    ASSERT_TRUE(wait_until([&] { return from_file.stage() == JoinDialog::Stage::joined; }))
        << from_file.message().toStdString();
    EXPECT_EQ(daemon_->last(ipc::NetworkJoinMethod::name)["invite"], "TULLE1:MFRGGZDFMZTWQ2LK");
    EXPECT_EQ(joined.count(), 1);
}

TEST_F(NetworksPageTest, RemoveAsksFirstThenSendsTheMember) {
    auto page = this->page();
    QStringList asked;
    bool answer = false;
    page->set_confirm([&](const QString&, const QString& question) {
        asked << question;
        return answer;
    });
    page->member_table().selectRow(1);
    ASSERT_NE(page->selected_member(), nullptr);
    page->remove_member();
    ASSERT_EQ(asked.size(), 1);
    EXPECT_TRUE(asked.front().contains(QStringLiteral("laptop")));
    QTest::qWait(50);
    EXPECT_EQ(daemon_->count(ipc::NetworkRemoveMethod::name), 0) << "the user said no";

    answer = true;
    page->remove_member();
    ASSERT_TRUE(wait_until([&] { return page->members().rowCount() == 4; }));
    const ipc::Json sent = daemon_->last(ipc::NetworkRemoveMethod::name);
    EXPECT_EQ(sent["network"], "home");
    EXPECT_EQ(sent["member"], "laptop");

    // The node itself is never offered for removal.
    page->member_table().selectRow(0);
    ASSERT_TRUE(page->selected_member()->self);
    page->remove_member();
    EXPECT_EQ(asked.size(), 2);

    // Leaving asks too, then the network is gone from the list.
    page->leave_network();
    ASSERT_EQ(asked.size(), 3);
    EXPECT_TRUE(asked.back().contains(QStringLiteral("lighthouse")));
    ASSERT_TRUE(wait_until([&] { return page->networks().rowCount() == 2; }));
    EXPECT_EQ(daemon_->last(ipc::NetworkLeaveMethod::name)["network"], "home");
}

TEST_F(NetworksPageTest, ReadsMembersEveryFewSecondsOnlyWhileVisible) {
    auto page = this->page();
    page->set_poll_interval(20);
    const int before = daemon_->count(ipc::NetworkMembersMethod::name);
    QTest::qWait(100);
    EXPECT_EQ(daemon_->count(ipc::NetworkMembersMethod::name), before) << "never shown";
    page->show();
    EXPECT_TRUE(page->polling());
    ASSERT_TRUE(
        wait_until([&] { return daemon_->count(ipc::NetworkMembersMethod::name) >= before + 3; }));
    page->hide();
    EXPECT_FALSE(page->polling());
    QTest::qWait(50);  // a reply on its way may still land
    const int hidden = daemon_->count(ipc::NetworkMembersMethod::name);
    QTest::qWait(200);
    EXPECT_EQ(daemon_->count(ipc::NetworkMembersMethod::name), hidden);
    // A peer event of the network's tunnel reads them once, visible or not.
    daemon_->push<ipc::PeerChangedEvent>(ipc::PeerChanged{"home", test::key_of(7), false});
    EXPECT_TRUE(
        wait_until([&] { return daemon_->count(ipc::NetworkMembersMethod::name) == hidden + 1; }));
}

// The README's pictures of the page and the invite: written (and readable) from example data.
// TULLE_SCREENSHOTS=docs/screenshots keeps them there.
TEST(NetworkScreenshots, ThePageAndTheInviteWithItsQrCode) {
    QTemporaryDir dir;
    const QString socket = dir.filePath(QStringLiteral("tulled.sock"));
    FakeDaemon daemon(socket);
    FakeNetworks networks(daemon);
    NetworksPageTest::seed(networks, QDateTime::currentSecsSinceEpoch());
    DaemonLink link(socket);
    TunnelHub hub(link);
    LocalTunnels local(dir.filePath(QStringLiteral("profiles")));
    TunnelActions actions(hub, local);
    MainWindow window(hub, actions);
    link.start();
    ASSERT_TRUE(wait_until([&] { return window.networks_page().members().rowCount() == 5; }));
    const QString folder = qEnvironmentVariableIsEmpty("TULLE_SCREENSHOTS")
                               ? dir.filePath(QStringLiteral("pictures"))
                               : qEnvironmentVariable("TULLE_SCREENSHOTS");
    ASSERT_TRUE(save_network_screenshots(window, folder));
    for (const char* name : {"networks.png", "network-invite.png"}) {
        const QImage image(QDir(folder).filePath(QString::fromLatin1(name)));
        EXPECT_FALSE(image.isNull()) << name;
    }
}

}  // namespace
}  // namespace tulle::app
