// The wg-quick(8) configuration format: the one parser and writer for tunnel files, used by the
// daemon, the CLI and the app. The parser checks text only: it reads no files, resolves no host
// names and leaves the decision whether hooks may run to its caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "value/ip.hpp"
#include "value/key.hpp"
#include "value/result.hpp"
#include "value/text.hpp"

namespace tulle::ipc {

// What kind of problem a ParseError is, for callers that act on one kind (the app's profiles
// have no PrivateKey on purpose); the message says the rest, for people.
enum class ConfigProblem : std::uint8_t {
    invalid,              // a value, key or line that is wrong (the message says how)
    no_interface,         // no [Interface] section
    missing_private_key,  // [Interface] has no PrivateKey
    missing_public_key,   // a [Peer] has no PublicKey
    hooks_not_allowed,    // PreUp, PostUp, PreDown or PostDown where hooks may not run
    too_many_errors,      // parsing stopped collecting
};

// One problem in a configuration file: "tunnel.conf:7: AllowedIPs: '10.0.0.0/33' prefix length 33
// is larger than 32 for IPv4". Line 0 stands for the file as a whole ("no [Interface] section").
struct ParseError {
    std::string file;
    int line = 0;  // 1-based
    std::string message;
    ConfigProblem problem = ConfigProblem::invalid;

    // "file:line: message", "file: message" for line 0, "line 7: message" without a file name.
    [[nodiscard]] std::string to_string() const;
    friend bool operator==(const ParseError&, const ParseError&) = default;
};

// Every error's to_string(), one per line, each ending in '\n'.
[[nodiscard]] std::string to_string(const std::vector<ParseError>& errors);
// The same on one line, separated by "; " (for a reply's error message).
[[nodiscard]] std::string to_one_line(const std::vector<ParseError>& errors);

// wg-quick's Table: where the routes for AllowedIPs go.
struct RouteTable {
    enum class Kind : std::uint8_t {
        automatic,  // "auto" or unset: the main table, with special handling of default routes
        off,        // "off": no routes at all
        number,     // a table id, 1 to 4294967295
        name,       // a name from the system's table list ("main"), looked up by whoever applies it
    };
    Kind kind = Kind::automatic;
    std::uint32_t number = 0;  // for Kind::number
    std::string name;          // for Kind::name

    // "auto" and "off" in any case, a decimal id, or a name: a letter or '_' followed by letters,
    // digits, '_', '.' and '-'. A message follows the quoted text: "'x y' is neither ...".
    [[nodiscard]] static value::Result<RouteTable> parse(std::string_view text);
    [[nodiscard]] std::string to_string() const;  // as parse() accepts it
    friend bool operator==(const RouteTable&, const RouteTable&) = default;
};

inline constexpr std::uint16_t kMinMtu = 576;

struct InterfaceConfig {
    value::SecretKey private_key;              // required in a file
    std::optional<std::uint16_t> listen_port;  // unset: chosen at random
    std::uint32_t fwmark = 0;                  // 0: off
    std::vector<value::IpPrefix> addresses;    // as written: host bits are kept ("10.0.0.2/24")
    std::vector<value::IpAddress> dns_servers;
    std::vector<std::string> dns_search;  // the non-IP entries of DNS: search domains
    std::optional<std::uint16_t> mtu;     // unset: worked out when the tunnel comes up
    RouteTable table;
    std::vector<std::string> pre_up;  // hooks: bash snippets, run in order
    std::vector<std::string> post_up;
    std::vector<std::string> pre_down;
    std::vector<std::string> post_down;
    bool save_config = false;
    // Tulle's own, a comment to every other reader: "# tulle: kill-switch" (block what does not
    // leave through the tunnel), "# tulle: kill-switch allow-lan" (but let the local network be).
    bool kill_switch = false;
    bool allow_lan = false;  // only with kill_switch

    friend bool operator==(const InterfaceConfig&, const InterfaceConfig&) = default;
};

struct PeerConfig {
    std::string name;  // from a "# Name = laptop" comment in the [Peer] section; may be empty
    value::Key public_key;
    std::optional<value::SecretKey> preshared_key;
    std::vector<value::IpPrefix>
        allowed_ips;  // as written; the kernel clears host bits (canonical())
    std::optional<value::Endpoint> endpoint;  // a host name stays text: the daemon resolves it
    std::uint16_t persistent_keepalive = 0;   // seconds; 0: off

    friend bool operator==(const PeerConfig&, const PeerConfig&) = default;
};

struct TunnelConfig {
    InterfaceConfig iface;
    std::vector<PeerConfig> peers;

    friend bool operator==(const TunnelConfig&, const TunnelConfig&) = default;
};

// Parsing stops collecting after this many errors (and says so in one more).
inline constexpr std::size_t kMaxParseErrors = 100;

using ConfigResult = value::Result<TunnelConfig, std::vector<ParseError>>;

// Parses a wg-quick file's text, accepting what wg-quick accepts: keys and section names in any
// case, spaces around '=' and ',', '#' comments (a hook keeps a '#' in its value, as wg-quick
// does), CRLF line ends and a UTF-8 byte order mark. Stricter than wg-quick: unknown keys, a key
// given twice where only one is allowed, a second [Interface], duplicate peer keys, control
// characters other than tabs in a hook and a "# Name =" that value::check_peer_name refuses are
// errors. Outside [Peer] sections "# tulle: kill-switch" and "# tulle: kill-switch allow-lan" set
// the kill switch; another word after "kill-switch" is an error. Every error is collected (up to
// kMaxParseErrors); any error means no config is returned. `file_name` only labels the errors.
// Without `allow_hooks`, each PreUp, PostUp, PreDown and PostDown line is an error.
[[nodiscard]] ConfigResult parse_config(std::string_view text, std::string_view file_name,
                                        bool allow_hooks);

// The config in the format parse_config() reads, with each peer's name as a "# Name = ..."
// comment. Without `include_secrets` the PrivateKey and PresharedKey lines are left out (so the
// text no longer parses: it is for showing, not for saving). Control characters in names, search
// domains and hooks, which the parser never returns (but for tabs in hooks, written as they are),
// are written as spaces so that they cannot start a new line.
[[nodiscard]] std::string write_config(const TunnelConfig& config, bool include_secrets);

}  // namespace tulle::ipc
