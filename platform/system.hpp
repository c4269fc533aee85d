// The OS's own implementations of the platform interfaces, for the daemon's main(). Which OS
// they come from is decided by the build (platform/<os>/system_<os>.cpp), so callers need no
// #ifdef and never include platform/<os>/ headers.
#pragma once

#include <memory>

#include "platform/dns.hpp"
#include "platform/firewall.hpp"
#include "platform/net_config.hpp"
#include "platform/tun.hpp"
#include "platform/udp_socket.hpp"

namespace tulle::platform {

// Whether the devices and sockets made use the system's offloads (TUN: virtio-net header with
// checksum and TCP/UDP segmentation; UDP: GSO and GRO). Each is probed when a device or socket
// is made, and what the system lacks falls back to one packet per call. tulled turns them off
// with TULLE_OFFLOADS=off.
struct Offloads {
    bool enabled = true;
};

// Creates real TUN devices. Cheap; never throws except std::bad_alloc.
[[nodiscard]] std::unique_ptr<TunFactory> make_system_tun_factory(Offloads offloads);

// Opens the OS's interface-configuration channel (on Linux a NETLINK_ROUTE socket in the calling
// thread's network namespace). Throws std::system_error.
[[nodiscard]] std::unique_ptr<NetConfig> make_system_net_config();

[[nodiscard]] std::unique_ptr<UdpSocketFactory> make_system_udp_socket_factory(Offloads offloads);

// The system's resolver managers (Linux: systemd-resolved on the system bus, which
// DBUS_SYSTEM_BUS_ADDRESS may name, else resolvconf on PATH). Connects only when used.
[[nodiscard]] std::unique_ptr<Dns> make_system_dns();

// The OS's packet filter for kill switches (on Linux nftables, in the calling thread's network
// namespace). Throws std::system_error.
[[nodiscard]] std::unique_ptr<Firewall> make_system_firewall();

}  // namespace tulle::platform
