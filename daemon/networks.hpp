// The mesh networks of this node: one MeshNetwork each, stored in CONFIG-DIR/networks/NAME.json
// and started with the service. The network.* control methods land here.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "daemon/mesh_network.hpp"
#include "ipc/jsonrpc.hpp"
#include "ipc/messages.hpp"

namespace tulle::daemon {

class Networks {
  public:
    // `name_taken`: why a tunnel of that name cannot be the network's (a tunnel or a system
    // tunnel has it), or "".
    Networks(MeshHost host, std::string directory,
             std::function<std::string(const std::string&)> name_taken,
             std::shared_ptr<spdlog::logger> log);
    Networks(const Networks&) = delete;
    Networks& operator=(const Networks&) = delete;
    ~Networks();

    // Loads every stored network and starts it; a file that cannot be read is logged and left.
    void start();
    // Takes every network's tunnel down (the files stay).
    void stop();

    [[nodiscard]] ipc::NetworkList list() const;
    [[nodiscard]] ipc::Outcome<ipc::NetworkStatus> create(const ipc::NetworkCreate& request);
    [[nodiscard]] ipc::Outcome<ipc::InviteIssued> invite(const ipc::NetworkInvite& request);
    [[nodiscard]] ipc::Outcome<ipc::NetworkStatus> join(const ipc::NetworkJoin& request);
    [[nodiscard]] ipc::Outcome<ipc::MemberList> members(const ipc::NetworkRef& ref) const;
    [[nodiscard]] ipc::Outcome<ipc::Done> remove(const ipc::MemberRef& ref);
    [[nodiscard]] ipc::Outcome<ipc::Done> leave(const ipc::NetworkRef& ref);
    [[nodiscard]] bool has(const std::string& name) const { return networks_.contains(name); }
    // Brings a network's tunnel up again after tunnel.down (tullectl up NAME, the tray).
    [[nodiscard]] ipc::Outcome<void> start_tunnel(const std::string& name);
    // This host's network changed (platform::NetworkMonitor): tells every network.
    void host_network_changed();

  private:
    [[nodiscard]] std::string file_of(const std::string& name) const;
    [[nodiscard]] ipc::Outcome<void> check_name(const std::string& name) const;
    [[nodiscard]] MeshNetwork* find(const std::string& name) const;
    [[nodiscard]] ipc::Outcome<ipc::NetworkStatus> add(mesh::NetworkState state);
    [[nodiscard]] ipc::Outcome<void> ensure_directory() const;

    MeshHost host_;
    std::string directory_;  // CONFIG-DIR/networks
    std::function<std::string(const std::string&)> name_taken_;
    std::shared_ptr<spdlog::logger> log_;
    std::map<std::string, std::unique_ptr<MeshNetwork>> networks_;
};

}  // namespace tulle::daemon
