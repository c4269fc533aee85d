// A tunnel's `DNS =` applied through the system's resolver manager (platform::Dns), with a record
// of what was set: one root-only file per interface in tulled's state folder, so that a tulled
// that starts after one was killed undoes what it left behind (an entry is left behind when its
// interface is gone, so tulleds running side by side never undo each other's).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

#include "platform/dns.hpp"

namespace tulle::daemon {

class DnsControl {
  public:
    // What the user sees (log, tunnel status) when there is no manager to take DNS =.
    static constexpr std::string_view kNoManager =
        "DNS = needs systemd-resolved or resolvconf; the tunnel is up without it";

    // `folder`: where the records go (made 0700 when first needed, its parent 0755 if missing).
    DnsControl(platform::Dns& dns, std::string folder, std::shared_ptr<spdlog::logger> log);

    struct Applied {
        platform::DnsEntry entry;  // manager none: nothing was set
        std::string problem;       // why DNS = is not applied; empty when it is (or is empty)
    };
    // Hands the settings to the manager and records what it took. Empty settings set nothing.
    // Never throws: a refusal is logged and returned as the problem; the tunnel stays up.
    [[nodiscard]] Applied apply(const std::string& ifname, const platform::DnsSettings& settings);
    // Undoes an entry apply() made and drops its record. Failures are logged.
    void revert(const platform::DnsEntry& entry);
    // Undoes every recorded entry whose interface is gone; returns how many. tulled calls it at
    // every start (the service's, each tunnel's).
    std::size_t clean_stale();

    [[nodiscard]] const std::string& folder() const { return folder_; }

  private:
    [[nodiscard]] std::string path_of(std::string_view ifname) const;
    void record(const platform::DnsEntry& entry);
    void forget(std::string_view ifname);

    platform::Dns& dns_;
    std::string folder_;
    std::shared_ptr<spdlog::logger> log_;
};

// A record's text ("resolved 7\n") and back; nothing when the text is not one.
[[nodiscard]] std::string dns_record_text(const platform::DnsEntry& entry);
[[nodiscard]] std::optional<platform::DnsEntry> parse_dns_record(std::string_view ifname,
                                                                 std::string_view text);

}  // namespace tulle::daemon
