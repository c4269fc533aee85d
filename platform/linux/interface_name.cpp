#include "platform/linux/interface_name.hpp"

#include <cerrno>
#include <string>
#include <system_error>

#include "value/text.hpp"

namespace tulle::platform::linux_impl {

void check_interface_name(std::string_view name, std::string_view operation) {
    if (auto checked = value::check_interface_name(name); !checked.ok()) {
        throw std::system_error(EINVAL, std::system_category(),
                                std::string(operation) + ": invalid interface name " +
                                    value::quote(name) + " (" + checked.error() + ")");
    }
}

}  // namespace tulle::platform::linux_impl
