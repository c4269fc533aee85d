#include "platform/tun.hpp"

#include <algorithm>
#include <system_error>

namespace tulle::platform {

std::size_t Tun::read_batch(std::span<const std::span<std::uint8_t>> buffers,
                            std::span<std::size_t> sizes) {
    const std::size_t limit = std::min(buffers.size(), sizes.size());
    std::size_t count = 0;
    while (count < limit) {
        std::size_t size = 0;
        try {
            size = read(buffers[count]);
        } catch (const std::system_error&) {
            if (count == 0) {
                throw;
            }
            break;
        }
        if (size == 0) {
            break;
        }
        sizes[count++] = size;
    }
    return count;
}

std::size_t Tun::write_batch(std::span<const std::span<const std::uint8_t>> packets) {
    std::size_t count = 0;
    for (const auto packet : packets) {
        if (!write(packet)) {
            break;
        }
        ++count;
    }
    return count;
}

}  // namespace tulle::platform
