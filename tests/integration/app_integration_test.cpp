// The app against a real tulled: tests/integration/app.sh runs this inside the service's network
// namespace, with a wireguard-go peer in another. The peer is added through the app's editor;
// wg(8) must then show it, traffic must flow, and the app's chart must show that traffic.
#include <QApplication>
#include <QProcess>
#include <QTest>
#include <gtest/gtest.h>

#include "app/peer_editor.hpp"
#include "app/peers_page.hpp"
#include "app/throughput_page.hpp"
#include "app/tunnel_hub.hpp"

namespace tulle::app {
namespace {

QString env(const char* name) {
    return qEnvironmentVariable(name);
}

QString run(const QString& program, const QStringList& arguments) {
    QProcess process;
    process.start(program, arguments);
    process.waitForFinished(30000);
    return QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
}

TEST(AppWithTulled, APeerAddedInTheEditorCarriesTrafficThatTheChartShows) {
    const QString tunnel = env("TULLE_TUNNEL");
    const QString peer_key = env("TULLE_PEER_KEY");
    ASSERT_FALSE(tunnel.isEmpty() || peer_key.isEmpty()) << "run through app.sh";
    DaemonLink link(env("TULLE_SOCKET"));
    TunnelHub hub(link);
    PeersPage peers(hub);
    ThroughputPage chart(hub);
    chart.resize(800, 500);
    chart.show();
    link.start();
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            const TunnelView* view = hub.find(tunnel);
            return view != nullptr && view->status.up;
        },
        10000))
        << "the tunnel is up in the app";
    ASSERT_EQ(peers.model().rowCount(), 0);

    PeerEditor editor(link, tunnel, QStringList(), QString());
    PeerForm form;
    form.name = QStringLiteral("wireguard-go");
    form.public_key = peer_key;
    form.endpoint = env("TULLE_PEER_ENDPOINT");
    form.allowed_ips = env("TULLE_PEER_IP") + QStringLiteral("/32");
    editor.set_form(form);
    ASSERT_TRUE(editor.can_apply()) << editor.result_text().toStdString();
    editor.apply();
    ASSERT_TRUE(QTest::qWaitFor([&] { return editor.result() == QDialog::Accepted; }, 10000))
        << editor.result_text().toStdString();

    // wg(8) reads the same tunnel through its UAPI socket.
    const QString shown = run(QStringLiteral("wg"), {QStringLiteral("show"), tunnel});
    EXPECT_TRUE(shown.contains(peer_key)) << shown.toStdString();
    EXPECT_TRUE(shown.contains(form.endpoint)) << shown.toStdString();
    EXPECT_TRUE(shown.contains(form.allowed_ips)) << shown.toStdString();
    ASSERT_TRUE(QTest::qWaitFor([&] { return peers.model().rowCount() == 1; }, 10000))
        << "the peer appears in the table from the daemon's event";

    QProcess ping;
    ping.start(
        QStringLiteral("ping"),
        {QStringLiteral("-c"), QStringLiteral("8"), QStringLiteral("-i"), QStringLiteral("0.25"),
         QStringLiteral("-s"), QStringLiteral("1200"), env("TULLE_PEER_IP")});
    ASSERT_TRUE(QTest::qWaitFor([&] { return ping.state() == QProcess::NotRunning; }, 20000));
    EXPECT_EQ(ping.exitCode(), 0) << ping.readAllStandardOutput().toStdString();

    chart.show_peer(tunnel, peer_key);
    ASSERT_TRUE(QTest::qWaitFor([&] { return chart.max_shown_rate() > 1000; }, 10000))
        << "the chart shows the ping's bytes: " << chart.max_shown_rate();
    EXPECT_GT(chart.receive_points(), 0);
    const QString handshake = peers.model().index(0, PeerTableModel::handshake).data().toString();
    EXPECT_NE(handshake, QStringLiteral("never"));
}

}  // namespace
}  // namespace tulle::app

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    return RUN_ALL_TESTS();
}
