// The app's connection to tulled's control socket: connects, says daemon.hello, subscribes to
// every event, and keeps retrying with backoff while the daemon is away. Calls made through it
// are answered asynchronously on the Qt event loop.
#pragma once

#include <functional>
#include <map>
#include <string_view>
#include <variant>

#include <QLocalSocket>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include "ipc/framing.hpp"
#include "ipc/jsonrpc.hpp"
#include "ipc/messages.hpp"

namespace tulle::app {

// A call's outcome: the result, or the daemon's error (or the link's, when it is down).
using Outcome = std::variant<ipc::Json, ipc::Error>;
using ReplyHandler = std::function<void(const Outcome&)>;

class DaemonLink : public QObject {
    Q_OBJECT
  public:
    enum class State { connecting, connected, unavailable, incompatible };
    Q_ENUM(State)

    explicit DaemonLink(QString socket_path, QObject* parent = nullptr);
    ~DaemonLink() override;
    DaemonLink(const DaemonLink&) = delete;
    DaemonLink& operator=(const DaemonLink&) = delete;

    void start();
    [[nodiscard]] State state() const { return state_; }
    // For people: what is wrong and what to do, or the daemon's name when connected.
    [[nodiscard]] QString detail() const { return detail_; }
    [[nodiscard]] QString socket_path() const { return socket_path_; }

    // Sends a call. The handler runs once: with the reply, or with an error when the link is
    // not connected or goes away first. It is skipped when `context` is destroyed before that.
    void call(std::string_view method, ipc::Json params, QObject* context, ReplyHandler handler);

  signals:
    void state_changed(tulle::app::DaemonLink::State state, const QString& detail);
    // The daemon's events, decoded; malformed events are dropped.
    void tunnel_changed(const tulle::ipc::TunnelChanged& event);
    void peer_changed(const tulle::ipc::PeerChanged& event);
    void stats(const tulle::ipc::StatsEvent& event);
    void log_line(const tulle::ipc::LogLine& line);

  private:
    struct Pending {
        QPointer<QObject> context;
        ReplyHandler handler;
    };

    void try_connect();
    void on_connected();
    void on_ready_read();
    void on_error(QLocalSocket::LocalSocketError error);
    void on_lost(const QString& why);
    void on_hello(const Outcome& outcome);
    void refuse(const QString& why);
    void on_event(const ipc::Request& event);
    void send(std::int64_t id, std::string_view method, ipc::Json params);
    void fail_pending(const QString& why);
    void set_state(State state, const QString& detail);
    void schedule_retry();

    QString socket_path_;
    QLocalSocket socket_;
    QTimer retry_timer_;
    ipc::LineFramer framer_;
    int backoff_ms_;
    State state_ = State::connecting;
    QString detail_;
    bool refusing_ = false;
    std::int64_t next_id_ = 1;
    std::map<std::int64_t, Pending> pending_;
};

}  // namespace tulle::app

Q_DECLARE_METATYPE(tulle::ipc::TunnelChanged)
Q_DECLARE_METATYPE(tulle::ipc::PeerChanged)
Q_DECLARE_METATYPE(tulle::ipc::StatsEvent)
Q_DECLARE_METATYPE(tulle::ipc::LogLine)
