// Standalone mode: tulled --config FILE brings up the tunnel a wg-quick file describes, by itself:
// interface, keys and peers, addresses, MTU, link state and routes (through platform::NetConfig,
// rtnetlink on Linux), and takes it all down again on exit.
#pragma once

#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "daemon/device.hpp"
#include "daemon/tunnel_config.hpp"
#include "ipc/wg_config.hpp"
#include "platform/net_config.hpp"

namespace tulle::daemon {

// The interface name wg-quick derives from a config path: its file name without ".conf".
// Empty when that is not a valid interface name.
[[nodiscard]] std::string interface_name_for(const std::string& config_path);

// Removes the rules of tunnels whose process died without taking them down (the interface and
// its routes went with the process, the rules stayed): a tulle rule whose table holds no route,
// and one tulle suppress rule of its family for each. Returns how many pairs went.
std::size_t remove_stale_rules(platform::NetConfig& net);

// A table (and fwmark) for a tunnel's default routes that no rule or route uses yet, from 51820
// up, as wg-quick picks it.
[[nodiscard]] std::uint32_t free_policy_table(platform::NetConfig& net);

class StandaloneTunnel {
  public:
    StandaloneTunnel(ipc::TunnelConfig config, platform::NetConfig& net,
                     std::shared_ptr<spdlog::logger> log);
    ~StandaloneTunnel();
    StandaloneTunnel(const StandaloneTunnel&) = delete;
    StandaloneTunnel& operator=(const StandaloneTunnel&) = delete;

    // Runs PreUp. False when a hook failed.
    [[nodiscard]] bool before_interface(const std::string& interface_name);
    // Configures the started device and its interface, runs PostUp. False on failure (what was
    // set is taken down again by take_down()).
    [[nodiscard]] bool bring_up(Device& device);
    // PreDown, removes routes and addresses, PostDown. Safe to call more than once.
    void take_down();

    // After a live peer change: routes for allowed IPs that are new, none for ones that went
    // (default routes and Table = off excepted, as at bring-up). Failures are logged.
    void sync_routes(const std::vector<value::IpPrefix>& allowed_ips);

    [[nodiscard]] const ipc::TunnelConfig& config() const { return config_; }
    [[nodiscard]] ipc::TunnelConfig& config() { return config_; }

  private:
    bool run_hooks(const std::vector<std::string>& hooks, const char* stage);

    ipc::TunnelConfig config_;
    platform::NetConfig& net_;
    std::shared_ptr<spdlog::logger> log_;
    std::string interface_;
    std::vector<value::IpPrefix> added_addresses_;
    std::vector<std::pair<value::IpPrefix, std::uint32_t>> added_routes_;  // and the table
    std::vector<platform::RoutingRule> added_rules_;
    bool up_ = false;
};

}  // namespace tulle::daemon
