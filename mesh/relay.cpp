#include "mesh/relay.hpp"

#include <algorithm>

#include <sodium.h>

#include "mesh/wire.hpp"

namespace tulle::mesh {
namespace {

constexpr std::size_t kChannelAt = kRelayMagic.size();
constexpr std::size_t kTokenAt = kChannelAt + 4;
static_assert(kRelayHeader == kTokenAt + std::tuple_size_v<RelayToken>);

}  // namespace

bool is_relay_frame(std::span<const std::uint8_t> datagram) {
    return datagram.size() >= kRelayMagic.size() &&
           std::equal(kRelayMagic.begin(), kRelayMagic.end(), datagram.begin());
}

void write_relay_header(std::span<std::uint8_t> out, const RelayHeader& header) {
    std::copy(kRelayMagic.begin(), kRelayMagic.end(), out.begin());
    for (std::size_t i = 0; i < 4; ++i) {
        out[kChannelAt + i] = static_cast<std::uint8_t>(header.channel >> (8U * (3U - i)));
    }
    std::copy(header.token.begin(), header.token.end(),
              out.begin() + static_cast<std::ptrdiff_t>(kTokenAt));
}

std::optional<RelayHeader> read_relay_header(std::span<const std::uint8_t> frame) {
    if (frame.size() <= kRelayHeader || !is_relay_frame(frame)) {
        return std::nullopt;
    }
    RelayHeader header;
    for (std::size_t i = 0; i < 4; ++i) {
        header.channel = (header.channel << 8U) | frame[kChannelAt + i];
    }
    const auto token = frame.subspan(kTokenAt, header.token.size());
    std::copy(token.begin(), token.end(), header.token.begin());
    return header;
}

bool same_token(const RelayToken& a, const RelayToken& b) {
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

RelayToken new_relay_token() {
    for (;;) {
        const auto token = wire::random_bytes<std::tuple_size_v<RelayToken>>();
        if (!sodium_is_zero(token.data(), token.size())) {
            return token;
        }
    }
}

}  // namespace tulle::mesh
