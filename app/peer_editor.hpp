// The peer editor: add or edit one peer of a running tunnel. Every field is checked as the user
// types, with the message beside it; Apply sends peer.add or peer.update and shows tulled's
// answer, staying open on a refusal so nothing typed is lost.
#pragma once

#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

#include "app/daemon_link.hpp"
#include "app/peer_form.hpp"
#include "app/tunnel_hub.hpp"

namespace tulle::app {

class PeerEditor : public QDialog {
    Q_OBJECT
  public:
    // A new peer for `tunnel`; `taken`: the keys it has already, `own`: its own public key.
    // (Pass them typed: `{}, {}` would pick the editing constructor.)
    PeerEditor(DaemonLink& link, QString tunnel, QStringList taken, QString own,
               QWidget* parent = nullptr);
    // Edit `peer` of `tunnel` (its key cannot change: that would be another peer).
    PeerEditor(DaemonLink& link, QString tunnel, const ipc::PeerStatus& peer,
               QWidget* parent = nullptr);
    ~PeerEditor() override;
    PeerEditor(const PeerEditor&) = delete;
    PeerEditor& operator=(const PeerEditor&) = delete;

    [[nodiscard]] PeerForm form() const;
    void set_form(const PeerForm& form);
    [[nodiscard]] bool can_apply() const;
    // The message under a field (empty when good), for tests.
    [[nodiscard]] QString message(const QString& field) const;
    [[nodiscard]] QString result_text() const { return result_->text(); }
    [[nodiscard]] bool editing() const { return editing_; }

    // Sends the change; accepts the dialog when tulled applied it.
    void apply();

  signals:
    void applied(const QString& tunnel, const QString& public_key);

  private:
    void build();
    void check();
    QLabel* add_row(QFormLayout* layout, const QString& label, QWidget* field,
                    const QString& object_name);

    DaemonLink& link_;
    QString tunnel_;
    QStringList taken_;
    QString own_;
    bool editing_ = false;
    bool had_preshared_key_ = false;

    QLineEdit* name_ = nullptr;
    QLineEdit* public_key_ = nullptr;
    QLineEdit* endpoint_ = nullptr;
    QLineEdit* allowed_ips_ = nullptr;
    QSpinBox* keepalive_ = nullptr;
    QLineEdit* preshared_key_ = nullptr;
    QCheckBox* remove_psk_ = nullptr;
    std::map<QString, QLabel*> messages_;
    QLabel* result_ = nullptr;
    QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace tulle::app
