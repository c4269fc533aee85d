// Linux interface-name rules, checked before a name reaches the kernel so that a bad one gets a
// clear error instead of a truncated name or a puzzling errno.
#pragma once

#include <string>
#include <string_view>

namespace tulle::platform::linux_impl {

// 1 to 15 bytes (IFNAMSIZ less the NUL), not "." or "..", and no '/', ':', whitespace or other
// control characters. (The kernel itself allows control characters other than whitespace; we
// do not.)
[[nodiscard]] bool is_valid_interface_name(std::string_view name);

// Throws std::system_error(EINVAL) with the message
// "<operation>: invalid interface name \"<name>\" (...rules...)" unless the name is valid.
void check_interface_name(std::string_view name, std::string_view operation);

// The name in double quotes with unprintable bytes written as \xNN, for error messages.
[[nodiscard]] std::string quote_interface_name(std::string_view name);

}  // namespace tulle::platform::linux_impl
