// The addresses of this host's interfaces that are up, for a mesh member's candidates: where
// other members on the same network could reach it directly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "value/ip.hpp"

namespace tulle::platform {

// Skips loopback, interfaces that are down, `except` (the tunnel itself) and IPv6 link-local
// addresses (they need a zone to be used).
[[nodiscard]] std::vector<value::IpAddress> local_addresses(std::string_view except);

}  // namespace tulle::platform

namespace tulle::platform {

// This host's name (gethostname), or "" when it has none.
[[nodiscard]] std::string host_name();

}  // namespace tulle::platform
