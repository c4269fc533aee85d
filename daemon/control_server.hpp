// tulled's control socket (/run/tulle/tulled.sock): accepts local clients, lets in only root and
// members of group `tulle` (kernel-recorded credentials, checked before anything is read), frames
// JSON-RPC lines (1 MiB each at most), insists on daemon.hello first, hands every call to the
// service and fans events out to subscribers. Nothing one client does stalls another or locks
// root out:
//   - connections: at most 32 per user other than root, and the last 16 of the 256 places are
//     root's alone;
//   - time: daemon.hello within 10 s of connecting, and every line complete within 10 s of its
//     first byte, or the connection is closed;
//   - memory: a client whose unread replies and events pass 8 MiB is dropped, and when all
//     clients together hold more than 64 MiB (unread output and unfinished lines) the one that
//     holds the most is dropped, root's clients last;
//   - what a client held is freed when it goes and handed back to the system (return_memory).
#pragma once

#include <chrono>
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
    // Of kMaxClients, the places only root may take: group members cannot lock root out.
    static constexpr std::size_t kReservedForRoot = 16;
    // Connections one user (uid) other than root may hold at once.
    static constexpr std::size_t kMaxClientsPerUser = 32;
    // Replies and events waiting for a slow reader; past this the client is dropped.
    static constexpr std::size_t kMaxQueuedBytes = 8U << 20U;
    // What all clients together may hold: unread replies and events, unfinished lines.
    static constexpr std::size_t kMemoryBudget = 64U << 20U;
    // From connecting to a successful daemon.hello.
    static constexpr std::chrono::milliseconds kHelloTimeout{10'000};
    // From the first byte of a line to its newline.
    static constexpr std::chrono::milliseconds kLineTimeout{10'000};

    struct Options {
        std::string path;
        std::optional<std::uint32_t> group;  // who besides root may connect; none: root only
        std::size_t max_queued_bytes = kMaxQueuedBytes;  // per client
        std::size_t max_clients = kMaxClients;
        std::size_t reserved_for_root = kReservedForRoot;
        std::size_t max_clients_per_user = kMaxClientsPerUser;
        std::size_t memory_budget = kMemoryBudget;
        std::chrono::milliseconds hello_timeout = kHelloTimeout;
        std::chrono::milliseconds line_timeout = kLineTimeout;
        // Called (on the loop) once clients that held at least 1 MiB between them have gone, to
        // hand the freed memory back to the system; tulled passes platform::return_free_memory.
        std::function<void()> return_memory;
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
    // Bytes all clients hold now: unread replies and events, unfinished lines.
    [[nodiscard]] std::size_t held_bytes() const { return held_; }
    [[nodiscard]] const std::string& path() const { return options_.path; }

  private:
    class Session;
    struct Refusal {
        ipc::ErrorCode code;
        std::string message;
    };

    void accept();
    [[nodiscard]] std::optional<Refusal> refusal_for(const platform::LocalPeer& peer) const;
    void closed(Session* session);
    [[nodiscard]] bool allowed(const platform::LocalPeer& peer) const;
    // A session's holding changed from `before` to `now`; drops clients past the budget.
    void held_changed(std::size_t before, std::size_t now);
    // Hands freed memory back to the system once clients let go of much of what they held.
    void return_memory_if_worth_it();

    boost::asio::io_context& io_;
    Options options_;
    Handler handler_;
    std::shared_ptr<spdlog::logger> log_;
    boost::asio::local::stream_protocol::acceptor acceptor_;
    boost::asio::steady_timer retry_accept_;
    std::list<std::shared_ptr<Session>> sessions_;
    std::uint64_t next_id_ = 1;
    std::size_t held_ = 0;        // sum of every session's holding
    std::size_t high_water_ = 0;  // the most held_ was since memory was last handed back
    bool return_pending_ = false;
    bool enforcing_ = false;
    std::uint64_t oversized_events_ = 0;
    bool bound_ = false;
};

}  // namespace tulle::daemon
