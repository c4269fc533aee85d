// The Networks page's dialogs: Create network (this node becomes a lighthouse), Invite (one line
// and its QR code, shown while the dialog is open), and Join (paste an invite or open a file that
// holds one, then follow the join to its end through network.changed). Each checks what it can
// before sending, and puts tulled's refusals next to the field they name.
#pragma once

#include <optional>

#include <QByteArray>
#include <QComboBox>
#include <QDialog>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>

#include "app/daemon_link.hpp"

namespace tulle::app {

// Where an error from tulled belongs: "params.range: ..." names the field "range". Returns the
// field's key ("" when the error names none) and the sentence without it.
struct FieldError {
    QString field;
    QString text;
};
[[nodiscard]] FieldError field_of(const std::string& error);

// The line the user pasted, as tulled reads it: white space (a line folded by a mail program)
// dropped and upper case (a QR code reader or a person may give lower case). Empty when it is not
// an invite at all; `error` then says why.
[[nodiscard]] std::string normalize_invite(const QString& pasted, QString& error);

class CreateNetworkDialog : public QDialog {
    Q_OBJECT
  public:
    explicit CreateNetworkDialog(DaemonLink& link, QWidget* parent = nullptr);

    // "endpoints": one or more, separated by commas or spaces; "port": empty for the first
    // endpoint's.
    void set_fields(const QString& name, const QString& range, const QString& endpoints,
                    const QString& port);
    // Checks the fields; when they are good, network.create. The result or the error shows.
    void create();

    // The error shown under a field ("name", "range", "endpoints", "listen_port"), or empty.
    [[nodiscard]] QString error_for(const QString& field) const;
    [[nodiscard]] QString message() const { return message_->text(); }

  signals:
    void created(const QString& network);

  private:
    struct Field {
        QString key;
        QLineEdit* edit;
        QLabel* error;
    };
    [[nodiscard]] std::optional<ipc::NetworkCreate> read_fields();
    void show_error(const QString& field, const QString& text);
    void clear_errors();

    DaemonLink& link_;
    std::vector<Field> fields_;
    QPushButton* create_;
    QLabel* message_;
};

class InviteDialog : public QDialog {
    Q_OBJECT
  public:
    // `range`: the network's, to check a chosen address before sending.
    InviteDialog(DaemonLink& link, QString network, const std::optional<value::IpPrefix>& range,
                 QWidget* parent = nullptr);
    ~InviteDialog() override;
    InviteDialog(const InviteDialog&) = delete;
    InviteDialog& operator=(const InviteDialog&) = delete;

    void set_fields(const QString& name, const QString& address, std::int64_t expires_in);
    // network.invite; then the line, its QR code and Copy show.
    void create();

    [[nodiscard]] QString message() const { return message_->text(); }
    [[nodiscard]] bool shown() const { return !invite_.isEmpty(); }
    [[nodiscard]] QString invite_text() const { return QString::fromLatin1(invite_); }
    [[nodiscard]] QImage image() const { return image_; }
    // Puts the line on the clipboard (the Copy button).
    void copy() const;

  signals:
    void invited(const QString& network, const QString& name);

  private:
    void show_result(const ipc::InviteIssued& issued);
    void wipe();

    DaemonLink& link_;
    QString network_;
    std::optional<value::IpPrefix> range_;
    QLineEdit* name_;
    QLineEdit* address_;
    QComboBox* expiry_;
    QPushButton* create_;
    QLabel* message_;
    QWidget* result_;
    QLabel* expires_;
    QPlainTextEdit* line_;
    QLabel* code_;
    QByteArray invite_;  // the line, a secret until it is used or expires
    QImage image_;
};

class JoinDialog : public QDialog {
    Q_OBJECT
  public:
    enum class Stage : std::uint8_t { editing, joining, joined, failed };

    explicit JoinDialog(DaemonLink& link, QWidget* parent = nullptr);
    ~JoinDialog() override;
    JoinDialog(const JoinDialog&) = delete;
    JoinDialog& operator=(const JoinDialog&) = delete;

    void set_invite(const QString& text);
    void set_name(const QString& name);
    // Reads the first invite in a small file into the field; an error message, or empty.
    [[nodiscard]] QString open_file(const QString& path);
    // network.join, then waits for network.changed.
    void join();

    [[nodiscard]] Stage stage() const { return stage_; }
    [[nodiscard]] QString network() const { return network_; }
    [[nodiscard]] QString message() const { return message_->text(); }

  signals:
    void joined(const QString& network);

  private:
    void follow(const ipc::NetworkChanged& event);
    void set_stage(Stage stage, const QString& text);
    void wipe();

    DaemonLink& link_;
    QPlainTextEdit* invite_;
    QPushButton* open_;
    QLineEdit* name_;
    QPushButton* join_;
    QProgressBar* progress_;
    QLabel* message_;
    Stage stage_ = Stage::editing;
    QString network_;
};

}  // namespace tulle::app
