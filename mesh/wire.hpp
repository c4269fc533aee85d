// What the mesh's binary encodings share (internal to tulle_mesh): big-endian integers, a reader
// that names the field it could not read, and Ed25519 signatures over a context prefix so that a
// signature of one kind never passes as another.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/keys.hpp"
#include "value/ip.hpp"

namespace tulle::mesh::wire {

// The contexts. None is a prefix of another, so context + bytes never reads as another kind.
inline constexpr std::string_view kCertificateContext = "tulle cert v1";
inline constexpr std::string_view kRevocationContext = "tulle revoke v1";
inline constexpr std::string_view kInviteContext = "tulle invite v1";

// Address families on the wire.
inline constexpr std::uint8_t kFamilyV4 = 4;
inline constexpr std::uint8_t kFamilyV6 = 6;

class Writer {
  public:
    explicit Writer(std::vector<std::uint8_t>& out) : out_(out) {}
    void u8(std::uint8_t value) { out_.push_back(value); }
    void u16(std::uint16_t value);
    void u64(std::uint64_t value);
    void bytes(std::span<const std::uint8_t> bytes);
    // One byte of length, then the bytes; the caller keeps text under 256 bytes.
    void text(std::string_view text);
    // Family byte, then 4 or 16 bytes.
    void address(const value::IpAddress& address);
    // Family byte, prefix length, then 4 or 16 bytes.
    void prefix(const value::IpPrefix& prefix);

  private:
    std::vector<std::uint8_t>& out_;
};

// Reads fields in order. The first field that does not fit (or does not parse) sets the error,
// which names that field; later reads give zeros, so a caller checks error() once it needs the
// values to be right.
class Reader {
  public:
    Reader(std::span<const std::uint8_t> bytes, std::string_view what)
        : bytes_(bytes), what_(what) {}

    std::uint8_t u8(std::string_view field);
    std::uint16_t u16(std::string_view field);
    std::uint64_t u64(std::string_view field);
    std::span<const std::uint8_t> bytes(std::size_t size, std::string_view field);
    template <std::size_t N>
    std::array<std::uint8_t, N> array(std::string_view field) {
        std::array<std::uint8_t, N> out{};
        const auto got = bytes(N, field);
        std::copy(got.begin(), got.end(), out.begin());
        return out;
    }
    std::string text(std::string_view field);
    value::IpAddress address(std::string_view field);
    value::IpPrefix prefix(std::string_view field);

    // Sets the error (if none is set yet): "FIELD: PROBLEM".
    void fail(std::string_view field, std::string_view problem);
    // Sets the error unless every byte was read.
    void finish();
    [[nodiscard]] const std::optional<std::string>& error() const { return error_; }

  private:
    // After the family byte: 4 or 16 bytes, or the error for another family.
    std::span<const std::uint8_t> address_bytes(std::uint8_t family, std::string_view field);

    std::span<const std::uint8_t> bytes_;
    std::size_t at_ = 0;
    std::string_view what_;
    std::optional<std::string> error_;
};

// Signs context + bytes; the copy of the bytes is wiped afterwards (they may hold a secret).
[[nodiscard]] Signature sign(const SigningKey& key, std::string_view context,
                             std::span<const std::uint8_t> bytes);
[[nodiscard]] bool verify(const SigningPublicKey& key, std::string_view context,
                          std::span<const std::uint8_t> bytes, const Signature& signature);

// Initialises libsodium (once; later calls return at once); throws std::runtime_error when it
// cannot be.
void need_sodium();

// Bytes from the system's random source.
void fill_random(std::span<std::uint8_t> bytes);
template <std::size_t N>
[[nodiscard]] std::array<std::uint8_t, N> random_bytes() {
    need_sodium();
    std::array<std::uint8_t, N> out{};
    fill_random(out);
    return out;
}

// The encoding of something signed: its signed bytes, then the signature.
[[nodiscard]] std::vector<std::uint8_t> with_signature(std::vector<std::uint8_t> bytes,
                                                       const Signature& signature);

// "2026-12-07 10:00 UTC".
[[nodiscard]] std::string utc_time(std::int64_t unix_seconds);

// Wipes a buffer that held a secret, then empties it.
void wipe(std::vector<std::uint8_t>& bytes) noexcept;

}  // namespace tulle::mesh::wire
