// tullectl's commands that talk to tulled, and the offline `check`. Each returns the exit code and
// has printed what the user needs: results on stdout, problems on stderr.
#pragma once

#include <optional>
#include <string>

#include "ctl/network.hpp"

namespace tulle::ctl {

// What an exit code means, for scripts (listed in --help).
inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;  // tulled refused (or sent a reply tullectl cannot read)
inline constexpr int kExitUsage = 2;    // bad command line or input; nothing was sent
inline constexpr int kExitUnreachable = 3;
inline constexpr int kExitVersionMismatch = 4;

struct GlobalOptions {
    std::string socket;  // the control socket's path
    bool json = false;   // print results as JSON instead of for people
};

struct PeerOptions {
    std::string tunnel;
    std::string public_key;
    std::string name;
    std::string endpoint;
    std::string allowed_ips;         // "10.0.0.2/32,fd00::2/128"; "" for none
    std::string keepalive;           // seconds, or "off"
    std::string preshared_key_file;  // "-" for stdin
    // Which settings were given, so that `peer set` changes nothing else (an empty value is one).
    bool has_name = false;
    bool has_endpoint = false;
    bool has_allowed_ips = false;
    bool has_keepalive = false;
    bool has_preshared_key_file = false;
    bool no_endpoint = false;       // forget the endpoint
    bool no_preshared_key = false;  // remove the preshared key
};

// `export`: a new peer for a phone (ctl/export.hpp).
struct ExportOptions {
    std::string tunnel;
    std::string name;
    std::string address;      // "" for the first free one
    std::string allowed_ips;  // what the phone routes; see has_allowed_ips
    std::string endpoint;     // HOST or HOST:PORT
    bool has_allowed_ips = false;
    bool full_tunnel = false;
    bool qr = false;  // print a QR code instead of the file
};

struct LogOptions {
    bool follow = false;
    std::string level = "info";
    int lines = 200;
};

// up --kill-switch / --no-kill-switch, --allow-lan: unset leaves the file's choice.
struct UpOptions {
    std::optional<bool> kill_switch;
    std::optional<bool> allow_lan;
};

[[nodiscard]] int status(const GlobalOptions& options);
// FILE (read, checked and sent) or the NAME of a system tunnel.
[[nodiscard]] int up(const GlobalOptions& options, const std::string& target,
                     const UpOptions& choice = {});
[[nodiscard]] int down(const GlobalOptions& options, const std::string& name);
// tunnel.delete: forgets a tunnel brought up from a file and not saved (down first if up).
[[nodiscard]] int delete_tunnel(const GlobalOptions& options, const std::string& name);
[[nodiscard]] int peers(const GlobalOptions& options, const std::string& name);
[[nodiscard]] int peer_add(const GlobalOptions& options, const PeerOptions& peer);
[[nodiscard]] int peer_set(const GlobalOptions& options, const PeerOptions& peer);
[[nodiscard]] int peer_remove(const GlobalOptions& options, const std::string& tunnel,
                              const std::string& public_key);
[[nodiscard]] int stats(const GlobalOptions& options, const std::string& name, bool follow);
[[nodiscard]] int logs(const GlobalOptions& options, const LogOptions& log);
// Adds a new peer to tunnel NAME with a key pair made here and prints the other side's wg-quick
// file (or its QR code) once.
[[nodiscard]] int export_peer(const GlobalOptions& options, const ExportOptions& exported);
// Mesh networks (ctl/network.hpp has their options).
// network.create: this node becomes the network's lighthouse.
[[nodiscard]] int network_create(const GlobalOptions& options, const NetworkCreateOptions& create);
// network.invite: the invite line alone on stdout (so `$(tullectl network invite ...)` works), its
// expiry on stderr; with qr, its QR code first.
[[nodiscard]] int network_invite(const GlobalOptions& options, const NetworkInviteOptions& invite);
// network.join, then (unless no_wait) network.list every 100 ms until the network is online (0)
// or failed (1), or the timeout passed (1).
[[nodiscard]] int network_join(const GlobalOptions& options, const NetworkJoinOptions& join);
[[nodiscard]] int network_members(const GlobalOptions& options, const std::string& network);
[[nodiscard]] int network_remove(const GlobalOptions& options, const std::string& network,
                                 const std::string& member);
[[nodiscard]] int network_leave(const GlobalOptions& options, const std::string& network);
[[nodiscard]] int network_list(const GlobalOptions& options);
// Offline: parses FILE and lists every problem.
[[nodiscard]] int check(const std::string& file);

}  // namespace tulle::ctl
