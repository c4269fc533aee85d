// Tests for the cookie mechanism (whitepaper 5.4.4 and 5.4.7). Neither the Linux kernel nor
// wireguard-go publishes a cookie test with fixed keys and expected bytes (wireguard-go's
// TestCookieMAC1 uses a freshly generated key), so the fixed-byte expectations below were computed
// independently in Python: hashlib.blake2s for HASH and MAC, and XChaCha20-Poly1305 built from a
// from-scratch HChaCha20 plus the `cryptography` package's ChaCha20Poly1305 (that construction was
// first checked against draft-irtf-cfrg-xchacha A.3.1).
#include "daemon/core/cookie.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace tulle::core {
namespace {

using Bytes = std::vector<std::uint8_t>;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr std::string_view kDigits = "0123456789abcdef";
    std::string out;
    for (const std::uint8_t b : bytes) {
        out.push_back(kDigits[b >> 4U]);
        out.push_back(kDigits[b & 0xfU]);
    }
    return out;
}

PrivateKey private_key_counting_from(std::uint8_t first) {
    PrivateKey key;
    for (std::size_t i = 0; i < key.size(); ++i) {
        key.bytes()[i] = static_cast<std::uint8_t>(first + i);
    }
    return key;
}

// A handshake message of the given size: a type field, then bytes 04 05 06 .. up to mac1, and
// zeroed MACs. For an initiation this is the message the Python expectations were computed over.
Bytes handshake_message(MessageType type, std::size_t size, std::size_t mac1_offset,
                        std::uint8_t salt = 0) {
    Bytes message(size, 0);
    Le32 type_field;
    type_field.set(static_cast<std::uint32_t>(type));
    std::copy(type_field.bytes.begin(), type_field.bytes.end(), message.begin());
    for (std::size_t i = 4; i < mac1_offset; ++i) {
        message[i] = static_cast<std::uint8_t>(i + salt);
    }
    return message;
}

Bytes initiation(std::uint8_t salt = 0) {
    return handshake_message(MessageType::initiation, sizeof(MessageInitiation),
                             kInitiationMac1Offset, salt);
}

Bytes response(std::uint8_t salt = 0) {
    return handshake_message(MessageType::response, sizeof(MessageResponse), kResponseMac1Offset,
                             salt);
}

std::span<const std::uint8_t> mac1_of(const Bytes& message, std::size_t mac1_offset) {
    return std::span(message).subspan(mac1_offset, kMacLen);
}

std::span<const std::uint8_t> mac2_of(const Bytes& message, std::size_t mac1_offset) {
    return std::span(message).subspan(mac1_offset + kMacLen, kMacLen);
}

bool all_zero(std::span<const std::uint8_t> bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

// An initiation (body bytes shifted by `salt`) with the maker's MACs added at `when`.
Bytes signed_initiation(CookieMaker& maker, TimePoint when, std::uint8_t salt = 0) {
    Bytes message = initiation(salt);
    maker.add_macs(message, kInitiationMac1Offset, when);
    return message;
}

// 192.0.2.1 port 51820, address bytes then the port in network order.
constexpr std::array<std::uint8_t, 6> kSource{192, 0, 2, 1, 0xca, 0x6c};

class CookieTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(crypto::init());
        responder_public_ = crypto::public_key(private_key_counting_from(1));
        other_public_ = crypto::public_key(private_key_counting_from(0x21));
    }

    // The checker's randomness: each call hands out the next bytes of 00 01 02 .., so the first
    // secret is 00 .. 1f and every later secret differs from it.
    RandomSource counting_random() {
        return [this](std::span<std::uint8_t> out) {
            ++random_calls_;
            for (auto& b : out) {
                b = next_random_++;
            }
        };
    }

    static std::array<std::uint8_t, kCookieNonceLen> nonce(std::uint8_t first = 0x40) {
        std::array<std::uint8_t, kCookieNonceLen> n{};
        for (std::size_t i = 0; i < n.size(); ++i) {
            n[i] = static_cast<std::uint8_t>(first + i);
        }
        return n;
    }

    // Runs a full exchange at `when`: the maker sends a message, the checker (under load) answers
    // it with a cookie reply, the maker takes the cookie in.
    void exchange_cookie(CookieChecker& checker, CookieMaker& maker, TimePoint when,
                         std::span<const std::uint8_t> source = kSource) {
        Bytes message = signed_initiation(maker, when, 0x55);
        ASSERT_EQ(checker.validate(message, kInitiationMac1Offset, source, when, true),
                  MacState::valid_mac1);
        const MessageCookieReply reply =
            checker.make_reply(message, kInitiationMac1Offset, 7, source, when, nonce());
        ASSERT_TRUE(maker.consume_reply(reply, when));
    }

    // A maker and a checker for the responder's key, the checker on counting_random().
    struct Parties {
        CookieMaker maker;
        CookieChecker checker;
    };
    Parties parties() {
        return {CookieMaker(responder_public_),
                CookieChecker(responder_public_, counting_random())};
    }

    // What the checker makes of an initiation from kSource at `when`.
    static MacState check(CookieChecker& checker, const Bytes& message, TimePoint when,
                          bool under_load) {
        return checker.validate(message, kInitiationMac1Offset, kSource, when, under_load);
    }

    PublicKey responder_public_{};
    PublicKey other_public_{};
    std::uint8_t next_random_ = 0;
    int random_calls_ = 0;
    const TimePoint t0_ = TimePoint{} + std::chrono::hours{1};
};

// The responder key: the public key of 01 02 .. 20 (checked against `wg pubkey` in crypto_test).
TEST_F(CookieTest, KeysMatchIndependentComputation) {
    ASSERT_EQ(to_hex(responder_public_),
              "07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c");
    EXPECT_EQ(to_hex(mac1_key(responder_public_)),
              "6d0855ea6225516c9993e0bc4312a1703292766b0578e0ad25b2f9e05a1f0c57");
    EXPECT_EQ(to_hex(cookie_key(responder_public_)),
              "2fbbcbf582ab0f1a0ca849c57ea3a3a0f9402b429c5fe01736ce7e7fe3c51430");
}

TEST_F(CookieTest, MakerWritesMac1AndZeroMac2WithoutACookie) {
    CookieMaker maker(responder_public_);
    Bytes message = initiation();
    std::fill(message.begin() + kInitiationMac1Offset, message.end(), std::uint8_t{0xee});
    const Bytes before = message;
    maker.add_macs(message, kInitiationMac1Offset, t0_);
    EXPECT_EQ(to_hex(mac1_of(message, kInitiationMac1Offset)), "1146c942f8999b4fd75f8fec915bb734");
    EXPECT_TRUE(all_zero(mac2_of(message, kInitiationMac1Offset)));
    EXPECT_TRUE(
        std::equal(before.begin(), before.begin() + kInitiationMac1Offset, message.begin()));
    EXPECT_FALSE(maker.has_cookie(t0_));
}

TEST_F(CookieTest, CheckerOfTheRightKeyAcceptsMakersMacs) {
    auto [maker, checker] = parties();

    Bytes init = signed_initiation(maker, t0_);
    EXPECT_EQ(check(checker, init, t0_, false), MacState::valid_mac1);
    // Under load, with no cookie yet, mac2 is zeros and only mac1 holds.
    EXPECT_EQ(check(checker, init, t0_, true), MacState::valid_mac1);

    Bytes resp = response();
    maker.add_macs(resp, kResponseMac1Offset, t0_);
    EXPECT_EQ(checker.validate(resp, kResponseMac1Offset, kSource, t0_, false),
              MacState::valid_mac1);
}

TEST_F(CookieTest, CheckerOfAnotherKeyRefuses) {
    CookieMaker maker(responder_public_);
    CookieChecker other(other_public_, counting_random());
    Bytes message = signed_initiation(maker, t0_);
    EXPECT_EQ(check(other, message, t0_, false), MacState::invalid);
    EXPECT_EQ(check(other, message, t0_, true), MacState::invalid);
}

TEST_F(CookieTest, AnyAlteredByteUnderMac1IsInvalid) {
    auto [maker, checker] = parties();
    Bytes message = signed_initiation(maker, t0_);
    for (std::size_t i = 0; i < kInitiationMac2Offset; ++i) {
        Bytes altered = message;
        altered[i] ^= 0x20U;
        EXPECT_EQ(check(checker, altered, t0_, false), MacState::invalid) << "byte " << i;
    }
    // mac2 is not covered by mac1.
    Bytes altered = message;
    altered[kInitiationMac2Offset] ^= 0x01U;
    EXPECT_EQ(check(checker, altered, t0_, false), MacState::valid_mac1);
}

TEST_F(CookieTest, MessageWithoutRoomForBothMacsIsInvalid) {
    CookieChecker checker(responder_public_, counting_random());
    const Bytes message = initiation();
    EXPECT_EQ(checker.validate(std::span(message).first(sizeof(MessageInitiation) - 1),
                               kInitiationMac1Offset, kSource, t0_, false),
              MacState::invalid);
    EXPECT_EQ(checker.validate(message, sizeof(MessageInitiation) + 1, kSource, t0_, false),
              MacState::invalid);
    EXPECT_EQ(checker.validate({}, 0, kSource, t0_, false), MacState::invalid);
}

// The reply's bytes, and the mac2 that the cookie in it then yields, for fixed inputs: secret
// 00 .. 1f, source 192.0.2.1:51820, nonce 40 .. 57, receiver index 0x12345678.
TEST_F(CookieTest, ReplyAndMac2MatchIndependentComputation) {
    auto [maker, checker] = parties();
    Bytes message = signed_initiation(maker, t0_);

    const MessageCookieReply reply =
        checker.make_reply(message, kInitiationMac1Offset, 0x12345678, kSource, t0_, nonce());
    EXPECT_EQ(to_hex(bytes_of(reply)),
              "03000000"                                          // type
              "78563412"                                          // receiver index
              "404142434445464748494a4b4c4d4e4f5051525354555657"  // nonce
              "10af7d71884161ae700ccd8e93adffb1"                  // encrypted cookie
              "66355d689ade230b1fc7b3ec594ca4f8");                // tag
    EXPECT_EQ(random_calls_, 1);

    ASSERT_TRUE(maker.consume_reply(reply, t0_));
    EXPECT_TRUE(maker.has_cookie(t0_));
    maker.add_macs(message, kInitiationMac1Offset, t0_ + seconds{1});
    EXPECT_EQ(to_hex(mac1_of(message, kInitiationMac1Offset)), "1146c942f8999b4fd75f8fec915bb734");
    EXPECT_EQ(to_hex(mac2_of(message, kInitiationMac1Offset)), "d8f6b3e2e0569b48adff559916e7a96c");
    EXPECT_EQ(check(checker, message, t0_ + seconds{1}, true), MacState::valid_mac1_and_mac2);
}

TEST_F(CookieTest, FullCookieRoundTrip) {
    auto [maker, checker] = parties();

    // Under load, the first initiation only proves mac1; the responder answers with a cookie.
    Bytes first = signed_initiation(maker, t0_, 1);
    ASSERT_EQ(check(checker, first, t0_, true), MacState::valid_mac1);
    const MessageCookieReply reply =
        checker.make_reply(first, kInitiationMac1Offset, 99, kSource, t0_, nonce());
    EXPECT_EQ(reply.receiver.get(), 99U);
    ASSERT_TRUE(maker.consume_reply(reply, t0_ + milliseconds{30}));

    // The retried initiation, and a response too, now carry a mac2 the checker accepts.
    Bytes retry = signed_initiation(maker, t0_ + seconds{5}, 2);
    EXPECT_FALSE(all_zero(mac2_of(retry, kInitiationMac1Offset)));
    EXPECT_EQ(check(checker, retry, t0_ + seconds{5}, true), MacState::valid_mac1_and_mac2);
    // Not under load, mac2 is not looked at.
    EXPECT_EQ(check(checker, retry, t0_ + seconds{5}, false), MacState::valid_mac1);

    Bytes resp = response(3);
    maker.add_macs(resp, kResponseMac1Offset, t0_ + seconds{6});
    EXPECT_EQ(checker.validate(resp, kResponseMac1Offset, kSource, t0_ + seconds{6}, true),
              MacState::valid_mac1_and_mac2);

    // As in wireguard-go's TestCookieMAC1: a flipped body byte breaks mac1 (checked first), and
    // mac2 with it; flipping it back restores both.
    retry[5] ^= 0x20U;
    EXPECT_EQ(check(checker, retry, t0_ + seconds{5}, true), MacState::invalid);
    retry[5] ^= 0x20U;
    EXPECT_EQ(check(checker, retry, t0_ + seconds{5}, true), MacState::valid_mac1_and_mac2);

    // A wrong mac2 with a right mac1 is only mac1.
    retry[kInitiationMac2Offset + 15] ^= 0x01U;
    EXPECT_EQ(check(checker, retry, t0_ + seconds{5}, true), MacState::valid_mac1);
}

TEST_F(CookieTest, CookieIsBoundToTheSourceAddressAndPort) {
    auto [maker, checker] = parties();
    exchange_cookie(checker, maker, t0_);
    Bytes message = signed_initiation(maker, t0_ + seconds{1}, 9);
    const TimePoint now = t0_ + seconds{1};
    ASSERT_EQ(check(checker, message, now, true), MacState::valid_mac1_and_mac2);

    constexpr std::array<std::uint8_t, 6> kOtherAddress{192, 0, 2, 2, 0xca, 0x6c};
    constexpr std::array<std::uint8_t, 6> kOtherPort{192, 0, 2, 1, 0xca, 0x6d};
    constexpr std::array<std::uint8_t, 18> kIpv6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,    0,
                                                 0,    0,    0,    0,    0, 0, 1, 0xca, 0x6c};
    EXPECT_EQ(checker.validate(message, kInitiationMac1Offset, kOtherAddress, now, true),
              MacState::valid_mac1);
    EXPECT_EQ(checker.validate(message, kInitiationMac1Offset, kOtherPort, now, true),
              MacState::valid_mac1);
    EXPECT_EQ(checker.validate(message, kInitiationMac1Offset, kIpv6, now, true),
              MacState::valid_mac1);

    // A cookie earned from the IPv6 address works from there and nowhere else.
    CookieMaker v6_maker(responder_public_);
    exchange_cookie(checker, v6_maker, now, kIpv6);
    Bytes v6_message = signed_initiation(v6_maker, now, 10);
    EXPECT_EQ(checker.validate(v6_message, kInitiationMac1Offset, kIpv6, now, true),
              MacState::valid_mac1_and_mac2);
    EXPECT_EQ(check(checker, v6_message, now, true), MacState::valid_mac1);
}

TEST_F(CookieTest, CheckerSecretRotatesAfter120Seconds) {
    auto [maker, checker] = parties();
    exchange_cookie(checker, maker, t0_);  // the secret is born at t0
    ASSERT_EQ(random_calls_, 1);

    // A mac2 made while the maker still trusts its cookie...
    Bytes message = signed_initiation(maker, t0_ + seconds{100}, 4);
    ASSERT_FALSE(all_zero(mac2_of(message, kInitiationMac1Offset)));
    // ...holds while the secret is younger than 120 s...
    EXPECT_EQ(check(checker, message, t0_ + seconds{120} - milliseconds{1}, true),
              MacState::valid_mac1_and_mac2);
    EXPECT_EQ(random_calls_, 1);
    // ...and not once it has been replaced.
    EXPECT_EQ(check(checker, message, t0_ + seconds{120}, true), MacState::valid_mac1);
    EXPECT_EQ(random_calls_, 2);
    EXPECT_EQ(check(checker, message, t0_ + seconds{121}, true), MacState::valid_mac1);
    EXPECT_EQ(random_calls_, 2);  // the new secret lives another 120 s

    // A fresh cookie under the new secret works again.
    CookieMaker fresh(responder_public_);
    exchange_cookie(checker, fresh, t0_ + seconds{125});
    Bytes again = signed_initiation(fresh, t0_ + seconds{126}, 5);
    EXPECT_EQ(check(checker, again, t0_ + seconds{126}, true), MacState::valid_mac1_and_mac2);
    EXPECT_EQ(random_calls_, 2);
}

TEST_F(CookieTest, MakerStopsSendingMac2After115Seconds) {
    auto [maker, checker] = parties();
    const TimePoint born = t0_ + seconds{3};
    exchange_cookie(checker, maker, born);

    Bytes message = initiation(6);
    const TimePoint last_use = born + seconds{115} - milliseconds{1};
    EXPECT_TRUE(maker.has_cookie(last_use));
    maker.add_macs(message, kInitiationMac1Offset, last_use);
    EXPECT_FALSE(all_zero(mac2_of(message, kInitiationMac1Offset)));
    EXPECT_EQ(check(checker, message, last_use, true), MacState::valid_mac1_and_mac2);

    EXPECT_FALSE(maker.has_cookie(born + seconds{115}));
    maker.add_macs(message, kInitiationMac1Offset, born + seconds{115});
    EXPECT_TRUE(all_zero(mac2_of(message, kInitiationMac1Offset)));
    EXPECT_EQ(kCookieMaxAgeAtInitiator, seconds{115});
}

TEST_F(CookieTest, ReplyBoundToAnotherMac1IsRejected) {
    auto [maker, checker] = parties();
    Bytes first = signed_initiation(maker, t0_, 1);
    const MessageCookieReply stale =
        checker.make_reply(first, kInitiationMac1Offset, 1, kSource, t0_, nonce());

    // The maker has since sent another message: the reply's ad is no longer its last mac1.
    Bytes second = signed_initiation(maker, t0_ + seconds{1}, 2);
    EXPECT_FALSE(maker.consume_reply(stale, t0_ + seconds{1}));
    EXPECT_FALSE(maker.has_cookie(t0_ + seconds{1}));

    // A reply to the message actually outstanding still goes through.
    const MessageCookieReply current = checker.make_reply(second, kInitiationMac1Offset, 1, kSource,
                                                          t0_ + seconds{1}, nonce(0x60));
    EXPECT_TRUE(maker.consume_reply(current, t0_ + seconds{1}));
    EXPECT_TRUE(maker.has_cookie(t0_ + seconds{1}));
}

TEST_F(CookieTest, TamperedReplyIsRejectedAndChangesNothing) {
    auto [maker, checker] = parties();
    Bytes message = signed_initiation(maker, t0_);
    const MessageCookieReply reply =
        checker.make_reply(message, kInitiationMac1Offset, 1, kSource, t0_, nonce());

    for (std::size_t i = 0; i < kCookieNonceLen; ++i) {
        MessageCookieReply tampered = reply;
        tampered.nonce[i] ^= 0x01U;
        EXPECT_FALSE(maker.consume_reply(tampered, t0_)) << "nonce byte " << i;
    }
    for (std::size_t i = 0; i < reply.encrypted_cookie.size(); ++i) {
        MessageCookieReply tampered = reply;
        tampered.encrypted_cookie[i] ^= 0x80U;
        EXPECT_FALSE(maker.consume_reply(tampered, t0_)) << "ciphertext byte " << i;
    }
    MessageCookieReply wrong_type = reply;
    wrong_type.type.set(static_cast<std::uint32_t>(MessageType::response));
    EXPECT_FALSE(maker.consume_reply(wrong_type, t0_));
    EXPECT_FALSE(maker.has_cookie(t0_));

    // The maker still waits for this reply, and takes the genuine one.
    EXPECT_TRUE(maker.consume_reply(reply, t0_));
}

TEST_F(CookieTest, ReplyFromAnotherResponderIsRejected) {
    CookieMaker maker(responder_public_);
    CookieChecker impostor(other_public_, counting_random());
    Bytes message = signed_initiation(maker, t0_);
    const MessageCookieReply reply =
        impostor.make_reply(message, kInitiationMac1Offset, 1, kSource, t0_, nonce());
    EXPECT_FALSE(maker.consume_reply(reply, t0_));
}

TEST_F(CookieTest, ReplyIsIgnoredWhenNoMac1IsOutstanding) {
    CookieChecker checker(responder_public_, counting_random());
    CookieMaker sender(responder_public_);
    Bytes message = signed_initiation(sender, t0_);
    const MessageCookieReply reply =
        checker.make_reply(message, kInitiationMac1Offset, 1, kSource, t0_, nonce());

    // A maker that never sent anything takes no cookie, even one that would decrypt for it.
    CookieMaker silent(responder_public_);
    EXPECT_FALSE(silent.consume_reply(reply, t0_));
    EXPECT_FALSE(silent.has_cookie(t0_));

    // A reply is taken once per mac1 sent: a replay does not refresh the cookie's age.
    ASSERT_TRUE(sender.consume_reply(reply, t0_));
    EXPECT_FALSE(sender.consume_reply(reply, t0_ + seconds{100}));
    EXPECT_FALSE(sender.has_cookie(t0_ + seconds{115}));
}

TEST_F(CookieTest, FailedReplyKeepsTheCookieAlreadyHeld) {
    auto [maker, checker] = parties();
    exchange_cookie(checker, maker, t0_);

    Bytes message = signed_initiation(maker, t0_ + seconds{2}, 8);
    MessageCookieReply bad =
        checker.make_reply(message, kInitiationMac1Offset, 1, kSource, t0_ + seconds{2}, nonce());
    bad.encrypted_cookie[0] ^= 0x01U;
    EXPECT_FALSE(maker.consume_reply(bad, t0_ + seconds{2}));

    maker.add_macs(message, kInitiationMac1Offset, t0_ + seconds{3});
    EXPECT_EQ(check(checker, message, t0_ + seconds{3}, true), MacState::valid_mac1_and_mac2);
}

TEST_F(CookieTest, CheckerFollowsADeviceKeyChange) {
    CookieChecker checker(responder_public_, counting_random());
    CookieMaker to_old(responder_public_);
    CookieMaker to_new(other_public_);
    Bytes old_message = initiation(1);
    Bytes new_message = initiation(1);
    to_old.add_macs(old_message, kInitiationMac1Offset, t0_);
    to_new.add_macs(new_message, kInitiationMac1Offset, t0_);

    checker.set_public_key(other_public_);
    EXPECT_EQ(check(checker, old_message, t0_, false), MacState::invalid);
    EXPECT_EQ(check(checker, new_message, t0_, false), MacState::valid_mac1);
    // Replies are now encrypted under the new key's cookie key.
    const MessageCookieReply reply =
        checker.make_reply(new_message, kInitiationMac1Offset, 1, kSource, t0_, nonce());
    EXPECT_TRUE(to_new.consume_reply(reply, t0_));
}

// Modelled on wireguard-go's TestCookieMAC1 (device/cookie_test.go): a freshly generated key, and
// MACs at the end of messages of 128, 64 and 32 bytes (the last has no body at all).
TEST_F(CookieTest, GeneratedKeyAndOtherMessageSizes) {
    const PublicKey key = crypto::public_key(crypto::generate_private_key());
    CookieChecker checker(key);  // real randomness
    const std::array<std::uint8_t, 7> source{192, 168, 13, 37, 10, 10, 10};
    for (const std::size_t size : {std::size_t{128}, std::size_t{64}, std::size_t{32}}) {
        Bytes message(size);
        for (std::size_t i = 0; i < size; ++i) {
            message[i] = static_cast<std::uint8_t>(i * 37 + 11);
        }
        const std::size_t mac1_offset = size - 2 * kMacLen;
        CookieMaker maker(key);
        maker.add_macs(message, mac1_offset, t0_);
        EXPECT_EQ(checker.validate(message, mac1_offset, source, t0_, true), MacState::valid_mac1)
            << "size " << size;

        const MessageCookieReply reply =
            checker.make_reply(message, mac1_offset, 1377, source, t0_, nonce());
        ASSERT_TRUE(maker.consume_reply(reply, t0_)) << "size " << size;
        maker.add_macs(message, mac1_offset, t0_);
        EXPECT_EQ(checker.validate(message, mac1_offset, source, t0_, true),
                  MacState::valid_mac1_and_mac2)
            << "size " << size;
        const std::array<std::uint8_t, 6> bad_source{192, 168, 13, 38, 40, 1};
        EXPECT_EQ(checker.validate(message, mac1_offset, bad_source, t0_, true),
                  MacState::valid_mac1)
            << "size " << size;
    }
}

}  // namespace
}  // namespace tulle::core
