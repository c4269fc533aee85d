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

#include "daemon/tunnel_config.hpp"
#include "ipc/wg_config.hpp"
#include "platform/local_peer.hpp"

namespace tulle::daemon {
namespace {

using ipc::ErrorCode;

ipc::Error error(ErrorCode code, std::string message) {
    return ipc::Error{code, std::move(message)};
}

// The error of a decoded message, or null when it decoded.
template <typename T>
const ipc::Error* failed(const ipc::Decoded<T>& decoded) {
    return std::get_if<ipc::Error>(&decoded);
}

std::string parse_errors(const std::vector<ipc::ParseError>& errors) {
    std::string text;
    for (const auto& e : errors) {
        text += (text.empty() ? "" : "; ") + e.to_string();
    }
    return text;
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool is_mutating(std::string_view method) {
    return method == ipc::method::kTunnelUp || method == ipc::method::kTunnelDown ||
           method == ipc::method::kTunnelSave || method == ipc::method::kPeerAdd ||
           method == ipc::method::kPeerUpdate || method == ipc::method::kPeerRemove;
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
      ticker_(io) {
    deps_.uapi_directory = options_.uapi_directory;
}

Service::~Service() {
    stop();
}

void Service::start() {
    ControlServer::Options server_options;
    server_options.path = options_.socket_path;
    server_options.group = platform::group_id(options_.group);
    server_options.max_queued_bytes = options_.max_queued_bytes;
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
                server_->publish(
                    ipc::Topic::log,
                    ipc::Request{nullptr, std::string(ipc::event::kLog), ipc::to_json(line)});
            }
        });
    });
    log_->info("serving the control socket at {}", options_.socket_path);
    autostart();
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
    while (!tunnels_.empty()) {
        take_down(tunnels_.begin()->first);
    }
    if (server_) {
        server_->stop();
    }
}

ipc::Response Service::call(ControlClient& client, const ipc::Request& request) {
    const std::string& m = request.method;
    if (is_mutating(m)) {
        log_->info("control: uid {} ({}) calls {}", client.peer.uid, value::for_log(client.name),
                   m);
    }
    Outcome outcome;
    try {
        if (m == ipc::method::kStatus) {
            outcome = daemon_status();
        } else if (m == ipc::method::kTunnelList) {
            outcome = tunnel_list();
        } else if (m == ipc::method::kTunnelUp) {
            outcome = tunnel_up(request.params);
        } else if (m == ipc::method::kTunnelDown) {
            outcome = tunnel_down(request.params);
        } else if (m == ipc::method::kTunnelGet) {
            outcome = tunnel_get(request.params);
        } else if (m == ipc::method::kTunnelSave) {
            outcome = tunnel_save(request.params);
        } else if (m == ipc::method::kPeerAdd) {
            outcome = peer_add_or_update(request.params, true);
        } else if (m == ipc::method::kPeerUpdate) {
            outcome = peer_add_or_update(request.params, false);
        } else if (m == ipc::method::kPeerRemove) {
            outcome = peer_remove(request.params);
        } else if (m == ipc::method::kStatsHistory) {
            outcome = stats_history(request.params);
        } else if (m == ipc::method::kLogTail) {
            outcome = log_tail(request.params);
        } else if (m == ipc::method::kSubscribe) {
            outcome = subscribe(client, request.params, true);
        } else if (m == ipc::method::kUnsubscribe) {
            outcome = subscribe(client, request.params, false);
        } else {
            outcome = error(ErrorCode::method_not_found,
                            "unknown method " + value::quote(m.substr(0, 64)));
        }
    } catch (const std::exception& failure) {
        log_->error("control: {} failed: {}", m, failure.what());
        outcome = error(ErrorCode::internal_error, m + " failed: " + failure.what());
    }
    if (auto* failed = std::get_if<ipc::Error>(&outcome); failed && is_mutating(m)) {
        log_->info("control: {} refused: {}", m, value::for_log(failed->message));
    }
    return ipc::Response{request.id, std::move(outcome)};
}

Service::Outcome Service::daemon_status() {
    ipc::DaemonStatus status;
    status.daemon = ipc::version_text("tulled");
    status.version = ipc::kProtocolVersion;
    status.uptime = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::steady_clock::now() - started_at_)
                        .count();
    status.tunnels_up = tunnels_.size();
    status.clients = server_ ? server_->client_count() : 0;
    return ipc::to_json(status);
}

Service::Outcome Service::tunnel_list() {
    std::vector<std::string> names = systems_.names();
    for (const auto& [name, tunnel] : tunnels_) {
        names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    ipc::Json list = ipc::Json::array();
    for (const auto& name : names) {
        list.push_back(ipc::to_json(status_of(name)));
    }
    return ipc::Json{{"tunnels", list}};
}

Service::Outcome Service::tunnel_up(const ipc::Json& params) {
    auto up_decoded = ipc::tunnel_up_from_json(params);
    if (const auto* bad = failed(up_decoded)) {
        return *bad;
    }
    auto& up = std::get<0>(up_decoded);
    if (find(up.name) != nullptr) {
        return error(ErrorCode::already_exists, "tunnel '" + up.name + "' is up already");
    }
    if (!up.config) {
        auto system = systems_.read(up.name);
        if (!system) {
            return system.error();
        }
        return bring_up(up.name, std::move(system->config));
    }
    // A caller's file may not carry hooks: they would run as root.
    auto parsed = ipc::parse_config(*up.config, "params.config", /*allow_hooks=*/false);
    if (!parsed.ok()) {
        return error(ErrorCode::invalid_params, parse_errors(parsed.error()));
    }
    return bring_up(up.name, std::move(parsed).value());
}

Service::Outcome Service::bring_up(const std::string& name, ipc::TunnelConfig config) {
    if (deps_.net.link_exists(name)) {
        return error(ErrorCode::already_exists,
                     "an interface named '" + name + "' exists already on this system");
    }
    if (tunnels_.size() >= kMaxTunnels) {
        return error(ErrorCode::busy, "tulled runs " + std::to_string(kMaxTunnels) +
                                          " tunnels already; take one down first");
    }
    auto tunnel = std::make_unique<Tunnel>(deps_, name, std::move(config), log_);
    try {
        tunnel->start();
    } catch (const std::exception& failure) {
        retire(std::move(tunnel));
        return error(ErrorCode::internal_error,
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
    return ipc::to_json(status_of(name));
}

Service::Outcome Service::tunnel_down(const ipc::Json& params) {
    auto ref_decoded = ipc::tunnel_ref_from_json(params);
    if (const auto* bad = failed(ref_decoded)) {
        return *bad;
    }
    auto& ref = std::get<0>(ref_decoded);
    if (find(ref.name) == nullptr) {
        return error(ErrorCode::not_found, "no tunnel '" + ref.name + "' is up");
    }
    take_down(ref.name);
    return ipc::to_json(status_of(ref.name));
}

void Service::take_down(const std::string& which) {
    // `which` may be the key of the map entry erase() frees below: keep a copy.
    const std::string name = which;  // NOLINT(performance-unnecessary-copy-initialization)
    auto found = tunnels_.find(name);
    if (found == tunnels_.end()) {
        return;
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

Service::Outcome Service::tunnel_get(const ipc::Json& params) {
    auto ref_decoded = ipc::tunnel_ref_from_json(params);
    if (const auto* bad = failed(ref_decoded)) {
        return *bad;
    }
    auto& ref = std::get<0>(ref_decoded);
    ipc::TunnelDetail detail;
    detail.status = status_of(ref.name);
    if (Tunnel* tunnel = find(ref.name)) {
        detail.peers = tunnel->peers();
        detail.config = ipc::write_config(tunnel->current_config(false), false);
        return ipc::to_json(detail);
    }
    auto system = systems_.read(ref.name);
    if (!system) {
        return system.error();
    }
    const auto& config = system->config;
    for (const auto& peer : config.peers) {
        ipc::PeerStatus status;
        status.public_key = peer.public_key;
        status.name = peer.name;
        status.endpoint = peer.endpoint ? peer.endpoint->to_string() : "";
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
    return ipc::to_json(detail);
}

Service::Outcome Service::tunnel_save(const ipc::Json& params) {
    auto save_decoded = ipc::tunnel_save_from_json(params);
    if (const auto* bad = failed(save_decoded)) {
        return *bad;
    }
    auto& save = std::get<0>(save_decoded);
    ipc::TunnelConfig config;
    if (save.config) {
        auto parsed = ipc::parse_config(*save.config, "params.config", /*allow_hooks=*/false);
        if (!parsed.ok()) {
            return error(ErrorCode::invalid_params, parse_errors(parsed.error()));
        }
        config = std::move(parsed).value();
    } else if (Tunnel* tunnel = find(save.name)) {
        config = tunnel->current_config(true);
    } else {
        return error(ErrorCode::not_found,
                     "no tunnel '" + save.name + "' is up; give params.config to save a new one");
    }
    if (auto saved = systems_.save(save.name, config, save.autostart); !saved) {
        return saved.error();
    }
    log_->info("{}: saved as a system tunnel{}", save.name, save.autostart ? " (autostart)" : "");
    publish_tunnel(save.name, false);
    return ipc::to_json(status_of(save.name));
}

Service::Outcome Service::peer_add_or_update(const ipc::Json& params, bool create) {
    auto edit_decoded = ipc::peer_edit_from_json(params);
    if (const auto* bad = failed(edit_decoded)) {
        return *bad;
    }
    auto& edit = std::get<0>(edit_decoded);
    Tunnel* tunnel = find(edit.tunnel);
    if (tunnel == nullptr) {
        return error(ErrorCode::not_found, "no tunnel '" + edit.tunnel + "' is up");
    }
    const std::string key = edit.peer.public_key.to_base64();
    if (auto own = tunnel->device().engine().public_key();
        own && to_ipc(*own) == edit.peer.public_key) {
        return error(ErrorCode::invalid_params,
                     "params.peer.public_key: that is the tunnel's own public key");
    }
    if (create && tunnel->has_peer(edit.peer.public_key)) {
        return error(ErrorCode::already_exists,
                     "tunnel '" + edit.tunnel + "' has a peer " + key + " already");
    }
    if (!create && !tunnel->has_peer(edit.peer.public_key)) {
        return error(ErrorCode::not_found, "tunnel '" + edit.tunnel + "' has no peer " + key);
    }
    if (auto failed = tunnel->change_peer(edit.peer, create); !failed.empty()) {
        return error(ErrorCode::invalid_params, "params.peer." + failed);
    }
    publish_peer(edit.tunnel, edit.peer.public_key, false);
    for (auto& peer : tunnel->peers()) {
        if (peer.public_key == edit.peer.public_key) {
            return ipc::to_json(peer);
        }
    }
    return error(ErrorCode::internal_error, "the peer vanished while it was being changed");
}

Service::Outcome Service::peer_remove(const ipc::Json& params) {
    auto ref_decoded = ipc::peer_ref_from_json(params);
    if (const auto* bad = failed(ref_decoded)) {
        return *bad;
    }
    auto& ref = std::get<0>(ref_decoded);
    Tunnel* tunnel = find(ref.tunnel);
    if (tunnel == nullptr) {
        return error(ErrorCode::not_found, "no tunnel '" + ref.tunnel + "' is up");
    }
    if (!tunnel->has_peer(ref.public_key)) {
        return error(ErrorCode::not_found,
                     "tunnel '" + ref.tunnel + "' has no peer " + ref.public_key.to_base64());
    }
    if (auto failed = tunnel->remove_peer(ref.public_key); !failed.empty()) {
        return error(ErrorCode::internal_error, failed);
    }
    publish_peer(ref.tunnel, ref.public_key, true);
    return ipc::Json::object();
}

Service::Outcome Service::stats_history(const ipc::Json& params) {
    auto query_decoded = ipc::stats_query_from_json(params);
    if (const auto* bad = failed(query_decoded)) {
        return *bad;
    }
    auto& query = std::get<0>(query_decoded);
    Tunnel* tunnel = find(query.tunnel);
    if (tunnel == nullptr) {
        return error(ErrorCode::not_found, "no tunnel '" + query.tunnel + "' is up");
    }
    ipc::Json peers = ipc::Json::array();
    for (const auto& key : tunnel->history().peers()) {
        if (query.public_key && *query.public_key != key) {
            continue;
        }
        peers.push_back(
            ipc::to_json(ipc::PeerHistory{key, tunnel->history().samples(key, query.seconds)}));
    }
    if (query.public_key && peers.empty() && !tunnel->has_peer(*query.public_key)) {
        return error(ErrorCode::not_found,
                     "tunnel '" + query.tunnel + "' has no peer " + query.public_key->to_base64());
    }
    return ipc::Json{{"peers", peers}};
}

Service::Outcome Service::log_tail(const ipc::Json& params) {
    auto query_decoded = ipc::log_query_from_json(params);
    if (const auto* bad = failed(query_decoded)) {
        return *bad;
    }
    auto& query = std::get<0>(query_decoded);
    ipc::Json lines = ipc::Json::array();
    for (const auto& line : logs_.tail(static_cast<std::size_t>(query.lines), query.level)) {
        lines.push_back(ipc::to_json(line));
    }
    return ipc::Json{{"lines", lines}};
}

Service::Outcome Service::subscribe(ControlClient& client, const ipc::Json& params, bool on) {
    auto subscription_decoded = ipc::subscription_from_json(params);
    if (const auto* bad = failed(subscription_decoded)) {
        return *bad;
    }
    auto& subscription = std::get<0>(subscription_decoded);
    if (on) {
        client.topics |= subscription.topics;
    } else {
        client.topics &= ~subscription.topics;
    }
    return ipc::to_json(ipc::Subscription{client.topics});
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
        if (auto* failed = std::get_if<ipc::Error>(&outcome)) {
            log_->error("autostart {}: {}", name, failed->message);
        }
    }
}

void Service::tick() {
    const std::int64_t now = unix_now();
    for (auto& [name, tunnel] : tunnels_) {
        const ipc::StatsEvent event = tunnel->sample(now);
        server_->publish(ipc::Topic::stats, ipc::Request{nullptr, std::string(ipc::event::kStats),
                                                         ipc::to_json(event)});
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
        server_->publish(ipc::Topic::tunnels,
                         ipc::Request{nullptr, std::string(ipc::event::kTunnelChanged),
                                      ipc::to_json(ipc::TunnelChanged{status_of(name), removed})});
    }
}

void Service::publish_peer(const std::string& tunnel, const value::Key& key, bool removed) {
    if (server_) {
        server_->publish(ipc::Topic::peers,
                         ipc::Request{nullptr, std::string(ipc::event::kPeerChanged),
                                      ipc::to_json(ipc::PeerChanged{tunnel, key, removed})});
    }
}

}  // namespace tulle::daemon
