#include "peer_export/qr.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <utility>

#include <qrencode.h>
#include <sodium.h>

namespace tulle::peer_export {
namespace {

// libqrencode's result, its module bytes wiped before it is freed.
struct QrFree {
    void operator()(QRcode* code) const {
        if (code->data != nullptr && code->width > 0) {
            sodium_memzero(code->data, static_cast<std::size_t>(code->width) *
                                           static_cast<std::size_t>(code->width));
        }
        QRcode_free(code);
    }
};

void wipe(std::vector<std::uint8_t>& bytes) {
    if (!bytes.empty()) {
        sodium_memzero(bytes.data(), bytes.size());
    }
}

// Whether every character is one of QR's alphanumeric mode (ISO/IEC 18004, table 5).
bool is_alphanumeric(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
               std::string_view(" $%*+-./:").find(c) != std::string_view::npos;
    });
}

QRcode* encode_alphanumeric(int length, const unsigned char* bytes) {
    QRinput* input = QRinput_new2(0, QR_ECLEVEL_L);
    if (input == nullptr) {
        return nullptr;
    }
    QRcode* code =
        QRinput_append(input, QR_MODE_AN, length, bytes) == 0 ? QRcode_encodeInput(input) : nullptr;
    QRinput_free(input);  // it held a copy of the text: libqrencode frees it unwiped
    return code;
}

}  // namespace

QrCode::QrCode(int size, std::vector<std::uint8_t> dark) : size_(size), dark_(std::move(dark)) {}

QrCode::QrCode(QrCode&& other) noexcept
    : size_(std::exchange(other.size_, 0)), dark_(std::move(other.dark_)) {
    wipe(other.dark_);
    other.dark_.clear();
}

QrCode& QrCode::operator=(QrCode&& other) noexcept {
    if (this != &other) {
        wipe(dark_);
        size_ = std::exchange(other.size_, 0);
        dark_ = std::move(other.dark_);
        wipe(other.dark_);
        other.dark_.clear();
    }
    return *this;
}

QrCode::~QrCode() {
    wipe(dark_);
}

bool QrCode::dark(int x, int y) const {
    if (x < 0 || y < 0 || x >= size_ || y >= size_) {
        return false;
    }
    return dark_[static_cast<std::size_t>(y) * static_cast<std::size_t>(size_) +
                 static_cast<std::size_t>(x)] != 0;
}

value::Result<QrCode> encode_qr(std::string_view text) {
    if (text.empty()) {
        return value::fail("nothing to encode");
    }
    // Both calls take a length, so the text needs no terminating copy.
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const int length = static_cast<int>(text.size());
    const std::unique_ptr<QRcode, QrFree> code(
        is_alphanumeric(text) ? encode_alphanumeric(length, bytes)
                              : QRcode_encodeData(length, bytes, 0, QR_ECLEVEL_L));
    if (!code) {
        // ERANGE: longer than the largest code (version 40) holds.
        return value::fail("the text (" + std::to_string(text.size()) +
                           " bytes) does not fit in a QR code");
    }
    const auto size = static_cast<std::size_t>(code->width);
    std::vector<std::uint8_t> dark(size * size);
    for (std::size_t i = 0; i < dark.size(); ++i) {
        dark[i] = code->data[i] & 1U;  // bit 0: dark; the other bits say what the module is for
    }
    return QrCode(code->width, std::move(dark));
}

std::string render_utf8(const QrCode& code) {
    // Upper and lower module of one character cell; light ones are drawn.
    static constexpr std::array<std::string_view, 4> kCells{
        "\u2588",  // both light: full block
        "\u2580",  // upper light, lower dark: upper half block
        "\u2584",  // upper dark, lower light: lower half block
        " ",       // both dark
    };
    const int first = -kQuietZone;
    const int end = code.size() + kQuietZone;
    std::string out;
    out.reserve(static_cast<std::size_t>((end - first) * 3 + 1) *
                static_cast<std::size_t>((end - first + 1) / 2));
    for (int y = first; y < end; y += 2) {
        for (int x = first; x < end; ++x) {
            const bool lower_dark = y + 1 < end && code.dark(x, y + 1);
            const std::size_t cell = (code.dark(x, y) ? 2U : 0U) + (lower_dark ? 1U : 0U);
            out += kCells[cell];
        }
        out += '\n';
    }
    return out;
}

}  // namespace tulle::peer_export
