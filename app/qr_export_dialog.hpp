// Export -> QR code: a new peer of a running tunnel for a phone. The dialog asks where the phone
// reaches this machine (and, if wanted, its name, address and routes), makes the key pair here,
// adds the peer with peer.add and then shows the phone's wg-quick file once: as a QR code for the
// WireGuard mobile apps and as text, with Copy and Save. The private key never goes to tulled;
// the dialog wipes what it can of it when it closes.
#pragma once

#include <QByteArray>
#include <QCheckBox>
#include <QDialog>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

#include "app/daemon_link.hpp"
#include "peer_export/qr.hpp"

namespace tulle::app {

// The code as a picture: black modules of `scale` pixels on white, with the quiet zone.
[[nodiscard]] QImage qr_image(const peer_export::QrCode& code, int scale);

// The layout of a dialog that makes something and then shows it once (the QR export, an invite):
// `top` (the fields), the button that makes it beside its message, the result below, and Close,
// which rejects the dialog.
void lay_out_shown_once(QDialog& dialog, QLayout* top, QPushButton* make, QLabel* message,
                        QWidget* result);

class QrExportDialog : public QDialog {
    Q_OBJECT
  public:
    QrExportDialog(DaemonLink& link, QString tunnel, QWidget* parent = nullptr);
    ~QrExportDialog() override;
    QrExportDialog(const QrExportDialog&) = delete;
    QrExportDialog& operator=(const QrExportDialog&) = delete;

    // The form's fields, for tests and screenshots.
    void set_fields(const QString& name, const QString& endpoint, const QString& address,
                    bool full_tunnel);
    // tunnel.get, the keys and the file, then peer.add; the result or the error shows below.
    void create();

    [[nodiscard]] QString message() const { return message_->text(); }
    [[nodiscard]] bool shown() const { return !text_.isEmpty(); }
    [[nodiscard]] QString config_text() const { return config_->toPlainText(); }
    [[nodiscard]] QImage image() const { return image_; }
    // Writes the file (mode 0600); an error message, or empty.
    [[nodiscard]] QString save_to(const QString& path) const;

  signals:
    void exported(const QString& tunnel, const QString& public_key);

  private:
    void show_result(const std::string& text);
    [[nodiscard]] QString for_fields(const std::string& error) const;
    void wipe();

    DaemonLink& link_;
    QString tunnel_;
    QLineEdit* name_;
    QLineEdit* endpoint_;
    QLineEdit* address_;
    QCheckBox* full_tunnel_;
    QPushButton* create_;
    QLabel* message_;
    QWidget* result_;
    QLabel* code_;
    QPlainTextEdit* config_;
    QByteArray text_;  // the file, secrets and all, until the dialog goes
    QImage image_;
};

}  // namespace tulle::app
