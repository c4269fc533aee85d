// Who is at the other end of a local (Unix) stream socket, and what the control socket's group
// is: how tulled decides who may drive it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tulle::platform {

struct LocalPeer {
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::int32_t pid = 0;
    std::vector<std::uint32_t> groups;  // supplementary groups, as the kernel saw them at connect

    [[nodiscard]] bool in_group(std::uint32_t group) const;
};

// The credentials the kernel recorded when the peer connected (Linux: SO_PEERCRED and
// SO_PEERGROUPS); they cannot be forged by the peer. Throws std::system_error.
[[nodiscard]] LocalPeer local_peer_of(int socket_fd);

// The id of a group by name; nullopt when the system has no such group.
[[nodiscard]] std::optional<std::uint32_t> group_id(const std::string& name);

// Gives a file to a group with a mode (chown root:group, chmod). Throws std::system_error.
void set_group_and_mode(const std::string& path, std::uint32_t group, std::uint32_t mode);

}  // namespace tulle::platform
