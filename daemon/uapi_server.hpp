// The WireGuard cross-platform userspace API socket of one interface
// (/var/run/wireguard/<ifname>.sock), through which wg(8) configures and reads the device.
// Created under umask 077: only root may connect.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <spdlog/logger.h>

#include "daemon/device.hpp"
#include "platform/file_watch.hpp"

namespace tulle::daemon {

class UapiServer {
  public:
    // The folder wg(8) looks in; wireguard-go uses it too.
    static constexpr const char* kSocketDirectory = "/var/run/wireguard";

    UapiServer(boost::asio::io_context& io, std::string path, Device& device,
               std::shared_ptr<spdlog::logger> log);
    ~UapiServer();
    UapiServer(const UapiServer&) = delete;
    UapiServer& operator=(const UapiServer&) = delete;

    // Binds the socket, replacing a stale one. Throws std::system_error when another process
    // serves that path, or the socket cannot be made.
    void start();
    void stop();

    [[nodiscard]] static std::string path_for(const std::string& interface_name);
    [[nodiscard]] const std::string& path() const { return path_; }

    // Called when someone deletes the socket file: as with wireguard-go, that asks the
    // interface to go away.
    std::function<void()> on_removed;
    // Called after a `wg set` request was applied, so others can follow the change.
    std::function<void(const UapiSet&)> on_applied;

  private:
    class Connection;
    void accept();
    void watch();

    boost::asio::io_context& io_;
    std::string path_;
    Device& device_;
    std::shared_ptr<spdlog::logger> log_;
    boost::asio::local::stream_protocol::acceptor acceptor_;
    bool bound_ = false;
    std::vector<std::weak_ptr<Connection>> connections_;
    std::unique_ptr<platform::FileWatch> file_watch_;
    std::unique_ptr<boost::asio::posix::stream_descriptor> watch_wait_;
};

}  // namespace tulle::daemon
