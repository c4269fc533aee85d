#include "daemon/core/cookie.hpp"

#include <algorithm>
#include <cassert>
#include <string_view>
#include <utility>

namespace tulle::core {
namespace {

constexpr std::string_view kMac1Label = "mac1----";
constexpr std::string_view kCookieLabel = "cookie--";

Hash labelled_hash(std::string_view label, const PublicKey& public_key) {
    crypto::Blake2s hash;
    hash.update({reinterpret_cast<const std::uint8_t*>(label.data()), label.size()});
    hash.update(public_key);
    return hash.final();
}

// Whether a message of this size has room for mac1 and mac2 from mac1_offset on.
bool has_macs(std::size_t message_size, std::size_t mac1_offset) {
    return mac1_offset <= message_size && message_size - mac1_offset >= 2 * kMacLen;
}

}  // namespace

std::span<const std::uint8_t> cookie_source(const value::SocketAddress& from,
                                            std::array<std::uint8_t, 18>& buffer) {
    const auto bytes = from.address.bytes();
    std::copy(bytes.begin(), bytes.end(), buffer.begin());
    buffer[bytes.size()] = static_cast<std::uint8_t>(from.port >> 8U);
    buffer[bytes.size() + 1] = static_cast<std::uint8_t>(from.port & 0xffU);
    return {buffer.data(), bytes.size() + 2};
}

Hash mac1_key(const PublicKey& public_key) {
    return labelled_hash(kMac1Label, public_key);
}

Hash cookie_key(const PublicKey& public_key) {
    return labelled_hash(kCookieLabel, public_key);
}

Mac mac(std::span<const std::uint8_t> key, std::span<const std::uint8_t> in) {
    Mac out{};
    crypto::blake2s(out, in, key);
    return out;
}

// --- CookieChecker ---

CookieChecker::CookieChecker(const PublicKey& local_public, RandomSource random)
    : random_(std::move(random)) {
    set_public_key(local_public);
}

void CookieChecker::set_public_key(const PublicKey& local_public) {
    mac1_key_ = mac1_key(local_public);
    cookie_key_ = cookie_key(local_public);
}

Secret<kCookieLen> CookieChecker::make_cookie(std::span<const std::uint8_t> source, TimePoint now) {
    if (!secret_birth_ || now - *secret_birth_ >= kCookieSecretMaxAge) {
        random_(secret_.bytes());
        secret_birth_ = now;
    }
    Secret<kCookieLen> cookie;
    crypto::blake2s(cookie.bytes(), source, secret_.bytes());
    return cookie;
}

bool CookieChecker::mac1_valid(std::span<const std::uint8_t> message,
                               std::size_t mac1_offset) const {
    if (!has_macs(message.size(), mac1_offset)) {
        return false;
    }
    const Mac expected_mac1 = mac(mac1_key_, message.first(mac1_offset));
    return crypto::equal(expected_mac1, message.subspan(mac1_offset, kMacLen));
}

MacState CookieChecker::validate(std::span<const std::uint8_t> message, std::size_t mac1_offset,
                                 std::span<const std::uint8_t> source, TimePoint now,
                                 bool check_mac2) {
    if (!mac1_valid(message, mac1_offset)) {
        return MacState::invalid;
    }
    if (!check_mac2) {
        return MacState::valid_mac1;
    }
    const std::size_t mac2_offset = mac1_offset + kMacLen;
    const Secret<kCookieLen> cookie = make_cookie(source, now);
    const Mac expected_mac2 = mac(cookie.bytes(), message.first(mac2_offset));
    if (!crypto::equal(expected_mac2, message.subspan(mac2_offset, kMacLen))) {
        return MacState::valid_mac1;
    }
    return MacState::valid_mac1_and_mac2;
}

MessageCookieReply CookieChecker::make_reply(std::span<const std::uint8_t> message,
                                             std::size_t mac1_offset, std::uint32_t receiver_index,
                                             std::span<const std::uint8_t> source, TimePoint now,
                                             std::span<const std::uint8_t, kCookieNonceLen> nonce) {
    MessageCookieReply reply{};
    if (!has_macs(message.size(), mac1_offset)) {
        // A caller bug: the message was never validated. The zeroed reply has no valid type.
        assert(false && "make_reply needs a message with MACs");
        return reply;
    }
    reply.type.set(static_cast<std::uint32_t>(MessageType::cookie_reply));
    reply.receiver.set(receiver_index);
    std::copy(nonce.begin(), nonce.end(), reply.nonce.begin());
    const Secret<kCookieLen> cookie = make_cookie(source, now);
    crypto::xaead_seal(reply.encrypted_cookie, cookie_key_, nonce, cookie.bytes(),
                       message.subspan(mac1_offset, kMacLen));
    return reply;
}

// --- CookieMaker ---

CookieMaker::CookieMaker(const PublicKey& peer_public)
    : mac1_key_(mac1_key(peer_public)), cookie_key_(cookie_key(peer_public)) {}

bool CookieMaker::has_cookie(TimePoint now) const {
    return cookie_birth_.has_value() && now - *cookie_birth_ < kCookieMaxAgeAtInitiator;
}

void CookieMaker::add_macs(std::span<std::uint8_t> message, std::size_t mac1_offset,
                           TimePoint now) {
    if (!has_macs(message.size(), mac1_offset)) {
        assert(false && "add_macs needs room for both MACs");
        return;
    }
    const std::size_t mac2_offset = mac1_offset + kMacLen;
    last_mac1_ = mac(mac1_key_, message.first(mac1_offset));
    mac1_outstanding_ = true;
    const auto mac1_field = message.subspan(mac1_offset, kMacLen);
    std::copy(last_mac1_.begin(), last_mac1_.end(), mac1_field.begin());

    const auto mac2_field = message.subspan(mac2_offset, kMacLen);
    if (has_cookie(now)) {
        const Mac mac2 = mac(cookie_.bytes(), message.first(mac2_offset));
        std::copy(mac2.begin(), mac2.end(), mac2_field.begin());
    } else {
        std::fill(mac2_field.begin(), mac2_field.end(), std::uint8_t{0});
    }
}

bool CookieMaker::consume_reply(const MessageCookieReply& reply, TimePoint now) {
    if (!mac1_outstanding_ ||
        reply.type.get() != static_cast<std::uint32_t>(MessageType::cookie_reply)) {
        return false;
    }
    Secret<kCookieLen> cookie;
    if (!crypto::xaead_open(cookie.bytes(), cookie_key_, reply.nonce, reply.encrypted_cookie,
                            last_mac1_)) {
        return false;
    }
    cookie_ = cookie;
    cookie_birth_ = now;
    mac1_outstanding_ = false;
    return true;
}

}  // namespace tulle::core
