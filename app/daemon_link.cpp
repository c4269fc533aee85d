#include "app/daemon_link.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "ipc/methods.hpp"
#include "ipc/version.hpp"

namespace tulle::app {
namespace {
constexpr int kFirstRetryMs = 500;
constexpr int kMaxRetryMs = 10000;

}  // namespace

DaemonLink::DaemonLink(QString socket_path, QObject* parent)
    : QObject(parent),
      socket_path_(std::move(socket_path)),
      framer_(ipc::kMaxMessageSize),
      backoff_ms_(kFirstRetryMs) {
    retry_timer_.setSingleShot(true);
    connect(&retry_timer_, &QTimer::timeout, this, &DaemonLink::try_connect);
    connect(&socket_, &QLocalSocket::connected, this, &DaemonLink::on_connected);
    connect(&socket_, &QLocalSocket::readyRead, this, &DaemonLink::on_ready_read);
    connect(&socket_, &QLocalSocket::errorOccurred, this, &DaemonLink::on_error);
    connect(&socket_, &QLocalSocket::disconnected, this,
            [this] { on_lost(tr("The connection to tulled was lost; reconnecting.")); });
}

DaemonLink::~DaemonLink() {
    // The socket may still report a disconnect while it goes away; nothing of this object may
    // be reached from it then.
    QObject::disconnect(&socket_, nullptr, this, nullptr);
    socket_.abort();
}

void DaemonLink::start() {
    try_connect();
}

void DaemonLink::try_connect() {
    framer_ = ipc::LineFramer(ipc::kMaxMessageSize);
    socket_.abort();
    if (state_ != State::unavailable && state_ != State::incompatible) {
        set_state(State::connecting, {});
    }
    socket_.connectToServer(socket_path_);
}

void DaemonLink::send(std::int64_t id, std::string_view method, ipc::Json params) {
    const std::string line = ipc::encode(ipc::Request{id, std::string(method), std::move(params)});
    socket_.write(line.data(), static_cast<qint64>(line.size()));
}

void DaemonLink::answer_later(QObject* context, ReplyHandler handler, ipc::Error error) {
    // A timer object rather than QTimer::singleShot(functor): the same, and clear to the
    // static analyser, which misreads the functor overload's ownership.
    auto* timer = new QTimer(context != nullptr ? context : this);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, timer,
            [timer, handler = std::move(handler), error = std::move(error)] {
                handler(ipc::refuse(error));
                timer->deleteLater();
            });
    timer->start(0);
}

void DaemonLink::call_raw(std::string_view method, ipc::Json params, QObject* context,
                          ReplyHandler handler) {
    if (state_ != State::connected) {
        // Answered on the next turn of the loop, as a reply would be, never inside the caller.
        answer_later(context, std::move(handler),
                     ipc::Error{ipc::ErrorCode::internal_error,
                                tr("tulled is not connected.").toStdString()});
        return;
    }
    const std::int64_t id = next_id_++;
    pending_.emplace(id, Pending{QPointer<QObject>(context), std::move(handler)});
    send(id, method, std::move(params));
}

void DaemonLink::on_connected() {
    ipc::HelloParams hello;
    hello.client = std::string("tulle ") + kVersion;
    const std::int64_t id = next_id_++;
    pending_.emplace(
        id, Pending{QPointer<QObject>(this), [this](const ipc::Outcome<ipc::Json>& outcome) {
                        if (!outcome.ok()) {
                            on_hello(ipc::refuse(outcome.error()));
                        } else {
                            on_hello(ipc::read_result<ipc::HelloMethod>(*outcome));
                        }
                    }});
    send(id, ipc::HelloMethod::name, ipc::to_json(hello));
}

void DaemonLink::on_hello(const ipc::Outcome<ipc::HelloResult>& hello) {
    if (!hello.ok()) {
        refuse(QString::fromStdString(hello.error().message));
        return;
    }
    const auto& result = *hello;
    const std::string mismatch = ipc::version_mismatch(ipc::kProtocolVersion, result.version);
    if (!mismatch.empty()) {
        refuse(QString::fromStdString(mismatch));
        return;
    }
    backoff_ms_ = kFirstRetryMs;
    daemon_version_ = result.version;
    // Every event, so the app follows changes made by tullectl or wg(8) as well as its own;
    // before the state changes, so no reply to a page's first call precedes it.
    const std::int64_t id = next_id_++;
    pending_.emplace(id, Pending{QPointer<QObject>(this), [](const ipc::Outcome<ipc::Json>&) {}});
    send(id, ipc::SubscribeMethod::name, ipc::to_json(ipc::Subscription{}));
    set_state(State::connected, QString::fromStdString(result.daemon));
}

void DaemonLink::refuse(const QString& why) {
    // Try again now and then: the daemon (or the app) may be updated in the meantime.
    set_state(State::incompatible, why);
    backoff_ms_ = kMaxRetryMs;
    refusing_ = true;  // the disconnect this causes keeps the message
    socket_.abort();
    refusing_ = false;
    schedule_retry();
}

void DaemonLink::on_ready_read() {
    const QByteArray bytes = socket_.readAll();
    if (!framer_.feed({bytes.constData(), static_cast<std::size_t>(bytes.size())})) {
        refuse(tr("tulled sent a message over the size limit."));
        return;
    }
    while (auto line = framer_.next()) {
        auto decoded = ipc::decode(*line);
        const auto* message = std::get_if<ipc::Message>(&decoded);
        if (message == nullptr) {
            continue;
        }
        if (const auto* request = std::get_if<ipc::Request>(message)) {
            if (request->is_notification()) {
                on_event(*request);
            }
            continue;
        }
        const auto& response = std::get<ipc::Response>(*message);
        if (!response.id.is_number_integer()) {
            continue;
        }
        auto found = pending_.find(response.id.get<std::int64_t>());
        if (found == pending_.end()) {
            continue;
        }
        Pending pending = std::move(found->second);
        pending_.erase(found);
        if (pending.context != nullptr) {
            pending.handler(response.outcome);
        }
        if (socket_.state() != QLocalSocket::ConnectedState) {
            return;  // a handler closed the link
        }
    }
}

void DaemonLink::on_event(const ipc::Request& event) {
    // Each event of the table to its signal; malformed events are dropped.
    ipc::Events::for_each([this, &event](auto type) {
        using E = typename decltype(type)::type;
        if (event.method != E::name) {
            return;
        }
        auto decoded = ipc::read(event.params, ipc::As<typename E::Params>{});
        if (decoded.ok()) {
            announce(*decoded);
        }
    });
}

void DaemonLink::announce(const ipc::TunnelChanged& event) {
    emit tunnel_changed(event);
}
void DaemonLink::announce(const ipc::PeerChanged& event) {
    emit peer_changed(event);
}
void DaemonLink::announce(const ipc::StatsEvent& event) {
    emit stats(event);
}
void DaemonLink::announce(const ipc::LogLine& line) {
    emit log_line(line);
}
void DaemonLink::announce(const ipc::NetworkChanged& event) {
    emit network_changed(event);
}
void DaemonLink::announce(const ipc::PathChanged& event) {
    emit path_changed(event);
}

void DaemonLink::on_error(QLocalSocket::LocalSocketError error) {
    if (error == QLocalSocket::PeerClosedError) {
        return;  // reported through disconnected()
    }
    QString what;
    switch (error) {
        case QLocalSocket::ServerNotFoundError:
        case QLocalSocket::ConnectionRefusedError:
            what = tr("tulled is not running: nothing answers on its control socket %1. "
                      "Start it with \"sudo systemctl start tulled\"; Tulle connects as soon as "
                      "it runs.")
                       .arg(socket_path_);
            break;
        case QLocalSocket::SocketAccessError:
            what = tr("You may not use tulled's control socket %1. Add yourself to the group "
                      "\"tulle\" (sudo adduser $USER tulle) and log in again.")
                       .arg(socket_path_);
            break;
        default:
            what = tr("Cannot reach tulled: %1").arg(socket_.errorString());
            break;
    }
    on_lost(what);
}

void DaemonLink::on_lost(const QString& why) {
    fail_pending(why);
    if (!refusing_) {
        set_state(State::unavailable, why);
    }
    schedule_retry();
}

void DaemonLink::fail_pending(const QString& why) {
    auto pending = std::move(pending_);
    pending_.clear();
    const ipc::Error error{ipc::ErrorCode::internal_error, why.toStdString()};
    for (auto& [id, call] : pending) {
        if (call.context != nullptr && call.context != this) {
            call.handler(ipc::refuse(error));
        }
    }
}

void DaemonLink::schedule_retry() {
    if (!retry_timer_.isActive()) {
        retry_timer_.start(backoff_ms_);
        backoff_ms_ = std::min(backoff_ms_ * 2, kMaxRetryMs);
    }
}

void DaemonLink::set_state(State state, const QString& detail) {
    if (state == state_ && detail == detail_) {
        return;
    }
    state_ = state;
    detail_ = detail;
    emit state_changed(state_, detail_);
}

}  // namespace tulle::app
