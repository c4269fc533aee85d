// A platform::Dns that records what the daemon hands the resolver manager and never touches the
// system: the manager it answers with is the test's to choose.
#pragma once

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "platform/dns.hpp"

namespace tulle::daemon::testing {

class FakeDns final : public platform::Dns {
  public:
    value::DnsManager manager = value::DnsManager::none;  // what apply() finds
    std::string refusal;                                  // apply() throws this when set
    std::vector<std::string> calls;  // "apply wg0 10.0.0.53 example.com full", "revert wg0 7"
    std::set<std::string> live;      // interfaces that exist (apply() adds, revert() keeps)

    platform::DnsEntry apply(std::string_view ifname,
                             const platform::DnsSettings& settings) override {
        std::string call = "apply " + std::string(ifname);
        for (const auto& server : settings.servers) {
            call += " " + server.to_string();
        }
        for (const auto& domain : settings.search) {
            call += " " + domain;
        }
        calls.push_back(call + (settings.full_tunnel ? " full" : " split"));
        if (!refusal.empty()) {
            throw std::runtime_error(refusal);
        }
        live.insert(std::string(ifname));
        return {manager, std::string(ifname), 7};
    }
    void revert(const platform::DnsEntry& entry) override {
        calls.push_back("revert " + entry.ifname + " " + std::to_string(entry.ifindex) + " " +
                        std::string(value::to_string(entry.manager)));
    }
    bool interface_lives(const platform::DnsEntry& entry) override {
        return live.contains(entry.ifname);
    }
};

}  // namespace tulle::daemon::testing
