// Standalone mode: tulled --config FILE brings up the tunnel a wg-quick file describes, by itself:
// interface, keys and peers, addresses, MTU, link state and routes (through platform::NetConfig,
// rtnetlink on Linux), and takes it all down again on exit.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <spdlog/logger.h>

#include "daemon/device.hpp"
#include "daemon/dns_control.hpp"
#include "daemon/endpoint_resolver.hpp"
#include "daemon/reload.hpp"
#include "daemon/tunnel_config.hpp"
#include "ipc/wg_config.hpp"
#include "platform/firewall.hpp"
#include "platform/net_config.hpp"

namespace tulle::daemon {

// The interface name wg-quick derives from a config path: its file name without ".conf".
// Empty when that is not a valid interface name.
[[nodiscard]] std::string interface_name_for(const std::string& config_path);

// Removes the rules of tunnels whose process died without taking them down (the interface and
// its routes went with the process, the rules stayed): a tulle rule whose table holds no route,
// and one tulle suppress rule of its family for each. Returns how many pairs went.
std::size_t remove_stale_rules(platform::NetConfig& net);
// remove_stale_rules(), logged (each line begins with `who`); false (and a warning) when the
// system refused. tulled calls it at every start (the service's, each tunnel's), so a
// `kill -9` leaves nothing behind for long.
bool clean_stale_rules(platform::NetConfig& net, spdlog::logger& log, const std::string& who);

// Removes the kill switches of tunnels whose process died without taking them down: those whose
// interface no longer exists (it went with the process). Returns how many went.
std::size_t remove_stale_kill_switches(platform::Firewall& firewall, platform::NetConfig& net);
// remove_stale_kill_switches(), logged as clean_stale_rules() is; false when the system refused.
bool clean_stale_kill_switches(platform::Firewall& firewall, platform::NetConfig& net,
                               spdlog::logger& log, const std::string& who);

// A table (and fwmark) for a tunnel's default routes that no rule or route uses yet, from 51820
// up, as wg-quick picks it.
[[nodiscard]] std::uint32_t free_policy_table(platform::NetConfig& net);

class StandaloneTunnel {
  public:
    // `firewall` may be null (no kill switch can be had: a config that asks for one fails).
    StandaloneTunnel(ipc::TunnelConfig config, platform::NetConfig& net,
                     platform::Firewall* firewall, EndpointResolver& resolver, DnsControl& dns,
                     std::shared_ptr<spdlog::logger> log);
    ~StandaloneTunnel();
    StandaloneTunnel(const StandaloneTunnel&) = delete;
    StandaloneTunnel& operator=(const StandaloneTunnel&) = delete;

    // Runs PreUp. False when a hook failed.
    [[nodiscard]] bool before_interface(const std::string& interface_name);
    // Configures the started device and its interface, runs PostUp. False on failure (what was
    // set is taken down again by take_down()). With "# tulle: kill-switch" the kill switch is in
    // place before the addresses and routes are; a tunnel whose kill switch fails does not come
    // up. Peers whose Endpoint is a host name come up
    // without one and get it when the resolver answers (see resolve_endpoint()).
    [[nodiscard]] bool bring_up(Device& device);
    // While up with a kill switch: lets UDP to the peers' endpoints (as the device has them now:
    // resolved, set or roamed to) through, when they changed since the last call. The service
    // calls it once a second.
    void follow_endpoints(const DeviceStatus& snapshot);
    [[nodiscard]] bool kill_switch_on() const { return kill_switch_.has_value(); }

    // PreDown, removes routes, addresses and the kill switch, PostDown. Safe to call more than
    // once.
    void take_down();

    // After a live peer change: routes for allowed IPs that are new, none for ones that went
    // (default routes and Table = off excepted, as at bring-up). Failures are logged.
    void sync_routes(const std::vector<value::IpPrefix>& allowed_ips);
    // After a peer that did not exist was added with these allowed IPs: their routes where
    // missing, and nothing removed. It costs the new prefixes only, where sync_routes() reads
    // every peer's: adding 10,000 peers one by one must not take time squared.
    void add_routes(const std::vector<value::IpPrefix>& allowed_ips);

    // While up: applies the file as it reads now (`wanted`) to the running tunnel, as
    // plan_reload() says: peers the file did not change keep their sessions; MTU and addresses
    // change on the interface, routes follow the allowed IPs. What cannot change live is logged
    // and kept as it was. Returns the plan applied, or nothing (logged) when the device refused
    // it, and then the tunnel runs as before.
    std::optional<ReloadPlan> reload(ipc::TunnelConfig wanted);

    // While up: asks the resolver for the peer's host name and, when the answer comes, sets the
    // peer's endpoint (if the peer still exists). A failure is logged naming the peer. The loop
    // does not wait: other tunnels and clients are served meanwhile.
    void resolve_endpoint(const HostEndpoint& host);
    // An endpoint set for the peer since: an answer still to come for it is dropped.
    void forget_pending(const core::PublicKey& peer);
    [[nodiscard]] const ipc::TunnelConfig& config() const { return config_; }
    [[nodiscard]] ipc::TunnelConfig& config() { return config_; }
    // How DNS = went while up: the manager that took it, or why none did.
    [[nodiscard]] const DnsControl::Applied& dns() const { return dns_applied_; }

  private:
    bool run_hooks(const std::vector<std::string>& hooks, const char* stage);
    void apply_dns();
    // Removes stale kill switches; then, if this tunnel wants one, whether it may be had (a
    // default route, a firewall): false and logged why when not.
    [[nodiscard]] bool prepare_kill_switch() const;
    // Puts the kill switch in place; false (logged) when the firewall refused.
    [[nodiscard]] bool put_kill_switch(std::uint32_t fwmark, Device& device);
    // The routes (and their table) that allowed IPs need under this tunnel's Table setting.
    [[nodiscard]] InterfacePlan routes_for(const std::vector<value::IpPrefix>& allowed_ips) const;
    void on_resolved(const HostEndpoint& host, std::uint64_t request,
                     const value::Result<value::SocketAddress>& answer);

    ipc::TunnelConfig config_;
    platform::NetConfig& net_;
    platform::Firewall* firewall_;
    std::optional<platform::KillSwitch> kill_switch_;  // as in place now
    EndpointResolver& resolver_;
    DnsControl& dns_;
    DnsControl::Applied dns_applied_;
    std::shared_ptr<spdlog::logger> log_;
    Device* device_ = nullptr;  // while up
    // Answers hold a weak_ptr to this: once it is gone (taken down, destroyed) they are dropped.
    std::shared_ptr<int> alive_;
    std::map<core::PublicKey, std::uint64_t> pending_;  // peer -> its latest request
    std::uint64_t requests_ = 0;
    std::string interface_;
    std::vector<value::IpPrefix> added_addresses_;
    std::vector<std::pair<value::IpPrefix, std::uint32_t>> added_routes_;  // and the table
    std::set<std::pair<value::IpPrefix, std::uint32_t>> route_index_;      // the same, to look up
    void note_route(const value::IpPrefix& route, std::uint32_t table);
    std::vector<platform::RoutingRule> added_rules_;
    bool up_ = false;
};

}  // namespace tulle::daemon
