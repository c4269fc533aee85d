// handshake_flood: sends handshake-shaped traffic at a WireGuard port, as an attacker would, for
// tests/bench/flood.sh. Three kinds:
//   junk        datagrams of random length and content (most not even WireGuard-shaped)
//   wrong-mac1  initiation-sized datagrams of type 1 with a wrong mac1 (no key needed)
//   valid-mac1  initiations with a right mac1 for the target's public key (which is public) and
//               a random rest: the target must do Diffie-Hellman work unless it is under load
// from SOURCES addresses (FROM, FROM+1, ...: they must exist on an interface), at RATE datagrams
// per second for SECONDS. Prints what it sent. Attacks only the address it is given.
//
// Usage: handshake_flood KIND TARGET_IP PORT PUBLIC_KEY FROM SOURCES RATE SECONDS
#include <arpa/inet.h>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <netinet/in.h>
#include <random>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "daemon/core/cookie.hpp"
#include "daemon/core/messages.hpp"
#include "value/key.hpp"

namespace {

using namespace tulle;

enum class Kind { junk, wrong_mac1, valid_mac1 };

struct Options {
    Kind kind = Kind::junk;
    sockaddr_in target{};
    core::PublicKey key{};
    in_addr_t from = 0;  // host order
    unsigned sources = 1;
    unsigned rate = 1000;
    unsigned seconds = 5;
};

bool parse(int argc, char** argv, Options& options) {
    if (argc != 9) {
        return false;
    }
    const std::string_view kind = argv[1];
    if (kind == "junk") {
        options.kind = Kind::junk;
    } else if (kind == "wrong-mac1") {
        options.kind = Kind::wrong_mac1;
    } else if (kind == "valid-mac1") {
        options.kind = Kind::valid_mac1;
    } else {
        return false;
    }
    options.target.sin_family = AF_INET;
    options.target.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[3])));
    in_addr from{};
    if (::inet_pton(AF_INET, argv[2], &options.target.sin_addr) != 1 ||
        ::inet_pton(AF_INET, argv[5], &from) != 1) {
        return false;
    }
    options.from = ntohl(from.s_addr);
    const auto key = value::Key::from_base64(argv[4]);
    if (!key) {
        return false;
    }
    std::copy(key->bytes().begin(), key->bytes().end(), options.key.begin());
    options.sources = static_cast<unsigned>(std::max(1, std::atoi(argv[6])));
    options.rate = static_cast<unsigned>(std::max(1, std::atoi(argv[7])));
    options.seconds = static_cast<unsigned>(std::max(1, std::atoi(argv[8])));
    return true;
}

// One datagram of the chosen kind, random where the kind allows.
std::vector<std::uint8_t> make_datagram(const Options& options, const core::Hash& mac1_key,
                                        std::mt19937_64& random) {
    const auto fill = [&](std::vector<std::uint8_t>& bytes) {
        for (auto& byte : bytes) {
            byte = static_cast<std::uint8_t>(random());
        }
    };
    if (options.kind == Kind::junk) {
        std::vector<std::uint8_t> bytes(1 + random() % 1400);
        fill(bytes);
        return bytes;
    }
    std::vector<std::uint8_t> bytes(sizeof(core::MessageInitiation));
    fill(bytes);
    bytes[0] = 1;  // type initiation, then three zero bytes
    bytes[1] = bytes[2] = bytes[3] = 0;
    if (options.kind == Kind::valid_mac1) {
        const auto mac1 = core::mac(mac1_key, std::span(bytes).first(core::kInitiationMac1Offset));
        std::copy(mac1.begin(), mac1.end(), bytes.begin() + core::kInitiationMac1Offset);
        std::fill(bytes.begin() + core::kInitiationMac1Offset + core::kMacLen, bytes.end(), 0);
    }
    return bytes;
}

// Reads what came back on the sockets; returns how many were cookie replies (type 3).
std::uint64_t count_cookie_replies(const std::vector<int>& sockets) {
    std::uint64_t cookies = 0;
    std::array<std::uint8_t, 2048> buffer{};
    for (const int fd : sockets) {
        ssize_t n = 0;
        while ((n = ::recv(fd, buffer.data(), buffer.size(), 0)) > 0) {
            cookies += n == static_cast<ssize_t>(sizeof(core::MessageCookieReply)) && buffer[0] == 3
                           ? 1
                           : 0;
        }
    }
    return cookies;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse(argc, argv, options)) {
        std::fprintf(stderr,
                     "usage: handshake_flood junk|wrong-mac1|valid-mac1 TARGET_IP PORT PUBLIC_KEY "
                     "FROM SOURCES RATE SECONDS\n");
        return 2;
    }
    std::vector<int> sockets;
    for (unsigned i = 0; i < options.sources; ++i) {
        const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_in local{};
        local.sin_family = AF_INET;
        local.sin_addr.s_addr = htonl(options.from + i);
        if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof(local)) != 0) {
            std::perror("handshake_flood: bind");
            return 1;
        }
        sockets.push_back(fd);
    }
    std::mt19937_64 random(std::random_device{}());
    const core::Hash mac1_key = core::mac1_key(options.key);
    const auto start = std::chrono::steady_clock::now();
    const auto end = start + std::chrono::seconds{options.seconds};
    std::uint64_t sent = 0;
    std::uint64_t failed = 0;
    std::uint64_t cookies = 0;
    for (auto now = start; now < end; now = std::chrono::steady_clock::now()) {
        const double elapsed = std::chrono::duration<double>(now - start).count();
        const auto due = static_cast<std::uint64_t>(elapsed * options.rate);
        for (; sent + failed < due;) {
            const auto datagram = make_datagram(options, mac1_key, random);
            const int fd = sockets[(sent + failed) % sockets.size()];
            const bool ok =
                ::sendto(fd, datagram.data(), datagram.size(), 0,
                         reinterpret_cast<const sockaddr*>(&options.target),
                         sizeof(options.target)) == static_cast<ssize_t>(datagram.size());
            sent += ok ? 1 : 0;
            failed += ok ? 0 : 1;
        }
        cookies += count_cookie_replies(sockets);
        std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
    cookies += count_cookie_replies(sockets);
    for (const int fd : sockets) {
        ::close(fd);
    }
    std::printf(
        "handshake_flood: %llu sent, %llu not sent, in %u s from %u sources; %llu cookie "
        "replies came back\n",
        static_cast<unsigned long long>(sent), static_cast<unsigned long long>(failed),
        options.seconds, options.sources, static_cast<unsigned long long>(cookies));
    return 0;
}
