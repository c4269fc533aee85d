// Reload without restart (SIGHUP, `systemctl reload tulled`): what changes when a running tunnel's
// file is read again, as `wg syncconf` applies it. Pure: it compares configurations and says what
// to set; StandaloneTunnel::reload applies the plan to the device and the interface.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/tunnel_config.hpp"
#include "daemon/uapi.hpp"
#include "ipc/wg_config.hpp"
#include "value/ip.hpp"
#include "value/key.hpp"

namespace tulle::daemon {

struct ReloadPlan {
    // Only what changed: peers that are not in it are not touched, so they keep their sessions.
    // Removed peers come first, as remove sections.
    UapiSet set;
    std::vector<HostEndpoint> resolve;  // host-name endpoints of peers added or changed
    std::optional<std::uint32_t> mtu;   // the new MTU, when it changed
    std::vector<value::IpPrefix> add_addresses;
    std::vector<value::IpPrefix> remove_addresses;
    std::vector<std::string> changes;      // for the log: "peer 'laptop' added", "MTU 1380"
    std::vector<std::string> not_applied;  // for the log: what needs the tunnel down and up

    [[nodiscard]] bool empty() const { return changes.empty(); }
};

// `applied`: the file as the tunnel last applied it; `running`: the peers the interface has now
// (wg set or the control socket may have added some since); `wanted`: the file now. As
// `wg syncconf`: the file decides which peers there are (a peer it does not list is removed, one
// it lists and the interface lacks is added); a peer in both is set again only where its section
// differs from the one applied, and its endpoint only when the file changed it (a peer that
// roamed stays where it is). Table, default routes (a /0 added or removed), DNS and an FwMark
// the default route uses cannot change under a running tunnel: they are listed in not_applied.
[[nodiscard]] ReloadPlan plan_reload(const ipc::TunnelConfig& applied,
                                     const std::vector<value::Key>& running,
                                     const ipc::TunnelConfig& wanted);

}  // namespace tulle::daemon
