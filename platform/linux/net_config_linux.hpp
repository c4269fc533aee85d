// NetConfig over rtnetlink: one NETLINK_ROUTE socket, every change acknowledged by the kernel.
// No external programs (ip, ifconfig) are run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "platform/linux/netlink.hpp"
#include "platform/net_config.hpp"

namespace tulle::platform::linux_impl {

class NetConfigLinux final : public NetConfig {
  public:
    // Opens the netlink socket; it acts on the network namespace of the calling thread from
    // then on. Throws std::system_error.
    NetConfigLinux();

    void add_address(std::string_view ifname, const value::IpPrefix& address) override;
    void remove_address(std::string_view ifname, const value::IpPrefix& address) override;
    void set_mtu(std::string_view ifname, std::uint32_t mtu) override;
    void set_up(std::string_view ifname, bool up) override;
    void add_route(std::string_view ifname, const value::IpPrefix& destination,
                   std::uint32_t table = kMainRouteTable) override;
    void remove_route(std::string_view ifname, const value::IpPrefix& destination,
                      std::uint32_t table = kMainRouteTable) override;
    void add_rule(const RoutingRule& rule) override;
    void remove_rule(const RoutingRule& rule) override;
    [[nodiscard]] std::vector<RoutingRule> list_rules() override;
    void mark_aware_reverse_path() override;
    [[nodiscard]] bool table_in_use(std::uint32_t table) override;
    [[nodiscard]] std::vector<value::IpPrefix> list_addresses(std::string_view ifname) override;
    [[nodiscard]] std::vector<Route> list_routes(std::string_view ifname) override;
    void delete_link(std::string_view ifname) override;
    [[nodiscard]] bool link_exists(std::string_view ifname) override;

  private:
    // The interface's index; throws (ENODEV for a missing one) with `operation` as the message.
    int ifindex(std::string_view ifname, const std::string& operation);

    NetlinkSocket socket_;
};

}  // namespace tulle::platform::linux_impl
