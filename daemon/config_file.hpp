// Reading a configuration file whose owner decides what it may do (hooks run as root; a system
// tunnel holds a private key). The file is opened once without following a link, and what is
// checked is the descriptor that was read (fstat), so nobody can swap the file between the
// check and the read. The folders above it are walked from / one descriptor at a time (as
// sshd's StrictModes checks them): a folder someone other than root may change (own it, or
// write to it without the sticky bit) lets them swap the file for their own, so such a file
// is not trusted with hooks.
#pragma once

#include <string>

#include "value/result.hpp"

namespace tulle::daemon {

struct ConfigFile {
    std::string text;  // the caller wipes it (it may hold keys)
    bool owned_by_root = false;
    bool writable_by_others = false;  // group or world may write it
    bool private_to_owner = false;    // mode gives group and world nothing
    // The first folder on the path that someone other than root may change, and why; empty when
    // every folder from / down is root's.
    std::string unsafe_folder;
};

// At most this much is read; a larger file is refused.
inline constexpr std::size_t kMaxConfigFileSize = 1U << 20U;

// Reads a regular file (a link, a folder or a device is refused), with its ownership as it was
// when read. The error names the path and the reason.
[[nodiscard]] value::Result<ConfigFile> read_config_file(const std::string& path);

// Hooks (PreUp, PostUp, ...) run shell commands as root: they are only taken from a file owned
// by root that nobody else may write, in folders nobody else may change. Empty when allowed,
// else why not.
[[nodiscard]] value::Result<void> hooks_allowed(const ConfigFile& file);

// Writes `text` to `path` as root's alone (0600), all or nothing (a temporary file, fsync,
// rename). The error names the path and the reason.
[[nodiscard]] value::Result<void> write_private_file(const std::string& path,
                                                     const std::string& text);

}  // namespace tulle::daemon
