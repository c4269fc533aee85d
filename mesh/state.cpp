// A network's file. The JSON, field by field (optional fields may be absent or null):
//   format 1; role "lighthouse" | "member"; name; id (hex); network_key (hex);
//   signing_key? (hex seed, secret); private_key (base64, secret); listen_port; range;
//   endpoints ["host:port"]; certificate?, lighthouse? (hex of Certificate::encode());
//   joining? {invite (hex), enrollment_key (base64, secret), name, address, expires,
//             lighthouse_key (base64), lighthouse_address};
//   peers [{certificate, endpoint?}]; revocations [hex of Revocation::encode()];
//   registry? {network, range, last_serial, members [{certificate, observed?, candidates,
//   last_seen}], invites [{hash, enrollment_key, name, address, expires, redeemed_by?,
//   redeemed_at}], revocations [hex]}
#include "mesh/state.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include "value/unique_fd.hpp"

namespace tulle::mesh {
namespace {

using nlohmann::json;

constexpr int kFormat = 1;
// Far more than a registry of 10,000 members takes (about 1 KiB each).
constexpr std::size_t kMaxFileSize = 64ULL * 1024 * 1024;

std::string reason(int error) {
    return std::generic_category().message(error);
}

void wipe(std::string& text) {
    sodium_memzero(text.data(), text.size());
}

// Wipes the strings of the JSON's secret fields (the ones the file holds at its top level and in
// "joining").
void wipe_secrets(json& j) {
    const auto wipe_field = [](json& object, const char* name) {
        if (object.is_object() && object.contains(name) && object[name].is_string()) {
            wipe(object[name].get_ref<std::string&>());
        }
    };
    wipe_field(j, "private_key");
    wipe_field(j, "signing_key");
    if (j.is_object() && j.contains("joining")) {
        wipe_field(j["joining"], "enrollment_key");
    }
}

// --- writing ---

std::string hex(std::span<const std::uint8_t> bytes) {
    return to_hex(bytes);
}

json optional_text(const auto& value) {
    return value ? json(value->to_string()) : json(nullptr);
}

json registry_json(const Registry& registry) {
    json members = json::array();
    for (const MemberRecord* record : registry.members()) {
        json candidates = json::array();
        for (const auto& candidate : record->candidates) {
            candidates.push_back(candidate.to_string());
        }
        members.push_back({{"certificate", hex(record->certificate.encode())},
                           {"observed", optional_text(record->observed)},
                           {"candidates", std::move(candidates)},
                           {"last_seen", record->last_seen}});
    }
    json invites = json::array();
    for (const PendingInvite& invite : registry.invites()) {
        invites.push_back(
            {{"hash", hex(invite.hash)},
             {"enrollment_key", invite.enrollment_key.to_base64()},
             {"name", invite.name},
             {"address", invite.address.to_string()},
             {"expires", invite.expires},
             {"redeemed_by",
              invite.redeemed_by ? json(invite.redeemed_by->to_base64()) : json(nullptr)},
             {"redeemed_at", invite.redeemed_at}});
    }
    json revocations = json::array();
    for (const Revocation& revocation : registry.revocations()) {
        revocations.push_back(hex(revocation.encode()));
    }
    return {{"network", hex(registry.network())},    {"range", registry.range().to_string()},
            {"last_serial", registry.last_serial()}, {"members", std::move(members)},
            {"invites", std::move(invites)},         {"revocations", std::move(revocations)}};
}

json state_json(const NetworkState& state) {
    json j;
    j["format"] = kFormat;
    j["role"] = state.role == NetworkRole::lighthouse ? "lighthouse" : "member";
    j["name"] = state.name;
    j["id"] = hex(state.id);
    j["network_key"] = hex(state.network_key);
    if (state.signing_key) {
        auto seed = state.signing_key->seed();
        j["signing_key"] = hex(seed);
        sodium_memzero(seed.data(), seed.size());
    }
    j["private_key"] = state.private_key.to_base64();
    j["listen_port"] = state.listen_port;
    j["range"] = state.range.to_string();
    j["endpoints"] = json::array();
    for (const auto& endpoint : state.endpoints) {
        j["endpoints"].push_back(endpoint.to_string());
    }
    j["certificate"] = state.certificate ? json(hex(state.certificate->encode())) : json(nullptr);
    j["lighthouse"] = state.lighthouse ? json(hex(state.lighthouse->encode())) : json(nullptr);
    if (state.joining) {
        j["joining"] = {{"invite", hex(state.joining->invite)},
                        {"enrollment_key", state.joining->enrollment_key.to_base64()},
                        {"name", state.joining->name},
                        {"address", state.joining->address.to_string()},
                        {"expires", state.joining->expires},
                        {"lighthouse_key", state.joining->lighthouse_key.to_base64()},
                        {"lighthouse_address", state.joining->lighthouse_address.to_string()}};
    }
    j["peers"] = json::array();
    for (const auto& peer : state.peers) {
        j["peers"].push_back({{"certificate", hex(peer.certificate.encode())},
                              {"endpoint", optional_text(peer.endpoint)}});
    }
    j["revocations"] = json::array();
    for (const auto& revocation : state.revocations) {
        j["revocations"].push_back(hex(revocation.encode()));
    }
    if (state.registry) {
        j["registry"] = registry_json(*state.registry);
    }
    return j;
}

// Writes all of `text` to `fd`; 0 or the errno.
int write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return 0;
}

// A temporary file next to `path`, created here and by nobody else (O_EXCL), mode 0600; its
// name, or why not.
value::Result<std::pair<std::string, value::UniqueFd>> create_temporary(const std::string& path) {
    std::array<std::uint8_t, 8> random{};
    randombytes_buf(random.data(), random.size());
    std::string temporary = path + ".tmp-" + to_hex(random);
    value::UniqueFd fd(
        ::open(temporary.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) {
        return value::fail("cannot create " + temporary + ": " + reason(errno));
    }
    return std::pair{std::move(temporary), std::move(fd)};
}

std::optional<std::string> replace_file(const std::string& path, std::string_view text) {
    auto created = create_temporary(path);
    if (!created) {
        return created.error();
    }
    auto [temporary, fd] = std::move(created).value();
    std::string failed;
    if (const int e = write_all(fd.get(), text); e != 0) {
        failed = "cannot write " + temporary + ": " + reason(e);
    } else if (::fchmod(fd.get(), 0600) != 0 || ::fsync(fd.get()) != 0) {
        failed = "cannot sync " + temporary + ": " + reason(errno);
    } else if (::close(fd.release()) != 0) {
        failed = "cannot write " + temporary + ": " + reason(errno);
    } else if (::rename(temporary.c_str(), path.c_str()) != 0) {
        failed = "cannot rename " + temporary + " to " + path + ": " + reason(errno);
    }
    if (!failed.empty()) {
        ::unlink(temporary.c_str());
        return failed;
    }
    // The rename lasts only once the folder is synced too.
    std::string folder = std::filesystem::path(path).parent_path().string();
    if (folder.empty()) {
        folder = ".";
    }
    const value::UniqueFd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid() || ::fsync(dir.get()) != 0) {
        return "cannot sync the folder " + folder + ": " + reason(errno);
    }
    return std::nullopt;
}

// --- reading ---

// A field that is not what it should be: where (a JSON path) and why.
struct FieldError {
    std::string field;
    std::string message;
};

// A JSON value and where it is in the file ("registry.members[3].certificate").
class In {
  public:
    In(const json& j, std::string where) : j_(j), where_(std::move(where)) {}

    [[noreturn]] void fail(std::string message) const {
        throw FieldError{where_.empty() ? "(top)" : where_, std::move(message)};
    }
    [[nodiscard]] In at(const std::string& name) const {
        if (!j_.is_object()) {
            fail("is not an object");
        }
        const auto it = j_.find(name);
        if (it == j_.end()) {
            In(j_, child(name)).fail("is missing");
        }
        return {*it, child(name)};
    }
    // Absent or null: none.
    [[nodiscard]] std::optional<In> optional(const std::string& name) const {
        if (!j_.is_object()) {
            fail("is not an object");
        }
        const auto it = j_.find(name);
        if (it == j_.end() || it->is_null()) {
            return std::nullopt;
        }
        return In(*it, child(name));
    }
    void each(const std::function<void(const In&)>& read) const {
        if (!j_.is_array()) {
            fail("is not a list");
        }
        for (std::size_t i = 0; i < j_.size(); ++i) {
            read(In(j_[i], where_ + "[" + std::to_string(i) + "]"));
        }
    }
    [[nodiscard]] const std::string& text() const {
        if (!j_.is_string()) {
            fail("is not a string");
        }
        return j_.get_ref<const std::string&>();
    }
    [[nodiscard]] std::int64_t integer() const {
        if (!j_.is_number_integer()) {
            fail("is not an integer");
        }
        return j_.get<std::int64_t>();
    }
    [[nodiscard]] std::uint64_t unsigned_integer() const {
        if (!j_.is_number_unsigned()) {
            fail("is not a non-negative integer");
        }
        return j_.get<std::uint64_t>();
    }
    // The text through a parser that returns a Result.
    template <typename Parse>
    [[nodiscard]] auto parse(Parse&& parse) const {
        auto parsed = std::forward<Parse>(parse)(text());
        if (!parsed) {
            fail(parsed.error());
        }
        return std::move(parsed).value();
    }
    [[nodiscard]] std::vector<std::uint8_t> bytes() const { return parse(from_hex); }
    template <std::size_t N>
    [[nodiscard]] std::array<std::uint8_t, N> array() const {
        const auto b = bytes();
        if (b.size() != N) {
            fail("holds " + std::to_string(b.size()) + " bytes, not " + std::to_string(N));
        }
        std::array<std::uint8_t, N> out{};
        std::copy(b.begin(), b.end(), out.begin());
        return out;
    }
    [[nodiscard]] Certificate certificate() const {
        const auto b = bytes();
        return parse([&b](const std::string&) { return Certificate::decode(b); });
    }
    [[nodiscard]] Revocation revocation() const {
        const auto b = bytes();
        return parse([&b](const std::string&) { return Revocation::decode(b); });
    }
    [[nodiscard]] value::Key key() const { return parse(value::Key::from_base64); }
    [[nodiscard]] value::IpAddress address() const { return parse(value::IpAddress::parse); }
    [[nodiscard]] value::IpPrefix prefix() const { return parse(value::IpPrefix::parse); }
    [[nodiscard]] value::SocketAddress socket() const { return parse(value::SocketAddress::parse); }

  private:
    [[nodiscard]] std::string child(const std::string& name) const {
        return where_.empty() ? name : where_ + "." + name;
    }
    const json& j_;
    std::string where_;
};

Registry read_registry(const In& in) {
    Registry registry(in.at("network").array<kNetworkIdSize>(), in.at("range").prefix());
    registry.set_last_serial(in.at("last_serial").unsigned_integer());
    in.at("members").each([&registry](const In& m) {
        const Certificate certificate = m.at("certificate").certificate();
        registry.add(certificate);
        std::optional<value::SocketAddress> observed;
        if (auto o = m.optional("observed")) {
            observed = o->socket();
        }
        std::vector<value::SocketAddress> candidates;
        m.at("candidates").each([&candidates](const In& c) { candidates.push_back(c.socket()); });
        if (const std::int64_t last_seen = m.at("last_seen").integer(); last_seen != 0) {
            registry.seen(certificate.public_key, observed, candidates, last_seen);
        }
    });
    in.at("invites").each([&registry](const In& i) {
        PendingInvite invite;
        invite.hash = i.at("hash").array<std::tuple_size_v<InviteHash>>();
        invite.enrollment_key = i.at("enrollment_key").key();
        invite.name = i.at("name").text();
        invite.address = i.at("address").address();
        invite.expires = i.at("expires").integer();
        if (auto by = i.optional("redeemed_by")) {
            invite.redeemed_by = by->key();
        }
        invite.redeemed_at = i.at("redeemed_at").integer();
        registry.add_invite(invite);
    });
    in.at("revocations").each([&registry](const In& r) {
        registry.restore_revocation(r.revocation());
    });
    return registry;
}

NetworkState read_state(const In& in) {
    NetworkState state;
    if (const std::int64_t format = in.at("format").integer(); format != kFormat) {
        in.at("format").fail("is " + std::to_string(format) + ", a format this version of " +
                             "tulled does not know (it writes " + std::to_string(kFormat) + ")");
    }
    const std::string& role = in.at("role").text();
    if (role != "lighthouse" && role != "member") {
        in.at("role").fail("is neither \"lighthouse\" nor \"member\"");
    }
    state.role = role == "lighthouse" ? NetworkRole::lighthouse : NetworkRole::member;
    state.name = in.at("name").text();
    state.id = in.at("id").array<kNetworkIdSize>();
    state.network_key = in.at("network_key").array<kSigningPublicKeySize>();
    if (auto field = in.optional("signing_key")) {
        auto seed = field->array<kSigningSeedSize>();
        state.signing_key = SigningKey::from_seed(seed);
        sodium_memzero(seed.data(), seed.size());
        if (state.signing_key->public_key() != state.network_key) {
            field->fail("is not the private half of network_key");
        }
    }
    state.private_key = in.at("private_key").parse(value::SecretKey::from_base64);
    const std::uint64_t port = in.at("listen_port").unsigned_integer();
    if (port > 65535) {
        in.at("listen_port").fail("is larger than 65535");
    }
    state.listen_port = static_cast<std::uint16_t>(port);
    state.range = in.at("range").prefix();
    in.at("endpoints").each([&state](const In& e) {
        state.endpoints.push_back(e.parse(value::Endpoint::parse));
    });
    if (auto c = in.optional("certificate")) {
        state.certificate = c->certificate();
    }
    if (auto c = in.optional("lighthouse")) {
        state.lighthouse = c->certificate();
    }
    if (auto j = in.optional("joining")) {
        Joining joining;
        joining.invite = j->at("invite").array<kInviteIdSize>();
        joining.enrollment_key = j->at("enrollment_key").parse(value::SecretKey::from_base64);
        joining.name = j->at("name").text();
        joining.address = j->at("address").address();
        joining.expires = j->at("expires").integer();
        joining.lighthouse_key = j->at("lighthouse_key").parse(value::Key::from_base64);
        joining.lighthouse_address = j->at("lighthouse_address").address();
        state.joining = std::move(joining);
    }
    in.at("peers").each([&state](const In& p) {
        KnownPeer peer{.certificate = p.at("certificate").certificate(), .endpoint = {}};
        if (auto e = p.optional("endpoint")) {
            peer.endpoint = e->socket();
        }
        state.peers.push_back(std::move(peer));
    });
    in.at("revocations").each([&state](const In& r) {
        state.revocations.push_back(r.revocation());
    });
    if (auto r = in.optional("registry")) {
        state.registry = read_registry(*r);
    }
    return state;
}

// The file's text, or why not (at most kMaxFileSize; a link is not followed).
value::Result<std::string> read_file(const std::string& path) {
    const value::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    struct stat st {};
    if (!fd.valid() || ::fstat(fd.get(), &st) != 0) {
        return value::fail("cannot read " + path + ": " + reason(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        return value::fail(path + " is not a regular file");
    }
    if (static_cast<std::uint64_t>(st.st_size) > kMaxFileSize) {
        return value::fail(path + " is larger than " + std::to_string(kMaxFileSize) + " bytes");
    }
    std::string text(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::read(fd.get(), text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const int e = n < 0 ? errno : EIO;
            wipe(text);
            return value::fail("cannot read " + path + ": " + reason(e));
        }
        done += static_cast<std::size_t>(n);
    }
    return text;
}

// The line of a byte offset in the text (1-based).
std::size_t line_of(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<std::size_t>(std::count(
                   text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

}  // namespace

value::Result<NetworkState> load_network(const std::string& path) {
    auto read = read_file(path);
    if (!read) {
        return value::fail(read.error());
    }
    std::string text = std::move(read).value();
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        // Only the position: the parser's message quotes the text, which may hold a key.
        const std::size_t line = line_of(text, e.byte == 0 ? 0 : e.byte - 1);
        wipe(text);
        return value::fail(path + ": not valid JSON (line " + std::to_string(line) + ")");
    }
    wipe(text);
    try {
        NetworkState state = read_state(In(j, ""));
        wipe_secrets(j);
        return state;
    } catch (const FieldError& e) {
        wipe_secrets(j);
        return value::fail(path + ": " + e.field + " " + e.message);
    }
}

std::optional<std::string> save_network(const NetworkState& state, const std::string& path) {
    json j = state_json(state);
    std::string text = j.dump(2);
    text.push_back('\n');
    wipe_secrets(j);
    auto error = replace_file(path, text);
    wipe(text);
    return error;
}

std::vector<std::string> network_files(const std::string& directory) {
    std::vector<std::string> out;
    std::error_code error;
    std::filesystem::directory_iterator it(directory, error);
    for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
        std::error_code type_error;
        if (it->path().extension() == ".json" && it->is_regular_file(type_error)) {
            out.push_back(it->path().string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace tulle::mesh
