// QR codes through libqrencode, and their drawing in UTF-8 half blocks: the drawing read back
// module by module must be the code, with its quiet zone, in the size the text needs.
#include "peer_export/qr.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tulle::peer_export {
namespace {

// The half-block drawing read back into rows of modules (true: dark), one row per half line.
std::vector<std::vector<bool>> read_back(const std::string& drawn) {
    std::vector<std::vector<bool>> rows;
    std::size_t start = 0;
    while (start < drawn.size()) {
        const std::size_t end = drawn.find('\n', start);
        EXPECT_NE(end, std::string::npos) << "every line ends in a newline";
        const std::string_view line(drawn.data() + start, end - start);
        std::vector<bool> upper;
        std::vector<bool> lower;
        for (std::size_t i = 0; i < line.size();) {
            if (line[i] == ' ') {
                upper.push_back(true);
                lower.push_back(true);
                ++i;
                continue;
            }
            const std::string_view cell = line.substr(i, 3);
            upper.push_back(cell == "\u2584");
            lower.push_back(cell == "\u2580");
            EXPECT_TRUE(cell == "\u2588" || cell == "\u2580" || cell == "\u2584") << cell;
            i += 3;
        }
        rows.push_back(upper);
        rows.push_back(lower);
        start = end + 1;
    }
    return rows;
}

TEST(Qr, TheDrawingIsTheCodeWithItsQuietZone) {
    const std::string text =
        "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n"
        "Address = 10.44.0.3/32\n\n[Peer]\nPublicKey = "
        "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\n"
        "AllowedIPs = 10.44.0.0/24\nEndpoint = vpn.example.com:51820\nPersistentKeepalive = 25\n";
    auto code = encode_qr(text);
    ASSERT_TRUE(code.ok()) << code.error();
    // 242 bytes at level L in byte mode need version 10: 17 + 4 * 10 modules a side (as
    // `qrencode -8 -l L` makes it).
    EXPECT_EQ(code->size(), 57);

    const auto rows = read_back(render_utf8(*code));
    const int side = code->size() + 2 * kQuietZone;
    ASSERT_EQ(rows.size(), static_cast<std::size_t>(side + 1));  // odd: one half row to spare
    for (int y = 0; y < side + 1; ++y) {
        ASSERT_EQ(rows[static_cast<std::size_t>(y)].size(), static_cast<std::size_t>(side));
        for (int x = 0; x < side; ++x) {
            EXPECT_EQ(rows[static_cast<std::size_t>(y)][static_cast<std::size_t>(x)],
                      code->dark(x - kQuietZone, y - kQuietZone))
                << "module " << x << "," << y;
        }
    }
    // The finder pattern's corner is dark, right inside the quiet zone.
    EXPECT_TRUE(code->dark(0, 0));
    EXPECT_TRUE(code->dark(code->size() - 1, 0));
    EXPECT_TRUE(code->dark(0, code->size() - 1));
    EXPECT_FALSE(code->dark(-1, 0));
}

// An invite ("TULLE1:" and upper-case base32) is all QR alphanumeric characters: 5.5 bits each
// instead of 8. At level L, 403 of them need version 11 (it holds 468; version 10, 395), where
// byte mode needs version 13 (425 bytes; version 12 holds 367).
TEST(Qr, AnInviteGoesInAlphanumericModeAndTakesASmallerCode) {
    std::string invite = "TULLE1:";
    while (invite.size() < 403) {
        invite += "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    }
    invite.resize(403);
    auto code = encode_qr(invite);
    ASSERT_TRUE(code.ok()) << code.error();
    EXPECT_EQ(code->size(), 17 + 4 * 11);
    std::string lower = invite;
    lower[10] = 'a';  // one character outside the alphanumeric set: byte mode for all
    auto bytes = encode_qr(lower);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(bytes->size(), 17 + 4 * 13);
}

TEST(Qr, TextThatDoesNotFitIsRefused) {
    EXPECT_FALSE(encode_qr("").ok());
    const auto too_long = encode_qr(std::string(3000, 'x'));
    ASSERT_FALSE(too_long.ok());
    EXPECT_EQ(too_long.error(), "the text (3000 bytes) does not fit in a QR code");
}

TEST(Qr, AMovedCodeLeavesNothingBehind) {
    auto code = encode_qr("secret");
    ASSERT_TRUE(code.ok());
    QrCode moved = std::move(code).value();
    EXPECT_EQ(moved.size(), 21);  // version 1
}

}  // namespace
}  // namespace tulle::peer_export
