#include "daemon/core/messages.hpp"

#include <algorithm>

#include "daemon/core/constants.hpp"

namespace tulle::core {

std::optional<MessageType> classify(std::span<const std::uint8_t> datagram) {
    if (datagram.size() < sizeof(Le32)) {
        return std::nullopt;
    }
    Le32 type_field;
    std::memcpy(type_field.bytes.data(), datagram.data(), sizeof(Le32));
    switch (type_field.get()) {
        case static_cast<std::uint32_t>(MessageType::initiation):
            if (datagram.size() == sizeof(MessageInitiation)) {
                return MessageType::initiation;
            }
            break;
        case static_cast<std::uint32_t>(MessageType::response):
            if (datagram.size() == sizeof(MessageResponse)) {
                return MessageType::response;
            }
            break;
        case static_cast<std::uint32_t>(MessageType::cookie_reply):
            if (datagram.size() == sizeof(MessageCookieReply)) {
                return MessageType::cookie_reply;
            }
            break;
        case static_cast<std::uint32_t>(MessageType::transport):
            if (datagram.size() >= kMinTransportSize && datagram.size() <= impl::kMaxMessageSize) {
                return MessageType::transport;
            }
            break;
        default:
            break;
    }
    return std::nullopt;
}

std::size_t padded_length(std::size_t plaintext_len, std::size_t mtu) {
    const std::size_t multiple = spec::kPaddingMultiple;
    const std::size_t padded = (plaintext_len + multiple - 1) / multiple * multiple;
    if (plaintext_len > mtu) {
        return plaintext_len;
    }
    return std::min(padded, mtu);
}

}  // namespace tulle::core
