// QR codes of short texts (a wg-quick file), through libqrencode: the module matrix, and the
// matrix drawn for a terminal in UTF-8 half blocks. The matrix may encode a private key: it is
// wiped when it goes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "value/result.hpp"

namespace tulle::peer_export {

// The quiet zone around a code that the QR specification asks for, in modules.
inline constexpr int kQuietZone = 4;

class QrCode {
  public:
    QrCode(int size, std::vector<std::uint8_t> dark);
    QrCode(const QrCode&) = delete;
    QrCode& operator=(const QrCode&) = delete;
    QrCode(QrCode&& other) noexcept;
    QrCode& operator=(QrCode&& other) noexcept;
    ~QrCode();

    // Modules per side, without the quiet zone: 17 + 4 * version.
    [[nodiscard]] int size() const { return size_; }
    // Whether the module at column x, row y is dark; false outside the code (the quiet zone).
    [[nodiscard]] bool dark(int x, int y) const;

  private:
    int size_ = 0;
    std::vector<std::uint8_t> dark_;  // size * size, row by row; 1 is dark
};

// The text as a QR code: byte mode, the smallest version that holds it, error correction level L
// (as qrencode's default), so a phone's file with IPv6 and a preshared key (about 330 bytes)
// takes 65 modules and, with the quiet zone, 73 columns: it fits an 80-column terminal. A text
// of QR alphanumeric characters only (0-9, A-Z, space, $%*+-./:), such as an invite, goes in
// alphanumeric mode, 5.5 bits a character instead of 8: a 403-character invite takes 61 modules
// rather than 69.
[[nodiscard]] value::Result<QrCode> encode_qr(std::string_view text);

// The code with its quiet zone, two rows of modules per line of text, as `qrencode -t UTF8` draws
// it: light modules in the terminal's text colour and dark ones as the background, so it reads
// on the usual light-on-dark terminal. Each line ends in '\n'. Holds the secret too: wipe it.
[[nodiscard]] std::string render_utf8(const QrCode& code);

}  // namespace tulle::peer_export
