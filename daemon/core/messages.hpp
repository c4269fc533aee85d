// WireGuard wire messages (whitepaper section 5.4). Every struct is the exact wire layout, made of
// byte arrays only, so it has no padding and no alignment needs; integers are little endian.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

namespace tulle::core {

inline constexpr std::size_t kKeyLen = 32;
inline constexpr std::size_t kAeadTagLen = 16;
inline constexpr std::size_t kTimestampLen = 12;
inline constexpr std::size_t kMacLen = 16;
inline constexpr std::size_t kCookieLen = 16;
inline constexpr std::size_t kCookieNonceLen = 24;

enum class MessageType : std::uint32_t {
    initiation = 1,
    response = 2,
    cookie_reply = 3,
    transport = 4,
};

// A little-endian integer of N bytes as it lies on the wire.
template <typename T>
struct LittleEndian {
    std::array<std::uint8_t, sizeof(T)> bytes{};

    [[nodiscard]] constexpr T get() const {
        T value = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i) {
            value |= static_cast<T>(static_cast<T>(bytes[i]) << (8U * i));
        }
        return value;
    }
    constexpr void set(T value) {
        for (std::size_t i = 0; i < sizeof(T); ++i) {
            bytes[i] = static_cast<std::uint8_t>(value >> (8U * i));
        }
    }
};
using Le32 = LittleEndian<std::uint32_t>;
using Le64 = LittleEndian<std::uint64_t>;

struct MessageInitiation {
    Le32 type;
    Le32 sender;
    std::array<std::uint8_t, kKeyLen> ephemeral{};
    std::array<std::uint8_t, kKeyLen + kAeadTagLen> encrypted_static{};
    std::array<std::uint8_t, kTimestampLen + kAeadTagLen> encrypted_timestamp{};
    std::array<std::uint8_t, kMacLen> mac1{};
    std::array<std::uint8_t, kMacLen> mac2{};
};

struct MessageResponse {
    Le32 type;
    Le32 sender;
    Le32 receiver;
    std::array<std::uint8_t, kKeyLen> ephemeral{};
    std::array<std::uint8_t, kAeadTagLen> encrypted_nothing{};
    std::array<std::uint8_t, kMacLen> mac1{};
    std::array<std::uint8_t, kMacLen> mac2{};
};

struct MessageCookieReply {
    Le32 type;
    Le32 receiver;
    std::array<std::uint8_t, kCookieNonceLen> nonce{};
    std::array<std::uint8_t, kCookieLen + kAeadTagLen> encrypted_cookie{};
};

struct MessageTransportHeader {
    Le32 type;
    Le32 receiver;
    Le64 counter;
};

static_assert(sizeof(MessageInitiation) == 148);
static_assert(sizeof(MessageResponse) == 92);
static_assert(sizeof(MessageCookieReply) == 64);
static_assert(sizeof(MessageTransportHeader) == 16);

// Offsets of the two MACs: mac1 covers everything before it, mac2 everything before mac2.
inline constexpr std::size_t kInitiationMac1Offset = offsetof(MessageInitiation, mac1);
inline constexpr std::size_t kInitiationMac2Offset = offsetof(MessageInitiation, mac2);
inline constexpr std::size_t kResponseMac1Offset = offsetof(MessageResponse, mac1);
inline constexpr std::size_t kResponseMac2Offset = offsetof(MessageResponse, mac2);

inline constexpr std::size_t kTransportOverhead = sizeof(MessageTransportHeader) + kAeadTagLen;
inline constexpr std::size_t kMinTransportSize = kTransportOverhead;  // a keepalive

// The type of a datagram whose length is valid for that type, or nothing. Handshake messages must
// have their exact length; transport messages at least a header and a tag.
[[nodiscard]] std::optional<MessageType> classify(std::span<const std::uint8_t> datagram);

// Copies a datagram already classified as T into its struct.
template <typename T>
[[nodiscard]] T load_message(std::span<const std::uint8_t> datagram) {
    T message{};
    std::memcpy(&message, datagram.data(), sizeof(T));
    return message;
}

template <typename T>
[[nodiscard]] std::span<const std::uint8_t> bytes_of(const T& message) {
    return {reinterpret_cast<const std::uint8_t*>(&message), sizeof(T)};
}

// Length of a plaintext once padded to the padding multiple, never above the MTU
// (whitepaper 5.4.6).
[[nodiscard]] std::size_t padded_length(std::size_t plaintext_len, std::size_t mtu);

}  // namespace tulle::core
