// tulled --metrics: the text exposition encoder (escaping, HELP and TYPE lines, counter names,
// values), the HTTP answers (only GET /metrics, no bodies), the address rule (loopback unless
// allowed), and the server on a real loopback TCP socket with the loop run by the test: a head
// over the limit, a client too slow to finish its request, connections past the limit.
#include "daemon/metrics.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <optional>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "daemon/metrics_server.hpp"
#include "tests/unit/daemon/run_loop.hpp"

namespace tulle::daemon {
namespace {

using namespace std::chrono_literals;
using testing::run_until;

value::Key key_of(std::uint8_t fill) {
    std::array<std::uint8_t, value::kKeySize> bytes{};
    bytes.fill(fill);
    return value::Key(bytes);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

DaemonMetrics sample_metrics() {
    DaemonMetrics metrics;
    metrics.version = "0.1.0";
    metrics.control_clients = 2;
    TunnelMetrics tunnel;
    tunnel.name = "wg0";
    tunnel.listen_port = 51820;
    tunnel.engine.invalid_mac = 7;
    tunnel.engine.replayed = 3;
    tunnel.engine.cookie_replies_sent = 5;
    tunnel.device.udp_send_dropped = 1;
    PeerMetrics named;
    named.public_key = key_of(1);
    named.name = "bob \"the\" \\builder\\\nline two";
    named.endpoint_known = true;
    named.last_handshake = 1'700'000'000;
    named.rx_bytes = 18'446'744'073'709'551'615ULL;  // the largest a counter here holds
    named.tx_bytes = 42;
    PeerMetrics no_endpoint;
    no_endpoint.public_key = key_of(2);
    tunnel.peers = {named, no_endpoint};
    metrics.tunnels.push_back(tunnel);
    return metrics;
}

TEST(MetricsText, LabelValuesEscapeBackslashQuoteAndNewline) {
    EXPECT_EQ(escape_label_value("plain"), "plain");
    EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    EXPECT_EQ(escape_help("a\\b\"c\nd"), "a\\\\b\"c\\nd");  // HELP keeps quotes
}

TEST(MetricsText, FamiliesHaveHelpAndTypeAndCountersEndInTotal) {
    MetricsText text;
    text.family("x_events_total", MetricsText::Type::counter, "Events.\nTwo lines.");
    text.sample({{"tunnel", "a\"b"}}, std::uint64_t{3});
    text.family("x_things", MetricsText::Type::gauge, "Things.");
    text.sample({}, std::uint64_t{0});
    EXPECT_EQ(text.text(),
              "# HELP x_events_total Events.\\nTwo lines.\n"
              "# TYPE x_events_total counter\n"
              "x_events_total{tunnel=\"a\\\"b\"} 3\n"
              "# HELP x_things Things.\n"
              "# TYPE x_things gauge\n"
              "x_things 0\n");
    EXPECT_THROW(text.family("x_events", MetricsText::Type::counter, "no _total"),
                 std::logic_error);
    EXPECT_THROW(text.family("x_gauge_total", MetricsText::Type::gauge, "a gauge as counter"),
                 std::logic_error);
    MetricsText empty;
    EXPECT_THROW(empty.sample({}, std::uint64_t{1}), std::logic_error);
}

TEST(MetricsText, EveryPeerAndDropReasonIsReportedWithExactValues) {
    const std::string text = encode_metrics(sample_metrics());
    const std::string bob = key_of(1).to_base64();
    const std::string other = key_of(2).to_base64();
    EXPECT_TRUE(contains(text, "tulle_build_info{version=\"0.1.0\"} 1\n")) << text;
    EXPECT_TRUE(contains(text, "tulle_tunnels 1\n"));
    EXPECT_TRUE(contains(text, "tulle_control_clients 2\n"));
    EXPECT_TRUE(contains(text, "tulle_tunnel_listen_port{tunnel=\"wg0\"} 51820\n"));
    EXPECT_TRUE(contains(text, "tulle_dropped_total{tunnel=\"wg0\",reason=\"invalid_mac\"} 7\n"));
    EXPECT_TRUE(contains(text, "tulle_dropped_total{tunnel=\"wg0\",reason=\"replayed\"} 3\n"));
    EXPECT_TRUE(contains(text, "tulle_dropped_total{tunnel=\"wg0\",reason=\"udp_send\"} 1\n"));
    EXPECT_TRUE(contains(text, "tulle_cookie_replies_sent_total{tunnel=\"wg0\"} 5\n"));
    const std::string named = "{tunnel=\"wg0\",public_key=\"" + bob +
                              "\",name=\"bob \\\"the\\\" \\\\builder\\\\\\nline two\"}";
    EXPECT_TRUE(
        contains(text, "tulle_peer_receive_bytes_total" + named + " 18446744073709551615\n"))
        << text;
    EXPECT_TRUE(contains(text, "tulle_peer_transmit_bytes_total" + named + " 42\n"));
    EXPECT_TRUE(contains(text, "tulle_peer_last_handshake_seconds" + named + " 1700000000\n"));
    EXPECT_TRUE(contains(text, "tulle_peer_endpoint_known" + named + " 1\n"));
    // A peer without a name has no name label; one without an endpoint is reported all the same.
    const std::string unnamed = "{tunnel=\"wg0\",public_key=\"" + other + "\"}";
    EXPECT_TRUE(contains(text, "tulle_peer_endpoint_known" + unnamed + " 0\n")) << text;
    EXPECT_TRUE(contains(text, "tulle_peer_last_handshake_seconds" + unnamed + " 0\n"));

    // Each family once, each with HELP and TYPE (naming the samples, as format 0.0.4 does) right
    // before its samples; counters and only counters end in _total.
    std::vector<std::string> families;
    std::string line;
    std::istringstream lines(text);
    std::string family;
    std::string type;
    while (std::getline(lines, line)) {
        if (line.rfind("# HELP ", 0) == 0) {
            family = line.substr(7, line.find(' ', 7) - 7);
            EXPECT_EQ(std::count(families.begin(), families.end(), family), 0) << family;
            families.push_back(family);
            ASSERT_TRUE(std::getline(lines, line));
            ASSERT_EQ(line.rfind("# TYPE " + family + " ", 0), 0U) << line;
            type = line.substr(line.rfind(' ') + 1);
            continue;
        }
        const std::string name = line.substr(0, line.find_first_of("{ "));
        EXPECT_EQ(name, family) << line;
        EXPECT_EQ(name.ends_with("_total"), type == "counter") << line;
    }
    EXPECT_GE(families.size(), 10U);
}

TEST(MetricsText, WithoutTunnelsOnlyTheDaemonIsReported) {
    DaemonMetrics metrics;
    metrics.version = "0.1.0";
    const std::string text = encode_metrics(metrics);
    EXPECT_TRUE(contains(text, "tulle_tunnels 0\n"));
    EXPECT_FALSE(contains(text, "tulle_dropped_total"));
    EXPECT_FALSE(contains(text, "tulle_control_clients"));  // not a service
}

// promtool (Debian's prometheus package) reads the encoder's output as Prometheus would.
TEST(MetricsText, PromtoolAcceptsTheOutput) {
    // NOLINTNEXTLINE(cert-env33-c,concurrency-mt-unsafe): a shell, from the test's one thread
    if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
        GTEST_SKIP() << "promtool is not installed (Debian package prometheus): output not "
                        "checked by Prometheus's own parser";
    }
    const auto path = std::filesystem::temp_directory_path() /
                      ("tulle-metrics-" + std::to_string(::getpid()) + ".txt");
    std::ofstream(path) << encode_metrics(sample_metrics());
    const std::string command = "promtool check metrics < '" + path.string() + "' 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");  // NOLINT(cert-env33-c)
    ASSERT_NE(pipe, nullptr);
    std::string output;
    std::array<char, 512> chunk{};
    while (std::fgets(chunk.data(), chunk.size(), pipe) != nullptr) {
        output += chunk.data();
    }
    const int status = ::pclose(pipe);
    std::filesystem::remove(path);
    EXPECT_EQ(status, 0) << output;
    EXPECT_EQ(output, "") << "promtool has remarks";
}

std::string answer(std::string_view head) {
    return answer_metrics_request(head, [] { return std::string("x_up 1\n"); });
}

std::string status_of(const std::string& reply) {
    return reply.substr(0, reply.find("\r\n"));
}

TEST(MetricsHttp, GetMetricsIsServedInTheExpositionFormat) {
    const std::string reply = answer(
        "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9586\r\n"
        "Accept: text/plain\r\n");
    EXPECT_EQ(status_of(reply), "HTTP/1.1 200 OK");
    EXPECT_TRUE(contains(reply, "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
    EXPECT_TRUE(contains(reply, "\r\nContent-Length: 7\r\n"));
    EXPECT_TRUE(contains(reply, "\r\nConnection: close\r\n"));
    EXPECT_TRUE(reply.ends_with("\r\n\r\nx_up 1\n"));
    // A query string (Prometheus's params) and HTTP/1.0 with bare line feeds are fine too.
    EXPECT_EQ(status_of(answer("GET /metrics?x=1 HTTP/1.1\r\n")), "HTTP/1.1 200 OK");
    EXPECT_EQ(status_of(answer("GET /metrics HTTP/1.0\nHost: x\n")), "HTTP/1.1 200 OK");
    EXPECT_EQ(status_of(answer("GET /metrics HTTP/1.1\r\nContent-Length: 0\r\n")),
              "HTTP/1.1 200 OK");
}

TEST(MetricsHttp, AnythingElseIsRefusedWithoutRenderingTheMetrics) {
    bool rendered = false;
    const auto refused = [&](std::string_view head) {
        const std::string reply = answer_metrics_request(head, [&] {
            rendered = true;
            return std::string();
        });
        return status_of(reply);
    };
    EXPECT_EQ(refused("GET / HTTP/1.1\r\n"), "HTTP/1.1 404 Not Found");
    EXPECT_EQ(refused("GET /metrics/../etc HTTP/1.1\r\n"), "HTTP/1.1 404 Not Found");
    EXPECT_EQ(refused("POST /metrics HTTP/1.1\r\n"), "HTTP/1.1 405 Method Not Allowed");
    EXPECT_TRUE(contains(answer("HEAD /metrics HTTP/1.1\r\n"), "\r\nAllow: GET\r\n"));
    EXPECT_EQ(refused("GET /metrics HTTP/1.1\r\nContent-Length: 5\r\n"),
              "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(refused("GET /metrics HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"),
              "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(refused("GET /metrics\r\n"), "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(refused("GET  /metrics HTTP/1.1\r\n"), "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(refused("GET /metrics HTTP/2\r\n"), "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(refused("G\x01T /metrics HTTP/1.1\r\n"), "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(refused("GET /metrics HTTP/1.1\r\nno colon here\r\n"), "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(refused(""), "HTTP/1.1 400 Bad Request");
    EXPECT_FALSE(rendered);
}

TEST(MetricsAddress, LoopbackByDefaultAndOtherAddressesOnlyWhenAllowed) {
    const auto text = [](std::string_view given, bool allow_remote = false) {
        auto parsed = parse_metrics_address(given, allow_remote);
        return parsed ? parsed->address().to_string() + " " + std::to_string(parsed->port())
                      : "error: " + parsed.error();
    };
    EXPECT_EQ(text(""), "127.0.0.1 9586");
    EXPECT_EQ(text("9100"), "127.0.0.1 9100");
    EXPECT_EQ(text(":9100"), "127.0.0.1 9100");
    EXPECT_EQ(text("127.0.0.2"), "127.0.0.2 9586");
    EXPECT_EQ(text("127.0.0.1:9586"), "127.0.0.1 9586");
    EXPECT_EQ(text("[::1]:9586"), "::1 9586");
    EXPECT_EQ(text("::1"), "::1 9586");
    EXPECT_TRUE(text("0").starts_with("error: --metrics 0: the port must be from 1 to 65535"));
    EXPECT_TRUE(text("65536").starts_with("error: "));
    EXPECT_TRUE(text("999999").starts_with("error: "));
    EXPECT_TRUE(text("localhost:9586").starts_with("error: --metrics localhost:9586: expected"));
    for (const char* remote : {"0.0.0.0:9586", "192.0.2.1:9586", "[::]:9586", "[2001:db8::1]:1"}) {
        EXPECT_TRUE(contains(text(remote), "is not a loopback address")) << text(remote);
        EXPECT_TRUE(contains(text(remote), "--metrics-allow-remote")) << text(remote);
    }
    EXPECT_EQ(text("0.0.0.0:9586", true), "0.0.0.0 9586");
    EXPECT_EQ(text("[2001:db8::1]:1", true), "2001:db8::1 1");
}

// A blocking TCP client of the server under test.
class Connection {
  public:
    explicit Connection(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ =
            ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
    }
    ~Connection() { close(); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    [[nodiscard]] bool connected() const { return connected_; }
    void close() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    void send(std::string_view bytes) const {
        (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    }
    // Everything up to the server's close, without waiting: nullopt while it is still open.
    std::optional<std::string> closed_with() {
        std::array<char, 4096> chunk{};
        for (;;) {
            const ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), MSG_DONTWAIT);
            if (n > 0) {
                received_.append(chunk.data(), static_cast<std::size_t>(n));
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                return received_;  // closed (or reset)
            }
            return std::nullopt;
        }
    }

  private:
    int fd_ = -1;
    bool connected_ = false;
    std::string received_;
};

class MetricsServerTest : public ::testing::Test {
  protected:
    void start(MetricsServer::Options options) {
        options.endpoint = {boost::asio::ip::address_v4::loopback(), 0};
        server_ = std::make_unique<MetricsServer>(
            io_, options,
            [this] {
                ++renders_;
                return std::string("x_up 1\n");
            },
            std::make_shared<spdlog::logger>("test",
                                             std::make_shared<spdlog::sinks::null_sink_mt>()));
        server_->start();
        port_ = server_->local_endpoint().port();
    }

    // Runs the loop until the connection is closed; its bytes, or "(still open)".
    std::string reply_of(Connection& connection, std::chrono::milliseconds limit = 3s) {
        std::optional<std::string> reply;
        (void)run_until(
            io_, [&] { return (reply = connection.closed_with()).has_value(); }, limit);
        return reply.value_or("(still open)");
    }

    boost::asio::io_context io_;
    std::unique_ptr<MetricsServer> server_;
    std::uint16_t port_ = 0;
    int renders_ = 0;
};

TEST_F(MetricsServerTest, AScrapeGetsTheMetricsAndTheConnectionIsClosed) {
    start({});
    Connection scrape(port_);
    ASSERT_TRUE(scrape.connected());
    scrape.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string reply = reply_of(scrape);
    EXPECT_EQ(status_of(reply), "HTTP/1.1 200 OK");
    EXPECT_TRUE(reply.ends_with("x_up 1\n"));
    EXPECT_EQ(server_->connection_count(), 1U);  // until the client closes its side too
    scrape.close();
    EXPECT_TRUE(run_until(
        io_, [&] { return server_->connection_count() == 0; }, 1s));
}

TEST_F(MetricsServerTest, AHeadOverTheLimitIsRefusedAndTheServerCarriesOn) {
    start({});
    Connection big(port_);
    big.send("GET /metrics HTTP/1.1\r\n");
    big.send("X-Filler: " + std::string(MetricsServer::kMaxHeadBytes, 'a') + "\r\n");
    const std::string reply = reply_of(big);
    EXPECT_EQ(status_of(reply), "HTTP/1.1 431 Request Header Fields Too Large") << reply;
    EXPECT_TRUE(contains(reply, "limited to 8192 bytes"));
    EXPECT_EQ(renders_, 0);

    Connection next(port_);
    next.send("GET /metrics HTTP/1.1\r\n\r\n");
    EXPECT_EQ(status_of(reply_of(next)), "HTTP/1.1 200 OK");
}

TEST_F(MetricsServerTest, ARequestWithABodyOrAnotherMethodIsRefused) {
    start({});
    Connection post(port_);
    post.send("POST /metrics HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd");
    EXPECT_EQ(status_of(reply_of(post)), "HTTP/1.1 400 Bad Request");
    Connection put(port_);
    put.send("PUT /metrics HTTP/1.1\r\n\r\n");
    EXPECT_EQ(status_of(reply_of(put)), "HTTP/1.1 405 Method Not Allowed");
    Connection elsewhere(port_);
    elsewhere.send("GET /debug HTTP/1.1\r\n\r\n");
    EXPECT_EQ(status_of(reply_of(elsewhere)), "HTTP/1.1 404 Not Found");
    EXPECT_EQ(renders_, 0);
}

TEST_F(MetricsServerTest, ASlowClientIsClosedAtTheDeadlineWhileOthersAreServed) {
    MetricsServer::Options options;
    options.deadline = 300ms;
    start(options);
    Connection slow(port_);
    slow.send("GET /metrics HTTP/1.1\r\n");  // and never the rest
    Connection idle(port_);                  // says nothing at all

    Connection scrape(port_);
    scrape.send("GET /metrics HTTP/1.1\r\n\r\n");
    EXPECT_EQ(status_of(reply_of(scrape)), "HTTP/1.1 200 OK");

    // Trickling keeps nothing open past the deadline, which counts from the connection.
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    std::optional<std::string> slow_reply;
    while (!(slow_reply = slow.closed_with()) && std::chrono::steady_clock::now() < deadline) {
        slow.send("X");
        io_.restart();
        io_.run_for(20ms);
    }
    ASSERT_TRUE(slow_reply.has_value()) << "a client trickling bytes is still connected";
    EXPECT_EQ(*slow_reply, "");  // closed without an answer
    EXPECT_EQ(reply_of(idle), "");
    EXPECT_TRUE(run_until(io_, [&] { return server_->connection_count() == 0; }));
    EXPECT_EQ(renders_, 1);
}

TEST_F(MetricsServerTest, ConnectionsPastTheLimitAreClosedAndTheFirstOnesAreServed) {
    MetricsServer::Options options;
    options.max_connections = 2;
    start(options);
    Connection first(port_);
    Connection second(port_);
    ASSERT_TRUE(run_until(io_, [&] { return server_->connection_count() == 2; }));
    Connection third(port_);
    EXPECT_EQ(reply_of(third), "");  // closed unread
    EXPECT_EQ(server_->connection_count(), 2U);

    first.send("GET /metrics HTTP/1.1\r\n\r\n");
    EXPECT_EQ(status_of(reply_of(first)), "HTTP/1.1 200 OK");
    first.close();
    ASSERT_TRUE(run_until(io_, [&] { return server_->connection_count() == 1; }));
    Connection fourth(port_);
    fourth.send("GET /metrics HTTP/1.1\r\n\r\n");
    EXPECT_EQ(status_of(reply_of(fourth)), "HTTP/1.1 200 OK");
}

TEST_F(MetricsServerTest, AnAddressInUseIsReportedWithTheAddress) {
    start({});
    MetricsServer::Options options;
    options.endpoint = {boost::asio::ip::address_v4::loopback(), port_};
    MetricsServer second(
        io_, options, [] { return std::string(); },
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>()));
    try {
        second.start();
        ADD_FAILURE() << "a second server on the same port started";
    } catch (const std::system_error& error) {
        EXPECT_TRUE(
            contains(error.what(), "metrics: cannot listen on 127.0.0.1:" + std::to_string(port_)))
            << error.what();
    }
}

}  // namespace
}  // namespace tulle::daemon
