#include "app/qr_export_dialog.hpp"

#include <array>
#include <memory>
#include <string_view>
#include <utility>

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QSaveFile>
#include <QVBoxLayout>
#include <sodium.h>

#include "peer_export/peer_export.hpp"

namespace tulle::app {
namespace {

constexpr int kModulePixels = 5;

}  // namespace

QString QrExportDialog::for_fields(const std::string& error) const {
    // peer_export names tullectl's options; here they are the fields above.
    const std::array<std::pair<std::string_view, QString>, 3> fields{{
        {"--endpoint: ", tr("Reach this machine at: ")},
        {"--address: ", tr("Address in the tunnel: ")},
        {"--name: ", tr("Name: ")},
    }};
    for (const auto& [option, field] : fields) {
        if (error.starts_with(option)) {
            return field + QString::fromStdString(error.substr(option.size()));
        }
    }
    return QString::fromStdString(error);
}

QImage qr_image(const peer_export::QrCode& code, int scale) {
    const int side = code.size() + 2 * peer_export::kQuietZone;
    QImage image(side * scale, side * scale, QImage::Format_Grayscale8);
    image.fill(Qt::white);
    for (int y = 0; y < code.size(); ++y) {
        for (int x = 0; x < code.size(); ++x) {
            if (!code.dark(x, y)) {
                continue;
            }
            for (int dy = 0; dy < scale; ++dy) {
                auto* line = image.scanLine((y + peer_export::kQuietZone) * scale + dy);
                for (int dx = 0; dx < scale; ++dx) {
                    line[(x + peer_export::kQuietZone) * scale + dx] = 0;
                }
            }
        }
    }
    return image;
}

void lay_out_shown_once(QDialog& dialog, QLayout* top, QPushButton* make, QLabel* message,
                        QWidget* result) {
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addLayout(top);
    auto* make_row = new QHBoxLayout;
    make_row->addWidget(make);
    make_row->addWidget(message, 1);
    layout->addLayout(make_row);
    layout->addWidget(result, 1);
    layout->addWidget(close);
    QObject::connect(close, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
}

QrExportDialog::QrExportDialog(DaemonLink& link, QString tunnel, QWidget* parent)
    : QDialog(parent),
      link_(link),
      tunnel_(std::move(tunnel)),
      name_(new QLineEdit(QStringLiteral("phone"), this)),
      endpoint_(new QLineEdit(this)),
      address_(new QLineEdit(this)),
      full_tunnel_(new QCheckBox(tr("Send &everything through the tunnel"), this)),
      create_(new QPushButton(tr("&Add peer"), this)),
      message_(new QLabel(this)),
      result_(new QWidget(this)),
      code_(new QLabel(this)),
      config_(new QPlainTextEdit(this)) {
    setWindowTitle(tr("QR code for a phone: %1").arg(tunnel_));
    endpoint_->setObjectName(QStringLiteral("endpoint"));
    endpoint_->setPlaceholderText(tr("vpn.example.com or 203.0.113.7:51820"));
    address_->setPlaceholderText(tr("the first free one"));
    full_tunnel_->setToolTip(tr("AllowedIPs = 0.0.0.0/0, ::/0 instead of the tunnel's networks"));
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* intro = new QLabel(tr("Adds a new peer to %1 and shows its configuration for the "
                                "WireGuard app on a phone. The key pair is made here; tulled "
                                "never sees the private key.")
                                 .arg(tunnel_),
                             this);
    intro->setWordWrap(true);
    auto* form = new QFormLayout;
    form->addRow(tr("&Name:"), name_);
    form->addRow(tr("&Reach this machine at:"), endpoint_);
    form->addRow(tr("A&ddress in the tunnel:"), address_);
    form->addRow(QString(), full_tunnel_);

    auto* warning = new QLabel(tr("Shown once: Tulle keeps no copy of this private key. Scan or "
                                  "save it now; closing this window forgets it."),
                               result_);
    warning->setObjectName(QStringLiteral("shown_once"));
    warning->setWordWrap(true);
    QFont bold = warning->font();
    bold.setBold(true);
    warning->setFont(bold);
    code_->setAlignment(Qt::AlignCenter);
    config_->setReadOnly(true);
    config_->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    config_->setFont(mono);
    // Room for a key line ("PrivateKey = " and 44 characters) without scrolling.
    constexpr int kColumns = 60;
    config_->setMinimumWidth(config_->fontMetrics().horizontalAdvance(QLatin1Char('x')) * kColumns);
    auto* copy = new QPushButton(tr("Cop&y"), result_);
    auto* save = new QPushButton(tr("&Save…"), result_);
    auto* result_layout = new QVBoxLayout(result_);
    result_layout->setContentsMargins(0, 0, 0, 0);
    result_layout->addWidget(warning);
    auto* shown = new QHBoxLayout;
    shown->addWidget(code_);
    shown->addWidget(config_, 1);
    result_layout->addLayout(shown, 1);
    auto* result_buttons = new QHBoxLayout;
    result_buttons->addWidget(copy);
    result_buttons->addWidget(save);
    result_buttons->addStretch(1);
    result_layout->addLayout(result_buttons);
    result_->hide();

    auto* top = new QVBoxLayout;
    top->addWidget(intro);
    top->addLayout(form);
    lay_out_shown_once(*this, top, create_, message_, result_);

    connect(create_, &QPushButton::clicked, this, &QrExportDialog::create);
    connect(endpoint_, &QLineEdit::returnPressed, this, &QrExportDialog::create);
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(QString::fromUtf8(text_)); });
    connect(save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save %1").arg(windowTitle()),
                                                          tunnel_ + QStringLiteral("-phone.conf"),
                                                          tr("WireGuard tunnels (*.conf)"));
        if (path.isEmpty()) {
            return;
        }
        const QString error = save_to(path);
        message_->setText(error.isEmpty() ? tr("Saved to %1.").arg(path) : error);
    });
    connect(this, &QDialog::finished, this, &QrExportDialog::wipe);
}

QrExportDialog::~QrExportDialog() {
    wipe();
}

void QrExportDialog::set_fields(const QString& name, const QString& endpoint,
                                const QString& address, bool full_tunnel) {
    name_->setText(name);
    endpoint_->setText(endpoint);
    address_->setText(address);
    full_tunnel_->setChecked(full_tunnel);
}

void QrExportDialog::create() {
    if (shown() || !create_->isEnabled()) {
        return;
    }
    peer_export::Request request;
    request.name = name_->text().trimmed().toStdString();
    request.endpoint = endpoint_->text().trimmed().toStdString();
    request.full_tunnel = full_tunnel_->isChecked();
    if (const QString address = address_->text().trimmed(); !address.isEmpty()) {
        auto parsed = value::IpAddress::parse(address.toStdString());
        if (!parsed.ok()) {
            message_->setText(tr("Address: %1").arg(QString::fromStdString(parsed.error())));
            return;
        }
        request.address = *parsed;
    }
    create_->setEnabled(false);
    message_->setText(tr("Adding the peer…"));
    const auto refused = [this](const std::string& why) {
        create_->setEnabled(true);
        message_->setText(QString::fromStdString(why));
    };
    link_.call<ipc::TunnelGetMethod>(
        ipc::TunnelRef{tunnel_.toStdString()}, this,
        [this, request, refused](const ipc::Outcome<ipc::TunnelDetail>& detail) {
            if (!detail.ok()) {
                refused(detail.error().message);
                return;
            }
            auto prepared = peer_export::prepare(*detail, request);
            if (!prepared.ok()) {
                refused(for_fields(prepared.error()).toStdString());
                return;
            }
            auto made = std::make_shared<peer_export::Export>(std::move(prepared).value());
            link_.call<ipc::PeerAddMethod>(
                made->edit, this,
                [this, made, refused](const ipc::Outcome<ipc::PeerStatus>& added) {
                    if (!added.ok()) {
                        refused(tr("tulled refused it: %1")
                                    .arg(QString::fromStdString(added.error().message))
                                    .toStdString());
                        return;
                    }
                    std::string text = made->config_text();
                    show_result(text);
                    sodium_memzero(text.data(), text.size());
                    emit exported(tunnel_,
                                  QString::fromStdString(made->edit.peer.public_key.to_base64()));
                });
        });
}

void QrExportDialog::show_result(const std::string& text) {
    text_ = QByteArray(text.data(), static_cast<qsizetype>(text.size()));
    auto code = peer_export::encode_qr(text);
    if (code.ok()) {
        image_ = qr_image(*code, kModulePixels);
        code_->setPixmap(QPixmap::fromImage(image_));
    } else {
        code_->setText(QString::fromStdString(code.error()));
    }
    config_->setPlainText(QString::fromUtf8(text_));
    for (QWidget* field : {static_cast<QWidget*>(name_), static_cast<QWidget*>(endpoint_),
                           static_cast<QWidget*>(address_), static_cast<QWidget*>(full_tunnel_)}) {
        field->setEnabled(false);
    }
    message_->setText(tr("Added to %1. Scan the code with the WireGuard app (+, then Scan from "
                         "QR code).")
                          .arg(tunnel_));
    result_->show();
    adjustSize();
}

QString QrExportDialog::save_to(const QString& path) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return tr("Could not save %1: %2").arg(path, file.errorString());
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (file.write(text_) != text_.size() || !file.commit()) {
        return tr("Could not save %1: %2").arg(path, file.errorString());
    }
    return {};
}

void QrExportDialog::wipe() {
    if (!text_.isEmpty()) {
        sodium_memzero(text_.data(), static_cast<std::size_t>(text_.size()));  // detaches first
        text_.clear();
    }
    if (!image_.isNull()) {
        image_.fill(Qt::white);
        image_ = QImage();
    }
    code_->clear();
    config_->clear();
}

}  // namespace tulle::app
