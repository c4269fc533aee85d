#include "ctl/commands.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string_view>
#include <sys/stat.h>
#include <system_error>
#include <type_traits>
#include <unistd.h>
#include <utility>
#include <variant>
#include <vector>

#include "ctl/client.hpp"
#include "ctl/export.hpp"
#include "ctl/format.hpp"
#include "ipc/messages.hpp"
#include "ipc/methods.hpp"
#include "ipc/protocol.hpp"
#include "ipc/version.hpp"
#include "ipc/wg_config.hpp"
#include "peer_export/peer_export.hpp"
#include "peer_export/qr.hpp"

namespace tulle::ctl {
namespace {

constexpr std::string_view kHint = "is tulled running? are you in group tulle?";
constexpr int kHistorySeconds = 60;
constexpr std::size_t kMaxKeyFileSize = 1024;
constexpr std::string_view kConfSuffix = ".conf";
constexpr std::string_view kSpaces = " \t\r\n";

std::string errno_text(int error) {
    return std::generic_category().message(error);
}

// Text that may hold a key or a whole config: wiped when it goes.
class SecretText {
  public:
    SecretText() = default;
    SecretText(SecretText&& other) noexcept : text_(std::move(other.text_)) { wipe(other.text_); }
    SecretText& operator=(SecretText&& other) noexcept {
        if (this != &other) {
            wipe(text_);
            text_ = std::move(other.text_);
            wipe(other.text_);
        }
        return *this;
    }
    SecretText(const SecretText&) = delete;
    SecretText& operator=(const SecretText&) = delete;
    ~SecretText() { wipe(text_); }

    [[nodiscard]] std::string& get() { return text_; }
    [[nodiscard]] const std::string& get() const { return text_; }

  private:
    std::string text_;
};

struct LoadedFile {
    SecretText text;
    // Owned by root and writable by no one else: the rule tulled applies before it runs hooks.
    bool hooks_allowed = false;
};

// Reads a whole regular file of at most `max_size` bytes into one allocation (a growing string
// would leave copies of a key behind in freed memory).
value::Result<LoadedFile> load(const std::string& path, std::size_t max_size) {
    const std::string where = printable(path) + ": ";
    const value::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (fd.get() < 0) {
        return value::fail(where + errno_text(errno));
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
        return value::fail(where + errno_text(errno));
    }
    if (!S_ISREG(info.st_mode)) {
        return value::fail(where + "not a regular file");
    }
    const auto too_large = [&where, max_size] {
        return value::fail(where + "larger than " + std::to_string(max_size) + " bytes");
    };
    if (static_cast<std::uint64_t>(info.st_size) > max_size) {
        return too_large();
    }
    LoadedFile out;
    out.hooks_allowed = info.st_uid == 0 && (info.st_mode & (S_IWGRP | S_IWOTH)) == 0;
    std::string& text = out.text.get();
    text.resize(max_size + 1);
    std::size_t size = 0;
    while (size < text.size()) {
        const ssize_t n = ::read(fd.get(), text.data() + size, text.size() - size);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return value::fail(where + errno_text(errno));
        }
        if (n == 0) {
            break;
        }
        size += static_cast<std::size_t>(n);
    }
    if (size > max_size) {
        return too_large();  // it grew since fstat
    }
    text.resize(size);
    return out;
}

int report(const ClientError& error) {
    switch (error.kind) {
        case ClientError::Kind::unreachable:
            std::cerr << "tullectl: " << printable(error.message) << "\ntullectl: " << kHint
                      << '\n';
            return kExitUnreachable;
        case ClientError::Kind::version_mismatch:
            std::cerr << "tullectl: " << printable(error.message) << '\n';
            return kExitVersionMismatch;
        case ClientError::Kind::refused:
        case ClientError::Kind::bad_reply:
            break;
    }
    std::cerr << "tullectl: " << (error.method.empty() ? "" : error.method + ": ")
              << printable(error.message) << '\n';
    return kExitRefused;
}

int usage(std::string_view command, const std::string& message) {
    std::cerr << "tullectl " << command << ": " << message << '\n';
    return kExitUsage;
}

// Prints why the name is not a tunnel name; false then.
bool valid_name(std::string_view command, std::string_view what, const std::string& name) {
    if (auto checked = value::check_tunnel_name(name); !checked.ok()) {
        usage(command, std::string(what) + ": " + value::quote(name) + ": " + checked.error());
        return false;
    }
    return true;
}

// "params.peer.name: at most 64 bytes" -> "at most 64 bytes": the field's complaint, for a message
// that names the option instead.
std::string complaint(const ipc::Error& error) {
    const auto colon = error.message.find(": ");
    return colon == std::string::npos ? error.message : error.message.substr(colon + 2);
}

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void print_json(const ipc::Json& json) {
    std::cout << json.dump(2, ' ', false, ipc::Json::error_handler_t::replace) << '\n';
}

// Follow mode: one compact object per line, flushed, so a pipe sees each at once.
void print_json_line(const ipc::Json& json) {
    std::cout << json.dump(-1, ' ', false, ipc::Json::error_handler_t::replace) << std::endl;
}

Outcome<Client> connect(const GlobalOptions& options) {
    return Client::connect(options.socket, std::string("tullectl ") + kVersion);
}

// Calls method M and prints its result: as JSON with --json, else through `print_text`.
template <typename M, typename Print>
int call_and_print(const GlobalOptions& options, const typename M::Params& params,
                   const Print& print_text) {
    auto client = connect(options);
    if (!client.ok()) {
        return report(client.error());
    }
    auto reply = client->call<M>(params);
    if (!reply.ok()) {
        return report(reply.error());
    }
    if (options.json) {
        print_json(ipc::to_json(*reply));
    } else {
        print_text(*reply);
    }
    return kExitOk;
}

// tunnel.up or tunnel.down, then the tunnel's new state.
template <typename M>
int tunnel_call(const GlobalOptions& options, const typename M::Params& params) {
    return call_and_print<M>(options, params, [](const ipc::TunnelStatus& status) {
        std::cout << tunnel_summary(status) << '\n';
    });
}

value::Result<value::SecretKey> read_preshared_key(const std::string& path) {
    SecretText text;
    std::string where = "stdin";
    if (path == "-") {
        text.get().reserve(kMaxKeyFileSize);
        std::getline(std::cin, text.get());
    } else {
        auto file = load(path, kMaxKeyFileSize);
        if (!file.ok()) {
            return value::fail(file.error());
        }
        text = std::move(file->text);
        where = printable(path);
    }
    const std::string& key = text.get();
    const auto first = key.find_first_not_of(kSpaces);
    const auto last = key.find_last_not_of(kSpaces);
    const std::string_view trimmed = first == std::string::npos
                                         ? std::string_view()
                                         : std::string_view(key).substr(first, last - first + 1);
    // The message never quotes the text: it may be a key with a typo.
    auto parsed = value::SecretKey::from_base64(trimmed);
    if (!parsed.ok()) {
        return value::fail(where + ": " + parsed.error());
    }
    return std::move(parsed).value();
}

// The peer.add / peer.update params from the options, or which option is wrong and why.
value::Result<ipc::PeerEdit> peer_edit(const PeerOptions& options) {
    if (auto checked = value::check_tunnel_name(options.tunnel); !checked.ok()) {
        return value::fail("TUNNEL: " + value::quote(options.tunnel) + ": " + checked.error());
    }
    auto key = value::Key::from_base64(options.public_key);
    if (!key.ok()) {
        return value::fail("PUBLIC_KEY: " + value::quote(options.public_key) + ": " + key.error());
    }
    ipc::PeerEdit edit;
    edit.tunnel = options.tunnel;
    edit.peer.public_key = *key;
    if (options.has_name) {
        // tulled's rules for names, applied to the name alone so the message can name the option.
        ipc::PeerEdit alone = edit;
        alone.peer.name = options.name;
        auto checked = ipc::read(ipc::to_json(alone), ipc::As<ipc::PeerAddMethod::Params>{});
        if (!checked.ok()) {
            return value::fail("--name: " + complaint(checked.error()));
        }
        edit.peer.name = options.name;
    }
    if (options.has_endpoint) {
        auto endpoint = value::Endpoint::parse(options.endpoint);
        if (!endpoint.ok()) {
            return value::fail("--endpoint: " + value::quote(options.endpoint) + ": " +
                               endpoint.error());
        }
        edit.peer.endpoint = std::optional<value::Endpoint>(*endpoint);
    } else if (options.no_endpoint) {
        edit.peer.endpoint = std::optional<value::Endpoint>();
    }
    if (options.has_allowed_ips) {
        // "" is no prefixes at all: the peer then receives nothing until some are set.
        auto prefixes = peer_export::parse_prefix_list(options.allowed_ips);
        if (!prefixes.ok()) {
            return value::fail("--allowed-ips: " + prefixes.error());
        }
        edit.peer.allowed_ips = std::move(prefixes).value();
    }
    if (options.has_keepalive) {
        constexpr std::uint32_t kMaxKeepalive = 65535;
        std::uint32_t seconds = 0;
        const bool digits = !options.keepalive.empty() && options.keepalive.size() <= 5 &&
                            options.keepalive.find_first_not_of("0123456789") == std::string::npos;
        if (digits) {
            seconds = static_cast<std::uint32_t>(std::stoul(options.keepalive));
        }
        if (options.keepalive != "off" && (!digits || seconds > kMaxKeepalive)) {
            return value::fail("--persistent-keepalive: " + value::quote(options.keepalive) +
                               ": expected seconds from 0 to 65535, or off");
        }
        edit.peer.persistent_keepalive = static_cast<std::uint16_t>(seconds);
    }
    if (options.has_preshared_key_file) {
        auto psk = read_preshared_key(options.preshared_key_file);
        if (!psk.ok()) {
            return value::fail("--preshared-key-file: " + psk.error());
        }
        edit.peer.preshared_key = std::optional<value::SecretKey>(*psk);
    } else if (options.no_preshared_key) {
        edit.peer.preshared_key = std::optional<value::SecretKey>();
    }
    return edit;
}

// peer.add or peer.update; the client wipes the encoded params (they may hold a preshared key).
template <typename M>
int send_peer_edit(const GlobalOptions& options, const PeerOptions& peer, std::string_view command,
                   std::string_view done) {
    auto edit = peer_edit(peer);
    if (!edit.ok()) {
        return usage(command, edit.error());
    }
    auto client = connect(options);
    if (!client.ok()) {
        return report(client.error());
    }
    auto reply = client->call<M>(*edit);
    if (!reply.ok()) {
        return report(reply.error());
    }
    if (options.json) {
        print_json(ipc::to_json(*reply));
    } else {
        std::cout << peer.tunnel << ": " << done << " " << peer_summary(*reply) << '\n';
    }
    return kExitOk;
}

void print_log_line(const ipc::LogLine& line, bool json) {
    if (json) {
        print_json_line(ipc::to_json(line));
    } else {
        std::cout << log_line(line) << std::endl;
    }
}

bool same_line(const ipc::LogLine& a, const ipc::LogLine& b) {
    return a.time_ms == b.time_ms && a.level == b.level && a.message == b.message;
}

// Hands each event E, decoded, with its params as sent, to `on` until tulled goes away; an event
// tullectl cannot read is skipped with a note on stderr.
template <typename E, typename On>
int follow_events(Client& client, std::string_view what, const On& on) {
    for (;;) {
        auto event = client.next_event();
        if (!event.ok()) {
            return report(event.error());
        }
        if (event->method != E::name) {
            continue;
        }
        auto decoded = ipc::read(event->params, ipc::As<typename E::Params>{});
        if (!decoded.ok()) {
            std::cerr << "tullectl: skipped a " << what
                      << " event tullectl cannot read: " << printable(decoded.error().message)
                      << '\n';
            continue;
        }
        on(*decoded, event->params);
    }
}

}  // namespace

int status(const GlobalOptions& options) {
    auto client = connect(options);
    if (!client.ok()) {
        return report(client.error());
    }
    auto daemon = client->call<ipc::DaemonStatusMethod>({});
    if (!daemon.ok()) {
        return report(daemon.error());
    }
    auto tunnels = client->call<ipc::TunnelListMethod>({});
    if (!tunnels.ok()) {
        return report(tunnels.error());
    }
    if (options.json) {
        print_json(ipc::Json{{"daemon", ipc::to_json(*daemon)},
                             {"tunnels", ipc::to_json(*tunnels).at("tunnels")}});
    } else {
        std::cout << status_report(*daemon, tunnels->tunnels);
    }
    return kExitOk;
}

int up(const GlobalOptions& options, const std::string& target, const UpOptions& choice) {
    constexpr std::string_view kCommand = "up";
    struct stat info {};
    const bool is_file = target.find('/') != std::string::npos || target.ends_with(kConfSuffix) ||
                         (::stat(target.c_str(), &info) == 0 && S_ISREG(info.st_mode));
    if (!is_file) {
        if (!valid_name(kCommand, "NAME", target)) {
            return kExitUsage;
        }
        return tunnel_call<ipc::TunnelUpMethod>(
            options, ipc::TunnelUp{target, {}, choice.kill_switch, choice.allow_lan});
    }
    auto file = load(target, ipc::kMaxMessageSize);
    if (!file.ok()) {
        return usage(kCommand, file.error());
    }
    std::string name = std::filesystem::path(target).filename().string();
    if (name.ends_with(kConfSuffix)) {
        name.resize(name.size() - kConfSuffix.size());
    }
    if (auto checked = value::check_tunnel_name(name); !checked.ok()) {
        return usage(kCommand, printable(target) + ": the file name makes the tunnel name " +
                                   value::quote(name) + ", but " + checked.error() +
                                   "; rename the file");
    }
    // Every problem with its line, before anything reaches tulled (which checks again).
    if (auto parsed = ipc::parse_config(file->text.get(), target, /*allow_hooks=*/false);
        !parsed.ok()) {
        std::cerr << ipc::to_string(parsed.error());
        return kExitUsage;
    }
    ipc::TunnelUp request{name, file->text.get(), choice.kill_switch, choice.allow_lan};
    const int code = tunnel_call<ipc::TunnelUpMethod>(options, request);
    wipe(*request.config);
    return code;
}

int down(const GlobalOptions& options, const std::string& name) {
    if (!valid_name("down", "NAME", name)) {
        return kExitUsage;
    }
    return tunnel_call<ipc::TunnelDownMethod>(options, ipc::TunnelRef{name});
}

int delete_tunnel(const GlobalOptions& options, const std::string& name) {
    if (!valid_name("delete", "NAME", name)) {
        return kExitUsage;
    }
    return call_and_print<ipc::TunnelDeleteMethod>(
        options, ipc::TunnelRef{name},
        [&name](const ipc::Done& /*done*/) { std::cout << name << ": deleted\n"; });
}

int peers(const GlobalOptions& options, const std::string& name) {
    if (!valid_name("peers", "NAME", name)) {
        return kExitUsage;
    }
    auto client = connect(options);
    if (!client.ok()) {
        return report(client.error());
    }
    auto detail = client->call<ipc::TunnelGetMethod>(ipc::TunnelRef{name});
    if (!detail.ok()) {
        return report(detail.error());
    }
    if (options.json) {
        print_json(ipc::to_json(*detail));
    } else {
        std::cout << tunnel_summary(detail->status) << '\n' << peers_report(*detail, now_seconds());
    }
    return kExitOk;
}

int peer_add(const GlobalOptions& options, const PeerOptions& peer) {
    return send_peer_edit<ipc::PeerAddMethod>(options, peer, "peer add", "added");
}

int peer_set(const GlobalOptions& options, const PeerOptions& peer) {
    if (!peer.has_name && !peer.has_endpoint && !peer.no_endpoint && !peer.has_allowed_ips &&
        !peer.has_keepalive && !peer.has_preshared_key_file && !peer.no_preshared_key) {
        return usage("peer set",
                     "nothing to change; give at least one of --name, --endpoint, --no-endpoint, "
                     "--allowed-ips, --persistent-keepalive, --preshared-key-file, "
                     "--no-preshared-key");
    }
    return send_peer_edit<ipc::PeerUpdateMethod>(options, peer, "peer set", "updated");
}

int peer_remove(const GlobalOptions& options, const std::string& tunnel,
                const std::string& public_key) {
    constexpr std::string_view kCommand = "peer remove";
    if (!valid_name(kCommand, "TUNNEL", tunnel)) {
        return kExitUsage;
    }
    auto key = value::Key::from_base64(public_key);
    if (!key.ok()) {
        return usage(kCommand, "PUBLIC_KEY: " + value::quote(public_key) + ": " + key.error());
    }
    return call_and_print<ipc::PeerRemoveMethod>(
        options, ipc::PeerRef{tunnel, *key}, [&tunnel, &key](const ipc::Done& /*done*/) {
            std::cout << tunnel << ": removed peer " << key->to_base64() << '\n';
        });
}

int stats(const GlobalOptions& options, const std::string& name, bool follow) {
    if (!valid_name("stats", "NAME", name)) {
        return kExitUsage;
    }
    auto client = connect(options);
    if (!client.ok()) {
        return report(client.error());
    }
    // Names the peers, and says "no such tunnel" before a subscription would wait in vain.
    auto detail = client->call<ipc::TunnelGetMethod>(ipc::TunnelRef{name});
    if (!detail.ok()) {
        return report(detail.error());
    }
    if (!follow) {
        auto history = stats_history(*client, ipc::StatsQuery{name, std::nullopt, kHistorySeconds,
                                                              std::nullopt, std::nullopt});
        if (!history.ok()) {
            return report(history.error());
        }
        if (options.json) {
            // As tullectl printed it before pages: [time, rx_bytes, tx_bytes] per sample.
            history->encoding = ipc::SampleEncoding::triples;
            print_json(ipc::to_json(*history));
        } else {
            std::cout << name << ": traffic over the last minute\n"
                      << stats_report(history->peers, detail->peers);
        }
        return kExitOk;
    }
    auto subscribed = client->call<ipc::SubscribeMethod>(
        ipc::Subscription{static_cast<unsigned>(ipc::StatsTickEvent::topic)});
    if (!subscribed.ok()) {
        return report(subscribed.error());
    }
    return follow_events<ipc::StatsTickEvent>(
        *client, "stats", [&](const ipc::StatsEvent& sample, const ipc::Json& params) {
            if (sample.tunnel != name) {
                return;
            }
            if (options.json) {
                print_json_line(params);
            } else {
                std::cout << stats_lines(sample) << std::flush;
            }
        });
}

namespace {

// The tail, then the lines that came as events while it was read, less those it holds.
void print_tail_then_early(const std::vector<ipc::LogLine>& tail,
                           const std::vector<ipc::LogLine>& early, ipc::LogLevel level, bool json) {
    for (const auto& line : tail) {
        print_log_line(line, json);
    }
    for (const auto& line : early) {
        const bool seen = std::any_of(tail.begin(), tail.end(),
                                      [&line](const auto& old) { return same_line(old, line); });
        if (!seen && line.level >= level) {
            print_log_line(line, json);
        }
    }
}

// Prints each log event at or above `level` as it comes, until tulled goes away.
int follow_log_events(Client& client, ipc::LogLevel level, bool json) {
    return follow_events<ipc::LogEvent>(client, "log",
                                        [&](const ipc::LogLine& line, const ipc::Json& /*params*/) {
                                            if (line.level >= level) {
                                                print_log_line(line, json);
                                            }
                                        });
}

}  // namespace

int logs(const GlobalOptions& options, const LogOptions& log) {
    constexpr std::string_view kCommand = "logs";
    const auto level = ipc::parse_log_level(log.level);
    if (!level) {
        return usage(kCommand, "--level: " + value::quote(log.level) +
                                   ": expected trace, debug, info, warning, error or critical");
    }
    const ipc::LogQuery query{log.lines, *level};
    // The same limits as tulled's, so a wrong --lines is reported before connecting.
    if (auto checked = ipc::read(ipc::to_json(query), ipc::As<ipc::LogTailMethod::Params>{});
        !checked.ok()) {
        return usage(kCommand, "--lines: " + complaint(checked.error()));
    }
    auto client = connect(options);
    if (!client.ok()) {
        return report(client.error());
    }
    // Following subscribes before reading the tail, so no line falls between the two; lines that
    // arrive meanwhile wait here and are printed after the tail, less those it already holds.
    std::vector<ipc::LogLine> early;
    if (log.follow) {
        auto subscribed = client->call<ipc::SubscribeMethod>(
            ipc::Subscription{static_cast<unsigned>(ipc::LogEvent::topic)});
        if (!subscribed.ok()) {
            return report(subscribed.error());
        }
        client->on_event([&early](const ipc::Request& event) {
            if (event.method != ipc::LogEvent::name) {
                return;
            }
            auto line = ipc::read(event.params, ipc::As<ipc::LogEvent::Params>{});
            if (line.ok()) {
                early.push_back(std::move(line).value());
            }
        });
    }
    auto tail = client->call<ipc::LogTailMethod>(query);
    client->on_event(nullptr);
    if (!tail.ok()) {
        return report(tail.error());
    }
    if (!log.follow) {
        if (options.json) {
            print_json(ipc::to_json(*tail));
        } else {
            for (const auto& line : tail->lines) {
                std::cout << log_line(line) << '\n';
            }
        }
        return kExitOk;
    }
    print_tail_then_early(tail->lines, early, *level, options.json);
    return follow_log_events(*client, *level, options.json);
}

namespace {

// The export options as a request, or which option is wrong.
value::Result<peer_export::Request> export_request(const ExportOptions& options) {
    peer_export::Request request;
    request.name = options.name;
    request.endpoint = options.endpoint;
    request.full_tunnel = options.full_tunnel;
    if (!options.address.empty()) {
        // "10.0.0.5" or "10.0.0.5/32": the peer gets one host address.
        std::string_view text = options.address;
        if (const auto slash = text.find('/'); slash != std::string_view::npos) {
            auto prefix = value::IpPrefix::parse(text);
            if (!prefix.ok() || prefix->length() != prefix->address().max_prefix_length()) {
                return value::fail("--address: " + value::quote(text) +
                                   ": expected one address (a /32 or /128 at most)");
            }
            text = text.substr(0, slash);
        }
        auto address = value::IpAddress::parse(text);
        if (!address.ok()) {
            return value::fail("--address: " + value::quote(text) + ": " + address.error());
        }
        request.address = *address;
    }
    if (options.has_allowed_ips) {
        auto prefixes = peer_export::parse_prefix_list(options.allowed_ips);
        if (!prefixes.ok()) {
            return value::fail("--allowed-ips: " + prefixes.error());
        }
        if (prefixes->empty()) {
            return value::fail("--allowed-ips: give at least one prefix");
        }
        request.allowed_ips = std::move(prefixes).value();
    }
    return request;
}

}  // namespace

int export_peer(const GlobalOptions& options, const ExportOptions& exported) {
    constexpr std::string_view kCommand = "export";
    if (!valid_name(kCommand, "NAME", exported.tunnel)) {
        return kExitUsage;
    }
    auto request = export_request(exported);
    if (!request.ok()) {
        return usage(kCommand, request.error());
    }
    auto client = connect(options);
    if (!client.ok()) {
        return report(client.error());
    }
    auto result = ctl::export_peer(*client, exported.tunnel, *request);
    if (!result.ok()) {
        if (const auto* problem = std::get_if<std::string>(&result.error())) {
            return usage(kCommand, *problem);
        }
        return report(std::get<ClientError>(result.error()));
    }
    std::string text = result->config_text();
    if (exported.qr) {
        auto code = peer_export::encode_qr(text);
        if (!code.ok()) {
            wipe(text);
            std::cerr << "tullectl export: " << code.error() << '\n';
            return kExitRefused;
        }
        std::string drawn = peer_export::render_utf8(*code);
        std::cout << drawn << std::flush;
        wipe(drawn);
    } else {
        std::cout << text << std::flush;
    }
    wipe(text);
    std::string addresses;
    for (const auto& prefix : result->phone.iface.addresses) {
        addresses += (addresses.empty() ? "" : ", ") + prefix.to_string();
    }
    std::cerr << "tullectl export: added peer " << result->edit.peer.public_key.to_base64() << " ("
              << addresses << ") to " << exported.tunnel << ". Its private key is in the "
              << (exported.qr ? "code" : "file")
              << " above and nowhere else: Tulle keeps no copy, so this is the only time it "
                 "is shown.\n";
    return kExitOk;
}

// --- mesh networks ------------------------------------------------------------------------------

int network_create(const GlobalOptions& options, const NetworkCreateOptions& create) {
    auto params = create_params(create);
    if (!params.ok()) {
        return usage("network create", params.error());
    }
    return call_and_print<ipc::NetworkCreateMethod>(
        options, *params,
        [](const ipc::NetworkStatus& network) { std::cout << network_summary(network) << '\n'; });
}

int network_invite(const GlobalOptions& options, const NetworkInviteOptions& invite) {
    constexpr std::string_view kCommand = "network invite";
    auto params = invite_params(invite);
    if (!params.ok()) {
        return usage(kCommand, params.error());
    }
    auto client = connect(options);
    if (!client.ok()) {
        return report(client.error());
    }
    auto issued = client->call<ipc::NetworkInviteMethod>(*params);
    if (!issued.ok()) {
        return report(issued.error());
    }
    // The invite holds the enrollment key: every copy made here is wiped.
    SecretText text;
    text.get() = std::move(issued->invite);
    wipe(issued->invite);
    if (invite.qr) {
        auto code = peer_export::encode_qr(text.get());
        if (!code.ok()) {
            std::cerr << "tullectl " << kCommand << ": " << code.error() << '\n';
            return kExitRefused;
        }
        std::string drawn = peer_export::render_utf8(*code);
        std::cout << drawn << std::flush;
        wipe(drawn);
    }
    if (options.json) {
        issued->invite = text.get();
        ipc::Json json = ipc::to_json(*issued);
        wipe(issued->invite);
        print_json(json);
        wipe_strings(json);
    } else {
        std::cout << text.get() << std::endl;
    }
    std::cerr << "tullectl " << kCommand << ": "
              << (issued->name.empty() ? std::string("a new member") : printable(issued->name))
              << " (" << issued->address.to_string() << ") may join " << issued->network
              << " with it until " << log_time(issued->expires * 1000).substr(0, 19) << " ("
              << human_duration(issued->expires - now_seconds())
              << " from now), once. Anyone who has it can join: send it privately.\n";
    return kExitOk;
}

int network_join(const GlobalOptions& options, const NetworkJoinOptions& join) {
    constexpr std::string_view kCommand = "network join";
    auto invite = read_invite(join.invite, std::cin);
    if (!invite.ok()) {
        return usage(kCommand, invite.error());
    }
    ipc::NetworkJoin params{std::move(invite).value(), join.name};
    if (auto problem = params.name.empty() ? std::nullopt : ipc::member_name_error(params.name)) {
        wipe(params.invite);
        return usage(kCommand, "--name: " + value::quote(params.name) + ": " + *problem);
    }
    if (join.timeout < 1 || join.timeout > 3600) {
        wipe(params.invite);
        return usage(kCommand, "--timeout: " + std::to_string(join.timeout) +
                                   ": expected seconds from 1 to 3600");
    }
    auto client = connect(options);
    if (!client.ok()) {
        wipe(params.invite);
        return report(client.error());
    }
    auto started = client->call<ipc::NetworkJoinMethod>(params);  // wipes the encoded params
    wipe(params.invite);
    if (!started.ok()) {
        return report(started.error());
    }
    ipc::NetworkStatus network = *started;
    if (!join.no_wait) {
        auto ended = wait_for_join(
            *client, network.name,
            JoinWait{std::chrono::seconds(join.timeout), std::chrono::milliseconds(100)});
        if (!ended.ok()) {
            return report(ended.error());
        }
        network = *ended;
    }
    if (options.json) {
        print_json(ipc::to_json(network));
    }
    if (join.no_wait) {
        if (!options.json) {
            std::cout << network_summary(network) << '\n';
        }
        return kExitOk;
    }
    if (network.state == ipc::NetworkState::failed) {
        std::cerr << "tullectl " << kCommand << ": " << network.name << ": "
                  << printable(network.problem.empty() ? "the join failed" : network.problem)
                  << '\n';
        return kExitRefused;
    }
    if (network.state != ipc::NetworkState::online) {
        std::cerr << "tullectl " << kCommand << ": " << network.name << " is still "
                  << ipc::to_string(network.state) << " after " << join.timeout
                  << " s; tulled keeps trying (see tullectl network list)\n";
        return kExitRefused;
    }
    if (!options.json) {
        auto members = client->call<ipc::NetworkMembersMethod>(ipc::NetworkRef{network.name});
        const std::string name = members.ok() ? own_name(*members) : std::string();
        std::cout << "joined " << network.name << (name.empty() ? "" : " as " + printable(name))
                  << " (" << (network.address ? network.address->to_string() : "-") << ")\n";
    }
    return kExitOk;
}

int network_members(const GlobalOptions& options, const std::string& network) {
    if (!valid_name("network members", "NAME", network)) {
        return kExitUsage;
    }
    return call_and_print<ipc::NetworkMembersMethod>(
        options, ipc::NetworkRef{network}, [](const ipc::MemberList& members) {
            std::cout << members_report(members, now_seconds());
        });
}

int network_remove(const GlobalOptions& options, const std::string& network,
                   const std::string& member) {
    auto params = remove_params(network, member);
    if (!params.ok()) {
        return usage("network remove", params.error());
    }
    return call_and_print<ipc::NetworkRemoveMethod>(
        options, *params, [&network, &member](const ipc::Done& /*done*/) {
            std::cout << network << ": removed " << member << " (its certificate is revoked)\n";
        });
}

int network_leave(const GlobalOptions& options, const std::string& network) {
    if (!valid_name("network leave", "NAME", network)) {
        return kExitUsage;
    }
    return call_and_print<ipc::NetworkLeaveMethod>(
        options, ipc::NetworkRef{network},
        [&network](const ipc::Done& /*done*/) { std::cout << "left " << network << '\n'; });
}

int network_list(const GlobalOptions& options) {
    return call_and_print<ipc::NetworkListMethod>(
        options, ipc::NoParams{},
        [](const ipc::NetworkList& list) { std::cout << networks_report(list.networks); });
}

int check(const std::string& file) {
    auto loaded = load(file, ipc::kMaxMessageSize);
    if (!loaded.ok()) {
        return usage("check", loaded.error());
    }
    const std::string& text = loaded->text.get();
    auto parsed = ipc::parse_config(text, file, loaded->hooks_allowed);
    if (!parsed.ok()) {
        std::cout << ipc::to_string(parsed.error());
        if (!loaded->hooks_allowed) {
            // Fewer problems with hooks allowed: some were hooks, refused for the file's owner
            // or mode rather than for what they say.
            auto with_hooks = ipc::parse_config(text, file, /*allow_hooks=*/true);
            if (with_hooks.ok() || with_hooks.error().size() < parsed.error().size()) {
                std::cout << printable(file)
                          << ": hooks run only from a file owned by root that group and others "
                             "cannot write\n";
            }
        }
        return kExitRefused;
    }
    std::cout << printable(file) << ": ok (" << count_of(parsed->peers.size(), "peer") << ")\n";
    return kExitOk;
}

}  // namespace tulle::ctl
