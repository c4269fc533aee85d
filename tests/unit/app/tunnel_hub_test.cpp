// The hub against a tunnel of the size the README promises: 1,000 peers with ten minutes of
// history each, which the hub loads in pages (no reply passes the message limit) into every
// peer's chart.
#include "app/tunnel_hub.hpp"

#include <map>

#include <QTest>
#include <gtest/gtest.h>

#include "tests/unit/app/fake_daemon.hpp"

namespace tulle::app {
namespace {

using test::FakeDaemon;

constexpr int kPeers = 1000;
constexpr std::int64_t kNow = 1'800'000'000;

value::Key key_of(int i) {
    std::array<std::uint8_t, value::kKeySize> bytes{};
    bytes.fill(0x5A);
    bytes[0] = static_cast<std::uint8_t>(i >> 8);
    bytes[1] = static_cast<std::uint8_t>(i);
    return value::Key(bytes);
}

TEST(TunnelHubAtScale, LoadsTheHistoryOfAThousandPeersInPages) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString socket = dir.filePath(QStringLiteral("tulled.sock"));
    FakeDaemon daemon(socket);
    ASSERT_TRUE(daemon.listening());
    ipc::TunnelStatus wg0 = test::tunnel_status("wg0", true);
    wg0.peers = kPeers;
    std::vector<ipc::PeerStatus> peers;
    std::vector<value::Key> keys;
    std::map<value::Key, std::vector<ipc::StatsSample>> samples;
    for (int i = 0; i < kPeers; ++i) {
        peers.push_back(test::peer_status_of(key_of(i)));
        keys.push_back(key_of(i));
        auto& mine = samples[key_of(i)];
        for (std::int64_t t = 0; t <= 600; ++t) {
            // Peer i receives 1000 + i bytes a second.
            mine.push_back({kNow - 600 + t, static_cast<std::uint64_t>(t * (1000 + i)),
                            static_cast<std::uint64_t>(t * 10)});
        }
    }
    daemon.on<ipc::TunnelListMethod>([&](const ipc::NoParams&) { return ipc::TunnelList{{wg0}}; });
    daemon.on<ipc::TunnelGetMethod>([&](const ipc::TunnelRef&) {
        ipc::TunnelDetail detail;
        detail.status = wg0;
        detail.peers = peers;
        return detail;
    });
    daemon.on<ipc::StatsHistoryMethod>([&](const ipc::StatsQuery& query) {
        // tulled keeps 600 samples; the fake's 601 are cut as its `seconds` cut them.
        return ipc::Outcome<ipc::StatsHistory>(
            ipc::answer_history(keys, query, [&](const value::Key& key) {
                const auto& all = samples.at(key);
                const auto from = all.size() - static_cast<std::size_t>(query.seconds);
                return std::vector<ipc::StatsSample>(
                    all.begin() + static_cast<std::ptrdiff_t>(from), all.end());
            }));
    });

    DaemonLink link(socket);
    TunnelHub hub(link);
    link.start();
    const bool loaded = QTest::qWaitFor(
        [&] {
            const TunnelView* view = hub.find(QStringLiteral("wg0"));
            if (view == nullptr || view->peers.size() != kPeers) {
                return false;
            }
            return std::all_of(view->peers.begin(), view->peers.end(),
                               [](const PeerView& peer) { return !peer.history.empty(); });
        },
        30000);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(link.state(), DaemonLink::State::connected);
    const int pages = daemon.count(ipc::StatsHistoryMethod::name);
    EXPECT_GT(pages, 1);
    std::cout << "the app's history of " << kPeers << " peers x 600 s: " << pages << " pages\n";
    const TunnelView* view = hub.find(QStringLiteral("wg0"));
    for (int i : {0, 499, 999}) {
        const auto& history = view->peers[static_cast<std::size_t>(i)].history;
        ASSERT_EQ(history.points().size(), 599U) << i;
        EXPECT_DOUBLE_EQ(history.points().back().rx, 1000.0 + i);
        EXPECT_EQ(history.points().back().time, kNow);
    }
    EXPECT_EQ(daemon.last(ipc::StatsHistoryMethod::name).at("limit"), ipc::kMaxHistoryPage);
}

}  // namespace
}  // namespace tulle::app
