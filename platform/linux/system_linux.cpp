#include "platform/linux/dns_linux.hpp"
#include "platform/linux/firewall_nft.hpp"
#include "platform/linux/net_config_linux.hpp"
#include "platform/linux/tun_linux.hpp"
#include "platform/linux/udp_socket_linux.hpp"
#include "platform/system.hpp"

namespace tulle::platform {

std::unique_ptr<TunFactory> make_system_tun_factory(Offloads offloads) {
    return std::make_unique<linux_impl::TunLinuxFactory>(offloads.enabled);
}

std::unique_ptr<NetConfig> make_system_net_config() {
    return std::make_unique<linux_impl::NetConfigLinux>();
}

std::unique_ptr<Dns> make_system_dns() {
    return std::make_unique<linux_impl::DnsLinux>(linux_impl::DnsLinux::Options{});
}

std::unique_ptr<UdpSocketFactory> make_system_udp_socket_factory(Offloads offloads) {
    return std::make_unique<linux_impl::UdpSocketLinuxFactory>(offloads.enabled);
}

std::unique_ptr<Firewall> make_system_firewall() {
    return std::make_unique<linux_impl::FirewallNft>();
}

}  // namespace tulle::platform
