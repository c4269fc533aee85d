// tulled's control socket (/run/tulle/tulled.sock): accepts local clients, lets in only root and
// members of group `tulle` (kernel-recorded credentials, checked before anything is read), frames
// JSON-RPC lines (1 MiB each at most), insists on daemon.hello first, hands every call to the
// service and fans events out to subscribers. A client that lets its queue of unread replies
// and events grow past a bound is dropped; nothing one client does stalls another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/logger.h>

#include "ipc/jsonrpc.hpp"
#include "ipc/messages.hpp"
#include "platform/local_peer.hpp"

namespace tulle::daemon {

// What the service sees of a caller.
struct ControlClient {
    std::uint64_t id = 0;
    platform::LocalPeer peer;
    std::string name;     // from daemon.hello ("tullectl 0.1.0")
    unsigned topics = 0;  // subscribed ipc::Topic bits
};

class ControlServer {
  public:
    static constexpr std::size_t kMaxClients = 256;
    // Replies and events waiting for a slow reader; past this the client is dropped.
    static constexpr std::size_t kMaxQueuedBytes = 8U << 20U;

    struct Options {
        std::string path;
        std::optional<std::uint32_t> group;  // who besides root may connect; none: root only
        std::size_t max_queued_bytes = kMaxQueuedBytes;
    };

    // Answers one call (never daemon.hello, which the server answers itself).
    using Handler = std::function<ipc::Response(ControlClient&, const ipc::Request&)>;

    ControlServer(boost::asio::io_context& io, Options options, Handler handler,
                  std::shared_ptr<spdlog::logger> log);
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    // Binds the socket (mode 0660, owned by root and the group), replacing a stale one. Throws
    // std::system_error with EADDRINUSE when another tulled serves the path.
    void start();
    void stop();

    // Sends an event to every client subscribed to `topic`; one that would pass the message limit
    // (no client could read it) is not sent, and said so in the log now and then.
    void publish(ipc::Topic topic, const ipc::Request& event);

    [[nodiscard]] std::size_t client_count() const { return sessions_.size(); }
    [[nodiscard]] const std::string& path() const { return options_.path; }

  private:
    class Session;
    void accept();
    void closed(Session* session);
    [[nodiscard]] bool allowed(const platform::LocalPeer& peer) const;

    boost::asio::io_context& io_;
    Options options_;
    Handler handler_;
    std::shared_ptr<spdlog::logger> log_;
    boost::asio::local::stream_protocol::acceptor acceptor_;
    boost::asio::steady_timer retry_accept_;
    std::list<std::shared_ptr<Session>> sessions_;
    std::uint64_t next_id_ = 1;
    std::uint64_t oversized_events_ = 0;
    bool bound_ = false;
};

}  // namespace tulle::daemon
