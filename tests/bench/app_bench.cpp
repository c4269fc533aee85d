// The app with 1,000 peers updating at 1 Hz: what one stats tick costs the app, and the app's CPU.
//
//   app_bench [--peers N] [--seconds S]
//
// A child process (this program with --serve) plays tulled: one tunnel with N peers, a stats
// event for all of them every second, each peer's rate changing. The parent is the app: link,
// hub, the main window's pages, shown on the offscreen platform with the Peers page in front.
// Printed: the time from the event's arrival in the app to the models updated and the visible
// page repainted (median, 95th percentile, max), and the app process's CPU per tick and in per
// cent of one core over the run (getrusage, so the child's work is not counted).
#include <algorithm>
#include <cstdio>
#include <sys/resource.h>
#include <vector>

#include <QApplication>
#include <QElapsedTimer>
#include <QLocalSocket>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include "app/local_tunnels.hpp"
#include "app/main_window.hpp"
#include "app/tunnel_actions.hpp"
#include "ipc/jsonrpc.hpp"
#include "ipc/messages.hpp"
#include "tests/unit/app/fake_daemon.hpp"

namespace {

using namespace tulle;

ipc::PeerStatus make_peer(int i) {
    std::array<std::uint8_t, value::kKeySize> bytes{};
    bytes[0] = static_cast<std::uint8_t>(i & 0xff);
    bytes[1] = static_cast<std::uint8_t>(i >> 8);
    bytes[2] = 1;
    ipc::PeerStatus peer;
    peer.public_key = value::Key(bytes);
    peer.name = "peer-" + std::to_string(i);
    peer.endpoint = value::Endpoint::parse("198.51.100." + std::to_string(i % 250 + 1) + ":" +
                                           std::to_string(20000 + i))
                        .value();
    peer.allowed_ips = {value::IpPrefix::parse("10.1." + std::to_string(i / 250) + "." +
                                               std::to_string(i % 250 + 1) + "/32")
                            .value()};
    return peer;
}

// The stand-in daemon (the app tests' FakeDaemon): answers what the app asks and sends a stats
// event every second.
int serve(const QString& path, int peers) {
    app::test::FakeDaemon daemon(path);
    if (!daemon.listening()) {
        std::fprintf(stderr, "app_bench: cannot listen on %s\n", qPrintable(path));
        return 1;
    }
    ipc::TunnelStatus tunnel;
    tunnel.name = "bench";
    tunnel.up = true;
    tunnel.listen_port = 51820;
    tunnel.peers = static_cast<std::size_t>(peers);
    std::vector<ipc::PeerStatus> status;
    for (int i = 0; i < peers; ++i) {
        status.push_back(make_peer(i));
    }
    std::int64_t now = 1'800'000'000;
    daemon.on<ipc::TunnelListMethod>(
        [&tunnel](const ipc::NoParams&) { return ipc::TunnelList{{tunnel}}; });
    daemon.on<ipc::TunnelGetMethod>([&tunnel, &status](const ipc::TunnelRef&) {
        return ipc::TunnelDetail{tunnel, status, "[Interface]\n", ipc::TunnelSettings{}};
    });
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, [&] {
        ++now;
        for (std::size_t i = 0; i < status.size(); ++i) {
            auto& peer = status[i];
            peer.rx_rate = static_cast<double>((now * 7 + static_cast<std::int64_t>(i)) % 5000);
            peer.tx_rate = static_cast<double>((now * 3 + static_cast<std::int64_t>(i)) % 3000);
            peer.rx_bytes += static_cast<std::uint64_t>(peer.rx_rate);
            peer.tx_bytes += static_cast<std::uint64_t>(peer.tx_rate);
            peer.last_handshake = now - static_cast<std::int64_t>(i % 120);
        }
        daemon.push<ipc::StatsTickEvent>(ipc::StatsEvent{"bench", now, status});
    });
    tick.start(1000);
    return QCoreApplication::exec();
}

double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
    return values[index];
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    const QStringList args = QApplication::arguments();
    auto option = [&](const QString& name, int fallback) {
        const auto at = args.indexOf(name);
        return at >= 0 && at + 1 < args.size() ? args.at(at + 1).toInt() : fallback;
    };
    const int peers = option(QStringLiteral("--peers"), 1000);
    const int seconds = option(QStringLiteral("--seconds"), 20);
    if (args.contains(QStringLiteral("--serve"))) {
        return serve(args.at(args.indexOf(QStringLiteral("--serve")) + 1), peers);
    }

    QTemporaryDir dir;
    const QString socket = dir.filePath(QStringLiteral("bench.sock"));
    QProcess daemon;
    daemon.setProcessChannelMode(QProcess::ForwardedChannels);
    daemon.start(
        QApplication::applicationFilePath(),
        {QStringLiteral("--serve"), socket, QStringLiteral("--peers"), QString::number(peers)});
    daemon.waitForStarted();
    QThread::msleep(300);

    app::DaemonLink link(socket);
    QElapsedTimer arrival;
    // Connected before anything else, so it runs first of the stats event's handlers.
    QObject::connect(&link, &app::DaemonLink::stats, [&] { arrival.start(); });
    app::TunnelHub hub(link);
    app::LocalTunnels local(dir.filePath(QStringLiteral("profiles")));
    app::TunnelActions actions(hub, local);
    app::MainWindow window(hub, actions);
    window.resize(1000, 700);
    window.show();
    window.pages().setCurrentWidget(&window.peers_page());
    std::vector<double> tick_ms;
    bool measuring = false;
    // Connected last: runs after the models have taken the update; then the repaint.
    QObject::connect(&hub, &app::TunnelHub::stats_updated, [&] {
        window.repaint();
        if (measuring) {
            tick_ms.push_back(static_cast<double>(arrival.nsecsElapsed()) / 1e6);
        }
    });
    link.start();
    // Two seconds to connect and load, then the measured run.
    double cpu_start = 0;
    QElapsedTimer wall;
    QTimer::singleShot(2000, [&] {
        measuring = true;
        cpu_start = cpu_seconds();
        wall.start();
    });
    QTimer::singleShot(2000 + seconds * 1000, [&] { QApplication::quit(); });
    QApplication::exec();
    const double cpu = cpu_seconds() - cpu_start;
    const double elapsed = static_cast<double>(wall.elapsed()) / 1000;
    daemon.kill();
    daemon.waitForFinished();

    std::printf("app_bench: %d peers, %zu ticks in %.1f s (Peers page in front, offscreen)\n",
                peers, tick_ms.size(), elapsed);
    std::printf("  per tick, event arrival to models updated and page repainted:\n");
    std::printf("    median %.2f ms, p95 %.2f ms, max %.2f ms\n", percentile(tick_ms, 0.5),
                percentile(tick_ms, 0.95), percentile(tick_ms, 1.0));
    std::printf("  app CPU: %.1f ms per tick, %.1f %% of one core\n",
                tick_ms.empty() ? 0.0 : cpu * 1000 / static_cast<double>(tick_ms.size()),
                elapsed > 0 ? cpu * 100 / elapsed : 0.0);
    return tick_ms.empty() ? 1 : 0;
}
