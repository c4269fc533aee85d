// The Networks page: this node's mesh networks (name, role, state and its problem, address,
// member count) and the selected network's members (address, online, path, last seen), with the
// actions Create network…, Join…, Invite…, Remove member and Leave network. It reads network.list
// on connect and on every network.changed, the members on peer events of the network's tunnel
// and every few seconds while the page is visible (never while hidden).
#pragma once

#include <functional>
#include <vector>

#include <QAbstractTableModel>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QWidget>

#include "app/daemon_link.hpp"
#include "app/network_dialogs.hpp"

namespace tulle::app {

class NetworkListModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { name, role, state, address, members, column_count };

    explicit NetworkListModel(QObject* parent = nullptr);
    void assign(std::vector<ipc::NetworkStatus> networks);
    [[nodiscard]] const ipc::NetworkStatus* at(int row) const;
    [[nodiscard]] int row_of(const QString& name) const;

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

  private:
    std::vector<ipc::NetworkStatus> networks_;
};

class MemberTableModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { name, address, online, path, last_seen, column_count };

    explicit MemberTableModel(QObject* parent = nullptr);
    // `now`: Unix seconds, for "last seen".
    void assign(ipc::MemberList members, std::int64_t now);
    void clear();
    [[nodiscard]] QString network() const { return QString::fromStdString(list_.network); }
    [[nodiscard]] const ipc::Member* at(int row) const;

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

  private:
    ipc::MemberList list_;
    std::int64_t now_ = 0;
};

// A network's state for people: "online", "joining…", "offline: <problem>", "failed: <problem>".
[[nodiscard]] QString network_state_text(const ipc::NetworkStatus& network);

class NetworksPage : public QWidget {
    Q_OBJECT
  public:
    static constexpr int kPollMs = 5000;
    // Asks the user to confirm (title, question): yes or no. A message box unless a test sets
    // its own.
    using Confirm = std::function<bool(const QString& title, const QString& question)>;

    explicit NetworksPage(DaemonLink& link, QWidget* parent = nullptr);

    void set_confirm(Confirm confirm) { confirm_ = std::move(confirm); }
    // How often the members are read while the page shows (kPollMs unless a test says).
    void set_poll_interval(int ms) { poll_.setInterval(ms); }
    // network.list, then the selected network's members.
    void refresh();
    void refresh_members();
    void select(const QString& network);
    [[nodiscard]] QString selected_network() const;
    [[nodiscard]] const ipc::Member* selected_member() const;
    [[nodiscard]] bool polling() const { return poll_.isActive(); }
    [[nodiscard]] QString message() const { return message_->text(); }

    [[nodiscard]] const NetworkListModel& networks() const { return networks_; }
    [[nodiscard]] const MemberTableModel& members() const { return members_; }
    [[nodiscard]] QTableView& network_table() { return *network_table_; }
    [[nodiscard]] QTableView& member_table() { return *member_table_; }

    // The actions; each dialog is open (non-modal to the test, window-modal to the user) and
    // deletes itself when closed.
    CreateNetworkDialog* create_network();
    InviteDialog* invite();
    JoinDialog* join();
    void remove_member();
    void leave_network();

  signals:
    void status_message(const QString& text);

  protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

  private:
    void update_buttons();
    void show_members_of(const QString& network);
    [[nodiscard]] const ipc::NetworkStatus* selected_status() const;
    void report(const QString& text);

    DaemonLink& link_;
    NetworkListModel networks_;
    MemberTableModel members_;
    QTableView* network_table_;
    QLabel* problem_;
    QLabel* members_title_;
    QTableView* member_table_;
    QLabel* empty_;
    QLabel* message_;
    QPushButton* create_;
    QPushButton* join_;
    QPushButton* invite_;
    QPushButton* remove_;
    QPushButton* leave_;
    QTimer poll_;
    QString selected_;
    Confirm confirm_;
};

}  // namespace tulle::app
