// The service behind the control socket, driven through a real Unix socket as clients drive it:
// in-memory TUN devices and interface settings, real UDP sockets on loopback, a temporary folder
// for the sockets and system tunnels. Every bad input must get an error naming what is wrong and
// leave the service answering everyone else.
#include "daemon/service.hpp"

#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <grp.h>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "ctl/client.hpp"
#include "ctl/export.hpp"
#include "daemon/core/crypto.hpp"
#include "daemon/core/environment.hpp"
#include "daemon/log_hub.hpp"
#include "daemon/metrics.hpp"
#include "daemon/system_tunnels.hpp"
#include "ipc/jsonrpc.hpp"
#include "ipc/messages.hpp"
#include "ipc/methods.hpp"
#include "ipc/wg_config.hpp"
#include "platform/fake_tun.hpp"
#include "platform/system.hpp"
#include "tests/unit/daemon/fake_dns.hpp"
#include "tests/unit/daemon/fake_firewall.hpp"
#include "tests/unit/daemon/fake_net_config.hpp"

namespace tulle::daemon {
namespace {

using namespace std::chrono_literals;
using ipc::ErrorCode;
using ipc::Json;

// A blocking client speaking line by line, with a timeout so a broken server fails the test
// rather than hanging it.
class Client {
  public:
    explicit Client(const std::string& path) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const sockaddr_un address = address_of(path);
        timeval timeout{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
        connected_ =
            ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
    }
    // A client whose socket was connected by another user (the server sees that user: the
    // kernel records the credentials at connect). Made in a child that drops to uid/gid and
    // hands the connected socket back.
    static std::unique_ptr<Client> connected_as(const std::string& path, uid_t uid, gid_t gid) {
        return std::unique_ptr<Client>(new Client(connect_as(path, uid, gid)));
    }
    ~Client() { ::close(fd_); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    [[nodiscard]] bool connected() const { return connected_; }

    void send_raw(const std::string& bytes) const {
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
            if (n <= 0) {
                return;
            }
            done += static_cast<std::size_t>(n);
        }
    }

    // The next line, or nullopt on EOF or timeout.
    std::optional<std::string> line() {
        while (true) {
            if (auto at = buffer_.find('\n'); at != std::string::npos) {
                std::string out = buffer_.substr(0, at);
                buffer_.erase(0, at + 1);
                seen_ += out + "\n";
                return out;
            }
            std::array<char, 65536> chunk{};
            const ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), 0);
            if (n <= 0) {
                return std::nullopt;
            }
            buffer_.append(chunk.data(), static_cast<std::size_t>(n));
        }
    }

    // Calls a method and returns its response, skipping events (kept in `events`).
    ipc::Response call(const std::string& method, Json params = Json::object()) {
        const int id = next_id_++;
        send_raw(ipc::encode(ipc::Request{id, method, std::move(params)}));
        while (auto text = line()) {
            auto decoded = ipc::decode(*text);
            if (auto* message = std::get_if<ipc::Message>(&decoded)) {
                if (auto* response = std::get_if<ipc::Response>(message);
                    response != nullptr && response->id == id) {
                    return *response;
                }
                if (auto* event = std::get_if<ipc::Request>(message)) {
                    events.push_back(*event);
                }
            }
        }
        return ipc::Response{id, ipc::refuse(ErrorCode::internal_error, "no answer")};
    }

    ipc::Response hello(int major = ipc::kProtocolVersion.major) {
        ipc::HelloParams params;
        params.version.major = major;
        params.client = "service_test";
        return call(std::string(ipc::HelloMethod::name), ipc::to_json(params));
    }

    std::vector<ipc::Request> events;
    [[nodiscard]] const std::string& everything_received() const { return seen_; }

  private:
    explicit Client(int fd) : fd_(fd), connected_(fd >= 0) {
        timeval timeout{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    }

    static sockaddr_un address_of(const std::string& path) {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        path.copy(address.sun_path, sizeof(address.sun_path) - 1);
        return address;
    }

    static int connect_as(const std::string& path, uid_t uid, gid_t gid) {
        const sockaddr_un address = address_of(path);
        std::array<int, 2> pair{};
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair.data()) != 0) {
            return -1;
        }
        const pid_t child = ::fork();
        if (child == 0) {  // only system calls from here on: the parent has threads
            const gid_t groups[] = {gid};
            const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (::setgroups(1, groups) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0 ||
                ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
                ::_exit(1);
            }
            send_fd(pair[1], fd);
            ::_exit(0);
        }
        ::close(pair[1]);
        const int fd = child > 0 ? receive_fd(pair[0]) : -1;
        ::close(pair[0]);
        int status = 0;
        ::waitpid(child, &status, 0);
        return fd;
    }

    // One byte, with room beside it for one descriptor (SCM_RIGHTS): what send_fd sends and
    // receive_fd takes.
    struct FdMessage {
        FdMessage() {
            header.msg_iov = &data;
            header.msg_iovlen = 1;
            header.msg_control = control.data();
            header.msg_controllen = control.size();
        }
        FdMessage(const FdMessage&) = delete;
        FdMessage& operator=(const FdMessage&) = delete;
        ~FdMessage() = default;

        char byte = 'f';
        iovec data{&byte, 1};
        alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int))> control{};
        msghdr header{};
    };

    static void send_fd(int over, int fd) {
        FdMessage message;
        cmsghdr* header = CMSG_FIRSTHDR(&message.header);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(header), &fd, sizeof(int));
        (void)::sendmsg(over, &message.header, 0);
    }

    static int receive_fd(int over) {
        FdMessage message;
        if (::recvmsg(over, &message.header, MSG_CMSG_CLOEXEC) != 1) {
            return -1;
        }
        const cmsghdr* header = CMSG_FIRSTHDR(&message.header);
        int fd = -1;
        if (header != nullptr && header->cmsg_type == SCM_RIGHTS) {
            std::memcpy(&fd, CMSG_DATA(header), sizeof(int));
        }
        return fd;
    }

    int fd_ = -1;
    bool connected_ = false;
    std::string buffer_;
    std::string seen_;
    int next_id_ = 1;
};

ipc::Error error_of(const ipc::Response& response) {
    if (!response.outcome.ok()) {
        return response.outcome.error();
    }
    return ipc::Error{ErrorCode::internal_error, "(no error: " + response.outcome->dump() + ")"};
}

Json result_of(const ipc::Response& response) {
    if (response.outcome.ok()) {
        return *response.outcome;
    }
    ADD_FAILURE() << "error: " << response.outcome.error().message;
    return Json();
}

std::string own_group_name() {
    const group* g = ::getgrgid(::getgid());  // NOLINT(concurrency-mt-unsafe): one test thread
    return g != nullptr ? g->gr_name : "root";
}

std::string base64_key(std::uint8_t fill) {
    std::array<std::uint8_t, value::kKeySize> bytes{};
    bytes.fill(fill);
    return value::Key(bytes).to_base64();
}

// A resolver that answers only when the test says so: until then names wait, as with a DNS
// server that never replies.
class HeldResolver final : public EndpointResolver {
  public:
    void resolve(std::string host, std::uint16_t /*port*/, Done done) override {
        const std::lock_guard lock(mutex_);
        asked_.push_back(std::move(host));
        waiting_.push_back(std::move(done));
    }
    [[nodiscard]] std::vector<std::string> asked() const {
        const std::lock_guard lock(mutex_);
        return asked_;
    }
    // Answers the oldest question on the loop thread, as ThreadResolver does.
    void answer(boost::asio::io_context& io, const value::Result<value::SocketAddress>& answer) {
        boost::asio::post(io, [this, answer] {
            Done done;
            {
                const std::lock_guard lock(mutex_);
                done = std::move(waiting_.front());
                waiting_.pop_front();
            }
            done(answer);
        });
    }

  private:
    mutable std::mutex mutex_;
    std::vector<std::string> asked_;
    std::deque<Done> waiting_;
};

class ServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(core::crypto::init());
        std::string pattern =
            (std::filesystem::temp_directory_path() / "tulle-service-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        std::filesystem::create_directories(dir_ + "/wg");
        options_.socket_path = dir_ + "/run/tulled.sock";
        options_.config_directory = dir_ + "/etc";
        options_.uapi_directory = dir_ + "/wg";
        options_.group = own_group_name();
        options_.max_queued_bytes = std::size_t{64} * 1024;
        private_key_ = base64_of(core::crypto::generate_private_key());
        psk_ = base64_key(0x5a);
    }

    void start() {
        dns_control_ = std::make_unique<DnsControl>(dns_, dir_ + "/run/dns",
                                                    logs_.make_logger("dns", spdlog::level::info));
        service_ = std::make_unique<Service>(
            io_, options_, logs_, logs_.make_logger("test", spdlog::level::info), deps_on(io_));
        service_->start();
        thread_ = std::thread([this] { io_.run(); });
    }

    // The fixture's fakes, for a service on `io` (after start(), which makes the DNS control).
    TunnelDeps deps_on(boost::asio::io_context& io) {
        return TunnelDeps{io, environment_, tuns_,     *sockets_,     net_,
                          {}, workers_,     resolver_, *dns_control_, &firewall_};
    }

    void TearDown() override {
        if (thread_.joinable()) {
            boost::asio::post(io_, [this] {
                service_->stop();
                io_.stop();
            });
            thread_.join();
        }
        service_.reset();
        std::filesystem::remove_all(dir_);
    }

    static std::string base64_of(const core::PrivateKey& key) {
        std::array<std::uint8_t, value::kKeySize> bytes{};
        std::copy(key.bytes().begin(), key.bytes().end(), bytes.begin());
        return value::SecretKey(bytes).to_base64();
    }

    [[nodiscard]] std::string config_text() const {
        return "[Interface]\nPrivateKey = " + private_key_ +
               "\nAddress = 10.44.0.1/24\n\n[Peer]\n# Name = bob\nPublicKey = " + base64_key(1) +
               "\nPresharedKey = " + psk_ +
               "\nAllowedIPs = 10.44.0.2/32, 10.45.0.0/16\nEndpoint = 127.0.0.1:9\n";
    }

    std::unique_ptr<Client> greeted_client() {
        auto client = std::make_unique<Client>(options_.socket_path);
        EXPECT_TRUE(client->connected());
        EXPECT_TRUE(client->hello().ok());
        return client;
    }

    ipc::Response up(Client& client, const std::string& name = "tt0") {
        return client.call("tunnel.up", Json{{"name", name}, {"config", config_text()}});
    }

    // A tunnel whose peer bob has a host name for its Endpoint.
    ipc::Response up_with_host_name(Client& client) {
        std::string text = config_text();
        const std::string address = "127.0.0.1:9";
        text.replace(text.find(address), address.size(), "vpn.never.test:51820");
        return client.call("tunnel.up", Json{{"name", "tt0"}, {"config", text}});
    }

    // Calls `method` until its result, as text, contains `wanted`; false after five seconds.
    static bool eventually_contains(Client& client, const std::string& method, const Json& params,
                                    const std::string& wanted) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
        while (std::chrono::steady_clock::now() < deadline) {
            // Each call is a round trip through the loop: the answer's handler runs in between.
            if (result_of(client.call(method, params)).dump().find(wanted) != std::string::npos) {
                return true;
            }
        }
        return false;
    }

    // Writes a system tunnel's file as root's alone.
    void write_system(const std::string& name, const std::string& text) const {
        std::filesystem::create_directories(options_.config_directory);
        const std::string path = options_.config_directory + "/" + name + ".conf";
        FILE* f = std::fopen(path.c_str(), "w");
        ASSERT_NE(f, nullptr);
        std::fputs(text.c_str(), f);
        std::fclose(f);
        ::chmod(path.c_str(), 0600);
    }

    // Service::reload() on the loop (as SIGHUP does), returning once it ran.
    void reload() {
        std::promise<void> done;
        boost::asio::post(io_, [&] {
            service_->reload();
            done.set_value();
        });
        done.get_future().wait();
    }

    [[nodiscard]] std::string log_text() const {
        std::string text;
        for (const auto& line : logs_.tail(4000, ipc::LogLevel::debug)) {
            text += line.message + "\n";
        }
        return text;
    }

    // The public keys of a tunnel's peers, from tunnel.get.
    static std::vector<std::string> peer_keys(Client& client, const std::string& name) {
        std::vector<std::string> keys;
        const Json detail = result_of(client.call("tunnel.get", Json{{"name", name}}));
        for (const auto& peer : detail.at("peers")) {
            keys.push_back(peer.at("public_key").get<std::string>());
        }
        std::sort(keys.begin(), keys.end());
        return keys;
    }

    std::string dir_;
    Service::Options options_;
    boost::asio::io_context io_;
    core::SystemEnvironment environment_;
    platform::FakeTunFactory tuns_;
    std::unique_ptr<platform::UdpSocketFactory> sockets_ =
        platform::make_system_udp_socket_factory({});
    testing::FakeNetConfig net_;
    testing::FakeFirewall firewall_;
    WorkerPool workers_{1};
    HeldResolver resolver_;
    testing::FakeDns dns_;
    LogHub logs_{4000};
    std::unique_ptr<DnsControl> dns_control_;
    std::unique_ptr<Service> service_;
    std::thread thread_;
    std::string private_key_;
    std::string psk_;
};

TEST_F(ServiceTest, HelloComesFirstAndAMajorVersionMismatchSaysWhoToUpdate) {
    start();
    Client client(options_.socket_path);
    ASSERT_TRUE(client.connected());
    const auto early = error_of(client.call("daemon.status"));
    EXPECT_EQ(early.code, ErrorCode::invalid_request);
    EXPECT_NE(early.message.find("daemon.hello"), std::string::npos);
    const auto mismatch = error_of(client.hello(ipc::kProtocolVersion.major + 1));
    EXPECT_EQ(mismatch.code, ErrorCode::version_mismatch);
    EXPECT_NE(mismatch.message.find("update tulled"), std::string::npos) << mismatch.message;
    ASSERT_TRUE(client.hello().ok());
    const auto status = result_of(client.call("daemon.status"));
    EXPECT_EQ(status.at("clients"), 1);
}

TEST_F(ServiceTest, MalformedJsonAndUnknownMethodsGetErrorsAndTheConnectionLives) {
    start();
    auto client = greeted_client();
    client->send_raw("{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": \n");
    auto reply = client->line();
    ASSERT_TRUE(reply);
    auto decoded = ipc::decode(*reply);
    const auto& response = std::get<ipc::Response>(std::get<ipc::Message>(decoded));
    EXPECT_EQ(error_of(response).code, ErrorCode::parse_error);
    const auto unknown = error_of(client->call("tunnel.explode"));
    EXPECT_EQ(unknown.code, ErrorCode::method_not_found);
    EXPECT_NE(unknown.message.find("tunnel.explode"), std::string::npos);
    EXPECT_TRUE(client->call("tunnel.list").ok());
}

TEST_F(ServiceTest, BadParamsAreRefusedNamingTheField) {
    start();
    auto client = greeted_client();
    ASSERT_TRUE(up(*client).ok());
    struct Case {
        std::string method;
        Json params;
        ErrorCode code;
        std::string names;
    };
    const std::string bob = base64_key(1);
    const std::vector<Case> cases{
        {"tunnel.up", Json{{"name", 7}}, ErrorCode::invalid_params, "params.name"},
        {"tunnel.up", Json{{"name", "a/b"}}, ErrorCode::invalid_params, "params.name"},
        {"tunnel.up", Json{{"name", "much-too-long-name"}}, ErrorCode::invalid_params,
         "params.name"},
        {"tunnel.up", Json{{"name", "tt0"}, {"config", config_text()}}, ErrorCode::already_exists,
         "tt0"},
        {"tunnel.up", Json{{"name", "eth0"}, {"config", config_text()}}, ErrorCode::already_exists,
         "eth0"},
        {"tunnel.up", Json{{"name", "tt1"}, {"config", "[Interface]\nPostUp = rm -rf /\n"}},
         ErrorCode::invalid_params, "PostUp"},
        {"tunnel.up", Json{{"name", "nosuch"}}, ErrorCode::not_found, "nosuch"},
        {"tunnel.down", Json{{"name", "nosuch"}}, ErrorCode::not_found, "nosuch"},
        {"peer.add", Json{{"tunnel", "tt0"}, {"peer", Json{{"public_key", "nope"}}}},
         ErrorCode::invalid_params, "params.peer.public_key"},
        {"peer.add",
         Json{{"tunnel", "tt0"},
              {"peer", Json{{"public_key", base64_key(2)},
                            {"allowed_ips", Json::array({"10.0.0.0/8", "10.1.0.0/33"})}}}},
         ErrorCode::invalid_params, "params.peer.allowed_ips[1]"},
        {"peer.add",
         Json{{"tunnel", "tt0"},
              {"peer", Json{{"public_key", base64_key(2)}, {"endpoint", "[fe80::1:51820"}}}},
         ErrorCode::invalid_params, "params.peer.endpoint"},
        {"peer.add",
         Json{{"tunnel", "tt0"},
              {"peer", Json{{"public_key", base64_key(2)}, {"persistent_keepalive", 70000}}}},
         ErrorCode::invalid_params, "params.peer.persistent_keepalive"},
        {"peer.add", Json{{"tunnel", "tt0"}, {"peer", Json{{"public_key", bob}}}},
         ErrorCode::already_exists, bob},
        {"peer.update", Json{{"tunnel", "tt0"}, {"peer", Json{{"public_key", base64_key(3)}}}},
         ErrorCode::not_found, base64_key(3)},
        {"peer.add", Json{{"tunnel", "tt9"}, {"peer", Json{{"public_key", base64_key(3)}}}},
         ErrorCode::not_found, "tt9"},
        {"peer.remove", Json{{"tunnel", "tt0"}, {"public_key", base64_key(3)}},
         ErrorCode::not_found, base64_key(3)},
        {"stats.history", Json{{"tunnel", "tt0"}, {"seconds", 0}}, ErrorCode::invalid_params,
         "params.seconds"},
        {"log.tail", Json{{"level", "loud"}}, ErrorCode::invalid_params, "params.level"},
        {"subscribe", Json{{"topics", Json::array({"weather"})}}, ErrorCode::invalid_params,
         "weather"},
        {"tunnel.get", Json::array(), ErrorCode::invalid_params, "params"},
    };
    for (const auto& c : cases) {
        const auto error = error_of(client->call(c.method, c.params));
        EXPECT_EQ(error.code, c.code)
            << c.method << " " << c.params.dump() << ": " << error.message;
        EXPECT_NE(error.message.find(c.names), std::string::npos)
            << c.method << ": '" << error.message << "' should name " << c.names;
    }
    // None of it hurt the tunnel or the connection.
    const auto detail = result_of(client->call("tunnel.get", Json{{"name", "tt0"}}));
    EXPECT_EQ(detail.at("peers").size(), 1U);
}

TEST_F(ServiceTest, PeersChangeLiveAndRepliesHoldNoSecrets) {
    start();
    auto client = greeted_client();
    ASSERT_TRUE(client->call("subscribe").ok());
    const auto status = result_of(up(*client));
    EXPECT_EQ(status.at("up"), true);
    EXPECT_EQ(status.at("peers"), 1);
    ASSERT_TRUE(tuns_.device("tt0"));
    EXPECT_NE(std::find(net_.routes.begin(), net_.routes.end(), "10.45.0.0/16"), net_.routes.end());

    const std::string carol = base64_key(3);
    const auto added = result_of(
        client->call("peer.add", Json{{"tunnel", "tt0"},
                                      {"peer", Json{{"public_key", carol},
                                                    {"name", "carol"},
                                                    {"allowed_ips", Json::array({"10.46.0.0/24"})},
                                                    {"preshared_key", base64_key(9)},
                                                    {"persistent_keepalive", 25}}}}));
    EXPECT_EQ(added.at("name"), "carol");
    EXPECT_EQ(added.at("has_preshared_key"), true);
    EXPECT_EQ(added.at("persistent_keepalive"), 25);
    // Its allowed IPs are routed at once.
    EXPECT_NE(std::find(net_.routes.begin(), net_.routes.end(), "10.46.0.0/24"), net_.routes.end());

    const auto updated = result_of(client->call(
        "peer.update", Json{{"tunnel", "tt0"},
                            {"peer", Json{{"public_key", carol},
                                          {"allowed_ips", Json::array({"10.47.0.0/24"})}}}}));
    EXPECT_EQ(updated.at("allowed_ips"), Json::array({"10.47.0.0/24"}));
    EXPECT_EQ(updated.at("name"), "carol");  // untouched fields stay
    EXPECT_EQ(std::find(net_.routes.begin(), net_.routes.end(), "10.46.0.0/24"), net_.routes.end());

    const auto detail = result_of(client->call("tunnel.get", Json{{"name", "tt0"}}));
    EXPECT_EQ(detail.at("peers").size(), 2U);
    const std::string config = detail.at("config");
    EXPECT_NE(config.find("# Name = carol"), std::string::npos) << config;
    EXPECT_EQ(config.find("PrivateKey"), std::string::npos) << config;

    ASSERT_TRUE(client->call("peer.remove", Json{{"tunnel", "tt0"}, {"public_key", carol}}).ok());
    EXPECT_EQ(result_of(client->call("tunnel.get", Json{{"name", "tt0"}})).at("peers").size(), 1U);
    (void)client->call("log.tail", Json{{"lines", 1000}, {"level", "trace"}});

    // Events came for each change.
    const auto count = [&](std::string_view method) {
        return std::count_if(client->events.begin(), client->events.end(),
                             [&](const ipc::Request& e) { return e.method == method; });
    };
    EXPECT_GE(count("tunnel.changed"), 1);
    EXPECT_EQ(count("peer.changed"), 3);
    EXPECT_GE(count("log"), 3);

    // Not once did a secret go out: not in replies, events or log lines.
    const std::string& everything = client->everything_received();
    EXPECT_EQ(everything.find(private_key_), std::string::npos);
    EXPECT_EQ(everything.find(psk_), std::string::npos);
    EXPECT_EQ(everything.find(base64_key(9)), std::string::npos);
}

// `tullectl export` (the app's Export -> QR code makes the same calls): the phone's file reads
// back through the wg-quick parser, the tunnel now has the phone as a peer with the file's key and
// address, and the private key reached tulled in no request, so it is in no reply or log line.
TEST_F(ServiceTest, AnExportedPeerIsLiveAndItsPrivateKeyNeverReachesTulled) {
    start();
    auto watcher = greeted_client();
    ASSERT_TRUE(watcher->call("subscribe").ok());
    ASSERT_TRUE(up(*watcher).ok());

    auto ctl = ctl::Client::connect(options_.socket_path, "tullectl test");
    ASSERT_TRUE(ctl.ok()) << ctl.error().message;
    peer_export::Request request;
    request.name = "phone";
    request.endpoint = "vpn.example.com";
    auto exported = ctl::export_peer(*ctl, "tt0", request);
    ASSERT_TRUE(exported.ok());
    const std::string text = exported->config_text();
    auto phone = ipc::parse_config(text, "phone.conf", /*allow_hooks=*/false);
    ASSERT_TRUE(phone.ok()) << ipc::to_string(phone.error()) << text;
    const std::string private_key = phone->iface.private_key.to_base64();
    const std::string psk = phone->peers.at(0).preshared_key->to_base64();

    const auto detail = result_of(watcher->call("tunnel.get", Json{{"name", "tt0"}}));
    const std::string phone_key = value::public_key_of(phone->iface.private_key)->to_base64();
    const auto& peers = detail.at("peers");
    const auto added = std::find_if(peers.begin(), peers.end(), [&](const Json& peer) {
        return peer.at("public_key") == phone_key;
    });
    ASSERT_NE(added, peers.end()) << detail.dump();
    EXPECT_EQ(added->at("name"), "phone");
    EXPECT_EQ(added->at("allowed_ips"), Json::array({"10.44.0.3/32"}));
    EXPECT_EQ(added->at("has_preshared_key"), true);
    EXPECT_EQ(phone->iface.addresses.at(0).to_string(), "10.44.0.3/32");
    EXPECT_EQ(phone->peers.at(0).public_key.to_base64(), detail.at("status").at("public_key"));
    EXPECT_EQ(
        phone->peers.at(0).endpoint->to_string(),
        "vpn.example.com:" + std::to_string(detail.at("status").at("listen_port").get<int>()));
    EXPECT_EQ(phone->peers.at(0).allowed_ips.at(0).to_string(), "10.44.0.0/24");
    // Routed to the phone at once.
    EXPECT_NE(std::find(net_.routes.begin(), net_.routes.end(), "10.44.0.3/32"), net_.routes.end());

    // A second export takes the next address.
    auto second = ctl::export_peer(*ctl, "tt0", request);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->phone.iface.addresses.at(0).to_string(), "10.44.0.4/32");

    const auto tail =
        result_of(watcher->call("log.tail", Json{{"lines", 4000}, {"level", "trace"}}));
    EXPECT_NE(tail.dump().find("peer"), std::string::npos);
    const std::string& everything = watcher->everything_received();
    EXPECT_EQ(everything.find(private_key), std::string::npos);
    EXPECT_EQ(everything.find(psk), std::string::npos);
}

TEST_F(ServiceTest, ChangesMadeWithWgSetAreAnnouncedAndRouted) {
    start();
    auto client = greeted_client();
    ASSERT_TRUE(up(*client).ok());
    ASSERT_TRUE(client->call("subscribe", Json{{"topics", Json::array({"peers"})}}).ok());
    // What `wg set tt0 peer <key> allowed-ips 10.60.0.0/24` sends on the wg(8) socket.
    Client wg(options_.uapi_directory + "/tt0.sock");
    ASSERT_TRUE(wg.connected());
    wg.send_raw("set=1\npublic_key=" + std::string(64, '4') + "\nallowed_ip=10.60.0.0/24\n\n");
    const auto status = wg.line();
    ASSERT_TRUE(status);
    EXPECT_EQ(*status, "errno=0");
    // The next reply on the control socket comes after the event.
    (void)client->call("tunnel.list");
    ASSERT_EQ(client->events.size(), 1U);
    EXPECT_EQ(client->events[0].method, "peer.changed");
    EXPECT_EQ(client->events[0].params.at("tunnel"), "tt0");
    EXPECT_NE(std::find(net_.routes.begin(), net_.routes.end(), "10.60.0.0/24"), net_.routes.end());
}

TEST_F(ServiceTest, StatsHistoryFillsEverySecondAndStatsEventsFollow) {
    start();
    auto client = greeted_client();
    ASSERT_TRUE(up(*client).ok());
    ASSERT_TRUE(client->call("subscribe", Json{{"topics", Json::array({"stats"})}}).ok());
    std::this_thread::sleep_for(2500ms);
    const auto history = result_of(client->call("stats.history", Json{{"tunnel", "tt0"}}));
    ASSERT_EQ(history.at("peers").size(), 1U);
    EXPECT_EQ(history.at("peers")[0].at("public_key"), base64_key(1));
    EXPECT_GE(history.at("peers")[0].at("samples").size(), 2U);
    auto decoded = ipc::stats_history_from_json(history);
    ASSERT_TRUE(decoded.ok());
    ASSERT_GE(client->events.size(), 2U);
    auto event = ipc::stats_event_from_json(client->events.back().params);
    ASSERT_TRUE(event.ok());
    EXPECT_EQ(event->tunnel, "tt0");
    // A page (protocol 1.2): the samples in columns, and no next page after the only peer.
    const auto page =
        result_of(client->call("stats.history", Json{{"tunnel", "tt0"}, {"limit", 10}}));
    EXPECT_FALSE(page.contains("next"));
    ASSERT_EQ(page.at("peers").size(), 1U);
    EXPECT_GE(page.at("peers")[0].at("time").size(), 2U);
    auto paged = ipc::stats_history_from_json(page);
    ASSERT_TRUE(paged.ok()) << paged.error().message;
    EXPECT_EQ(paged->peers[0].samples.size(), decoded->peers[0].samples.size());
}

// What GET /metrics serves (tulled --metrics): every tunnel that is up and each of its peers,
// named when the tunnel names them, with or without an endpoint; never a private or preshared key.
TEST_F(ServiceTest, MetricsReportEveryPeerAndNoSecret) {
    start();
    auto client = greeted_client();
    ASSERT_TRUE(up(*client).ok());
    const std::string carol = base64_key(3);  // no endpoint, no name
    ASSERT_TRUE(
        client
            ->call("peer.add", Json{{"tunnel", "tt0"},
                                    {"peer", Json{{"public_key", carol},
                                                  {"allowed_ips", Json::array({"10.46.0.0/24"})},
                                                  {"preshared_key", base64_key(9)}}}})
            .ok());
    std::promise<std::string> text;
    boost::asio::post(io_, [&] { text.set_value(encode_metrics(service_->metrics())); });
    const std::string metrics = text.get_future().get();
    const auto has = [&](const std::string& line) {
        return metrics.find(line) != std::string::npos;
    };
    EXPECT_TRUE(has("tulle_tunnels 1\n")) << metrics;
    EXPECT_TRUE(has("tulle_control_clients 1\n")) << metrics;
    EXPECT_TRUE(has("tulle_tunnel_peers{tunnel=\"tt0\"} 2\n")) << metrics;
    EXPECT_TRUE(has("tulle_peer_endpoint_known{tunnel=\"tt0\",public_key=\"" + base64_key(1) +
                    "\",name=\"bob\"} 1\n"))
        << metrics;
    EXPECT_TRUE(has("tulle_peer_endpoint_known{tunnel=\"tt0\",public_key=\"" + carol + "\"} 0\n"))
        << metrics;
    EXPECT_TRUE(has("tulle_dropped_total{tunnel=\"tt0\",reason=\"invalid_mac\"} 0\n")) << metrics;
    EXPECT_EQ(metrics.find(private_key_), std::string::npos);
    EXPECT_EQ(metrics.find(psk_), std::string::npos);
    EXPECT_EQ(metrics.find(base64_key(9)), std::string::npos);
}

TEST_F(ServiceTest, AReplyOverTheMessageLimitIsRefusedAndTheConnectionLives) {
    start();
    auto client = greeted_client();
    // 5,000 peers: a 0.4 MB config, but a tunnel.get of about 1.6 MB.
    std::string text = "[Interface]\nPrivateKey = " + private_key_ + "\nAddress = 10.44.0.1/24\n";
    for (int i = 0; i < 5000; ++i) {
        std::array<std::uint8_t, value::kKeySize> bytes{};
        bytes.fill(0x33);
        bytes[0] = static_cast<std::uint8_t>(i >> 8);
        bytes[1] = static_cast<std::uint8_t>(i);
        text += "[Peer]\nPublicKey = " + value::Key(bytes).to_base64() + "\nAllowedIPs = 10.50." +
                std::to_string(i / 250) + "." + std::to_string(i % 250) + "/32\n";
    }
    ASSERT_TRUE(client->call("tunnel.up", Json{{"name", "tt0"}, {"config", text}}).ok());
    const auto refused = error_of(client->call("tunnel.get", Json{{"name", "tt0"}}));
    EXPECT_EQ(refused.code, ErrorCode::message_too_large);
    EXPECT_NE(refused.message.find("the reply to tunnel.get would be"), std::string::npos)
        << refused.message;
    EXPECT_TRUE(client->call("daemon.status").ok());
}

TEST_F(ServiceTest, AClientThatSendsHalfALineDoesNotStallTheOthers) {
    start();
    Client stalled(options_.socket_path);
    stalled.send_raw("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"daemon.he");
    auto other = greeted_client();
    EXPECT_TRUE(other->call("tunnel.list").ok());
    EXPECT_EQ(result_of(other->call("daemon.status")).at("clients"), 2);
}

TEST_F(ServiceTest, ALineOverTheLimitEndsThatConnectionOnly) {
    start();
    auto other = greeted_client();
    Client flooder(options_.socket_path);
    flooder.send_raw(std::string(ipc::kMaxMessageSize + 100, 'x'));
    auto reply = flooder.line();
    ASSERT_TRUE(reply);
    EXPECT_NE(reply->find("-32004"), std::string::npos) << *reply;
    EXPECT_FALSE(flooder.line());  // closed
    EXPECT_TRUE(other->call("tunnel.list").ok());
}

TEST_F(ServiceTest, AClientThatNeverReadsItsEventsIsDropped) {
    start();
    Client sleeper(options_.socket_path);
    ASSERT_TRUE(sleeper.hello().ok());
    ASSERT_TRUE(sleeper.call("subscribe", Json{{"topics", Json::array({"log"})}}).ok());
    auto busy = greeted_client();
    // Every refused call logs a line, and every line is an event for the sleeper, who reads none.
    bool dropped = false;
    for (int i = 0; i < 20000 && !dropped; ++i) {
        (void)busy->call("tunnel.down", Json{{"name", "nothing-here"}});
        if (i % 200 == 199) {
            dropped = result_of(busy->call("daemon.status")).at("clients") == 1;
        }
    }
    EXPECT_TRUE(dropped);
    EXPECT_TRUE(busy->call("tunnel.list").ok());
}

TEST_F(ServiceTest, AHundredClientsAtOnce) {
    start();
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 100; ++i) {
        clients.push_back(std::make_unique<Client>(options_.socket_path));
        ASSERT_TRUE(clients.back()->connected());
    }
    // All of them send before any of them reads.
    for (auto& client : clients) {
        ipc::HelloParams hello;
        hello.client = "many";
        client->send_raw(ipc::encode(ipc::Request{1, "daemon.hello", ipc::to_json(hello)}) +
                         ipc::encode(ipc::Request{2, "tunnel.list", Json::object()}));
    }
    int answered = 0;
    for (auto& client : clients) {
        (void)client->line();
        if (auto second = client->line();
            second && second->find("\"tunnels\"") != std::string::npos) {
            ++answered;
        }
    }
    EXPECT_EQ(answered, 100);
}

TEST_F(ServiceTest, SavedTunnelsAreRootsAloneAndAutostart) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "system tunnels must be owned by root; run as root to test them";
    }
    start();
    auto client = greeted_client();
    ASSERT_TRUE(up(*client).ok());
    const auto saved =
        result_of(client->call("tunnel.save", Json{{"name", "tt0"}, {"autostart", true}}));
    EXPECT_EQ(saved.at("system"), true);
    EXPECT_EQ(saved.at("autostart"), true);
    const std::string path = options_.config_directory + "/tt0.conf";
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
    ASSERT_TRUE(client->call("tunnel.down", Json{{"name", "tt0"}}).ok());
    // A system tunnel starts by name, with the same peers.
    const auto again = result_of(client->call("tunnel.up", Json{{"name", "tt0"}}));
    EXPECT_EQ(again.at("peers"), 1);
    ASSERT_TRUE(client->call("tunnel.down", Json{{"name", "tt0"}}).ok());
    // A file others may read is refused.
    ::chmod(path.c_str(), 0644);
    const auto refused = error_of(client->call("tunnel.up", Json{{"name", "tt0"}}));
    EXPECT_EQ(refused.code, ErrorCode::permission_denied);
    EXPECT_NE(refused.message.find("0600"), std::string::npos);
}

// #15 item 9: group members toggle every tunnel and manage their own, but replacing a system
// tunnel someone else saved (root's above all: it may carry hooks) and listening below 1024
// need root.
TEST_F(ServiceTest, GroupMembersManageTheirOwnTunnelsOnly) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root to connect as another user";
    }
    constexpr uid_t kMember = 65534;  // nobody, in group nogroup
    options_.group = "nogroup";
    start();
    ::chmod(dir_.c_str(), 0755);
    ::chmod((dir_ + "/run").c_str(), 0755);
    auto root = greeted_client();
    ASSERT_TRUE(root->call("tunnel.save", Json{{"name", "rt0"}, {"config", config_text()}}).ok());
    auto member = Client::connected_as(options_.socket_path, kMember, kMember);
    ASSERT_TRUE(member->connected());
    ASSERT_TRUE(member->hello().ok());

    // Their own: saved, replaced, toggled.
    const Json own{{"name", "mt0"}, {"config", config_text()}};
    EXPECT_TRUE(member->call("tunnel.save", own).ok());
    EXPECT_TRUE(member->call("tunnel.save", own).ok());
    // root's: toggled, not replaced (neither from params nor from the running tunnel).
    EXPECT_TRUE(member->call("tunnel.up", Json{{"name", "rt0"}}).ok());
    for (const Json& params : {Json{{"name", "rt0"}, {"config", config_text()}},
                               Json{{"name", "rt0"}, {"autostart", true}}}) {
        const auto refused = error_of(member->call("tunnel.save", params));
        EXPECT_EQ(refused.code, ErrorCode::permission_denied);
        EXPECT_NE(refused.message.find("'rt0' was saved by root; only root may replace it"),
                  std::string::npos)
            << refused.message;
    }
    EXPECT_TRUE(member->call("tunnel.down", Json{{"name", "rt0"}}).ok());
    EXPECT_FALSE(SystemTunnels(options_.config_directory).autostart("rt0"));
    // Once root replaces the member's tunnel, it is root's.
    EXPECT_TRUE(root->call("tunnel.save", own).ok());
    EXPECT_EQ(error_of(member->call("tunnel.save", own)).code, ErrorCode::permission_denied);

    // Ports below 1024: refused to members, in tunnel.up and tunnel.save alike.
    std::string low = config_text();
    low.insert(low.find("\n\n[Peer]"), "\nListenPort = 80");
    for (const char* method : {"tunnel.up", "tunnel.save"}) {
        const auto refused = error_of(member->call(method, Json{{"name", "lp0"}, {"config", low}}));
        EXPECT_EQ(refused.code, ErrorCode::permission_denied) << method;
        EXPECT_NE(refused.message.find("ListenPort 80 is below 1024"), std::string::npos)
            << refused.message;
    }
    EXPECT_TRUE(root->call("tunnel.save", Json{{"name", "lp0"}, {"config", low}}).ok());
}

// #18: a tunnel brought up with a config and not saved stays listed once down, comes back with
// one call (with the peers it had), and is gone only when deleted. (Before, tunnel.down forgot
// it: the next tunnel.up by name answered "no system tunnel".)
TEST_F(ServiceTest, AnUnsavedTunnelComesBackByNameUntilItIsDeleted) {
    start();
    auto client = greeted_client();
    ASSERT_TRUE(client->call("subscribe").ok());
    ASSERT_TRUE(up(*client).ok());
    const std::string carol = base64_key(3);
    ASSERT_TRUE(
        client
            ->call("peer.add", Json{{"tunnel", "tt0"},
                                    {"peer", Json{{"public_key", carol},
                                                  {"allowed_ips", Json::array({"10.46.0.0/24"})}}}})
            .ok());
    ASSERT_TRUE(client->call("tunnel.down", Json{{"name", "tt0"}}).ok());

    const auto list = result_of(client->call("tunnel.list"));
    ASSERT_EQ(list.at("tunnels").size(), 1U);
    EXPECT_EQ(list.at("tunnels")[0].at("name"), "tt0");
    EXPECT_EQ(list.at("tunnels")[0].at("up"), false);
    EXPECT_EQ(list.at("tunnels")[0].at("system"), false);  // not saved: the app says so
    EXPECT_EQ(peer_keys(*client, "tt0").size(), 2U);       // shown while down, without secrets

    const auto again = result_of(client->call("tunnel.up", Json{{"name", "tt0"}}));
    EXPECT_EQ(again.at("up"), true);
    EXPECT_EQ(again.at("peers"), 2);  // carol, added while it ran, too
    ASSERT_TRUE(client->call("tunnel.down", Json{{"name", "tt0"}}).ok());
    ASSERT_TRUE(client->call("tunnel.up", Json{{"name", "tt0"}}).ok());  // as often as wanted

    // Deleting takes it down and forgets it.
    ASSERT_TRUE(client->call("tunnel.delete", Json{{"name", "tt0"}}).ok());
    ASSERT_TRUE(tuns_.device("tt0"));
    EXPECT_FALSE(tuns_.device("tt0")->is_open());  // taken down first
    EXPECT_TRUE(result_of(client->call("tunnel.list")).at("tunnels").empty());
    EXPECT_EQ(error_of(client->call("tunnel.up", Json{{"name", "tt0"}})).code,
              ErrorCode::not_found);
    EXPECT_EQ(error_of(client->call("tunnel.delete", Json{{"name", "tt0"}})).code,
              ErrorCode::not_found);
    const auto removed =
        std::find_if(client->events.begin(), client->events.end(), [](const auto& e) {
            return e.method == "tunnel.changed" && e.params.at("removed") == true;
        });
    EXPECT_NE(removed, client->events.end());
    const std::string text = client->everything_received();
    EXPECT_EQ(text.find(private_key_), std::string::npos);
    EXPECT_EQ(text.find(psk_), std::string::npos);
}

TEST_F(ServiceTest, ASystemTunnelIsNotDeletedThroughTheSocket) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "system tunnels must be owned by root; run as root to test them";
    }
    write_system("st0", config_text());
    start();
    auto client = greeted_client();
    const auto refused = error_of(client->call("tunnel.delete", Json{{"name", "st0"}}));
    EXPECT_EQ(refused.code, ErrorCode::permission_denied);
    EXPECT_NE(refused.message.find("st0.conf"), std::string::npos) << refused.message;
    EXPECT_TRUE(SystemTunnels(options_.config_directory).exists("st0"));
}

// #18: SIGHUP (systemctl reload) applies the changed files of running system tunnels live; a
// file with an error is logged with its line and its tunnel runs on as it was.
TEST_F(ServiceTest, ReloadAppliesChangedSystemTunnelFilesLive) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "system tunnels must be owned by root; run as root to test them";
    }
    const auto peer = [](std::uint8_t fill, const std::string& allowed) {
        return "\n[Peer]\nPublicKey = " + base64_key(fill) + "\nAllowedIPs = " + allowed + "\n";
    };
    const std::string iface = "[Interface]\nPrivateKey = " + private_key_ + "\n";
    write_system("rl0", iface + "Address = 10.44.0.1/24\n" + peer(1, "10.44.0.2/32") +
                            peer(2, "10.44.0.3/32"));
    write_system("rl1", iface + "Address = 10.55.0.1/24\n" + peer(1, "10.55.0.2/32"));
    start();
    auto client = greeted_client();
    ASSERT_TRUE(client->call("tunnel.up", Json{{"name", "rl0"}}).ok());
    ASSERT_TRUE(client->call("tunnel.up", Json{{"name", "rl1"}}).ok());

    // rl0: peer 2 goes, 3 comes, 1 gets a second prefix; a new address and MTU.
    write_system("rl0", iface + "Address = 10.44.0.1/24, 10.48.0.1/24\nMTU = 1380\n" +
                            peer(1, "10.44.0.2/32, 10.49.0.0/16") + peer(3, "10.44.0.4/32"));
    // rl1: a typo on line 4.
    write_system("rl1", iface + "Address = 10.55.0.1/24\nListenPort = many\n" +
                            peer(1, "10.55.0.2/32") + peer(2, "10.55.0.3/32"));
    reload();

    std::vector<std::string> wanted{base64_key(1), base64_key(3)};
    std::sort(wanted.begin(), wanted.end());
    EXPECT_EQ(peer_keys(*client, "rl0"), wanted);
    EXPECT_EQ(net_.mtu, 1380U);
    EXPECT_NE(std::find(net_.addresses.begin(), net_.addresses.end(),
                        value::IpPrefix::parse("10.48.0.1/24").value()),
              net_.addresses.end());
    EXPECT_NE(std::find(net_.routes.begin(), net_.routes.end(), "10.49.0.0/16"), net_.routes.end());
    EXPECT_EQ(std::find(net_.routes.begin(), net_.routes.end(), "10.44.0.3/32"), net_.routes.end());
    EXPECT_EQ(peer_keys(*client, "rl1"), std::vector<std::string>{base64_key(1)});
    const std::string log = log_text();
    EXPECT_NE(log.find("rl1.conf:4"), std::string::npos) << log;
    EXPECT_NE(log.find("tunnel rl1 runs on as it was"), std::string::npos) << log;
    EXPECT_EQ(log.find(private_key_), std::string::npos);
    // A tunnel brought up with a caller's config is not touched by the files.
    ASSERT_TRUE(up(*client, "tt9").ok());
    reload();
    EXPECT_EQ(peer_keys(*client, "tt9").size(), 1U);
}

TEST_F(ServiceTest, AutostartBringsUpMarkedSystemTunnels) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "system tunnels must be owned by root; run as root to test them";
    }
    write_system("auto0", std::string(kAutostartMarker) + "\n" + config_text());
    write_system("manual0", config_text());
    start();
    auto client = greeted_client();
    const auto list = result_of(client->call("tunnel.list"));
    ASSERT_EQ(list.at("tunnels").size(), 2U);
    EXPECT_EQ(list.at("tunnels")[0].at("name"), "auto0");
    EXPECT_EQ(list.at("tunnels")[0].at("up"), true);
    EXPECT_EQ(list.at("tunnels")[1].at("name"), "manual0");
    EXPECT_EQ(list.at("tunnels")[1].at("up"), false);
    EXPECT_EQ(list.at("tunnels")[1].at("system"), true);
}

// The rules of a default-route tunnel, as NetConfig tags them; `tag` 0 is someone else's.
std::vector<platform::RoutingRule> rule_pair(std::uint32_t table, std::uint8_t tag) {
    platform::RoutingRule tunnel;
    tunnel.table = table;
    tunnel.not_fwmark = table;
    tunnel.protocol = tag;
    platform::RoutingRule suppress;
    suppress.suppress_prefix_length = 0;
    suppress.protocol = tag;
    return {tunnel, suppress};
}

TEST_F(ServiceTest, RulesLeftByAKilledServiceGoAtStartAndNobodyElsesDo) {
    // wg-quick's pair (same shape, untagged), a live tulle tunnel's (its table has the default
    // route) and the pair of a tunnel whose tulled was killed.
    for (const auto& [table, tag] :
         {std::pair{51820U, std::uint8_t{0}}, std::pair{51821U, platform::kTulleRouteProtocol},
          std::pair{51822U, platform::kTulleRouteProtocol}}) {
        const auto pair = rule_pair(table, tag);
        net_.rules.insert(net_.rules.end(), pair.begin(), pair.end());
    }
    net_.tables_in_use = {51820, 51821};
    start();  // no system tunnel to autostart
    ASSERT_EQ(net_.rules.size(), 4U);
    for (const auto& rule : net_.rules) {
        EXPECT_NE(rule.table, 51822U);
    }
    EXPECT_EQ(std::count_if(net_.rules.begin(), net_.rules.end(),
                            [](const auto& rule) { return rule.protocol == 0; }),
              2);
}

TEST_F(ServiceTest, AnyTunnelThatComesUpRemovesRulesOfTunnelsThatAreGone) {
    start();
    auto client = greeted_client();
    // A standalone tulled with a default route was killed while the service ran.
    net_.rules = rule_pair(51820, platform::kTulleRouteProtocol);
    ASSERT_TRUE(up(*client).ok());  // no default route of its own
    EXPECT_TRUE(net_.rules.empty());
}

// DNS = of a full tunnel goes to the resolver manager while the tunnel is up, the status says
// which one took it, and down undoes it.
TEST_F(ServiceTest, DnsGoesToTheManagerWhileUpAndIsUndoneOnDown) {
    dns_.manager = value::DnsManager::resolved;
    start();
    auto client = greeted_client();
    std::string text = config_text();
    text.replace(text.find("AllowedIPs = "), 13, "AllowedIPs = 0.0.0.0/0, ");
    text.replace(text.find("Address ="), 0, "DNS = 10.44.0.53, corp.test\n");
    const auto status =
        result_of(client->call("tunnel.up", Json{{"name", "tt0"}, {"config", text}}));
    EXPECT_EQ(status.at("up"), true);
    EXPECT_EQ(status.at("dns"), "systemd-resolved");
    EXPECT_FALSE(status.contains("dns_problem"));
    EXPECT_EQ(dns_.calls, std::vector<std::string>{"apply tt0 10.44.0.53 corp.test full"});
    const auto listed = result_of(client->call("tunnel.list")).at("tunnels").dump();
    EXPECT_NE(listed.find(R"("dns":"systemd-resolved")"), std::string::npos) << listed;
    EXPECT_TRUE(client->call("tunnel.down", Json{{"name", "tt0"}}).ok());
    EXPECT_EQ(dns_.calls, (std::vector<std::string>{"apply tt0 10.44.0.53 corp.test full",
                                                    "revert tt0 7 systemd-resolved"}));
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/run/dns/tt0"));
}

// Neither systemd-resolved nor resolvconf: the tunnel is up, and the user reads why DNS = is
// not applied in its status (tullectl, the app) and in the log.
TEST_F(ServiceTest, WithoutAResolverManagerTheTunnelIsUpAndSaysWhyDnsIsNot) {
    start();
    auto client = greeted_client();
    std::string text = config_text();
    text.replace(text.find("Address ="), 0, "DNS = 10.44.0.53\n");
    const auto status =
        result_of(client->call("tunnel.up", Json{{"name", "tt0"}, {"config", text}}));
    const std::string why =
        "DNS = needs systemd-resolved or resolvconf; the tunnel is up without it";
    EXPECT_EQ(status.at("up"), true);
    EXPECT_EQ(status.at("dns_problem"), why);
    EXPECT_FALSE(status.contains("dns"));
    const auto listed = result_of(client->call("tunnel.list")).at("tunnels").dump();
    EXPECT_NE(listed.find(why), std::string::npos) << listed;
    const auto log = result_of(client->call("log.tail")).dump();
    EXPECT_NE(log.find("tt0: " + why), std::string::npos) << log;
    // Without DNS = there is nothing to say.
    auto other = greeted_client();
    const auto plain = result_of(up(*other, "tt1"));
    EXPECT_FALSE(plain.contains("dns_problem"));
}

// A service that was killed left a record of a tunnel's DNS: the next one undoes it at start.
TEST_F(ServiceTest, DnsLeftByAKilledServiceIsUndoneAtStart) {
    std::filesystem::create_directories(dir_ + "/run/dns");
    {
        std::ofstream record(dir_ + "/run/dns/tt9");
        record << "resolvconf 31 0\n";
    }
    ::chmod((dir_ + "/run/dns/tt9").c_str(), 0600);
    start();
    auto client = greeted_client();  // start() has run on the loop by now
    EXPECT_EQ(dns_.calls, std::vector<std::string>{"revert tt9 31 resolvconf"});
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/run/dns/tt9"));
}

TEST_F(ServiceTest, ASecondServiceOnTheSameSocketIsRefused) {
    start();
    boost::asio::io_context other_io;
    Service second(other_io, options_, logs_, logs_.make_logger("second", spdlog::level::info),
                   deps_on(other_io));
    try {
        second.start();
        ADD_FAILURE() << "a second service started on a live socket";
    } catch (const std::system_error& error) {
        EXPECT_EQ(error.code().value(), EADDRINUSE);
    }
    auto client = greeted_client();
    EXPECT_TRUE(client->call("tunnel.list").ok());
}

TEST_F(ServiceTest, AResolverThatNeverAnswersDelaysNoOtherClientOrTunnel) {
    start();
    auto client = greeted_client();
    // The tunnel comes up at once; its peer waits for the name without an endpoint.
    EXPECT_EQ(result_of(up_with_host_name(*client)).at("up"), true);
    EXPECT_EQ(resolver_.asked(), std::vector<std::string>{"vpn.never.test"});
    const auto waiting = result_of(client->call("tunnel.get", Json{{"name", "tt0"}})).dump();
    EXPECT_EQ(waiting.find("192.0.2.7"), std::string::npos) << waiting;

    // Meanwhile other calls, other clients and other tunnels are served.
    EXPECT_TRUE(client->call("tunnel.list").ok());
    auto other = greeted_client();
    EXPECT_EQ(result_of(up(*other, "tt1")).at("up"), true);
    EXPECT_TRUE(other->call("daemon.status").ok());

    // When the answer comes, the peer gets its endpoint.
    resolver_.answer(io_, value::SocketAddress{value::IpAddress::v4({192, 0, 2, 7}), 51820});
    EXPECT_TRUE(
        eventually_contains(*client, "tunnel.get", Json{{"name", "tt0"}}, "192.0.2.7:51820"));
}

TEST_F(ServiceTest, AnEndpointThatDoesNotResolveIsLoggedNamingThePeer) {
    start();
    auto client = greeted_client();
    EXPECT_EQ(result_of(up_with_host_name(*client)).at("up"), true);
    ASSERT_EQ(resolver_.asked().size(), 1U);
    resolver_.answer(io_,
                     value::fail("cannot resolve 'vpn.never.test': Name or service not known"));
    EXPECT_TRUE(eventually_contains(*client, "log.tail", Json{{"lines", 100}},
                                    "tt0: peer 'bob': Endpoint: cannot resolve 'vpn.never.test'"));
    // The tunnel stays up, for its other peers and later answers.
    EXPECT_TRUE(eventually_contains(*client, "tunnel.list", Json::object(), "\"up\":true"));
}

TEST_F(ServiceTest, APeerAddedWithAHostNameGetsItsEndpointWhenTheAnswerComes) {
    start();
    auto client = greeted_client();
    ASSERT_TRUE(up(*client).ok());
    const std::string carol = base64_key(3);
    ASSERT_TRUE(client
                    ->call("peer.add", Json{{"tunnel", "tt0"},
                                            {"peer", Json{{"public_key", carol},
                                                          {"name", "carol"},
                                                          {"endpoint", "carol.never.test:4500"}}}})
                    .ok());
    EXPECT_EQ(resolver_.asked(), std::vector<std::string>{"carol.never.test"});
    resolver_.answer(io_, value::SocketAddress{value::IpAddress::v4({192, 0, 2, 8}), 4500});
    EXPECT_TRUE(
        eventually_contains(*client, "tunnel.get", Json{{"name", "tt0"}}, "192.0.2.8:4500"));
}

// --- the kill switch ----------------------------------------------------------------------------

// config_text() as a full tunnel (both families) with `marker` in its [Interface].
std::string full_tunnel(std::string text, const std::string& marker) {
    const std::string split = "AllowedIPs = 10.44.0.2/32, 10.45.0.0/16";
    text.replace(text.find(split), split.size(), "AllowedIPs = 0.0.0.0/0, ::/0");
    const std::string address = "Address = 10.44.0.1/24\n";
    text.replace(text.find(address), address.size(), address + marker);
    return text;
}

TEST_F(ServiceTest, AKillSwitchFromTheFileLetsTheTunnelsOwnUdpAndItsEndpointOutAndGoesWithIt) {
    start();
    auto client = greeted_client();
    const Json params{{"name", "tt0"},
                      {"config", full_tunnel(config_text(), "# tulle: kill-switch\n")}};
    ASSERT_TRUE(client->call("tunnel.up", params).ok());
    const auto rules = firewall_.of("tt0");
    ASSERT_TRUE(rules.has_value());
    EXPECT_EQ(rules->interface, "tt0");
    // The fwmark the device's socket carries for the policy rules: the tunnel's own UDP.
    EXPECT_EQ(rules->fwmark, kDefaultPolicyTable);
    EXPECT_EQ(rules->endpoints, std::vector<value::SocketAddress>{
                                    value::SocketAddress::parse("127.0.0.1:9").value()});
    EXPECT_FALSE(rules->allow_lan);
    EXPECT_NE(firewall_.script_of("tt0").find("ip daddr . udp dport @endpoints4"),
              std::string::npos);
    const auto listed = result_of(client->call("tunnel.list"));
    EXPECT_EQ(listed.at("tunnels").at(0).at("kill_switch"), true) << listed.dump();
    const auto detail = result_of(client->call("tunnel.get", Json{{"name", "tt0"}}));
    EXPECT_EQ(detail.at("settings").at("kill_switch"), true);

    ASSERT_TRUE(client->call("tunnel.down", Json{{"name", "tt0"}}).ok());
    EXPECT_FALSE(firewall_.of("tt0").has_value());
}

TEST_F(ServiceTest, TunnelUpChoosesTheKillSwitchAndTheLanOverTheFile) {
    start();
    auto client = greeted_client();
    const std::string marked = full_tunnel(config_text(), "# tulle: kill-switch\n");
    ASSERT_TRUE(
        client->call("tunnel.up", Json{{"name", "tt0"}, {"config", marked}, {"kill_switch", false}})
            .ok());
    EXPECT_FALSE(firewall_.of("tt0").has_value());
    ASSERT_TRUE(client->call("tunnel.down", Json{{"name", "tt0"}}).ok());

    const std::string plain = full_tunnel(config_text(), "");
    ASSERT_TRUE(client
                    ->call("tunnel.up", Json{{"name", "tt0"},
                                             {"config", plain},
                                             {"kill_switch", true},
                                             {"allow_lan", true}})
                    .ok());
    const auto rules = firewall_.of("tt0");
    ASSERT_TRUE(rules.has_value());
    EXPECT_TRUE(rules->allow_lan);
    EXPECT_NE(firewall_.script_of("tt0").find("192.168.0.0/16"), std::string::npos);
    // Saved as it runs: the choice is kept in the file.
    ASSERT_TRUE(client->call("tunnel.save", Json{{"name", "tt0"}}).ok());
    std::ifstream saved(options_.config_directory + "/tt0.conf");
    const std::string text((std::istreambuf_iterator<char>(saved)), {});
    EXPECT_NE(text.find("# tulle: kill-switch allow-lan\n"), std::string::npos) << text;
}

TEST_F(ServiceTest, AKillSwitchWithoutADefaultRouteIsRefusedSayingWhyAndNothingChanges) {
    start();
    auto client = greeted_client();
    const auto refused = error_of(client->call(
        "tunnel.up", Json{{"name", "tt0"}, {"config", config_text()}, {"kill_switch", true}}));
    EXPECT_EQ(refused.code, ErrorCode::invalid_params);
    EXPECT_NE(refused.message.find("default route"), std::string::npos) << refused.message;
    EXPECT_TRUE(firewall_.kill_switches().empty());
    EXPECT_TRUE(net_.routes.empty());
    EXPECT_TRUE(up(*client).ok());  // the service carries on
}

TEST_F(ServiceTest, TheKillSwitchFollowsThePeersEndpoints) {
    start();
    auto client = greeted_client();
    ASSERT_TRUE(client
                    ->call("tunnel.up",
                           Json{{"name", "tt0"},
                                {"config", full_tunnel(config_text(), "# tulle: kill-switch\n")}})
                    .ok());
    ASSERT_TRUE(client
                    ->call("peer.update", Json{{"tunnel", "tt0"},
                                               {"peer", Json{{"public_key", base64_key(1)},
                                                             {"endpoint", "[::1]:51820"}}}})
                    .ok());
    const auto moved =
        std::vector<value::SocketAddress>{value::SocketAddress::parse("[::1]:51820").value()};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
    while (firewall_.of("tt0")->endpoints != moved && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
    }
    EXPECT_EQ(firewall_.of("tt0")->endpoints, moved);
    EXPECT_NE(firewall_.script_of("tt0").find("::1 . 51820"), std::string::npos);
}

TEST_F(ServiceTest, KillSwitchesLeftByAKilledServiceGoAtStartAndLiveInterfacesKeepTheirs) {
    firewall_.leave("gone0");  // its interface went with the killed process
    firewall_.leave("eth0");   // the fake system has eth0: not a leftover
    start();
    EXPECT_EQ(firewall_.kill_switches(), std::vector<std::string>{"eth0"});
}

}  // namespace
}  // namespace tulle::daemon
