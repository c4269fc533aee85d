// `tullectl network ...`: the command line's values turned into the mesh calls' params (checked
// with the control protocol's own codecs, so a mistake names the option before anything is sent),
// and waiting for a join to end. Apart from the commands so that tests can drive them over a
// socketpair.
#pragma once

#include <chrono>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ctl/client.hpp"
#include "ipc/messages.hpp"
#include "value/result.hpp"

namespace tulle::ctl {

// `network create NAME --address CIDR --endpoint HOST:PORT [--endpoint ...] [--port N]`.
struct NetworkCreateOptions {
    std::string name;
    std::string range;  // --address: the network's range, e.g. 10.88.0.0/16
    std::vector<std::string> endpoints;
    std::optional<int> port;
};

// `network invite NAME [--name N] [--address IP] [--expires 24h|90m|7d|SECONDS] [--qr]`.
struct NetworkInviteOptions {
    std::string network;
    std::string name;
    std::string address;
    std::string expires = "24h";
    bool qr = false;
};

// `network join INVITE [--name N] [--timeout S] [--no-wait]`.
struct NetworkJoinOptions {
    std::string invite;  // the text, "-" for stdin or "@FILE"
    std::string name;
    int timeout = 30;  // seconds
    bool no_wait = false;
};

// "24h", "90m", "7d", "45s" or plain seconds, from 60 s to 7 days; the error names what is wrong
// (without the option's name).
[[nodiscard]] value::Result<std::int64_t> parse_expiry(std::string_view text);

// The params, or "--option: why" (or "NAME: why").
[[nodiscard]] value::Result<ipc::NetworkCreate> create_params(const NetworkCreateOptions& options);
[[nodiscard]] value::Result<ipc::NetworkInvite> invite_params(const NetworkInviteOptions& options);
[[nodiscard]] value::Result<ipc::MemberRef> remove_params(const std::string& network,
                                                          const std::string& member);

// The invite of `network join`: the argument itself, a line of `in` for "-", or the one line of a
// file for "@FILE" (at most ipc::kMaxInviteText bytes), without surrounding white space, checked.
// The error never quotes the text (it holds an enrollment key); the caller wipes the result.
[[nodiscard]] value::Result<std::string> read_invite(const std::string& argument, std::istream& in);

// Calls network.list every `poll` until network `name` is online or failed, or `timeout` passed;
// returns its last status (state joining or offline when the time ran out). A network that is
// gone from the list is refused, naming it.
struct JoinWait {
    std::chrono::milliseconds timeout{30'000};
    std::chrono::milliseconds poll{100};
};
[[nodiscard]] Outcome<ipc::NetworkStatus> wait_for_join(Client& client, const std::string& name,
                                                        const JoinWait& wait);

// This node's member name in `members` ("" when it is not listed).
[[nodiscard]] std::string own_name(const ipc::MemberList& members);

}  // namespace tulle::ctl
