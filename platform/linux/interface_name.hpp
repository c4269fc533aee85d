// Checks an interface name before it reaches the kernel, so that a bad one gets a clear error
// instead of a truncated name or a puzzling errno. The rule itself is value::check_interface_name.
#pragma once

#include <string_view>

namespace tulle::platform::linux_impl {

// Throws std::system_error(EINVAL) with the message
// "<operation>: invalid interface name '<name>' (<why>)" unless the name is valid.
void check_interface_name(std::string_view name, std::string_view operation);

}  // namespace tulle::platform::linux_impl
