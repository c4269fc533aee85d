// tullectl: the command-line client of Tulle. Key tools work offline; the commands that talk to
// tulled over the control socket come with the control server.
#include <array>
#include <cstdio>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <sodium.h>

#include "ipc/protocol.hpp"

namespace {

constexpr std::size_t kKeyLen = 32;
constexpr int kExitUsage = 2;
constexpr int kExitFailure = 1;

std::string to_base64(const std::array<unsigned char, kKeyLen>& key) {
    std::array<char, sodium_base64_ENCODED_LEN(kKeyLen, sodium_base64_VARIANT_ORIGINAL)> text{};
    sodium_bin2base64(text.data(), text.size(), key.data(), key.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    return text.data();
}

// Reads one base64 key from stdin, as `wg pubkey` does.
bool read_key(std::array<unsigned char, kKeyLen>& key) {
    std::string line;
    if (!std::getline(std::cin, line)) {
        return false;
    }
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ')) {
        line.pop_back();
    }
    std::size_t len = 0;
    const bool ok = line.size() == 44 &&
                    sodium_base642bin(key.data(), key.size(), line.data(), line.size(), nullptr,
                                      &len, nullptr, sodium_base64_VARIANT_ORIGINAL) == 0 &&
                    len == kKeyLen;
    sodium_memzero(line.data(), line.size());
    return ok;
}

int genkey() {
    std::array<unsigned char, kKeyLen> key{};
    randombytes_buf(key.data(), key.size());
    key[0] &= 248U;
    key[31] = static_cast<unsigned char>((key[31] & 127U) | 64U);
    std::cout << to_base64(key) << '\n';
    sodium_memzero(key.data(), key.size());
    return 0;
}

int genpsk() {
    std::array<unsigned char, kKeyLen> key{};
    randombytes_buf(key.data(), key.size());
    std::cout << to_base64(key) << '\n';
    sodium_memzero(key.data(), key.size());
    return 0;
}

int pubkey() {
    std::array<unsigned char, kKeyLen> private_key{};
    if (!read_key(private_key)) {
        std::cerr << "tullectl pubkey: stdin: expected one base64 key of 32 bytes\n";
        return kExitUsage;
    }
    std::array<unsigned char, kKeyLen> public_key{};
    const int rc = crypto_scalarmult_base(public_key.data(), private_key.data());
    sodium_memzero(private_key.data(), private_key.size());
    if (rc != 0) {
        std::cerr << "tullectl pubkey: that private key has no public key\n";
        return kExitFailure;
    }
    std::cout << to_base64(public_key) << '\n';
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "tullectl - command-line client of Tulle, a desktop mesh VPN that speaks the WireGuard "
        "protocol.\nThis build has the offline key tools; the commands that drive tulled over "
        "its control socket are not built yet.",
        "tullectl"};
    app.set_version_flag("--version", tulle::ipc::version_text("tullectl"));
    app.require_subcommand(1);
    auto* genkey_cmd =
        app.add_subcommand("genkey", "print a new private key (base64), as wg genkey");
    auto* pubkey_cmd =
        app.add_subcommand("pubkey", "read a private key on stdin, print its public key");
    auto* genpsk_cmd = app.add_subcommand("genpsk", "print a new preshared key (base64)");
    CLI11_PARSE(app, argc, argv);

    if (sodium_init() < 0) {
        std::cerr << "tullectl: libsodium failed to initialise\n";
        return kExitFailure;
    }
    if (genkey_cmd->parsed()) {
        return genkey();
    }
    if (pubkey_cmd->parsed()) {
        return pubkey();
    }
    if (genpsk_cmd->parsed()) {
        return genpsk();
    }
    return kExitUsage;
}
