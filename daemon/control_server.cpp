#include "daemon/control_server.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <deque>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <boost/asio/write.hpp>

#include "daemon/local_socket.hpp"
#include "ipc/framing.hpp"
#include "ipc/methods.hpp"

namespace tulle::daemon {
namespace {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

constexpr std::size_t kReadChunk = 16384;

ipc::Response failure(const ipc::Json& id, ipc::ErrorCode code, std::string message) {
    return ipc::Response{id, ipc::refuse(code, std::move(message))};
}

}  // namespace

class ControlServer::Session : public std::enable_shared_from_this<Session> {
  public:
    using Clock = std::chrono::steady_clock;

    Session(ControlServer& server, stream::socket socket, ControlClient client)
        : server_(server),
          socket_(std::move(socket)),
          client_(std::move(client)),
          framer_(ipc::kMaxMessageSize),
          deadline_(server.io_) {}

    // Serves an admitted client: it has hello_timeout to say daemon.hello.
    void start() {
        admitted_ = true;
        hello_due_ = Clock::now() + server_.options_.hello_timeout;
        arm();
        read();
    }

    // Queues one line; drops the client when it does not read what it is sent.
    void send(std::string line) {
        if (closed_) {
            return;
        }
        if (queued_bytes_ + line.size() > server_.options_.max_queued_bytes) {
            server_.log_->warn("control: client {} (uid {}) reads too slowly; dropped", client_.id,
                               client_.peer.uid);
            close();
            return;
        }
        queued_bytes_ += line.size();
        queue_.push_back(std::move(line));
        if (queue_.size() == 1) {
            write_next();
        }
        account();
    }

    // Sends `line` and closes once it is written.
    void send_and_close(std::string line) {
        close_after_write_ = true;
        send(std::move(line));
    }

    void close() {
        if (closed_) {
            return;
        }
        closed_ = true;
        boost::system::error_code ignored;
        deadline_.cancel();
        socket_.shutdown(stream::socket::shutdown_both, ignored);
        socket_.close(ignored);
        // What the client held goes now; only a line being written waits for its handler.
        while (queue_.size() > 1) {
            queue_.pop_back();
        }
        queue_.shrink_to_fit();
        queued_bytes_ = 0;
        framer_ = ipc::LineFramer(ipc::kMaxMessageSize);
        account();
        // The server lets go of us later, not from inside our own handler.
        asio::post(server_.io_, [self = shared_from_this()] { self->server_.closed(self.get()); });
    }

    [[nodiscard]] ControlClient& client() { return client_; }
    [[nodiscard]] bool admitted() const { return admitted_ && !closed_; }
    [[nodiscard]] bool is_closed() const { return closed_; }
    // Bytes this client holds: unread replies and events, its unfinished line.
    [[nodiscard]] std::size_t held() const { return held_; }

  private:
    void read() {
        socket_.async_read_some(
            asio::buffer(chunk_),
            [self = shared_from_this()](const boost::system::error_code& error, std::size_t n) {
                if (error) {
                    self->close();
                    return;
                }
                self->received(n);
            });
    }

    void received(std::size_t n) {
        if (closed_ || close_after_write_) {
            return;  // saying goodbye: nothing more is read
        }
        const bool had_partial_line = framer_.buffered() > 0;
        if (!framer_.feed({chunk_.data(), n})) {
            send_and_close(ipc::encode(failure(nullptr, ipc::ErrorCode::message_too_large,
                                               "a message is longer than " +
                                                   std::to_string(ipc::kMaxMessageSize) +
                                                   " bytes; closing the connection")));
            return;
        }
        account();
        bool finished_a_line = false;
        while (auto line = framer_.next()) {
            finished_a_line = true;
            handle(*line);
            if (closed_ || close_after_write_) {
                return;
            }
        }
        framer_.compact();
        account();
        if (framer_.buffered() == 0) {
            line_due_.reset();
        } else if (!had_partial_line || finished_a_line) {
            line_due_ = Clock::now() + server_.options_.line_timeout;  // a new line began
        }
        arm();
        read();
    }

    void handle(const std::string& line) {
        if (line.empty()) {
            return;
        }
        auto decoded = ipc::decode(line);
        if (auto* bad = std::get_if<ipc::DecodeFailure>(&decoded)) {
            send(ipc::encode(ipc::Response{bad->id, ipc::refuse(bad->error)}));
            return;
        }
        auto* request = std::get_if<ipc::Request>(&std::get<ipc::Message>(decoded));
        if (request == nullptr || request->is_notification()) {
            return;  // clients have nothing to answer and no notifications to give
        }
        if (request->method == ipc::HelloMethod::name) {
            hello(*request);
            return;
        }
        if (!greeted_) {
            send(ipc::encode(
                failure(request->id, ipc::ErrorCode::invalid_request, "call daemon.hello first")));
            return;
        }
        send(ipc::encode_reply(server_.handler_(client_, *request), request->method));
    }

    void hello(const ipc::Request& request) {
        auto params = ipc::read(request.params, ipc::As<ipc::HelloMethod::Params>{});
        if (!params.ok()) {
            send(ipc::encode(ipc::Response{request.id, ipc::refuse(params.error())}));
            return;
        }
        const auto& hello = *params;
        if (auto mismatch = ipc::version_mismatch(hello.version, ipc::kProtocolVersion);
            !mismatch.empty()) {
            server_.log_->info("control: refused {}: {}", value::quote(hello.client.substr(0, 64)),
                               mismatch);
            send(ipc::encode(failure(request.id, ipc::ErrorCode::version_mismatch, mismatch)));
            return;
        }
        greeted_ = true;
        client_.name = hello.client.substr(0, 64);
        ipc::HelloMethod::Result result;
        result.daemon = ipc::version_text("tulled");
        send(ipc::encode(ipc::Response{request.id, ipc::to_json(result)}));
    }

    // Sets the timer to the earliest deadline that applies: daemon.hello until it is said, the
    // end of an unfinished line.
    void arm() {
        std::optional<Clock::time_point> due;
        if (!greeted_) {
            due = hello_due_;
        }
        if (line_due_ && (!due || *line_due_ < *due)) {
            due = line_due_;
        }
        if (due == armed_) {
            return;
        }
        armed_ = due;
        if (!due) {
            deadline_.cancel();
            return;
        }
        deadline_.expires_at(*due);
        deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
            if (!error) {
                self->deadline_passed();
            }
        });
    }

    void deadline_passed() {
        if (closed_) {
            return;
        }
        if (close_after_write_) {
            close();  // the goodbye was not read in time either
            return;
        }
        armed_.reset();
        const auto now = Clock::now();
        if (!greeted_ && now >= hello_due_) {
            time_out("no daemon.hello within " + seconds(server_.options_.hello_timeout) +
                     " of connecting");
        } else if (line_due_ && now >= *line_due_) {
            time_out("a line was not finished (with a newline) within " +
                     seconds(server_.options_.line_timeout) + " of its first byte");
        } else {
            arm();
        }
    }

    void time_out(const std::string& reason) {
        server_.log_->info("control: client {} (uid {} pid {}): {}; closing the connection",
                           client_.id, client_.peer.uid, client_.peer.pid, reason);
        if (!queue_.empty()) {
            close();  // it does not read what it was sent: a goodbye would wait there too
            return;
        }
        send_and_close(ipc::encode(failure(nullptr, ipc::ErrorCode::invalid_request,
                                           reason + "; closing the connection")));
        // The goodbye gets as long as a line does to be taken.
        armed_.reset();
        deadline_.expires_after(server_.options_.line_timeout);
        deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
            if (!error) {
                self->deadline_passed();
            }
        });
    }

    static std::string seconds(std::chrono::milliseconds span) {
        const auto ms = span.count();
        if (ms % 1000 == 0) {
            return std::to_string(ms / 1000) + " s";
        }
        return std::to_string(ms) + " ms";
    }

    // Tells the server what this client holds now.
    void account() {
        const std::size_t now = closed_ ? 0 : framer_.memory() + queued_bytes_;
        if (now == held_) {
            return;
        }
        const std::size_t before = held_;
        held_ = now;
        server_.held_changed(before, now);
    }

    void write_next() {
        asio::async_write(socket_, asio::buffer(queue_.front()),
                          [self = shared_from_this()](const boost::system::error_code& error,
                                                      std::size_t /*n*/) { self->written(error); });
    }

    void written(const boost::system::error_code& error) {
        if (error || closed_) {
            close();
            return;
        }
        queued_bytes_ -= queue_.front().size();
        queue_.pop_front();
        account();
        if (!queue_.empty()) {
            write_next();
        } else if (close_after_write_) {
            close();
        }
    }

    ControlServer& server_;
    stream::socket socket_;
    ControlClient client_;
    ipc::LineFramer framer_;
    std::array<char, kReadChunk> chunk_{};
    std::deque<std::string> queue_;
    std::size_t queued_bytes_ = 0;
    std::size_t held_ = 0;  // as last told to the server
    asio::steady_timer deadline_;
    Clock::time_point hello_due_{};
    std::optional<Clock::time_point> line_due_;  // set while a line is unfinished
    std::optional<Clock::time_point> armed_;     // what deadline_ waits for
    bool admitted_ = false;
    bool greeted_ = false;
    bool closed_ = false;
    bool close_after_write_ = false;
};

ControlServer::ControlServer(asio::io_context& io, Options options, Handler handler,
                             std::shared_ptr<spdlog::logger> log)
    : io_(io),
      options_(std::move(options)),
      handler_(std::move(handler)),
      log_(std::move(log)),
      acceptor_(io),
      retry_accept_(io) {}

ControlServer::~ControlServer() {
    stop();
}

void ControlServer::start() {
    const std::string& path = options_.path;
    const std::string directory = path.substr(0, path.rfind('/'));
    bool made_directory = false;
    if (!directory.empty()) {
        if (::mkdir(directory.c_str(), 0750) == 0) {
            made_directory = true;
        } else if (errno != EEXIST) {
            throw std::system_error(errno, std::generic_category(), "create " + directory);
        }
    }
    bind_local_socket(io_, acceptor_, path, "tulled");
    bound_ = true;
    if (options_.group) {
        if (made_directory) {  // a folder tulled did not make is left as its owner set it
            platform::set_group_and_mode(directory, *options_.group, 0750);
        }
        platform::set_group_and_mode(path, *options_.group, 0660);
    }
    acceptor_.listen();
    accept();
}

void ControlServer::stop() {
    if (!bound_) {
        return;
    }
    bound_ = false;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_accept_.cancel();
    ::unlink(options_.path.c_str());
    for (auto& session : sessions_) {
        session->close();
    }
}

bool ControlServer::allowed(const platform::LocalPeer& peer) const {
    return peer.uid == 0 || (options_.group && peer.in_group(*options_.group));
}

std::optional<ControlServer::Refusal> ControlServer::refusal_for(
    const platform::LocalPeer& peer) const {
    if (!allowed(peer)) {
        return Refusal{ipc::ErrorCode::permission_denied,
                       "permission denied: uid " + std::to_string(peer.uid) +
                           " is neither root nor in group tulle"};
    }
    std::size_t clients = 0;
    std::size_t theirs = 0;
    for (const auto& session : sessions_) {
        if (session->admitted()) {
            ++clients;
            theirs += session->client().peer.uid == peer.uid ? 1 : 0;
        }
    }
    const std::size_t most = options_.max_clients;
    if (peer.uid == 0) {
        if (clients >= most) {
            return Refusal{ipc::ErrorCode::busy,
                           "too many clients (" + std::to_string(most) + "); try again later"};
        }
        return std::nullopt;
    }
    if (theirs >= options_.max_clients_per_user) {
        return Refusal{ipc::ErrorCode::busy, "too many connections from uid " +
                                                 std::to_string(peer.uid) + " (" +
                                                 std::to_string(options_.max_clients_per_user) +
                                                 " per user at most); close one and try again"};
    }
    const std::size_t reserve = std::min(options_.reserved_for_root, most);
    if (clients >= most - reserve) {
        return Refusal{ipc::ErrorCode::busy, "too many clients (" + std::to_string(most - reserve) +
                                                 " at most besides the " + std::to_string(reserve) +
                                                 " kept for root); try again later"};
    }
    return std::nullopt;
}

void ControlServer::accept() {
    acceptor_.async_accept([this](const boost::system::error_code& error, stream::socket socket) {
        if (error == boost::asio::error::operation_aborted || !bound_) {
            return;  // closed
        }
        if (error) {
            // Out of file descriptors, say: keep the door, try again in a moment.
            log_->warn("control: accept failed: {}", error.message());
            retry_accept_.expires_after(std::chrono::milliseconds(200));
            retry_accept_.async_wait([this](const boost::system::error_code& e) {
                if (!e && bound_) {
                    accept();
                }
            });
            return;
        }
        ControlClient client;
        client.id = next_id_++;
        std::optional<Refusal> refusal;
        try {
            client.peer = platform::local_peer_of(socket.native_handle());
            refusal = refusal_for(client.peer);
        } catch (const std::system_error& failure_to_read) {
            refusal = Refusal{ipc::ErrorCode::permission_denied,
                              std::string("cannot tell who is calling: ") + failure_to_read.what()};
        }
        auto session = std::make_shared<Session>(*this, std::move(socket), std::move(client));
        sessions_.push_back(session);
        if (refusal) {
            log_->info("control: refused uid {} pid {}: {}", session->client().peer.uid,
                       session->client().peer.pid, refusal->message);
            // Nothing the caller sent is read: one error and the door closes.
            session->send_and_close(ipc::encode(failure(nullptr, refusal->code, refusal->message)));
        } else {
            session->start();
        }
        accept();
    });
}

void ControlServer::closed(Session* session) {
    sessions_.remove_if([session](const auto& s) { return s.get() == session; });
}

void ControlServer::held_changed(std::size_t before, std::size_t now) {
    held_ -= before;
    held_ += now;
    high_water_ = std::max(high_water_, held_);
    if (now < before) {
        return_memory_if_worth_it();
        return;
    }
    if (enforcing_ || held_ <= options_.memory_budget) {
        return;
    }
    // Over the budget: drop the client that holds the most, root's clients last.
    enforcing_ = true;
    while (held_ > options_.memory_budget) {
        Session* victim = nullptr;
        for (const auto& session : sessions_) {
            if (session->is_closed() || session->held() == 0) {
                continue;
            }
            if (victim == nullptr) {
                victim = session.get();
                continue;
            }
            const bool root = session->client().peer.uid == 0;
            const bool victim_root = victim->client().peer.uid == 0;
            if (root != victim_root ? victim_root : session->held() > victim->held()) {
                victim = session.get();
            }
        }
        if (victim == nullptr) {
            break;
        }
        log_->warn(
            "control: clients hold {} bytes, over the budget of {}; dropped client {} (uid {} "
            "pid {}), which held {} (unread replies and events, unfinished lines)",
            held_, options_.memory_budget, victim->client().id, victim->client().peer.uid,
            victim->client().peer.pid, victim->held());
        victim->close();
    }
    enforcing_ = false;
}

void ControlServer::return_memory_if_worth_it() {
    constexpr std::size_t kWorthIt = 1U << 20U;
    if (!options_.return_memory || return_pending_ || high_water_ - held_ < kWorthIt ||
        held_ > high_water_ / 2) {
        return;
    }
    // After the handlers already queued, so the sessions that went are destroyed by then.
    return_pending_ = true;
    asio::post(io_, [this] {
        return_pending_ = false;
        high_water_ = held_;
        options_.return_memory();
    });
}

void ControlServer::publish(ipc::Topic topic, const ipc::Request& event) {
    std::string line;
    for (auto& session : sessions_) {
        if ((session->client().topics & static_cast<unsigned>(topic)) == 0) {
            continue;
        }
        if (line.empty()) {
            line = ipc::encode(event);
            if (line.size() > ipc::kMaxMessageSize) {
                // No client could read it (its reader would give up the connection). Once a
                // minute at most for a stats event that stays too large.
                if (oversized_events_++ % 60 == 0) {
                    log_->warn(
                        "control: a {} event of {} bytes passes the message limit of {}; "
                        "not sent ({} so far)",
                        event.method, line.size(), ipc::kMaxMessageSize, oversized_events_);
                }
                return;
            }
        }
        session->send(line);
    }
}

}  // namespace tulle::daemon
