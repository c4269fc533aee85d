#include <array>
#include <cstring>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include "platform/local_addresses.hpp"

namespace tulle::platform {

std::vector<value::IpAddress> local_addresses(std::string_view except) {
    std::vector<value::IpAddress> out;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) {
        return out;
    }
    for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
        if (entry->ifa_addr == nullptr || (entry->ifa_flags & IFF_UP) == 0U ||
            (entry->ifa_flags & IFF_LOOPBACK) != 0U || except == entry->ifa_name) {
            continue;
        }
        if (entry->ifa_addr->sa_family == AF_INET) {
            sockaddr_in in{};
            std::memcpy(&in, entry->ifa_addr, sizeof(in));
            std::array<std::uint8_t, 4> bytes{};
            std::memcpy(bytes.data(), &in.sin_addr, bytes.size());
            out.push_back(value::IpAddress::v4(bytes));
        } else if (entry->ifa_addr->sa_family == AF_INET6) {
            sockaddr_in6 in6{};
            std::memcpy(&in6, entry->ifa_addr, sizeof(in6));
            if (IN6_IS_ADDR_LINKLOCAL(&in6.sin6_addr)) {
                continue;
            }
            std::array<std::uint8_t, 16> bytes{};
            std::memcpy(bytes.data(), &in6.sin6_addr, bytes.size());
            out.push_back(value::IpAddress::v6(bytes));
        }
    }
    freeifaddrs(list);
    return out;
}

}  // namespace tulle::platform

#include <unistd.h>

namespace tulle::platform {

std::string host_name() {
    std::array<char, 256> name{};
    if (gethostname(name.data(), name.size() - 1) != 0) {
        return {};
    }
    return std::string(name.data());
}

}  // namespace tulle::platform
