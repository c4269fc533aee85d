#include "ipc/wg_config.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "value/text.hpp"

namespace tulle::ipc {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kWhitespace = " \t\r\v\f";

std::string_view trim(std::string_view text) {
    const std::size_t first = text.find_first_not_of(kWhitespace);
    if (first == std::string_view::npos) {
        return {};
    }
    const std::size_t last = text.find_last_not_of(kWhitespace);
    return text.substr(first, last - first + 1);
}

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A decimal number no larger than max; nullopt for anything else.
std::optional<std::uint64_t> decimal(std::string_view text, std::uint64_t max) {
    return value::parse_decimal(text, max);
}

enum class Section : std::uint8_t { none, interface, peer, skipped };

enum class Field : std::uint8_t {
    private_key,
    listen_port,
    fwmark,
    address,
    dns,
    mtu,
    table,
    pre_up,
    post_up,
    pre_down,
    post_down,
    save_config,
    public_key,
    preshared_key,
    allowed_ips,
    endpoint,
    persistent_keepalive,
};

struct FieldInfo {
    std::string_view name;  // as written in messages and by write_config
    Field field;
    Section section;
    bool repeatable;
};

constexpr std::array kFields{
    FieldInfo{"PrivateKey", Field::private_key, Section::interface, false},
    FieldInfo{"ListenPort", Field::listen_port, Section::interface, false},
    FieldInfo{"FwMark", Field::fwmark, Section::interface, false},
    FieldInfo{"Address", Field::address, Section::interface, true},
    FieldInfo{"DNS", Field::dns, Section::interface, true},
    FieldInfo{"MTU", Field::mtu, Section::interface, false},
    FieldInfo{"Table", Field::table, Section::interface, false},
    FieldInfo{"PreUp", Field::pre_up, Section::interface, true},
    FieldInfo{"PostUp", Field::post_up, Section::interface, true},
    FieldInfo{"PreDown", Field::pre_down, Section::interface, true},
    FieldInfo{"PostDown", Field::post_down, Section::interface, true},
    FieldInfo{"SaveConfig", Field::save_config, Section::interface, false},
    FieldInfo{"PublicKey", Field::public_key, Section::peer, false},
    FieldInfo{"PresharedKey", Field::preshared_key, Section::peer, false},
    FieldInfo{"AllowedIPs", Field::allowed_ips, Section::peer, true},
    FieldInfo{"Endpoint", Field::endpoint, Section::peer, false},
    FieldInfo{"PersistentKeepalive", Field::persistent_keepalive, Section::peer, false},
};

const FieldInfo* find_field(std::string_view key) {
    for (const auto& info : kFields) {
        if (iequals(info.name, key)) {
            return &info;
        }
    }
    return nullptr;
}

bool is_hook(Field field) {
    return field == Field::pre_up || field == Field::post_up || field == Field::pre_down ||
           field == Field::post_down;
}

// Where the first control character other than a tab is (a byte below 0x20, or 0x7f), if any.
std::optional<std::size_t> control_character(std::string_view text) {
    const auto* found = std::find_if(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return (byte < 0x20 && c != '\t') || byte == 0x7f;
    });
    if (found == text.end()) {
        return std::nullopt;
    }
    return static_cast<std::size_t>(found - text.begin());
}

std::string_view section_name(Section section) {
    return section == Section::interface ? "[Interface]" : "[Peer]";
}

// The state of one section being read; `seen` maps single-valued fields to their first line.
struct InterfaceState {
    int header_line = 0;
    bool has_private_key = false;
    std::map<Field, int> seen;
};

struct PeerState {
    int header_line = 0;
    int name_line = 0;
    bool has_public_key = false;
    PeerConfig peer;
    std::map<Field, int> seen;
};

class Parser {
  public:
    Parser(std::string_view file_name, bool allow_hooks)
        : file_(file_name), allow_hooks_(allow_hooks) {}

    ConfigResult run(std::string_view text) {
        if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
            text.remove_prefix(kUtf8Bom.size());
        }
        int number = 0;
        std::size_t start = 0;
        while (start < text.size() && !stopped_) {
            const std::size_t end = text.find('\n', start);
            std::string_view line = text.substr(
                start, end == std::string_view::npos ? std::string_view::npos : end - start);
            if (!line.empty() && line.back() == '\r') {
                line.remove_suffix(1);
            }
            read_line(++number, line);
            if (end == std::string_view::npos) {
                break;
            }
            start = end + 1;
        }
        finish_section();
        if (interface_seen_ == 0) {
            error(0, "no [Interface] section", ConfigProblem::no_interface);
        } else if (!interface_.has_private_key) {
            error(interface_seen_, "[Interface] has no PrivateKey",
                  ConfigProblem::missing_private_key);
        }
        if (!errors_.empty()) {
            return value::Unexpected{std::move(errors_)};
        }
        return std::move(config_);
    }

  private:
    void error(int line, std::string message, ConfigProblem problem = ConfigProblem::invalid) {
        if (stopped_) {
            return;
        }
        if (errors_.size() == kMaxParseErrors) {
            errors_.push_back(ParseError{
                file_, line, "too many errors; stopped after " + std::to_string(kMaxParseErrors),
                ConfigProblem::too_many_errors});
            stopped_ = true;
            return;
        }
        errors_.push_back(ParseError{file_, line, std::move(message), problem});
    }

    void read_line(int number, std::string_view raw) {
        const std::string_view content = trim(raw);
        if (content.empty()) {
            return;
        }
        if (content.front() == '#') {
            read_comment(number, content.substr(1));
            return;
        }
        const std::string_view stripped = trim(content.substr(0, content.find('#')));
        if (stripped.front() == '[') {
            read_header(number, stripped);
            return;
        }
        const std::size_t equals = stripped.find('=');
        if (equals == std::string_view::npos) {
            error(number,
                  "expected 'Key = value' or a section header, not " + value::quote(stripped));
            return;
        }
        const std::string_view key = trim(stripped.substr(0, equals));
        if (key.empty()) {
            error(number, "missing key before '='");
            return;
        }
        const FieldInfo* info = find_field(key);
        if (section_ == Section::skipped) {
            return;  // the header was already reported
        }
        if (section_ == Section::none) {
            error(number, value::quote(key) +
                              " is outside of any section (expected [Interface] or [Peer] first)");
            return;
        }
        if (info == nullptr) {
            error(number, "unknown key " + value::quote(key) + " in " +
                              std::string(section_name(section_)));
            return;
        }
        if (info->section != section_) {
            error(number, std::string(info->name) + " belongs in " +
                              std::string(section_name(info->section)) + ", not in " +
                              std::string(section_name(section_)));
            return;
        }
        // Hooks keep everything after the first '=', '#' included, as wg-quick runs them.
        const std::string_view value = is_hook(info->field)
                                           ? trim(content.substr(content.find('=') + 1))
                                           : trim(stripped.substr(equals + 1));
        read_field(number, *info, value);
    }

    void read_comment(int number, std::string_view comment) {
        if (section_ != Section::peer) {
            read_tulle_comment(number, trim(comment));
            return;
        }
        const std::size_t equals = comment.find('=');
        if (equals == std::string_view::npos || !iequals(trim(comment.substr(0, equals)), "Name")) {
            return;
        }
        if (peer_.name_line != 0) {
            error(number, "Name: given more than once in this [Peer] (first on line " +
                              std::to_string(peer_.name_line) + ")");
            return;
        }
        peer_.name_line = number;
        const std::string_view name = trim(comment.substr(equals + 1));
        // The one rule for names, as the app's editor checks it: no escape sequences for a
        // terminal, nothing write_config would have to change.
        if (auto checked = value::check_peer_name(name); !checked) {
            error(number, "Name: " + value::quote(name) + " " + value::to_string(checked.error()));
            return;
        }
        peer_.peer.name = std::string(name);
    }

    // "# tulle: kill-switch [allow-lan]" before or in [Interface]; other "# tulle:" lines (the
    // system tunnels' autostart and owner) are not the parser's business.
    void read_tulle_comment(int number, std::string_view comment) {
        constexpr std::string_view kLead = "tulle: kill-switch";
        if (!comment.starts_with(kLead)) {
            return;
        }
        const std::string_view option = trim(comment.substr(kLead.size()));
        if (!option.empty() && option != "allow-lan") {
            error(number,
                  "kill-switch: " + value::quote(option) + " is not an option (only allow-lan is)");
            return;
        }
        config_.iface.kill_switch = true;
        config_.iface.allow_lan = config_.iface.allow_lan || !option.empty();
    }

    void read_header(int number, std::string_view header) {
        finish_section();
        const std::size_t close = header.find(']');
        if (close == std::string_view::npos) {
            error(number, "section header " + value::quote(header) + " is missing ']'");
            section_ = Section::skipped;
            return;
        }
        if (close + 1 != header.size()) {
            error(number, "unexpected text " + value::quote(header.substr(close + 1)) +
                              " after the section header");
        }
        const std::string_view name = trim(header.substr(1, close - 1));
        if (iequals(name, "Interface")) {
            section_ = Section::interface;
            if (interface_seen_ != 0) {
                error(number, "a second [Interface] section (the first is on line " +
                                  std::to_string(interface_seen_) + ")");
                iface_ = &spare_iface_;  // still check its lines, but keep nothing
                iface_state_ = &spare_state_;
                spare_state_ = InterfaceState{number, false, {}};
                return;
            }
            interface_seen_ = number;
            iface_ = &config_.iface;
            iface_state_ = &interface_;
            interface_.header_line = number;
            return;
        }
        if (iequals(name, "Peer")) {
            section_ = Section::peer;
            peer_ = PeerState{};
            peer_.header_line = number;
            return;
        }
        error(number, "unknown section " + value::quote(header.substr(0, close + 1)) +
                          " (expected [Interface] or [Peer])");
        section_ = Section::skipped;
    }

    void finish_section() {
        if (section_ == Section::peer) {
            if (!peer_.has_public_key) {
                error(peer_.header_line, "[Peer] has no PublicKey",
                      ConfigProblem::missing_public_key);
            }
            config_.peers.push_back(std::move(peer_.peer));
        }
        section_ = Section::none;
    }

    std::map<Field, int>& seen() {
        return section_ == Section::peer ? peer_.seen : iface_state_->seen;
    }

    void read_field(int number, const FieldInfo& info, std::string_view value) {
        const std::string name(info.name);
        if (is_hook(info.field) && !allow_hooks_) {
            error(number,
                  name + ": hooks (PreUp, PostUp, PreDown, PostDown) are not allowed for this file",
                  ConfigProblem::hooks_not_allowed);
            return;
        }
        if (!info.repeatable) {
            const auto [at, inserted] = seen().emplace(info.field, number);
            if (!inserted) {
                error(number, name + ": given more than once (first on line " +
                                  std::to_string(at->second) + ")");
                return;
            }
        }
        if (value.empty()) {
            error(number, name + ": missing value");
            return;
        }
        const auto bad = [&](std::string_view problem) {
            error(number, name + ": " + value::quote(value) + " " + std::string(problem));
        };
        if (is_hook(info.field)) {
            // system() would run a hook only up to a NUL, and write_config could not write a
            // line break back: a hook is one line of text (tabs included).
            if (const auto at = control_character(value)) {
                bad("holds a control character (byte " + std::to_string(*at + 1) +
                    "): a hook is one line of text");
                return;
            }
        }
        if (info.section == Section::peer) {
            read_peer_field(number, info.field, name, value, bad);
        } else {
            read_interface_field(number, info.field, name, value, bad);
        }
    }

    template <typename Bad>
    void read_interface_field(int number, Field field, const std::string& name,
                              std::string_view value, const Bad& bad) {
        InterfaceConfig& iface = *iface_;
        switch (field) {
            case Field::private_key: {
                iface_state_->has_private_key = true;
                auto key = value::SecretKey::from_base64(value);
                if (!key) {
                    error(number, name + ": " + key.error());  // never value::quote a secret
                } else {
                    iface.private_key = std::move(*key);
                }
                break;
            }
            case Field::listen_port:
                if (const auto port = decimal(value, 65535)) {
                    iface.listen_port = static_cast<std::uint16_t>(*port);
                } else {
                    bad("is not a port number from 0 to 65535");
                }
                break;
            case Field::fwmark:
                read_fwmark(value, iface, bad);
                break;
            case Field::address:
                for_each_item(number, name, value, [&](std::string_view item) {
                    auto prefix = value::IpPrefix::parse(item);
                    if (!prefix) {
                        return prefix.error();
                    }
                    iface.addresses.push_back(*prefix);
                    return std::string();
                });
                break;
            case Field::dns:
                for_each_item(number, name, value,
                              [&](std::string_view item) { return read_dns_item(item, iface); });
                break;
            case Field::mtu:
                if (const auto mtu = decimal(value, 65535); mtu && *mtu >= kMinMtu) {
                    iface.mtu = static_cast<std::uint16_t>(*mtu);
                } else {
                    bad("is not an MTU from " + std::to_string(kMinMtu) + " to 65535");
                }
                break;
            case Field::table: {
                auto table = RouteTable::parse(value);
                if (!table) {
                    bad(table.error());
                } else {
                    iface.table = std::move(*table);
                }
                break;
            }
            case Field::pre_up:
                iface.pre_up.emplace_back(value);
                break;
            case Field::post_up:
                iface.post_up.emplace_back(value);
                break;
            case Field::pre_down:
                iface.pre_down.emplace_back(value);
                break;
            case Field::post_down:
                iface.post_down.emplace_back(value);
                break;
            case Field::save_config:
                if (iequals(value, "true") || iequals(value, "false")) {
                    iface.save_config = iequals(value, "true");
                } else {
                    bad("is neither 'true' nor 'false'");
                }
                break;
            default:
                break;
        }
    }

    template <typename Bad>
    void read_peer_field(int number, Field field, const std::string& name, std::string_view value,
                         const Bad& bad) {
        PeerConfig& peer = peer_.peer;
        switch (field) {
            case Field::public_key:
                read_public_key(number, name, value);
                break;
            case Field::preshared_key: {
                auto key = value::SecretKey::from_base64(value);
                if (!key) {
                    error(number, name + ": " + key.error());  // never value::quote a secret
                } else {
                    peer.preshared_key = std::move(*key);
                }
                break;
            }
            case Field::allowed_ips:
                for_each_item(number, name, value, [&](std::string_view item) {
                    auto prefix = value::IpPrefix::parse(item);
                    if (!prefix) {
                        return prefix.error();
                    }
                    peer.allowed_ips.push_back(*prefix);
                    return std::string();
                });
                break;
            case Field::endpoint: {
                auto endpoint = value::Endpoint::parse(value);
                if (!endpoint) {
                    bad(endpoint.error());
                } else {
                    peer.endpoint = std::move(*endpoint);
                }
                break;
            }
            case Field::persistent_keepalive:
                if (iequals(value, "off")) {
                    peer.persistent_keepalive = 0;
                } else if (const auto seconds = decimal(value, 65535)) {
                    peer.persistent_keepalive = static_cast<std::uint16_t>(*seconds);
                } else {
                    bad("is neither 'off' nor a number of seconds from 0 to 65535");
                }
                break;
            default:
                break;
        }
    }

    template <typename Bad>
    static void read_fwmark(std::string_view value, InterfaceConfig& iface, const Bad& bad) {
        if (iequals(value, "off")) {
            iface.fwmark = 0;
            return;
        }
        if (value.size() > 2 && value[0] == '0' && lower(value[1]) == 'x') {
            const std::string_view hex = value.substr(2);
            std::uint64_t mark = 0;
            for (const char c : hex) {
                const char l = lower(c);
                const bool digit = c >= '0' && c <= '9';
                if (!digit && !(l >= 'a' && l <= 'f')) {
                    bad("is neither 'off' nor a decimal or 0x hexadecimal number");
                    return;
                }
                mark = (mark << 4U) | static_cast<std::uint64_t>(digit ? c - '0' : l - 'a' + 10);
                if (mark > 0xffffffffU) {
                    bad("is larger than 32 bits");
                    return;
                }
            }
            iface.fwmark = static_cast<std::uint32_t>(mark);
            return;
        }
        if (!all_digits(value)) {
            bad("is neither 'off' nor a decimal or 0x hexadecimal number");
            return;
        }
        if (const auto mark = decimal(value, 0xffffffffU)) {
            iface.fwmark = static_cast<std::uint32_t>(*mark);
        } else {
            bad("is larger than 32 bits");
        }
    }

    static std::string read_dns_item(std::string_view item, InterfaceConfig& iface) {
        // As wg-quick tells them apart: digits and dots, or a ':', make an address.
        const bool numeric = item.find(':') != std::string_view::npos ||
                             std::all_of(item.begin(), item.end(),
                                         [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
        if (numeric) {
            auto address = value::IpAddress::parse(item);
            if (!address) {
                return address.error();
            }
            iface.dns_servers.push_back(*address);
            return {};
        }
        if (auto problem = value::host_name_error(item)) {
            return "is neither an IP address nor a search domain: " + *problem;
        }
        iface.dns_search.emplace_back(item);
        return {};
    }

    void read_public_key(int number, const std::string& name, std::string_view value) {
        peer_.has_public_key = true;
        auto key = value::Key::from_base64(value);
        if (!key) {
            error(number, name + ": " + value::quote(value) + " " + key.error());
            return;
        }
        const auto [at, inserted] = public_keys_.emplace(*key, number);
        if (!inserted) {
            error(number,
                  name + ": the same key as the peer on line " + std::to_string(at->second));
        }
        peer_.peer.public_key = *key;
    }

    // Splits a comma-separated list; `read` returns an error message for an item, or "".
    template <typename Read>
    void for_each_item(int number, const std::string& name, std::string_view value,
                       const Read& read) {
        std::size_t start = 0;
        while (true) {
            const std::size_t comma = value.find(',', start);
            const std::string_view item = trim(value.substr(
                start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
            if (item.empty()) {
                error(number, name + ": empty entry in the list " + value::quote(value));
            } else if (item.find_first_of(kWhitespace) != std::string_view::npos) {
                error(number, name + ": " + value::quote(item) +
                                  " contains a space; separate entries with ','");
            } else if (std::string problem = read(item); !problem.empty()) {
                std::string message = name + ": " + value::quote(item);
                message.append(" ").append(problem);
                error(number, std::move(message));
            }
            if (comma == std::string_view::npos) {
                break;
            }
            start = comma + 1;
        }
    }

    std::string file_;
    bool allow_hooks_;
    TunnelConfig config_;
    std::vector<ParseError> errors_;
    bool stopped_ = false;

    Section section_ = Section::none;
    int interface_seen_ = 0;  // line of the first [Interface]; 0 before it
    InterfaceState interface_;
    InterfaceConfig spare_iface_;  // a second [Interface] is read into these and dropped
    InterfaceState spare_state_;
    InterfaceConfig* iface_ = &config_.iface;
    InterfaceState* iface_state_ = &interface_;
    PeerState peer_;
    std::map<value::Key, int> public_keys_;  // each peer's key and the line it is on
};

// Text for one line of a file: control characters (which could start a new line) become spaces;
// tabs too, unless `keep_tabs` (hooks, where the parser keeps them).
std::string one_line(std::string_view text, bool keep_tabs = false) {
    std::string out(trim(text));
    for (char& c : out) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && !(keep_tabs && c == '\t')) || byte == 0x7f) {
            c = ' ';
        }
    }
    return out;
}

template <typename T>
std::string join(const std::vector<T>& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) {
            out += ", ";
        }
        if constexpr (std::is_same_v<T, std::string>) {
            out += one_line(item);
        } else {
            out += item.to_string();
        }
    }
    return out;
}

std::string hex(std::uint32_t value) {
    constexpr std::string_view kDigits = "0123456789abcdef";
    std::string digits;
    do {
        digits.insert(digits.begin(), kDigits[value & 0xfU]);
        value >>= 4U;
    } while (value != 0);
    return "0x" + digits;
}

}  // namespace

std::string ParseError::to_string() const {
    std::string out;
    if (!file.empty()) {
        out = file;
        if (line > 0) {
            out += ":" + std::to_string(line);
        }
        out += ": ";
    } else if (line > 0) {
        out = "line " + std::to_string(line) + ": ";
    }
    return out + message;
}

std::string to_one_line(const std::vector<ParseError>& errors) {
    std::string out;
    for (const auto& error : errors) {
        out += (out.empty() ? "" : "; ") + error.to_string();
    }
    return out;
}

std::string to_string(const std::vector<ParseError>& errors) {
    std::string out;
    for (const auto& error : errors) {
        out += error.to_string();
        out += '\n';
    }
    return out;
}

value::Result<RouteTable> RouteTable::parse(std::string_view text) {
    RouteTable table;
    if (iequals(text, "auto")) {
        return table;
    }
    if (iequals(text, "off")) {
        table.kind = Kind::off;
        return table;
    }
    if (all_digits(text)) {
        const auto number = decimal(text, 0xffffffffU);
        if (!number || *number == 0) {
            return value::fail("is not a table number from 1 to 4294967295");
        }
        table.kind = Kind::number;
        table.number = static_cast<std::uint32_t>(*number);
        return table;
    }
    const auto name_char = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '.' || c == '-';
    };
    const bool starts_well =
        !text.empty() && ((lower(text[0]) >= 'a' && lower(text[0]) <= 'z') || text[0] == '_');
    if (!starts_well || !std::all_of(text.begin(), text.end(), name_char)) {
        return value::fail("is neither 'auto', 'off', a table number nor a table name");
    }
    table.kind = Kind::name;
    table.name = std::string(text);
    return table;
}

std::string RouteTable::to_string() const {
    switch (kind) {
        case Kind::automatic:
            return "auto";
        case Kind::off:
            return "off";
        case Kind::number:
            return std::to_string(number);
        case Kind::name:
            return name;
    }
    return "auto";
}

ConfigResult parse_config(std::string_view text, std::string_view file_name, bool allow_hooks) {
    return Parser(file_name, allow_hooks).run(text);
}

std::string write_config(const TunnelConfig& config, bool include_secrets) {
    std::string out;
    const auto line = [&out](std::string_view key, const std::string& value) {
        out.append(key).append(" = ").append(value).append("\n");
    };
    const InterfaceConfig& iface = config.iface;
    out += "[Interface]\n";
    if (include_secrets) {
        line("PrivateKey", iface.private_key.to_base64());
    }
    if (iface.listen_port) {
        line("ListenPort", std::to_string(*iface.listen_port));
    }
    if (iface.fwmark != 0) {
        line("FwMark", hex(iface.fwmark));
    }
    if (!iface.addresses.empty()) {
        line("Address", join(iface.addresses));
    }
    if (!iface.dns_servers.empty() || !iface.dns_search.empty()) {
        std::string dns = join(iface.dns_servers);
        if (!dns.empty() && !iface.dns_search.empty()) {
            dns += ", ";
        }
        line("DNS", dns + join(iface.dns_search));
    }
    if (iface.mtu) {
        line("MTU", std::to_string(*iface.mtu));
    }
    if (iface.table.kind != RouteTable::Kind::automatic) {
        line("Table", one_line(iface.table.to_string()));
    }
    if (iface.kill_switch) {
        out += iface.allow_lan ? "# tulle: kill-switch allow-lan\n" : "# tulle: kill-switch\n";
    }
    using Hook = std::pair<std::string_view, const std::vector<std::string>*>;
    const std::array hooks{
        Hook{"PreUp", &iface.pre_up},
        Hook{"PostUp", &iface.post_up},
        Hook{"PreDown", &iface.pre_down},
        Hook{"PostDown", &iface.post_down},
    };
    for (const auto& [key, commands] : hooks) {
        for (const auto& command : *commands) {
            line(key, one_line(command, /*keep_tabs=*/true));
        }
    }
    if (iface.save_config) {
        line("SaveConfig", "true");
    }
    for (const PeerConfig& peer : config.peers) {
        out += "\n[Peer]\n";
        if (const std::string name = one_line(peer.name); !name.empty()) {
            out += "# Name = " + name + "\n";
        }
        line("PublicKey", peer.public_key.to_base64());
        if (include_secrets && peer.preshared_key) {
            line("PresharedKey", peer.preshared_key->to_base64());
        }
        if (!peer.allowed_ips.empty()) {
            line("AllowedIPs", join(peer.allowed_ips));
        }
        if (peer.endpoint) {
            line("Endpoint", peer.endpoint->to_string());
        }
        if (peer.persistent_keepalive != 0) {
            line("PersistentKeepalive", std::to_string(peer.persistent_keepalive));
        }
    }
    return out;
}

}  // namespace tulle::ipc
