#include "ctl/network.hpp"

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <thread>
#include <utility>

#include "ctl/format.hpp"
#include "ipc/methods.hpp"
#include "value/text.hpp"

namespace tulle::ctl {
namespace {

constexpr std::string_view kSpaces = " \t\r\n";

// "params.range: why" -> "why".
std::string complaint(const ipc::Error& error) {
    const auto colon = error.message.find(": ");
    return colon == std::string::npos ? error.message : error.message.substr(colon + 2);
}

std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(kSpaces);
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(kSpaces) - first + 1);
}

// Decodes `params` as tulled will, so the limits are tulled's; an error about one of the fields
// names the option it came from ({field, option}) instead.
template <typename T>
value::Result<T> checked(
    const T& params, std::initializer_list<std::pair<std::string_view, std::string_view>> options) {
    auto decoded = ipc::read(ipc::to_json(params), ipc::As<T>{});
    if (decoded.ok()) {
        return std::move(decoded).value();
    }
    const std::string& message = decoded.error().message;
    for (const auto& [field, option] : options) {
        const std::string at = "params." + std::string(field);
        if (message.starts_with(at + ":") || message.starts_with(at + "[")) {
            return value::fail(std::string(option) + ": " + complaint(decoded.error()));
        }
    }
    return value::fail(message);
}

}  // namespace

value::Result<std::int64_t> parse_expiry(std::string_view text) {
    constexpr std::int64_t kMinute = 60;
    constexpr std::int64_t kHour = 60 * kMinute;
    constexpr std::int64_t kDay = 24 * kHour;
    std::int64_t unit = 1;
    std::string_view digits = text;
    if (!text.empty()) {
        switch (text.back()) {
            case 's':
                unit = 1;
                break;
            case 'm':
                unit = kMinute;
                break;
            case 'h':
                unit = kHour;
                break;
            case 'd':
                unit = kDay;
                break;
            default:
                unit = 0;
                break;
        }
        if (unit != 0) {
            digits.remove_suffix(1);
        } else {
            unit = 1;
        }
    }
    const auto number =
        value::parse_decimal(digits, static_cast<std::uint64_t>(ipc::kMaxInviteSeconds));
    if (!number) {
        return value::fail(value::quote(text) +
                           ": expected a number of seconds, or one with s, m, h or d (24h, 90m, "
                           "7d), of at most 7 days");
    }
    const std::int64_t seconds = static_cast<std::int64_t>(*number) * unit;
    if (seconds < ipc::kMinInviteSeconds || seconds > ipc::kMaxInviteSeconds) {
        return value::fail(value::quote(text) + ": an invite lasts from 60 s to 7 days (" +
                           std::to_string(ipc::kMaxInviteSeconds) + " s)");
    }
    return seconds;
}

value::Result<ipc::NetworkCreate> create_params(const NetworkCreateOptions& options) {
    ipc::NetworkCreate params;
    params.name = options.name;
    auto range = value::IpPrefix::parse(options.range);
    if (!range.ok()) {
        return value::fail("--address: " + value::quote(options.range) + ": " + range.error());
    }
    params.range = *range;
    for (const auto& text : options.endpoints) {
        auto endpoint = value::Endpoint::parse(text);
        if (!endpoint.ok()) {
            return value::fail("--endpoint: " + value::quote(text) + ": " + endpoint.error());
        }
        params.endpoints.push_back(*endpoint);
    }
    if (options.port) {
        if (*options.port < 1 || *options.port > 65535) {
            return value::fail("--port: " + std::to_string(*options.port) +
                               ": expected a port from 1 to 65535");
        }
        params.listen_port = static_cast<std::uint16_t>(*options.port);
    }
    return checked(params, {{"name", "NAME"}, {"range", "--address"}, {"endpoints", "--endpoint"}});
}

value::Result<ipc::NetworkInvite> invite_params(const NetworkInviteOptions& options) {
    ipc::NetworkInvite params;
    params.network = options.network;
    params.name = options.name;
    if (!options.address.empty()) {
        auto address = value::IpAddress::parse(options.address);
        if (!address.ok()) {
            return value::fail("--address: " + value::quote(options.address) + ": " +
                               address.error());
        }
        params.address = *address;
    }
    auto expires = parse_expiry(options.expires);
    if (!expires.ok()) {
        return value::fail("--expires: " + expires.error());
    }
    params.expires_in = *expires;
    return checked(params, {{"network", "NAME"}, {"name", "--name"}, {"address", "--address"}});
}

value::Result<ipc::MemberRef> remove_params(const std::string& network, const std::string& member) {
    const ipc::MemberRef params{network, member};
    return checked(params, {{"network", "NAME"}, {"member", "MEMBER"}});
}

value::Result<std::string> read_invite(const std::string& argument, std::istream& in) {
    std::string text;
    std::string where = "INVITE";
    if (argument == "-" || argument.starts_with("@")) {
        where = argument == "-" ? "stdin" : printable(argument.substr(1));
        std::ifstream file;
        if (argument != "-") {
            file.open(argument.substr(1), std::ios::binary);
            if (!file) {
                return value::fail(where + ": cannot be read");
            }
        }
        std::istream& source = argument == "-" ? in : file;
        // One line, read into one allocation (a growing string would leave copies behind).
        text.resize(ipc::kMaxInviteText + 1);
        source.getline(text.data(), static_cast<std::streamsize>(text.size()));
        const auto got = static_cast<std::size_t>(std::max<std::streamsize>(0, source.gcount()));
        const bool too_long = source.fail() && !source.eof() && got >= ipc::kMaxInviteText;
        text.resize(std::min(got, text.size()));
        if (!text.empty() && text.back() == '\0') {
            text.pop_back();
        }
        if (too_long) {
            wipe(text);
            return value::fail(where + ": an invite is one line of at most " +
                               std::to_string(ipc::kMaxInviteText) + " characters");
        }
    } else {
        text = argument;
    }
    std::string invite(trimmed(text));
    wipe(text);
    if (auto problem = ipc::invite_text_error(invite)) {
        wipe(invite);
        return value::fail(where + ": " + *problem);
    }
    return invite;
}

Outcome<ipc::NetworkStatus> wait_for_join(Client& client, const std::string& name,
                                          const JoinWait& wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait.timeout;
    for (;;) {
        auto list = client.call<ipc::NetworkListMethod>({});
        if (!list.ok()) {
            return value::Unexpected<ClientError>{list.error()};
        }
        const auto it = std::find_if(list->networks.begin(), list->networks.end(),
                                     [&name](const auto& network) { return network.name == name; });
        if (it == list->networks.end()) {
            return value::Unexpected<ClientError>{
                ClientError{ClientError::Kind::refused, std::string(ipc::NetworkListMethod::name),
                            "network " + value::quote(name) + " is gone (was it left meanwhile?)",
                            ipc::ErrorCode::not_found}};
        }
        const bool ended =
            it->state == ipc::NetworkState::online || it->state == ipc::NetworkState::failed;
        if (ended || std::chrono::steady_clock::now() + wait.poll > deadline) {
            return *it;
        }
        std::this_thread::sleep_for(wait.poll);
    }
}

std::string own_name(const ipc::MemberList& members) {
    const auto it = std::find_if(members.members.begin(), members.members.end(),
                                 [](const auto& member) { return member.self; });
    return it == members.members.end() ? std::string() : it->name;
}

}  // namespace tulle::ctl
