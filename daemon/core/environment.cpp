#include "daemon/core/environment.hpp"

#include "daemon/core/crypto.hpp"

namespace tulle::core {

void SystemEnvironment::random_bytes(std::span<std::uint8_t> out) {
    crypto::random_bytes(out);
}

std::chrono::system_clock::time_point SystemEnvironment::wall_now() {
    return std::chrono::system_clock::now();
}

}  // namespace tulle::core
