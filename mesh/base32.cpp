#include "mesh/base32.hpp"

#include <utility>

#include <sodium.h>

namespace tulle::mesh {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int digit_value(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a';
    }
    if (c >= '2' && c <= '7') {
        return c - '2' + 26;
    }
    return -1;
}

std::string describe(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
        static constexpr std::string_view kHex = "0123456789abcdef";
        return std::string("byte 0x") + kHex[byte >> 4U] + kHex[byte & 0xfU];
    }
    return std::string("'") + c + "'";
}

}  // namespace

std::string base32_encode(std::span<const std::uint8_t> bytes) {
    std::string out;
    out.reserve((bytes.size() * 8 + 4) / 5);
    std::uint32_t bits = 0;
    unsigned count = 0;
    for (const std::uint8_t byte : bytes) {
        bits = (bits << 8U) | byte;
        count += 8;
        while (count >= 5) {
            count -= 5;
            out.push_back(kAlphabet[(bits >> count) & 0x1fU]);
        }
        bits &= (1U << count) - 1U;
    }
    if (count > 0) {
        out.push_back(kAlphabet[(bits << (5 - count)) & 0x1fU]);
    }
    return out;
}

value::Result<std::vector<std::uint8_t>> base32_decode(std::string_view text) {
    // The text may carry a secret (an invite's enrollment key): what was decoded of it is wiped
    // before an error goes back. Reserved in full, so no copy is left behind by a reallocation.
    std::vector<std::uint8_t> out;
    out.reserve(text.size() * 5 / 8);
    const auto refuse = [&out](std::string message) {
        sodium_memzero(out.data(), out.size());
        return value::fail(std::move(message));
    };
    std::uint32_t bits = 0;
    unsigned count = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const int digit = digit_value(text[i]);
        if (digit < 0) {
            return refuse(describe(text[i]) + " at position " + std::to_string(i + 1) +
                          (text[i] == '=' ? " is padding, which this base32 text never has"
                                          : " is not a base32 character (A-Z, 2-7)"));
        }
        bits = (bits << 5U) | static_cast<std::uint32_t>(digit);
        count += 5;
        if (count >= 8) {
            count -= 8;
            out.push_back(static_cast<std::uint8_t>(bits >> count));
            bits &= (1U << count) - 1U;
        }
    }
    // 8 characters carry 5 bytes; a last group of 1, 3 or 6 characters is no whole byte count.
    const std::size_t rest = text.size() % 8;
    if (rest == 1 || rest == 3 || rest == 6) {
        return refuse("base32 text of " + std::to_string(text.size()) +
                      " characters is cut short: no number of bytes encodes to that length");
    }
    if (bits != 0) {
        return refuse("the last base32 character has unused bits set: the text was changed or cut");
    }
    return out;
}

}  // namespace tulle::mesh
