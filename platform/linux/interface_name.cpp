#include "platform/linux/interface_name.hpp"

#include <cerrno>
#include <cstdio>
#include <net/if.h>
#include <system_error>

namespace tulle::platform::linux_impl {

bool is_valid_interface_name(std::string_view name) {
    if (name.empty() || name.size() >= IFNAMSIZ || name == "." || name == "..") {
        return false;
    }
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f || c == '/' || c == ':') {
            return false;
        }
    }
    return true;
}

std::string quote_interface_name(std::string_view name) {
    std::string quoted = "\"";
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7f || c == '"' || c == '\\') {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned>(byte));
            quoted += escaped;
        } else {
            quoted += c;
        }
    }
    quoted += '"';
    return quoted;
}

void check_interface_name(std::string_view name, std::string_view operation) {
    if (!is_valid_interface_name(name)) {
        throw std::system_error(
            EINVAL, std::system_category(),
            std::string(operation) + ": invalid interface name " + quote_interface_name(name) +
                " (must be 1 to 15 bytes, not \".\" or \"..\", without '/', ':' or whitespace)");
    }
}

}  // namespace tulle::platform::linux_impl
