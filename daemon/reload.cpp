#include "daemon/reload.hpp"

#include <algorithm>
#include <set>

namespace tulle::daemon {
namespace {

std::string who(const ipc::PeerConfig& peer) {
    return peer.name.empty() ? peer.public_key.to_base64() : "'" + peer.name + "'";
}

const ipc::PeerConfig* find_peer(const ipc::TunnelConfig& config, const value::Key& key) {
    const auto found = std::find_if(config.peers.begin(), config.peers.end(),
                                    [&](const ipc::PeerConfig& p) { return p.public_key == key; });
    return found == config.peers.end() ? nullptr : &*found;
}

// A peer's section without its name, which the engine does not know.
bool same_section(ipc::PeerConfig a, const ipc::PeerConfig& b) {
    a.name = b.name;
    return a == b;
}

bool same_hooks(const ipc::InterfaceConfig& a, const ipc::InterfaceConfig& b) {
    return a.pre_up == b.pre_up && a.post_up == b.post_up && a.pre_down == b.pre_down &&
           a.post_down == b.post_down;
}

void plan_interface_changes(const ipc::InterfaceConfig& before, const ipc::InterfaceConfig& after,
                            const InterfacePlan& old_plan, const InterfacePlan& new_plan,
                            ReloadPlan& plan) {
    if (!(before.private_key == after.private_key)) {
        core::PrivateKey key;
        std::copy(after.private_key.bytes().begin(), after.private_key.bytes().end(),
                  key.bytes().begin());
        plan.set.private_key = std::optional<core::PrivateKey>(key);
        plan.changes.emplace_back("PrivateKey (every peer's session starts over)");
    }
    if (before.listen_port != after.listen_port) {
        plan.set.listen_port = after.listen_port.value_or(0);
        plan.changes.push_back("ListenPort " + (after.listen_port
                                                    ? std::to_string(*after.listen_port)
                                                    : std::string("chosen by the system")));
    }
    const bool policy = !old_plan.default_routes.empty() || !new_plan.default_routes.empty();
    if (before.fwmark != after.fwmark) {
        if (policy) {
            plan.not_applied.emplace_back("FwMark (the default route's rules use it)");
        } else {
            plan.set.fwmark = after.fwmark;
            plan.changes.push_back("FwMark " + std::to_string(after.fwmark));
        }
    }
    if (old_plan.mtu != new_plan.mtu) {
        plan.mtu = new_plan.mtu;
        plan.changes.push_back("MTU " + std::to_string(new_plan.mtu));
    }
    const std::set<value::IpPrefix> had(before.addresses.begin(), before.addresses.end());
    const std::set<value::IpPrefix> wants(after.addresses.begin(), after.addresses.end());
    for (const auto& address : wants) {
        if (!had.contains(address)) {
            plan.add_addresses.push_back(address);
            plan.changes.push_back("Address " + address.to_string() + " added");
        }
    }
    for (const auto& address : had) {
        if (!wants.contains(address)) {
            plan.remove_addresses.push_back(address);
            plan.changes.push_back("Address " + address.to_string() + " removed");
        }
    }
    if (!(before.table == after.table)) {
        plan.not_applied.emplace_back("Table");
    }
    if (old_plan.default_routes != new_plan.default_routes) {
        plan.not_applied.emplace_back("a default route (AllowedIPs of /0) added or removed");
    }
    if (before.dns_servers != after.dns_servers || before.dns_search != after.dns_search) {
        plan.not_applied.emplace_back("DNS");
    }
    if (before.kill_switch != after.kill_switch || before.allow_lan != after.allow_lan) {
        plan.not_applied.emplace_back("the kill switch (# tulle: kill-switch)");
    }
    if (!same_hooks(before, after)) {
        plan.not_applied.emplace_back(
            "PreUp, PostUp, PreDown or PostDown (the new ones run when the tunnel next goes "
            "down or comes up)");
    }
}

}  // namespace

ReloadPlan plan_reload(const ipc::TunnelConfig& applied, const std::vector<value::Key>& running,
                       const ipc::TunnelConfig& wanted) {
    ReloadPlan plan;
    plan_interface_changes(applied.iface, wanted.iface, plan_interface(applied),
                           plan_interface(wanted), plan);
    const std::set<value::Key> present(running.begin(), running.end());
    for (const auto& key : running) {
        if (find_peer(wanted, key) == nullptr) {
            UapiPeer gone;
            std::copy(key.bytes().begin(), key.bytes().end(), gone.public_key.begin());
            gone.remove = true;
            plan.set.peers.push_back(gone);
            const ipc::PeerConfig* old = find_peer(applied, key);
            plan.changes.push_back("peer " + (old != nullptr ? who(*old) : key.to_base64()) +
                                   " removed");
        }
    }
    for (const auto& peer : wanted.peers) {
        const ipc::PeerConfig* old = find_peer(applied, peer.public_key);
        const bool there = present.contains(peer.public_key);
        if (there && old != nullptr && same_section(*old, peer)) {
            continue;  // untouched: its session goes on
        }
        UapiPeer change = to_uapi_peer(peer);
        if (there && !change.preshared_key) {
            change.preshared_key = core::SymmetricKey{};  // the file dropped it: none
        }
        const bool new_endpoint = !there || old == nullptr || old->endpoint != peer.endpoint;
        if (!new_endpoint) {
            change.endpoint.reset();  // where the peer roamed to stays
        } else if (auto host = host_endpoint(peer)) {
            plan.resolve.push_back(std::move(*host));
        }
        plan.set.peers.push_back(std::move(change));
        plan.changes.push_back("peer " + who(peer) + (there ? " changed" : " added"));
    }
    return plan;
}

}  // namespace tulle::daemon
