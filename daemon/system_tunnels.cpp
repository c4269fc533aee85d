#include "daemon/system_tunnels.hpp"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <sodium.h>

#include "daemon/config_file.hpp"
#include "value/text.hpp"
#include "value/unique_fd.hpp"

namespace tulle::daemon {
namespace {

using ipc::ErrorCode;

// The uid in the saved-by line among the comment lines the file starts with; root when there
// is none (a file written by hand) or it does not parse.
std::uint32_t saved_by(std::string_view text) {
    std::size_t start = 0;
    while (start < text.size() && text[start] == '#') {
        const auto end = std::min(text.find('\n', start), text.size());
        const auto line = text.substr(start, end - start);
        if (line.starts_with(kSavedByMarker)) {
            const auto uid = value::parse_decimal(line.substr(kSavedByMarker.size()), UINT32_MAX);
            return uid ? static_cast<std::uint32_t>(*uid) : 0;
        }
        start = end + 1;
    }
    return 0;
}

}  // namespace

std::string SystemTunnels::path(const std::string& name) const {
    return directory_ + "/" + name + ".conf";
}

std::vector<std::string> SystemTunnels::names() const {
    std::vector<std::string> names;
    DIR* directory = ::opendir(directory_.c_str());
    if (directory == nullptr) {
        return names;
    }
    while (const dirent* entry = ::readdir(directory)) {  // NOLINT(concurrency-mt-unsafe)
        std::string file = entry->d_name;
        if (!file.ends_with(".conf")) {
            continue;
        }
        file.resize(file.size() - 5);
        if (value::check_tunnel_name(file).ok()) {
            names.push_back(file);
        }
    }
    ::closedir(directory);
    std::sort(names.begin(), names.end());
    return names;
}

bool SystemTunnels::exists(const std::string& name) const {
    struct stat info {};
    return ::lstat(path(name).c_str(), &info) == 0;
}

bool SystemTunnels::autostart(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    std::string first(kAutostartMarker.size(), '\0');
    in.read(first.data(), static_cast<std::streamsize>(first.size()));
    return in.good() && first == kAutostartMarker;
}

ipc::Outcome<SystemTunnels::Entry> SystemTunnels::read(const std::string& name) const {
    const std::string file_path = path(name);
    if (!exists(name)) {
        return ipc::refuse(ErrorCode::not_found,
                           "no system tunnel '" + name + "' (" + file_path + ")");
    }
    auto file = read_config_file(file_path);
    if (!file) {
        return ipc::refuse(ErrorCode::permission_denied, file.error());
    }
    if (!file->owned_by_root || !file->private_to_owner) {
        sodium_memzero(file->text.data(), file->text.size());
        return ipc::refuse(ErrorCode::permission_denied,
                           file_path +
                               ": a system tunnel must be a regular file owned by root with mode "
                               "0600 (it holds a private key)");
    }
    Entry entry;
    entry.autostart = file->text.starts_with(kAutostartMarker);
    entry.saved_by = saved_by(file->text);
    const auto hooks = hooks_allowed(*file);
    auto parsed = ipc::parse_config(file->text, file_path, hooks.ok());
    sodium_memzero(file->text.data(), file->text.size());
    if (!parsed.ok()) {
        std::string message = ipc::to_one_line(parsed.error());
        if (!hooks) {
            message += " (hooks are refused because " + hooks.error() + ")";
        }
        return ipc::refuse(ErrorCode::invalid_params, message);
    }
    entry.config = std::move(parsed).value();
    return entry;
}

ipc::Outcome<void> SystemTunnels::save(const std::string& name, const ipc::TunnelConfig& config,
                                       bool autostart, std::uint32_t saved_by) const {
    if (::mkdir(directory_.c_str(), 0700) != 0 && errno != EEXIST) {
        return ipc::refuse(ErrorCode::internal_error, "cannot create " + directory_ + ": " +
                                                          std::generic_category().message(errno));
    }
    std::string text = autostart ? std::string(kAutostartMarker) + "\n" : std::string();
    text += std::string(kSavedByMarker) + std::to_string(saved_by) + "\n";
    text += ipc::write_config(config, /*include_secrets=*/true);
    auto written = write_private_file(path(name), text);
    sodium_memzero(text.data(), text.size());
    if (!written) {
        return ipc::refuse(ErrorCode::internal_error, written.error());
    }
    return {};
}

}  // namespace tulle::daemon
