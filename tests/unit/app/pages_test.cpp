// The app's hub, models, pages and tray against an in-process fake of tulled's control socket
// that speaks the real protocol: tables and charts follow the daemon's replies and events, the
// editor sends what the user typed, and the window says what to do when the daemon is away.
#include <map>

#include <QAbstractButton>
#include <QAction>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <gtest/gtest.h>

#include "app/autostart.hpp"
#include "app/main_window.hpp"
#include "app/network_dialogs.hpp"
#include "app/peer_editor.hpp"
#include "app/qr_export_dialog.hpp"
#include "app/tray.hpp"
#include "app/tunnel_actions.hpp"
#include "app/tunnels_page.hpp"
#include "ipc/version.hpp"
#include "ipc/wg_config.hpp"
#include "peer_export/qr.hpp"
#include "tests/unit/app/fake_daemon.hpp"

namespace tulle::app {
namespace {

using test::FakeDaemon;

constexpr std::int64_t kNow = 1'800'000'000;

bool wait_until(const std::function<bool()>& done, int ms = 10000) {
    return QTest::qWaitFor(done, ms);
}

// A daemon with tunnel wg0 up (peers alpha and beta, ten minutes of history each) and a system
// tunnel "office" that is down.
class PagesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.isValid());
        daemon_ = std::make_unique<FakeDaemon>(socket());
        ASSERT_TRUE(daemon_->listening());
        wg0_ = test::tunnel_status("wg0", true);
        auto office = test::tunnel_status("office", false);
        office.system = true;
        peers_ = {test::peer_status(1, "alpha"), test::peer_status(2, "beta")};
        peers_[0].last_handshake = kNow - 5;
        peers_[1].last_handshake = kNow - 20;
        wg0_.peers = peers_.size();
        daemon_->on<ipc::TunnelListMethod>([this, office](const ipc::NoParams&) {
            return ipc::TunnelList{{wg0_, office}};
        });
        daemon_->on<ipc::TunnelGetMethod>([this](const ipc::TunnelRef&) {
            ipc::TunnelSettings settings;
            settings.listen_port = 51820;
            settings.mtu = 1380;
            return ipc::TunnelDetail{wg0_, peers_, "[Interface]\nListenPort = 51820\nMTU = 1380\n",
                                     settings};
        });
        daemon_->on<ipc::StatsHistoryMethod>([](const ipc::StatsQuery&) {
            std::vector<ipc::PeerHistory> history(2);
            for (std::uint8_t i = 0; i < 2; ++i) {
                history[i].public_key = test::key_of(i + 1);
                // 601 totals a second apart: 600 rates, the first peer at 1000 B/s received.
                for (std::int64_t t = 0; t <= 600; ++t) {
                    history[i].samples.push_back({kNow - 600 + t,
                                                  static_cast<std::uint64_t>(t) * 1000U * (i + 1U),
                                                  static_cast<std::uint64_t>(t) * 10});
                }
            }
            ipc::StatsHistory out;  // all at once, as a tulled before 1.2 answers
            out.peers = std::move(history);
            return out;
        });
    }

    [[nodiscard]] QString socket() const { return dir_.filePath(QStringLiteral("tulled.sock")); }

    // A stats event for wg0 at `time` with the given receive rates.
    void push_stats(std::int64_t time, double alpha_rx, double beta_rx) {
        ipc::StatsEvent event{"wg0", time, peers_};
        event.peers[0].rx_rate = alpha_rx;
        event.peers[1].rx_rate = beta_rx;
        event.peers[0].rx_bytes = 5'000'000;
        daemon_->push<ipc::StatsTickEvent>(event);
    }

    struct App {
        explicit App(const QString& socket, const QString& folder)
            : link(socket), hub(link), local(folder), actions(hub, local) {}
        DaemonLink link;
        TunnelHub hub;
        LocalTunnels local;
        TunnelActions actions;
    };

    std::unique_ptr<App> start() {
        auto app = std::make_unique<App>(socket(), dir_.filePath(QStringLiteral("profiles")));
        app->link.start();
        EXPECT_TRUE(wait_until([&] {
            const TunnelView* view = app->hub.find(QStringLiteral("wg0"));
            return view != nullptr && view->peers.size() == 2 && !view->peers[0].history.empty();
        }));
        return app;
    }

    QTemporaryDir dir_;
    std::unique_ptr<FakeDaemon> daemon_;
    ipc::TunnelStatus wg0_;
    std::vector<ipc::PeerStatus> peers_;
};

TEST_F(PagesTest, TheHubSubscribesAndLoadsTunnelsPeersAndHistory) {
    auto app = start();
    EXPECT_EQ(daemon_->count(ipc::SubscribeMethod::name), 1);
    ASSERT_NE(app->hub.find(QStringLiteral("office")), nullptr);
    EXPECT_FALSE(app->hub.find(QStringLiteral("office"))->status.up);
    const auto& history = app->hub.find(QStringLiteral("wg0"))->peers[0].history;
    EXPECT_EQ(history.points().size(), 600U);
    EXPECT_DOUBLE_EQ(history.points().back().rx, 1000.0);
}

TEST_F(PagesTest, PeersTableUpdatesFromStatsEvents) {
    auto app = start();
    PeersPage page(app->hub);
    const auto& model = page.model();
    ASSERT_EQ(model.rowCount(), 2);
    auto cell = [&](int row, int column) { return model.index(row, column).data().toString(); };
    EXPECT_EQ(cell(0, PeerTableModel::name), QStringLiteral("alpha"));
    EXPECT_EQ(cell(0, PeerTableModel::endpoint), QStringLiteral("192.0.2.1:51820"));
    EXPECT_EQ(cell(0, PeerTableModel::path), QStringLiteral("—")) << "no path known yet";
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    push_stats(kNow + 1, 2048, 0);
    ASSERT_TRUE(wait_until([&] { return !changed.isEmpty(); }));
    EXPECT_EQ(cell(0, PeerTableModel::rx_rate), QStringLiteral("2.00 KiB/s"));
    EXPECT_EQ(cell(0, PeerTableModel::received), QStringLiteral("4.77 MiB"));
    EXPECT_EQ(cell(0, PeerTableModel::handshake), QStringLiteral("6 s ago"));
    // The path moves with the stats, as tulled finds a better one.
    peers_[0].path.kind = ipc::PathKind::direct;
    peers_[0].path.endpoint = value::SocketAddress::parse("198.51.100.7:51820").value();
    peers_[1].path.kind = ipc::PathKind::relay;
    peers_[1].path.endpoint = value::SocketAddress::parse("203.0.113.5:51820").value();
    peers_[1].path.via = "home-server";
    push_stats(kNow + 11, 0, 0);
    ASSERT_TRUE(wait_until([&] { return cell(0, PeerTableModel::handshake) == "16 s ago"; }))
        << cell(0, PeerTableModel::handshake).toStdString();
    EXPECT_EQ(cell(0, PeerTableModel::path), QStringLiteral("direct 198.51.100.7:51820"));
    EXPECT_EQ(cell(1, PeerTableModel::path), QStringLiteral("relay via home-server"));

    // Sorted by receive rate, highest first; filtered by text.
    push_stats(kNow + 12, 10, 500);
    ASSERT_TRUE(wait_until([&] { return cell(1, PeerTableModel::rx_rate) == "500 B/s"; }));
    page.view_model().sort(PeerTableModel::rx_rate, Qt::DescendingOrder);
    EXPECT_EQ(page.view_model().index(0, PeerTableModel::name).data().toString(),
              QStringLiteral("beta"));
    page.view_model().setFilterFixedString(QStringLiteral("192.0.2.1:"));
    EXPECT_EQ(page.view_model().rowCount(), 1);
}

TEST_F(PagesTest, APeerAddedElsewhereAppearsAfterItsEvent) {
    auto app = start();
    PeersPage page(app->hub);
    ASSERT_EQ(page.model().rowCount(), 2);
    peers_.push_back(test::peer_status(3, "gamma"));
    daemon_->push<ipc::PeerChangedEvent>(ipc::PeerChanged{"wg0", test::key_of(3), false});
    EXPECT_TRUE(wait_until([&] { return page.model().rowCount() == 3; }));
}

// A path.changed event for peer `byte` of wg0, from no path to `to`.
ipc::PathChanged path_change(std::uint8_t byte, ipc::PeerPath to) {
    return ipc::PathChanged{
        "wg0",           test::key_of(byte), "",
        ipc::PeerPath{}, std::move(to),      "the direct path stopped answering"};
}

ipc::PeerPath relay_via(const std::string& name) {
    return ipc::PeerPath{ipc::PathKind::relay,
                         value::SocketAddress::parse("203.0.113.5:51820").value(), name};
}

// The Path cell follows path.changed at once, without waiting for the next stats event.
TEST_F(PagesTest, APathChangeShowsInThePeersTableAtOnce) {
    auto app = start();
    PeersPage page(app->hub);
    const auto& model = page.model();
    auto cell = [&](int row) { return model.index(row, PeerTableModel::path).data().toString(); };
    ASSERT_EQ(cell(1), QStringLiteral("—"));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    daemon_->push<ipc::PathChangedEvent>(path_change(2, relay_via("home-server")));
    ASSERT_TRUE(wait_until([&] { return cell(1) == QStringLiteral("relay via home-server"); }))
        << cell(1).toStdString();
    EXPECT_EQ(cell(0), QStringLiteral("—")) << "only that peer's path changed";
    ASSERT_FALSE(changed.isEmpty());
    const auto top_left = changed.last().at(0).value<QModelIndex>();
    EXPECT_EQ(top_left.row(), 1);
    EXPECT_EQ(top_left.column(), PeerTableModel::path);
    EXPECT_EQ(daemon_->count(ipc::TunnelGetMethod::name), 1) << "no reload needed";

    daemon_->push<ipc::PathChangedEvent>(path_change(
        2, ipc::PeerPath{ipc::PathKind::direct,
                         value::SocketAddress::parse("198.51.100.7:40123").value(), ""}));
    EXPECT_TRUE(wait_until([&] { return cell(1) == QStringLiteral("direct 198.51.100.7:40123"); }))
        << cell(1).toStdString();

    // A peer the app has not read yet: it reads the tunnel again.
    daemon_->push<ipc::PathChangedEvent>(path_change(9, relay_via("home-server")));
    EXPECT_TRUE(wait_until([&] { return daemon_->count(ipc::TunnelGetMethod::name) == 2; }));
}

// The tray's tooltip counts the relayed peers of each tunnel that has any.
TEST_F(PagesTest, TheTrayTooltipSaysHowManyPeersAreRelayed) {
    auto app = start();
    Tray tray(app->hub, app->actions);
    auto tip = [&] { return tray.icon().toolTip(); };
    EXPECT_FALSE(tip().contains(QStringLiteral("relayed"))) << tip().toStdString();
    daemon_->push<ipc::PathChangedEvent>(path_change(1, relay_via("home-server")));
    ASSERT_TRUE(wait_until([&] { return tip().contains(QStringLiteral("relayed")); }))
        << tip().toStdString();
    EXPECT_TRUE(tip().contains(QStringLiteral("wg0: 2 peer(s), 1 relayed"))) << tip().toStdString();
    EXPECT_TRUE(tip().contains(QStringLiteral("1 tunnel"))) << "the state line stays";
    daemon_->push<ipc::PathChangedEvent>(path_change(2, relay_via("home-server")));
    ASSERT_TRUE(wait_until([&] { return tip().contains(QStringLiteral("2 relayed")); }))
        << tip().toStdString();
    // Back to direct: the line goes.
    for (std::uint8_t byte : {1, 2}) {
        daemon_->push<ipc::PathChangedEvent>(path_change(
            byte, ipc::PeerPath{ipc::PathKind::lan,
                                value::SocketAddress::parse("192.168.1.4:51820").value(), ""}));
    }
    EXPECT_TRUE(wait_until([&] { return !tip().contains(QStringLiteral("relayed")); }))
        << tip().toStdString();
}

TEST_F(PagesTest, ChartFillsFromHistoryAndMovesWithStats) {
    auto app = start();
    ThroughputPage page(app->hub);
    page.resize(800, 500);
    page.show();
    page.set_range_seconds(600);
    ASSERT_EQ(page.peer_key(), QString::fromStdString(test::key_of(1).to_base64()));
    EXPECT_EQ(page.receive_points(), 600);
    EXPECT_EQ(page.send_points(), 600);
    EXPECT_DOUBLE_EQ(page.max_shown_rate(), 1000.0);
    push_stats(kNow + 1, 4096, 0);
    ASSERT_TRUE(wait_until([&] { return page.max_shown_rate() == 4096.0; }));
    EXPECT_EQ(page.receive_points(), 600) << "the oldest second leaves as a new one comes";
    EXPECT_TRUE(page.summary().contains(QStringLiteral("4.00 KiB/s")))
        << page.summary().toStdString();
    page.set_range_seconds(60);
    EXPECT_EQ(page.receive_points(), 61);
    page.show_peer(QStringLiteral("wg0"), QString::fromStdString(test::key_of(2).to_base64()));
    EXPECT_DOUBLE_EQ(page.max_shown_rate(), 2000.0);
}

TEST_F(PagesTest, EditorChecksAsYouTypeAndSendsTheChange) {
    auto app = start();
    PeerEditor editor(app->link, QStringLiteral("wg0"), QStringList(), QString());
    EXPECT_FALSE(editor.can_apply()) << "no key yet";
    PeerForm form;
    form.name = QStringLiteral("phone");
    form.public_key = QString::fromStdString(test::key_of(9).to_base64());
    form.endpoint = QStringLiteral("2001:db8::1:51820");
    form.allowed_ips = QStringLiteral("10.0.0.9/32");
    editor.set_form(form);
    EXPECT_FALSE(editor.can_apply());
    EXPECT_TRUE(editor.message(QStringLiteral("endpoint")).contains(QStringLiteral("brackets")));
    form.endpoint = QStringLiteral("[2001:db8::1]:51820");
    editor.set_form(form);
    EXPECT_TRUE(editor.can_apply());
    EXPECT_TRUE(editor.message(QStringLiteral("endpoint")).isEmpty());

    daemon_->on<ipc::PeerAddMethod>([](const ipc::PeerEdit&) -> ipc::Outcome<ipc::PeerStatus> {
        return ipc::refuse(ipc::ErrorCode::invalid_params,
                           "params.peer.allowed_ips[0]: 10.0.0.9/32 is routed to peer alpha");
    });
    editor.apply();
    ASSERT_TRUE(wait_until([&] { return editor.result_text().contains("refused"); }));
    EXPECT_TRUE(editor.result_text().contains(QStringLiteral("allowed_ips[0]")));
    EXPECT_NE(editor.result(), QDialog::Accepted) << "a refusal keeps what was typed";

    daemon_->on<ipc::PeerAddMethod>(
        [](const ipc::PeerEdit& edit) { return test::peer_status_of(edit.peer.public_key); });
    QSignalSpy applied(&editor, &PeerEditor::applied);
    editor.apply();
    ASSERT_TRUE(wait_until([&] { return !applied.isEmpty(); }));
    const ipc::Json sent = daemon_->last(ipc::PeerAddMethod::name);
    EXPECT_EQ(sent["tunnel"], "wg0");
    EXPECT_EQ(sent["peer"]["public_key"], test::key_of(9).to_base64());
    EXPECT_EQ(sent["peer"]["endpoint"], "[2001:db8::1]:51820");
    EXPECT_EQ(sent["peer"]["allowed_ips"], ipc::Json::array({"10.0.0.9/32"}));
    EXPECT_EQ(sent["peer"]["name"], "phone");
    EXPECT_EQ(editor.result(), QDialog::Accepted);
}

// Export -> QR code: the peer is added with the key made in the app, and its file is shown once,
// as text that the wg-quick parser reads and as a QR code of exactly that text.
TEST_F(PagesTest, ExportAsQrCodeAddsThePeerAndShowsItsFileOnce) {
    auto app = start();
    daemon_->on<ipc::PeerAddMethod>(
        [](const ipc::PeerEdit& edit) { return test::peer_status_of(edit.peer.public_key); });
    TunnelsPage page(app->hub, app->actions);
    page.select(QStringLiteral("office"));
    auto* action = page.findChild<QAction*>(QStringLiteral("export_qr"));
    ASSERT_NE(action, nullptr);
    EXPECT_FALSE(action->isEnabled()) << "a tunnel that is down has no peers to add";
    page.select(QStringLiteral("wg0"));
    EXPECT_TRUE(action->isEnabled());
    QrExportDialog* dialog = page.export_qr_selected();
    ASSERT_NE(dialog, nullptr);

    dialog->create();  // no endpoint yet
    ASSERT_TRUE(wait_until([&] { return dialog->message().contains(QStringLiteral("required")); }));
    EXPECT_TRUE(dialog->message().startsWith(QStringLiteral("Reach this machine at: ")))
        << dialog->message().toStdString();
    EXPECT_FALSE(dialog->shown());
    EXPECT_TRUE(daemon_->last(ipc::PeerAddMethod::name).is_null()) << "nothing was added";

    dialog->set_fields(QStringLiteral("phone"), QStringLiteral("vpn.example.com"), QString(),
                       false);
    dialog->create();
    ASSERT_TRUE(wait_until([&] { return dialog->shown(); })) << dialog->message().toStdString();
    const std::string text = dialog->config_text().toStdString();
    auto phone = ipc::parse_config(text, "phone.conf", /*allow_hooks=*/false);
    ASSERT_TRUE(phone.ok()) << ipc::to_string(phone.error()) << text;
    const ipc::Json sent = daemon_->last(ipc::PeerAddMethod::name);
    EXPECT_EQ(sent["tunnel"], "wg0");
    EXPECT_EQ(sent["peer"]["name"], "phone");
    EXPECT_EQ(sent["peer"]["public_key"],
              value::public_key_of(phone->iface.private_key)->to_base64());
    EXPECT_EQ(sent["peer"]["allowed_ips"], ipc::Json::array({"10.0.0.3/32"}));
    EXPECT_EQ(phone->iface.addresses.at(0).to_string(), "10.0.0.3/32");
    EXPECT_EQ(phone->peers.at(0).public_key, test::key_of(0xEE));
    EXPECT_EQ(phone->peers.at(0).endpoint->to_string(), "vpn.example.com:51820");
    // The private key went to no call.
    const std::string private_key = phone->iface.private_key.to_base64();
    for (const auto& call : daemon_->calls()) {
        EXPECT_EQ(call.params.dump().find(private_key), std::string::npos) << call.method;
    }

    // The picture is the QR code of that text: module for module, with a white quiet zone.
    auto code = peer_export::encode_qr(text);
    ASSERT_TRUE(code.ok());
    const QImage image = dialog->image();
    const int scale = image.width() / (code->size() + 2 * peer_export::kQuietZone);
    ASSERT_GT(scale, 0);
    EXPECT_EQ(image.width(), (code->size() + 2 * peer_export::kQuietZone) * scale);
    for (int y = -peer_export::kQuietZone; y < code->size() + peer_export::kQuietZone; ++y) {
        for (int x = -peer_export::kQuietZone; x < code->size() + peer_export::kQuietZone; ++x) {
            const QPoint centre((x + peer_export::kQuietZone) * scale + scale / 2,
                                (y + peer_export::kQuietZone) * scale + scale / 2);
            ASSERT_EQ(qGray(image.pixel(centre)) < 128, code->dark(x, y)) << x << "," << y;
        }
    }

    const QString path = dir_.filePath(QStringLiteral("phone.conf"));
    ASSERT_TRUE(dialog->save_to(path).isEmpty());
    QFile saved(path);
    ASSERT_TRUE(saved.open(QIODevice::ReadOnly));
    EXPECT_EQ(saved.readAll().toStdString(), text);
    EXPECT_EQ((saved.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther)).toInt(), 0);

    // Once closed, it is gone from the dialog.
    dialog->setAttribute(Qt::WA_DeleteOnClose, false);
    dialog->reject();
    EXPECT_FALSE(dialog->shown());
    EXPECT_TRUE(dialog->config_text().isEmpty());
    EXPECT_TRUE(dialog->image().isNull());
    delete dialog;
}

TEST_F(PagesTest, EditingAPeerKeepsItsKeyAndCanDropItsPresharedKey) {
    auto app = start();
    peers_[0].has_preshared_key = true;
    PeerEditor editor(app->link, QStringLiteral("wg0"), peers_[0]);
    EXPECT_TRUE(editor.can_apply());
    EXPECT_EQ(editor.form().allowed_ips, QStringLiteral("10.0.0.1/32"));
    daemon_->on<ipc::PeerUpdateMethod>(
        [](const ipc::PeerEdit& edit) { return test::peer_status_of(edit.peer.public_key); });
    editor.findChild<QCheckBox*>(QStringLiteral("remove_psk"))->setChecked(true);
    editor.apply();
    ASSERT_TRUE(wait_until([&] { return daemon_->count(ipc::PeerUpdateMethod::name) == 1; }));
    const ipc::Json sent = daemon_->last(ipc::PeerUpdateMethod::name);
    EXPECT_EQ(sent["peer"]["public_key"], test::key_of(1).to_base64());
    EXPECT_EQ(sent["peer"]["preshared_key"], "");
}

TEST_F(PagesTest, LogsTailFilterSearchFollowAndSave) {
    daemon_->on<ipc::LogTailMethod>([](const ipc::LogQuery&) {
        return ipc::LogTail{{{1000, ipc::LogLevel::debug, "debug detail"},
                             {2000, ipc::LogLevel::info, "wg0: up"},
                             {3000, ipc::LogLevel::warning, "wg0: handshake lost"}}};
    });
    auto app = start();
    LogsPage page(app->link);
    ASSERT_TRUE(wait_until([&] { return page.model().rowCount() == 3; }));
    EXPECT_EQ(page.filter().rowCount(), 2) << "info and above by default";
    page.set_level(ipc::LogLevel::warning);
    EXPECT_EQ(page.filter().rowCount(), 1);
    page.set_level(ipc::LogLevel::trace);
    page.set_search(QStringLiteral("WG0"));
    EXPECT_EQ(page.filter().rowCount(), 2);
    daemon_->push<ipc::LogEvent>(ipc::LogLine{4000, ipc::LogLevel::error, "wg0: gone"});
    ASSERT_TRUE(wait_until([&] { return page.filter().rowCount() == 3; }));
    const QString path = dir_.filePath(QStringLiteral("saved.log"));
    ASSERT_TRUE(page.save_to(path).isEmpty());
    QFile saved(path);
    ASSERT_TRUE(saved.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(saved.readAll());
    EXPECT_TRUE(text.contains(QStringLiteral("[error] wg0: gone")));
    EXPECT_FALSE(text.contains(QStringLiteral("debug detail")));
    EXPECT_FALSE(page.save_to(dir_.filePath(QStringLiteral("no/such/folder/x.log"))).isEmpty());
}

// A running tunnel's details say where its DNS = went, or why it did not (tulled's sentence).
TEST_F(PagesTest, TunnelDetailsSayWhetherDnsIsApplied) {
    wg0_.dns_problem = "DNS = needs systemd-resolved or resolvconf; the tunnel is up without it";
    auto app = start();
    TunnelsPage page(app->hub, app->actions);
    page.select(QStringLiteral("wg0"));
    const auto* dns = page.findChild<QLabel*>(QStringLiteral("tunnel_dns"));
    ASSERT_NE(dns, nullptr);
    EXPECT_TRUE(dns->text().contains(
        QStringLiteral("not applied: DNS = needs systemd-resolved or resolvconf; the tunnel is up "
                       "without it")))
        << dns->text().toStdString();

    wg0_.dns_problem.clear();
    wg0_.dns = value::DnsManager::resolved;
    daemon_->push<ipc::TunnelChangedEvent>(ipc::TunnelChanged{wg0_, false});
    ASSERT_TRUE(wait_until([&] {
        return dns->text().contains(QStringLiteral("(through systemd-resolved)"));
    })) << dns->text().toStdString();
}

TEST_F(PagesTest, TrayTogglesTunnelsAndShowsState) {
    auto app = start();
    Tray tray(app->hub, app->actions);
    auto action = [&](const QString& name) {
        return tray.menu().findChild<QAction*>(QStringLiteral("tray_tunnel_") + name);
    };
    ASSERT_NE(action(QStringLiteral("wg0")), nullptr);
    ASSERT_NE(action(QStringLiteral("office")), nullptr);
    EXPECT_TRUE(action(QStringLiteral("wg0"))->isChecked());
    EXPECT_FALSE(action(QStringLiteral("office"))->isChecked());
    EXPECT_EQ(tray.shown_state(), TunnelState::on);
    EXPECT_TRUE(tray.icon().toolTip().contains(QStringLiteral("1 tunnel")))
        << tray.icon().toolTip().toStdString();

    daemon_->on<ipc::TunnelUpMethod>(
        [](const ipc::TunnelUp& up) { return test::tunnel_status(up.name, true); });
    daemon_->on<ipc::TunnelDownMethod>(
        [](const ipc::TunnelRef& ref) { return test::tunnel_status(ref.name, false); });
    action(QStringLiteral("office"))->trigger();
    ASSERT_TRUE(wait_until([&] { return daemon_->count(ipc::TunnelUpMethod::name) == 1; }));
    EXPECT_EQ(daemon_->last(ipc::TunnelUpMethod::name), (ipc::Json{{"name", "office"}}))
        << "a system tunnel is started by name; its keys stay with root";
    action(QStringLiteral("wg0"))->trigger();
    ASSERT_TRUE(wait_until([&] { return daemon_->count(ipc::TunnelDownMethod::name) == 1; }));

    // The daemon reports wg0 down: the tray says so.
    wg0_.up = false;
    daemon_->push<ipc::TunnelChangedEvent>(ipc::TunnelChanged{wg0_, false});
    ASSERT_TRUE(wait_until([&] { return tray.shown_state() == TunnelState::off; }));
    EXPECT_TRUE(tray.last_notification().contains(QStringLiteral("wg0 is down")));
    EXPECT_FALSE(action(QStringLiteral("wg0"))->isChecked());
}

// #18: a tunnel tullectl brought up from a file (not saved) is turned off and on again from
// the tray; tulled keeps it, and the tray says it is gone after tulled restarts.
TEST_F(PagesTest, TheTrayTurnsAnUnsavedTunnelOffAndOnAgain) {
    ipc::TunnelStatus demo = test::tunnel_status("demo", true);
    daemon_->on<ipc::TunnelListMethod>(
        [&demo](const ipc::NoParams&) { return ipc::TunnelList{{demo}}; });
    daemon_->on<ipc::TunnelGetMethod>([&demo](const ipc::TunnelRef&) {
        return ipc::TunnelDetail{demo, {}, "", ipc::TunnelSettings{}};
    });
    auto app = std::make_unique<App>(socket(), dir_.filePath(QStringLiteral("profiles")));
    app->link.start();
    Tray tray(app->hub, app->actions);
    auto entry = [&] {
        return tray.menu().findChild<QAction*>(QStringLiteral("tray_tunnel_demo"));
    };
    ASSERT_TRUE(wait_until([&] { return entry() != nullptr && entry()->isChecked(); }));
    EXPECT_EQ(entry()->text(), QStringLiteral("demo (not saved)"));
    EXPECT_TRUE(entry()->toolTip().contains(QStringLiteral("gone after tulled restarts")));
    EXPECT_TRUE(tray.menu().toolTipsVisible());
    // As tulled answers: down keeps it listed; up by name brings it back.
    daemon_->on<ipc::TunnelDownMethod>([this, &demo](const ipc::TunnelRef&) {
        demo.up = false;
        daemon_->push<ipc::TunnelChangedEvent>(ipc::TunnelChanged{demo, false});
        return demo;
    });
    daemon_->on<ipc::TunnelUpMethod>([this, &demo](const ipc::TunnelUp& up) {
        if (up.name != "demo" || up.config) {
            return ipc::Outcome<ipc::TunnelStatus>(
                ipc::refuse(ipc::ErrorCode::invalid_params, "expected demo by name"));
        }
        demo.up = true;
        daemon_->push<ipc::TunnelChangedEvent>(ipc::TunnelChanged{demo, false});
        return ipc::Outcome<ipc::TunnelStatus>(demo);
    });
    entry()->trigger();
    ASSERT_TRUE(wait_until([&] { return entry() != nullptr && !entry()->isChecked(); }));
    entry()->trigger();
    ASSERT_TRUE(wait_until([&] { return daemon_->count(ipc::TunnelUpMethod::name) == 1; }));
    EXPECT_EQ(daemon_->last(ipc::TunnelUpMethod::name), (ipc::Json{{"name", "demo"}}));
    ASSERT_TRUE(wait_until([&] { return entry() != nullptr && entry()->isChecked(); }));
    EXPECT_EQ(app->hub.tunnels_up(), 1);
    EXPECT_FALSE(tray.last_notification().contains(QStringLiteral("did not")));
}

// #18: a toggle from the tray that tulled refuses says why in a notification, and the entry
// shows the tunnel as it is. (Before, the reason went only to the window's status bar.)
TEST_F(PagesTest, ATrayToggleThatFailsIsNotifiedWithTheReason) {
    auto app = start();
    Tray tray(app->hub, app->actions);
    daemon_->on<ipc::TunnelUpMethod>([](const ipc::TunnelUp& up) {
        return ipc::Outcome<ipc::TunnelStatus>(
            ipc::refuse(ipc::ErrorCode::already_exists,
                        "an interface named '" + up.name + "' exists already on this system"));
    });
    auto office = [&] {
        return tray.menu().findChild<QAction*>(QStringLiteral("tray_tunnel_office"));
    };
    office()->trigger();
    ASSERT_TRUE(
        wait_until([&] { return tray.last_notification().contains(QStringLiteral("office")); }));
    EXPECT_TRUE(tray.last_notification().contains(QStringLiteral("did not come up")))
        << tray.last_notification().toStdString();
    EXPECT_TRUE(tray.last_notification().contains(QStringLiteral("exists already on this system")))
        << tray.last_notification().toStdString();
    ASSERT_NE(office(), nullptr);
    EXPECT_FALSE(office()->isChecked());
}

// #18: without tulled the menu's status line is a few words, not the link's whole explanation
// (which made a menu item as wide as the screen); the explanation is its tooltip.
TEST_F(PagesTest, WithoutTulledTheTrayMenuSaysSoInOneShortLine) {
    daemon_.reset();  // nobody serves the socket
    auto app = std::make_unique<App>(socket(), dir_.filePath(QStringLiteral("profiles")));
    app->link.start();
    Tray tray(app->hub, app->actions);
    ASSERT_TRUE(wait_until([&] { return app->link.state() == DaemonLink::State::unavailable; }));
    ASSERT_FALSE(app->link.detail().isEmpty());
    auto* status = tray.menu().findChild<QAction*>(QStringLiteral("tray_status"));
    ASSERT_NE(status, nullptr);
    EXPECT_EQ(status->text(), QStringLiteral("tulled is not reachable"));
    EXPECT_FALSE(status->text().contains(QLatin1Char('\n')));
    EXPECT_EQ(status->toolTip(), app->link.detail());
    EXPECT_EQ(tray.menu().actions().first(), status);
}

// The kill switch's check box: a running tunnel shows its switch (and it cannot change while up);
// a system tunnel that is down shows its file's choice; Turn on sends the user's choice, and
// nothing when the user left the box alone (the file decides, as from the tray).
TEST_F(PagesTest, TheKillSwitchBoxShowsTheTunnelsSwitchAndTurnOnSendsIt) {
    wg0_.kill_switch = true;
    daemon_->on<ipc::TunnelGetMethod>([this](const ipc::TunnelRef& ref) {
        ipc::TunnelSettings settings;
        settings.kill_switch = true;  // "# tulle: kill-switch" in the file
        if (ref.name == "wg0") {
            return ipc::TunnelDetail{wg0_, peers_, "[Interface]\n", settings};
        }
        auto office = test::tunnel_status(ref.name, false);
        office.system = true;
        return ipc::TunnelDetail{office, {}, "[Interface]\n", settings};
    });
    daemon_->on<ipc::TunnelUpMethod>(
        [](const ipc::TunnelUp& up) { return test::tunnel_status(up.name, true); });
    auto app = start();
    TunnelsPage page(app->hub, app->actions);
    auto* box = page.findChild<QCheckBox*>(QStringLiteral("tunnel_kill_switch"));
    ASSERT_NE(box, nullptr);
    EXPECT_EQ(box->text(), QStringLiteral("&Block untunneled traffic"));

    page.select(QStringLiteral("wg0"));
    EXPECT_TRUE(box->isChecked());
    EXPECT_FALSE(box->isEnabled()) << "a running tunnel's switch changes when it is turned on";

    page.select(QStringLiteral("office"));
    ASSERT_TRUE(wait_until([&] { return box->isChecked(); })) << "the file's choice";
    EXPECT_TRUE(box->isEnabled());
    page.toggle_selected();
    ASSERT_TRUE(wait_until([&] { return daemon_->count(ipc::TunnelUpMethod::name) == 1; }));
    EXPECT_EQ(daemon_->last(ipc::TunnelUpMethod::name), (ipc::Json{{"name", "office"}}));

    box->click();  // the user wants it off this time
    EXPECT_FALSE(box->isChecked());
    page.toggle_selected();
    ASSERT_TRUE(wait_until([&] { return daemon_->count(ipc::TunnelUpMethod::name) == 2; }));
    EXPECT_EQ(daemon_->last(ipc::TunnelUpMethod::name),
              (ipc::Json{{"name", "office"}, {"kill_switch", false}}));
}

TEST_F(PagesTest, AHandshakeThatKeepsFailingIsNotifiedOnce) {
    auto app = start();
    Tray tray(app->hub, app->actions);
    QSignalSpy failing(&app->hub, &TunnelHub::handshake_failing);
    peers_[1].last_handshake = 0;
    for (int second = 1; second <= 40; ++second) {
        peers_[1].tx_bytes += 148;  // an initiation now and then, never answered
        push_stats(kNow + second, 0, 0);
    }
    ASSERT_TRUE(wait_until([&] { return failing.size() == 1; }));
    EXPECT_EQ(failing.front().at(1).toString(), QStringLiteral("beta"));
    ASSERT_TRUE(wait_until([&] { return tray.shown_state() == TunnelState::error; }));
    EXPECT_TRUE(tray.last_notification().contains(QStringLiteral("beta")));
    QTest::qWait(200);
    EXPECT_EQ(failing.size(), 1) << "once, not every second";
}

TEST(HandshakeWatch, IdlePeersAndPeersWithoutEndpointAreNotFailing) {
    HandshakeWatch watch;
    ipc::PeerStatus idle = test::peer_status(1, "idle");
    for (std::int64_t t = 0; t < 100; ++t) {
        EXPECT_EQ(watch.update(kNow + t, idle), HandshakeWatch::Change::none);  // nothing sent
    }
    HandshakeWatch no_endpoint;
    ipc::PeerStatus roaming = test::peer_status(2, "roaming");
    roaming.endpoint.reset();
    for (std::int64_t t = 0; t < 100; ++t) {
        roaming.tx_bytes += 100;
        EXPECT_EQ(no_endpoint.update(kNow + t, roaming), HandshakeWatch::Change::none);
    }
    HandshakeWatch recovering;
    ipc::PeerStatus peer = test::peer_status(3, "flaky");
    HandshakeWatch::Change last = HandshakeWatch::Change::none;
    for (std::int64_t t = 0; t <= HandshakeWatch::kFailingAfter + 1; ++t) {
        peer.tx_bytes += 148;
        last = recovering.update(kNow + t, peer);
        if (last == HandshakeWatch::Change::failing) {
            break;
        }
    }
    EXPECT_EQ(last, HandshakeWatch::Change::failing);
    peer.last_handshake = kNow + 40;
    EXPECT_EQ(recovering.update(kNow + 41, peer), HandshakeWatch::Change::recovered);
}

TEST(RateHistory, RatesFromTotalsSkipCounterResetsAndKeepTenMinutes) {
    RateHistory history;
    history.assign({{100, 0, 0}, {101, 1000, 10}, {102, 500, 20}, {103, 1500, 30}});
    ASSERT_EQ(history.points().size(), 2U) << "the reset at 102 is skipped";
    EXPECT_DOUBLE_EQ(history.points()[0].rx, 1000);
    EXPECT_DOUBLE_EQ(history.points()[1].rx, 1000);
    for (std::int64_t t = 0; t < 700; ++t) {
        history.add({200 + t, 1, 1});
    }
    EXPECT_EQ(history.points().size(), RateHistory::kCapacity);
    history.add({899, 5, 5});  // a second seen again replaces the old value
    EXPECT_EQ(history.points().back().rx, 5);
    EXPECT_EQ(history.points().size(), RateHistory::kCapacity);
}

// The whole window, wired as main() wires it, for a daemon socket at `socket` (by default one
// where nothing listens) and profiles in a folder of its own.
struct AppWindow {
    explicit AppWindow(const QString& socket = {})
        : link(socket.isEmpty() ? dir.filePath(QStringLiteral("no-daemon.sock")) : socket),
          hub(link),
          local(dir.filePath(QStringLiteral("profiles"))),
          actions(hub, local),
          window(hub, actions) {}

    QTemporaryDir dir;
    DaemonLink link;
    TunnelHub hub;
    LocalTunnels local;
    TunnelActions actions;
    MainWindow window;
};

TEST(AboutBox, NamesTheVersionAndTheMitLicenceAndLinksToItsFile) {
    const QString installed = about_text(QStringLiteral("/usr/share/doc/tulle/LICENSE"));
    EXPECT_TRUE(installed.contains(QString::fromLatin1(kVersion)));
    EXPECT_TRUE(installed.contains(QStringLiteral("MIT licence")));
    EXPECT_TRUE(installed.contains(QStringLiteral("href=\"file:///usr/share/doc/tulle/LICENSE\"")))
        << installed.toStdString();
    EXPECT_FALSE(about_text(QString()).contains(QStringLiteral("href")))
        << "no link where the file is not installed";
    // The text itself is compiled in (Show Details).
    EXPECT_TRUE(license_text().startsWith(QStringLiteral("MIT License")));
    EXPECT_TRUE(license_text().contains(QStringLiteral("The Tulle developers")));
}

TEST(MainWindowBanner, SaysWhatToDoWhenTheDaemonIsAwayOrTooNew) {
    QTemporaryDir dir;
    const QString socket = dir.filePath(QStringLiteral("tulled.sock"));
    AppWindow app(socket);
    DaemonLink& link = app.link;
    MainWindow& window = app.window;
    link.start();
    ASSERT_TRUE(wait_until([&] { return link.state() == DaemonLink::State::unavailable; }));
    EXPECT_TRUE(window.banner_visible());
    EXPECT_TRUE(window.banner_text().contains(QStringLiteral("systemctl start tulled")))
        << window.banner_text().toStdString();
    {
        FakeDaemon newer(socket, {ipc::kProtocolVersion.major + 1, 0});
        ASSERT_TRUE(
            wait_until([&] { return link.state() == DaemonLink::State::incompatible; }, 20000));
        EXPECT_TRUE(window.banner_text().contains(QStringLiteral("update")))
            << window.banner_text().toStdString();
    }
    FakeDaemon daemon(socket);
    ASSERT_TRUE(wait_until([&] { return link.state() == DaemonLink::State::connected; }, 20000));
    EXPECT_FALSE(window.banner_visible());
}

TEST(ImportFile, ReadsATunnelFileAndRefusesMoreThanOneMiBEvenWhereTheSizeIsUnknown) {
    QTemporaryDir dir;
    const QString small = dir.filePath(QStringLiteral("wg1.conf"));
    {
        QFile file(small);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write("[Interface]\nListenPort = 51820\n");
    }
    QString error;
    const auto text = read_small_file(small, error);
    ASSERT_TRUE(text.has_value()) << error.toStdString();
    EXPECT_EQ(*text, "[Interface]\nListenPort = 51820\n");

    const QString big = dir.filePath(QStringLiteral("big.conf"));
    {
        QFile file(big);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(QByteArray((1 << 20) + 1, '#'));
    }
    EXPECT_FALSE(read_small_file(big, error).has_value());
    EXPECT_TRUE(error.contains(big) && error.contains(QStringLiteral("1 MiB")))
        << error.toStdString();

    // A device says its size is 0 and never ends: it must not be read to the end.
    error.clear();
    EXPECT_FALSE(read_small_file(QStringLiteral("/dev/zero"), error).has_value());
    EXPECT_TRUE(error.contains(QStringLiteral("1 MiB"))) << error.toStdString();

    EXPECT_FALSE(read_small_file(dir.filePath(QStringLiteral("missing.conf")), error));
    EXPECT_TRUE(error.contains(QStringLiteral("missing.conf"))) << error.toStdString();
}

// The letters Alt reaches on one screen, given as the texts that claim them: menus and tabs,
// plus every button and labelled field in `scope` (hidden ones too: they show up in some state).
// Returns "letter: text, text" for each letter that two of them claim.
QStringList clashing_mnemonics(QStringList texts, const QWidget& scope) {
    for (const auto* button : scope.findChildren<QAbstractButton*>()) {
        texts << button->text();
    }
    for (const auto* label : scope.findChildren<QLabel*>()) {
        if (label->buddy() != nullptr) {
            texts << label->text();
        }
    }
    std::map<QKeySequence, QStringList> claims;
    for (const QString& text : texts) {
        const QKeySequence key = QKeySequence::mnemonic(text);
        if (!key.isEmpty()) {
            claims[key] << text;
        }
    }
    QStringList clashes;
    for (const auto& [key, claimants] : claims) {
        if (claimants.size() > 1) {
            clashes << key.toString() + QStringLiteral(": ") + claimants.join(QStringLiteral(", "));
        }
    }
    return clashes;
}

TEST(MainWindowKeys, NoTwoThingsOnAPageShareAnAltLetterInAnyLanguage) {
    for (const QString& language :
         {QString(), QStringLiteral("de"), QStringLiteral("es"), QStringLiteral("zh_CN")}) {
        QTranslator translator;
        if (!language.isEmpty()) {
            ASSERT_TRUE(translator.load(QLocale(language), QStringLiteral("tulle"),
                                        QStringLiteral("_"), QStringLiteral(":/i18n")))
                << language.toStdString();
            QCoreApplication::installTranslator(&translator);
        }
        AppWindow app;
        MainWindow& window = app.window;
        QStringList always;  // menus and tabs
        for (const QAction* menu : window.menuBar()->actions()) {
            always << menu->text();
        }
        for (int page = 0; page < window.pages().count(); ++page) {
            always << window.pages().tabText(page);
        }
        const std::string where = "language '" + language.toStdString() + "', ";
        if (!language.isEmpty()) {  // the window really speaks it (contexts match the classes)
            EXPECT_NE(window.menuBar()->actions().front()->text(), QStringLiteral("&File"))
                << where;
            EXPECT_NE(window.pages().tabText(2), QStringLiteral("Throughput")) << where;
        }
        for (int page = 0; page < window.pages().count(); ++page) {
            const QStringList clashes = clashing_mnemonics(always, *window.pages().widget(page));
            EXPECT_TRUE(clashes.isEmpty())
                << where << "page " << window.pages().tabText(page).toStdString() << ": "
                << clashes.join(QStringLiteral("; ")).toStdString();
        }
        const PeerEditor editor(app.link, QStringLiteral("wg0"), QStringList(), QString());
        const QStringList clashes = clashing_mnemonics({}, editor);
        EXPECT_TRUE(clashes.isEmpty())
            << where << "peer editor: " << clashes.join(QStringLiteral("; ")).toStdString();
        const QrExportDialog qr(app.link, QStringLiteral("wg0"));
        const QStringList qr_clashes = clashing_mnemonics({}, qr);
        EXPECT_TRUE(qr_clashes.isEmpty())
            << where << "QR export: " << qr_clashes.join(QStringLiteral("; ")).toStdString();
        const CreateNetworkDialog create(app.link);
        const InviteDialog invite(app.link, QStringLiteral("home"), std::nullopt);
        const JoinDialog join(app.link);
        for (const auto& [name, dialog] :
             {std::pair<const char*, const QDialog*>{"create network", &create},
              {"invite", &invite},
              {"join", &join}}) {
            const QStringList dialog_clashes = clashing_mnemonics({}, *dialog);
            EXPECT_TRUE(dialog_clashes.isEmpty())
                << where << name << ": " << dialog_clashes.join(QStringLiteral("; ")).toStdString();
        }
        QCoreApplication::removeTranslator(&translator);
    }
}

TEST(MainWindowKeys, ControlAndADigitOpensThatPage) {
    AppWindow app;
    MainWindow& window = app.window;
    window.show();
    window.activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(&window));
    for (const int page : {2, 4, 3, 1, 0}) {
        QTest::keyClick(&window, static_cast<Qt::Key>(Qt::Key_1 + page), Qt::ControlModifier);
        EXPECT_EQ(window.pages().currentIndex(), page);
    }
}

TEST(Autostart, TheSettingsMenuWritesAndRemovesAnXdgAutostartEntry) {
    // The test binary's main() points XDG_CONFIG_HOME at a folder of its own.
    ASSERT_TRUE(autostart_folder().startsWith(qEnvironmentVariable("XDG_CONFIG_HOME")));
    AppWindow app;
    MainWindow& window = app.window;
    QAction* toggle = nullptr;
    for (QAction* menu : window.menuBar()->actions()) {
        for (QAction* item : menu->menu()->actions()) {
            if (item->text() == MainWindow::tr("&Start Tulle at login")) {
                toggle = item;
            }
        }
    }
    ASSERT_NE(toggle, nullptr);
    ASSERT_FALSE(autostart_enabled());
    EXPECT_FALSE(toggle->isChecked());

    toggle->trigger();
    ASSERT_TRUE(autostart_enabled());
    const QString entry = QDir(autostart_folder()).filePath(QStringLiteral("tulle.desktop"));
    QFile file(entry);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    EXPECT_TRUE(text.startsWith("[Desktop Entry]\n"));
    EXPECT_TRUE(text.contains("\nExec=tulle\n"));
    EXPECT_TRUE(text.contains("\nType=Application\n"));
    const QString validate =
        QStandardPaths::findExecutable(QStringLiteral("desktop-file-validate"));
    if (!validate.isEmpty()) {
        QProcess check;
        check.start(validate, {entry});
        ASSERT_TRUE(check.waitForFinished());
        EXPECT_EQ(check.exitCode(), 0) << check.readAllStandardOutput().toStdString();
    }

    toggle->trigger();
    EXPECT_FALSE(autostart_enabled());
    EXPECT_FALSE(QFile::exists(entry));
}

}  // namespace
}  // namespace tulle::app
