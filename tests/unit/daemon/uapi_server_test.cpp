// The wg(8) socket of a device, driven as wg drives it: a client that writes a whole request and
// only then reads the reply, over a real Unix socket, against a real Device (fake TUN, in-memory
// UDP). Requests are read as a stream: any length, bounded by the peer and prefix limits.
#include "daemon/uapi_server.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>

#include "daemon/core/crypto.hpp"
#include "daemon/core/environment.hpp"
#include "platform/fake_tun.hpp"
#include "platform/fake_udp.hpp"

namespace tulle::daemon {
namespace {

// A blocking client like wg(8): it sends everything, then reads. Sending to a server that has
// closed the connection fails (EPIPE) instead of raising SIGPIPE, so the test can say so.
class WgClient {
  public:
    explicit WgClient(const std::string& path) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        path.copy(address.sun_path, sizeof(address.sun_path) - 1);
        timeval timeout{10, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
        connected_ =
            ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
    }
    ~WgClient() { ::close(fd_); }
    WgClient(const WgClient&) = delete;
    WgClient& operator=(const WgClient&) = delete;

    [[nodiscard]] bool connected() const { return connected_; }

    // Sends all of `bytes`; 0 or the errno that stopped it.
    int send_all(const std::string& bytes) const {
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
            if (n < 0) {
                return errno;
            }
            done += static_cast<std::size_t>(n);
        }
        return 0;
    }

    // The next reply, up to and with its empty line, or nullopt on end of stream or timeout.
    std::optional<std::string> reply() {
        while (true) {
            if (const auto end = buffer_.find("\n\n"); end != std::string::npos) {
                std::string out = buffer_.substr(0, end + 2);
                buffer_.erase(0, end + 2);
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

    // Sends a whole request, then reads its reply: what wg(8) does.
    std::optional<std::string> exchange(const std::string& request) {
        if (const int error = send_all(request); error != 0) {
            sent_error = error;
            return std::nullopt;
        }
        return reply();
    }

    int sent_error = 0;

  private:
    int fd_ = -1;
    bool connected_ = false;
    std::string buffer_;
};

std::string hex_key(std::uint32_t n) {
    // A distinct valid-looking public key per n (any 32 bytes are a key to the UAPI).
    std::array<char, 9> word{};
    std::snprintf(word.data(), word.size(), "%08x", n);
    std::string key;
    for (int i = 0; i < 8; ++i) {
        key += word.data();
    }
    return key;
}

// A set request of `peers` peers with `per_peer` distinct /32 allowed IPs each, numbered from
// `first` (10.x.y.z), without the empty line that ends it.
std::string peers_lines(std::uint32_t peers, std::uint32_t per_peer, std::uint32_t first = 0) {
    std::string lines;
    std::uint32_t ip = first;
    for (std::uint32_t p = 0; p < peers; ++p) {
        lines += "public_key=" + hex_key(first + p + 1) + "\n";
        for (std::uint32_t i = 0; i < per_peer; ++i, ++ip) {
            lines += "allowed_ip=10." + std::to_string((ip >> 16U) & 0xffU) + "." +
                     std::to_string((ip >> 8U) & 0xffU) + "." + std::to_string(ip & 0xffU) +
                     "/32\n";
        }
    }
    return lines;
}

std::size_t count_lines(const std::string& text, const std::string& prefix) {
    std::size_t count = 0;
    std::size_t at = 0;
    while ((at = text.find("\n" + prefix, at)) != std::string::npos) {
        ++count;
        ++at;
    }
    return count + (text.starts_with(prefix) ? 1 : 0);
}

class UapiServerTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(core::crypto::init()); }

    void start(std::size_t max_peers = core::impl::kMaxPeers,
               std::size_t max_allowed_ips = core::impl::kMaxAllowedIps) {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "tulle-uapi-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        auto log = std::make_shared<spdlog::logger>(
            "test", std::make_shared<spdlog::sinks::null_sink_mt>());
        device_ = std::make_unique<Device>(io_, tuns_.create("tluapi0"), *sockets_, environment_,
                                           log, workers_, max_peers, max_allowed_ips);
        device_->start();
        server_ = std::make_unique<UapiServer>(io_, dir_ + "/tluapi0.sock", *device_, log);
        server_->start();
        thread_ = std::thread([this] { io_.run(); });
    }

    void TearDown() override {
        if (thread_.joinable()) {
            boost::asio::post(io_, [this] {
                server_->stop();
                device_->stop();
                work_.reset();
            });
            thread_.join();
        }
        server_.reset();
        device_.reset();
        if (!dir_.empty()) {
            std::filesystem::remove_all(dir_);
        }
    }

    [[nodiscard]] std::string path() const { return dir_ + "/tluapi0.sock"; }

    // What get=1 says now, on a connection of its own.
    std::string get() const {
        WgClient client(path());
        return client.exchange("get=1\n\n").value_or("(no reply)");
    }

    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
        io_.get_executor()};
    platform::FakeNetwork network_;
    std::unique_ptr<platform::UdpSocketFactory> sockets_ =
        network_.host(value::IpAddress::v4({192, 0, 2, 1}));
    platform::FakeTunFactory tuns_;
    core::SystemEnvironment environment_;
    WorkerPool workers_{0};
    std::unique_ptr<Device> device_;
    std::unique_ptr<UapiServer> server_;
    std::thread thread_;
    std::string dir_;
};

TEST_F(UapiServerTest, AppliesAHundredThousandAllowedIpsAndListsThem) {
    start();
    // 100 peers of 1,000 prefixes: 2.6 MB, more than the 1 MiB the server used to take whole.
    const std::string request = "set=1\n" + peers_lines(100, 1000) + "\n";
    ASSERT_GT(request.size(), std::size_t{2} << 20U);
    WgClient client(path());
    ASSERT_TRUE(client.connected());
    EXPECT_EQ(client.exchange(request), "errno=0\n\n") << "send: " << client.sent_error;

    const std::string reply = get();
    EXPECT_EQ(count_lines(reply, "public_key="), 100U);
    EXPECT_EQ(count_lines(reply, "allowed_ip="), 100'000U);
    EXPECT_NE(reply.find("allowed_ip=10.1.134.159/32\n"), std::string::npos);  // the last, 99,999
    EXPECT_TRUE(reply.ends_with("errno=0\n\n"));
}

TEST_F(UapiServerTest, ARequestOverThePrefixLimitGetsE2bigAndChangesNothing) {
    start(core::impl::kMaxPeers, /*max_allowed_ips=*/1000);
    WgClient client(path());
    // Over the limit in the request itself: refused while it is read, then read to its end.
    EXPECT_EQ(client.exchange("set=1\n" + peers_lines(3, 400) + "\n"), "errno=-7\n\n");
    // The same connection goes on, and nothing was applied.
    const auto now = client.exchange("get=1\n\n");
    ASSERT_TRUE(now);
    EXPECT_EQ(count_lines(*now, "public_key="), 0U);
    EXPECT_TRUE(now->ends_with("errno=0\n\n"));

    // Up to the limit is fine; past it with what the interface holds already, E2BIG again and
    // the peer that would pass it is not added.
    EXPECT_EQ(client.exchange("set=1\n" + peers_lines(2, 400) + "\n"), "errno=0\n\n");
    EXPECT_EQ(client.exchange("set=1\n" + peers_lines(1, 201, 800) + "\n"), "errno=-7\n\n");
    EXPECT_EQ(client.exchange("set=1\n" + peers_lines(1, 200, 800) + "\n"), "errno=0\n\n");
    const std::string reply = get();
    EXPECT_EQ(count_lines(reply, "public_key="), 3U);
    EXPECT_EQ(count_lines(reply, "allowed_ip="), 1000U);

    // Replacing a peer's prefixes frees its own: the same 1,000 in a new order fit.
    EXPECT_EQ(client.exchange("set=1\nreplace_peers=true\n" + peers_lines(4, 250) + "\n"),
              "errno=0\n\n");
    EXPECT_EQ(count_lines(get(), "allowed_ip="), 1000U);
}

TEST_F(UapiServerTest, TooManyPeersGetEnospcAndChangeNothing) {
    start(/*max_peers=*/2);
    WgClient client(path());
    EXPECT_EQ(client.exchange("set=1\n" + peers_lines(3, 1) + "\n"), "errno=-28\n\n");
    EXPECT_EQ(count_lines(get(), "public_key="), 0U);
    EXPECT_EQ(client.exchange("set=1\n" + peers_lines(2, 1) + "\n"), "errno=0\n\n");
    // Removing one makes room for another in the same request.
    EXPECT_EQ(client.exchange("set=1\npublic_key=" + hex_key(1) + "\nremove=true\n" +
                              peers_lines(1, 1, 7) + "\n"),
              "errno=0\n\n");
    EXPECT_EQ(count_lines(get(), "public_key="), 2U);
}

TEST_F(UapiServerTest, ReadsARefusedRequestToItsEndBeforeAnswering) {
    start();
    // The bad line comes first; megabytes follow. A server that answered and closed at the bad
    // line (or at a size limit) would leave the client failing to send with EPIPE: wg dies of
    // SIGPIPE without seeing why.
    const std::string request =
        "set=1\nlisten_port=seventy\n" + peers_lines(100, 1000) + "\n" + "get=1\n\n";
    WgClient client(path());
    EXPECT_EQ(client.exchange(request), "errno=-22\n\n") << "send: " << client.sent_error;
    EXPECT_EQ(client.sent_error, 0);
    const auto after = client.reply();  // the get that followed in the same write
    ASSERT_TRUE(after);
    EXPECT_EQ(count_lines(*after, "public_key="), 0U);
    EXPECT_TRUE(after->ends_with("errno=0\n\n"));
}

TEST_F(UapiServerTest, ALineOverTheLineLimitIsRefusedAndTheConversationGoesOn) {
    start();
    WgClient client(path());
    const std::string request =
        "set=1\nfwmark=" + std::string(100'000, '0') + "1\n" + peers_lines(1, 1) + "\n";
    EXPECT_EQ(client.exchange(request), "errno=-90\n\n");
    EXPECT_EQ(count_lines(client.exchange("get=1\n\n").value_or(""), "public_key="), 0U);
}

}  // namespace
}  // namespace tulle::daemon
