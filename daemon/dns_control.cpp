#include "daemon/dns_control.hpp"

#include <cerrno>
#include <dirent.h>
#include <stdexcept>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>

#include "daemon/config_file.hpp"
#include "value/text.hpp"

namespace tulle::daemon {

std::string dns_record_text(const platform::DnsEntry& entry) {
    return std::string(value::to_string(entry.manager)) + " " + std::to_string(entry.ifindex) +
           " " + std::to_string(entry.network) + "\n";
}

std::optional<platform::DnsEntry> parse_dns_record(std::string_view ifname, std::string_view text) {
    if (!value::check_interface_name(ifname).ok() || !text.ends_with('\n')) {
        return std::nullopt;
    }
    text.remove_suffix(1);
    const auto space = text.find(' ');
    const auto second = text.find(' ', space == std::string_view::npos ? space : space + 1);
    if (second == std::string_view::npos) {
        return std::nullopt;
    }
    const auto manager = value::parse_dns_manager(text.substr(0, space));
    const auto index = value::parse_decimal(text.substr(space + 1, second - space - 1), UINT32_MAX);
    const auto network = value::parse_decimal(text.substr(second + 1), UINT64_MAX);
    if (!manager || *manager == value::DnsManager::none || !index || *index == 0 || !network) {
        return std::nullopt;
    }
    return platform::DnsEntry{*manager, std::string(ifname), static_cast<std::uint32_t>(*index),
                              *network};
}

DnsControl::DnsControl(platform::Dns& dns, std::string folder, std::shared_ptr<spdlog::logger> log)
    : dns_(dns), folder_(std::move(folder)), log_(std::move(log)) {}

std::string DnsControl::path_of(std::string_view ifname) const {
    return folder_ + "/" + std::string(ifname);
}

DnsControl::Applied DnsControl::apply(const std::string& ifname,
                                      const platform::DnsSettings& settings) {
    Applied applied;
    applied.entry.ifname = ifname;
    if (settings.servers.empty() && settings.search.empty()) {
        return applied;
    }
    try {
        applied.entry = dns_.apply(ifname, settings);
    } catch (const std::runtime_error& error) {
        applied.problem = std::string(error.what()) + "; the tunnel is up without DNS =";
        log_->warn("{}: {}", ifname, applied.problem);
        return applied;
    }
    if (applied.entry.manager == value::DnsManager::none) {
        applied.problem = kNoManager;
        log_->warn("{}: {}", ifname, applied.problem);
        return applied;
    }
    log_->info("{}: DNS through {}{}", ifname, value::to_string(applied.entry.manager),
               settings.full_tunnel ? " for every name" : "");
    record(applied.entry);
    return applied;
}

void DnsControl::record(const platform::DnsEntry& entry) {
    // The parent is tulled's runtime folder; made here only when tulled runs without it (by
    // hand, in standalone mode): then as a folder anyone may pass through, as the service needs.
    const std::string parent = folder_.substr(0, folder_.rfind('/'));
    if (!parent.empty() && ::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) {
        log_->warn("{}: cannot create {}: {}; DNS will not be undone after a crash", entry.ifname,
                   parent, std::generic_category().message(errno));
        return;
    }
    if (::mkdir(folder_.c_str(), 0700) != 0 && errno != EEXIST) {
        log_->warn("{}: cannot create {}: {}; DNS will not be undone after a crash", entry.ifname,
                   folder_, std::generic_category().message(errno));
        return;
    }
    if (auto written = write_private_file(path_of(entry.ifname), dns_record_text(entry));
        !written) {
        log_->warn("{}: {}; DNS will not be undone after a crash", entry.ifname, written.error());
    }
}

void DnsControl::forget(std::string_view ifname) {
    if (::unlink(path_of(ifname).c_str()) != 0 && errno != ENOENT) {
        log_->warn("{}: cannot remove {}: {}", ifname, path_of(ifname),
                   std::generic_category().message(errno));
    }
}

void DnsControl::revert(const platform::DnsEntry& entry) {
    if (entry.manager == value::DnsManager::none) {
        return;
    }
    try {
        dns_.revert(entry);
        log_->info("{}: DNS through {} undone", entry.ifname, value::to_string(entry.manager));
    } catch (const std::runtime_error& error) {
        log_->warn("{}: undoing DNS: {}", entry.ifname, error.what());
    }
    forget(entry.ifname);
}

std::size_t DnsControl::clean_stale() {
    std::vector<std::string> names;
    if (DIR* dir = ::opendir(folder_.c_str()); dir != nullptr) {
        while (const dirent* item = ::readdir(dir)) {  // NOLINT(concurrency-mt-unsafe): one thread
            const std::string name = item->d_name;
            if (value::check_interface_name(name).ok() && !name.ends_with(".tmp")) {
                names.push_back(name);
            }
        }
        ::closedir(dir);
    }
    std::size_t cleaned = 0;
    for (const auto& name : names) {
        auto file = read_config_file(path_of(name));
        if (!file) {
            continue;  // went meanwhile (another tulled cleaned it)
        }
        const auto entry = parse_dns_record(name, file->text);
        if (!entry || !file->private_to_owner) {
            log_->warn("{}: not a DNS record of tulled; removed", path_of(name));
            forget(name);
            continue;
        }
        if (dns_.interface_lives(*entry)) {
            continue;  // its tunnel runs (in this tulled or another)
        }
        log_->info("{}: undoing DNS left by a tulled that stopped without it", name);
        revert(*entry);
        ++cleaned;
    }
    return cleaned;
}

}  // namespace tulle::daemon
