// tulled's service mode: the control socket's methods, any number of tunnels at once, system
// tunnels in the configuration folder (/etc/tulle) and their autostart, per-peer stats history
// sampled every second, and the log ring. Everything runs on one io_context thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/logger.h>

#include "daemon/control_server.hpp"
#include "daemon/log_hub.hpp"
#include "daemon/system_tunnels.hpp"
#include "daemon/tunnel.hpp"
#include "ipc/jsonrpc.hpp"

namespace tulle::daemon {

class Service {
  public:
    // Each tunnel costs a TUN device, a UDP socket and buffers (the crypto threads are shared).
    static constexpr std::size_t kMaxTunnels = 64;

    struct Options {
        std::string socket_path = "/run/tulle/tulled.sock";
        std::string config_directory = "/etc/tulle";
        std::string uapi_directory = "/var/run/wireguard";
        std::string group = "tulle";  // who besides root may use the control socket
        std::size_t max_queued_bytes = ControlServer::kMaxQueuedBytes;  // per client
    };

    Service(boost::asio::io_context& io, Options options, LogHub& logs,
            std::shared_ptr<spdlog::logger> log, TunnelDeps deps);
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    // Serves the control socket, starts the autostart tunnels, starts sampling. Throws
    // std::system_error when the socket cannot be served (another tulled runs).
    void start();
    // Takes every tunnel down and closes the socket.
    void stop();

    // One call from a client that said hello.
    [[nodiscard]] ipc::Response call(ControlClient& client, const ipc::Request& request);

  private:
    using Outcome = std::variant<ipc::Json, ipc::Error>;

    Outcome daemon_status();
    Outcome tunnel_list();
    Outcome tunnel_up(const ipc::Json& params);
    Outcome tunnel_down(const ipc::Json& params);
    Outcome tunnel_get(const ipc::Json& params);
    Outcome tunnel_save(const ipc::Json& params);
    Outcome peer_add_or_update(const ipc::Json& params, bool create);
    Outcome peer_remove(const ipc::Json& params);
    Outcome stats_history(const ipc::Json& params);
    Outcome log_tail(const ipc::Json& params);
    Outcome subscribe(ControlClient& client, const ipc::Json& params, bool on);

    // Starts a tunnel from a parsed config; the error says why not.
    Outcome bring_up(const std::string& name, ipc::TunnelConfig config);
    void take_down(const std::string& which);
    // Frees a stopped tunnel once the handlers already queued for it have run.
    void retire(std::unique_ptr<Tunnel> tunnel);
    Tunnel* find(const std::string& name);
    [[nodiscard]] ipc::TunnelStatus status_of(const std::string& name) const;
    void autostart();
    void tick();
    void publish_tunnel(const std::string& name, bool removed);
    void publish_peer(const std::string& tunnel, const value::Key& key, bool removed);

    boost::asio::io_context& io_;
    Options options_;
    LogHub& logs_;
    std::shared_ptr<spdlog::logger> log_;
    TunnelDeps deps_;
    SystemTunnels systems_;
    std::unique_ptr<ControlServer> server_;
    std::map<std::string, std::unique_ptr<Tunnel>> tunnels_;
    boost::asio::steady_timer ticker_;
    std::chrono::steady_clock::time_point started_at_;
    bool running_ = false;
};

}  // namespace tulle::daemon
