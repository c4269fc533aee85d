// The Prometheus endpoint of tulled (--metrics): plain HTTP/1.1 on the daemon's io_context, only
// GET /metrics. It is a network listener of a root process, so it takes as little as it can:
//   - loopback unless the administrator allows another address (parse_metrics_address);
//   - a request head of at most 8 KiB, no body, one request per connection (closed after the
//     reply: tulled half-closes and discards what comes until the client closes);
//   - 5 s from accepting to the end of the reply, then the connection is closed;
//   - at most 4 connections at once; more are closed at once, so a few slow clients delay a
//     scrape by at most the deadline and never hold more than 4 x 8 KiB.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/logger.h>

#include "value/result.hpp"

namespace tulle::daemon {

// Where --metrics listens: "" (the option alone) is 127.0.0.1:9586; "PORT" or ":PORT" is
// 127.0.0.1:PORT; "ADDRESS" or "ADDRESS:PORT" ("[::1]:9586" for IPv6) as given. An address that
// is not loopback (0.0.0.0 and :: included) is refused unless allow_remote: the metrics name
// tunnels and peers' public keys, which nobody on the network should read by accident.
[[nodiscard]] value::Result<boost::asio::ip::tcp::endpoint> parse_metrics_address(
    std::string_view text, bool allow_remote);

// The whole reply to one complete request head (request line and header lines, without the
// empty line that ends them): 200 with render()'s text for GET /metrics, 400 for anything
// malformed or with a body, 405 for another method, 404 for another path. render is called only
// for a 200.
[[nodiscard]] std::string answer_metrics_request(std::string_view head,
                                                 const std::function<std::string()>& render);

class MetricsServer {
  public:
    static constexpr std::uint16_t kDefaultPort = 9586;
    static constexpr std::size_t kMaxHeadBytes = 8192;
    static constexpr std::chrono::milliseconds kDeadline{5000};
    static constexpr std::size_t kMaxConnections = 4;

    struct Options {
        boost::asio::ip::tcp::endpoint endpoint;
        std::size_t max_head_bytes = kMaxHeadBytes;
        std::chrono::milliseconds deadline = kDeadline;
        std::size_t max_connections = kMaxConnections;
    };
    using Render = std::function<std::string()>;

    MetricsServer(boost::asio::io_context& io, Options options, Render render,
                  std::shared_ptr<spdlog::logger> log);
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    // Listens and logs where. Throws std::system_error naming the address when it cannot.
    void start();
    void stop();

    // Where it listens (the port the system chose when asked for port 0).
    [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;
    [[nodiscard]] std::size_t connection_count() const { return sessions_.size(); }

  private:
    class Session;

    void accept();
    void closed(Session* session);

    boost::asio::io_context& io_;
    Options options_;
    Render render_;
    std::shared_ptr<spdlog::logger> log_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_accept_;
    std::list<std::shared_ptr<Session>> sessions_;
    std::uint64_t turned_away_ = 0;
};

}  // namespace tulle::daemon
