// The app's connection to tulled's control socket: connects, says daemon.hello, subscribes to
// every event, and keeps retrying with backoff while the daemon is away. Calls made through it
// are answered asynchronously on the Qt event loop.
#pragma once

#include <functional>
#include <map>
#include <string_view>
#include <utility>

#include <QLocalSocket>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include "ipc/framing.hpp"
#include "ipc/jsonrpc.hpp"
#include "ipc/messages.hpp"
#include "ipc/methods.hpp"

namespace tulle::app {

// A raw call's outcome: the result, or the daemon's error (or the link's, when it is down).
using ReplyHandler = std::function<void(const ipc::Outcome<ipc::Json>&)>;

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

    // Calls method M of ipc/methods.hpp. The handler runs once with an
    // ipc::Outcome<M::Result>: the typed result, or the daemon's error (or the link's when it is
    // not connected or goes away first; or a result that does not decode). It is skipped when
    // `context` is destroyed before that.
    template <typename M, typename F>
    void call(const typename M::Params& params, QObject* context, F handler) {
        ReplyHandler typed = [handler = std::move(handler)](const ipc::Outcome<ipc::Json>& reply) {
            if (!reply.ok()) {
                handler(ipc::Outcome<typename M::Result>(ipc::refuse(reply.error())));
                return;
            }
            handler(ipc::read_result<M>(*reply));
        };
        if (auto why = ipc::unsupported<M>(daemon_version_); !why.empty()) {
            answer_later(context, std::move(typed),
                         ipc::Error{ipc::ErrorCode::version_mismatch, std::move(why)});
            return;
        }
        call_raw(M::name, ipc::to_json(params), context, std::move(typed));
    }

  signals:
    void state_changed(tulle::app::DaemonLink::State state, const QString& detail);
    // The daemon's events, decoded; malformed events are dropped.
    void tunnel_changed(const tulle::ipc::TunnelChanged& event);
    void peer_changed(const tulle::ipc::PeerChanged& event);
    void stats(const tulle::ipc::StatsEvent& event);
    void log_line(const tulle::ipc::LogLine& line);
    void network_changed(const tulle::ipc::NetworkChanged& event);
    void path_changed(const tulle::ipc::PathChanged& event);

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
    // Sends a call; the handler runs once, as call<M>'s.
    void call_raw(std::string_view method, ipc::Json params, QObject* context,
                  ReplyHandler handler);
    // Answers a call with `error` on the next turn of the loop, never inside the caller.
    void answer_later(QObject* context, ReplyHandler handler, ipc::Error error);
    void on_hello(const ipc::Outcome<ipc::HelloResult>& hello);
    void refuse(const QString& why);
    void on_event(const ipc::Request& event);
    // The signal of each event type.
    void announce(const ipc::TunnelChanged& event);
    void announce(const ipc::PeerChanged& event);
    void announce(const ipc::StatsEvent& event);
    void announce(const ipc::LogLine& line);
    void announce(const ipc::NetworkChanged& event);
    void announce(const ipc::PathChanged& event);
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
    ipc::ProtocolVersion daemon_version_ = ipc::kProtocolVersion;
};

}  // namespace tulle::app

Q_DECLARE_METATYPE(tulle::ipc::TunnelChanged)
Q_DECLARE_METATYPE(tulle::ipc::PeerChanged)
Q_DECLARE_METATYPE(tulle::ipc::StatsEvent)
Q_DECLARE_METATYPE(tulle::ipc::LogLine)
Q_DECLARE_METATYPE(tulle::ipc::NetworkChanged)
Q_DECLARE_METATYPE(tulle::ipc::PathChanged)
