// System tunnels: the files NAME.conf in the configuration folder (/etc/tulle), each root's
// alone (a regular file owned by root with mode 0600, since it holds a private key). A first line
// "# tulle: autostart" starts one with the service. This class is the one place that reads,
// lists and writes them; the service's methods decide who may.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ipc/jsonrpc.hpp"
#include "ipc/wg_config.hpp"
#include "value/result.hpp"

namespace tulle::daemon {

// A system tunnel's file starts with this line to be started with the service. It is a comment,
// so wg-quick and every other reader of the format ignore it.
inline constexpr std::string_view kAutostartMarker = "# tulle: autostart";
// Followed by a uid: who saved the file through the control socket. A file without it was
// written by hand, so it is root's.
inline constexpr std::string_view kSavedByMarker = "# tulle: saved by uid ";

class SystemTunnels {
  public:
    struct Entry {
        ipc::TunnelConfig config;
        bool autostart = false;      // read from the same bytes as the config
        std::uint32_t saved_by = 0;  // the uid that saved it (root for a file written by hand)
    };

    explicit SystemTunnels(std::string directory) : directory_(std::move(directory)) {}

    [[nodiscard]] const std::string& directory() const { return directory_; }
    [[nodiscard]] std::string path(const std::string& name) const;

    // The names of the files that are tunnel names, sorted.
    [[nodiscard]] std::vector<std::string> names() const;
    [[nodiscard]] bool exists(const std::string& name) const;
    // Whether the file starts with the autostart marker (false when there is no such file).
    [[nodiscard]] bool autostart(const std::string& name) const;

    // Reads and parses one; refused unless root's alone. Hooks are allowed (the file is root's).
    [[nodiscard]] ipc::Outcome<Entry> read(const std::string& name) const;

    // Writes the tunnel (with its secrets) as root's alone, all or nothing: a temporary file,
    // synced, renamed over the old one. Creates the folder (0700) when it is missing. saved_by
    // is the caller's uid, kept in the file.
    [[nodiscard]] ipc::Outcome<void> save(const std::string& name, const ipc::TunnelConfig& config,
                                          bool autostart, std::uint32_t saved_by) const;

  private:
    std::string directory_;
};

}  // namespace tulle::daemon
