#include "daemon/control_server.hpp"

#include <array>
#include <cerrno>
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
    Session(ControlServer& server, stream::socket socket, ControlClient client)
        : server_(server),
          socket_(std::move(socket)),
          client_(std::move(client)),
          framer_(ipc::kMaxMessageSize) {}

    void start() { read(); }

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
        socket_.shutdown(stream::socket::shutdown_both, ignored);
        socket_.close(ignored);
        // The server lets go of us later, not from inside our own handler.
        asio::post(server_.io_, [self = shared_from_this()] { self->server_.closed(self.get()); });
    }

    [[nodiscard]] ControlClient& client() { return client_; }

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
        if (!framer_.feed({chunk_.data(), n})) {
            send_and_close(ipc::encode(failure(nullptr, ipc::ErrorCode::message_too_large,
                                               "a message is longer than " +
                                                   std::to_string(ipc::kMaxMessageSize) +
                                                   " bytes; closing the connection")));
            return;
        }
        while (auto line = framer_.next()) {
            handle(*line);
            if (closed_ || close_after_write_) {
                return;
            }
        }
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
        std::optional<std::string> refusal;
        try {
            client.peer = platform::local_peer_of(socket.native_handle());
            if (!allowed(client.peer)) {
                refusal = "permission denied: uid " + std::to_string(client.peer.uid) +
                          " is neither root nor in group tulle";
            }
        } catch (const std::system_error& failure_to_read) {
            refusal = std::string("cannot tell who is calling: ") + failure_to_read.what();
        }
        if (!refusal && sessions_.size() >= kMaxClients) {
            refusal = "too many clients (" + std::to_string(kMaxClients) + "); try again later";
        }
        auto session = std::make_shared<Session>(*this, std::move(socket), std::move(client));
        sessions_.push_back(session);
        if (refusal) {
            log_->info("control: refused uid {} pid {}: {}", session->client().peer.uid,
                       session->client().peer.pid, *refusal);
            // Nothing the caller sent is read: one error and the door closes.
            const auto code = refusal->starts_with("too many") ? ipc::ErrorCode::busy
                                                               : ipc::ErrorCode::permission_denied;
            session->send_and_close(ipc::encode(failure(nullptr, code, *refusal)));
        } else {
            session->start();
        }
        accept();
    });
}

void ControlServer::closed(Session* session) {
    sessions_.remove_if([session](const auto& s) { return s.get() == session; });
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
