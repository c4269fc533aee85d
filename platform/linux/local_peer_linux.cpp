#include <algorithm>
#include <cerrno>
#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>

#include "platform/local_peer.hpp"

namespace tulle::platform {

bool LocalPeer::in_group(std::uint32_t group) const {
    return gid == group || std::find(groups.begin(), groups.end(), group) != groups.end();
}

LocalPeer local_peer_of(int socket_fd) {
    ucred credentials{};
    socklen_t length = sizeof(credentials);
    if (::getsockopt(socket_fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) {
        throw std::system_error(errno, std::system_category(), "SO_PEERCRED");
    }
    LocalPeer peer;
    peer.uid = credentials.uid;
    peer.gid = credentials.gid;
    peer.pid = credentials.pid;
    // SO_PEERGROUPS fills as many as fit and says how many there are (ERANGE when more).
    std::vector<gid_t> groups(64);
    for (int attempt = 0; attempt < 4; ++attempt) {
        socklen_t bytes = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
        if (::getsockopt(socket_fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &bytes) == 0) {
            groups.resize(bytes / sizeof(gid_t));
            peer.groups.assign(groups.begin(), groups.end());
            return peer;
        }
        if (errno != ERANGE) {
            throw std::system_error(errno, std::system_category(), "SO_PEERGROUPS");
        }
        groups.resize(bytes / sizeof(gid_t) + 1);
    }
    throw std::system_error(ERANGE, std::system_category(), "SO_PEERGROUPS");
}

std::optional<std::uint32_t> group_id(const std::string& name) {
    group entry{};
    group* found = nullptr;
    std::vector<char> buffer(4096);
    while (true) {
        const int rc = ::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
        if (rc == ERANGE && buffer.size() < (1U << 20U)) {
            buffer.resize(buffer.size() * 2);
            continue;
        }
        if (rc != 0 || found == nullptr) {
            return std::nullopt;
        }
        return found->gr_gid;
    }
}

void set_group_and_mode(const std::string& path, std::uint32_t group, std::uint32_t mode) {
    if (::chown(path.c_str(), 0, group) != 0) {
        throw std::system_error(errno, std::system_category(),
                                "chown root:" + std::to_string(group) + " " + path);
    }
    if (::chmod(path.c_str(), mode) != 0) {
        throw std::system_error(errno, std::system_category(), "chmod " + path);
    }
}

}  // namespace tulle::platform
