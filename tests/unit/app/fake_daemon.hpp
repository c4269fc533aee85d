// An in-process stand-in for tulled's control socket: a QLocalServer that speaks the real
// protocol from ipc/ (daemon.hello, then whatever handlers a test sets), records every call and
// sends events to every client.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <QLocalServer>
#include <QLocalSocket>
#include <QPointer>
#include <QTest>

#include "app/daemon_link.hpp"
#include "ipc/jsonrpc.hpp"
#include "ipc/messages.hpp"

namespace tulle::app::test {

class FakeDaemon {
  public:
    using Handler = std::function<app::Outcome(const ipc::Json& params)>;
    struct Call {
        std::string method;
        ipc::Json params;
    };

    explicit FakeDaemon(const QString& path, ipc::ProtocolVersion version = ipc::kProtocolVersion)
        : version_(version) {
        QObject::connect(&server_, &QLocalServer::newConnection, [this] { accept(); });
        QLocalServer::removeServer(path);
        server_.listen(path);
        // What an idle daemon answers.
        on(ipc::method::kSubscribe, [](const ipc::Json&) { return ipc::Json::object(); });
        on(ipc::method::kTunnelList, [](const ipc::Json&) {
            return ipc::Json{{"tunnels", ipc::Json::array()}};
        });
        on(ipc::method::kLogTail, [](const ipc::Json&) {
            return ipc::Json{{"lines", ipc::Json::array()}};
        });
        on(ipc::method::kStatsHistory, [](const ipc::Json&) {
            return ipc::Json{{"peers", ipc::Json::array()}};
        });
    }

    [[nodiscard]] bool listening() const { return server_.isListening(); }
    void on(std::string_view method, Handler handler) {
        handlers_[std::string(method)] = std::move(handler);
    }
    [[nodiscard]] const std::vector<Call>& calls() const { return calls_; }
    [[nodiscard]] int count(std::string_view method) const {
        int n = 0;
        for (const auto& call : calls_) {
            n += call.method == method ? 1 : 0;
        }
        return n;
    }
    // The params of the newest call of `method`, or null.
    [[nodiscard]] ipc::Json last(std::string_view method) const {
        for (auto it = calls_.rbegin(); it != calls_.rend(); ++it) {
            if (it->method == method) {
                return it->params;
            }
        }
        return nullptr;
    }
    // Sends an event to every client.
    void push(std::string_view method, const ipc::Json& params) {
        const std::string line = ipc::encode(ipc::Request{nullptr, std::string(method), params});
        for (const auto& client : clients_) {
            if (client) {
                client->write(line.data(), static_cast<qint64>(line.size()));
                client->flush();
            }
        }
    }
    void disconnect_all() {
        for (const auto& client : clients_) {
            if (client) {
                client->abort();
            }
        }
    }

  private:
    void accept() {
        while (QLocalSocket* client = server_.nextPendingConnection()) {
            clients_.emplace_back(client);
            QObject::connect(client, &QLocalSocket::readyRead, client,
                             [this, client] { serve(client); });
        }
    }

    void serve(QLocalSocket* client) {
        while (client->canReadLine()) {
            const QByteArray line = client->readLine().trimmed();
            auto decoded = ipc::decode(line.toStdString());
            const auto* message = std::get_if<ipc::Message>(&decoded);
            if (message == nullptr || !std::holds_alternative<ipc::Request>(*message)) {
                continue;
            }
            const auto& request = std::get<ipc::Request>(*message);
            calls_.push_back({request.method, request.params});
            std::variant<ipc::Json, ipc::Error> outcome;
            if (request.method == ipc::method::kHello) {
                outcome = ipc::to_json(ipc::HelloResult{version_, "tulled test"});
            } else if (auto found = handlers_.find(request.method); found != handlers_.end()) {
                outcome = found->second(request.params);
            } else {
                outcome = ipc::Error{ipc::ErrorCode::method_not_found, "no such method"};
            }
            const std::string reply = ipc::encode(ipc::Response{request.id, outcome});
            client->write(reply.data(), static_cast<qint64>(reply.size()));
        }
    }

    QLocalServer server_;
    ipc::ProtocolVersion version_;
    std::map<std::string, Handler> handlers_;
    std::vector<Call> calls_;
    std::vector<QPointer<QLocalSocket>> clients_;
};

// A key made of one repeated byte: easy to tell apart in tests.
inline value::Key key_of(std::uint8_t byte) {
    std::array<std::uint8_t, value::kKeySize> bytes{};
    bytes.fill(byte);
    return value::Key(bytes);
}

inline ipc::PeerStatus peer_status(std::uint8_t byte, const std::string& name) {
    ipc::PeerStatus peer;
    peer.public_key = key_of(byte);
    peer.name = name;
    peer.endpoint = "192.0.2." + std::to_string(byte) + ":51820";
    peer.allowed_ips = {value::IpPrefix::parse("10.0.0." + std::to_string(byte) + "/32").value()};
    return peer;
}

inline ipc::TunnelStatus tunnel_status(const std::string& name, bool up) {
    ipc::TunnelStatus status;
    status.name = name;
    status.up = up;
    status.public_key = up ? key_of(0xEE).to_base64() : std::string();
    status.listen_port = up ? 51820 : 0;
    status.addresses = {value::IpPrefix::parse("10.0.0.1/24").value()};
    return status;
}

// The results tulled gives, built from typed values.
inline ipc::Json list_result(const std::vector<ipc::TunnelStatus>& tunnels) {
    ipc::Json list = ipc::Json::array();
    for (const auto& tunnel : tunnels) {
        list.push_back(ipc::to_json(tunnel));
    }
    return ipc::Json{{"tunnels", list}};
}

inline ipc::Json history_result(const std::vector<ipc::PeerHistory>& peers) {
    ipc::Json list = ipc::Json::array();
    for (const auto& peer : peers) {
        list.push_back(ipc::to_json(peer));
    }
    return ipc::Json{{"peers", list}};
}

}  // namespace tulle::app::test
