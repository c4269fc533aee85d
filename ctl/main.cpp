// tullectl: the command-line client of Tulle. The key tools work offline, as `wg genkey` and
// friends; the other commands drive tulled over its control socket (ctl/commands.cpp).
#include <cstdio>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <sodium.h>

#include "ctl/commands.hpp"
#include "ipc/protocol.hpp"
#include "value/key.hpp"

namespace {

using tulle::ctl::kExitRefused;
using tulle::ctl::kExitUsage;

constexpr const char* kFooter =
    "Exit codes:\n"
    "  0  success\n"
    "  1  tulled refused the request, or sent a reply tullectl cannot read; check: the file has\n"
    "     problems\n"
    "  2  bad command line or input (nothing was sent)\n"
    "  3  cannot reach tulled: no socket, no permission (join group tulle), no answer within\n"
    "     10 s, or the connection closed\n"
    "  4  tulled and tullectl speak different control protocol versions\n"
    "The socket is --socket, else $TULLE_SOCKET, else /run/tulle/tulled.sock.";

// Reads one base64 key from stdin, as `wg pubkey` does (trailing white space is fine).
tulle::value::Result<tulle::value::SecretKey> read_key() {
    std::string line;
    if (!std::getline(std::cin, line)) {
        return tulle::value::fail("no line");
    }
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ')) {
        line.pop_back();
    }
    auto key = tulle::value::SecretKey::from_base64(line);
    sodium_memzero(line.data(), line.size());
    return key;
}

int genkey() {
    std::string text = tulle::value::generate_private_key().to_base64();
    std::cout << text << '\n';
    sodium_memzero(text.data(), text.size());
    return 0;
}

int genpsk() {
    std::string text = tulle::value::generate_preshared_key().to_base64();
    std::cout << text << '\n';
    sodium_memzero(text.data(), text.size());
    return 0;
}

int pubkey() {
    const auto private_key = read_key();
    if (!private_key) {
        std::cerr << "tullectl pubkey: stdin: expected one base64 key of 32 bytes\n";
        return kExitUsage;
    }
    const auto public_key = tulle::value::public_key_of(*private_key);
    if (!public_key) {
        std::cerr << "tullectl pubkey: " << public_key.error() << '\n';
        return kExitRefused;
    }
    std::cout << public_key->to_base64() << '\n';
    return 0;
}

void add_json_flag(CLI::App* command, bool& json, bool follows = false) {
    command->add_flag("--json", json,
                      follows ? "print the result as JSON (with --follow: one object a line)"
                              : "print the result as JSON");
}

// The options of `peer add` and `peer set`; only `set` can take a setting away.
void add_peer_options(CLI::App* command, tulle::ctl::PeerOptions& peer, bool removals) {
    command->add_option("TUNNEL", peer.tunnel, "the tunnel")->required();
    command->add_option("PUBLIC_KEY", peer.public_key, "the peer's public key (base64)")
        ->required();
    command->add_option("--name", peer.name, "a name to show instead of the key");
    auto* endpoint =
        command->add_option("--endpoint", peer.endpoint, "where the peer is reached: HOST:PORT");
    command->add_option("--allowed-ips", peer.allowed_ips,
                        "the addresses it may send from and is sent: CIDR,CIDR (replaces the list; "
                        "\"\" for none)");
    command->add_option("--persistent-keepalive", peer.keepalive,
                        "seconds between keepalives, or off");
    auto* psk = command->add_option("--preshared-key-file", peer.preshared_key_file,
                                    "read a preshared key (base64) from FILE, or stdin for -");
    if (removals) {
        command->add_flag("--no-endpoint", peer.no_endpoint, "forget the endpoint")
            ->excludes(endpoint);
        command->add_flag("--no-preshared-key", peer.no_preshared_key, "remove the preshared key")
            ->excludes(psk);
    }
}

// Records which of the optional peer settings were given (an empty value is a value).
void note_given(const CLI::App* command, tulle::ctl::PeerOptions& peer) {
    peer.has_name = command->count("--name") > 0;
    peer.has_endpoint = command->count("--endpoint") > 0;
    peer.has_allowed_ips = command->count("--allowed-ips") > 0;
    peer.has_keepalive = command->count("--persistent-keepalive") > 0;
    peer.has_preshared_key_file = command->count("--preshared-key-file") > 0;
}

}  // namespace

int main(int argc, char** argv) {
    namespace ctl = tulle::ctl;
    CLI::App app{
        "tullectl - command-line client of Tulle, a desktop mesh VPN that speaks the WireGuard "
        "protocol. Talks to tulled over its control socket; genkey, pubkey, genpsk and check work "
        "offline.",
        "tullectl"};
    app.set_version_flag("--version", tulle::ipc::version_text("tullectl"));
    app.require_subcommand(1);
    app.fallthrough();  // global options may follow the command: `tullectl status --socket S`
    app.footer(kFooter);

    ctl::GlobalOptions options{std::string(tulle::ipc::kDefaultSocketPath), false};
    app.add_option("--socket", options.socket, "tulled's control socket")
        ->envname("TULLE_SOCKET")
        ->capture_default_str();

    auto* genkey_cmd =
        app.add_subcommand("genkey", "print a new private key (base64), as wg genkey");
    auto* pubkey_cmd =
        app.add_subcommand("pubkey", "read a private key on stdin, print its public key");
    auto* genpsk_cmd = app.add_subcommand("genpsk", "print a new preshared key (base64)");

    auto* status_cmd = app.add_subcommand("status", "show tulled and its tunnels");
    add_json_flag(status_cmd, options.json);

    std::string target;
    auto* up_cmd = app.add_subcommand(
        "up",
        "start a tunnel: a wg-quick FILE (checked here, then sent; the tunnel takes the "
        "file's name without .conf) or the NAME of a system tunnel");
    up_cmd->add_option("FILE|NAME", target, "the configuration file or tunnel name")->required();
    add_json_flag(up_cmd, options.json);

    std::string name;
    auto* down_cmd = app.add_subcommand("down", "stop a tunnel");
    down_cmd->add_option("NAME", name, "the tunnel")->required();
    add_json_flag(down_cmd, options.json);

    auto* peers_cmd = app.add_subcommand("peers", "show a tunnel's peers");
    peers_cmd->add_option("NAME", name, "the tunnel")->required();
    add_json_flag(peers_cmd, options.json);

    auto* peer_cmd = app.add_subcommand("peer", "add, change or remove a peer of a running tunnel");
    peer_cmd->require_subcommand(1);
    ctl::PeerOptions add_options;
    auto* peer_add_cmd = peer_cmd->add_subcommand("add", "add a peer");
    add_peer_options(peer_add_cmd, add_options, false);
    add_json_flag(peer_add_cmd, options.json);
    ctl::PeerOptions set_options;
    auto* peer_set_cmd =
        peer_cmd->add_subcommand("set", "change a peer: only the options given change");
    add_peer_options(peer_set_cmd, set_options, true);
    add_json_flag(peer_set_cmd, options.json);
    std::string remove_key;
    auto* peer_remove_cmd = peer_cmd->add_subcommand("remove", "remove a peer");
    peer_remove_cmd->add_option("TUNNEL", name, "the tunnel")->required();
    peer_remove_cmd->add_option("PUBLIC_KEY", remove_key, "the peer's public key")->required();
    add_json_flag(peer_remove_cmd, options.json);

    bool follow = false;
    auto* stats_cmd = app.add_subcommand(
        "stats", "a tunnel's traffic per peer over the last minute, or live with --follow");
    stats_cmd->add_option("NAME", name, "the tunnel")->required();
    stats_cmd->add_flag("--follow,-f", follow, "print each peer's rates every second until ^C");
    add_json_flag(stats_cmd, options.json, true);

    ctl::LogOptions log_options;
    auto* logs_cmd = app.add_subcommand("logs", "tulled's newest log lines");
    logs_cmd->add_flag("--follow,-f", log_options.follow, "then print new lines until ^C");
    logs_cmd
        ->add_option("--level", log_options.level,
                     "the least level shown: trace, debug, info, warning, error, critical")
        ->capture_default_str();
    logs_cmd->add_option("--lines,-n", log_options.lines, "how many lines of the past")
        ->capture_default_str();
    add_json_flag(logs_cmd, options.json, true);

    std::string check_file;
    auto* check_cmd = app.add_subcommand(
        "check", "check a wg-quick FILE offline and list every problem with its line");
    check_cmd->add_option("FILE", check_file, "the configuration file")->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        // --help and --version end here with 0; every real parse error is a usage error.
        return app.exit(error) == 0 ? 0 : kExitUsage;
    }

    if (sodium_init() < 0) {
        std::cerr << "tullectl: libsodium failed to initialise\n";
        return kExitRefused;
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
    if (status_cmd->parsed()) {
        return ctl::status(options);
    }
    if (up_cmd->parsed()) {
        return ctl::up(options, target);
    }
    if (down_cmd->parsed()) {
        return ctl::down(options, name);
    }
    if (peers_cmd->parsed()) {
        return ctl::peers(options, name);
    }
    if (peer_add_cmd->parsed()) {
        note_given(peer_add_cmd, add_options);
        return ctl::peer_add(options, add_options);
    }
    if (peer_set_cmd->parsed()) {
        note_given(peer_set_cmd, set_options);
        return ctl::peer_set(options, set_options);
    }
    if (peer_remove_cmd->parsed()) {
        return ctl::peer_remove(options, name, remove_key);
    }
    if (stats_cmd->parsed()) {
        return ctl::stats(options, name, follow);
    }
    if (logs_cmd->parsed()) {
        return ctl::logs(options, log_options);
    }
    if (check_cmd->parsed()) {
        return ctl::check(check_file);
    }
    return kExitUsage;
}
