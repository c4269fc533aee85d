// A NetConfig that records what the daemon would set on the system and never touches it.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "platform/net_config.hpp"

namespace tulle::daemon::testing {

// Records what the service would set on the system; never touches it.
class FakeNetConfig final : public platform::NetConfig {
  public:
    void add_address(std::string_view, const value::IpPrefix& a) override {
        addresses.push_back(a);
    }
    void remove_address(std::string_view, const value::IpPrefix& a) override {
        std::erase(addresses, a);
    }
    void set_mtu(std::string_view, std::uint32_t value) override { mtu = value; }
    void set_up(std::string_view, bool) override {}
    void add_route(std::string_view, const value::IpPrefix& d, std::uint32_t) override {
        routes.push_back(d.to_string());
    }
    void remove_route(std::string_view, const value::IpPrefix& d, std::uint32_t) override {
        std::erase(routes, d.to_string());
    }
    void add_rule(const platform::RoutingRule& rule) override {
        rules.push_back(rule);
        rules.back().protocol = platform::kTulleRouteProtocol;
    }
    void remove_rule(const platform::RoutingRule& rule) override {
        // As the kernel does with the tag NetConfigLinux sends: only a rule of ours goes.
        const auto same = [&rule](const platform::RoutingRule& r) {
            return r.protocol == platform::kTulleRouteProtocol && r.v6 == rule.v6 &&
                   r.table == rule.table && r.not_fwmark == rule.not_fwmark &&
                   r.suppress_prefix_length == rule.suppress_prefix_length;
        };
        if (auto it = std::find_if(rules.begin(), rules.end(), same); it != rules.end()) {
            rules.erase(it);
        }
    }
    std::vector<platform::RoutingRule> list_rules() override { return rules; }
    void mark_aware_reverse_path() override {}
    bool table_in_use(std::uint32_t table) override {
        return std::find(tables_in_use.begin(), tables_in_use.end(), table) != tables_in_use.end();
    }
    std::vector<value::IpPrefix> list_addresses(std::string_view) override { return {}; }
    std::vector<platform::Route> list_routes(std::string_view) override { return {}; }
    void delete_link(std::string_view) override {}
    bool link_exists(std::string_view name) override { return name == "eth0"; }

    std::vector<value::IpPrefix> addresses;
    std::uint32_t mtu = 0;  // the last one set
    std::vector<std::string> routes;
    std::vector<platform::RoutingRule> rules;
    std::vector<std::uint32_t> tables_in_use;
};

}  // namespace tulle::daemon::testing
