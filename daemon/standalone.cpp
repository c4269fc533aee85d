#include "daemon/standalone.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sys/stat.h>
#include <system_error>

#include "daemon/tunnel_config.hpp"
#include "value/text.hpp"

namespace tulle::daemon {
namespace {

// Every peer's endpoint the device knows, in the device's order.
std::vector<value::SocketAddress> endpoints_of(const DeviceStatus& snapshot) {
    std::vector<value::SocketAddress> out;
    for (const auto& peer : snapshot.peers) {
        if (peer.endpoint) {
            out.push_back(*peer.endpoint);
        }
    }
    return out;
}

std::string substitute_interface(std::string command, const std::string& name) {
    for (std::size_t at = command.find("%i"); at != std::string::npos;
         at = command.find("%i", at + name.size())) {
        command.replace(at, 2, name);
    }
    return command;
}

}  // namespace

std::string interface_name_for(const std::string& config_path) {
    std::string name = config_path.substr(config_path.rfind('/') + 1);
    const std::string suffix = ".conf";
    if (name.ends_with(suffix)) {
        name.resize(name.size() - suffix.size());
    }
    return value::check_tunnel_name(name).ok() ? name : std::string();
}

StandaloneTunnel::StandaloneTunnel(ipc::TunnelConfig config, platform::NetConfig& net,
                                   platform::Firewall* firewall, EndpointResolver& resolver,
                                   DnsControl& dns, std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)),
      net_(net),
      firewall_(firewall),
      resolver_(resolver),
      dns_(dns),
      log_(std::move(log)) {}

StandaloneTunnel::~StandaloneTunnel() {
    take_down();
}

bool StandaloneTunnel::run_hooks(const std::vector<std::string>& hooks, const char* stage) {
    for (const auto& hook : hooks) {
        const std::string command = substitute_interface(hook, interface_);
        log_->info("{}: {}: {}", interface_, stage, command);
        // Hooks are shell commands by definition (wg-quick runs them the same way) and come only
        // from root-owned files. std::system forks and execs /bin/sh; no other thread of tulled
        // touches the environment or the locale that make it unsafe.
        const int rc = std::system(command.c_str());  // NOLINT(cert-env33-c,concurrency-mt-unsafe)
        if (rc != 0) {
            log_->error("{}: {} failed (status {}): {}", interface_, stage, rc, command);
            return false;
        }
    }
    return true;
}

bool StandaloneTunnel::before_interface(const std::string& interface_name) {
    interface_ = interface_name;
    return run_hooks(config_.iface.pre_up, "PreUp");
}

std::size_t remove_stale_rules(platform::NetConfig& net) {
    const auto rules = net.list_rules();
    std::size_t tunnels = 0;
    for (const bool v6 : {false, true}) {
        std::size_t removed = 0;
        for (const auto& rule : rules) {
            if (rule.v6 == v6 && rule.protocol == platform::kTulleRouteProtocol &&
                rule.not_fwmark && !net.table_in_use(rule.table)) {
                net.remove_rule(rule);
                ++removed;
                ++tunnels;
            }
        }
        // Each such tunnel also left one suppress rule.
        for (const auto& rule : rules) {
            if (removed == 0) {
                break;
            }
            if (rule.v6 == v6 && rule.protocol == platform::kTulleRouteProtocol &&
                rule.suppress_prefix_length) {
                net.remove_rule(rule);
                --removed;
            }
        }
    }
    return tunnels;
}

bool clean_stale_rules(platform::NetConfig& net, spdlog::logger& log, const std::string& who) {
    try {
        if (const std::size_t stale = remove_stale_rules(net); stale > 0) {
            log.info("{}removed {} rule pair(s) of tunnels that are gone", who, stale);
        }
        return true;
    } catch (const std::system_error& error) {
        log.warn("{}removing the rules of tunnels that are gone: {}", who, error.what());
        return false;
    }
}

std::size_t remove_stale_kill_switches(platform::Firewall& firewall, platform::NetConfig& net) {
    std::size_t removed = 0;
    for (const auto& interface : firewall.kill_switches()) {
        if (!net.link_exists(interface)) {
            firewall.remove_kill_switch(interface);
            ++removed;
        }
    }
    return removed;
}

bool clean_stale_kill_switches(platform::Firewall& firewall, platform::NetConfig& net,
                               spdlog::logger& log, const std::string& who) {
    try {
        if (const std::size_t stale = remove_stale_kill_switches(firewall, net); stale > 0) {
            log.info("{}removed {} kill switch(es) of tunnels that are gone", who, stale);
        }
        return true;
    } catch (const std::system_error& error) {
        log.warn("{}removing the kill switches of tunnels that are gone: {}", who, error.what());
        return false;
    }
}

std::uint32_t free_policy_table(platform::NetConfig& net) {
    const auto rules = net.list_rules();
    std::uint32_t table = kDefaultPolicyTable;
    while (net.table_in_use(table) ||
           std::any_of(rules.begin(), rules.end(), [table](const platform::RoutingRule& rule) {
               return rule.table == table || rule.not_fwmark == table;
           })) {
        ++table;
    }
    return table;
}

bool StandaloneTunnel::prepare_kill_switch() const {
    // Every start removes the kill switches of tunnels that are gone, as it does their rules.
    if (firewall_ != nullptr) {
        (void)clean_stale_kill_switches(*firewall_, net_, *log_, interface_ + ": ");
    }
    if (!config_.iface.kill_switch) {
        return true;
    }
    if (auto allowed = kill_switch_allowed(config_); !allowed) {
        log_->error("{}: {}", interface_, allowed.error());
        return false;
    }
    if (firewall_ == nullptr) {
        log_->error("{}: no firewall to put a kill switch in place", interface_);
        return false;
    }
    return true;
}

bool StandaloneTunnel::put_kill_switch(std::uint32_t fwmark, Device& device) {
    // Before the routes: from the moment traffic is steered into the tunnel, nothing leaks
    // beside it.
    const platform::KillSwitch rules =
        kill_switch_for(interface_, config_, fwmark, endpoints_of(device.snapshot()));
    try {
        firewall_->set_kill_switch(rules);
        kill_switch_ = rules;
    } catch (const std::system_error& error) {
        log_->error("{}: {}", interface_, error.what());
        return false;
    }
    log_->info(
        "{}: kill switch on: only the tunnel, its peers' endpoints, loopback, DHCP and "
        "neighbour discovery{} pass",
        interface_, rules.allow_lan ? " and the local network" : "");
    return true;
}

bool StandaloneTunnel::bring_up(Device& device) {
    up_ = true;
    InterfacePlan plan = plan_interface(config_);
    // Every start cleans up after a killed run (its own, or another tunnel's), whether or not
    // this tunnel takes the default route itself.
    if (!clean_stale_rules(net_, *log_, interface_ + ": ") && !plan.default_routes.empty()) {
        // The rules this tunnel needs could clash with the stale ones.
        log_->error("{}: not taking the default route while stale rules may be in place",
                    interface_);
        return false;
    }
    if (!plan.default_routes.empty() && config_.iface.fwmark == 0) {
        try {
            plan.policy_table = free_policy_table(net_);
        } catch (const std::system_error& error) {
            log_->error("{}: {}", interface_, error.what());
            return false;
        }
    }
    if (!prepare_kill_switch()) {
        return false;
    }
    UapiSet set = to_uapi_set(config_);
    if (!plan.default_routes.empty()) {
        // The tunnel's own UDP packets carry the mark, so they skip the tunnel's table.
        set.fwmark = plan.policy_table;
    }
    if (const int error = device.apply(set); error != 0) {
        log_->error("{}: applying the configuration failed: {}", interface_,
                    apply_error_message(error, device.engine().config().max_peers,
                                        device.max_allowed_ips()));
        return false;
    }
    device_ = &device;
    alive_ = std::make_shared<int>(0);
    if (config_.iface.kill_switch && !put_kill_switch(set.fwmark.value_or(0), device)) {
        return false;
    }
    for (const auto& host : host_endpoints(config_)) {
        resolve_endpoint(host);
    }
    try {
        net_.set_mtu(interface_, plan.mtu);
        for (const auto& address : plan.addresses) {
            net_.add_address(interface_, address);
            added_addresses_.push_back(address);
        }
        net_.set_up(interface_, true);
        for (const auto& route : plan.routes) {
            net_.add_route(interface_, route, plan.table);
            note_route(route, plan.table);
        }
        if (!plan.default_routes.empty()) {
            if (std::any_of(plan.default_routes.begin(), plan.default_routes.end(),
                            [](const value::IpPrefix& p) { return p.address().is_v4(); })) {
                net_.mark_aware_reverse_path();
            }
            for (const auto& route : plan.default_routes) {
                net_.add_route(interface_, route, plan.policy_table);
                note_route(route, plan.policy_table);
            }
            for (const auto& rule : plan.policy_rules()) {
                net_.add_rule(rule);
                added_rules_.push_back(rule);
            }
            log_->info("{}: default route through the tunnel (table and fwmark {})", interface_,
                       plan.policy_table);
        }
    } catch (const std::system_error& error) {
        log_->error("{}", error.what());
        return false;
    }
    for (const auto& why : plan.skipped_routes) {
        log_->warn("{}: route {}", interface_, why);
    }
    apply_dns();
    log_->info("{}: up with {} address(es), {} route(s), MTU {}", interface_,
               added_addresses_.size(), added_routes_.size(), plan.mtu);
    return run_hooks(config_.iface.post_up, "PostUp");
}

void StandaloneTunnel::apply_dns() {
    // Every start undoes what a killed tulled left, as with the rules above.
    if (const std::size_t stale = dns_.clean_stale(); stale > 0) {
        log_->info("{}: undid the DNS settings of {} tunnel(s) that are gone", interface_, stale);
    }
    platform::DnsSettings settings;
    settings.servers = config_.iface.dns_servers;
    settings.search = config_.iface.dns_search;
    settings.full_tunnel =
        std::any_of(config_.peers.begin(), config_.peers.end(), [](const auto& peer) {
            return std::any_of(peer.allowed_ips.begin(), peer.allowed_ips.end(),
                               [](const value::IpPrefix& prefix) { return prefix.length() == 0; });
        });
    dns_applied_ = dns_.apply(interface_, settings);
}

void StandaloneTunnel::note_route(const value::IpPrefix& route, std::uint32_t table) {
    added_routes_.emplace_back(route, table);
    route_index_.emplace(route, table);
}

InterfacePlan StandaloneTunnel::routes_for(const std::vector<value::IpPrefix>& allowed_ips) const {
    ipc::TunnelConfig shape;
    shape.iface.table = config_.iface.table;
    ipc::PeerConfig everyone;
    everyone.allowed_ips = allowed_ips;
    shape.peers.push_back(std::move(everyone));
    return plan_interface(shape);
}

void StandaloneTunnel::sync_routes(const std::vector<value::IpPrefix>& allowed_ips) {
    if (!up_) {
        return;
    }
    const InterfacePlan plan = routes_for(allowed_ips);
    // A set, not a search in the list: a wg set of 100,000 allowed IPs must not take n squared.
    const std::set<value::IpPrefix> wanted(plan.routes.begin(), plan.routes.end());
    // Drop what is no longer wanted (the default routes stay as they were set up).
    std::erase_if(added_routes_, [&](const auto& added) {
        const auto& [route, table] = added;
        if (table != plan.table || wanted.contains(route)) {
            return false;
        }
        route_index_.erase(added);
        try {
            net_.remove_route(interface_, route, table);
        } catch (const std::system_error& error) {
            log_->warn("{}", error.what());
        }
        return true;
    });
    add_routes(allowed_ips);
}

void StandaloneTunnel::add_routes(const std::vector<value::IpPrefix>& allowed_ips) {
    if (!up_) {
        return;
    }
    const InterfacePlan plan = routes_for(allowed_ips);
    for (const auto& route : plan.routes) {
        if (route_index_.contains({route, plan.table})) {
            continue;
        }
        try {
            net_.add_route(interface_, route, plan.table);
            note_route(route, plan.table);
        } catch (const std::system_error& error) {
            log_->warn("{}", error.what());
        }
    }
}

void StandaloneTunnel::take_down() {
    if (!up_) {
        return;
    }
    up_ = false;
    device_ = nullptr;
    alive_.reset();
    pending_.clear();
    (void)run_hooks(config_.iface.pre_down, "PreDown");
    dns_.revert(dns_applied_.entry);
    dns_applied_ = {};
    for (const auto& rule : added_rules_) {
        try {
            net_.remove_rule(rule);
        } catch (const std::system_error& error) {
            log_->warn("{}: {}", interface_, error.what());
        }
    }
    for (const auto& [route, table] : added_routes_) {
        try {
            net_.remove_route(interface_, route, table);
        } catch (const std::system_error& error) {
            log_->debug("{}", error.what());  // gone with the interface already
        }
    }
    for (const auto& address : added_addresses_) {
        try {
            net_.remove_address(interface_, address);
        } catch (const std::system_error& error) {
            log_->debug("{}", error.what());
        }
    }
    if (kill_switch_ && firewall_ != nullptr) {
        try {
            firewall_->remove_kill_switch(interface_);
            log_->info("{}: kill switch off", interface_);
        } catch (const std::system_error& error) {
            log_->error("{}: {}", interface_, error.what());
        }
    }
    kill_switch_.reset();
    added_rules_.clear();
    added_routes_.clear();
    route_index_.clear();
    added_addresses_.clear();
    (void)run_hooks(config_.iface.post_down, "PostDown");
}

std::optional<ReloadPlan> StandaloneTunnel::reload(ipc::TunnelConfig wanted) {
    if (!up_ || device_ == nullptr) {
        return std::nullopt;
    }
    std::vector<value::Key> running;
    for (const auto& peer : device_->snapshot().peers) {
        running.emplace_back(peer.public_key);
    }
    ReloadPlan plan = plan_reload(config_, running, wanted);
    for (const auto& what : plan.not_applied) {
        log_->warn(
            "{}: reload: {} cannot change while the tunnel runs; it stays as it was "
            "until the tunnel is taken down and up",
            interface_, what);
    }
    if (const int error = device_->apply(plan.set); error != 0) {
        log_->error("{}: reload refused, the tunnel runs as before: {}", interface_,
                    apply_error_message(error, device_->engine().config().max_peers,
                                        device_->max_allowed_ips()));
        return std::nullopt;
    }
    for (const auto& peer : plan.set.peers) {
        if (peer.endpoint || peer.remove) {
            forget_pending(peer.public_key);
        }
    }
    for (const auto& host : plan.resolve) {
        resolve_endpoint(host);
    }
    try {
        if (plan.mtu) {
            net_.set_mtu(interface_, *plan.mtu);
        }
        for (const auto& address : plan.remove_addresses) {
            net_.remove_address(interface_, address);
            std::erase(added_addresses_, address);
        }
        for (const auto& address : plan.add_addresses) {
            net_.add_address(interface_, address);
            added_addresses_.push_back(address);
        }
    } catch (const std::system_error& error) {
        log_->error("{}: reload: {}", interface_, error.what());
    }
    // What could not change stays as it runs, so routes and take_down() keep matching it.
    wanted.iface.table = config_.iface.table;
    wanted.iface.dns_servers = config_.iface.dns_servers;
    wanted.iface.dns_search = config_.iface.dns_search;
    wanted.iface.kill_switch = config_.iface.kill_switch;
    wanted.iface.allow_lan = config_.iface.allow_lan;
    if (!plan_interface(config_).default_routes.empty() ||
        !plan_interface(wanted).default_routes.empty()) {
        wanted.iface.fwmark = config_.iface.fwmark;
    }
    config_ = std::move(wanted);
    std::vector<value::IpPrefix> allowed;
    for (const auto& peer : device_->snapshot().peers) {
        allowed.insert(allowed.end(), peer.allowed_ips.begin(), peer.allowed_ips.end());
    }
    sync_routes(allowed);
    for (const auto& what : plan.changes) {
        log_->info("{}: reload: {}", interface_, what);
    }
    if (plan.empty()) {
        log_->info("{}: reload: nothing changed", interface_);
    }
    return plan;
}

void StandaloneTunnel::follow_endpoints(const DeviceStatus& snapshot) {
    if (!up_ || !kill_switch_ || firewall_ == nullptr) {
        return;
    }
    platform::KillSwitch rules =
        kill_switch_for(interface_, config_, kill_switch_->fwmark, endpoints_of(snapshot));
    if (rules == *kill_switch_) {
        return;
    }
    try {
        firewall_->set_kill_switch(rules);
        kill_switch_ = std::move(rules);
        log_->info("{}: kill switch follows the peers' endpoints ({})", interface_,
                   kill_switch_->endpoints.size());
    } catch (const std::system_error& error) {
        log_->error("{}: {}", interface_, error.what());
    }
}

void StandaloneTunnel::resolve_endpoint(const HostEndpoint& host) {
    if (device_ == nullptr) {
        return;
    }
    const std::uint64_t request = ++requests_;
    pending_[host.peer] = request;
    log_->info("{}: peer {}: resolving {}", interface_, host.who, host.host);
    resolver_.resolve(host.host, host.port,
                      [this, alive = std::weak_ptr<int>(alive_), host,
                       request](const value::Result<value::SocketAddress>& answer) {
                          if (!alive.expired()) {
                              on_resolved(host, request, answer);
                          }
                      });
}

void StandaloneTunnel::forget_pending(const core::PublicKey& peer) {
    pending_.erase(peer);
}

void StandaloneTunnel::on_resolved(const HostEndpoint& host, std::uint64_t request,
                                   const value::Result<value::SocketAddress>& answer) {
    const auto pending = pending_.find(host.peer);
    if (pending == pending_.end() || pending->second != request || device_ == nullptr) {
        return;  // an endpoint was set since, or a newer request is under way
    }
    pending_.erase(pending);
    if (!answer.ok()) {
        log_->error("{}: peer {}: Endpoint: {}", interface_, host.who, answer.error());
        return;
    }
    UapiPeer peer;
    peer.public_key = host.peer;
    peer.update_only = true;  // a peer removed meanwhile stays removed
    peer.endpoint = answer.value();
    UapiSet set;
    set.peers.push_back(peer);
    if (const int error = device_->apply(set); error != 0) {
        log_->error("{}: peer {}: Endpoint: {}", interface_, host.who,
                    std::generic_category().message(error));
        return;
    }
    log_->info("{}: peer {}: {} is {}", interface_, host.who, host.host,
               answer.value().to_string());
}

}  // namespace tulle::daemon
