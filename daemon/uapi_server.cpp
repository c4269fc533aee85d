#include "daemon/uapi_server.hpp"

#include <array>
#include <cerrno>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <boost/asio/write.hpp>
#include <sodium.h>

#include "daemon/local_socket.hpp"

namespace tulle::daemon {
namespace {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

constexpr std::size_t kReadChunk = 16384;

}  // namespace

class UapiServer::Connection : public std::enable_shared_from_this<Connection> {
  public:
    Connection(stream::socket socket, Device& device, spdlog::logger& log,
               const std::function<void(const UapiSet&)>& applied)
        : socket_(std::move(socket)),
          device_(device),
          log_(log),
          applied_(applied),
          reader_(device.uapi_limits()) {}

    // Ends the conversation; the handlers in flight see the socket closed and stop.
    void close() {
        boost::system::error_code ignored;
        socket_.close(ignored);
    }

    void read() {
        socket_.async_read_some(
            asio::buffer(chunk_),
            [self = shared_from_this()](const boost::system::error_code& error, std::size_t n) {
                if (!error) {
                    self->received(n);
                }
            });
    }

  private:
    void received(std::size_t n) {
        reader_.feed({chunk_.data(), n});
        sodium_memzero(chunk_.data(), n);  // a set request holds secret keys
        std::string reply;
        bool close = false;
        while (auto request = reader_.next()) {
            if (!request->ok()) {
                // A framing error ends the conversation, as in wireguard-go.
                log_.debug("{}: UAPI: {}", device_.name(), request->error().message);
                reply += format_status(request->error().errno_value);
                close = true;
                break;
            }
            reply += handle(request->value());
        }
        if (reply.empty()) {
            read();
            return;
        }
        out_ = std::move(reply);
        asio::async_write(socket_, asio::buffer(out_),
                          [self = shared_from_this(), close](const boost::system::error_code& error,
                                                             std::size_t /*n*/) {
                              if (!error && !close) {
                                  self->read();
                              }
                          });
    }

    // The reply to a request the reader has read to its end.
    std::string handle(const UapiRequest& request) {
        if (request.op == UapiRequest::Op::get) {
            return format_get(device_.snapshot()) + format_status(0);
        }
        if (request.refused) {
            log_.info("{}: wg set refused: {}", device_.name(), request.refused->message);
            return format_status(request.refused->errno_value);
        }
        const int status = device_.apply(request.set);
        if (status == 0 && applied_) {
            applied_(request.set);
        }
        return format_status(status);
    }

    stream::socket socket_;
    Device& device_;
    spdlog::logger& log_;
    const std::function<void(const UapiSet&)>& applied_;  // the server's on_applied
    UapiReader reader_;
    std::array<char, kReadChunk> chunk_{};
    std::string out_;
};

UapiServer::UapiServer(asio::io_context& io, std::string path, Device& device,
                       std::shared_ptr<spdlog::logger> log)
    : io_(io), path_(std::move(path)), device_(device), log_(std::move(log)), acceptor_(io) {}

UapiServer::~UapiServer() {
    stop();
}

std::string UapiServer::path_for(const std::string& interface_name) {
    return std::string(kSocketDirectory) + "/" + interface_name + ".sock";
}

void UapiServer::start() {
    const std::string directory = path_.substr(0, path_.rfind('/'));
    if (::mkdir(directory.c_str(), 0755) != 0 && errno != EEXIST) {
        throw std::system_error(errno, std::generic_category(), "create " + directory);
    }
    bind_local_socket(io_, acceptor_, path_, "process");
    bound_ = true;
    acceptor_.listen();
    accept();
    file_watch_ = platform::watch_file(path_);
    watch_wait_ = std::make_unique<asio::posix::stream_descriptor>(io_, ::dup(file_watch_->fd()));
    watch();
}

void UapiServer::watch() {
    watch_wait_->async_wait(
        asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& error) {
            if (error || !bound_) {
                return;
            }
            if (!file_watch_->gone()) {
                watch();
                return;
            }
            log_->info("{}: UAPI socket {} was removed; shutting down", device_.name(), path_);
            bound_ = false;  // nothing left to unlink
            boost::system::error_code ignored;
            acceptor_.close(ignored);
            if (on_removed) {
                on_removed();
            }
        });
}

void UapiServer::stop() {
    // Open wg(8) connections refer to the device, which may be about to go.
    for (const auto& weak : connections_) {
        if (auto connection = weak.lock()) {
            connection->close();
        }
    }
    connections_.clear();
    if (!bound_) {
        return;
    }
    bound_ = false;
    boost::system::error_code ignored;
    if (watch_wait_) {
        watch_wait_->cancel(ignored);
    }
    acceptor_.close(ignored);
    ::unlink(path_.c_str());
}

void UapiServer::accept() {
    acceptor_.async_accept([this](const boost::system::error_code& error, stream::socket socket) {
        if (error) {
            return;  // closed
        }
        auto connection =
            std::make_shared<Connection>(std::move(socket), device_, *log_, on_applied);
        std::erase_if(connections_, [](const auto& weak) { return weak.expired(); });
        connections_.push_back(connection);
        connection->read();
        accept();
    });
}

}  // namespace tulle::daemon
