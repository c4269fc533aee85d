// tulled's service mode: the control socket's methods, any number of tunnels at once, system
// tunnels in the configuration folder (/etc/tulle) and their autostart, per-peer stats history
// sampled every second, and the log ring. Everything runs on one io_context thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/logger.h>

#include "daemon/control_server.hpp"
#include "daemon/log_hub.hpp"
#include "daemon/metrics.hpp"
#include "daemon/networks.hpp"
#include "daemon/system_tunnels.hpp"
#include "daemon/tunnel.hpp"
#include "ipc/jsonrpc.hpp"
#include "ipc/methods.hpp"
#include "platform/memory.hpp"
#include "platform/network_monitor.hpp"

namespace tulle::daemon {

class Service {
  public:
    // Each tunnel costs a TUN device, a UDP socket and buffers (the crypto threads are shared).
    static constexpr std::size_t kMaxTunnels = 64;
    // Group members may not listen below this port (root's services listen there).
    static constexpr std::uint16_t kFirstUnprivilegedPort = 1024;

    struct Options {
        std::string socket_path = "/run/tulle/tulled.sock";
        std::string config_directory = "/etc/tulle";
        std::string uapi_directory = "/var/run/wireguard";
        std::string group = "tulle";  // who besides root may use the control socket
        std::size_t max_queued_bytes = ControlServer::kMaxQueuedBytes;  // per client
        // Hands memory freed by clients that went back to the system (see ControlServer).
        std::function<void()> return_memory = platform::return_free_memory;
        // Watches this host's network for the mesh networks (platform::watch_network); empty,
        // or when it throws: none, and the networks poll this host's addresses every second.
        std::function<std::unique_ptr<platform::NetworkMonitor>(boost::asio::io_context&,
                                                                platform::NetworkWatch)>
            watch_network;
        // Unix seconds, for what lasts hours (invites, certificates, relay channels); empty: the
        // system clock. Tests move it.
        std::function<std::int64_t()> clock;
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
    // Reads the system tunnels' files again and applies each to its running tunnel live
    // (Tunnel::reload; SIGHUP, `systemctl reload tulled`). A file with an error is logged with
    // its file and line, and its tunnel runs on as it was.
    void reload();

    // What GET /metrics reports (tulled --metrics): every tunnel that is up, with its peers.
    [[nodiscard]] DaemonMetrics metrics() const;

    // One call from a client that said hello.
    [[nodiscard]] ipc::Response call(ControlClient& client, const ipc::Request& request);

  private:
    template <typename T>
    using Outcome = ipc::Outcome<T>;

    // One handler per method of ipc::Methods, found by the method's type (the dispatcher is
    // built from the list, so a method without a handler does not compile).
    Outcome<ipc::DaemonStatus> handle(ipc::DaemonStatusMethod, ControlClient&,
                                      const ipc::NoParams&);
    Outcome<ipc::TunnelList> handle(ipc::TunnelListMethod, ControlClient&, const ipc::NoParams&);
    Outcome<ipc::TunnelStatus> handle(ipc::TunnelUpMethod, ControlClient&, const ipc::TunnelUp&);
    Outcome<ipc::TunnelStatus> handle(ipc::TunnelDownMethod, ControlClient&, const ipc::TunnelRef&);
    Outcome<ipc::TunnelDetail> handle(ipc::TunnelGetMethod, ControlClient&, const ipc::TunnelRef&);
    Outcome<ipc::TunnelStatus> handle(ipc::TunnelSaveMethod, ControlClient&,
                                      const ipc::TunnelSave&);
    Outcome<ipc::PeerStatus> handle(ipc::PeerAddMethod, ControlClient&, const ipc::PeerEdit&);
    Outcome<ipc::PeerStatus> handle(ipc::PeerUpdateMethod, ControlClient&, const ipc::PeerEdit&);
    Outcome<ipc::Done> handle(ipc::PeerRemoveMethod, ControlClient&, const ipc::PeerRef&);
    Outcome<ipc::StatsHistory> handle(ipc::StatsHistoryMethod, ControlClient&,
                                      const ipc::StatsQuery&);
    [[nodiscard]] static ipc::Outcome<void> check_port(const ControlClient& client,
                                                       const ipc::TunnelConfig& config);
    [[nodiscard]] ipc::Outcome<void> check_replace(const ControlClient& client,
                                                   const std::string& name) const;
    Outcome<ipc::LogTail> handle(ipc::LogTailMethod, ControlClient&, const ipc::LogQuery&);
    Outcome<ipc::Subscription> handle(ipc::SubscribeMethod, ControlClient&,
                                      const ipc::Subscription&);
    Outcome<ipc::Subscription> handle(ipc::UnsubscribeMethod, ControlClient&,
                                      const ipc::Subscription&);
    Outcome<ipc::Done> handle(ipc::TunnelDeleteMethod, ControlClient&, const ipc::TunnelRef&);
    Outcome<ipc::NetworkList> handle(ipc::NetworkListMethod, ControlClient&, const ipc::NoParams&);
    Outcome<ipc::NetworkStatus> handle(ipc::NetworkCreateMethod, ControlClient&,
                                       const ipc::NetworkCreate&);
    Outcome<ipc::InviteIssued> handle(ipc::NetworkInviteMethod, ControlClient&,
                                      const ipc::NetworkInvite&);
    Outcome<ipc::NetworkStatus> handle(ipc::NetworkJoinMethod, ControlClient&,
                                       const ipc::NetworkJoin&);
    Outcome<ipc::MemberList> handle(ipc::NetworkMembersMethod, ControlClient&,
                                    const ipc::NetworkRef&);
    Outcome<ipc::Done> handle(ipc::NetworkRemoveMethod, ControlClient&, const ipc::MemberRef&);
    Outcome<ipc::Done> handle(ipc::NetworkLeaveMethod, ControlClient&, const ipc::NetworkRef&);
    // Why a network's tunnel may not take `name` (a tunnel or system tunnel has it), or "".
    [[nodiscard]] std::string tunnel_name_taken(const std::string& name) const;
    void publish_network(const ipc::NetworkChanged& changed);
    Outcome<ipc::PeerStatus> edit_peer(const ipc::PeerEdit& edit, bool create);

    // Starts a tunnel from a parsed config; the error says why not.
    Outcome<ipc::TunnelStatus> bring_up(const std::string& name, ipc::TunnelConfig config);
    void take_down(const std::string& which);
    // Frees a stopped tunnel once the handlers already queued for it have run.
    void retire(std::unique_ptr<Tunnel> tunnel);
    Tunnel* find(const std::string& name);
    [[nodiscard]] ipc::TunnelStatus status_of(const std::string& name) const;
    // tunnel.get of a tunnel that is down, from its file or its kept config.
    [[nodiscard]] ipc::TunnelDetail detail_of_stopped(const std::string& name,
                                                      const ipc::TunnelConfig& config) const;
    void autostart();
    void watch_network();
    void tick();
    void publish_tunnel(const std::string& name, bool removed);
    void publish_peer(const std::string& tunnel, const value::Key& key, bool removed);

    boost::asio::io_context& io_;
    Options options_;
    LogHub& logs_;
    std::shared_ptr<spdlog::logger> log_;
    TunnelDeps deps_;
    SystemTunnels systems_;
    ipc::Dispatcher<ControlClient> methods_;
    std::unique_ptr<ControlServer> server_;
    std::map<std::string, std::unique_ptr<Tunnel>> tunnels_;
    // Tunnels brought up with a caller's config (not from a system tunnel's file): their config,
    // kept while they are down so they come up again by name, until tunnel.delete or tulled
    // stops. At most kMaxTunnels. Updated when one goes down (peers changed live included).
    std::map<std::string, ipc::TunnelConfig> kept_;
    // Mesh networks (CONFIG-DIR/networks); each runs a tunnel of tunnels_ named after it.
    Networks networks_;
    // After networks_: destroyed first, so no change is reported to networks that are gone.
    std::unique_ptr<platform::NetworkMonitor> monitor_;
    boost::asio::steady_timer ticker_;
    std::chrono::steady_clock::time_point started_at_;
    bool running_ = false;
};

}  // namespace tulle::daemon
