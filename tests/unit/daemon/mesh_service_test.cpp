// Mesh networks end to end inside one process: several whole services (each with its own control
// socket, configuration folder and in-memory TUN devices) whose tunnels talk over real UDP
// sockets on loopback, driven through tullectl's client as users drive them. The namespace test
// (tests/integration/mesh.sh) does the same with real devices and routes.
#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <system_error>
#include <thread>

#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "ctl/client.hpp"
#include "daemon/core/crypto.hpp"
#include "daemon/core/environment.hpp"
#include "daemon/dns_control.hpp"
#include "daemon/log_hub.hpp"
#include "daemon/mesh_network.hpp"
#include "daemon/service.hpp"
#include "ipc/methods.hpp"
#include "mesh/control.hpp"
#include "mesh/invite.hpp"
#include "platform/fake_tun.hpp"
#include "platform/fake_udp.hpp"
#include "platform/network_monitor.hpp"
#include "platform/system.hpp"
#include "tests/unit/daemon/fake_dns.hpp"
#include "tests/unit/daemon/fake_firewall.hpp"
#include "tests/unit/daemon/fake_net_config.hpp"

namespace tulle::daemon {
namespace {

using namespace std::chrono_literals;

// Endpoints here are addresses: nothing is ever resolved.
class NoResolver final : public EndpointResolver {
  public:
    void resolve(std::string /*host*/, std::uint16_t /*port*/, Done /*done*/) override {}
};

// A network monitor the test drives: it keeps what the service asked it to watch for.
class FakeNetworkMonitor final : public platform::NetworkMonitor {
  public:
    [[nodiscard]] bool watching() const override { return true; }
};

// How a node watches its host's network: not at all (polling), with a monitor the test drives,
// or with one that cannot be opened.
enum class Watcher { none, fake, failing };

// One node: a service of its own, as tulled runs it, on its own thread. On loopback's real UDP
// sockets, or on a fake UDP network (the host's address given) where the test decides who reaches
// whom. Its clock (Unix seconds) is the system's moved by what the test adds.
class Node {
  public:
    Node(const std::string& root, const std::string& name, Watcher watcher,
         platform::FakeNetwork* network = nullptr, const char* address = nullptr)
        : dir_(root + "/" + name),
          sockets_(network != nullptr ? network->host(*value::IpAddress::parse(address))
                                      : platform::make_system_udp_socket_factory({})) {
        std::filesystem::create_directories(dir_ + "/wg");
        options_.socket_path = dir_ + "/tulled.sock";
        options_.config_directory = dir_ + "/etc";
        options_.uapi_directory = dir_ + "/wg";
        options_.group = "root";
        if (watcher == Watcher::fake) {
            options_.watch_network = [this](boost::asio::io_context& /*io*/,
                                            platform::NetworkWatch watch) {
                watch_ = std::move(watch);
                return std::make_unique<FakeNetworkMonitor>();
            };
        } else if (watcher == Watcher::failing) {
            options_.watch_network = [](boost::asio::io_context& /*io*/,
                                        const platform::NetworkWatch& /*watch*/)
                -> std::unique_ptr<platform::NetworkMonitor> {
                throw std::system_error(EACCES, std::generic_category(), "open netlink socket");
            };
        }
        options_.clock = [this] { return static_cast<std::int64_t>(std::time(nullptr)) + skew_; };
        start();
    }
    ~Node() { stop(); }
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    void start() {
        io_ = std::make_unique<boost::asio::io_context>();
        dns_control_ = std::make_unique<DnsControl>(dns_, dir_ + "/dns",
                                                    logs_.make_logger("dns", spdlog::level::info));
        service_ = std::make_unique<Service>(*io_, options_, logs_,
                                             logs_.make_logger("test", spdlog::level::debug),
                                             TunnelDeps{*io_,
                                                        environment_,
                                                        tuns_,
                                                        *sockets_,
                                                        net_,
                                                        {},
                                                        workers_,
                                                        resolver_,
                                                        *dns_control_,
                                                        &firewall_});
        service_->start();
        thread_ = std::thread([this] { io_->run(); });
    }

    // As SIGTERM: every tunnel down, the files stay.
    void stop() {
        if (!thread_.joinable()) {
            return;
        }
        boost::asio::post(*io_, [this] {
            service_->stop();
            io_->stop();
        });
        thread_.join();
        service_.reset();
    }

    [[nodiscard]] ctl::Client client() const {
        auto client = ctl::Client::connect(options_.socket_path, "mesh test", 5s);
        EXPECT_TRUE(client.ok()) << (client.ok() ? "" : client.error().message);
        return std::move(client).value();
    }

    // Moves this node's clock on.
    void advance(std::int64_t seconds) { skew_ += seconds; }

    // What GET /metrics would say, read on the service's thread.
    [[nodiscard]] DaemonMetrics metrics() const {
        std::promise<DaemonMetrics> result;
        boost::asio::post(*io_, [&] { result.set_value(service_->metrics()); });
        return result.get_future().get();
    }

    [[nodiscard]] std::shared_ptr<platform::FakeTunDevice> tun(const std::string& name) const {
        return tuns_.device(name);
    }
    [[nodiscard]] const std::string& dir() const { return dir_; }

    // As the monitor reports a change of this host's network, on the service's loop.
    void network_changed() {
        boost::asio::post(*io_, [this] { watch_.changed(); });
    }
    // Whether the service tells the monitor to ignore changes on `interface` (on its loop).
    [[nodiscard]] bool ignores(const std::string& interface) {
        std::promise<bool> answer;
        boost::asio::post(*io_, [&] { answer.set_value(watch_.ignore(interface)); });
        return answer.get_future().get();
    }

    [[nodiscard]] std::string log_text() const {
        std::string text;
        for (const auto& line : logs_.tail(4000, ipc::LogLevel::debug)) {
            text += line.message + "\n";
        }
        return text;
    }

  private:
    std::string dir_;
    Service::Options options_;
    std::unique_ptr<boost::asio::io_context> io_;
    core::SystemEnvironment environment_;
    platform::FakeTunFactory tuns_;
    std::atomic<std::int64_t> skew_{0};
    std::unique_ptr<platform::UdpSocketFactory> sockets_;
    testing::FakeNetConfig net_;
    testing::FakeFirewall firewall_;
    WorkerPool workers_{1};
    NoResolver resolver_;
    testing::FakeDns dns_;
    LogHub logs_{4000};
    std::unique_ptr<DnsControl> dns_control_;
    std::unique_ptr<Service> service_;
    std::thread thread_;
    platform::NetworkWatch watch_;  // what the fake monitor was asked to watch for
};

value::IpAddress ip(const char* text) {
    return *value::IpAddress::parse(text);
}

// Waits up to `limit` for `ready`, polling.
template <typename F>
bool eventually(F ready, std::chrono::milliseconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (ready()) {
            return true;
        }
        std::this_thread::sleep_for(20ms);
    }
    return ready();
}

class MeshServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(core::crypto::init());
        std::string pattern =
            (std::filesystem::temp_directory_path() / "tulle-mesh-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        root_ = pattern;
        port_ = static_cast<std::uint16_t>(40000 + (::getpid() % 20000));
    }
    void TearDown() override {
        nodes_.clear();
        std::filesystem::remove_all(root_);
    }

    Node& node(const std::string& name, Watcher watcher = Watcher::none) {
        nodes_.push_back(std::make_unique<Node>(root_, name, watcher));
        return *nodes_.back();
    }
    Node& node(const std::string& name, platform::FakeNetwork* network, const char* address) {
        nodes_.push_back(std::make_unique<Node>(root_, name, Watcher::none, network, address));
        return *nodes_.back();
    }

    // Whether `from`'s path to the member `name` is direct (or lan: a pong came back on one of
    // this host's other addresses first).
    static bool direct_to(Node& from, const std::string& name) {
        const auto members = from.client().call<ipc::NetworkMembersMethod>(ipc::NetworkRef{"home"});
        return members.ok() &&
               std::any_of(members->members.begin(), members->members.end(), [&](const auto& m) {
                   return m.name == name && (m.path.kind == ipc::PathKind::direct ||
                                             m.path.kind == ipc::PathKind::lan);
               });
    }

    // Creates network "home" (10.88.0.0/16) on `lighthouse`, reached at `host`.
    void create(Node& lighthouse, const std::string& host = "127.0.0.1") {
        auto client = lighthouse.client();
        ipc::NetworkCreate create{"home",
                                  *value::IpPrefix::parse("10.88.0.0/16"),
                                  {*value::Endpoint::parse(host + ":" + std::to_string(port_))},
                                  std::nullopt};
        auto created = client.call<ipc::NetworkCreateMethod>(create);
        ASSERT_TRUE(created.ok()) << created.error().message;
        EXPECT_EQ(created->role, ipc::NetworkRoleName::lighthouse);
        EXPECT_EQ(created->address, ip("10.88.0.1"));
    }

    std::string invite(Node& lighthouse, const std::string& name) {
        auto client = lighthouse.client();
        ipc::NetworkInvite request;
        request.network = "home";
        request.name = name;
        auto issued = client.call<ipc::NetworkInviteMethod>(request);
        EXPECT_TRUE(issued.ok()) << (issued.ok() ? "" : issued.error().message);
        return issued.ok() ? issued->invite : std::string();
    }

    static ipc::NetworkStatus network_of(Node& node) {
        auto client = node.client();
        auto list = client.call<ipc::NetworkListMethod>({});
        if (!list.ok() || list->networks.empty()) {
            return {};
        }
        return list->networks.front();
    }

    // Joins and waits until online; the final status.
    static ipc::NetworkStatus join(Node& member, const std::string& text) {
        auto client = member.client();
        auto joined = client.call<ipc::NetworkJoinMethod>(ipc::NetworkJoin{text, ""});
        EXPECT_TRUE(joined.ok()) << (joined.ok() ? "" : joined.error().message);
        eventually([&] { return network_of(member).state != ipc::NetworkState::joining; });
        eventually([&] {
            const auto state = network_of(member).state;
            return state == ipc::NetworkState::online || state == ipc::NetworkState::failed;
        });
        return network_of(member);
    }

    // Sends one UDP datagram from `from`'s TUN device to `to` (overlay addresses) and returns
    // whether it came out of `receiver`'s TUN device, payload intact.
    static bool reaches(Node& from, const char* source, Node& receiver, const char* destination,
                        std::chrono::milliseconds limit = 5s) {
        const std::vector<std::uint8_t> payload{'h', 'e', 'l', 'l', 'o'};
        const auto packet =
            mesh::make_udp_packet({ip(source), 4000}, {ip(destination), 5000}, payload);
        from.tun("home")->inject(packet);
        return eventually(
            [&] {
                while (auto written = receiver.tun("home")->take_written()) {
                    if (*written == packet) {
                        return true;
                    }
                }
                return false;
            },
            limit);
    }

    // A lighthouse and members a and b on a fake UDP network where a and b cannot reach each
    // other (each behind a NAT that lets nothing through between them): a reaches b, and b a,
    // through the lighthouse's relay only.
    struct Relayed {
        Node& lighthouse;
        Node& a;
        Node& b;
    };
    Relayed relayed() {
        Node& lighthouse = node("lighthouse", &network_, "198.51.100.1");
        create(lighthouse, "198.51.100.1");
        Node& a = node("a", &network_, "198.51.100.2");
        Node& b = node("b", &network_, "198.51.100.3");
        network_.set_blocked(ip("198.51.100.2"), ip("198.51.100.3"), true);
        EXPECT_EQ(join(a, invite(lighthouse, "a")).state, ipc::NetworkState::online)
            << a.log_text();
        EXPECT_EQ(join(b, invite(lighthouse, "b")).state, ipc::NetworkState::online)
            << b.log_text();
        EXPECT_TRUE(reaches(a, "10.88.0.2", b, "10.88.0.3", 10s)) << a.log_text() << b.log_text();
        EXPECT_TRUE(eventually([&] { return relay_endpoint_of(a, "b").has_value(); }));
        return {lighthouse, a, b};
    }

    // The endpoint `node`'s peer `name` has when it stands for a relay channel ([100::CHANNEL]:1).
    static std::optional<std::string> relay_endpoint_of(Node& node, const std::string& name) {
        auto detail = node.client().call<ipc::TunnelGetMethod>({"home"});
        if (!detail.ok()) {
            return std::nullopt;
        }
        for (const auto& peer : detail->peers) {
            if (peer.name == name && peer.endpoint &&
                peer.endpoint->to_string().starts_with("[100::")) {
                return peer.endpoint->to_string();
            }
        }
        return std::nullopt;
    }

    static DeviceCounters device_counters(const Node& node) {
        for (const auto& tunnel : node.metrics().tunnels) {
            if (tunnel.name == "home") {
                return tunnel.device;
            }
        }
        return {};
    }

    std::string root_;
    std::uint16_t port_ = 0;
    std::vector<std::unique_ptr<Node>> nodes_;
    platform::FakeNetwork network_;  // outlives the nodes (they go in TearDown)
};

TEST_F(MeshServiceTest, MembersJoinByInviteAndReachEachOtherDirectly) {
    Node& lighthouse = node("lighthouse");
    create(lighthouse);
    Node& a = node("a");
    Node& b = node("b");
    const auto joined_a = join(a, invite(lighthouse, "a"));
    ASSERT_EQ(joined_a.state, ipc::NetworkState::online) << joined_a.problem << a.log_text();
    EXPECT_EQ(joined_a.address, ip("10.88.0.2"));
    // Lower case, as a folded paste gives it, works the same.
    std::string text = invite(lighthouse, "b");
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    ASSERT_EQ(join(b, text).state, ipc::NetworkState::online) << b.log_text();

    // The first packet to b waits for the lighthouse's answer, then goes; the answer back finds
    // a's peer installed on b already.
    EXPECT_TRUE(reaches(a, "10.88.0.2", b, "10.88.0.3")) << a.log_text() << b.log_text();
    EXPECT_TRUE(reaches(b, "10.88.0.3", a, "10.88.0.2"));
    EXPECT_TRUE(reaches(a, "10.88.0.2", lighthouse, "10.88.0.1"));

    // Directly: a's peer for b has b's own socket as its endpoint, and the path says so.
    auto client = a.client();
    auto members = client.call<ipc::NetworkMembersMethod>(ipc::NetworkRef{"home"});
    ASSERT_TRUE(members.ok()) << members.error().message;
    // The first packets go through the relay; the direct path comes with the first pong.
    ASSERT_TRUE(eventually([&] { return direct_to(a, "b"); })) << a.log_text();
    ASSERT_TRUE(eventually([&] {
        members = a.client().call<ipc::NetworkMembersMethod>(ipc::NetworkRef{"home"});
        return members.ok() && members->members.size() == 3;
    })) << (members.ok() ? members->members.size() : 0)
        << a.log_text();
    for (const auto& member : members->members) {
        if (member.name == "b") {
            // (lan when a pong came back on one of this host's other addresses first)
            EXPECT_TRUE(member.path.kind == ipc::PathKind::direct ||
                        member.path.kind == ipc::PathKind::lan)
                << ipc::to_string(member.path.kind);
            ASSERT_TRUE(member.path.endpoint);
            EXPECT_NE(member.path.endpoint->port, port_);  // not the lighthouse's socket
        }
        EXPECT_EQ(member.self, member.name == "a");
        EXPECT_EQ(member.lighthouse, member.name == "lighthouse");
    }
    // Control traffic never reached a TUN device.
    for (Node* each : {&lighthouse, &a, &b}) {
        while (auto written = each->tun("home")->take_written()) {
            EXPECT_FALSE(mesh::is_control_packet(*written));
        }
    }
}

// A change of the host's network (what the netlink monitor reports) sends a member to register
// and look for its paths at once, a change of routes alone included; the network's own tunnel
// is no change; the path in use stays while it works.
TEST_F(MeshServiceTest, AChangeOfTheHostsNetworkSendsAMemberLookingForPathsAtOnce) {
    Node& lighthouse = node("lighthouse", Watcher::fake);
    create(lighthouse);
    Node& a = node("a", Watcher::fake);
    Node& b = node("b");
    ASSERT_EQ(join(a, invite(lighthouse, "a")).state, ipc::NetworkState::online) << a.log_text();
    ASSERT_EQ(join(b, invite(lighthouse, "b")).state, ipc::NetworkState::online) << b.log_text();
    ASSERT_TRUE(reaches(a, "10.88.0.2", b, "10.88.0.3")) << a.log_text() << b.log_text();
    ASSERT_TRUE(eventually([&] { return direct_to(a, "b"); })) << a.log_text();

    EXPECT_TRUE(a.ignores("home"));
    EXPECT_FALSE(a.ignores("eth0"));

    const std::string changed =
        "network home: this host's network (a route or an interface) changed";
    EXPECT_EQ(a.log_text().find(changed), std::string::npos);
    a.network_changed();
    EXPECT_TRUE(eventually([&] { return a.log_text().find(changed) != std::string::npos; }))
        << a.log_text();
    lighthouse.network_changed();  // a lighthouse has no paths to look for
    EXPECT_TRUE(reaches(b, "10.88.0.3", a, "10.88.0.2"));
    EXPECT_EQ(lighthouse.log_text().find("this host's network"), std::string::npos);
    // The punch round finds the same direct path again.
    EXPECT_TRUE(eventually([&] { return direct_to(a, "b"); })) << a.log_text();
}

// A monitor that cannot be opened costs nothing but the log line: the service and its networks
// run, polling the host's addresses.
TEST_F(MeshServiceTest, WithoutANetworkMonitorTheServiceRunsAndSaysWhy) {
    Node& lighthouse = node("lighthouse", Watcher::failing);
    EXPECT_NE(lighthouse.log_text().find(
                  "cannot watch this host's network (open netlink socket: Permission denied); "
                  "polling its addresses every second"),
              std::string::npos)
        << lighthouse.log_text();
    create(lighthouse);
    Node& a = node("a", Watcher::failing);
    ASSERT_EQ(join(a, invite(lighthouse, "a")).state, ipc::NetworkState::online) << a.log_text();
    EXPECT_TRUE(reaches(a, "10.88.0.2", lighthouse, "10.88.0.1"));
}

TEST_F(MeshServiceTest, AnInviteIsSingleUseAndATamperedOneChangesNothing) {
    Node& lighthouse = node("lighthouse");
    create(lighthouse);
    Node& a = node("a");
    Node& c = node("c");
    const std::string text = invite(lighthouse, "a");
    ASSERT_EQ(join(a, text).state, ipc::NetworkState::online);

    // One character changed: refused at once, nothing created.
    std::string tampered = text;
    tampered[20] = tampered[20] == 'A' ? 'B' : 'A';
    auto refused = c.client().call<ipc::NetworkJoinMethod>(ipc::NetworkJoin{tampered, ""});
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("params.invite"), std::string::npos);
    EXPECT_TRUE(c.client().call<ipc::NetworkListMethod>({})->networks.empty());
    EXPECT_FALSE(std::filesystem::exists(c.dir() + "/etc/networks/home.json"));

    // Used already: the lighthouse refuses, the join fails and says why.
    const auto reused = join(c, text);
    EXPECT_EQ(reused.state, ipc::NetworkState::failed);
    EXPECT_NE(reused.problem.find("used"), std::string::npos) << reused.problem;
    EXPECT_EQ(lighthouse.client().call<ipc::NetworkMembersMethod>({"home"})->members.size(), 2U);
}

// Whoever holds an invite (its enrollment key) reaches the lighthouse's control port and nothing
// else: not the lighthouse's own TUN device, not a member through it.
TEST_F(MeshServiceTest, AnEnrollmentKeyReachesTheControlPortAndNothingElse) {
    Node& lighthouse = node("lighthouse");
    create(lighthouse);
    Node& a = node("a");
    ASSERT_EQ(join(a, invite(lighthouse, "a")).state, ipc::NetworkState::online);
    const std::string text = invite(lighthouse, "intruder");
    auto decoded = mesh::decode_invite(text, std::time(nullptr));
    ASSERT_TRUE(decoded.ok());
    const auto from =
        MeshNetwork::enrollment_address(decoded->range, mesh::invite_hash(decoded->id));
    auto lighthouse_key =
        lighthouse.client().call<ipc::NetworkListMethod>({})->networks.front().public_key;
    ASSERT_TRUE(lighthouse_key);
    // A plain WireGuard tunnel with the invite's key, as someone who read the line could make.
    Node& holder = node("holder");
    ipc::TunnelUp up;
    up.name = "home";
    up.config = "[Interface]\nPrivateKey = " + decoded->enrollment_key.to_base64() +
                "\nAddress = " + from.to_string() +
                "/32\n\n[Peer]\nPublicKey = " + lighthouse_key->to_base64() +
                "\nAllowedIPs = 10.88.0.0/16\nEndpoint = 127.0.0.1:" + std::to_string(port_) + "\n";
    ASSERT_TRUE(holder.client().call<ipc::TunnelUpMethod>(up).ok());
    EXPECT_FALSE(reaches(holder, from.to_string().c_str(), lighthouse, "10.88.0.1", 2s));
    EXPECT_FALSE(reaches(holder, from.to_string().c_str(), a, "10.88.0.2", 2s));
    // Its control datagrams are taken, and answered (a Redeem with a wrong id: "not one of ...").
    mesh::Redeem redeem;
    redeem.member_key = *lighthouse_key;
    redeem.name = "intruder";
    const auto payload = mesh::encode_control(redeem);
    holder.tun("home")->inject(mesh::make_udp_packet(
        {from, mesh::kControlPort}, {ip("10.88.0.1"), mesh::kControlPort}, payload));
    EXPECT_TRUE(eventually(
        [&] {
            while (auto written = holder.tun("home")->take_written()) {
                auto udp = mesh::read_udp_packet(*written);
                if (udp && mesh::decode_control(udp->payload).ok()) {
                    return std::holds_alternative<mesh::ControlError>(
                        *mesh::decode_control(udp->payload));
                }
            }
            return false;
        },
        5s))
        << lighthouse.log_text();
}

TEST_F(MeshServiceTest, ARemovedMemberReachesNobodyAndTheMeshSurvivesARestart) {
    Node& lighthouse = node("lighthouse");
    create(lighthouse);
    Node& a = node("a");
    Node& b = node("b");
    Node& c = node("c");
    ASSERT_EQ(join(a, invite(lighthouse, "a")).state, ipc::NetworkState::online);
    ASSERT_EQ(join(b, invite(lighthouse, "b")).state, ipc::NetworkState::online);
    ASSERT_EQ(join(c, invite(lighthouse, "c")).state, ipc::NetworkState::online);
    ASSERT_TRUE(reaches(c, "10.88.0.4", a, "10.88.0.2"));

    ASSERT_TRUE(lighthouse.client().call<ipc::NetworkRemoveMethod>({"home", "c"}).ok());
    EXPECT_TRUE(eventually([&] {
        auto peers = a.client().call<ipc::TunnelGetMethod>({"home"});
        return peers.ok() &&
               std::none_of(peers->peers.begin(), peers->peers.end(),
                            [](const ipc::PeerStatus& peer) { return peer.name == "c"; });
    })) << a.log_text();
    // (Waiting 2 s each: a packet that gets through does so in milliseconds here.)
    EXPECT_FALSE(reaches(c, "10.88.0.4", a, "10.88.0.2", 2s));
    EXPECT_FALSE(reaches(c, "10.88.0.4", lighthouse, "10.88.0.1", 2s));

    // a restarts: its peers come back from its file, and it reaches b at once.
    ASSERT_TRUE(reaches(a, "10.88.0.2", b, "10.88.0.3"));
    a.stop();
    struct stat info {};
    ASSERT_EQ(::stat((a.dir() + "/etc/networks/home.json").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
    // A real restart takes far longer than this; without the pause, a's first initiation can
    // come within 20 ms of its last one, which b drops as a flood (as every WireGuard does), and
    // the retry comes 5 s later.
    std::this_thread::sleep_for(50ms);
    a.start();
    ASSERT_TRUE(eventually([&] { return network_of(a).state == ipc::NetworkState::online; }));
    auto peers = a.client().call<ipc::TunnelGetMethod>({"home"});
    ASSERT_TRUE(peers.ok());
    EXPECT_TRUE(std::any_of(peers->peers.begin(), peers->peers.end(),
                            [](const ipc::PeerStatus& peer) { return peer.name == "b"; }));
    EXPECT_TRUE(reaches(a, "10.88.0.2", b, "10.88.0.3")) << a.log_text();

    // Toggled as any tunnel (tullectl down/up, the tray): it comes back from its network file.
    ASSERT_TRUE(a.client().call<ipc::TunnelDownMethod>({"home"}).ok());
    EXPECT_TRUE(eventually([&] { return !network_of(a).up; }));
    std::this_thread::sleep_for(50ms);  // (as before the restart: no toggle is this quick)
    ipc::TunnelUp up;
    up.name = "home";
    auto again = a.client().call<ipc::TunnelUpMethod>(up);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_TRUE(again->up);
    ASSERT_TRUE(eventually([&] { return network_of(a).state == ipc::NetworkState::online; }));
    EXPECT_TRUE(reaches(a, "10.88.0.2", b, "10.88.0.3")) << a.log_text();
    // It is kept in the network file, never as a system tunnel.
    ipc::TunnelSave save;
    save.name = "home";
    auto saved = a.client().call<ipc::TunnelSaveMethod>(save);
    ASSERT_FALSE(saved.ok());
    EXPECT_NE(saved.error().message.find("mesh network"), std::string::npos);
}

}  // namespace
}  // namespace tulle::daemon

namespace tulle::daemon {
namespace {

constexpr std::int64_t kHour = 3600;

TEST_F(MeshServiceTest, ARelayChannelIsRenewedBeforeItEndsAndCarriesTrafficAfterTheOldOneIsGone) {
    const Relayed nodes = relayed();
    Node& lighthouse = nodes.lighthouse;
    Node& a = nodes.a;
    Node& b = nodes.b;
    const auto first = relay_endpoint_of(a, "b");
    ASSERT_TRUE(first) << a.log_text();

    // Three quarters of the channel's life on: the members ask again, the lighthouse issues a
    // fresh channel, and both move to it.
    for (Node* each : {&lighthouse, &a, &b}) {
        each->advance(18 * kHour + 60);
    }
    std::optional<std::string> renewed;
    EXPECT_TRUE(eventually([&] {
        renewed = relay_endpoint_of(a, "b");
        return renewed && renewed != first && relay_endpoint_of(b, "a") == renewed;
    })) << a.log_text()
        << lighthouse.log_text();

    // Past the first channel's end: it is gone, the fresh one carries the traffic both ways.
    for (Node* each : {&lighthouse, &a, &b}) {
        each->advance(6 * kHour + 60);
    }
    const auto forwarded = device_counters(lighthouse).relay_forwarded;
    EXPECT_TRUE(reaches(a, "10.88.0.2", b, "10.88.0.3", 10s)) << a.log_text() << b.log_text();
    EXPECT_TRUE(reaches(b, "10.88.0.3", a, "10.88.0.2", 10s));
    EXPECT_GT(device_counters(lighthouse).relay_forwarded, forwarded);
    EXPECT_EQ(relay_endpoint_of(a, "b"), renewed);
}

TEST_F(MeshServiceTest, AnExpiredRelayChannelIsForgottenOnTheLighthouse) {
    const Relayed nodes = relayed();
    Node& lighthouse = nodes.lighthouse;
    Node& a = nodes.a;
    Node& b = nodes.b;

    // The lighthouse's clock passes the channel's end while the members' do not (they would
    // have asked for a fresh one): the frames with its tokens are dropped, and counted.
    lighthouse.advance(24 * kHour + 60);
    const auto dropped = device_counters(lighthouse).relay_dropped;
    EXPECT_TRUE(eventually([&] {
        const std::vector<std::uint8_t> payload{'x'};
        a.tun("home")->inject(
            mesh::make_udp_packet({ip("10.88.0.2"), 4000}, {ip("10.88.0.3"), 5000}, payload));
        return device_counters(lighthouse).relay_dropped > dropped;
    })) << lighthouse.log_text();
    EXPECT_FALSE(reaches(a, "10.88.0.2", b, "10.88.0.3", 2s));

    // The members' clocks pass it too: they forget the channel, ask again, and a fresh one
    // carries the traffic (what went before that is lost, as on the old channel).
    a.advance(24 * kHour + 60);
    b.advance(24 * kHour + 60);
    EXPECT_TRUE(eventually([&] { return reaches(a, "10.88.0.2", b, "10.88.0.3", 1s); }, 15s))
        << a.log_text() << b.log_text();
}

}  // namespace
}  // namespace tulle::daemon
