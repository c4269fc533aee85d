// The resource bounds of one interface: 10,000 peers and 100,000 allowed IPs, once through the
// wg(8) socket (UAPI) and once through the control socket's peer methods, with the time each
// takes and the process's memory (RSS) after it. In process, with the real servers and Device on
// a fake TUN and the in-memory UDP network: no root, no namespaces.
//
//   uapi_bench [--peers N] [--per-peer M] [--limit]
//
// --limit also fills an interface to core::impl::kMaxAllowedIps prefixes (one peer) and prints
// the memory that takes, and the time to refuse one more.
// Figures, not assertions.
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <system_error>
#include <thread>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>

#include "daemon/core/crypto.hpp"
#include "daemon/core/environment.hpp"
#include "daemon/device.hpp"
#include "daemon/log_hub.hpp"
#include "daemon/service.hpp"
#include "daemon/uapi_server.hpp"
#include "ipc/jsonrpc.hpp"
#include "ipc/protocol.hpp"
#include "platform/fake_tun.hpp"
#include "platform/fake_udp.hpp"
#include "platform/net_config.hpp"
#include "tests/unit/daemon/fake_dns.hpp"

namespace {

using namespace tulle;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

// VmRSS and VmHWM of this process, in MiB.
std::string memory() {
    std::ifstream status("/proc/self/status");
    std::string line;
    std::string rss = "?";
    std::string peak = "?";
    while (std::getline(status, line)) {
        const auto value = [&] {
            const auto kb = std::strtoull(line.c_str() + line.find(':') + 1, nullptr, 10);
            char text[32];
            std::snprintf(text, sizeof(text), "%.1f", static_cast<double>(kb) / 1024.0);
            return std::string(text);
        };
        if (line.starts_with("VmRSS:")) {
            rss = value();
        } else if (line.starts_with("VmHWM:")) {
            peak = value();
        }
    }
    return "RSS " + rss + " MiB (peak " + peak + " MiB)";
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::array<std::uint8_t, 32> key_bytes(std::uint32_t n) {
    std::array<std::uint8_t, 32> key{};
    for (std::size_t i = 0; i < key.size(); i += 4) {
        key[i] = static_cast<std::uint8_t>(n >> 24U);
        key[i + 1] = static_cast<std::uint8_t>(n >> 16U);
        key[i + 2] = static_cast<std::uint8_t>(n >> 8U);
        key[i + 3] = static_cast<std::uint8_t>(n);
    }
    return key;
}

std::string hex_key(std::uint32_t n) {
    static constexpr std::array<char, 16> kDigits{'0', '1', '2', '3', '4', '5', '6', '7',
                                                  '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    std::string out;
    for (const auto byte : key_bytes(n)) {
        out += kDigits[byte >> 4U];
        out += kDigits[byte & 0xfU];
    }
    return out;
}

// The n-th /32 in 10.0.0.0/8 and 11.0.0.0/8.
std::string nth_prefix(std::uint32_t n) {
    return std::to_string(10 + (n >> 24U)) + "." + std::to_string((n >> 16U) & 0xffU) + "." +
           std::to_string((n >> 8U) & 0xffU) + "." + std::to_string(n & 0xffU) + "/32";
}

std::string set_request(std::uint32_t peers, std::uint32_t per_peer, bool replace) {
    std::string request = replace ? "set=1\nreplace_peers=true\n" : "set=1\n";
    std::uint32_t ip = 0;
    for (std::uint32_t p = 1; p <= peers; ++p) {
        request += "public_key=" + hex_key(p) + "\n";
        for (std::uint32_t i = 0; i < per_peer; ++i) {
            request += "allowed_ip=" + nth_prefix(ip++) + "\n";
        }
    }
    return request + "\n";
}

// A blocking client of a local stream socket.
class Client {
  public:
    explicit Client(const std::string& path) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        path.copy(address.sun_path, sizeof(address.sun_path) - 1);
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
            std::perror(path.c_str());
        }
    }
    ~Client() { ::close(fd_); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    bool send_all(const std::string& bytes) const {
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
            if (n < 0) {
                std::perror("send");
                return false;
            }
            done += static_cast<std::size_t>(n);
        }
        return true;
    }

    // Everything up to and with `end`, or what came before the connection ended.
    std::string read_until(std::string_view end) {
        while (true) {
            if (const auto at = buffer_.find(end); at != std::string::npos) {
                std::string out = buffer_.substr(0, at + end.size());
                buffer_.erase(0, at + end.size());
                return out;
            }
            std::array<char, 65536> chunk{};
            const ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), 0);
            if (n <= 0) {
                return std::exchange(buffer_, {});
            }
            buffer_.append(chunk.data(), static_cast<std::size_t>(n));
        }
    }

    ipc::Response call(int id, const std::string& method, Json params) {
        send_all(ipc::encode(ipc::Request{id, method, std::move(params)}));
        while (true) {
            const std::string line = read_until("\n");
            if (line.empty()) {
                return ipc::Response{id, ipc::refuse(ipc::ErrorCode::internal_error, "closed")};
            }
            auto decoded = ipc::decode(std::string_view(line).substr(0, line.size() - 1));
            if (auto* message = std::get_if<ipc::Message>(&decoded)) {
                if (auto* response = std::get_if<ipc::Response>(message);
                    response != nullptr && response->id == id) {
                    return *response;
                }
            }
        }
    }

  private:
    int fd_ = -1;
    std::string buffer_;
};

// Interface settings that go nowhere: the bench measures tulled, not the kernel (nor a test fake
// that keeps routes in a list).
class NoNetConfig final : public platform::NetConfig {
  public:
    void add_address(std::string_view, const value::IpPrefix&) override {}
    void remove_address(std::string_view, const value::IpPrefix&) override {}
    void set_mtu(std::string_view, std::uint32_t) override {}
    void set_up(std::string_view, bool) override {}
    void add_route(std::string_view, const value::IpPrefix&, std::uint32_t) override {}
    void remove_route(std::string_view, const value::IpPrefix&, std::uint32_t) override {}
    void add_rule(const platform::RoutingRule&) override {}
    void remove_rule(const platform::RoutingRule&) override {}
    std::vector<platform::RoutingRule> list_rules() override { return {}; }
    void mark_aware_reverse_path() override {}
    bool table_in_use(std::uint32_t) override { return false; }
    std::vector<value::IpPrefix> list_addresses(std::string_view) override { return {}; }
    std::vector<platform::Route> list_routes(std::string_view) override { return {}; }
    void delete_link(std::string_view) override {}
    bool link_exists(std::string_view) override { return false; }
};

std::string temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tulle-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    return pattern;
}

// The wg(8) socket of one Device.
void through_uapi(std::uint32_t peers, std::uint32_t per_peer, bool limit) {
    const std::string dir = temp_dir();
    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    platform::FakeNetwork network;
    auto sockets = network.host(value::IpAddress::v4({192, 0, 2, 1}));
    platform::FakeTunFactory tuns;
    core::SystemEnvironment environment;
    daemon::WorkerPool workers(0);
    auto log =
        std::make_shared<spdlog::logger>("bench", std::make_shared<spdlog::sinks::null_sink_mt>());
    daemon::Device device(io, tuns.create("tlbench0"), *sockets, environment, log, workers);
    device.start();
    daemon::UapiServer server(io, dir + "/tlbench0.sock", device, log);
    server.start();
    std::thread loop([&] { io.run(); });

    std::printf("UAPI (wg socket), %s before\n", memory().c_str());
    {
        const std::string request = set_request(peers, per_peer, false);
        Client client(server.path());
        const auto start = Clock::now();
        client.send_all(request);
        const std::string reply = client.read_until("\n\n");
        std::printf("  set %u peers, %u allowed IPs (%.1f MB): %.3f s, reply %s", peers,
                    peers * per_peer, static_cast<double>(request.size()) / 1e6,
                    seconds_since(start), reply.substr(0, reply.size() - 1).c_str());
        std::printf("  %s\n", memory().c_str());
    }
    {
        Client client(server.path());
        const auto start = Clock::now();
        client.send_all("get=1\n\n");
        const std::string reply = client.read_until("\n\n");
        std::printf("  get: %.3f s, %.1f MB\n", seconds_since(start),
                    static_cast<double>(reply.size()) / 1e6);
    }
    if (limit) {
        const std::uint32_t all = core::impl::kMaxAllowedIps;
        const std::string request = set_request(1, all, true);
        const std::string one_more =
            "set=1\npublic_key=" + hex_key(2) + "\nallowed_ip=" + nth_prefix(all) + "\n\n";
        Client client(server.path());
        auto start = Clock::now();
        client.send_all(request);
        std::string reply = client.read_until("\n\n");
        std::printf("  replace with 1 peer, %u allowed IPs (%.1f MB): %.3f s, reply %s", all,
                    static_cast<double>(request.size()) / 1e6, seconds_since(start),
                    reply.substr(0, reply.size() - 1).c_str());
        std::printf("  %s\n", memory().c_str());
        start = Clock::now();
        client.send_all(one_more);
        reply = client.read_until("\n\n");
        std::printf("  one more: %.6f s, reply %s", seconds_since(start),
                    reply.substr(0, reply.size() - 1).c_str());
    }
    boost::asio::post(io, [&] {
        server.stop();
        device.stop();
        work.reset();
    });
    loop.join();
    std::filesystem::remove_all(dir);
}

// The control socket of a Service with one tunnel: peer.add for each peer.
void through_control_socket(std::uint32_t peers, std::uint32_t per_peer) {
    const std::string dir = temp_dir();
    std::filesystem::create_directories(dir + "/wg");
    daemon::Service::Options options;
    options.socket_path = dir + "/tulled.sock";
    options.config_directory = dir + "/etc";
    options.uapi_directory = dir + "/wg";
    options.group = "root";
    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    platform::FakeNetwork network;
    auto sockets = network.host(value::IpAddress::v4({192, 0, 2, 1}));
    platform::FakeTunFactory tuns;
    NoNetConfig net;
    core::SystemEnvironment environment;
    daemon::WorkerPool workers(0);
    daemon::ThreadResolver resolver(io);
    daemon::LogHub logs;
    daemon::testing::FakeDns no_dns;
    daemon::DnsControl dns(no_dns, dir + "/dns", logs.make_logger("dns", spdlog::level::warn));
    auto service = std::make_unique<daemon::Service>(
        io, options, logs, logs.make_logger("bench", spdlog::level::warn),
        daemon::TunnelDeps{io, environment, tuns, *sockets, net, {}, workers, resolver, dns});
    service->start();
    std::thread loop([&] { io.run(); });

    std::printf("control socket, %s before\n", memory().c_str());
    Client client(options.socket_path);
    int id = 1;
    ipc::HelloParams hello;
    hello.version = ipc::kProtocolVersion;
    hello.client = "uapi_bench";
    client.call(id++, "daemon.hello", ipc::to_json(hello));
    const auto key = core::crypto::generate_private_key();
    std::array<std::uint8_t, value::kKeySize> key_copy{};
    std::copy(key.bytes().begin(), key.bytes().end(), key_copy.begin());
    const std::string config =
        "[Interface]\nPrivateKey = " + value::SecretKey(key_copy).to_base64() +
        "\nAddress = 10.255.0.1/32\n";
    const auto up = client.call(id++, "tunnel.up", Json{{"name", "tlbench1"}, {"config", config}});
    if (!up.outcome.ok()) {
        std::printf("  tunnel.up failed: %s\n", up.outcome.error().message.c_str());
    }

    auto start = Clock::now();
    auto stretch = start;
    std::uint32_t ip = 0;
    std::uint32_t failed = 0;
    for (std::uint32_t p = 1; p <= peers; ++p) {
        Json allowed = Json::array();
        for (std::uint32_t i = 0; i < per_peer; ++i) {
            allowed.push_back(nth_prefix(ip++));
        }
        const auto added =
            client.call(id++, "peer.add",
                        Json{{"tunnel", "tlbench1"},
                             {"peer", Json{{"public_key", value::Key(key_bytes(p)).to_base64()},
                                           {"allowed_ips", std::move(allowed)}}}});
        failed += added.outcome.ok() ? 0U : 1U;
        if (p % (peers / 10 == 0 ? 1 : peers / 10) == 0) {
            std::printf("  peer.add up to %u peers: last stretch %.3f s (%.2f ms a call)\n", p,
                        seconds_since(stretch),
                        seconds_since(stretch) * 1000.0 / (peers / 10 == 0 ? 1 : peers / 10));
            stretch = Clock::now();
        }
    }
    std::printf("  peer.add %u peers with %u allowed IPs: %.3f s, %u refused; %s\n", peers,
                peers * per_peer, seconds_since(start), failed, memory().c_str());
    start = Clock::now();
    const auto got = client.call(id++, "tunnel.get", Json{{"name", "tlbench1"}});
    std::printf("  tunnel.get: %.3f s, %s\n", seconds_since(start),
                got.outcome.ok() ? "ok" : got.outcome.error().message.c_str());

    boost::asio::post(io, [&] {
        service->stop();
        work.reset();
    });
    loop.join();
    service.reset();
    std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
    std::uint32_t peers = 10'000;
    std::uint32_t per_peer = 10;
    bool limit = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--peers" && i + 1 < argc) {
            peers = static_cast<std::uint32_t>(std::strtoul(argv[++i], nullptr, 10));
        } else if (arg == "--per-peer" && i + 1 < argc) {
            per_peer = static_cast<std::uint32_t>(std::strtoul(argv[++i], nullptr, 10));
        } else if (arg == "--limit") {
            limit = true;
        } else {
            std::fprintf(stderr, "usage: uapi_bench [--peers N] [--per-peer M] [--limit]\n");
            return 2;
        }
    }
    if (!core::crypto::init()) {
        return 1;
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure as it comes, also into a file
    try {
        through_uapi(peers, per_peer, limit);
        through_control_socket(peers, per_peer);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "uapi_bench: %s\n", error.what());
        return 1;
    }
    return 0;
}
