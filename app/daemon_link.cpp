#include "app/daemon_link.hpp"

#include <algorithm>
#include <string>
#include <variant>

#include "ipc/jsonrpc.hpp"
#include "ipc/version.hpp"

namespace tulle::app {
namespace {
constexpr int kFirstRetryMs = 500;
constexpr int kMaxRetryMs = 10000;
constexpr int kHelloId = 1;
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
    connect(&socket_, &QLocalSocket::disconnected, this, [this] {
        set_state(State::unavailable, tr("The connection to tulled was lost; reconnecting."));
        schedule_retry();
    });
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
    socket_.connectToServer(socket_path_);
}

void DaemonLink::on_connected() {
    ipc::HelloParams hello;
    hello.client = std::string("tulle ") + kVersion;
    const std::string line =
        ipc::encode(ipc::Request{kHelloId, std::string(ipc::method::kHello), ipc::to_json(hello)});
    socket_.write(line.data(), static_cast<qint64>(line.size()));
}

void DaemonLink::on_ready_read() {
    const QByteArray bytes = socket_.readAll();
    if (!framer_.feed({bytes.constData(), static_cast<std::size_t>(bytes.size())})) {
        set_state(State::incompatible, tr("tulled sent a message over the size limit."));
        socket_.abort();
        return;
    }
    while (auto line = framer_.next()) {
        auto decoded = ipc::decode(*line);
        const auto* message = std::get_if<ipc::Message>(&decoded);
        const auto* response = message ? std::get_if<ipc::Response>(message) : nullptr;
        if (response == nullptr || response->id != kHelloId) {
            continue;
        }
        if (const auto* error = std::get_if<ipc::Error>(&response->outcome)) {
            set_state(State::incompatible, QString::fromStdString(error->message));
            continue;
        }
        auto hello = ipc::hello_result_from_json(std::get<ipc::Json>(response->outcome));
        if (const auto* error = std::get_if<ipc::Error>(&hello)) {
            set_state(State::incompatible, QString::fromStdString(error->message));
            continue;
        }
        const auto& result = std::get<ipc::HelloResult>(hello);
        const std::string mismatch = ipc::version_mismatch(ipc::kProtocolVersion, result.version);
        if (!mismatch.empty()) {
            set_state(State::incompatible, QString::fromStdString(mismatch));
            continue;
        }
        backoff_ms_ = kFirstRetryMs;
        set_state(State::connected, QString::fromStdString(result.daemon));
    }
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
                      "Tulle keeps trying and connects as soon as tulled starts.")
                       .arg(socket_path_);
            break;
        case QLocalSocket::SocketAccessError:
            what = tr("You may not use tulled's control socket %1. Add yourself to the group "
                      "\"tulle\" and log in again.")
                       .arg(socket_path_);
            break;
        default:
            what = tr("Cannot reach tulled: %1").arg(socket_.errorString());
            break;
    }
    set_state(State::unavailable, what);
    schedule_retry();
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
