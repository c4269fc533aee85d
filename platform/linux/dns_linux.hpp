// Dns on Linux: systemd-resolved over D-Bus (sd-bus) when its name is on the system bus, else
// resolvconf(8) when it can be run, else nothing.
#pragma once

#include <chrono>
#include <string>

#include "platform/dns.hpp"

namespace tulle::platform::linux_impl {

class DnsLinux final : public Dns {
  public:
    struct Options {
        // The bus where systemd-resolved is looked for. Empty: the system bus (sd_bus_open_system:
        // DBUS_SYSTEM_BUS_ADDRESS when set, else the usual socket).
        std::string bus_address;
        // The program, a path or a name looked up on PATH.
        std::string resolvconf = "resolvconf";
        // How long one call of resolved, or one run of resolvconf, may take.
        std::chrono::milliseconds timeout{5000};
    };

    explicit DnsLinux(Options options) : options_(std::move(options)) {}

    [[nodiscard]] DnsEntry apply(std::string_view ifname, const DnsSettings& settings) override;
    void revert(const DnsEntry& entry) override;
    [[nodiscard]] bool interface_lives(const DnsEntry& entry) override;

  private:
    Options options_;
};

// The resolvconf record name of an interface, as wg-quick names it: "tun.wg0".
[[nodiscard]] std::string resolvconf_record(std::string_view ifname);
// What resolvconf -a reads: "nameserver A" lines, then one "search D1 D2" line if any.
[[nodiscard]] std::string resolvconf_text(const DnsSettings& settings);

}  // namespace tulle::platform::linux_impl
