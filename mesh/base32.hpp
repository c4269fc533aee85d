// RFC 4648 base32 for invites: upper case, no padding, so that a QR code can hold the text in its
// alphanumeric mode. Decoding also accepts lower case (a pasted invite may have been folded).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "value/result.hpp"

namespace tulle::mesh {

[[nodiscard]] std::string base32_encode(std::span<const std::uint8_t> bytes);
// Refuses any character outside A-Z, a-z, 2-7 (naming it and its position), padding, and a
// length no encoding produces, or unused trailing bits that are not zero.
[[nodiscard]] value::Result<std::vector<std::uint8_t>> base32_decode(std::string_view text);

}  // namespace tulle::mesh
