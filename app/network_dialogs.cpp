#include "app/network_dialogs.hpp"

#include <array>
#include <utility>

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QRegularExpression>
#include <QVBoxLayout>
#include <sodium.h>

#include "app/qr_export_dialog.hpp"
#include "app/tunnel_actions.hpp"
#include "ipc/messages.hpp"
#include "peer_export/qr.hpp"
#include "value/text.hpp"

namespace tulle::app {
namespace {

constexpr int kModulePixels = 4;
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 24 * kHour;

// A label under a field for what is wrong with it; hidden while nothing is.
QLabel* error_label(QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, QColor(0xc0, 0x1c, 0x28));
    label->setPalette(palette);
    label->hide();
    return label;
}

void wipe_bytes(QByteArray& bytes) {
    if (!bytes.isEmpty()) {
        sodium_memzero(bytes.data(), static_cast<std::size_t>(bytes.size()));  // detaches first
        bytes.clear();
    }
}

void wipe_text(std::string& text) {
    sodium_memzero(text.data(), text.size());
    text.clear();
}

// A field that holds a secret: no undo history that would keep a copy after it is cleared.
QPlainTextEdit* secret_text(QWidget* parent) {
    auto* edit = new QPlainTextEdit(parent);
    edit->setUndoRedoEnabled(false);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    edit->setWordWrapMode(QTextOption::WrapAnywhere);
    return edit;
}

}  // namespace

FieldError field_of(const std::string& error) {
    static const QRegularExpression named(QStringLiteral(R"(^params\.([a-z_]+)[^:]*: (.*)$)"),
                                          QRegularExpression::DotMatchesEverythingOption);
    const QString text = QString::fromStdString(error);
    const QRegularExpressionMatch match = named.match(text);
    if (!match.hasMatch()) {
        return {QString(), text};
    }
    return {match.captured(1), match.captured(2)};
}

std::string normalize_invite(const QString& pasted, QString& error) {
    std::string line;
    line.reserve(static_cast<std::size_t>(pasted.size()));
    for (const QChar c : pasted) {
        if (!c.isSpace()) {
            line.push_back(c.toUpper().toLatin1());
        }
    }
    if (line.empty()) {
        error = JoinDialog::tr("Paste an invite: one line that starts with TULLE1:.");
        return {};
    }
    // tulled's own rule (ipc/messages.hpp): "TULLE1:" and base32, at most 2,000 characters.
    if (auto problem = ipc::invite_text_error(line)) {
        wipe_text(line);
        error = QString::fromStdString(*problem);
        return {};
    }
    return line;
}

// --- create -------------------------------------------------------------------------------------

CreateNetworkDialog::CreateNetworkDialog(DaemonLink& link, QWidget* parent)
    : QDialog(parent),
      link_(link),
      create_(new QPushButton(tr("Crea&te"), this)),
      message_(new QLabel(this)) {
    setWindowTitle(tr("Create a network"));
    auto* intro = new QLabel(tr("This computer becomes the network's lighthouse: it admits "
                                "members with invites and tells them where the others are. "
                                "Members must reach it at one of its endpoints."),
                             this);
    intro->setWordWrap(true);
    auto* form = new QFormLayout;
    const std::array<std::pair<QString, QString>, 4> rows{{
        {QStringLiteral("name"), tr("&Name:")},
        {QStringLiteral("range"), tr("Address &range:")},
        {QStringLiteral("endpoints"), tr("&Endpoints:")},
        {QStringLiteral("listen_port"), tr("&Port:")},
    }};
    for (const auto& [key, label] : rows) {
        Field field{key, new QLineEdit(this), error_label(this)};
        field.edit->setObjectName(key);
        field.error->setObjectName(key + QStringLiteral("_error"));
        auto* cell = new QVBoxLayout;
        cell->setSpacing(2);
        cell->addWidget(field.edit);
        cell->addWidget(field.error);
        form->addRow(label, cell);
        fields_.push_back(field);
    }
    fields_[0].edit->setPlaceholderText(tr("home"));
    fields_[1].edit->setText(QStringLiteral("10.88.0.0/16"));
    fields_[2].edit->setPlaceholderText(tr("vpn.example.net:51820, 198.51.100.7:51820"));
    fields_[3].edit->setPlaceholderText(tr("the first endpoint's"));
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    create_->setDefault(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->addButton(create_, QDialogButtonBox::AcceptRole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(message_);
    layout->addWidget(buttons);
    connect(create_, &QPushButton::clicked, this, &CreateNetworkDialog::create);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void CreateNetworkDialog::set_fields(const QString& name, const QString& range,
                                     const QString& endpoints, const QString& port) {
    const std::array<QString, 4> values{name, range, endpoints, port};
    for (std::size_t i = 0; i < fields_.size(); ++i) {
        fields_[i].edit->setText(values.at(i));
    }
}

QString CreateNetworkDialog::error_for(const QString& field) const {
    for (const auto& known : fields_) {
        if (known.key == field) {
            return known.error->isHidden() ? QString() : known.error->text();
        }
    }
    return {};
}

void CreateNetworkDialog::show_error(const QString& field, const QString& text) {
    for (const auto& known : fields_) {
        if (known.key == field) {
            known.error->setText(text);
            known.error->show();
            return;
        }
    }
    message_->setText(text);
}

void CreateNetworkDialog::clear_errors() {
    for (const auto& field : fields_) {
        field.error->clear();
        field.error->hide();
    }
    message_->clear();
}

std::optional<ipc::NetworkCreate> CreateNetworkDialog::read_fields() {
    ipc::NetworkCreate out;
    bool good = true;
    const auto refuse = [this, &good](const char* field, const QString& why) {
        show_error(QString::fromLatin1(field), why);
        good = false;
    };
    out.name = fields_[0].edit->text().trimmed().toStdString();
    if (auto checked = value::check_tunnel_name(out.name); !checked.ok()) {
        refuse("name", QString::fromStdString(checked.error()));
    }
    const QString range = fields_[1].edit->text().trimmed();
    auto prefix = value::IpPrefix::parse(range.toStdString());
    if (!prefix.ok()) {
        refuse("range", QString::fromStdString(prefix.error()));
    } else if (auto problem = ipc::network_range_error(*prefix)) {
        refuse("range", QString::fromStdString(*problem));
    } else {
        out.range = *prefix;
    }
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    const QStringList endpoints = fields_[2].edit->text().split(separators, Qt::SkipEmptyParts);
    if (endpoints.isEmpty()) {
        refuse("endpoints", tr("Where members reach this computer: HOST:PORT, such as "
                               "vpn.example.net:51820."));
    } else if (static_cast<std::size_t>(endpoints.size()) > ipc::kMaxNetworkEndpoints) {
        refuse("endpoints", tr("At most %1 endpoints.").arg(ipc::kMaxNetworkEndpoints));
    }
    for (const QString& text : endpoints) {
        auto endpoint = value::Endpoint::parse(text.toStdString());
        if (!endpoint.ok()) {
            refuse("endpoints", tr("%1: %2").arg(text, QString::fromStdString(endpoint.error())));
            break;
        }
        out.endpoints.push_back(*endpoint);
    }
    if (const QString port = fields_[3].edit->text().trimmed(); !port.isEmpty()) {
        const auto number = value::parse_decimal(port.toStdString(), 65535);
        if (!number || *number == 0) {
            refuse("listen_port", tr("A port is a number from 1 to 65535."));
        } else {
            out.listen_port = static_cast<std::uint16_t>(*number);
        }
    }
    return good ? std::optional(std::move(out)) : std::nullopt;
}

void CreateNetworkDialog::create() {
    if (!create_->isEnabled()) {
        return;
    }
    clear_errors();
    auto params = read_fields();
    if (!params) {
        return;
    }
    create_->setEnabled(false);
    message_->setText(tr("Creating %1…").arg(QString::fromStdString(params->name)));
    link_.call<ipc::NetworkCreateMethod>(
        *params, this, [this](const ipc::Outcome<ipc::NetworkStatus>& outcome) {
            create_->setEnabled(true);
            if (!outcome.ok()) {
                message_->clear();
                const FieldError error = field_of(outcome.error().message);
                show_error(error.field, error.text);
                return;
            }
            message_->setText(tr("Created %1.").arg(QString::fromStdString(outcome->name)));
            emit created(QString::fromStdString(outcome->name));
            accept();
        });
}

// --- invite -------------------------------------------------------------------------------------

InviteDialog::InviteDialog(DaemonLink& link, QString network,
                           const std::optional<value::IpPrefix>& range, QWidget* parent)
    : QDialog(parent),
      link_(link),
      network_(std::move(network)),
      range_(range),
      name_(new QLineEdit(this)),
      address_(new QLineEdit(this)),
      expiry_(new QComboBox(this)),
      create_(new QPushButton(tr("Create &invite"), this)),
      message_(new QLabel(this)),
      result_(new QWidget(this)),
      expires_(new QLabel(result_)),
      line_(secret_text(result_)),
      code_(new QLabel(result_)) {
    setWindowTitle(tr("Invite to %1").arg(network_));
    name_->setObjectName(QStringLiteral("invite_name"));
    name_->setPlaceholderText(tr("the new member's choice"));
    address_->setPlaceholderText(tr("the first free one"));
    expiry_->addItem(tr("1 hour"), QVariant::fromValue<qlonglong>(kHour));
    expiry_->addItem(tr("24 hours"), QVariant::fromValue<qlonglong>(kDay));
    expiry_->addItem(tr("7 days"), QVariant::fromValue<qlonglong>(7 * kDay));
    expiry_->setCurrentIndex(1);
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* form = new QFormLayout;
    form->addRow(tr("&Name:"), name_);
    form->addRow(tr("A&ddress:"), address_);
    form->addRow(tr("&Valid for:"), expiry_);

    expires_->setObjectName(QStringLiteral("invite_expires"));
    expires_->setWordWrap(true);
    QFont bold = expires_->font();
    bold.setBold(true);
    expires_->setFont(bold);
    line_->setObjectName(QStringLiteral("invite_line"));
    line_->setReadOnly(true);
    constexpr int kColumns = 56;
    line_->setMinimumWidth(line_->fontMetrics().horizontalAdvance(QLatin1Char('M')) * kColumns);
    code_->setAlignment(Qt::AlignCenter);
    auto* copy = new QPushButton(tr("Cop&y"), result_);
    copy->setObjectName(QStringLiteral("invite_copy"));
    auto* result_layout = new QVBoxLayout(result_);
    result_layout->setContentsMargins(0, 0, 0, 0);
    result_layout->addWidget(expires_);
    auto* shown = new QHBoxLayout;
    shown->addWidget(code_);
    auto* text_side = new QVBoxLayout;
    text_side->addWidget(line_, 1);
    text_side->addWidget(copy, 0, Qt::AlignLeft);
    shown->addLayout(text_side, 1);
    result_layout->addLayout(shown, 1);
    result_->hide();

    lay_out_shown_once(*this, form, create_, message_, result_);

    connect(create_, &QPushButton::clicked, this, &InviteDialog::create);
    connect(copy, &QPushButton::clicked, this, &InviteDialog::copy);
    connect(this, &QDialog::finished, this, &InviteDialog::wipe);
}

InviteDialog::~InviteDialog() {
    wipe();
}

void InviteDialog::set_fields(const QString& name, const QString& address,
                              std::int64_t expires_in) {
    name_->setText(name);
    address_->setText(address);
    const int index = expiry_->findData(QVariant::fromValue<qlonglong>(expires_in));
    if (index >= 0) {
        expiry_->setCurrentIndex(index);
    }
}

void InviteDialog::copy() const {
    QApplication::clipboard()->setText(QString::fromLatin1(invite_));
}

void InviteDialog::create() {
    if (shown() || !create_->isEnabled()) {
        return;
    }
    ipc::NetworkInvite params;
    params.network = network_.toStdString();
    params.name = name_->text().trimmed().toStdString();
    params.expires_in = expiry_->currentData().toLongLong();
    if (auto problem = params.name.empty() ? std::nullopt : ipc::member_name_error(params.name)) {
        message_->setText(tr("Name: %1").arg(QString::fromStdString(*problem)));
        return;
    }
    if (const QString address = address_->text().trimmed(); !address.isEmpty()) {
        auto parsed = value::IpAddress::parse(address.toStdString());
        if (!parsed.ok()) {
            message_->setText(tr("Address: %1").arg(QString::fromStdString(parsed.error())));
            return;
        }
        if (range_ && !range_->contains(*parsed)) {
            message_->setText(tr("Address: %1 is outside the network's range %2.")
                                  .arg(address, QString::fromStdString(range_->to_string())));
            return;
        }
        params.address = *parsed;
    }
    create_->setEnabled(false);
    message_->setText(tr("Asking tulled for an invite…"));
    link_.call<ipc::NetworkInviteMethod>(
        params, this, [this](const ipc::Outcome<ipc::InviteIssued>& outcome) {
            if (!outcome.ok()) {
                create_->setEnabled(true);
                const FieldError error = field_of(outcome.error().message);
                message_->setText(
                    error.field.isEmpty() ? error.text : tr("%1: %2").arg(error.field, error.text));
                return;
            }
            ipc::InviteIssued issued = *outcome;
            show_result(issued);
            wipe_text(issued.invite);
        });
}

void InviteDialog::show_result(const ipc::InviteIssued& issued) {
    invite_ = QByteArray(issued.invite.data(), static_cast<qsizetype>(issued.invite.size()));
    auto code = peer_export::encode_qr(issued.invite);
    if (code.ok()) {
        image_ = qr_image(*code, kModulePixels);
        code_->setPixmap(QPixmap::fromImage(image_));
    } else {
        code_->setText(QString::fromStdString(code.error()));
    }
    line_->setPlainText(QString::fromLatin1(invite_));
    const QString who =
        issued.name.empty() ? tr("a new member") : QString::fromStdString(issued.name);
    expires_->setText(
        tr("This line admits %1 (%2) to %3 once, until %4. Anyone who has it can use it: "
           "send it privately. Closing this window forgets it.")
            .arg(who, QString::fromStdString(issued.address.to_string()), network_,
                 QLocale().toString(QDateTime::fromSecsSinceEpoch(issued.expires),
                                    QLocale::ShortFormat)));
    for (QWidget* field : {static_cast<QWidget*>(name_), static_cast<QWidget*>(address_),
                           static_cast<QWidget*>(expiry_)}) {
        field->setEnabled(false);
    }
    message_->setText(
        tr("On the new member: Networks, Join…, and paste the line or scan the "
           "code; or tullectl network join."));
    result_->show();
    adjustSize();
    emit invited(network_, QString::fromStdString(issued.name));
}

void InviteDialog::wipe() {
    wipe_bytes(invite_);
    if (!image_.isNull()) {
        image_.fill(Qt::white);
        image_ = QImage();
    }
    code_->clear();
    line_->clear();
}

// --- join ---------------------------------------------------------------------------------------

JoinDialog::JoinDialog(DaemonLink& link, QWidget* parent)
    : QDialog(parent),
      link_(link),
      invite_(secret_text(this)),
      open_(new QPushButton(tr("&Open file…"), this)),
      name_(new QLineEdit(this)),
      join_(new QPushButton(tr("&Join"), this)),
      progress_(new QProgressBar(this)),
      message_(new QLabel(this)) {
    setWindowTitle(tr("Join a network"));
    invite_->setObjectName(QStringLiteral("join_invite"));
    invite_->setPlaceholderText(tr("TULLE1:…"));
    constexpr int kLines = 4;
    invite_->setFixedHeight(invite_->fontMetrics().lineSpacing() * kLines +
                            2 * invite_->frameWidth() + 8);
    name_->setPlaceholderText(tr("the invite's, or this computer's name"));
    progress_->setRange(0, 0);  // busy: a join has no steps to count
    progress_->setTextVisible(false);
    progress_->hide();
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    join_->setDefault(true);

    auto* intro = new QLabel(tr("&Paste the invite you were sent (one line that starts with "
                                "TULLE1:), or open a file that holds it."),
                             this);
    intro->setWordWrap(true);
    intro->setBuddy(invite_);
    auto* invite_row = new QHBoxLayout;
    invite_row->addWidget(invite_, 1);
    invite_row->addWidget(open_, 0, Qt::AlignTop);
    auto* form = new QFormLayout;
    form->addRow(tr("&Name:"), name_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(join_, QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(invite_row);
    layout->addLayout(form);
    layout->addWidget(progress_);
    layout->addWidget(message_);
    layout->addWidget(buttons);

    connect(join_, &QPushButton::clicked, this, &JoinDialog::join);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(open_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open an invite"), QString(),
                                                          tr("Invites (*.txt);;All files (*)"));
        if (!path.isEmpty()) {
            const QString error = open_file(path);
            if (!error.isEmpty()) {
                message_->setText(error);
            }
        }
    });
    connect(&link_, &DaemonLink::network_changed, this, &JoinDialog::follow);
    connect(this, &QDialog::finished, this, &JoinDialog::wipe);
}

JoinDialog::~JoinDialog() {
    wipe();
}

void JoinDialog::set_invite(const QString& text) {
    invite_->setPlainText(text);
}

void JoinDialog::set_name(const QString& name) {
    name_->setText(name);
}

QString JoinDialog::open_file(const QString& path) {
    QString error;
    auto text = read_small_file(path, error);
    if (!text) {
        return error;
    }
    const QString content = QString::fromStdString(*text);
    wipe_text(*text);
    static const QRegularExpression invite(QStringLiteral("tulle1:[a-z2-7\\s]+"),
                                           QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = invite.match(content);
    if (!match.hasMatch()) {
        return tr("%1 holds no invite: none of its text starts with TULLE1:.").arg(path);
    }
    invite_->setPlainText(match.captured(0).trimmed());
    message_->setText(tr("Invite read from %1.").arg(path));
    return {};
}

void JoinDialog::join() {
    if (stage_ == Stage::joining || stage_ == Stage::joined) {
        return;
    }
    QString error;
    std::string line = normalize_invite(invite_->toPlainText(), error);
    if (line.empty()) {
        set_stage(Stage::editing, error);
        return;
    }
    ipc::NetworkJoin params;
    params.invite.swap(line);  // no copy left behind in `line`
    params.name = name_->text().trimmed().toStdString();
    if (auto problem = params.name.empty() ? std::nullopt : ipc::member_name_error(params.name)) {
        wipe_text(params.invite);
        set_stage(Stage::editing, tr("Name: %1").arg(QString::fromStdString(*problem)));
        return;
    }
    set_stage(Stage::joining, tr("Redeeming the invite…"));
    link_.call<ipc::NetworkJoinMethod>(
        params, this, [this](const ipc::Outcome<ipc::NetworkStatus>& outcome) {
            if (!outcome.ok()) {
                const FieldError refused = field_of(outcome.error().message);
                set_stage(Stage::failed, tr("tulled refused the invite: %1").arg(refused.text));
                return;
            }
            network_ = QString::fromStdString(outcome->name);
            follow(ipc::NetworkChanged{outcome->name, outcome->state, outcome->problem, false});
        });
    wipe_text(params.invite);
}

void JoinDialog::follow(const ipc::NetworkChanged& event) {
    if (stage_ != Stage::joining || network_.isEmpty() ||
        QString::fromStdString(event.network) != network_) {
        return;
    }
    switch (event.state) {
        case ipc::NetworkState::joining:
            set_stage(
                Stage::joining,
                tr("Joining %1: asking its lighthouse to admit this computer…").arg(network_));
            break;
        case ipc::NetworkState::online:
            set_stage(Stage::joined, tr("Joined %1. Its members are on the Networks page; "
                                        "tunnel %1 is up.")
                                         .arg(network_));
            emit joined(network_);
            break;
        case ipc::NetworkState::offline:
            set_stage(Stage::joined, tr("Joined %1, but its lighthouse does not answer now: %2")
                                         .arg(network_, QString::fromStdString(event.problem)));
            emit joined(network_);
            break;
        case ipc::NetworkState::failed:
            set_stage(
                Stage::failed,
                tr("Could not join %1: %2").arg(network_, QString::fromStdString(event.problem)));
            break;
    }
}

void JoinDialog::set_stage(Stage stage, const QString& text) {
    stage_ = stage;
    message_->setText(text);
    progress_->setVisible(stage == Stage::joining);
    const bool editable = stage == Stage::editing || stage == Stage::failed;
    invite_->setReadOnly(!editable);
    open_->setEnabled(editable);
    name_->setEnabled(editable);
    join_->setEnabled(editable);
    if (stage == Stage::joined) {
        invite_->clear();
    }
}

void JoinDialog::wipe() {
    invite_->clear();
}

}  // namespace tulle::app
