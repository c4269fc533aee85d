#include "ipc/messages.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <limits>
#include <utility>

#include "ipc/methods.hpp"

namespace tulle::ipc {
namespace {

constexpr std::int64_t kMaxU16 = std::numeric_limits<std::uint16_t>::max();
constexpr std::int64_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t kMaxI64 = std::numeric_limits<std::int64_t>::max();
constexpr int kMaxLogLines = 10000;

Json prefixes_to_json(const std::vector<value::IpPrefix>& prefixes) {
    Json out = Json::array();
    for (const auto& prefix : prefixes) {
        out.push_back(prefix.to_string());
    }
    return out;
}

// Reads fields of one object; every error names "prefix.key" (or "prefix.key[i]").
class Reader {
  public:
    Reader(const Json& json, std::string prefix) : json_(json), reader_(json, std::move(prefix)) {}

    std::string name(std::string_view key) {
        std::string value = reader_.string(key);
        if (!reader_.error()) {
            if (auto checked = value::check_tunnel_name(value); !checked.ok()) {
                reader_.invalid(key, checked.error());
            }
        }
        return value;
    }

    value::Key key(std::string_view key) {
        const std::string text = reader_.string(key);
        return parse_key(key, text);
    }

    std::optional<value::Key> optional_key(std::string_view key) {
        const auto text = reader_.optional_string(key);
        if (!text) {
            return std::nullopt;
        }
        return parse_key(key, *text);
    }

    std::vector<value::IpPrefix> prefixes(std::string_view key) {
        auto list = reader_.optional_strings(key);
        std::vector<value::IpPrefix> out;
        if (!list) {
            return out;
        }
        for (std::size_t i = 0; i < list->size(); ++i) {
            auto prefix = value::IpPrefix::parse((*list)[i]);
            if (!prefix.ok()) {
                reader_.invalid(std::string(key) + "[" + std::to_string(i) + "]",
                                value::quote((*list)[i]) + ": " + prefix.error());
                return {};
            }
            out.push_back(prefix.value());
        }
        return out;
    }

    // A key that may be "" (or absent) for none.
    std::optional<value::Key> key_or_empty(std::string_view key) {
        const auto text = reader_.optional_string(key);
        if (!text || text->empty()) {
            return std::nullopt;
        }
        return parse_key(key, *text);
    }

    // An endpoint that may be "" (or absent) for none.
    std::optional<value::Endpoint> endpoint_or_empty(std::string_view key) {
        const auto text = reader_.optional_string(key);
        if (!text || text->empty()) {
            return std::nullopt;
        }
        auto endpoint = value::Endpoint::parse(*text);
        if (!endpoint.ok()) {
            reader_.invalid(key, value::quote(*text) + ": " + endpoint.error());
            return std::nullopt;
        }
        return endpoint.value();
    }

    [[nodiscard]] bool has(std::string_view key) const {
        return json_.is_object() && json_.contains(key) && !json_.at(key).is_null();
    }

    ParamReader& fields() { return reader_; }
    [[nodiscard]] std::optional<Error> error() const { return reader_.error(); }

  private:
    value::Key parse_key(std::string_view key, const std::string& text) {
        if (reader_.error()) {
            return {};
        }
        auto parsed = value::Key::from_base64(text);
        if (!parsed.ok()) {
            reader_.invalid(key, parsed.error());
            return {};
        }
        return parsed.value();
    }

    const Json& json_;
    ParamReader reader_;
};

// `value`, or the first error `reader` (a Reader or a MeshReader) recorded.
template <typename R, typename T>
Outcome<T> finish(const R& reader, T value) {
    if (auto error = reader.error()) {
        return refuse(*error);
    }
    return value;
}

// Decodes each element of json[key] with `decode`, naming "prefix.key[i]" in errors.
template <typename T, typename Decode>
Outcome<std::vector<T>> decode_list(const Json& json, const std::string& prefix,
                                    std::string_view key, Decode decode) {
    const std::string where = prefix + "." + std::string(key);
    if (!json.is_object() || !json.contains(key) || !json.at(key).is_array()) {
        return refuse(ErrorCode::invalid_params, where + ": expected an array");
    }
    std::vector<T> out;
    const Json& list = json.at(key);
    for (std::size_t i = 0; i < list.size(); ++i) {
        auto item = decode(list[i], where + "[" + std::to_string(i) + "]");
        if (!item.ok()) {
            return refuse(item.error());
        }
        out.push_back(std::move(item).value());
    }
    return out;
}

std::uint64_t unsigned_field(ParamReader& reader, std::string_view key) {
    return static_cast<std::uint64_t>(reader.integer(key, 0, kMaxI64));
}

double rate_field(ParamReader& reader, const Json& json, std::string_view key) {
    if (!json.is_object() || !json.contains(key)) {
        return 0;
    }
    if (!json.at(key).is_number() || json.at(key).get<double>() < 0) {
        reader.invalid(key, "expected a number of at least 0");
        return 0;
    }
    return json.at(key).get<double>();
}

// A peer's path ("mesh networks", below).
Outcome<PeerPath> path_from_json(const Json& json, const std::string& prefix);

}  // namespace

std::string_view to_string(LogLevel level) {
    static constexpr std::array<std::string_view, 6> kNames{"trace",   "debug", "info",
                                                            "warning", "error", "critical"};
    return kNames.at(static_cast<std::size_t>(level));
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
    for (int i = 0; i <= static_cast<int>(LogLevel::critical); ++i) {
        const auto level = static_cast<LogLevel>(i);
        if (to_string(level) == text) {
            return level;
        }
    }
    if (text == "warn") {
        return LogLevel::warning;
    }
    return std::nullopt;
}

// --- params -------------------------------------------------------------------------------------

Json to_json(const TunnelRef& value) {
    return Json{{"name", value.name}};
}

Json to_json(const TunnelUp& value) {
    Json out{{"name", value.name}};
    if (value.config) {
        out["config"] = *value.config;
    }
    if (value.kill_switch) {
        out["kill_switch"] = *value.kill_switch;
    }
    if (value.allow_lan) {
        out["allow_lan"] = *value.allow_lan;
    }
    return out;
}

Json to_json(const TunnelSave& value) {
    Json out{{"name", value.name}, {"autostart", value.autostart}};
    if (value.config) {
        out["config"] = *value.config;
    }
    return out;
}

Json to_json(const PeerChange& value) {
    Json out{{"public_key", value.public_key.to_base64()}};
    if (value.name) {
        out["name"] = *value.name;
    }
    if (value.preshared_key) {
        out["preshared_key"] = *value.preshared_key ? (*value.preshared_key)->to_base64() : "";
    }
    if (value.endpoint) {
        out["endpoint"] = *value.endpoint ? (*value.endpoint)->to_string() : "";
    }
    if (value.allowed_ips) {
        out["allowed_ips"] = prefixes_to_json(*value.allowed_ips);
    }
    if (value.persistent_keepalive) {
        out["persistent_keepalive"] = *value.persistent_keepalive;
    }
    return out;
}

Json to_json(const PeerEdit& value) {
    return Json{{"tunnel", value.tunnel}, {"peer", to_json(value.peer)}};
}

Json to_json(const PeerRef& value) {
    return Json{{"tunnel", value.tunnel}, {"public_key", value.public_key.to_base64()}};
}

Json to_json(const StatsQuery& value) {
    Json out{{"tunnel", value.tunnel}, {"seconds", value.seconds}};
    if (value.public_key) {
        out["public_key"] = value.public_key->to_base64();
    }
    if (value.limit) {
        out["limit"] = *value.limit;
    }
    if (value.after) {
        out["after"] = value.after->to_base64();
    }
    return out;
}

Json to_json(const LogQuery& value) {
    return Json{{"lines", value.lines}, {"level", to_string(value.level)}};
}

Json to_json(const Subscription& value) {
    Json topics = Json::array();
    for (const auto& [bit, name] :
         {std::pair{Topic::tunnels, "tunnels"}, std::pair{Topic::peers, "peers"},
          std::pair{Topic::stats, "stats"}, std::pair{Topic::log, "log"}}) {
        if ((value.topics & static_cast<unsigned>(bit)) != 0) {
            topics.push_back(name);
        }
    }
    return Json{{"topics", topics}};
}

Outcome<TunnelRef> tunnel_ref_from_json(const Json& json) {
    Reader reader(json, "params");
    TunnelRef out{reader.name("name")};
    return finish(reader, std::move(out));
}

Outcome<TunnelUp> tunnel_up_from_json(const Json& json) {
    Reader reader(json, "params");
    TunnelUp out{reader.name("name"), reader.fields().optional_string("config"), {}, {}};
    for (const auto& [key, field] :
         {std::pair{"kill_switch", &out.kill_switch}, std::pair{"allow_lan", &out.allow_lan}}) {
        if (json.is_object() && json.contains(key)) {
            *field = reader.fields().boolean(key, false);
        }
    }
    return finish(reader, std::move(out));
}

Outcome<TunnelSave> tunnel_save_from_json(const Json& json) {
    Reader reader(json, "params");
    TunnelSave out{reader.name("name"), reader.fields().optional_string("config"),
                   reader.fields().boolean("autostart", false)};
    return finish(reader, std::move(out));
}

Outcome<PeerEdit> peer_edit_from_json(const Json& json) {
    Reader outer(json, "params");
    PeerEdit out;
    out.tunnel = outer.name("tunnel");
    const Json* peer = outer.fields().object("peer");
    if (auto error = outer.error()) {
        return refuse(*error);
    }
    Reader reader(*peer, "params.peer");
    PeerChange& change = out.peer;
    change.public_key = reader.key("public_key");
    change.name = reader.fields().optional_string("name");
    if (change.name) {
        if (auto checked = value::check_peer_name(*change.name); !checked.ok()) {
            reader.fields().invalid("name", value::to_string(checked.error()));
        }
    }
    if (auto psk = reader.fields().optional_string("preshared_key")) {
        std::string text = std::move(*psk);
        if (text.empty()) {
            change.preshared_key = std::optional<value::SecretKey>();
        } else if (auto parsed = value::SecretKey::from_base64(text); parsed.ok()) {
            change.preshared_key = std::optional<value::SecretKey>(parsed.value());
        } else {
            reader.fields().invalid("preshared_key", parsed.error());
        }
        value::secure_zero({reinterpret_cast<std::uint8_t*>(text.data()), text.size()});
    }
    if (auto endpoint = reader.fields().optional_string("endpoint")) {
        if (endpoint->empty()) {
            change.endpoint = std::optional<value::Endpoint>();
        } else if (auto parsed = value::Endpoint::parse(*endpoint); parsed.ok()) {
            change.endpoint = std::optional<value::Endpoint>(parsed.value());
        } else {
            reader.fields().invalid("endpoint", value::quote(*endpoint) + ": " + parsed.error());
        }
    }
    if (reader.has("allowed_ips")) {
        change.allowed_ips = reader.prefixes("allowed_ips");
    }
    if (auto keepalive = reader.fields().optional_integer("persistent_keepalive", 0, kMaxU16)) {
        change.persistent_keepalive = static_cast<std::uint16_t>(*keepalive);
    }
    return finish(reader, std::move(out));
}

Outcome<PeerRef> peer_ref_from_json(const Json& json) {
    Reader reader(json, "params");
    PeerRef out;
    out.tunnel = reader.name("tunnel");
    out.public_key = reader.key("public_key");
    return finish(reader, std::move(out));
}

Outcome<StatsQuery> stats_query_from_json(const Json& json) {
    Reader reader(json, "params");
    StatsQuery out;
    out.tunnel = reader.name("tunnel");
    out.public_key = reader.optional_key("public_key");
    out.seconds = static_cast<int>(
        reader.fields().optional_integer("seconds", 1, kMaxHistorySeconds).value_or(600));
    if (auto limit = reader.fields().optional_integer("limit", 1, kMaxHistoryPage)) {
        out.limit = static_cast<int>(*limit);
    }
    out.after = reader.optional_key("after");
    return finish(reader, std::move(out));
}

Outcome<LogQuery> log_query_from_json(const Json& json) {
    Reader reader(json, "params");
    LogQuery out;
    out.lines =
        static_cast<int>(reader.fields().optional_integer("lines", 1, kMaxLogLines).value_or(200));
    if (auto level = reader.fields().optional_string("level")) {
        if (auto parsed = parse_log_level(*level)) {
            out.level = *parsed;
        } else {
            reader.fields().invalid("level",
                                    "expected trace, debug, info, warning, error or "
                                    "critical");
        }
    }
    return finish(reader, out);
}

Outcome<Subscription> subscription_from_json(const Json& json) {
    Reader reader(json, "params");
    Subscription out;
    if (auto topics = reader.fields().optional_strings("topics")) {
        out.topics = 0;
        for (const auto& topic : *topics) {
            if (topic == "tunnels") {
                out.topics |= static_cast<unsigned>(Topic::tunnels);
            } else if (topic == "peers") {
                out.topics |= static_cast<unsigned>(Topic::peers);
            } else if (topic == "stats") {
                out.topics |= static_cast<unsigned>(Topic::stats);
            } else if (topic == "log") {
                out.topics |= static_cast<unsigned>(Topic::log);
            } else {
                reader.fields().invalid("topics", value::quote(topic) +
                                                      " is not a topic (tunnels, peers, stats, "
                                                      "log)");
            }
        }
    }
    return finish(reader, out);
}

// --- results and events -------------------------------------------------------------------------

Json to_json(const PeerStatus& value) {
    return Json{{"public_key", value.public_key.to_base64()},
                {"name", value.name},
                {"endpoint", value.endpoint ? value.endpoint->to_string() : std::string()},
                {"allowed_ips", prefixes_to_json(value.allowed_ips)},
                {"last_handshake", value.last_handshake},
                {"rx_bytes", value.rx_bytes},
                {"tx_bytes", value.tx_bytes},
                {"rx_rate", value.rx_rate},
                {"tx_rate", value.tx_rate},
                {"persistent_keepalive", value.persistent_keepalive},
                {"has_preshared_key", value.has_preshared_key},
                {"path", to_json(value.path)}};
}

Json to_json(const TunnelStatus& value) {
    Json out{{"name", value.name},
             {"up", value.up},
             {"system", value.system},
             {"autostart", value.autostart},
             {"kill_switch", value.kill_switch},
             {"public_key", value.public_key ? value.public_key->to_base64() : std::string()},
             {"listen_port", value.listen_port},
             {"addresses", prefixes_to_json(value.addresses)},
             {"peers", value.peers},
             {"rx_bytes", value.rx_bytes},
             {"tx_bytes", value.tx_bytes}};
    if (value.dns != value::DnsManager::none) {
        out["dns"] = std::string(value::to_string(value.dns));
    }
    if (!value.dns_problem.empty()) {
        out["dns_problem"] = value.dns_problem;
    }
    return out;
}

Json to_json(const TunnelDetail& value) {
    Json peers = Json::array();
    for (const auto& peer : value.peers) {
        peers.push_back(to_json(peer));
    }
    return Json{{"status", to_json(value.status)},
                {"peers", peers},
                {"config", value.config},
                {"settings", to_json(value.settings)}};
}

Json to_json(const TunnelSettings& value) {
    Json dns = Json::array();
    for (const auto& server : value.dns_servers) {
        dns.push_back(server.to_string());
    }
    Json out{{"addresses", prefixes_to_json(value.addresses)},
             {"dns_servers", dns},
             {"dns_search", value.dns_search},
             {"table", value.table.to_string()},
             {"fwmark", value.fwmark},
             {"kill_switch", value.kill_switch},
             {"allow_lan", value.allow_lan}};
    if (value.listen_port) {
        out["listen_port"] = *value.listen_port;
    }
    if (value.mtu) {
        out["mtu"] = *value.mtu;
    }
    return out;
}

TunnelSettings settings_of(const InterfaceConfig& iface) {
    return TunnelSettings{
        iface.addresses,   iface.listen_port, iface.mtu,
        iface.dns_servers, iface.dns_search,  iface.table,
        iface.fwmark,      iface.kill_switch, iface.kill_switch && iface.allow_lan};
}

Json to_json(const DaemonStatus& value) {
    return Json{{"daemon", value.daemon},
                {"version", Json{{"major", value.version.major}, {"minor", value.version.minor}}},
                {"uptime", value.uptime},
                {"tunnels_up", value.tunnels_up},
                {"clients", value.clients}};
}

Json to_json(const StatsSample& value) {
    return Json::array({value.time, value.rx_bytes, value.tx_bytes});
}

Json to_json(const PeerHistory& value, SampleEncoding encoding) {
    if (encoding == SampleEncoding::columns) {
        Json time = Json::array();
        Json rx = Json::array();
        Json tx = Json::array();
        StatsSample before;
        for (const auto& sample : value.samples) {
            // Differences to the sample before (the first: to zero); never negative, as samples
            // come in order of time and a peer's history starts afresh when a total goes down.
            time.push_back(sample.time - before.time);
            rx.push_back(sample.rx_bytes - before.rx_bytes);
            tx.push_back(sample.tx_bytes - before.tx_bytes);
            before = sample;
        }
        return Json{{"public_key", value.public_key.to_base64()},
                    {"time", std::move(time)},
                    {"rx", std::move(rx)},
                    {"tx", std::move(tx)}};
    }
    Json samples = Json::array();
    for (const auto& sample : value.samples) {
        samples.push_back(to_json(sample));
    }
    return Json{{"public_key", value.public_key.to_base64()}, {"samples", samples}};
}

StatsHistory answer_history(
    const std::vector<value::Key>& keys, const StatsQuery& query,
    const std::function<std::vector<StatsSample>(const value::Key&)>& samples_of) {
    StatsHistory out;
    if (!query.limit) {
        for (const auto& key : keys) {
            if (!query.public_key || *query.public_key == key) {
                out.peers.push_back(PeerHistory{key, samples_of(key)});
            }
        }
        return out;
    }
    out.encoding = SampleEncoding::columns;
    auto it = query.after ? std::upper_bound(keys.begin(), keys.end(), *query.after) : keys.begin();
    std::size_t bytes = 0;
    for (; it != keys.end(); ++it) {
        if (query.public_key && *query.public_key != *it) {
            continue;
        }
        PeerHistory peer{*it, samples_of(*it)};
        const std::size_t size = encoded_size(peer, out.encoding) + 1;  // and a comma
        const bool full =
            out.peers.size() >= static_cast<std::size_t>(*query.limit) || bytes + size > kPageBytes;
        if (full && !out.peers.empty()) {
            out.next = out.peers.back().public_key;
            break;
        }
        bytes += size;
        out.peers.push_back(std::move(peer));
    }
    return out;
}

Outcome<std::optional<StatsQuery>> gather_page(const StatsQuery& asked, StatsHistory page,
                                               StatsHistory& gathered) {
    const std::optional<value::Key> next = page.next;
    if (next && (page.peers.empty() || page.peers.back().public_key != *next ||
                 (asked.after && !(*asked.after < *next)))) {
        return refuse(ErrorCode::internal_error,
                      "stats.history: the page after " +
                          (asked.after ? asked.after->to_base64() : std::string("the start")) +
                          " names " + next->to_base64() +
                          " as the next, which is not its last peer past the start");
    }
    gathered.encoding = page.encoding;
    gathered.next.reset();
    for (auto& peer : page.peers) {
        gathered.peers.push_back(std::move(peer));
    }
    if (!next) {
        return std::optional<StatsQuery>();
    }
    StatsQuery following = asked;
    following.after = next;
    return std::optional<StatsQuery>(std::move(following));
}

LogTail newest_within(std::vector<LogLine> lines, std::size_t bytes) {
    std::size_t used = 0;
    auto first = lines.end();
    while (first != lines.begin()) {
        const std::size_t size = to_json(*std::prev(first)).dump().size() + 1;  // and a comma
        if (used + size > bytes) {
            break;
        }
        used += size;
        --first;
    }
    lines.erase(lines.begin(), first);
    return LogTail{std::move(lines)};
}

std::size_t encoded_size(const PeerHistory& peer, SampleEncoding encoding) {
    return to_json(peer, encoding).dump().size();
}

Json to_json(const StatsEvent& value) {
    Json peers = Json::array();
    for (const auto& peer : value.peers) {
        peers.push_back(to_json(peer));
    }
    return Json{{"tunnel", value.tunnel}, {"time", value.time}, {"peers", peers}};
}

Json to_json(const LogLine& value) {
    return Json{
        {"time_ms", value.time_ms}, {"level", to_string(value.level)}, {"message", value.message}};
}

Json to_json(const TunnelChanged& value) {
    return Json{{"tunnel", to_json(value.tunnel)}, {"removed", value.removed}};
}

Json to_json(const PeerChanged& value) {
    return Json{{"tunnel", value.tunnel},
                {"public_key", value.public_key.to_base64()},
                {"removed", value.removed}};
}

Json to_json(const NoParams& /*value*/) {
    return Json::object();
}

Json to_json(const Done& /*value*/) {
    return Json::object();
}

Json to_json(const TunnelList& value) {
    Json list = Json::array();
    for (const auto& tunnel : value.tunnels) {
        list.push_back(to_json(tunnel));
    }
    return Json{{"tunnels", list}};
}

Json to_json(const StatsHistory& value) {
    Json peers = Json::array();
    for (const auto& peer : value.peers) {
        peers.push_back(to_json(peer, value.encoding));
    }
    Json out{{"peers", peers}};
    if (value.next) {
        out["next"] = value.next->to_base64();
    }
    return out;
}

Json to_json(const LogTail& value) {
    Json lines = Json::array();
    for (const auto& line : value.lines) {
        lines.push_back(to_json(line));
    }
    return Json{{"lines", lines}};
}

Outcome<PeerStatus> peer_status_from_json(const Json& json, const std::string& prefix) {
    Reader reader(json, prefix);
    PeerStatus out;
    out.public_key = reader.key("public_key");
    out.name = reader.fields().optional_string("name").value_or("");
    out.endpoint = reader.endpoint_or_empty("endpoint");
    out.allowed_ips = reader.prefixes("allowed_ips");
    out.last_handshake = reader.fields().integer("last_handshake", 0, kMaxI64);
    out.rx_bytes = unsigned_field(reader.fields(), "rx_bytes");
    out.tx_bytes = unsigned_field(reader.fields(), "tx_bytes");
    out.rx_rate = rate_field(reader.fields(), json, "rx_rate");
    out.tx_rate = rate_field(reader.fields(), json, "tx_rate");
    out.persistent_keepalive = static_cast<std::uint16_t>(
        reader.fields().optional_integer("persistent_keepalive", 0, kMaxU16).value_or(0));
    out.has_preshared_key = reader.fields().boolean("has_preshared_key", false);
    if (auto error = reader.error()) {
        return refuse(*error);
    }
    if (reader.has("path")) {  // an older tulled sends none: kind none
        auto path = path_from_json(json.at("path"), prefix + ".path");
        if (!path.ok()) {
            return refuse(path.error());
        }
        out.path = std::move(path).value();
    }
    return out;
}

Outcome<TunnelStatus> tunnel_status_from_json(const Json& json, const std::string& prefix) {
    Reader reader(json, prefix);
    TunnelStatus out;
    out.name = reader.name("name");
    out.up = reader.fields().boolean("up", false);
    out.system = reader.fields().boolean("system", false);
    out.autostart = reader.fields().boolean("autostart", false);
    out.kill_switch = reader.fields().boolean("kill_switch", false);
    out.public_key = reader.key_or_empty("public_key");
    out.listen_port = static_cast<std::uint16_t>(
        reader.fields().optional_integer("listen_port", 0, kMaxU16).value_or(0));
    out.addresses = reader.prefixes("addresses");
    out.peers =
        static_cast<std::size_t>(reader.fields().optional_integer("peers", 0, kMaxI64).value_or(0));
    out.rx_bytes = unsigned_field(reader.fields(), "rx_bytes");
    out.tx_bytes = unsigned_field(reader.fields(), "tx_bytes");
    const std::string dns = reader.fields().optional_string("dns").value_or("none");
    if (const auto manager = value::parse_dns_manager(dns)) {
        out.dns = *manager;
    } else {
        reader.fields().invalid("dns",
                                value::quote(dns) + " is not systemd-resolved, resolvconf or none");
    }
    out.dns_problem = reader.fields().optional_string("dns_problem").value_or("");
    return finish(reader, std::move(out));
}

Outcome<std::vector<TunnelStatus>> tunnel_list_from_json(const Json& json) {
    return decode_list<TunnelStatus>(json, "result", "tunnels",
                                     [](const Json& item, const std::string& where) {
                                         return tunnel_status_from_json(item, where);
                                     });
}

Outcome<TunnelSettings> settings_from_json(const Json& json, const std::string& prefix) {
    Reader reader(json, prefix);
    TunnelSettings out;
    out.addresses = reader.prefixes("addresses");
    const auto port = reader.fields().optional_integer("listen_port", 0, kMaxU16);
    out.listen_port = port ? std::optional(static_cast<std::uint16_t>(*port)) : std::nullopt;
    const auto mtu = reader.fields().optional_integer("mtu", kMinMtu, kMaxU16);
    out.mtu = mtu ? std::optional(static_cast<std::uint16_t>(*mtu)) : std::nullopt;
    const auto servers = reader.fields().optional_strings("dns_servers");
    for (std::size_t i = 0; servers && i < servers->size(); ++i) {
        auto address = value::IpAddress::parse((*servers)[i]);
        if (!address.ok()) {
            reader.fields().invalid("dns_servers[" + std::to_string(i) + "]",
                                    value::quote((*servers)[i]) + ": " + address.error());
            break;
        }
        out.dns_servers.push_back(address.value());
    }
    out.dns_search =
        reader.fields().optional_strings("dns_search").value_or(std::vector<std::string>{});
    const std::string table = reader.fields().optional_string("table").value_or("auto");
    if (auto parsed = RouteTable::parse(table); parsed.ok()) {
        out.table = parsed.value();
    } else {
        reader.fields().invalid("table", value::quote(table) + " " + parsed.error());
    }
    out.fwmark = static_cast<std::uint32_t>(
        reader.fields().optional_integer("fwmark", 0, kMaxU32).value_or(0));
    out.kill_switch = reader.fields().boolean("kill_switch", false);
    out.allow_lan = reader.fields().boolean("allow_lan", false);
    return finish(reader, std::move(out));
}

Outcome<TunnelDetail> tunnel_detail_from_json(const Json& json) {
    TunnelDetail out;
    if (!json.is_object() || !json.contains("status")) {
        return refuse(ErrorCode::invalid_params, "result.status: missing");
    }
    auto status = tunnel_status_from_json(json.at("status"), "result.status");
    if (!status.ok()) {
        return refuse(status.error());
    }
    out.status = std::move(status).value();
    auto peers = decode_list<PeerStatus>(json, "result", "peers",
                                         [](const Json& item, const std::string& where) {
                                             return peer_status_from_json(item, where);
                                         });
    if (!peers.ok()) {
        return refuse(peers.error());
    }
    out.peers = std::move(peers).value();
    Reader reader(json, "result");
    out.config = reader.fields().string("config");
    if (reader.has("settings")) {
        auto settings = settings_from_json(json.at("settings"), "result.settings");
        if (!settings.ok()) {
            return refuse(settings.error());
        }
        out.settings = std::move(settings).value();
    }
    return finish(reader, std::move(out));
}

Outcome<DaemonStatus> daemon_status_from_json(const Json& json) {
    Reader reader(json, "result");
    DaemonStatus out;
    out.daemon = reader.fields().string("daemon");
    if (const Json* version = reader.fields().object("version")) {
        ParamReader v(*version, "result.version");
        out.version.major = static_cast<int>(v.integer("major", 0, kMaxU16));
        out.version.minor = static_cast<int>(v.integer("minor", 0, kMaxU16));
        if (auto error = v.error()) {
            return refuse(*error);
        }
    }
    out.uptime = reader.fields().integer("uptime", 0, kMaxI64);
    out.tunnels_up = static_cast<std::size_t>(reader.fields().integer("tunnels_up", 0, kMaxI64));
    out.clients = static_cast<std::size_t>(reader.fields().integer("clients", 0, kMaxI64));
    return finish(reader, std::move(out));
}

namespace {

Outcome<PeerHistory> triples_from_json(const Json& item, const std::string& where,
                                       PeerHistory out) {
    if (!item.contains("samples") || !item.at("samples").is_array()) {
        return refuse(ErrorCode::invalid_params,
                      where + ".samples: expected an array (or the columns time, rx and tx)");
    }
    const Json& samples = item.at("samples");
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const Json& sample = samples[i];
        if (!sample.is_array() || sample.size() != 3 || !sample[0].is_number_integer() ||
            !sample[1].is_number_unsigned() || !sample[2].is_number_unsigned()) {
            return refuse(ErrorCode::invalid_params,
                          where + ".samples[" + std::to_string(i) +
                              "]: expected [time, rx_bytes, tx_bytes] with bytes of at least 0");
        }
        out.samples.push_back(StatsSample{sample[0].get<std::int64_t>(),
                                          sample[1].get<std::uint64_t>(),
                                          sample[2].get<std::uint64_t>()});
    }
    return out;
}

// One column: the first value, then differences; `min_step` is the least difference allowed
// after the first (time: 1), `max` the largest sum.
Outcome<std::vector<std::uint64_t>> column_from_json(const Json& item, const std::string& where,
                                                     std::string_view key, std::uint64_t min_step,
                                                     std::uint64_t max) {
    const std::string at = where + "." + std::string(key);
    if (!item.contains(key) || !item.at(key).is_array()) {
        return refuse(ErrorCode::invalid_params, at + ": expected an array");
    }
    const Json& list = item.at(key);
    std::vector<std::uint64_t> out;
    out.reserve(list.size());
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::uint64_t least = i == 0 ? 0 : min_step;
        // Unsigned once parsed from text; a signed integer of at least 0 when built in memory.
        const bool whole = list[i].is_number_unsigned() ||
                           (list[i].is_number_integer() && list[i].get<std::int64_t>() >= 0);
        if (!whole || list[i].get<std::uint64_t>() < least ||
            list[i].get<std::uint64_t>() > max - sum) {
            return refuse(ErrorCode::invalid_params,
                          at + "[" + std::to_string(i) + "]: expected " +
                              (i == 0 ? "a value of at least 0"
                                      : "a difference of at least " + std::to_string(least)) +
                              " with a sum of at most " + std::to_string(max));
        }
        sum += list[i].get<std::uint64_t>();
        out.push_back(sum);
    }
    return out;
}

Outcome<PeerHistory> columns_from_json(const Json& item, const std::string& where,
                                       PeerHistory out) {
    auto time = column_from_json(item, where, "time", 1, kMaxI64);
    if (!time.ok()) {
        return refuse(time.error());
    }
    auto rx = column_from_json(item, where, "rx", 0, std::numeric_limits<std::uint64_t>::max());
    if (!rx.ok()) {
        return refuse(rx.error());
    }
    auto tx = column_from_json(item, where, "tx", 0, std::numeric_limits<std::uint64_t>::max());
    if (!tx.ok()) {
        return refuse(tx.error());
    }
    if (rx->size() != time->size() || tx->size() != time->size()) {
        return refuse(ErrorCode::invalid_params,
                      where + ": time, rx and tx must be of one length (" +
                          std::to_string(time->size()) + ", " + std::to_string(rx->size()) + ", " +
                          std::to_string(tx->size()) + ")");
    }
    out.samples.reserve(time->size());
    for (std::size_t i = 0; i < time->size(); ++i) {
        out.samples.push_back(
            StatsSample{static_cast<std::int64_t>((*time)[i]), (*rx)[i], (*tx)[i]});
    }
    return out;
}

}  // namespace

Outcome<StatsHistory> stats_history_from_json(const Json& json) {
    StatsHistory out;
    bool first = true;
    auto peers = decode_list<PeerHistory>(
        json, "result", "peers", [&](const Json& item, const std::string& where) {
            Reader reader(item, where);
            PeerHistory peer;
            peer.public_key = reader.key("public_key");
            if (auto error = reader.error()) {
                return Outcome<PeerHistory>(refuse(*error));
            }
            const bool columns = item.contains("time");
            if (first) {
                out.encoding = columns ? SampleEncoding::columns : SampleEncoding::triples;
                first = false;
            }
            return columns ? columns_from_json(item, where, std::move(peer))
                           : triples_from_json(item, where, std::move(peer));
        });
    if (!peers.ok()) {
        return refuse(peers.error());
    }
    out.peers = std::move(peers).value();
    Reader reader(json, "result");
    out.next = reader.optional_key("next");
    return finish(reader, std::move(out));
}

Outcome<StatsEvent> stats_event_from_json(const Json& json) {
    Reader reader(json, "params");
    StatsEvent out;
    out.tunnel = reader.name("tunnel");
    out.time = reader.fields().integer("time", 0, kMaxI64);
    if (auto error = reader.error()) {
        return refuse(*error);
    }
    auto peers = decode_list<PeerStatus>(json, "params", "peers",
                                         [](const Json& item, const std::string& where) {
                                             return peer_status_from_json(item, where);
                                         });
    if (!peers.ok()) {
        return refuse(peers.error());
    }
    out.peers = std::move(peers).value();
    return out;
}

Outcome<LogLine> log_line_from_json(const Json& json, const std::string& prefix) {
    Reader reader(json, prefix);
    LogLine out;
    out.time_ms = reader.fields().integer("time_ms", 0, kMaxI64);
    const std::string level = reader.fields().string("level");
    if (!reader.error()) {
        if (auto parsed = parse_log_level(level)) {
            out.level = *parsed;
        } else {
            reader.fields().invalid("level", value::quote(level) + " is not a log level");
        }
    }
    out.message = reader.fields().string("message");
    return finish(reader, std::move(out));
}

Outcome<std::vector<LogLine>> log_lines_from_json(const Json& json) {
    return decode_list<LogLine>(
        json, "result", "lines",
        [](const Json& item, const std::string& where) { return log_line_from_json(item, where); });
}

Outcome<TunnelChanged> tunnel_changed_from_json(const Json& json) {
    if (!json.is_object() || !json.contains("tunnel")) {
        return refuse(ErrorCode::invalid_params, "params.tunnel: missing");
    }
    auto status = tunnel_status_from_json(json.at("tunnel"), "params.tunnel");
    if (!status.ok()) {
        return refuse(status.error());
    }
    Reader reader(json, "params");
    TunnelChanged out{std::move(status).value(), reader.fields().boolean("removed", false)};
    return finish(reader, std::move(out));
}

Outcome<PeerChanged> peer_changed_from_json(const Json& json) {
    Reader reader(json, "params");
    PeerChanged out;
    out.tunnel = reader.name("tunnel");
    out.public_key = reader.key("public_key");
    out.removed = reader.fields().boolean("removed", false);
    return finish(reader, std::move(out));
}

}  // namespace tulle::ipc

// --- mesh networks ------------------------------------------------------------------------------

namespace tulle::ipc {
namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> enum_named(std::string_view text,
                               const std::array<std::string_view, N>& names) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names.at(i) == text) {
            return static_cast<Enum>(i);
        }
    }
    return std::nullopt;
}

constexpr std::array<std::string_view, 4> kPathKinds{"none", "direct", "lan", "relay"};
constexpr std::array<std::string_view, 2> kRoles{"lighthouse", "member"};
constexpr std::array<std::string_view, 4> kNetworkStates{"joining", "online", "offline", "failed"};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

Json endpoints_to_json(const std::vector<value::Endpoint>& endpoints) {
    Json out = Json::array();
    for (const auto& endpoint : endpoints) {
        out.push_back(endpoint.to_string());
    }
    return out;
}

// Each item's to_json, in order.
template <typename T>
Json array_of(const std::vector<T>& items) {
    Json out = Json::array();
    for (const auto& item : items) {
        out.push_back(to_json(item));
    }
    return out;
}

// The mesh fields, on top of Reader's.
class MeshReader {
  public:
    MeshReader(const Json& json, std::string prefix) : reader_(json, std::move(prefix)) {}

    // A member's name; "" allowed (and absent read as "") when `optional`.
    std::string member_name(std::string_view key, bool optional) {
        std::string name =
            optional ? fields().optional_string(key).value_or("") : fields().string(key);
        if (!error() && !(optional && name.empty())) {
            if (auto problem = member_name_error(name)) {
                fields().invalid(key, value::quote(name) + ": " + *problem);
            }
        }
        return name;
    }

    std::string invite(std::string_view key) {
        std::string text = fields().string(key);
        if (!error()) {
            if (auto problem = invite_text_error(text)) {
                fields().invalid(key, *problem);
                value::secure_zero({reinterpret_cast<std::uint8_t*>(text.data()), text.size()});
                return {};
            }
        }
        return text;
    }

    value::IpPrefix range(std::string_view key) {
        const std::string text = fields().string(key);
        if (error()) {
            return {};
        }
        auto parsed = value::IpPrefix::parse(text);
        if (!parsed.ok()) {
            fields().invalid(key, value::quote(text) + ": " + parsed.error());
            return {};
        }
        if (auto problem = network_range_error(parsed.value())) {
            fields().invalid(key, *problem);
        }
        return parsed.value();
    }

    std::optional<value::IpAddress> address(std::string_view key) {
        const auto text = fields().optional_string(key);
        if (!text || text->empty()) {
            return std::nullopt;
        }
        auto parsed = value::IpAddress::parse(*text);
        if (!parsed.ok()) {
            fields().invalid(key, value::quote(*text) + ": " + parsed.error());
            return std::nullopt;
        }
        return parsed.value();
    }

    // `min` to kMaxNetworkEndpoints endpoints (absent: none).
    std::vector<value::Endpoint> endpoints(std::string_view key, std::size_t min) {
        std::vector<value::Endpoint> out;
        const auto list = fields().optional_strings(key);
        if (error()) {
            return out;
        }
        const std::size_t count = list ? list->size() : 0;
        if (count < min || count > kMaxNetworkEndpoints) {
            fields().invalid(key, "expected " + std::to_string(min) + " to " +
                                      std::to_string(kMaxNetworkEndpoints) + " endpoints, not " +
                                      std::to_string(count));
            return out;
        }
        for (std::size_t i = 0; i < count; ++i) {
            auto endpoint = value::Endpoint::parse((*list)[i]);
            if (!endpoint.ok()) {
                fields().invalid(std::string(key) + "[" + std::to_string(i) + "]",
                                 value::quote((*list)[i]) + ": " + endpoint.error());
                return {};
            }
            out.push_back(endpoint.value());
        }
        return out;
    }

    // One of `names` (required); the error lists them.
    template <typename Enum, std::size_t N>
    Enum choice(std::string_view key, const std::array<std::string_view, N>& names) {
        const std::string text = fields().string(key);
        if (error()) {
            return Enum{};
        }
        if (auto parsed = enum_named<Enum>(text, names)) {
            return *parsed;
        }
        std::string known;
        for (std::size_t i = 0; i < N; ++i) {
            known += (i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::string(names.at(i));
        }
        fields().invalid(key, value::quote(text) + " is not " + known);
        return Enum{};
    }

    Reader& base() { return reader_; }
    ParamReader& fields() { return reader_.fields(); }
    [[nodiscard]] std::optional<Error> error() const { return reader_.error(); }

  private:
    Reader reader_;
};

Outcome<PeerPath> path_from_json(const Json& json, const std::string& prefix) {
    MeshReader reader(json, prefix);
    PeerPath out;
    out.kind = reader.choice<PathKind>("kind", kPathKinds);
    if (reader.error()) {
        return refuse(*reader.error());
    }
    const bool has_endpoint = reader.base().has("endpoint");
    if (out.kind == PathKind::none && has_endpoint) {
        reader.fields().invalid("endpoint", "a path of kind none has no endpoint");
    } else if (out.kind != PathKind::none) {
        const std::string text = reader.fields().string("endpoint");
        if (!reader.error()) {
            if (auto parsed = value::SocketAddress::parse(text); parsed.ok()) {
                out.endpoint = parsed.value();
            } else {
                reader.fields().invalid("endpoint", value::quote(text) + ": " + parsed.error());
            }
        }
    }
    if (out.kind == PathKind::relay) {
        out.via = reader.member_name("via", false);
    } else if (reader.base().has("via")) {
        reader.fields().invalid("via", "only a relayed path names a relay");
    }
    return finish(reader, std::move(out));
}

Outcome<NetworkStatus> network_status_from_json(const Json& json, const std::string& prefix) {
    MeshReader reader(json, prefix);
    NetworkStatus out;
    out.name = reader.base().name("name");
    out.id = reader.fields().optional_string("id").value_or("");
    if (!reader.error() && !out.id.empty() &&
        (out.id.size() != kNetworkIdHexDigits ||
         !std::all_of(out.id.begin(), out.id.end(),
                      [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))) {
        reader.fields().invalid(
            "id", "expected " + std::to_string(kNetworkIdHexDigits) + " lower-case hex digits");
    }
    out.role = reader.choice<NetworkRoleName>("role", kRoles);
    out.state = reader.choice<NetworkState>("state", kNetworkStates);
    out.problem = reader.fields().optional_string("problem").value_or("");
    out.range = reader.range("range");
    out.address = reader.address("address");
    out.public_key = reader.base().key_or_empty("public_key");
    out.lighthouse = reader.member_name("lighthouse", true);
    out.endpoints = reader.endpoints("endpoints", 0);
    out.members = static_cast<std::size_t>(
        reader.fields().optional_integer("members", 0, kMaxI64).value_or(0));
    out.up = reader.fields().boolean("up", false);
    return finish(reader, std::move(out));
}

Outcome<Member> member_from_json(const Json& json, const std::string& prefix) {
    MeshReader reader(json, prefix);
    Member out;
    out.name = reader.member_name("name", false);
    out.public_key = reader.base().key("public_key");
    if (!reader.error() && !reader.base().has("addresses")) {
        reader.fields().invalid("addresses", "missing");
    }
    out.addresses = reader.base().prefixes("addresses");
    if (!reader.error() && (out.addresses.empty() || out.addresses.size() > kMaxMemberAddresses)) {
        reader.fields().invalid("addresses",
                                "expected 1 to " + std::to_string(kMaxMemberAddresses) +
                                    " addresses, not " + std::to_string(out.addresses.size()));
    }
    out.lighthouse = reader.fields().boolean("lighthouse", false);
    out.self = reader.fields().boolean("self", false);
    out.online = reader.fields().boolean("online", false);
    out.last_seen = reader.fields().optional_integer("last_seen", 0, kMaxI64).value_or(0);
    out.expires = reader.fields().optional_integer("expires", 0, kMaxI64).value_or(0);
    if (auto error = reader.error()) {
        return refuse(*error);
    }
    if (reader.base().has("path")) {
        auto path = path_from_json(json.at("path"), prefix + ".path");
        if (!path.ok()) {
            return refuse(path.error());
        }
        out.path = std::move(path).value();
    }
    return out;
}

}  // namespace

std::string_view to_string(PathKind kind) {
    return kPathKinds.at(static_cast<std::size_t>(kind));
}

std::string_view to_string(NetworkRoleName role) {
    return kRoles.at(static_cast<std::size_t>(role));
}

std::string_view to_string(NetworkState state) {
    return kNetworkStates.at(static_cast<std::size_t>(state));
}

std::optional<std::string> member_name_error(std::string_view name) {
    if (name.empty() || name.size() > kMaxMemberNameBytes) {
        return "a member's name has 1 to " + std::to_string(kMaxMemberNameBytes) + " characters";
    }
    const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.';
    });
    if (!allowed) {
        return std::string("a member's name may hold only letters, digits, '-', '_' and '.'");
    }
    return std::nullopt;
}

std::optional<std::string> network_range_error(const value::IpPrefix& range) {
    if (!range.is_canonical()) {
        return range.to_string() + " has bits set past its length (did you mean " +
               range.canonical().to_string() + "?)";
    }
    const bool v4 = range.address().is_v4();
    const int min = v4 ? kMinRangeLengthV4 : kMinRangeLengthV6;
    const int max = v4 ? kMaxRangeLengthV4 : kMaxRangeLengthV6;
    if (range.length() < min || range.length() > max) {
        return range.to_string() + ": a network's range is from /" + std::to_string(min) + " to /" +
               std::to_string(max) + " for " + (v4 ? "IPv4" : "IPv6");
    }
    return std::nullopt;
}

std::optional<std::string> invite_text_error(std::string_view text) {
    if (text.size() > kMaxInviteText) {
        return "an invite has at most " + std::to_string(kMaxInviteText) + " characters, not " +
               std::to_string(text.size());
    }
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    constexpr std::string_view kPrefix = "TULLE1:";
    const bool prefixed =
        text.size() > kPrefix.size() &&
        std::equal(kPrefix.begin(), kPrefix.end(), text.begin(), [](char want, char got) {
            return want == (got >= 'a' && got <= 'z' ? static_cast<char>(got - 'a' + 'A') : got);
        });
    if (!prefixed) {
        return std::string("not an invite: an invite is one line that starts with TULLE1:");
    }
    for (std::size_t i = kPrefix.size(); i < text.size(); ++i) {
        const char c = text[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
            return "character " + std::to_string(i + 1) +
                   " of the invite is not one of A-Z and 2-7 (was it cut or changed?)";
        }
    }
    return std::nullopt;
}

Json to_json(const PeerPath& value) {
    Json out{{"kind", to_string(value.kind)}};
    if (value.kind != PathKind::none && value.endpoint) {
        out["endpoint"] = value.endpoint->to_string();
    }
    if (value.kind == PathKind::relay) {
        out["via"] = value.via;
    }
    return out;
}

Json to_json(const NetworkCreate& value) {
    Json out{{"name", value.name},
             {"range", value.range.to_string()},
             {"endpoints", endpoints_to_json(value.endpoints)}};
    if (value.listen_port) {
        out["listen_port"] = *value.listen_port;
    }
    return out;
}

Json to_json(const NetworkInvite& value) {
    Json out{{"network", value.network}, {"expires_in", value.expires_in}};
    if (!value.name.empty()) {
        out["name"] = value.name;
    }
    if (value.address) {
        out["address"] = value.address->to_string();
    }
    return out;
}

Json to_json(const InviteIssued& value) {
    return Json{{"network", value.network},
                {"invite", value.invite},
                {"name", value.name},
                {"address", value.address.to_string()},
                {"expires", value.expires}};
}

Json to_json(const NetworkJoin& value) {
    Json out{{"invite", value.invite}};
    if (!value.name.empty()) {
        out["name"] = value.name;
    }
    return out;
}

Json to_json(const NetworkRef& value) {
    return Json{{"network", value.network}};
}

Json to_json(const MemberRef& value) {
    return Json{{"network", value.network}, {"member", value.member}};
}

Json to_json(const NetworkStatus& value) {
    Json out{{"name", value.name},
             {"id", value.id},
             {"role", to_string(value.role)},
             {"state", to_string(value.state)},
             {"problem", value.problem},
             {"range", value.range.to_string()},
             {"lighthouse", value.lighthouse},
             {"endpoints", endpoints_to_json(value.endpoints)},
             {"members", value.members},
             {"up", value.up}};
    if (value.address) {
        out["address"] = value.address->to_string();
    }
    if (value.public_key) {
        out["public_key"] = value.public_key->to_base64();
    }
    return out;
}

Json to_json(const NetworkList& value) {
    return Json{{"networks", array_of(value.networks)}};
}

Json to_json(const Member& value) {
    return Json{{"name", value.name},
                {"public_key", value.public_key.to_base64()},
                {"addresses", prefixes_to_json(value.addresses)},
                {"lighthouse", value.lighthouse},
                {"self", value.self},
                {"online", value.online},
                {"last_seen", value.last_seen},
                {"expires", value.expires},
                {"path", to_json(value.path)}};
}

Json to_json(const MemberList& value) {
    return Json{{"network", value.network}, {"members", array_of(value.members)}};
}

Json to_json(const NetworkChanged& value) {
    return Json{{"network", value.network},
                {"state", to_string(value.state)},
                {"problem", value.problem},
                {"removed", value.removed}};
}

Json to_json(const PathChanged& value) {
    Json out{{"tunnel", value.tunnel},
             {"peer", value.peer.to_base64()},
             {"from", to_json(value.from)},
             {"to", to_json(value.to)},
             {"reason", value.reason}};
    if (!value.name.empty()) {
        out["name"] = value.name;
    }
    return out;
}

Outcome<NetworkCreate> read(const Json& json, As<NetworkCreate> /*type*/) {
    MeshReader reader(json, "params");
    NetworkCreate out;
    out.name = reader.base().name("name");
    out.range = reader.range("range");
    out.endpoints = reader.endpoints("endpoints", 1);
    if (auto port = reader.fields().optional_integer("listen_port", 1, kMaxU16)) {
        out.listen_port = static_cast<std::uint16_t>(*port);
    }
    return finish(reader, std::move(out));
}

Outcome<NetworkInvite> read(const Json& json, As<NetworkInvite> /*type*/) {
    MeshReader reader(json, "params");
    NetworkInvite out;
    out.network = reader.base().name("network");
    out.name = reader.member_name("name", true);
    out.address = reader.address("address");
    out.expires_in = reader.fields()
                         .optional_integer("expires_in", kMinInviteSeconds, kMaxInviteSeconds)
                         .value_or(out.expires_in);
    return finish(reader, std::move(out));
}

Outcome<InviteIssued> read(const Json& json, As<InviteIssued> /*type*/) {
    MeshReader reader(json, "result");
    InviteIssued out;
    out.network = reader.base().name("network");
    out.invite = reader.invite("invite");
    out.name = reader.member_name("name", true);
    if (!reader.error() && !reader.base().has("address")) {
        reader.fields().invalid("address", "missing");
    }
    if (auto address = reader.address("address")) {
        out.address = *address;
    }
    out.expires = reader.fields().integer("expires", 0, kMaxI64);
    return finish(reader, std::move(out));
}

Outcome<NetworkJoin> read(const Json& json, As<NetworkJoin> /*type*/) {
    MeshReader reader(json, "params");
    NetworkJoin out;
    out.invite = reader.invite("invite");
    out.name = reader.member_name("name", true);
    return finish(reader, std::move(out));
}

Outcome<NetworkRef> read(const Json& json, As<NetworkRef> /*type*/) {
    MeshReader reader(json, "params");
    NetworkRef out{reader.base().name("network")};
    return finish(reader, std::move(out));
}

Outcome<MemberRef> read(const Json& json, As<MemberRef> /*type*/) {
    MeshReader reader(json, "params");
    MemberRef out;
    out.network = reader.base().name("network");
    out.member = reader.fields().string("member");
    if (!reader.error() && member_name_error(out.member) &&
        !value::Key::from_base64(out.member).ok()) {
        reader.fields().invalid("member", value::quote(out.member) +
                                              " is neither a member's name (1 to 63 of letters, "
                                              "digits, '-', '_' and '.') nor a public key");
    }
    return finish(reader, std::move(out));
}

Outcome<NetworkStatus> read(const Json& json, As<NetworkStatus> /*type*/) {
    return network_status_from_json(json, "result");
}

Outcome<NetworkList> read(const Json& json, As<NetworkList> /*type*/) {
    auto list = decode_list<NetworkStatus>(json, "result", "networks", network_status_from_json);
    if (!list.ok()) {
        return refuse(list.error());
    }
    return NetworkList{std::move(list).value()};
}

Outcome<MemberList> read(const Json& json, As<MemberList> /*type*/) {
    MeshReader reader(json, "result");
    MemberList out;
    out.network = reader.base().name("network");
    if (auto error = reader.error()) {
        return refuse(*error);
    }
    auto members = decode_list<Member>(json, "result", "members", member_from_json);
    if (!members.ok()) {
        return refuse(members.error());
    }
    out.members = std::move(members).value();
    return out;
}

Outcome<NetworkChanged> read(const Json& json, As<NetworkChanged> /*type*/) {
    MeshReader reader(json, "params");
    NetworkChanged out;
    out.network = reader.base().name("network");
    out.state = reader.choice<NetworkState>("state", kNetworkStates);
    out.problem = reader.fields().optional_string("problem").value_or("");
    out.removed = reader.fields().boolean("removed", false);
    return finish(reader, std::move(out));
}

Outcome<PathChanged> read(const Json& json, As<PathChanged> /*type*/) {
    MeshReader reader(json, "params");
    PathChanged out;
    out.tunnel = reader.base().name("tunnel");
    out.peer = reader.base().key("peer");
    out.name = reader.member_name("name", true);
    out.reason = reader.fields().string("reason");
    if (!reader.error() && out.reason.size() > kMaxPathReasonBytes) {
        reader.fields().invalid("reason", "a reason has at most " +
                                              std::to_string(kMaxPathReasonBytes) + " bytes, not " +
                                              std::to_string(out.reason.size()));
    }
    if (auto error = reader.error()) {
        return refuse(*error);
    }
    for (auto [key, path] : {std::pair{"from", &out.from}, std::pair{"to", &out.to}}) {
        if (!reader.base().has(key)) {
            return refuse(ErrorCode::invalid_params, std::string("params.") + key + ": missing");
        }
        auto read_path = path_from_json(json.at(key), std::string("params.") + key);
        if (!read_path.ok()) {
            return refuse(read_path.error());
        }
        *path = std::move(read_path).value();
    }
    return out;
}

}  // namespace tulle::ipc
