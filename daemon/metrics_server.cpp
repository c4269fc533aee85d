#include "daemon/metrics_server.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <system_error>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "value/ip.hpp"

namespace tulle::daemon {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr std::size_t kReadChunk = 2048;

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_loopback(const value::IpAddress& address) {
    static const auto v4 = value::IpPrefix::parse("127.0.0.0/8").value();
    static const auto mapped = value::IpPrefix::parse("::ffff:127.0.0.0/104").value();
    static const auto v6 = value::IpAddress::parse("::1").value();
    return v4.contains(address) || mapped.contains(address) || address == v6;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

// Splits off the first line (without its CRLF or LF).
std::string_view next_line(std::string_view& text) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    return line;
}

bool is_token(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
               std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    });
}

std::string reply(std::string_view status, std::string_view content_type, std::string_view body,
                  std::string_view extra_header = {}) {
    std::string out = "HTTP/1.1 ";
    out += status;
    out += "\r\nContent-Type: ";
    out += content_type;
    out += "\r\nContent-Length: ";
    out += std::to_string(body.size());
    out += "\r\nConnection: close\r\n";
    out += extra_header;
    out += "\r\n";
    out += body;
    return out;
}

std::string error_reply(std::string_view status, std::string_view message,
                        std::string_view extra_header = {}) {
    return reply(status, "text/plain; charset=utf-8", std::string(message) + "\n", extra_header);
}

// "127.0.0.1:9586", "[::1]:9586".
std::string text_of(const tcp::endpoint& endpoint) {
    const std::string address = endpoint.address().to_string();
    return (endpoint.address().is_v6() ? "[" + address + "]" : address) + ":" +
           std::to_string(endpoint.port());
}

// Where the head ends (the index after its empty line), or npos.
std::size_t head_end(std::string_view buffer) {
    const auto crlf = buffer.find("\r\n\r\n");
    const auto lf = buffer.find("\n\n");
    if (crlf == std::string_view::npos && lf == std::string_view::npos) {
        return std::string_view::npos;
    }
    if (lf == std::string_view::npos || (crlf != std::string_view::npos && crlf < lf)) {
        return crlf + 4;
    }
    return lf + 2;
}

}  // namespace

value::Result<tcp::endpoint> parse_metrics_address(std::string_view text, bool allow_remote) {
    const auto loopback = asio::ip::address_v4::loopback();
    const auto port_of = [](std::string_view digits) -> value::Result<std::uint16_t> {
        constexpr unsigned long kMaxPort = 65535;  // NOLINT(google-runtime-int): stoul's type
        const auto port = digits.size() <= 5 ? std::stoul(std::string(digits)) : 0;
        if (port == 0 || port > kMaxPort) {
            return value::fail("the port must be from 1 to 65535, not " + std::string(digits));
        }
        return static_cast<std::uint16_t>(port);
    };
    if (text.empty()) {
        return tcp::endpoint(loopback, MetricsServer::kDefaultPort);
    }
    std::string_view digits = text;
    if (digits.front() == ':') {
        digits.remove_prefix(1);
    }
    if (all_digits(digits)) {
        auto port = port_of(digits);
        if (!port) {
            return value::fail("--metrics " + std::string(text) + ": " + port.error());
        }
        return tcp::endpoint(loopback, *port);
    }
    value::SocketAddress where;
    if (auto with_port = value::SocketAddress::parse(text)) {
        where = *with_port;
    } else if (auto address = value::IpAddress::parse(text)) {
        where = value::SocketAddress{*address, MetricsServer::kDefaultPort};
    } else {
        return value::fail(
            "--metrics " + std::string(text) +
            ": expected PORT, ADDRESS or ADDRESS:PORT ([::1]:9586 for IPv6): " + with_port.error());
    }
    if (!allow_remote && !is_loopback(where.address)) {
        return value::fail("--metrics " + std::string(text) + ": " + where.address.to_string() +
                           " is not a loopback address, and whoever reaches it can read the "
                           "metrics (tunnel names, peers' public keys, traffic); add "
                           "--metrics-allow-remote to serve them there anyway");
    }
    return tcp::endpoint(asio::ip::make_address(where.address.to_string()), where.port);
}

std::string answer_metrics_request(std::string_view head,
                                   const std::function<std::string()>& render) {
    const std::string_view request_line = next_line(head);
    // METHOD SP TARGET SP HTTP/1.x, with single spaces.
    const auto first = request_line.find(' ');
    const auto second = first == std::string_view::npos ? first : request_line.find(' ', first + 1);
    if (second == std::string_view::npos ||
        request_line.find(' ', second + 1) != std::string_view::npos) {
        return error_reply("400 Bad Request", "malformed request line");
    }
    const std::string_view method = request_line.substr(0, first);
    const std::string_view target = request_line.substr(first + 1, second - first - 1);
    const std::string_view version = request_line.substr(second + 1);
    if (!is_token(method) || target.empty() || (version != "HTTP/1.1" && version != "HTTP/1.0")) {
        return error_reply("400 Bad Request", "malformed request line");
    }
    while (!head.empty()) {
        const std::string_view line = next_line(head);
        if (line.empty()) {
            break;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
            return error_reply("400 Bad Request", "malformed header line");
        }
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = trim(line.substr(colon + 1));
        if (equals_ignoring_case(name, "Transfer-Encoding") ||
            (equals_ignoring_case(name, "Content-Length") && value != "0")) {
            return error_reply("400 Bad Request", "request bodies are not accepted");
        }
    }
    if (method != "GET") {
        return error_reply("405 Method Not Allowed", "only GET is served", "Allow: GET\r\n");
    }
    if (target.substr(0, target.find('?')) != "/metrics") {
        return error_reply("404 Not Found", "only /metrics is served");
    }
    return reply("200 OK", "text/plain; version=0.0.4; charset=utf-8", render());
}

class MetricsServer::Session : public std::enable_shared_from_this<Session> {
  public:
    Session(MetricsServer& server, tcp::socket socket)
        : server_(server), socket_(std::move(socket)), deadline_(server.io_) {}

    void start() {
        deadline_.expires_after(server_.options_.deadline);
        deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
            if (!error) {
                self->close();  // too slow: whatever it was doing
            }
        });
        read();
    }

    void close() {
        if (closed_) {
            return;
        }
        closed_ = true;
        boost::system::error_code ignored;
        deadline_.cancel();
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
        asio::post(server_.io_, [self = shared_from_this()] { self->server_.closed(self.get()); });
    }

  private:
    void read() {
        socket_.async_read_some(
            asio::buffer(chunk_),
            [self = shared_from_this()](const boost::system::error_code& error, std::size_t n) {
                self->on_read(error, n);
            });
    }

    void on_read(const boost::system::error_code& error, std::size_t n) {
        if (closed_) {
            return;
        }
        if (error) {
            close();  // gone before the request was whole
            return;
        }
        head_.append(chunk_.data(), n);
        const std::size_t end = head_end(head_);
        if (end == std::string::npos || end > server_.options_.max_head_bytes) {
            if (head_.size() > server_.options_.max_head_bytes) {
                respond(error_reply("431 Request Header Fields Too Large",
                                    "the request head is limited to " +
                                        std::to_string(server_.options_.max_head_bytes) +
                                        " bytes"));
                return;
            }
            read();
            return;
        }
        // Anything after the head would be a body or a second request: neither is read.
        respond(answer_metrics_request(std::string_view(head_).substr(0, end), server_.render_));
    }

    void respond(std::string text) {
        head_.clear();
        head_.shrink_to_fit();
        out_ = std::move(text);
        asio::async_write(
            socket_, asio::buffer(out_),
            [self = shared_from_this()](const boost::system::error_code& error, std::size_t /*n*/) {
                if (error || self->closed_) {
                    self->close();
                    return;
                }
                // Half-close, then read until the client closes (or the deadline):
                // closing with unread bytes would reset the connection, and the
                // client could lose the reply.
                boost::system::error_code ignored;
                self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
                self->drain();
            });
    }

    void drain() {
        socket_.async_read_some(
            asio::buffer(chunk_),
            [self = shared_from_this()](const boost::system::error_code& error, std::size_t /*n*/) {
                if (error || self->closed_) {
                    self->close();
                    return;
                }
                self->drain();  // discarded
            });
    }

    MetricsServer& server_;
    tcp::socket socket_;
    asio::steady_timer deadline_;
    std::array<char, kReadChunk> chunk_{};
    std::string head_;
    std::string out_;
    bool closed_ = false;
};

MetricsServer::MetricsServer(asio::io_context& io, Options options, Render render,
                             std::shared_ptr<spdlog::logger> log)
    : io_(io),
      options_(std::move(options)),
      render_(std::move(render)),
      log_(std::move(log)),
      acceptor_(io),
      retry_accept_(io) {}

MetricsServer::~MetricsServer() {
    stop();
}

void MetricsServer::start() {
    boost::system::error_code error;
    acceptor_.open(options_.endpoint.protocol(), error);
    if (!error) {
        acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
    }
    if (!error) {
        acceptor_.bind(options_.endpoint, error);
    }
    if (!error) {
        acceptor_.listen(asio::socket_base::max_listen_connections, error);
    }
    if (error) {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        throw std::system_error(error.value(), std::generic_category(),
                                "metrics: cannot listen on " + text_of(options_.endpoint));
    }
    const auto local = local_endpoint();
    const auto address = value::IpAddress::parse(local.address().to_string());
    log_->info("metrics: serving Prometheus metrics at http://{}/metrics ({})", text_of(local),
               address && is_loopback(*address)
                   ? "loopback only: local processes may read them"
                   : "NOT loopback: anyone who reaches this address may read them");
    accept();
}

void MetricsServer::stop() {
    boost::system::error_code ignored;
    retry_accept_.cancel();
    acceptor_.close(ignored);
    // Closing posts each session's removal; the list lets go of them then (or with the server).
    for (const auto& session : std::list<std::shared_ptr<Session>>(sessions_)) {
        session->close();
    }
}

tcp::endpoint MetricsServer::local_endpoint() const {
    boost::system::error_code ignored;
    return acceptor_.local_endpoint(ignored);
}

void MetricsServer::accept() {
    acceptor_.async_accept([this](const boost::system::error_code& error, tcp::socket socket) {
        if (error == asio::error::operation_aborted || !acceptor_.is_open()) {
            return;  // closed
        }
        if (error) {
            // Out of file descriptors, say: try again in a moment.
            log_->warn("metrics: accept failed: {}", error.message());
            retry_accept_.expires_after(std::chrono::milliseconds(200));
            retry_accept_.async_wait([this](const boost::system::error_code& e) {
                if (!e && acceptor_.is_open()) {
                    accept();
                }
            });
            return;
        }
        if (sessions_.size() >= options_.max_connections) {
            // Full: this one is closed unread; the log says so now and then.
            boost::system::error_code ignored;
            socket.close(ignored);
            if (turned_away_++ % 100 == 0) {
                log_->warn(
                    "metrics: {} connections at once is the limit; turned one away ({} "
                    "so far)",
                    options_.max_connections, turned_away_);
            }
        } else {
            auto session = std::make_shared<Session>(*this, std::move(socket));
            sessions_.push_back(session);
            session->start();
        }
        accept();
    });
}

void MetricsServer::closed(Session* session) {
    sessions_.remove_if([session](const auto& s) { return s.get() == session; });
}

}  // namespace tulle::daemon
