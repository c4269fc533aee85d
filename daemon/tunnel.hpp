// One tunnel run by the service: the interface (Device), its wg(8) socket (UapiServer), what the
// wg-quick configuration sets on the system (StandaloneTunnel), peer names and traffic history.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <spdlog/logger.h>

#include "daemon/device.hpp"
#include "daemon/endpoint_resolver.hpp"
#include "daemon/standalone.hpp"
#include "daemon/stats_history.hpp"
#include "daemon/uapi_server.hpp"
#include "daemon/worker_pool.hpp"
#include "ipc/messages.hpp"
#include "ipc/wg_config.hpp"
#include "platform/firewall.hpp"
#include "platform/net_config.hpp"
#include "platform/tun.hpp"
#include "platform/udp_socket.hpp"

namespace tulle::daemon {

struct TunnelDeps {
    boost::asio::io_context& io;
    core::Environment& environment;
    platform::TunFactory& tuns;
    platform::UdpSocketFactory& sockets;
    platform::NetConfig& net;
    std::string uapi_directory;  // where the wg(8) socket goes
    WorkerPool& workers;         // the process's crypto threads, shared by every tunnel
    EndpointResolver& resolver;  // endpoint host names, answered on `io` later
    DnsControl& dns;             // DNS = of every tunnel, and its records for crash cleanup
    platform::Firewall* firewall = nullptr;  // kill switches; none: a tunnel that asks fails
};

class Tunnel {
  public:
    Tunnel(TunnelDeps deps, std::string name, ipc::TunnelConfig config,
           std::shared_ptr<spdlog::logger> log);
    ~Tunnel();
    Tunnel(const Tunnel&) = delete;
    Tunnel& operator=(const Tunnel&) = delete;

    // Creates the interface and applies the configuration. Throws std::runtime_error (or
    // std::system_error) with a message for people; what was set up is taken down again.
    void start();
    void stop();

    // Called when the interface goes away by itself (deleted, or its wg(8) socket removed).
    std::function<void()> on_gone;
    // Called for each peer a `wg set` on the tunnel's wg(8) socket changed (true: removed).
    std::function<void(const value::Key&, bool)> on_peer_changed_by_wg;
    // Where a peer's path comes from when something knows better than the last handshake (a
    // mesh network's members); nullopt from it, or none set: path_of().
    std::function<std::optional<ipc::PeerPath>(const value::Key&)> path_source;

    [[nodiscard]] const std::string& name() const { return name_; }
    [[nodiscard]] Device& device() { return *device_; }
    [[nodiscard]] const Device& device() const { return *device_; }
    [[nodiscard]] const ipc::TunnelConfig& config() const { return standalone_.config(); }

    // Applies one peer's change live; the error names the field at fault (params.peer.endpoint).
    [[nodiscard]] ipc::Outcome<void> change_peer(const ipc::PeerChange& change, bool create);
    [[nodiscard]] ipc::Outcome<void> remove_peer(const value::Key& public_key);
    // Applies the file as it reads now, live (StandaloneTunnel::reload); peer names follow it.
    std::optional<ReloadPlan> reload(ipc::TunnelConfig wanted);
    [[nodiscard]] bool has_peer(const value::Key& public_key) const;

    [[nodiscard]] ipc::TunnelStatus status() const;
    // Every peer as the engine has it now, with rates from the last sample.
    [[nodiscard]] std::vector<ipc::PeerStatus> peers() const;
    // One of peers(), at the cost of that one peer.
    [[nodiscard]] std::optional<ipc::PeerStatus> peer(const value::Key& public_key) const;
    // The peer's name in this tunnel, or "" when it has none.
    [[nodiscard]] std::string peer_name(const value::Key& public_key) const;
    // The configuration as it runs now (peers changed with wg set included); secrets and hooks
    // only when asked for (tunnel.save writes them back to root's file).
    [[nodiscard]] ipc::TunnelConfig current_config(bool with_secrets) const;

    // Once a second: records every peer's totals (and lets the kill switch follow the peers'
    // endpoints); returns the `stats` event.
    ipc::StatsEvent sample(std::int64_t now);
    [[nodiscard]] const StatsHistory& history() const { return history_; }

  private:
    // Routes for the allowed IPs of every peer, after a peer changed.
    void resync_routes();
    [[nodiscard]] std::vector<ipc::PeerStatus> peers_of(const DeviceStatus& snapshot) const;

    TunnelDeps deps_;
    std::string name_;
    std::shared_ptr<spdlog::logger> log_;
    StandaloneTunnel standalone_;
    std::unique_ptr<Device> device_;
    std::unique_ptr<UapiServer> uapi_;
    std::map<value::Key, std::string> names_;
    std::map<value::Key, StatsHistory::Rates> rates_;
    StatsHistory history_;
    bool started_ = false;
};

// How long after its last handshake a peer's endpoint counts as its path: a session lives
// 180 s (REJECT_AFTER_TIME), and one that carries traffic is renewed after 120 s.
inline constexpr std::chrono::seconds kPathFreshFor{180};
// A peer's path as tulled reports it: "direct" to its endpoint while a session is fresh, else
// "none". (Relayed paths come with NAT traversal.)
[[nodiscard]] ipc::PeerPath path_of(const PeerState& peer,
                                    std::chrono::system_clock::time_point now);

[[nodiscard]] value::Key to_ipc(const core::PublicKey& key);
[[nodiscard]] core::PublicKey to_core(const value::Key& key);

}  // namespace tulle::daemon
