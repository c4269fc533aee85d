#include "daemon/service.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <sodium.h>

#include "daemon/standalone.hpp"
#include "daemon/tunnel_config.hpp"
#include "ipc/methods.hpp"
#include "ipc/version.hpp"
#include "ipc/wg_config.hpp"
#include "platform/local_addresses.hpp"
#include "platform/local_peer.hpp"

namespace tulle::daemon {
namespace {

using ipc::ErrorCode;

using ipc::refuse;

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

Service::Service(boost::asio::io_context& io, Options options, LogHub& logs,
                 std::shared_ptr<spdlog::logger> log, TunnelDeps deps)
    : io_(io),
      options_(std::move(options)),
      logs_(logs),
      log_(std::move(log)),
      deps_(std::move(deps)),
      systems_(options_.config_directory),
      networks_(
          MeshHost{io, [this](const std::string& name) { return find(name); },
                   [this](const std::string& name, ipc::TunnelConfig config) {
                       return bring_up(name, std::move(config));
                   },
                   [this](const std::string& name) { take_down(name); },
                   [this](const ipc::NetworkChanged& changed) { publish_network(changed); },
                   options_.clock ? options_.clock : unix_now, platform::local_addresses,
                   [this](const ipc::PathChanged& changed) {
                       if (server_) {
                           server_->publish(ipc::PathChangedEvent::topic,
                                            ipc::notification<ipc::PathChangedEvent>(changed));
                       }
                   },
                   [this] { return monitor_ != nullptr && monitor_->watching(); }},
          options_.config_directory + "/networks",
          [this](const std::string& name) { return tunnel_name_taken(name); }, log_),
      ticker_(io) {
    deps_.uapi_directory = options_.uapi_directory;
    ipc::Methods::for_each([this](auto type) {
        using M = typename decltype(type)::type;
        methods_.on<M>([this](ControlClient& client, const typename M::Params& params) {
            return handle(M{}, client, params);
        });
    });
}

Service::~Service() {
    stop();
}

void Service::start() {
    ControlServer::Options server_options;
    server_options.path = options_.socket_path;
    server_options.group = platform::group_id(options_.group);
    server_options.max_queued_bytes = options_.max_queued_bytes;
    server_options.return_memory = options_.return_memory;
    if (!server_options.group) {
        log_->warn("no group '{}' on this system: only root may use {}", options_.group,
                   options_.socket_path);
    }
    server_ = std::make_unique<ControlServer>(
        io_, server_options,
        [this](ControlClient& client, const ipc::Request& request) {
            return call(client, request);
        },
        log_);
    server_->start();
    running_ = true;
    started_at_ = std::chrono::steady_clock::now();
    // New log lines become `log` events; the hub may call from any thread.
    logs_.set_listener([this](ipc::LogLine line) {
        boost::asio::post(io_, [this, line = std::move(line)] {
            if (running_ && server_) {
                server_->publish(ipc::LogEvent::topic, ipc::notification<ipc::LogEvent>(line));
            }
        });
    });
    log_->info("serving the control socket at {}", options_.socket_path);
    // A service that was killed (-9, a crash, the OOM killer) left the policy rules of its
    // default-route tunnels behind; they go now, not when the next such tunnel comes up.
    (void)clean_stale_rules(deps_.net, *log_, "");
    // And the DNS settings it handed to systemd-resolved or resolvconf for them.
    if (const std::size_t stale = deps_.dns.clean_stale(); stale > 0) {
        log_->info("undid the DNS settings of {} tunnel(s) that are gone", stale);
    }
    // ... and their kill switches, which would block this machine's traffic for good.
    if (deps_.firewall != nullptr) {
        (void)clean_stale_kill_switches(*deps_.firewall, deps_.net, *log_, "");
    }
    autostart();
    watch_network();
    networks_.start();
    ticker_.expires_after(std::chrono::seconds(1));
    ticker_.async_wait([this](const boost::system::error_code& e) {
        if (!e && running_) {
            tick();
        }
    });
}

void Service::stop() {
    if (!running_) {
        return;
    }
    running_ = false;
    logs_.set_listener(nullptr);
    ticker_.cancel();
    monitor_.reset();
    networks_.stop();
    while (!tunnels_.empty()) {
        take_down(tunnels_.begin()->first);
    }
    if (server_) {
        server_->stop();
    }
}

void Service::watch_network() {
    if (!options_.watch_network) {
        return;
    }
    platform::NetworkWatch watch;
    watch.changed = [this] {
        if (running_) {
            networks_.host_network_changed();
        }
    };
    // A network's own tunnel coming up or going down is no change of the way out.
    watch.ignore = [this](const std::string& interface) { return networks_.has(interface); };
    watch.failed = [this](const std::string& why) {
        log_->warn("network monitor stopped ({}); polling this host's addresses every second", why);
    };
    try {
        monitor_ = options_.watch_network(io_, std::move(watch));
    } catch (const std::exception& failure) {
        log_->warn("cannot watch this host's network ({}); polling its addresses every second",
                   failure.what());
    }
}

ipc::Response Service::call(ControlClient& client, const ipc::Request& request) {
    const std::string& m = request.method;
    const auto* method = methods_.find(m);
    if (method == nullptr) {
        return ipc::Response{request.id, refuse(ErrorCode::method_not_found,
                                                "unknown method " + value::quote(m.substr(0, 64)))};
    }
    if (method->mutates) {
        log_->info("control: uid {} ({}) calls {}", client.peer.uid, value::for_log(client.name),
                   m);
    }
    ipc::Outcome<ipc::Json> outcome = ipc::Json::object();
    try {
        outcome = method->handler(client, request.params);
    } catch (const std::exception& failure) {
        log_->error("control: {} failed: {}", m, failure.what());
        outcome = refuse(ErrorCode::internal_error, m + " failed: " + failure.what());
    }
    if (!outcome.ok() && method->mutates) {
        log_->info("control: {} refused: {}", m, value::for_log(outcome.error().message));
    }
    return ipc::Response{request.id, std::move(outcome)};
}

Service::Outcome<ipc::DaemonStatus> Service::handle(ipc::DaemonStatusMethod /*method*/,
                                                    ControlClient& /*client*/,
                                                    const ipc::NoParams& /*params*/) {
    ipc::DaemonStatus status;
    status.daemon = ipc::version_text("tulled");
    status.version = ipc::kProtocolVersion;
    status.uptime = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::steady_clock::now() - started_at_)
                        .count();
    status.tunnels_up = tunnels_.size();
    status.clients = server_ ? server_->client_count() : 0;
    return status;
}

DaemonMetrics Service::metrics() const {
    DaemonMetrics metrics;
    metrics.version = kVersion;
    metrics.control_clients = server_ ? server_->client_count() : 0;
    for (const auto& [name, tunnel] : tunnels_) {
        const Tunnel& up = *tunnel;
        metrics.tunnels.push_back(metrics_of(
            name, up.device(), [&up](const value::Key& key) { return up.peer_name(key); }));
    }
    return metrics;
}

Service::Outcome<ipc::TunnelList> Service::handle(ipc::TunnelListMethod /*method*/,
                                                  ControlClient& /*client*/,
                                                  const ipc::NoParams& /*params*/) {
    std::vector<std::string> names = systems_.names();
    for (const auto& [name, tunnel] : tunnels_) {
        names.push_back(name);
    }
    for (const auto& [name, config] : kept_) {
        names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    ipc::TunnelList list;
    for (const auto& name : names) {
        list.tunnels.push_back(status_of(name));
    }
    return list;
}

Service::Outcome<ipc::TunnelStatus> Service::handle(ipc::TunnelUpMethod /*method*/,
                                                    ControlClient& client,
                                                    const ipc::TunnelUp& up) {
    if (find(up.name) != nullptr) {
        return refuse(ErrorCode::already_exists, "tunnel '" + up.name + "' is up already");
    }
    if (networks_.has(up.name)) {
        // A mesh network's tunnel comes up from its network file, as at tulled's start.
        if (up.config) {
            return refuse(ErrorCode::already_exists, "params.name: '" + up.name +
                                                         "' is the tunnel of mesh network '" +
                                                         up.name + "'; pick another name");
        }
        if (auto started = networks_.start_tunnel(up.name); !started.ok()) {
            return refuse(started.error());
        }
        return status_of(up.name);
    }
    // The caller's kill-switch choice for this run wins over the file's.
    const auto choose = [&up](ipc::TunnelConfig& config) {
        config.iface.kill_switch = up.kill_switch.value_or(config.iface.kill_switch);
        config.iface.allow_lan = up.allow_lan.value_or(config.iface.allow_lan);
    };
    if (!up.config) {
        if (auto kept = kept_.find(up.name); kept != kept_.end()) {
            // Brought up with a config before and down since: the same again.
            if (auto port = check_port(client, kept->second); !port) {
                return refuse(port.error());
            }
            return bring_up(up.name, kept->second);
        }
        auto system = systems_.read(up.name);
        if (!system) {
            return refuse(system.error());
        }
        choose(system->config);
        return bring_up(up.name, std::move(system->config));
    }
    // A caller's file may not carry hooks: they would run as root.
    auto parsed = ipc::parse_config(*up.config, "params.config", /*allow_hooks=*/false);
    if (!parsed.ok()) {
        return refuse(ErrorCode::invalid_params, ipc::to_one_line(parsed.error()));
    }
    if (auto port = check_port(client, parsed.value()); !port) {
        return refuse(port.error());
    }
    if (!kept_.contains(up.name) && kept_.size() >= kMaxTunnels) {
        return refuse(ErrorCode::busy, "tulled keeps " + std::to_string(kMaxTunnels) +
                                           " tunnels that were not saved already; delete one "
                                           "first (tullectl delete NAME)");
    }
    choose(parsed.value());
    ipc::TunnelConfig config = parsed.value();
    auto status = bring_up(up.name, std::move(parsed).value());
    if (status.ok()) {
        kept_.insert_or_assign(up.name, std::move(config));
    }
    return status;
}

Service::Outcome<ipc::TunnelStatus> Service::bring_up(const std::string& name,
                                                      ipc::TunnelConfig config) {
    if (deps_.net.link_exists(name)) {
        return refuse(ErrorCode::already_exists,
                      "an interface named '" + name + "' exists already on this system");
    }
    if (tunnels_.size() >= kMaxTunnels) {
        return refuse(ErrorCode::busy, "tulled runs " + std::to_string(kMaxTunnels) +
                                           " tunnels already; take one down first");
    }
    if (config.iface.kill_switch) {
        if (auto allowed = kill_switch_allowed(config); !allowed) {
            return refuse(ErrorCode::invalid_params,
                          "kill switch of tunnel '" + name + "': " + allowed.error());
        }
        if (deps_.firewall == nullptr) {
            return refuse(ErrorCode::internal_error,
                          "kill switch of tunnel '" + name + "': this tulled has no firewall");
        }
    }
    auto tunnel = std::make_unique<Tunnel>(deps_, name, std::move(config), log_);
    try {
        tunnel->start();
    } catch (const std::exception& failure) {
        retire(std::move(tunnel));
        return refuse(ErrorCode::internal_error,
                      "tunnel '" + name + "' could not start: " + failure.what());
    }
    tunnel->on_gone = [this, name, which = tunnel.get()] {
        boost::asio::post(io_, [this, name, which] {
            if (find(name) == which && which != nullptr) {  // not a newer tunnel of that name
                log_->info("{}: the interface went away; tunnel down", name);
                take_down(name);
            }
        });
    };
    tunnel->on_peer_changed_by_wg = [this, name](const value::Key& key, bool removed) {
        publish_peer(name, key, removed);
    };
    tunnels_[name] = std::move(tunnel);
    publish_tunnel(name, false);
    return status_of(name);
}

Service::Outcome<ipc::TunnelStatus> Service::handle(ipc::TunnelDownMethod /*method*/,
                                                    ControlClient& /*client*/,
                                                    const ipc::TunnelRef& ref) {
    if (find(ref.name) == nullptr) {
        return refuse(ErrorCode::not_found, "no tunnel '" + ref.name + "' is up");
    }
    take_down(ref.name);
    return status_of(ref.name);
}

void Service::take_down(const std::string& which) {
    // `which` may be the key of the map entry erase() frees below: keep a copy.
    const std::string name = which;  // NOLINT(performance-unnecessary-copy-initialization)
    auto found = tunnels_.find(name);
    if (found == tunnels_.end()) {
        return;
    }
    if (auto kept = kept_.find(name); kept != kept_.end()) {
        // Peers changed while it ran come back with it.
        kept->second = found->second->current_config(true);
    }
    found->second->stop();
    retire(std::move(found->second));
    tunnels_.erase(found);
    publish_tunnel(name, false);
}

void Service::retire(std::unique_ptr<Tunnel> tunnel) {
    // Handlers of the stopped device may already be queued on the loop: they run (and find it
    // stopped) before the tunnel is freed.
    std::shared_ptr<Tunnel> last(std::move(tunnel));
    boost::asio::post(io_, [last] {});
}

Service::Outcome<ipc::TunnelDetail> Service::handle(ipc::TunnelGetMethod /*method*/,
                                                    ControlClient& /*client*/,
                                                    const ipc::TunnelRef& ref) {
    ipc::TunnelDetail detail;
    detail.status = status_of(ref.name);
    if (Tunnel* tunnel = find(ref.name)) {
        detail.peers = tunnel->peers();
        const ipc::TunnelConfig config = tunnel->current_config(false);
        detail.config = ipc::write_config(config, false);
        detail.settings = ipc::settings_of(config.iface);
        return detail;
    }
    if (auto kept = kept_.find(ref.name); kept != kept_.end()) {
        return detail_of_stopped(ref.name, kept->second);
    }
    auto system = systems_.read(ref.name);
    if (!system) {
        return refuse(system.error());
    }
    return detail_of_stopped(ref.name, system->config);
}

ipc::TunnelDetail Service::detail_of_stopped(const std::string& name,
                                             const ipc::TunnelConfig& config) const {
    ipc::TunnelDetail detail;
    detail.status = status_of(name);
    for (const auto& peer : config.peers) {
        ipc::PeerStatus status;
        status.public_key = peer.public_key;
        status.name = peer.name;
        status.endpoint = peer.endpoint;
        status.allowed_ips = peer.allowed_ips;
        status.persistent_keepalive = peer.persistent_keepalive;
        status.has_preshared_key = peer.preshared_key.has_value();
        detail.peers.push_back(std::move(status));
    }
    detail.status.addresses = config.iface.addresses;
    detail.status.peers = config.peers.size();
    ipc::TunnelConfig shown = config;
    shown.iface.pre_up.clear();  // root's commands are root's business
    shown.iface.post_up.clear();
    shown.iface.pre_down.clear();
    shown.iface.post_down.clear();
    detail.config = ipc::write_config(shown, false);
    detail.settings = ipc::settings_of(config.iface);
    return detail;
}

// What group members may not do (#15 item 9; docs/attack-surface.md, "Who may do what"): listen
// below 1024, where only root's services listen, ...
ipc::Outcome<void> Service::check_port(const ControlClient& client,
                                       const ipc::TunnelConfig& config) {
    if (client.peer.uid == 0 || !config.iface.listen_port || *config.iface.listen_port == 0 ||
        *config.iface.listen_port >= kFirstUnprivilegedPort) {
        return {};
    }
    return ipc::refuse(ErrorCode::permission_denied,
                       "params.config: ListenPort " + std::to_string(*config.iface.listen_port) +
                           " is below " + std::to_string(kFirstUnprivilegedPort) +
                           "; only root may listen there");
}

// ... and replace a system tunnel someone else saved (root's, with its hooks, above all).
ipc::Outcome<void> Service::check_replace(const ControlClient& client,
                                          const std::string& name) const {
    if (client.peer.uid == 0 || !systems_.exists(name)) {
        return {};
    }
    const auto existing = systems_.read(name);
    const std::uint32_t owner = existing ? existing->saved_by : 0;
    if (existing && owner == client.peer.uid) {
        return {};
    }
    return ipc::refuse(ErrorCode::permission_denied,
                       "system tunnel '" + name + "' was saved by " +
                           (owner == 0 ? std::string("root") : "uid " + std::to_string(owner)) +
                           "; only root" + (owner == 0 ? "" : " or uid " + std::to_string(owner)) +
                           " may replace it");
}

Service::Outcome<ipc::TunnelStatus> Service::handle(ipc::TunnelSaveMethod /*method*/,
                                                    ControlClient& client,
                                                    const ipc::TunnelSave& save) {
    if (networks_.has(save.name)) {
        return refuse(ErrorCode::invalid_params,
                      "params.name: '" + save.name + "' is the tunnel of mesh network '" +
                          save.name +
                          "', kept in its network file; it is not saved as a system "
                          "tunnel");
    }
    ipc::TunnelConfig config;
    if (save.config) {
        auto parsed = ipc::parse_config(*save.config, "params.config", /*allow_hooks=*/false);
        if (!parsed.ok()) {
            return refuse(ErrorCode::invalid_params, ipc::to_one_line(parsed.error()));
        }
        config = std::move(parsed).value();
    } else if (Tunnel* tunnel = find(save.name)) {
        config = tunnel->current_config(true);
    } else {
        return refuse(ErrorCode::not_found,
                      "no tunnel '" + save.name + "' is up; give params.config to save a new one");
    }
    if (auto allowed = check_port(client, config); !allowed) {
        return refuse(allowed.error());
    }
    if (auto allowed = check_replace(client, save.name); !allowed) {
        return refuse(allowed.error());
    }
    if (auto saved = systems_.save(save.name, config, save.autostart, client.peer.uid); !saved) {
        return refuse(saved.error());
    }
    kept_.erase(save.name);  // its file is what it comes up from now
    log_->info("{}: saved as a system tunnel{}", save.name, save.autostart ? " (autostart)" : "");
    publish_tunnel(save.name, false);
    return status_of(save.name);
}

Service::Outcome<ipc::Done> Service::handle(ipc::TunnelDeleteMethod /*method*/,
                                            ControlClient& /*client*/, const ipc::TunnelRef& ref) {
    if (!kept_.contains(ref.name)) {
        if (systems_.exists(ref.name)) {
            return refuse(ErrorCode::permission_denied,
                          "'" + ref.name + "' is a system tunnel; root deletes its file " +
                              systems_.path(ref.name));
        }
        return refuse(ErrorCode::not_found, "no tunnel '" + ref.name + "'");
    }
    take_down(ref.name);
    kept_.erase(ref.name);
    log_->info("{}: deleted", ref.name);
    publish_tunnel(ref.name, !systems_.exists(ref.name));
    return ipc::Done{};
}

void Service::reload() {
    log_->info("reload: reading {} again", options_.config_directory);
    for (auto& [name, tunnel] : tunnels_) {
        if (kept_.contains(name)) {
            continue;  // a caller's config, not a file
        }
        if (!systems_.exists(name)) {
            log_->warn("reload: {}: {} is gone; the tunnel runs on until it is taken down", name,
                       systems_.path(name));
            continue;
        }
        auto entry = systems_.read(name);
        if (!entry) {
            log_->error("reload: {}; tunnel {} runs on as it was", entry.error().message, name);
            continue;
        }
        auto plan = tunnel->reload(std::move(entry->config));
        if (!plan || plan->empty()) {
            continue;
        }
        for (const auto& peer : plan->set.peers) {
            publish_peer(name, to_ipc(peer.public_key), peer.remove);
        }
        publish_tunnel(name, false);
    }
}

Service::Outcome<ipc::PeerStatus> Service::handle(ipc::PeerAddMethod /*method*/,
                                                  ControlClient& /*client*/,
                                                  const ipc::PeerEdit& edit) {
    return edit_peer(edit, /*create=*/true);
}

Service::Outcome<ipc::PeerStatus> Service::handle(ipc::PeerUpdateMethod /*method*/,
                                                  ControlClient& /*client*/,
                                                  const ipc::PeerEdit& edit) {
    return edit_peer(edit, /*create=*/false);
}

Service::Outcome<ipc::PeerStatus> Service::edit_peer(const ipc::PeerEdit& edit, bool create) {
    Tunnel* tunnel = find(edit.tunnel);
    if (tunnel == nullptr) {
        return refuse(ErrorCode::not_found, "no tunnel '" + edit.tunnel + "' is up");
    }
    const std::string key = edit.peer.public_key.to_base64();
    if (auto own = tunnel->device().engine().public_key();
        own && to_ipc(*own) == edit.peer.public_key) {
        return refuse(ErrorCode::invalid_params,
                      "params.peer.public_key: that is the tunnel's own public key");
    }
    if (create && tunnel->has_peer(edit.peer.public_key)) {
        return refuse(ErrorCode::already_exists,
                      "tunnel '" + edit.tunnel + "' has a peer " + key + " already");
    }
    if (!create && !tunnel->has_peer(edit.peer.public_key)) {
        return refuse(ErrorCode::not_found, "tunnel '" + edit.tunnel + "' has no peer " + key);
    }
    if (auto changed = tunnel->change_peer(edit.peer, create); !changed.ok()) {
        return refuse(changed.error());
    }
    publish_peer(edit.tunnel, edit.peer.public_key, false);
    if (auto peer = tunnel->peer(edit.peer.public_key)) {
        return std::move(*peer);
    }
    return refuse(ErrorCode::internal_error, "the peer vanished while it was being changed");
}

Service::Outcome<ipc::Done> Service::handle(ipc::PeerRemoveMethod /*method*/,
                                            ControlClient& /*client*/, const ipc::PeerRef& ref) {
    Tunnel* tunnel = find(ref.tunnel);
    if (tunnel == nullptr) {
        return refuse(ErrorCode::not_found, "no tunnel '" + ref.tunnel + "' is up");
    }
    if (!tunnel->has_peer(ref.public_key)) {
        return refuse(ErrorCode::not_found,
                      "tunnel '" + ref.tunnel + "' has no peer " + ref.public_key.to_base64());
    }
    if (auto removed = tunnel->remove_peer(ref.public_key); !removed.ok()) {
        return refuse(removed.error());
    }
    publish_peer(ref.tunnel, ref.public_key, true);
    return ipc::Done{};
}

Service::Outcome<ipc::StatsHistory> Service::handle(ipc::StatsHistoryMethod /*method*/,
                                                    ControlClient& /*client*/,
                                                    const ipc::StatsQuery& query) {
    Tunnel* tunnel = find(query.tunnel);
    if (tunnel == nullptr) {
        return refuse(ErrorCode::not_found, "no tunnel '" + query.tunnel + "' is up");
    }
    ipc::StatsHistory history = tunnel->history().answer(query);
    if (query.public_key && history.peers.empty() && !tunnel->has_peer(*query.public_key)) {
        return refuse(ErrorCode::not_found,
                      "tunnel '" + query.tunnel + "' has no peer " + query.public_key->to_base64());
    }
    return history;
}

Service::Outcome<ipc::LogTail> Service::handle(ipc::LogTailMethod /*method*/,
                                               ControlClient& /*client*/,
                                               const ipc::LogQuery& query) {
    // The newest lines that fit in a page: 4,000 long lines would pass the message limit.
    return ipc::newest_within(logs_.tail(static_cast<std::size_t>(query.lines), query.level),
                              ipc::kPageBytes);
}

Service::Outcome<ipc::Subscription> Service::handle(ipc::SubscribeMethod /*method*/,
                                                    ControlClient& client,
                                                    const ipc::Subscription& subscription) {
    client.topics |= subscription.topics;
    return ipc::Subscription{client.topics};
}

Service::Outcome<ipc::Subscription> Service::handle(ipc::UnsubscribeMethod /*method*/,
                                                    ControlClient& client,
                                                    const ipc::Subscription& subscription) {
    client.topics &= ~subscription.topics;
    return ipc::Subscription{client.topics};
}

Tunnel* Service::find(const std::string& name) {
    auto found = tunnels_.find(name);
    return found == tunnels_.end() ? nullptr : found->second.get();
}

ipc::TunnelStatus Service::status_of(const std::string& name) const {
    ipc::TunnelStatus status;
    if (auto found = tunnels_.find(name); found != tunnels_.end()) {
        status = found->second->status();
    } else {
        status.name = name;
    }
    status.system = systems_.exists(name);
    status.autostart = status.system && systems_.autostart(name);
    return status;
}

void Service::autostart() {
    for (const auto& name : systems_.names()) {
        if (!systems_.autostart(name)) {
            continue;
        }
        auto entry = systems_.read(name);
        if (!entry) {
            log_->error("autostart {}: {}", name, entry.error().message);
            continue;
        }
        if (!entry->autostart) {  // changed since the first look
            continue;
        }
        auto outcome = bring_up(name, std::move(entry->config));
        if (!outcome.ok()) {
            log_->error("autostart {}: {}", name, outcome.error().message);
        }
    }
}

void Service::tick() {
    const std::int64_t now = unix_now();
    for (auto& [name, tunnel] : tunnels_) {
        server_->publish(ipc::StatsTickEvent::topic,
                         ipc::notification<ipc::StatsTickEvent>(tunnel->sample(now)));
    }
    // Once a second on the second; after a stall, from now on rather than catching up.
    auto next = ticker_.expiry() + std::chrono::seconds(1);
    if (next < std::chrono::steady_clock::now()) {
        next = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    }
    ticker_.expires_at(next);
    ticker_.async_wait([this](const boost::system::error_code& e) {
        if (!e && running_) {
            tick();
        }
    });
}

void Service::publish_tunnel(const std::string& name, bool removed) {
    if (server_) {
        server_->publish(ipc::TunnelChangedEvent::topic,
                         ipc::notification<ipc::TunnelChangedEvent>({status_of(name), removed}));
    }
}

void Service::publish_peer(const std::string& tunnel, const value::Key& key, bool removed) {
    if (server_) {
        server_->publish(ipc::PeerChangedEvent::topic,
                         ipc::notification<ipc::PeerChangedEvent>({tunnel, key, removed}));
    }
}

// --- mesh networks ------------------------------------------------------------------------------

std::string Service::tunnel_name_taken(const std::string& name) const {
    if (tunnels_.contains(name) || kept_.contains(name)) {
        return "a tunnel named '" + name + "' exists already";
    }
    if (systems_.exists(name)) {
        return "a system tunnel named '" + name + "' exists already (" + options_.config_directory +
               "/" + name + ".conf)";
    }
    return {};
}

void Service::publish_network(const ipc::NetworkChanged& changed) {
    if (server_) {
        server_->publish(ipc::NetworkChangedEvent::topic,
                         ipc::notification<ipc::NetworkChangedEvent>(changed));
    }
}

Service::Outcome<ipc::NetworkList> Service::handle(ipc::NetworkListMethod /*method*/,
                                                   ControlClient& /*client*/,
                                                   const ipc::NoParams& /*params*/) {
    return networks_.list();
}

Service::Outcome<ipc::NetworkStatus> Service::handle(ipc::NetworkCreateMethod /*method*/,
                                                     ControlClient& client,
                                                     const ipc::NetworkCreate& create) {
    ipc::TunnelConfig port_only;
    port_only.iface.listen_port = create.listen_port.value_or(create.endpoints.front().port());
    if (auto allowed = check_port(client, port_only); !allowed.ok()) {
        return refuse(allowed.error());
    }
    return networks_.create(create);
}

Service::Outcome<ipc::InviteIssued> Service::handle(ipc::NetworkInviteMethod /*method*/,
                                                    ControlClient& /*client*/,
                                                    const ipc::NetworkInvite& invite) {
    return networks_.invite(invite);
}

Service::Outcome<ipc::NetworkStatus> Service::handle(ipc::NetworkJoinMethod /*method*/,
                                                     ControlClient& /*client*/,
                                                     const ipc::NetworkJoin& join) {
    return networks_.join(join);
}

Service::Outcome<ipc::MemberList> Service::handle(ipc::NetworkMembersMethod /*method*/,
                                                  ControlClient& /*client*/,
                                                  const ipc::NetworkRef& ref) {
    return networks_.members(ref);
}

Service::Outcome<ipc::Done> Service::handle(ipc::NetworkRemoveMethod /*method*/,
                                            ControlClient& /*client*/, const ipc::MemberRef& ref) {
    return networks_.remove(ref);
}

Service::Outcome<ipc::Done> Service::handle(ipc::NetworkLeaveMethod /*method*/,
                                            ControlClient& /*client*/, const ipc::NetworkRef& ref) {
    return networks_.leave(ref);
}

}  // namespace tulle::daemon
