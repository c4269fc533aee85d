// A Firewall that keeps the kill switches the daemon would put in place, and never touches the
// system. Each one also goes through the real nftables script builder, so a kill switch the
// script cannot express fails here as it would on the system.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "platform/firewall.hpp"

namespace tulle::daemon::testing {

class FakeFirewall final : public platform::Firewall {
  public:
    void set_kill_switch(const platform::KillSwitch& rules) override {
        const std::lock_guard lock(mutex_);
        if (rules.interface.empty()) {
            throw std::invalid_argument("a kill switch without an interface");
        }
        scripts_[rules.interface] = platform::kill_switch_script(rules);
        switches_[rules.interface] = rules;
    }
    void remove_kill_switch(std::string_view interface) override {
        const std::lock_guard lock(mutex_);
        switches_.erase(std::string(interface));
        scripts_.erase(std::string(interface));
    }
    std::vector<std::string> kill_switches() override {
        const std::lock_guard lock(mutex_);
        std::vector<std::string> out;
        for (const auto& [interface, rules] : switches_) {
            out.push_back(interface);
        }
        return out;
    }

    // What is in place for `interface` now; none when nothing is.
    std::optional<platform::KillSwitch> of(const std::string& interface) const {
        const std::lock_guard lock(mutex_);
        const auto found = switches_.find(interface);
        return found == switches_.end() ? std::nullopt : std::optional(found->second);
    }
    std::string script_of(const std::string& interface) const {
        const std::lock_guard lock(mutex_);
        const auto found = scripts_.find(interface);
        return found == scripts_.end() ? std::string() : found->second;
    }
    // A kill switch as a killed run would have left it.
    void leave(const std::string& interface) { set_kill_switch({interface, 0, {}, false}); }

  private:
    mutable std::mutex mutex_;
    std::map<std::string, platform::KillSwitch> switches_;
    std::map<std::string, std::string> scripts_;
};

}  // namespace tulle::daemon::testing
