// The Tunnels page: every tunnel (the user's profiles, root's system tunnels, and whatever runs)
// with its state; the selected one's public key (with a copy button), addresses, listen port,
// DNS and MTU, the kill switch ("Block untunneled traffic"); and the buttons to bring it up or
// down, create, import, export, rename, delete.
#pragma once

#include <map>

#include <QCheckBox>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QWidget>

#include "app/models.hpp"
#include "app/qr_export_dialog.hpp"
#include "app/tunnel_actions.hpp"

namespace tulle::app {

// What the details pane shows of a tunnel (no secrets).
struct TunnelFacts {
    QString public_key;
    QString addresses;
    QString listen_port;
    QString dns;
    QString mtu;
    bool kill_switch = false;  // "# tulle: kill-switch" in its file
};

// The facts in a configuration: from a full config (local profiles) or tunnel.get's settings.
[[nodiscard]] TunnelFacts facts_of(const ipc::TunnelConfig& config);
[[nodiscard]] TunnelFacts facts_of(const ipc::TunnelSettings& settings);

class TunnelsPage : public QWidget {
    Q_OBJECT
  public:
    TunnelsPage(TunnelHub& hub, TunnelActions& actions, QWidget* parent = nullptr);

    void select(const QString& name);
    [[nodiscard]] QString selected() const;
    [[nodiscard]] QString shown_public_key() const { return public_key_->text(); }
    [[nodiscard]] const TunnelListModel& model() const { return model_; }

    void toggle_selected();
    void create_tunnel();
    void export_selected();
    // Export -> QR code: a new peer for a phone (the dialog, open; it deletes itself when closed).
    QrExportDialog* export_qr_selected();
    void rename_selected();
    void delete_selected();

  private:
    void show_details();
    [[nodiscard]] TunnelFacts facts_for(const QString& name, const TunnelView& view);
    void load_facts(const QString& name);
    void load_system_facts(const QString& name);

    TunnelHub& hub_;
    TunnelActions& actions_;
    TunnelListModel model_;
    QTableView* table_;
    QLabel* title_;
    QLabel* state_;
    QLabel* public_key_;
    QPushButton* copy_key_;
    QLabel* addresses_;
    QLabel* listen_port_;
    QLabel* dns_;
    QLabel* mtu_;
    QLabel* kind_;
    QPushButton* toggle_;
    // Block untunneled traffic: shows the running tunnel's kill switch; for a tunnel that is down,
    // what the next Turn on asks for (the file's choice until the user changes it).
    QCheckBox* kill_switch_;
    std::map<QString, bool> kill_switch_choice_;
    QPushButton* export_;
    QAction* export_qr_ = nullptr;
    QPushButton* rename_;
    QPushButton* delete_;
    std::map<QString, TunnelFacts>
        facts_;  // of local profiles and system tunnels that are down, read once
};

}  // namespace tulle::app
