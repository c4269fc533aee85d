#include "platform/linux/net_config_linux.hpp"

#include <cerrno>
#include <fstream>
#include <linux/rtnetlink.h>
#include <system_error>

#include "platform/linux/interface_name.hpp"
#include "platform/linux/rtnl.hpp"
#include "value/text.hpp"

namespace tulle::platform::linux_impl {
namespace {

// The name as it goes into messages: as is when valid, else quoted with odd bytes escaped.
std::string shown(std::string_view ifname) {
    return value::check_interface_name(ifname).ok() ? std::string(ifname) : value::quote(ifname);
}

std::string route_text(std::string_view ifname, const value::IpPrefix& destination,
                       std::uint32_t table) {
    std::string text = destination.canonical().to_string() + " via " + shown(ifname);
    if (table != kMainRouteTable) {
        text += " in table " + std::to_string(table);
    }
    return text;
}

// Rethrows with a hint after the operation when the kernel's errno alone reads poorly.
[[noreturn]] void rethrow_with_hint(const std::system_error& error, int code,
                                    const std::string& operation, const char* hint) {
    if (error.code().value() == code && error.code().category() == std::system_category()) {
        throw std::system_error(code, std::system_category(), operation + " (" + hint + ")");
    }
    throw error;
}

}  // namespace

NetConfigLinux::NetConfigLinux() = default;

int NetConfigLinux::ifindex(std::string_view ifname, const std::string& operation) {
    check_interface_name(ifname, operation);
    auto request = build_get_link(ifname);
    const auto replies = socket_.request(request, operation);
    for (const auto& reply : replies) {
        if (const auto link = parse_link(reply.view()); link && link->ifindex > 0) {
            return link->ifindex;
        }
    }
    throw std::system_error(ENODEV, std::system_category(), operation);
}

void NetConfigLinux::add_address(std::string_view ifname, const value::IpPrefix& address) {
    const std::string operation = "add address " + address.to_string() + " to " + shown(ifname);
    auto request = build_new_address(ifindex(ifname, operation), address);
    socket_.request(request, operation);
}

void NetConfigLinux::remove_address(std::string_view ifname, const value::IpPrefix& address) {
    const std::string operation =
        "remove address " + address.to_string() + " from " + shown(ifname);
    auto request = build_delete_address(ifindex(ifname, operation), address);
    try {
        socket_.request(request, operation);
    } catch (const std::system_error& error) {
        rethrow_with_hint(error, EADDRNOTAVAIL, operation, "the interface has no such address");
    }
}

void NetConfigLinux::set_mtu(std::string_view ifname, std::uint32_t mtu) {
    const std::string operation = "set MTU " + std::to_string(mtu) + " on " + shown(ifname);
    auto request = build_set_link(ifindex(ifname, operation), std::nullopt, mtu);
    socket_.request(request, operation);
}

void NetConfigLinux::set_up(std::string_view ifname, bool up) {
    const std::string operation = "set " + shown(ifname) + (up ? " up" : " down");
    auto request = build_set_link(ifindex(ifname, operation), up, std::nullopt);
    socket_.request(request, operation);
}

void NetConfigLinux::add_route(std::string_view ifname, const value::IpPrefix& destination,
                               std::uint32_t table) {
    const std::string operation = "add route " + route_text(ifname, destination, table);
    auto request =
        build_new_route(ifindex(ifname, operation), destination, table, kTulleRouteProtocol);
    socket_.request(request, operation);
}

void NetConfigLinux::remove_route(std::string_view ifname, const value::IpPrefix& destination,
                                  std::uint32_t table) {
    const std::string operation = "remove route " + route_text(ifname, destination, table);
    auto request = build_delete_route(ifindex(ifname, operation), destination, table);
    try {
        socket_.request(request, operation);
    } catch (const std::system_error& error) {
        rethrow_with_hint(error, ESRCH, operation, "no such route");
    }
}

namespace {

std::string rule_text(const RoutingRule& rule) {
    std::string text = rule.v6 ? "IPv6 rule" : "IPv4 rule";
    if (rule.not_fwmark) {
        text += " not fwmark " + std::to_string(*rule.not_fwmark);
    }
    text += " lookup " +
            (rule.table == kMainRouteTable ? std::string("main") : std::to_string(rule.table));
    if (rule.suppress_prefix_length) {
        text += " suppress_prefixlength " + std::to_string(*rule.suppress_prefix_length);
    }
    return text;
}

}  // namespace

void NetConfigLinux::add_rule(const RoutingRule& rule) {
    const std::string operation = "add " + rule_text(rule);
    auto request = build_new_rule(rule, kTulleRouteProtocol);
    socket_.request(request, operation);
}

void NetConfigLinux::remove_rule(const RoutingRule& rule) {
    const std::string operation = "remove " + rule_text(rule);
    auto request = build_delete_rule(rule, kTulleRouteProtocol);
    try {
        socket_.request(request, operation);
    } catch (const std::system_error& error) {
        rethrow_with_hint(error, ENOENT, operation, "no such rule");
    }
}

std::vector<RoutingRule> NetConfigLinux::list_rules() {
    auto request = build_dump_rules();
    std::vector<RoutingRule> rules;
    for (const auto& reply : socket_.dump(request, "list rules")) {
        if (auto rule = parse_rule(reply.view())) {
            rules.push_back(*rule);
        }
    }
    return rules;
}

bool NetConfigLinux::table_in_use(std::uint32_t table) {
    auto request = build_dump_routes();
    for (const auto& reply :
         socket_.dump(request, "list routes of table " + std::to_string(table))) {
        if (const auto route = parse_route(reply.view()); route && route->table == table) {
            return true;
        }
    }
    return false;
}

void NetConfigLinux::mark_aware_reverse_path() {
    const char* path = "/proc/sys/net/ipv4/conf/all/src_valid_mark";
    std::ofstream out(path);
    out << "1\n";
    out.close();
    if (!out) {
        throw std::system_error(errno, std::system_category(),
                                std::string("set ") + path + " to 1");
    }
}

std::vector<value::IpPrefix> NetConfigLinux::list_addresses(std::string_view ifname) {
    const std::string operation = "list addresses of " + shown(ifname);
    const int index = ifindex(ifname, operation);
    auto request = build_dump_addresses();
    std::vector<value::IpPrefix> addresses;
    for (const auto& reply : socket_.dump(request, operation)) {
        const auto address = parse_address(reply.view());
        if (address && address->ifindex == index) {
            addresses.push_back(address->address);
        }
    }
    return addresses;
}

std::vector<Route> NetConfigLinux::list_routes(std::string_view ifname) {
    const std::string operation = "list routes of " + shown(ifname);
    const int index = ifindex(ifname, operation);
    auto request = build_dump_routes();
    std::vector<Route> routes;
    for (const auto& reply : socket_.dump(request, operation)) {
        const auto route = parse_route(reply.view());
        if (route && route->output_ifindex == index && route->type == RTN_UNICAST) {
            routes.push_back(
                Route{route->destination, route->table, route->protocol, route->priority});
        }
    }
    return routes;
}

void NetConfigLinux::delete_link(std::string_view ifname) {
    const std::string operation = "delete link " + shown(ifname);
    auto request = build_delete_link(ifindex(ifname, operation));
    socket_.request(request, operation);
}

bool NetConfigLinux::link_exists(std::string_view ifname) {
    try {
        ifindex(ifname, "look up link " + shown(ifname));
        return true;
    } catch (const std::system_error& error) {
        if (error.code().value() == ENODEV && error.code().category() == std::system_category()) {
            return false;
        }
        throw;
    }
}

}  // namespace tulle::platform::linux_impl
