#include "daemon/networks.hpp"

#include <filesystem>

#include "mesh/invite.hpp"
#include "platform/local_addresses.hpp"
#include "value/text.hpp"

namespace tulle::daemon {

using ipc::ErrorCode;
using ipc::refuse;

namespace {

// The range's first host address: the lighthouse's.
value::IpAddress first_host(const value::IpPrefix& range) {
    const auto canonical = range.canonical();
    auto bytes = canonical.address().bytes();
    if (canonical.address().is_v4()) {
        std::array<std::uint8_t, 4> out{};
        std::copy(bytes.begin(), bytes.end(), out.begin());
        out[3] = static_cast<std::uint8_t>(out[3] + 1);
        return value::IpAddress::v4(out);
    }
    std::array<std::uint8_t, 16> out{};
    std::copy(bytes.begin(), bytes.end(), out.begin());
    out[15] = static_cast<std::uint8_t>(out[15] + 1);
    return value::IpAddress::v6(out);
}

}  // namespace

Networks::Networks(MeshHost host, std::string directory,
                   std::function<std::string(const std::string&)> name_taken,
                   std::shared_ptr<spdlog::logger> log)
    : host_(std::move(host)),
      directory_(std::move(directory)),
      name_taken_(std::move(name_taken)),
      log_(std::move(log)) {}

Networks::~Networks() {
    stop();
}

std::string Networks::file_of(const std::string& name) const {
    return directory_ + "/" + name + ".json";
}

MeshNetwork* Networks::find(const std::string& name) const {
    auto found = networks_.find(name);
    return found == networks_.end() ? nullptr : found->second.get();
}

void Networks::start() {
    for (const auto& path : mesh::network_files(directory_)) {
        auto state = mesh::load_network(path);
        if (!state.ok()) {
            log_->error("network file {}: {}", path, state.error());
            continue;
        }
        const std::string name = state->name;
        if (file_of(name) != path) {
            log_->error("network file {}: it holds network '{}'; left alone", path, name);
            continue;
        }
        auto network = std::make_unique<MeshNetwork>(host_, std::move(state).value(), path, log_);
        if (auto started = network->start(); !started.ok()) {
            log_->error("network {}: {}", name, started.error().message);
        }
        networks_[name] = std::move(network);
    }
}

void Networks::host_network_changed() {
    for (auto& [name, network] : networks_) {
        network->host_network_changed();
    }
}

void Networks::stop() {
    for (auto& [name, network] : networks_) {
        network->stop();
    }
}

ipc::NetworkList Networks::list() const {
    ipc::NetworkList out;
    for (const auto& [name, network] : networks_) {
        out.networks.push_back(network->status());
    }
    return out;
}

ipc::Outcome<void> Networks::check_name(const std::string& name) const {
    if (auto valid = value::check_interface_name(name); !valid.ok()) {
        return refuse(ErrorCode::invalid_params, "params.name: " + valid.error());
    }
    if (networks_.contains(name)) {
        return refuse(ErrorCode::already_exists, "this node is in a network named '" + name +
                                                     "' already (network.leave it first)");
    }
    if (auto taken = name_taken_(name); !taken.empty()) {
        return refuse(ErrorCode::already_exists, taken);
    }
    return {};
}

ipc::Outcome<void> Networks::ensure_directory() const {
    std::error_code error;
    std::filesystem::create_directories(directory_, error);
    if (error) {
        return refuse(ErrorCode::internal_error,
                      "cannot create " + directory_ + ": " + error.message());
    }
    // Root's only: the files hold private keys.
    std::filesystem::permissions(directory_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, error);
    if (error) {
        return refuse(ErrorCode::internal_error,
                      "cannot protect " + directory_ + ": " + error.message());
    }
    return {};
}

ipc::Outcome<ipc::NetworkStatus> Networks::add(mesh::NetworkState state) {
    if (auto ready = ensure_directory(); !ready.ok()) {
        return refuse(ready.error());
    }
    const std::string name = state.name;
    const std::string path = file_of(name);
    if (auto problem = mesh::save_network(state, path)) {
        return refuse(ErrorCode::internal_error, "cannot save " + path + ": " + *problem);
    }
    auto network = std::make_unique<MeshNetwork>(host_, std::move(state), path, log_);
    if (auto started = network->start(); !started.ok()) {
        std::error_code ignored;
        std::filesystem::remove(path, ignored);
        return refuse(started.error());
    }
    auto status = network->status();
    networks_[name] = std::move(network);
    return status;
}

ipc::Outcome<ipc::NetworkStatus> Networks::create(const ipc::NetworkCreate& request) {
    if (auto valid = check_name(request.name); !valid.ok()) {
        return refuse(valid.error());
    }
    const auto range = request.range.canonical();
    mesh::NetworkState state;
    state.role = mesh::NetworkRole::lighthouse;
    state.name = request.name;
    state.id = mesh::new_network_id();
    auto signing = mesh::SigningKey::generate();
    state.network_key = signing.public_key();
    state.private_key = value::generate_private_key();
    state.listen_port = request.listen_port.value_or(request.endpoints.front().port());
    state.range = range;
    state.endpoints = request.endpoints;
    mesh::Registry registry(state.id, range);
    mesh::Certificate own;
    own.network = state.id;
    own.public_key = *value::public_key_of(state.private_key);
    own.addresses.emplace_back(first_host(range));
    own.name = "lighthouse";
    own.roles = mesh::kRoleLighthouse;
    own.not_after = host_.now() + 10 * mesh::kCertificateLifetime;
    own.serial = registry.next_serial();
    own = mesh::sign_certificate(std::move(own), signing);
    registry.add(own);
    state.certificate = own;
    state.signing_key = std::move(signing);
    state.registry = std::move(registry);
    auto status = add(std::move(state));
    if (status.ok()) {
        log_->info("network {}: created, {} (this node is its lighthouse, {})", request.name,
                   range.to_string(), own.addresses.front().address().to_string());
    }
    return status;
}

ipc::Outcome<void> Networks::start_tunnel(const std::string& name) {
    MeshNetwork* network = find(name);
    if (network == nullptr) {
        return refuse(ErrorCode::not_found, "no network '" + name + "'");
    }
    return network->start();
}

ipc::Outcome<ipc::InviteIssued> Networks::invite(const ipc::NetworkInvite& request) {
    MeshNetwork* network = find(request.network);
    if (network == nullptr) {
        return refuse(ErrorCode::not_found, "params.network: no network '" + request.network + "'");
    }
    return network->invite(request);
}

ipc::Outcome<ipc::NetworkStatus> Networks::join(const ipc::NetworkJoin& request) {
    const std::int64_t now = host_.now();
    auto invite = mesh::decode_invite(request.invite, now);
    if (!invite.ok()) {
        return refuse(ErrorCode::invalid_params, "params.invite: " + invite.error());
    }
    for (const auto& [name, network] : networks_) {
        if (network->status().id == mesh::to_hex(invite->network)) {
            return refuse(ErrorCode::already_exists,
                          "this node is in network '" + invite->network_name + "' already");
        }
    }
    if (auto valid = check_name(invite->network_name); !valid.ok()) {
        return refuse(valid.error());
    }
    std::string member = invite->name;
    if (member.empty()) {
        member = request.name.empty() ? platform::host_name() : request.name;
    }
    if (auto problem = mesh::member_name_error(member)) {
        return refuse(ErrorCode::invalid_params, "params.name: " + *problem);
    }
    mesh::NetworkState state;
    state.role = mesh::NetworkRole::member;
    state.name = invite->network_name;
    state.id = invite->network;
    state.network_key = invite->network_key;
    state.private_key = value::generate_private_key();  // made here, never sent anywhere
    state.range = invite->range;
    state.endpoints = invite->endpoints;
    mesh::Joining joining;
    joining.invite = invite->id;
    joining.enrollment_key = invite->enrollment_key;
    joining.name = member;
    joining.address = invite->address;
    joining.expires = invite->expires;
    joining.lighthouse_key = invite->lighthouse_key;
    joining.lighthouse_address = invite->lighthouse_address;
    state.joining = std::move(joining);
    auto status = add(std::move(state));
    if (status.ok()) {
        log_->info("network {}: joining as {} through {}", status->name, member,
                   invite->endpoints.front().to_string());
    }
    return status;
}

ipc::Outcome<ipc::MemberList> Networks::members(const ipc::NetworkRef& ref) const {
    const MeshNetwork* network = find(ref.network);
    if (network == nullptr) {
        return refuse(ErrorCode::not_found, "params.network: no network '" + ref.network + "'");
    }
    return network->members();
}

ipc::Outcome<ipc::Done> Networks::remove(const ipc::MemberRef& ref) {
    MeshNetwork* network = find(ref.network);
    if (network == nullptr) {
        return refuse(ErrorCode::not_found, "params.network: no network '" + ref.network + "'");
    }
    if (auto removed = network->remove(ref.member); !removed.ok()) {
        return refuse(removed.error());
    }
    return ipc::Done{};
}

ipc::Outcome<ipc::Done> Networks::leave(const ipc::NetworkRef& ref) {
    auto found = networks_.find(ref.network);
    if (found == networks_.end()) {
        return refuse(ErrorCode::not_found, "params.network: no network '" + ref.network + "'");
    }
    found->second->stop();
    std::error_code error;
    std::filesystem::remove(found->second->file(), error);
    if (error) {
        return refuse(ErrorCode::internal_error,
                      "cannot remove " + found->second->file() + ": " + error.message());
    }
    log_->info(
        "network {}: left{}", ref.network,
        found->second->is_lighthouse() ? " (it was its lighthouse: the network is gone)" : "");
    networks_.erase(found);
    if (host_.changed) {
        host_.changed(ipc::NetworkChanged{ref.network, ipc::NetworkState::offline, "", true});
    }
    return ipc::Done{};
}

}  // namespace tulle::daemon
