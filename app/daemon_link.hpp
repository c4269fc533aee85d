// The app's connection to tulled's control socket: connects, says daemon.hello, and keeps
// retrying with backoff while the daemon is away.
#pragma once

#include <QLocalSocket>
#include <QObject>
#include <QString>
#include <QTimer>

#include "ipc/framing.hpp"

namespace tulle::app {

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

  signals:
    void state_changed(tulle::app::DaemonLink::State state, const QString& detail);

  private:
    void try_connect();
    void on_connected();
    void on_ready_read();
    void on_error(QLocalSocket::LocalSocketError error);
    void set_state(State state, const QString& detail);
    void schedule_retry();

    QString socket_path_;
    QLocalSocket socket_;
    QTimer retry_timer_;
    ipc::LineFramer framer_;
    int backoff_ms_;
    State state_ = State::connecting;
    QString detail_;
};

}  // namespace tulle::app
