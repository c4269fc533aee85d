// Protocol constants. The specification block follows the WireGuard whitepaper (section 6.1 and
// the cookie section); the implementation block holds this engine's own limits.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace tulle::core {

using Duration = std::chrono::nanoseconds;
using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

namespace spec {
inline constexpr std::uint64_t kRekeyAfterMessages = std::uint64_t{1} << 60U;
inline constexpr std::uint64_t kRejectAfterMessages =
    std::numeric_limits<std::uint64_t>::max() - (std::uint64_t{1} << 13U);
inline constexpr auto kRekeyAfterTime = std::chrono::seconds{120};
inline constexpr auto kRejectAfterTime = std::chrono::seconds{180};
inline constexpr auto kRekeyAttemptTime = std::chrono::seconds{90};
inline constexpr auto kRekeyTimeout = std::chrono::seconds{5};
inline constexpr auto kRekeyTimeoutJitterMax = std::chrono::milliseconds{334};
inline constexpr auto kKeepaliveTimeout = std::chrono::seconds{10};
inline constexpr auto kCookieRefreshTime = std::chrono::seconds{120};
inline constexpr int kMaxTimerHandshakes =
    static_cast<int>(kRekeyAttemptTime / kRekeyTimeout);  // 18
// An initiator that receives data on keys at least this old starts a new handshake
// (REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT - REKEY_TIMEOUT, whitepaper 6.2): 165 s.
inline constexpr auto kRekeyAfterTimeReceiving =
    kRejectAfterTime - kKeepaliveTimeout - kRekeyTimeout;
inline constexpr std::size_t kPaddingMultiple = 16;
}  // namespace spec

namespace impl {
// Handshake initiations to one peer are sent at most this often (wireguard-go: 50/s).
inline constexpr auto kHandshakeInitiationRate = std::chrono::milliseconds{20};
// Handshake messages per second and burst accepted from one source address.
inline constexpr int kRatelimitPacketsPerSecond = 20;
inline constexpr int kRatelimitBurst = 5;
inline constexpr std::size_t kRatelimitMaxEntries = 1U << 16U;
// The device counts as under load while this many handshakes wait, and for this long after.
inline constexpr std::size_t kUnderLoadQueueLength = 128;
inline constexpr auto kUnderLoadAfterTime = std::chrono::seconds{1};
// Packets held per peer while no session exists yet (oldest dropped first).
inline constexpr std::size_t kMaxStagedPackets = 128;
// Replay window, RFC 6479 style: 128 blocks of 64 bits, one block kept free.
inline constexpr std::size_t kReplayBlocks = 128;
inline constexpr std::size_t kReplayWindow = (kReplayBlocks - 1) * 64;  // 8128
// Peers per interface (wireguard-go and the kernel have the same limit); add_peer refuses more.
inline constexpr std::size_t kMaxPeers = 1U << 16U;
// Allowed-IP prefixes per interface, all peers together (neither wireguard-go nor the kernel has
// a limit). At about 130 bytes a prefix in the table (tests/bench/uapi_bench.cpp), a full
// interface holds some 130 MB of them. The daemon refuses a change that could pass it.
inline constexpr std::size_t kMaxAllowedIps = 1'000'000;
inline constexpr std::size_t kMaxMessageSize = 65535;
inline constexpr std::size_t kDefaultMtu = 1420;
}  // namespace impl

}  // namespace tulle::core
