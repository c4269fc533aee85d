// Text rules shared by every layer: quoting input in messages, and the names people give
// interfaces, tunnels and peers (one rule each, checked the same way by tulled, tullectl and the
// app).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "value/result.hpp"

namespace tulle::value {

// Text for quoting input in a message: 'text' in single quotes, with control characters (bytes
// below 0x20, and 0x7f) written as \xNN so a file cannot put escape sequences on a terminal.
[[nodiscard]] std::string quote(std::string_view text);

// Text a caller chose, fit for one log line: control characters escaped, at most `max` bytes
// (then "..."), without quotes.
[[nodiscard]] std::string for_log(std::string_view text, std::size_t max = 300);

// Decimal digits only (no sign, no space), with a value of at most `max`; nothing otherwise.
[[nodiscard]] std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t max);

// An interface name the kernel takes: 1 to 15 bytes (IFNAMSIZ less the NUL), not "." or "..",
// without '/', ':', white space or other control characters.
[[nodiscard]] Result<void> check_interface_name(std::string_view name);

// A tunnel name: an interface name of 1 to 15 of [A-Za-z0-9_=+.-] (wg-quick's rule) that does not
// start with '-' or '.' (it would read as an option in scripts, or make a hidden file).
inline constexpr std::size_t kMaxTunnelNameBytes = 15;
[[nodiscard]] Result<void> check_tunnel_name(std::string_view name);

// A peer's name: valid UTF-8 of at most 64 characters (code points, so "办公室的服务器" counts 7),
// without control characters.
// The problem has a code, so the app can say it in the user's language.
inline constexpr std::size_t kMaxPeerNameCharacters = 64;
enum class PeerNameProblem : std::uint8_t { not_utf8, control_character, too_long };
[[nodiscard]] Result<void, PeerNameProblem> check_peer_name(std::string_view utf8);
// The problem in English, for messages of tulled and tullectl.
[[nodiscard]] std::string to_string(PeerNameProblem problem);

}  // namespace tulle::value
