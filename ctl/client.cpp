#include "ctl/client.hpp"

#include <array>
#include <cerrno>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <system_error>
#include <unistd.h>
#include <variant>

#include "ipc/messages.hpp"
#include "ipc/methods.hpp"
#include "ipc/protocol.hpp"

namespace tulle::ctl {
namespace {

constexpr std::size_t kReadChunk = 64U << 10U;

value::Unexpected<ClientError> failure(ClientError::Kind kind, std::string_view method,
                                       std::string message,
                                       ipc::ErrorCode code = ipc::ErrorCode::internal_error) {
    return value::Unexpected<ClientError>{
        ClientError{kind, std::string(method), std::move(message), code}};
}

std::string errno_text(int error) {
    return std::generic_category().message(error);
}

std::string duration_text(std::chrono::milliseconds timeout) {
    constexpr std::int64_t kMsPerSecond = 1000;
    const std::int64_t ms = timeout.count();
    return ms % kMsPerSecond == 0 ? std::to_string(ms / kMsPerSecond) + " s"
                                  : std::to_string(ms) + " ms";
}

}  // namespace

Client::Client(value::UniqueFd socket, std::string path, std::chrono::milliseconds timeout)
    : socket_(std::move(socket)),
      path_(std::move(path)),
      timeout_(timeout),
      framer_(ipc::kMaxMessageSize) {}

Outcome<Client> Client::connect(const std::string& path, const std::string& client_name,
                                std::chrono::milliseconds timeout) {
    const auto unreachable = [&path](const std::string& why) {
        return failure(ClientError::Kind::unreachable, "",
                       "cannot connect to " + path + ": " + why);
    };
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(address.sun_path)) {
        return unreachable("a socket path has 1 to " +
                           std::to_string(sizeof(address.sun_path) - 1) + " bytes");
    }
    path.copy(static_cast<char*>(address.sun_path), path.size());
    value::UniqueFd socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (socket.get() < 0) {
        return unreachable(errno_text(errno));
    }
    // A send timeout bounds connect() too (the listen queue of a stuck daemon may be full) and
    // every write, so no call can hang on a daemon that stopped reading.
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
    timeval limit{};
    limit.tv_sec = static_cast<time_t>(seconds.count());
    limit.tv_usec = static_cast<suseconds_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(timeout - seconds).count());
    if (::setsockopt(socket.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit)) != 0) {
        return unreachable(errno_text(errno));
    }
    if (::connect(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) !=
        0) {
        return unreachable(errno_text(errno));
    }
    return over(std::move(socket), path, client_name, timeout);
}

Outcome<Client> Client::over(value::UniqueFd socket, std::string path,
                             const std::string& client_name, std::chrono::milliseconds timeout) {
    Client client(std::move(socket), std::move(path), timeout);
    if (auto greeted = client.hello(client_name); !greeted.ok()) {
        return value::Unexpected<ClientError>{greeted.error()};
    }
    return client;
}

Outcome<void> Client::hello(const std::string& client_name) {
    auto hello = call<ipc::HelloMethod>(ipc::HelloParams{ipc::kProtocolVersion, client_name});
    if (!hello.ok()) {
        return value::Unexpected<ClientError>{hello.error()};
    }
    hello_ = std::move(hello).value();
    const std::string method(ipc::HelloMethod::name);
    // tulled refuses an older major version itself; a newer client checks the other way.
    if (auto mismatch = ipc::version_mismatch(ipc::kProtocolVersion, hello_.version);
        !mismatch.empty()) {
        return failure(ClientError::Kind::version_mismatch, method, mismatch,
                       ipc::ErrorCode::version_mismatch);
    }
    return {};
}

Outcome<ipc::Json> Client::call(std::string_view method, const ipc::Json& params) {
    const std::int64_t id = next_id_++;
    std::string line = ipc::encode(ipc::Request{id, std::string(method), params});
    if (line.size() > ipc::kMaxMessageSize) {
        const std::size_t size = line.size();
        wipe(line);
        return failure(ClientError::Kind::refused, method,
                       "the request has " + std::to_string(size) + " bytes; tulled takes at most " +
                           std::to_string(ipc::kMaxMessageSize),
                       ipc::ErrorCode::message_too_large);
    }
    auto sent = send(method, line);
    // The line may carry a preshared key or a whole config with its private key.
    wipe(line);
    if (!sent.ok()) {
        return value::Unexpected<ClientError>{sent.error()};
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    for (;;) {
        auto next = read_message(method, deadline);
        if (!next.ok()) {
            return value::Unexpected<ClientError>{next.error()};
        }
        auto& message = *next;
        if (auto* request = std::get_if<ipc::Request>(&message)) {
            if (request->is_notification() && on_event_) {
                on_event_(*request);
            }
            continue;
        }
        auto& response = std::get<ipc::Response>(message);
        // A null id answers a call whose id tulled could not read: with one call at a time, ours.
        if (!response.id.is_null() && response.id != id) {
            continue;
        }
        if (!response.outcome.ok()) {
            const auto& error = response.outcome.error();
            const auto kind = error.code == ipc::ErrorCode::version_mismatch
                                  ? ClientError::Kind::version_mismatch
                                  : ClientError::Kind::refused;
            return failure(kind, method, error.message, error.code);
        }
        return std::move(response.outcome).value();
    }
}

Outcome<ipc::Message> Client::read_message(
    std::string_view method, std::optional<std::chrono::steady_clock::time_point> deadline) {
    auto next = read_line(method, deadline);
    if (!next.ok()) {
        return value::Unexpected<ClientError>{next.error()};
    }
    auto decoded = ipc::decode(*next);
    if (const auto* bad = std::get_if<ipc::DecodeFailure>(&decoded)) {
        return failure(ClientError::Kind::bad_reply, method,
                       "tulled sent a message tullectl cannot read: " + bad->error.message);
    }
    return std::move(std::get<ipc::Message>(decoded));
}

Outcome<ipc::Request> Client::next_event() {
    const std::string_view method = "waiting for events";
    for (;;) {
        auto next = read_message(method, std::nullopt);
        if (!next.ok()) {
            return value::Unexpected<ClientError>{next.error()};
        }
        if (auto* request = std::get_if<ipc::Request>(&*next);
            request != nullptr && request->is_notification()) {
            return std::move(*request);
        }
    }
}

Outcome<void> Client::send(std::string_view method, const std::string& line) {
    std::size_t sent = 0;
    while (sent < line.size()) {
        const ssize_t n =
            ::send(socket_.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const int error = errno;
            const std::string why =
                error == EAGAIN || error == EWOULDBLOCK
                    ? "tulled did not take the request within " + duration_text(timeout_)
                    : errno_text(error);
            return failure(ClientError::Kind::unreachable, method,
                           "sending " + std::string(method) + " to " + path_ + ": " + why);
        }
        sent += static_cast<std::size_t>(n);
    }
    return {};
}

Outcome<std::string> Client::read_line(
    std::string_view method, std::optional<std::chrono::steady_clock::time_point> deadline) {
    std::array<char, kReadChunk> buffer{};
    for (;;) {
        if (auto line = framer_.next()) {
            return std::move(*line);
        }
        int wait_ms = -1;
        if (deadline) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(
                *deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                return failure(ClientError::Kind::unreachable, method,
                               "tulled at " + path_ + " did not answer " + std::string(method) +
                                   " within " + duration_text(timeout_));
            }
            wait_ms = static_cast<int>(left.count());
        }
        pollfd ready{socket_.get(), POLLIN, 0};
        const int polled = ::poll(&ready, 1, wait_ms);
        if (polled < 0 && errno != EINTR) {
            return failure(ClientError::Kind::unreachable, method,
                           "reading from " + path_ + ": " + errno_text(errno));
        }
        if (polled <= 0) {
            continue;  // interrupted or timed out: the deadline check above decides
        }
        const ssize_t n = ::recv(socket_.get(), buffer.data(), buffer.size(), 0);
        if (n == 0) {
            return failure(ClientError::Kind::unreachable, method,
                           "tulled at " + path_ + " closed the connection");
        }
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            return failure(ClientError::Kind::unreachable, method,
                           "reading from " + path_ + ": " + errno_text(errno));
        }
        if (!framer_.feed({buffer.data(), static_cast<std::size_t>(n)})) {
            return failure(ClientError::Kind::bad_reply, method,
                           "tulled sent a message larger than " +
                               std::to_string(ipc::kMaxMessageSize) + " bytes");
        }
    }
}

void wipe(std::string& text) noexcept {
    value::secure_zero({reinterpret_cast<std::uint8_t*>(text.data()), text.size()});
}

void wipe_strings(ipc::Json& json) noexcept {
    if (json.is_string()) {
        wipe(json.get_ref<std::string&>());
        return;
    }
    if (json.is_array() || json.is_object()) {
        for (auto& item : json) {
            wipe_strings(item);
        }
    }
}

Outcome<ipc::StatsHistory> stats_history(Client& client, ipc::StatsQuery query) {
    query.limit = ipc::kMaxHistoryPage;
    ipc::StatsHistory gathered;
    for (;;) {
        auto page = client.call<ipc::StatsHistoryMethod>(query);
        if (!page.ok()) {
            return value::Unexpected<ClientError>{page.error()};
        }
        auto next = ipc::gather_page(query, std::move(page).value(), gathered);
        if (!next.ok()) {
            return value::Unexpected<ClientError>{ClientError{
                ClientError::Kind::bad_reply, std::string(ipc::StatsHistoryMethod::name),
                next.error().message, ipc::ErrorCode::internal_error}};
        }
        if (!*next) {
            return gathered;
        }
        query = std::move(**next);
    }
}

}  // namespace tulle::ctl
