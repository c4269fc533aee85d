// The one in-process stand-in for tulled's control socket (the app's tests and tests/bench): a
// QLocalServer that speaks the real protocol from ipc/ (daemon.hello, then typed handlers a test
// sets per method of ipc/methods.hpp), records every call and sends events to every client.
// Params go through the same decoders (ipc::Dispatcher) as in tulled, so a call tulled would
// refuse is refused here too; results are typed, so the fake cannot answer what tulled never
// would.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <QLocalServer>
#include <QLocalSocket>
#include <QPointer>

#include "app/daemon_link.hpp"
#include "ipc/jsonrpc.hpp"
#include "ipc/messages.hpp"
#include "ipc/methods.hpp"

namespace tulle::app::test {

class FakeDaemon {
  public:
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
        on<ipc::SubscribeMethod>([](const ipc::Subscription& topics) { return topics; });
        on<ipc::TunnelListMethod>([](const ipc::NoParams&) { return ipc::TunnelList{}; });
        on<ipc::LogTailMethod>([](const ipc::LogQuery&) { return ipc::LogTail{}; });
        on<ipc::StatsHistoryMethod>([](const ipc::StatsQuery&) { return ipc::StatsHistory{}; });
    }

    [[nodiscard]] bool listening() const { return server_.isListening(); }

    // Answers method M with `handler`, after its params decoded as tulled decodes them.
    template <typename M>
    void on(std::function<ipc::Outcome<typename M::Result>(const typename M::Params&)> handler) {
        methods_.on<M>(
            [handler = std::move(handler)](FakeDaemon& /*self*/, const typename M::Params& params) {
                return handler(params);
            });
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
    // Sends event E to every client.
    template <typename E>
    void push(const typename E::Params& params) {
        const std::string line = ipc::encode(ipc::notification<E>(params));
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
            const std::string reply =
                ipc::encode_reply(ipc::Response{request.id, answer(request)}, request.method);
            client->write(reply.data(), static_cast<qint64>(reply.size()));
        }
    }

    ipc::Outcome<ipc::Json> answer(const ipc::Request& request) {
        if (request.method == ipc::HelloMethod::name) {
            return ipc::to_json(ipc::HelloResult{version_, "tulled test"});
        }
        if (const auto* method = methods_.find(request.method)) {
            return method->handler(*this, request.params);
        }
        return ipc::refuse(ipc::ErrorCode::method_not_found, "no such method");
    }

    QLocalServer server_;
    ipc::ProtocolVersion version_;
    ipc::Dispatcher<FakeDaemon> methods_;
    std::vector<Call> calls_;
    std::vector<QPointer<QLocalSocket>> clients_;
};

// A key made of one repeated byte: easy to tell apart in tests.
inline value::Key key_of(std::uint8_t byte) {
    std::array<std::uint8_t, value::kKeySize> bytes{};
    bytes.fill(byte);
    return value::Key(bytes);
}

inline ipc::PeerStatus peer_status_of(const value::Key& key) {
    ipc::PeerStatus peer;
    peer.public_key = key;
    return peer;
}

inline ipc::PeerStatus peer_status(std::uint8_t byte, const std::string& name) {
    ipc::PeerStatus peer;
    peer.public_key = key_of(byte);
    peer.name = name;
    peer.endpoint = value::Endpoint::parse("192.0.2." + std::to_string(byte) + ":51820").value();
    peer.allowed_ips = {value::IpPrefix::parse("10.0.0." + std::to_string(byte) + "/32").value()};
    return peer;
}

inline ipc::TunnelStatus tunnel_status(const std::string& name, bool up) {
    ipc::TunnelStatus status;
    status.name = name;
    status.up = up;
    status.public_key = up ? std::optional(key_of(0xEE)) : std::nullopt;
    status.listen_port = up ? 51820 : 0;
    status.addresses = {value::IpPrefix::parse("10.0.0.1/24").value()};
    return status;
}

}  // namespace tulle::app::test
