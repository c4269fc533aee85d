// Firewall over libnftables: each tunnel's kill switch is a table of its own, `inet
// tulle_<interface>` (platform::kill_switch_table), with one output chain whose policy is drop.
// Every change is one nftables transaction. No external programs (nft) are run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "platform/firewall.hpp"

struct nft_ctx;

namespace tulle::platform::linux_impl {

class FirewallNft final : public Firewall {
  public:
    // Acts on the network namespace of the calling thread. Throws std::system_error.
    FirewallNft();
    ~FirewallNft() override;
    FirewallNft(const FirewallNft&) = delete;
    FirewallNft& operator=(const FirewallNft&) = delete;

    void set_kill_switch(const KillSwitch& rules) override;
    void remove_kill_switch(std::string_view interface) override;
    [[nodiscard]] std::vector<std::string> kill_switches() override;

  private:
    // Runs an nftables script; returns its output, or throws naming `what`.
    std::string run(const std::string& script, const std::string& what);

    nft_ctx* context_ = nullptr;
};

}  // namespace tulle::platform::linux_impl
