#include "mesh/wire.hpp"

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include <sodium.h>

namespace tulle::mesh::wire {

void Writer::u16(std::uint16_t value) {
    out_.push_back(static_cast<std::uint8_t>(value >> 8U));
    out_.push_back(static_cast<std::uint8_t>(value));
}

void Writer::u64(std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
        out_.push_back(static_cast<std::uint8_t>(value >> static_cast<unsigned>(shift)));
    }
}

void Writer::bytes(std::span<const std::uint8_t> bytes) {
    out_.insert(out_.end(), bytes.begin(), bytes.end());
}

void Writer::text(std::string_view text) {
    u8(static_cast<std::uint8_t>(text.size()));
    out_.insert(out_.end(), text.begin(), text.end());
}

void Writer::address(const value::IpAddress& address) {
    u8(address.is_v4() ? kFamilyV4 : kFamilyV6);
    bytes(address.bytes());
}

void Writer::prefix(const value::IpPrefix& prefix) {
    u8(prefix.address().is_v4() ? kFamilyV4 : kFamilyV6);
    u8(static_cast<std::uint8_t>(prefix.length()));
    bytes(prefix.address().bytes());
}

void Reader::fail(std::string_view field, std::string_view problem) {
    if (!error_) {
        error_ = std::string(field) + ": " + std::string(problem);
    }
}

std::span<const std::uint8_t> Reader::bytes(std::size_t size, std::string_view field) {
    if (error_) {
        return {};
    }
    if (bytes_.size() - at_ < size) {
        fail(field, "the " + std::string(what_) + " ends before it (" + std::to_string(size) +
                        " bytes needed, " + std::to_string(bytes_.size() - at_) + " left)");
        return {};
    }
    const auto out = bytes_.subspan(at_, size);
    at_ += size;
    return out;
}

std::uint8_t Reader::u8(std::string_view field) {
    const auto got = bytes(1, field);
    return got.empty() ? 0 : got[0];
}

std::uint16_t Reader::u16(std::string_view field) {
    const auto got = bytes(2, field);
    return got.empty() ? 0 : static_cast<std::uint16_t>((got[0] << 8U) | got[1]);
}

std::uint64_t Reader::u64(std::string_view field) {
    std::uint64_t value = 0;
    for (const std::uint8_t byte : bytes(8, field)) {
        value = (value << 8U) | byte;
    }
    return value;
}

std::string Reader::text(std::string_view field) {
    const std::size_t size = u8(field);
    const auto got = bytes(size, field);
    return {got.begin(), got.end()};
}

std::span<const std::uint8_t> Reader::address_bytes(std::uint8_t family, std::string_view field) {
    if (error_) {
        return {};
    }
    if (family != kFamilyV4 && family != kFamilyV6) {
        fail(field, "unknown address family " + std::to_string(family));
        return {};
    }
    return bytes(family == kFamilyV4 ? 4 : 16, field);
}

value::IpAddress Reader::address(std::string_view field) {
    const std::uint8_t family = u8(field);
    const auto got = address_bytes(family, field);
    return error_ ? value::IpAddress() : *value::IpAddress::from_bytes(got);
}

value::IpPrefix Reader::prefix(std::string_view field) {
    const std::uint8_t family = u8(field);
    const int length = u8(field);
    const auto got = address_bytes(family, field);
    if (error_) {
        return {};
    }
    auto prefix = value::IpPrefix::make(*value::IpAddress::from_bytes(got), length);
    if (!prefix) {
        fail(field, prefix.error());
        return {};
    }
    return *prefix;
}

void Reader::finish() {
    if (!error_ && at_ != bytes_.size()) {
        error_ = std::to_string(bytes_.size() - at_) + " bytes after the end of the " +
                 std::string(what_);
    }
}

namespace {

std::vector<std::uint8_t> message(std::string_view context, std::span<const std::uint8_t> bytes) {
    std::vector<std::uint8_t> out(context.begin(), context.end());
    out.insert(out.end(), bytes.begin(), bytes.end());
    return out;
}

}  // namespace

Signature sign(const SigningKey& key, std::string_view context,
               std::span<const std::uint8_t> bytes) {
    auto signed_message = message(context, bytes);
    const Signature signature = key.sign(signed_message);
    wipe(signed_message);
    return signature;
}

bool verify(const SigningPublicKey& key, std::string_view context,
            std::span<const std::uint8_t> bytes, const Signature& signature) {
    auto signed_message = message(context, bytes);
    const bool good = mesh::verify(key, signed_message, signature);
    wipe(signed_message);
    return good;
}

void need_sodium() {
    if (sodium_init() < 0) {
        throw std::runtime_error("libsodium could not be initialised");
    }
}

void fill_random(std::span<std::uint8_t> bytes) {
    randombytes_buf(bytes.data(), bytes.size());
}

std::vector<std::uint8_t> with_signature(std::vector<std::uint8_t> bytes,
                                         const Signature& signature) {
    bytes.insert(bytes.end(), signature.begin(), signature.end());
    return bytes;
}

std::string utc_time(std::int64_t unix_seconds) {
    const auto seconds = static_cast<std::time_t>(unix_seconds);
    std::tm parts{};
    std::array<char, 64> text{};
    if (gmtime_r(&seconds, &parts) == nullptr ||
        std::strftime(text.data(), text.size(), "%Y-%m-%d %H:%M UTC", &parts) == 0) {
        return std::to_string(unix_seconds) + " (Unix time)";
    }
    return text.data();
}

void wipe(std::vector<std::uint8_t>& bytes) noexcept {
    sodium_memzero(bytes.data(), bytes.size());
    bytes.clear();
}

}  // namespace tulle::mesh::wire
