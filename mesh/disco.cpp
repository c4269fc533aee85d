#include "mesh/disco.hpp"

#include <algorithm>

#include <sodium.h>

#include "mesh/wire.hpp"

namespace tulle::mesh {
namespace {

constexpr std::size_t kKey = 32;
constexpr std::size_t kNonce = crypto_box_NONCEBYTES;
constexpr std::size_t kTag = crypto_box_MACBYTES;
constexpr std::size_t kHead = kDiscoMagic.size() + kKey + kNonce;
// type + txid: a ping's whole plaintext, and the least a message can hold.
constexpr std::size_t kMinPlain = 1 + std::tuple_size_v<TxId>;

static_assert(crypto_box_BEFORENMBYTES == 32);
static_assert(kNonce == 24 && kTag == 16);
static_assert(kMaxDiscoDatagram == kHead + kTag + kMinPlain + 1 + 16 + 2);

std::vector<std::uint8_t> plaintext(const DiscoMessage& message) {
    std::vector<std::uint8_t> out;
    wire::Writer w(out);
    w.u8(static_cast<std::uint8_t>(message.type));
    w.bytes(message.txid);
    if (message.type == DiscoType::pong && message.observed) {
        w.address(message.observed->address);
        w.u16(message.observed->port);
    }
    return out;
}

// The lowest bit of the nonce's first byte: which way the datagram goes.
std::uint8_t direction(const value::Key& sender, const value::Key& receiver) {
    return sender < receiver ? 0U : 1U;
}

std::optional<DiscoMessage> parse(std::span<const std::uint8_t> plain) {
    wire::Reader r(plain, "disco message");
    DiscoMessage message;
    const std::uint8_t type = r.u8("type");
    if (type != static_cast<std::uint8_t>(DiscoType::ping) &&
        type != static_cast<std::uint8_t>(DiscoType::pong)) {
        return std::nullopt;
    }
    message.type = static_cast<DiscoType>(type);
    message.txid = r.array<std::tuple_size_v<TxId>>("transaction id");
    if (message.type == DiscoType::pong) {
        const auto address = r.address("observed address");
        const std::uint16_t port = r.u16("observed port");
        message.observed = value::SocketAddress{address, port};
    }
    r.finish();
    if (r.error()) {
        return std::nullopt;
    }
    return message;
}

}  // namespace

bool is_disco(std::span<const std::uint8_t> datagram) {
    return datagram.size() >= kDiscoMagic.size() &&
           std::equal(kDiscoMagic.begin(), kDiscoMagic.end(), datagram.begin());
}

std::optional<value::Key> disco_sender(std::span<const std::uint8_t> datagram) {
    if (!is_disco(datagram) || datagram.size() < kDiscoMagic.size() + kKey) {
        return std::nullopt;
    }
    std::array<std::uint8_t, kKey> key{};
    const auto named = datagram.subspan(kDiscoMagic.size(), kKey);
    std::copy(named.begin(), named.end(), key.begin());
    return value::Key(key);
}

DiscoBox::DiscoBox(const value::SecretKey& ours, const value::Key& theirs) : theirs_(theirs) {
    wire::need_sodium();
    std::array<std::uint8_t, kKey> our_public{};
    // Fails (non-zero) for a public key of small order: the shared point would be known to all.
    valid_ = crypto_scalarmult_base(our_public.data(), ours.bytes().data()) == 0 &&
             crypto_box_beforenm(shared_.data(), theirs.bytes().data(), ours.bytes().data()) == 0;
    ours_ = value::Key(our_public);
    if (!valid_) {
        sodium_memzero(shared_.data(), shared_.size());
    }
}

DiscoBox::~DiscoBox() {
    sodium_memzero(shared_.data(), shared_.size());
}

std::vector<std::uint8_t> DiscoBox::seal(const value::Key& our_public,
                                         const DiscoMessage& message) const {
    if (!valid_) {
        return {};
    }
    const std::vector<std::uint8_t> plain = plaintext(message);
    std::vector<std::uint8_t> out(kHead + kTag + plain.size());
    std::copy(kDiscoMagic.begin(), kDiscoMagic.end(), out.begin());
    std::copy(our_public.bytes().begin(), our_public.bytes().end(),
              out.begin() + static_cast<std::ptrdiff_t>(kDiscoMagic.size()));
    std::uint8_t* nonce = out.data() + kDiscoMagic.size() + kKey;
    randombytes_buf(nonce, kNonce);
    nonce[0] = static_cast<std::uint8_t>((nonce[0] & 0xfeU) | direction(ours_, theirs_));
    crypto_box_easy_afternm(out.data() + kHead, plain.data(), plain.size(), nonce, shared_.data());
    return out;
}

std::optional<DiscoMessage> DiscoBox::open(std::span<const std::uint8_t> datagram) const {
    if (!valid_ || !is_disco(datagram) || datagram.size() < kHead + kTag + kMinPlain ||
        datagram.size() > kMaxDiscoDatagram || disco_sender(datagram) != theirs_ ||
        (datagram[kDiscoMagic.size() + kKey] & 1U) != direction(theirs_, ours_)) {
        return std::nullopt;
    }
    const auto sealed = datagram.subspan(kHead);
    std::array<std::uint8_t, kMaxDiscoDatagram - kHead - kTag> plain{};
    const std::size_t plain_size = sealed.size() - kTag;
    if (crypto_box_open_easy_afternm(plain.data(), sealed.data(), sealed.size(),
                                     datagram.data() + kDiscoMagic.size() + kKey,
                                     shared_.data()) != 0) {
        return std::nullopt;
    }
    return parse(std::span<const std::uint8_t>(plain.data(), plain_size));
}

TxId new_txid() {
    return wire::random_bytes<std::tuple_size_v<TxId>>();
}

}  // namespace tulle::mesh
