// A small in-memory model of tulled's mesh networks behind the FakeDaemon: network.list, create,
// invite, join, members, remove and leave. Their params are decoded by the real codecs (the
// FakeDaemon's Dispatcher), which hold the limits (names, range sizes, endpoints, expiry, the
// invite's form and length); the model adds what tulled checks after decoding: names free and
// known, an invite's address inside the range, the lighthouse alone inviting and removing and
// never removing itself. Its results are encoded and decoded by the real codecs as well, so it
// cannot answer what tulled's codecs refuse. It sends network.changed where tulled does.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <QDateTime>
#include <QTimer>

#include "mesh/invite.hpp"
#include "tests/unit/app/fake_daemon.hpp"

namespace tulle::app::test {

class FakeNetworks {
  public:
    struct Network {
        ipc::NetworkStatus status;
        std::vector<ipc::Member> members;
    };

    explicit FakeNetworks(FakeDaemon& daemon) : daemon_(daemon) {
        daemon.on<ipc::NetworkListMethod>([this](const ipc::NoParams&) { return list(); });
        daemon.on<ipc::NetworkCreateMethod>(
            [this](const ipc::NetworkCreate& params) { return create(params); });
        daemon.on<ipc::NetworkInviteMethod>(
            [this](const ipc::NetworkInvite& params) { return invite(params); });
        daemon.on<ipc::NetworkJoinMethod>(
            [this](const ipc::NetworkJoin& params) { return join(params); });
        daemon.on<ipc::NetworkMembersMethod>(
            [this](const ipc::NetworkRef& params) -> ipc::Outcome<ipc::MemberList> {
                const Network* network = find(params.network);
                if (network == nullptr) {
                    return unknown(params.network);
                }
                return ipc::MemberList{params.network, network->members};
            });
        daemon.on<ipc::NetworkRemoveMethod>(
            [this](const ipc::MemberRef& params) { return remove(params); });
        daemon.on<ipc::NetworkLeaveMethod>(
            [this](const ipc::NetworkRef& params) -> ipc::Outcome<ipc::Done> {
                if (networks.erase(params.network) == 0) {
                    return unknown(params.network);
                }
                changed({params.network, ipc::NetworkState::offline, {}, true});
                return ipc::Done{};
            });
    }

    // How a join ends (after its answer, in a network.changed): the network the invite names
    // (as the real one would read from it), and online or failed with a problem.
    struct JoinEnd {
        std::string network = "home";
        ipc::NetworkState state = ipc::NetworkState::online;
        std::string problem;
    };

    std::map<std::string, Network> networks;
    JoinEnd join_end;
    std::int64_t now = QDateTime::currentSecsSinceEpoch();  // invites expire from here

    // A network as tulled lists it, with its members.
    Network& add(const std::string& name, ipc::NetworkRoleName role, const std::string& range,
                 const std::string& address) {
        Network& network = networks[name];
        network.status.name = name;
        network.status.id = "4f1c2a9e0b7d3c5a8e6f1d2c3b4a5968";
        network.status.role = role;
        network.status.state = ipc::NetworkState::online;
        network.status.range = value::IpPrefix::parse(range).value();
        network.status.address = value::IpAddress::parse(address).value();
        network.status.public_key = key_of(0xEE);
        network.status.up = true;
        return network;
    }
    static ipc::Member member(const std::string& name, std::uint8_t key,
                              const std::string& address) {
        ipc::Member out;
        out.name = name;
        out.public_key = key_of(key);
        out.addresses = {value::IpPrefix::parse(address + "/32").value()};
        return out;
    }

  private:
    static value::Unexpected<ipc::Error> unknown(const std::string& network) {
        return ipc::refuse(ipc::ErrorCode::not_found,
                           "params.network: no network named \"" + network + "\"");
    }
    static value::Unexpected<ipc::Error> invalid(const std::string& field, const std::string& why) {
        return ipc::refuse(ipc::ErrorCode::invalid_params, "params." + field + ": " + why);
    }

    Network* find(const std::string& name) {
        auto found = networks.find(name);
        return found == networks.end() ? nullptr : &found->second;
    }

    void changed(ipc::NetworkChanged event) {
        // After the reply, as tulled sends it.
        QTimer::singleShot(
            0, [this, event = std::move(event)] { daemon_.push<ipc::NetworkChangedEvent>(event); });
    }

    ipc::Outcome<ipc::NetworkList> list() const {
        ipc::NetworkList out;
        for (const auto& [name, network] : networks) {
            out.networks.push_back(network.status);
            out.networks.back().members = network.members.size();
        }
        return out;
    }

    ipc::Outcome<ipc::NetworkStatus> create(const ipc::NetworkCreate& params) {
        if (networks.contains(params.name)) {
            return ipc::refuse(ipc::ErrorCode::already_exists,
                               "params.name: a network named \"" + params.name + "\" exists");
        }
        const auto& range = params.range;
        // The lighthouse takes the range's first host address.
        const auto span = range.address().bytes();
        std::vector<std::uint8_t> bytes(span.begin(), span.end());
        bytes.back() = static_cast<std::uint8_t>(bytes.back() + 1);
        Network& network = add(params.name, ipc::NetworkRoleName::lighthouse, range.to_string(),
                               value::IpAddress::from_bytes(bytes).value().to_string());
        network.status.endpoints = params.endpoints;
        network.status.lighthouse = "this-host";
        ipc::Member self = member("this-host", 0xEE, network.status.address->to_string());
        self.lighthouse = true;
        self.self = true;
        self.online = true;
        network.members = {self};
        changed({params.name, ipc::NetworkState::online, {}, false});
        return network.status;
    }

    ipc::Outcome<ipc::InviteIssued> invite(const ipc::NetworkInvite& params) {
        Network* network = find(params.network);
        if (network == nullptr) {
            return unknown(params.network);
        }
        if (network->status.role != ipc::NetworkRoleName::lighthouse) {
            return ipc::refuse(ipc::ErrorCode::permission_denied,
                               "only the lighthouse of \"" + params.network + "\" invites");
        }
        for (const auto& member : network->members) {
            if (!params.name.empty() && member.name == params.name) {
                return invalid("name", "\"" + params.name + "\" is a member already");
            }
        }
        if (params.address && !network->status.range.contains(*params.address)) {
            return invalid("address", params.address->to_string() + " is outside " +
                                          network->status.range.to_string());
        }
        ipc::InviteIssued out;
        out.network = params.network;
        out.name = params.name;
        out.address =
            params.address ? *params.address : value::IpAddress::parse("10.88.0.7").value();
        out.expires = now + params.expires_in;
        // About as long as a real one (ids, keys, an endpoint and a signature in base32).
        out.invite = std::string(mesh::kInvitePrefix);
        std::uint32_t state = 0x9E3779B9U + static_cast<std::uint32_t>(++serial_);
        for (int i = 0; i < 380; ++i) {
            state = state * 1664525U + 1013904223U;  // a fixed sequence: no real key in a test
            out.invite.push_back("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[(state >> 27) & 31U]);
        }
        return out;
    }

    ipc::Outcome<ipc::NetworkStatus> join(const ipc::NetworkJoin& /*params*/) {
        // The codec checked its form; what it says (network, expiry, signature) the model does
        // not read: the test says how the join ends.
        if (networks.contains(join_end.network)) {
            return ipc::refuse(ipc::ErrorCode::already_exists,
                               "this node is in \"" + join_end.network + "\" already");
        }
        Network& network =
            add(join_end.network, ipc::NetworkRoleName::member, "10.88.0.0/16", "10.88.0.7");
        network.status.state = ipc::NetworkState::joining;
        ipc::NetworkStatus answer = network.status;
        network.status.state = join_end.state;
        network.status.problem = join_end.problem;
        changed({join_end.network, join_end.state, join_end.problem, false});
        return answer;
    }

    ipc::Outcome<ipc::Done> remove(const ipc::MemberRef& params) {
        Network* network = find(params.network);
        if (network == nullptr) {
            return unknown(params.network);
        }
        if (network->status.role != ipc::NetworkRoleName::lighthouse) {
            return ipc::refuse(ipc::ErrorCode::permission_denied,
                               "only the lighthouse of \"" + params.network + "\" removes members");
        }
        auto& members = network->members;
        for (auto it = members.begin(); it != members.end(); ++it) {
            if (it->name == params.member || it->public_key.to_base64() == params.member) {
                if (it->self) {
                    return invalid("member", "the lighthouse cannot remove itself: leave instead");
                }
                members.erase(it);
                changed({params.network, network->status.state, {}, false});
                return ipc::Done{};
            }
        }
        return ipc::refuse(
            ipc::ErrorCode::not_found,
            "params.member: no member \"" + params.member + "\" in " + params.network);
    }

    FakeDaemon& daemon_;
    int serial_ = 0;
};

}  // namespace tulle::app::test
