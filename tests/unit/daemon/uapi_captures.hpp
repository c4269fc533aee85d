// What wg(8) v1.0.20210914 sent to, and wireguard-go v0.0.20220316 answered on, a test interface
// (keys made for the occasion), with the small helpers the UAPI tests read them with.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "daemon/uapi.hpp"

namespace tulle::daemon::uapi_testing {

using Key = std::array<std::uint8_t, core::kKeySize>;

inline Key key_from_hex(std::string_view hex) {
    EXPECT_EQ(hex.size(), 64U) << hex;
    auto nibble = [](char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c - 'A' + 10;
    };
    Key key{};
    for (std::size_t i = 0; i < key.size() && 2 * i + 1 < hex.size(); ++i) {
        key[i] = static_cast<std::uint8_t>((nibble(hex[2 * i]) << 4) | nibble(hex[2 * i + 1]));
    }
    return key;
}

inline core::Secret<core::kKeySize> secret_from_hex(std::string_view hex) {
    core::Secret<core::kKeySize> secret;
    const Key bytes = key_from_hex(hex);
    std::copy(bytes.begin(), bytes.end(), secret.bytes().begin());
    return secret;
}

inline value::IpPrefix prefix(std::string_view text) {
    auto parsed = value::IpPrefix::parse(text);
    EXPECT_TRUE(parsed) << text;
    return parsed ? *parsed : value::IpPrefix{};
}

// From the capture.
constexpr std::string_view kPrivateHex =
    "4004b9739a40f8854511f33e105cb504f6cadb397e1dc65d6d0681d3c12a994d";
constexpr std::string_view kPublicHex =  // wg pubkey of kPrivateHex
    "9c9a2e22d27eaf8fca199930fa52c8b870f19bbf101e30a5389cdb55cb07cd00";
constexpr std::string_view kPeer1Hex =
    "12930d06b77fd7de5150bacae807f3d4b02abb66be513588de59a9e5d9ed383a";
constexpr std::string_view kPeer2Hex =
    "e4459d2c9928f95696ee45f6d4dfeefcda55929aa2a66b58bbc6d55165d2f720";
constexpr std::string_view kPresharedHex =
    "1b280db7023e462de6a9d00f76935299465881118143fa6484aa545548321383";
constexpr std::string_view kZeroHex =
    "0000000000000000000000000000000000000000000000000000000000000000";

// `wg setconf tlcap0 cap.conf`: an [Interface] with ListenPort and FwMark = 0x1234, and two peers,
// the second with AllowedIPs = 10.0.0.3/24 (host bits set), 0.0.0.0/0, ::/0.
constexpr std::string_view kSetconfRequest =
    "set=1\n"
    "private_key=4004b9739a40f8854511f33e105cb504f6cadb397e1dc65d6d0681d3c12a994d\n"
    "listen_port=51820\n"
    "fwmark=4660\n"
    "replace_peers=true\n"
    "public_key=12930d06b77fd7de5150bacae807f3d4b02abb66be513588de59a9e5d9ed383a\n"
    "preshared_key=1b280db7023e462de6a9d00f76935299465881118143fa6484aa545548321383\n"
    "endpoint=192.0.2.7:51821\n"
    "persistent_keepalive_interval=25\n"
    "replace_allowed_ips=true\n"
    "allowed_ip=10.0.0.2/32\n"
    "allowed_ip=10.1.0.0/16\n"
    "allowed_ip=fd00::2/128\n"
    "public_key=e4459d2c9928f95696ee45f6d4dfeefcda55929aa2a66b58bbc6d55165d2f720\n"
    "endpoint=[2001:db8::1]:51822\n"
    "replace_allowed_ips=true\n"
    "allowed_ip=10.0.0.3/24\n"
    "allowed_ip=0.0.0.0/0\n"
    "allowed_ip=::/0\n"
    "\n";

// `wg set tlcap0 peer <peer 1> remove peer <peer 2> preshared-key <zeros> persistent-keepalive off
// allowed-ips ""`.
constexpr std::string_view kSetRemoveBody =
    "public_key=12930d06b77fd7de5150bacae807f3d4b02abb66be513588de59a9e5d9ed383a\n"
    "remove=true\n"
    "public_key=e4459d2c9928f95696ee45f6d4dfeefcda55929aa2a66b58bbc6d55165d2f720\n"
    "preshared_key=0000000000000000000000000000000000000000000000000000000000000000\n"
    "persistent_keepalive_interval=0\n"
    "replace_allowed_ips=true\n";

// wireguard-go's reply to `wg showconf tlcap0` after kSetconfRequest, without "errno=0\n\n".
constexpr std::string_view kGetReply =
    "private_key=4004b9739a40f8854511f33e105cb504f6cadb397e1dc65d6d0681d3c12a994d\n"
    "listen_port=51820\n"
    "fwmark=4660\n"
    "public_key=12930d06b77fd7de5150bacae807f3d4b02abb66be513588de59a9e5d9ed383a\n"
    "preshared_key=1b280db7023e462de6a9d00f76935299465881118143fa6484aa545548321383\n"
    "protocol_version=1\n"
    "endpoint=192.0.2.7:51821\n"
    "last_handshake_time_sec=0\n"
    "last_handshake_time_nsec=0\n"
    "tx_bytes=0\n"
    "rx_bytes=0\n"
    "persistent_keepalive_interval=25\n"
    "allowed_ip=10.0.0.2/32\n"
    "allowed_ip=10.1.0.0/16\n"
    "allowed_ip=fd00::2/128\n"
    "public_key=e4459d2c9928f95696ee45f6d4dfeefcda55929aa2a66b58bbc6d55165d2f720\n"
    "preshared_key=0000000000000000000000000000000000000000000000000000000000000000\n"
    "protocol_version=1\n"
    "endpoint=[2001:db8::1]:51822\n"
    "last_handshake_time_sec=0\n"
    "last_handshake_time_nsec=0\n"
    "tx_bytes=0\n"
    "rx_bytes=0\n"
    "persistent_keepalive_interval=0\n"
    "allowed_ip=10.0.0.0/24\n"
    "allowed_ip=0.0.0.0/0\n"
    "allowed_ip=::/0\n";

}  // namespace tulle::daemon::uapi_testing
