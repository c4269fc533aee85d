// A blocking client of tulled's control socket: connects, says daemon.hello, then makes one call
// at a time and waits for its reply, handing events that arrive meanwhile to a callback. Every
// failure says what the user can do about it (ClientError::Kind maps to tullectl's exit codes).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "ipc/framing.hpp"
#include "ipc/jsonrpc.hpp"
#include "ipc/methods.hpp"
#include "value/result.hpp"
#include "value/unique_fd.hpp"

namespace tulle::ctl {

struct ClientError {
    enum class Kind : std::uint8_t {
        unreachable,       // no connection, it broke, or no answer in time
        version_mismatch,  // tulled and this client cannot talk; the message names who to update
        refused,           // tulled answered the call with an error
        bad_reply,         // tulled answered with something this client cannot read
    };
    Kind kind = Kind::unreachable;
    std::string method;   // the call that failed; empty for the connection itself
    std::string message;  // for people, without a "tullectl:" prefix
    ipc::ErrorCode code = ipc::ErrorCode::internal_error;  // of a refusal
};

template <typename T>
using Outcome = value::Result<T, ClientError>;

// Overwrites every string inside `json` with zeros (params that carried a key or a config).
void wipe_strings(ipc::Json& json) noexcept;
void wipe(std::string& text) noexcept;

class Client {
  public:
    using EventHandler = std::function<void(const ipc::Request&)>;

    // How long a call waits for its reply (and connect() for the socket and the hello).
    static constexpr std::chrono::milliseconds kCallTimeout{10'000};

    // Connects to the Unix socket at `path` and says hello as `client_name` ("tullectl 0.1.0").
    [[nodiscard]] static Outcome<Client> connect(const std::string& path,
                                                 const std::string& client_name,
                                                 std::chrono::milliseconds timeout = kCallTimeout);

    // Says hello over a connected stream socket (for tests: one end of a socketpair).
    [[nodiscard]] static Outcome<Client> over(value::UniqueFd socket, std::string path,
                                              const std::string& client_name,
                                              std::chrono::milliseconds timeout = kCallTimeout);

    // Calls method M of ipc/methods.hpp and waits up to the timeout for its typed result. The
    // encoded params are wiped after sending (they may carry a key or a whole config).
    template <typename M>
    [[nodiscard]] Outcome<typename M::Result> call(const typename M::Params& params) {
        if (auto why = ipc::unsupported<M>(hello_.version); !why.empty()) {
            return value::Unexpected<ClientError>{ClientError{ClientError::Kind::version_mismatch,
                                                              std::string(M::name), why,
                                                              ipc::ErrorCode::version_mismatch}};
        }
        ipc::Json json = ipc::to_json(params);
        auto result = call(M::name, json);
        wipe_strings(json);
        if (!result.ok()) {
            return value::Unexpected<ClientError>{result.error()};
        }
        auto decoded = ipc::read(*result, ipc::As<typename M::Result>{});
        if (!decoded.ok()) {
            return value::Unexpected<ClientError>{
                ClientError{ClientError::Kind::bad_reply, std::string(M::name),
                            "tulled sent a reply tullectl cannot read: " + decoded.error().message,
                            ipc::ErrorCode::internal_error}};
        }
        return std::move(decoded).value();
    }

    // The untyped call underneath: `method` with any params (tests send malformed ones).
    [[nodiscard]] Outcome<ipc::Json> call(std::string_view method, const ipc::Json& params);

    // Events (notifications) that arrive while a call waits go here; without a handler they are
    // skipped.
    void on_event(EventHandler handler) { on_event_ = std::move(handler); }

    // Waits with no time limit for the next event (follow mode). Fails as `unreachable` when
    // tulled closes the connection.
    [[nodiscard]] Outcome<ipc::Request> next_event();

    // What tulled said of itself in its hello ("tulled 0.1.0").
    [[nodiscard]] const ipc::HelloResult& daemon() const { return hello_; }
    [[nodiscard]] const std::string& path() const { return path_; }

    void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

  private:
    Client(value::UniqueFd socket, std::string path, std::chrono::milliseconds timeout);

    [[nodiscard]] Outcome<void> hello(const std::string& client_name);
    [[nodiscard]] Outcome<void> send(std::string_view method, const std::string& line);
    // The next line, waiting until `deadline` (none: forever).
    [[nodiscard]] Outcome<std::string> read_line(
        std::string_view method, std::optional<std::chrono::steady_clock::time_point> deadline);
    // The next line, decoded.
    [[nodiscard]] Outcome<ipc::Message> read_message(
        std::string_view method, std::optional<std::chrono::steady_clock::time_point> deadline);

    value::UniqueFd socket_;
    std::string path_;
    std::chrono::milliseconds timeout_;
    ipc::LineFramer framer_;
    std::int64_t next_id_ = 1;
    EventHandler on_event_;
    ipc::HelloResult hello_;
};

// Every peer's history of a stats.history query, a page at a time (pages of
// ipc::kMaxHistoryPage peers, fewer when their samples would pass ipc::kPageBytes); an older
// tulled, which ignores the paging fields, answers all peers at once.
[[nodiscard]] Outcome<ipc::StatsHistory> stats_history(Client& client, ipc::StatsQuery query);

}  // namespace tulle::ctl
