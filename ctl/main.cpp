// tullectl: the command-line client of Tulle. The key tools work offline, as `wg genkey` and
// friends; the other commands drive tulled over its control socket (ctl/commands.cpp).
#include <cstdio>
#include <functional>
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

// What the command line holds once parsed, and which command runs.
struct CommandLine {
    tulle::ctl::GlobalOptions options{std::string(tulle::ipc::kDefaultSocketPath), false};
    std::string target;  // up FILE|NAME
    tulle::ctl::UpOptions up_options;
    std::string name;  // the tunnel of down, peers, peer remove, stats
    std::string remove_key;
    bool follow = false;  // stats --follow
    tulle::ctl::PeerOptions add_options;
    tulle::ctl::PeerOptions set_options;
    tulle::ctl::LogOptions log_options;
    tulle::ctl::ExportOptions export_options;
    tulle::ctl::NetworkCreateOptions create_options;
    tulle::ctl::NetworkInviteOptions invite_options;
    tulle::ctl::NetworkJoinOptions join_options;
    std::string member;  // network remove NAME MEMBER
    std::string check_file;
    std::function<int()> run;  // set by the subcommand that was given
};

// A subcommand whose action is `action` once the line is parsed.
CLI::App* command(CLI::App& parent, CommandLine& line, const std::string& name,
                  const std::string& description, std::function<int()> action) {
    auto* sub = parent.add_subcommand(name, description);
    sub->callback([&line, action = std::move(action)] { line.run = action; });
    return sub;
}

void add_key_commands(CLI::App& app, CommandLine& line) {
    command(app, line, "genkey", "print a new private key (base64), as wg genkey", genkey);
    command(app, line, "pubkey", "read a private key on stdin, print its public key", pubkey);
    command(app, line, "genpsk", "print a new preshared key (base64)", genpsk);
    auto* check_cmd = command(app, line, "check",
                              "check a wg-quick FILE offline and list every problem with its line",
                              [&line] { return tulle::ctl::check(line.check_file); });
    check_cmd->add_option("FILE", line.check_file, "the configuration file")->required();
}

void add_tunnel_commands(CLI::App& app, CommandLine& line) {
    namespace ctl = tulle::ctl;
    auto& options = line.options;
    auto* status_cmd = command(app, line, "status", "show tulled and its tunnels",
                               [&] { return ctl::status(options); });
    add_json_flag(status_cmd, options.json);

    auto* up_cmd = command(app, line, "up",
                           "start a tunnel: a wg-quick FILE (checked here, then sent; the tunnel "
                           "takes the file's name without .conf) or the NAME of a system tunnel",
                           [&] { return ctl::up(options, line.target, line.up_options); });
    up_cmd->add_option("FILE|NAME", line.target, "the configuration file or tunnel name")
        ->required();
    up_cmd->add_flag_function(
        "--kill-switch,!--no-kill-switch",
        [&line](std::int64_t count) { line.up_options.kill_switch = count > 0; },
        "block all traffic that does not leave through the tunnel, but for its peers' endpoints, "
        "loopback, DHCP and neighbour discovery (a tunnel with a default route only); "
        "--no-kill-switch: not this time, whatever the file says (# tulle: kill-switch)");
    up_cmd->add_flag_function(
        "--allow-lan,!--no-allow-lan",
        [&line](std::int64_t count) { line.up_options.allow_lan = count > 0; },
        "with the kill switch, let the local network (private, link-local and multicast "
        "addresses) through too");
    add_json_flag(up_cmd, options.json);

    auto* down_cmd =
        command(app, line, "down", "stop a tunnel", [&] { return ctl::down(options, line.name); });
    down_cmd->add_option("NAME", line.name, "the tunnel")->required();
    add_json_flag(down_cmd, options.json);

    auto* delete_cmd = command(
        app, line, "delete",
        "forget a tunnel that was brought up from a file and not saved (tulled keeps it, down, "
        "until then, so `up NAME` starts it again)",
        [&] { return ctl::delete_tunnel(options, line.name); });
    delete_cmd->add_option("NAME", line.name, "the tunnel")->required();
    add_json_flag(delete_cmd, options.json);

    auto* peers_cmd = command(app, line, "peers",
                              "show a tunnel's peers, with the path to each (direct, lan, relay)",
                              [&] { return ctl::peers(options, line.name); });
    peers_cmd->add_option("NAME", line.name, "the tunnel")->required();
    add_json_flag(peers_cmd, options.json);
}

void add_peer_commands(CLI::App& app, CommandLine& line) {
    namespace ctl = tulle::ctl;
    auto& options = line.options;
    auto* peer_cmd = app.add_subcommand("peer", "add, change or remove a peer of a running tunnel");
    peer_cmd->require_subcommand(1);
    auto* add_cmd = peer_cmd->add_subcommand("add", "add a peer");
    add_cmd->callback([&line, add_cmd] {
        note_given(add_cmd, line.add_options);
        line.run = [&line] { return ctl::peer_add(line.options, line.add_options); };
    });
    add_peer_options(add_cmd, line.add_options, false);
    add_json_flag(add_cmd, options.json);
    auto* set_cmd = peer_cmd->add_subcommand("set", "change a peer: only the options given change");
    set_cmd->callback([&line, set_cmd] {
        note_given(set_cmd, line.set_options);
        line.run = [&line] { return ctl::peer_set(line.options, line.set_options); };
    });
    add_peer_options(set_cmd, line.set_options, true);
    add_json_flag(set_cmd, options.json);
    auto* remove_cmd = command(*peer_cmd, line, "remove", "remove a peer", [&] {
        return ctl::peer_remove(options, line.name, line.remove_key);
    });
    remove_cmd->add_option("TUNNEL", line.name, "the tunnel")->required();
    remove_cmd->add_option("PUBLIC_KEY", line.remove_key, "the peer's public key")->required();
    add_json_flag(remove_cmd, options.json);
}

void add_export_command(CLI::App& app, CommandLine& line) {
    auto& exported = line.export_options;
    auto* export_cmd = app.add_subcommand(
        "export",
        "add a new peer to a running tunnel for a phone and print its wg-quick file once (or a "
        "QR code of it, for the WireGuard mobile apps); its key pair is made here and tulled "
        "never sees the private key");
    export_cmd->callback([&line, export_cmd] {
        line.export_options.has_allowed_ips = export_cmd->count("--allowed-ips") > 0;
        line.run = [&line] { return tulle::ctl::export_peer(line.options, line.export_options); };
    });
    export_cmd->add_option("NAME", exported.tunnel, "the tunnel")->required();
    export_cmd
        ->add_option("--endpoint", exported.endpoint,
                     "where the phone reaches this machine: HOST or HOST:PORT (the port "
                     "defaults to the tunnel's)")
        ->required();
    export_cmd->add_option("--name", exported.name, "the new peer's name");
    export_cmd->add_option("--address", exported.address,
                           "the phone's address in the tunnel (default: the first free one of "
                           "each of the tunnel's networks)");
    auto* allowed = export_cmd->add_option(
        "--allowed-ips", exported.allowed_ips,
        "what the phone sends through the tunnel: CIDR,CIDR (default: the tunnel's networks)");
    export_cmd
        ->add_flag("--full-tunnel", exported.full_tunnel,
                   "send everything through the tunnel (AllowedIPs = 0.0.0.0/0, ::/0)")
        ->excludes(allowed);
    export_cmd->add_flag("--qr", exported.qr, "print a QR code instead of the file");
}

void add_network_create_and_invite(CLI::App& network, CommandLine& line) {
    namespace ctl = tulle::ctl;
    auto& options = line.options;
    auto& create = line.create_options;
    auto* create_cmd = command(
        network, line, "create",
        "make a mesh network with this node as its lighthouse (its first address); prints the "
        "network",
        [&] { return ctl::network_create(options, create); });
    create_cmd->add_option("NAME", create.name, "the network (and its tunnel's) name")->required();
    create_cmd
        ->add_option("--address", create.range,
                     "the network's range: IPv4 /8 to /30 or IPv6 /48 to /126, e.g. 10.88.0.0/16")
        ->required();
    create_cmd
        ->add_option("--endpoint", create.endpoints,
                     "where members reach this node: HOST:PORT (1 to 4 times)")
        ->required();
    create_cmd->add_option("--port", create.port,
                           "the UDP port to listen on (default: the first endpoint's)");
    add_json_flag(create_cmd, options.json);

    auto& invite = line.invite_options;
    auto* invite_cmd = command(
        network, line, "invite",
        "print an invite, one line (TULLE1:...) that admits one new member once; only the line "
        "goes to stdout",
        [&] { return ctl::network_invite(options, invite); });
    invite_cmd->add_option("NAME", invite.network, "the network")->required();
    invite_cmd->add_option("--name", invite.name,
                           "the new member's name (default: the joiner chooses)");
    invite_cmd->add_option("--address", invite.address,
                           "the new member's address (default: the lowest free one)");
    invite_cmd
        ->add_option("--expires", invite.expires,
                     "how long the invite works: 90m, 24h, 7d or seconds (60 s to 7 days)")
        ->capture_default_str();
    invite_cmd->add_flag("--qr", invite.qr, "also draw it as a QR code, for a phone's camera");
    add_json_flag(invite_cmd, options.json);
}

void add_network_commands(CLI::App& app, CommandLine& line) {
    namespace ctl = tulle::ctl;
    auto& options = line.options;
    auto* network = app.add_subcommand(
        "network",
        "mesh networks: create one, invite members by one line, join, list members, remove");
    network->require_subcommand(1);
    add_network_create_and_invite(*network, line);

    auto& join = line.join_options;
    auto* join_cmd =
        command(*network, line, "join",
                "join a network with an invite (keys are made here), then wait until it is online",
                [&] { return ctl::network_join(options, join); });
    join_cmd
        ->add_option("INVITE", join.invite,
                     "the invite (TULLE1:...), - to read it from stdin, or @FILE")
        ->required();
    join_cmd->add_option("--name", join.name,
                         "this node's name, when the invite names none (default: the host's)");
    join_cmd->add_option("--timeout", join.timeout, "seconds to wait for the network")
        ->capture_default_str();
    join_cmd->add_flag("--no-wait", join.no_wait, "return once tulled has started joining");
    add_json_flag(join_cmd, options.json);

    auto* members_cmd =
        command(*network, line, "members",
                "a network's members: address, online, path (direct, lan, relay), last seen",
                [&] { return ctl::network_members(options, line.name); });
    members_cmd->add_option("NAME", line.name, "the network")->required();
    add_json_flag(members_cmd, options.json);

    auto* remove_cmd = command(
        *network, line, "remove", "take a member out of the network everywhere (lighthouse only)",
        [&] { return ctl::network_remove(options, line.name, line.member); });
    remove_cmd->add_option("NAME", line.name, "the network")->required();
    remove_cmd->add_option("MEMBER", line.member, "the member's name or public key")->required();
    add_json_flag(remove_cmd, options.json);

    auto* leave_cmd = command(*network, line, "leave",
                              "leave a network: its tunnel goes and its keys are deleted here",
                              [&] { return ctl::network_leave(options, line.name); });
    leave_cmd->add_option("NAME", line.name, "the network")->required();
    add_json_flag(leave_cmd, options.json);

    for (auto* parent : {network, &app}) {
        const bool top = parent == &app;
        auto* list_cmd = command(*parent, line, top ? "networks" : "list",
                                 top ? "the mesh networks (as network list)"
                                     : "the mesh networks this node is in, and their state",
                                 [&] { return ctl::network_list(options); });
        add_json_flag(list_cmd, options.json);
    }
}

void add_traffic_commands(CLI::App& app, CommandLine& line) {
    namespace ctl = tulle::ctl;
    auto& options = line.options;
    auto* stats_cmd =
        command(app, line, "stats",
                "a tunnel's traffic per peer over the last minute, or live with --follow",
                [&] { return ctl::stats(options, line.name, line.follow); });
    stats_cmd->add_option("NAME", line.name, "the tunnel")->required();
    stats_cmd->add_flag("--follow,-f", line.follow,
                        "print each peer's rates every second until ^C");
    add_json_flag(stats_cmd, options.json, true);

    auto* logs_cmd = command(app, line, "logs", "tulled's newest log lines",
                             [&] { return ctl::logs(options, line.log_options); });
    logs_cmd->add_flag("--follow,-f", line.log_options.follow, "then print new lines until ^C");
    logs_cmd
        ->add_option("--level", line.log_options.level,
                     "the least level shown: trace, debug, info, warning, error, critical")
        ->capture_default_str();
    logs_cmd->add_option("--lines,-n", line.log_options.lines, "how many lines of the past")
        ->capture_default_str();
    add_json_flag(logs_cmd, options.json, true);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "tullectl - command-line client of Tulle, a desktop mesh VPN that speaks the WireGuard "
        "protocol. Talks to tulled over its control socket; genkey, pubkey, genpsk and check work "
        "offline.",
        "tullectl"};
    app.set_version_flag("--version", tulle::ipc::version_text("tullectl"));
    app.require_subcommand(1);
    app.fallthrough();  // global options may follow the command: `tullectl status --socket S`
    app.footer(kFooter);

    CommandLine line;
    app.add_option("--socket", line.options.socket, "tulled's control socket")
        ->envname("TULLE_SOCKET")
        ->capture_default_str();
    add_key_commands(app, line);
    add_tunnel_commands(app, line);
    add_peer_commands(app, line);
    add_export_command(app, line);
    add_traffic_commands(app, line);
    add_network_commands(app, line);

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
    return line.run ? line.run() : kExitUsage;
}
