// The Peers page: one tunnel's peers in a sortable, filterable table that moves with the stats
// events, and the buttons that add, edit and remove peers of the running tunnel.
#pragma once

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QWidget>

#include "app/models.hpp"
#include "app/tunnel_hub.hpp"
#include "app/tunnel_picker.hpp"

namespace tulle::app {

class PeersPage : public QWidget {
    Q_OBJECT
  public:
    explicit PeersPage(TunnelHub& hub, QWidget* parent = nullptr);

    void show_tunnel(const QString& tunnel);
    [[nodiscard]] QString tunnel() const { return model_.tunnel(); }
    [[nodiscard]] const PeerTableModel& model() const { return model_; }
    [[nodiscard]] QSortFilterProxyModel& view_model() { return proxy_; }
    [[nodiscard]] QTableView& table() { return *table_; }

    // Opens the editor for a new peer, or for the selected one.
    void add_peer();
    void edit_selected();
    void remove_selected();

  signals:
    void status_message(const QString& text);

  private:
    void fill_tunnels();
    void update_buttons();
    [[nodiscard]] const PeerView* selected() const;

    TunnelHub& hub_;
    PeerTableModel model_;
    QSortFilterProxyModel proxy_;
    TunnelPicker* tunnels_;
    QLineEdit* filter_;
    QTableView* table_;
    QLabel* empty_;
    QPushButton* add_;
    QPushButton* edit_;
    QPushButton* remove_;
};

}  // namespace tulle::app
