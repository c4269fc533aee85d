#include "app/peer_editor.hpp"

#include <utility>

#include <QFormLayout>
#include <QHBoxLayout>
#include <QPushButton>
#include <QVBoxLayout>
#include <sodium.h>

namespace tulle::app {

PeerEditor::PeerEditor(DaemonLink& link, QString tunnel, QStringList taken, QString own,
                       QWidget* parent)
    : QDialog(parent),
      link_(link),
      tunnel_(std::move(tunnel)),
      taken_(std::move(taken)),
      own_(std::move(own)) {
    build();
    setWindowTitle(tr("Add a peer to %1").arg(tunnel_));
    check();
}

PeerEditor::PeerEditor(DaemonLink& link, QString tunnel, const ipc::PeerStatus& peer,
                       QWidget* parent)
    : QDialog(parent), link_(link), tunnel_(std::move(tunnel)), editing_(true) {
    build();
    setWindowTitle(tr("Edit peer %1 of %2").arg(peer_label(peer), tunnel_));
    set_form(form_of(peer));
    public_key_->setReadOnly(true);
    had_preshared_key_ = peer.has_preshared_key;
    preshared_key_->setPlaceholderText(
        had_preshared_key_ ? tr("set (hidden); type a new one to replace it") : tr("none"));
    remove_psk_->setVisible(had_preshared_key_);
    check();
}

PeerEditor::~PeerEditor() {
    // The field may hold a preshared key; clear Qt's copy of it before the widget goes.
    preshared_key_->clear();
}

QLabel* PeerEditor::add_row(QFormLayout* layout, const QString& label, QWidget* field,
                            const QString& object_name) {
    field->setObjectName(object_name);
    auto* message = new QLabel(this);
    message->setObjectName(object_name + QStringLiteral("_message"));
    message->setWordWrap(true);
    QPalette palette = message->palette();
    palette.setColor(QPalette::WindowText, QColor(0xc0, 0x1c, 0x28));
    message->setPalette(palette);
    message->setVisible(false);
    auto* column = new QVBoxLayout;
    column->setSpacing(2);
    column->addWidget(field);
    column->addWidget(message);
    auto* caption = new QLabel(label, this);
    caption->setBuddy(field);
    layout->addRow(caption, column);
    messages_[object_name] = message;
    return message;
}

void PeerEditor::build() {
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    name_ = new QLineEdit(this);
    name_->setPlaceholderText(tr("laptop"));
    public_key_ = new QLineEdit(this);
    public_key_->setPlaceholderText(tr("44 characters of base64, ending in ="));
    endpoint_ = new QLineEdit(this);
    endpoint_->setPlaceholderText(tr("vpn.example.com:51820 or [2001:db8::1]:51820 (optional)"));
    allowed_ips_ = new QLineEdit(this);
    allowed_ips_->setPlaceholderText(tr("10.0.0.2/32, fd00::2/128"));
    keepalive_ = new QSpinBox(this);
    keepalive_->setRange(0, 65535);
    keepalive_->setSuffix(tr(" s"));
    keepalive_->setSpecialValueText(tr("off"));
    preshared_key_ = new QLineEdit(this);
    preshared_key_->setEchoMode(QLineEdit::Password);
    preshared_key_->setPlaceholderText(tr("none"));
    auto* psk_row = new QWidget(this);
    auto* psk_layout = new QHBoxLayout(psk_row);
    psk_layout->setContentsMargins(0, 0, 0, 0);
    psk_layout->addWidget(preshared_key_, 1);
    auto* generate = new QPushButton(tr("&Generate"), psk_row);
    generate->setObjectName(QStringLiteral("generate_psk"));
    psk_layout->addWidget(generate);
    remove_psk_ = new QCheckBox(tr("Remove the preshared key"), this);
    remove_psk_->setObjectName(QStringLiteral("remove_psk"));
    remove_psk_->setVisible(false);

    add_row(form, tr("&Name:"), name_, QStringLiteral("name"));
    add_row(form, tr("&Public key:"), public_key_, QStringLiteral("public_key"));
    add_row(form, tr("&Endpoint:"), endpoint_, QStringLiteral("endpoint"));
    add_row(form, tr("&Allowed IPs:"), allowed_ips_, QStringLiteral("allowed_ips"));
    add_row(form, tr("&Keepalive:"), keepalive_, QStringLiteral("keepalive"));
    add_row(form, tr("Pre&shared key:"), psk_row, QStringLiteral("preshared_key"));
    qobject_cast<QLabel*>(form->itemAt(form->rowCount() - 1, QFormLayout::LabelRole)->widget())
        ->setBuddy(preshared_key_);
    form->addRow(QString(), remove_psk_);
    layout->addLayout(form);

    result_ = new QLabel(this);
    result_->setObjectName(QStringLiteral("result"));
    result_->setWordWrap(true);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(result_);

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Apply | QDialogButtonBox::Cancel, this);
    layout->addWidget(buttons_);
    connect(buttons_->button(QDialogButtonBox::Apply), &QPushButton::clicked, this,
            &PeerEditor::apply);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(generate, &QPushButton::clicked, this, [this] {
        preshared_key_->setText(generate_preshared_key());
        preshared_key_->setEchoMode(QLineEdit::Normal);  // the user must copy it to the peer
    });
    for (QLineEdit* edit : {name_, public_key_, endpoint_, allowed_ips_, preshared_key_}) {
        connect(edit, &QLineEdit::textChanged, this, &PeerEditor::check);
    }
    connect(remove_psk_, &QCheckBox::toggled, this, [this](bool on) {
        preshared_key_->setEnabled(!on);
        check();
    });
    setTabOrder(name_, public_key_);
    setTabOrder(public_key_, endpoint_);
    setTabOrder(endpoint_, allowed_ips_);
    setTabOrder(allowed_ips_, keepalive_);
    setTabOrder(keepalive_, preshared_key_);
    setTabOrder(preshared_key_, generate);
    setMinimumWidth(520);
}

PeerForm PeerEditor::form() const {
    PeerForm form;
    form.name = name_->text();
    form.public_key = public_key_->text();
    form.endpoint = endpoint_->text();
    form.allowed_ips = allowed_ips_->text();
    form.keepalive = keepalive_->value() == 0 ? QString() : QString::number(keepalive_->value());
    form.preshared_key = remove_psk_->isChecked() ? QString() : preshared_key_->text();
    return form;
}

void PeerEditor::set_form(const PeerForm& form) {
    name_->setText(form.name);
    public_key_->setText(form.public_key);
    endpoint_->setText(form.endpoint);
    allowed_ips_->setText(form.allowed_ips);
    keepalive_->setValue(static_cast<int>(form.keepalive.toUInt()));
    preshared_key_->setText(form.preshared_key);
    check();
}

QString PeerEditor::message(const QString& field) const {
    auto found = messages_.find(field);
    return found == messages_.end() ? QString() : found->second->text();
}

bool PeerEditor::can_apply() const {
    return buttons_->button(QDialogButtonBox::Apply)->isEnabled();
}

void PeerEditor::check() {
    const PeerForm current = form();
    const std::map<QString, QString> errors{
        {QStringLiteral("name"), name_error(current.name)},
        {QStringLiteral("public_key"),
         editing_ ? QString() : public_key_error(current.public_key, taken_, own_)},
        {QStringLiteral("endpoint"), endpoint_error(current.endpoint)},
        {QStringLiteral("allowed_ips"), allowed_ips_error(current.allowed_ips)},
        {QStringLiteral("keepalive"), keepalive_error(current.keepalive)},
        {QStringLiteral("preshared_key"), preshared_key_error(current.preshared_key)},
    };
    bool good = true;
    for (const auto& [field, error] : errors) {
        QLabel* label = messages_.at(field);
        // An empty key is the starting state of a new peer: say what to enter only once typed.
        const bool untouched =
            field == QStringLiteral("public_key") && current.public_key.trimmed().isEmpty();
        label->setText(untouched ? QString() : error);
        label->setVisible(!error.isEmpty() && !untouched);
        good = good && error.isEmpty();
    }
    buttons_->button(QDialogButtonBox::Apply)->setEnabled(good);
}

void PeerEditor::apply() {
    const PeerForm current = form();
    if (!form_error(current, editing_ ? QStringList() : taken_, own_).isEmpty()) {
        return;
    }
    ipc::PeerEdit edit;
    edit.tunnel = tunnel_.toStdString();
    edit.peer = to_change(current);
    if (editing_ && remove_psk_->isChecked()) {
        edit.peer.preshared_key = std::optional<value::SecretKey>();
    }
    buttons_->button(QDialogButtonBox::Apply)->setEnabled(false);
    result_->setText(tr("Applying…"));
    const QString key = current.public_key.trimmed();
    auto answered = [this, key](const ipc::Outcome<ipc::PeerStatus>& outcome) {
        check();
        if (!outcome.ok()) {
            result_->setText(
                tr("tulled refused it: %1").arg(QString::fromStdString(outcome.error().message)));
            return;
        }
        result_->setText(tr("Applied to the running tunnel."));
        emit applied(tunnel_, key);
        accept();
    };
    if (editing_) {
        link_.call<ipc::PeerUpdateMethod>(edit, this, answered);
    } else {
        link_.call<ipc::PeerAddMethod>(edit, this, answered);
    }
}

}  // namespace tulle::app
