#include "app/tunnels_page.hpp"

#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

namespace tulle::app {
namespace {

QString join_prefixes(const std::vector<value::IpPrefix>& prefixes) {
    QStringList parts;
    for (const auto& prefix : prefixes) {
        parts << QString::fromStdString(prefix.to_string());
    }
    return parts.join(QStringLiteral(", "));
}

QString dash_if_empty(const QString& text) {
    return text.isEmpty() ? QStringLiteral("—") : text;
}

// The new-tunnel dialog: name, addresses, listen port, DNS, MTU; the key pair is generated.
class CreateDialog : public QDialog {
  public:
    explicit CreateDialog(QWidget* parent) : QDialog(parent) {
        setWindowTitle(TunnelsPage::tr("Create a tunnel"));
        auto* layout = new QVBoxLayout(this);
        auto* form = new QFormLayout;
        name_->setPlaceholderText(TunnelsPage::tr("home"));
        addresses_->setPlaceholderText(TunnelsPage::tr("10.0.0.1/24, fd00::1/64"));
        port_->setRange(0, 65535);
        port_->setSpecialValueText(TunnelsPage::tr("any"));
        dns_->setPlaceholderText(TunnelsPage::tr("optional: 10.0.0.53"));
        mtu_->setRange(0, 9000);
        mtu_->setSpecialValueText(TunnelsPage::tr("automatic"));
        form->addRow(TunnelsPage::tr("&Name:"), name_);
        form->addRow(TunnelsPage::tr("&Addresses:"), addresses_);
        form->addRow(TunnelsPage::tr("&Listen port:"), port_);
        form->addRow(TunnelsPage::tr("&DNS:"), dns_);
        form->addRow(TunnelsPage::tr("&MTU:"), mtu_);
        layout->addLayout(form);
        error_->setWordWrap(true);
        layout->addWidget(error_);
        layout->addWidget(
            new QLabel(TunnelsPage::tr("A new key pair is generated; the private key goes to "
                                       "your keychain."),
                       this));
        layout->addWidget(buttons_);
        connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
        connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
        for (QLineEdit* edit : {name_, addresses_, dns_}) {
            connect(edit, &QLineEdit::textChanged, this, [this] { check(); });
        }
        connect(mtu_, &QSpinBox::valueChanged, this, [this] { check(); });
        check();
    }

    // The configuration with a fresh private key; call after accept.
    [[nodiscard]] ipc::TunnelConfig config() const {
        ipc::TunnelConfig config;
        config.iface.private_key = value::generate_private_key();
        for (const QString& item : addresses_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            config.iface.addresses.push_back(
                value::IpPrefix::parse(item.trimmed().toStdString()).value());
        }
        if (port_->value() != 0) {
            config.iface.listen_port = static_cast<std::uint16_t>(port_->value());
        }
        for (const QString& item : dns_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            config.iface.dns_servers.push_back(
                value::IpAddress::parse(item.trimmed().toStdString()).value());
        }
        if (mtu_->value() != 0) {
            config.iface.mtu = static_cast<std::uint16_t>(mtu_->value());
        }
        return config;
    }
    [[nodiscard]] QString name() const { return name_->text().trimmed(); }

  private:
    void check() {
        QString error;
        if (const auto checked = value::check_tunnel_name(name().toStdString());
            !name().isEmpty() && !checked.ok()) {
            error = TunnelsPage::tr("Name: %1").arg(QString::fromStdString(checked.error()));
        }
        for (const QString& item : addresses_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            auto parsed = value::IpPrefix::parse(item.trimmed().toStdString());
            if (error.isEmpty() && !parsed) {
                error = TunnelsPage::tr("Addresses: %1: %2")
                            .arg(item.trimmed(), QString::fromStdString(parsed.error()));
            }
        }
        for (const QString& item : dns_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            auto parsed = value::IpAddress::parse(item.trimmed().toStdString());
            if (error.isEmpty() && !parsed) {
                error = TunnelsPage::tr("DNS: %1: %2")
                            .arg(item.trimmed(), QString::fromStdString(parsed.error()));
            }
        }
        if (error.isEmpty() && mtu_->value() != 0 && mtu_->value() < ipc::kMinMtu) {
            error = TunnelsPage::tr("MTU: at least %1, or automatic.").arg(ipc::kMinMtu);
        }
        error_->setText(error);
        error_->setVisible(!error.isEmpty());
        buttons_->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty() && !name().isEmpty());
    }

    QLineEdit* name_ = new QLineEdit(this);
    QLineEdit* addresses_ = new QLineEdit(this);
    QSpinBox* port_ = new QSpinBox(this);
    QLineEdit* dns_ = new QLineEdit(this);
    QSpinBox* mtu_ = new QSpinBox(this);
    QLabel* error_ = new QLabel(this);
    QDialogButtonBox* buttons_ =
        new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
};

}  // namespace

TunnelFacts facts_of(const ipc::TunnelConfig& config) {
    TunnelFacts facts = facts_of(ipc::settings_of(config.iface));
    const auto public_key = value::public_key_of(config.iface.private_key);
    facts.public_key = public_key ? QString::fromStdString(public_key->to_base64()) : QString();
    return facts;
}

TunnelFacts facts_of(const ipc::TunnelSettings& settings) {
    TunnelFacts facts;
    facts.addresses = join_prefixes(settings.addresses);
    facts.listen_port =
        settings.listen_port ? QString::number(*settings.listen_port) : TunnelsPage::tr("any");
    QStringList dns;
    for (const auto& server : settings.dns_servers) {
        dns << QString::fromStdString(server.to_string());
    }
    for (const auto& domain : settings.dns_search) {
        dns << QString::fromStdString(domain);
    }
    facts.dns = dns.join(QStringLiteral(", "));
    facts.mtu = settings.mtu ? QString::number(*settings.mtu) : TunnelsPage::tr("automatic");
    facts.kill_switch = settings.kill_switch;
    return facts;
}

// A page constructor lays out its widgets: the one kind of function allowed past 80 lines.
// NOLINTNEXTLINE(readability-function-size)
TunnelsPage::TunnelsPage(TunnelHub& hub, TunnelActions& actions, QWidget* parent)
    : QWidget(parent),
      hub_(hub),
      actions_(actions),
      model_(hub),
      table_(new QTableView(this)),
      title_(new QLabel(this)),
      state_(new QLabel(this)),
      public_key_(new QLabel(this)),
      copy_key_(new QPushButton(tr("Cop&y"), this)),
      addresses_(new QLabel(this)),
      listen_port_(new QLabel(this)),
      dns_(new QLabel(this)),
      mtu_(new QLabel(this)),
      kind_(new QLabel(this)),
      toggle_(new QPushButton(this)),
      kill_switch_(new QCheckBox(tr("&Block untunneled traffic"), this)),
      export_(new QPushButton(tr("E&xport…"), this)),
      rename_(new QPushButton(tr("&Rename…"), this)),
      delete_(new QPushButton(tr("Del&ete"), this)) {
    table_->setObjectName(QStringLiteral("tunnel_table"));
    table_->setModel(&model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    for (int column : {TunnelListModel::peers, TunnelListModel::received, TunnelListModel::sent}) {
        table_->hideColumn(column);
    }
    toggle_->setObjectName(QStringLiteral("tunnel_toggle"));
    kill_switch_->setObjectName(QStringLiteral("tunnel_kill_switch"));
    kill_switch_->setToolTip(
        tr("Kill switch: while this tunnel is on, nothing leaves this computer except through it "
           "(its own connection to the peers, DHCP and the local network's neighbour discovery "
           "excepted). Only for a tunnel that takes all traffic (AllowedIPs 0.0.0.0/0 or ::/0); "
           "it applies the next time the tunnel is turned on."));
    public_key_->setObjectName(QStringLiteral("tunnel_public_key"));
    dns_->setObjectName(QStringLiteral("tunnel_dns"));
    dns_->setWordWrap(true);  // a DNS problem is a sentence
    public_key_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    copy_key_->setToolTip(tr("Copy the public key: give it to the peers of this tunnel"));
    QFont title_font = title_->font();
    title_font.setPointSizeF(title_font.pointSizeF() * 1.4);
    title_font.setBold(true);
    title_->setFont(title_font);
    kind_->setWordWrap(true);

    auto* details = new QWidget(this);
    auto* details_layout = new QVBoxLayout(details);
    details_layout->addWidget(title_);
    auto* form = new QFormLayout;
    auto* key_row = new QHBoxLayout;
    key_row->addWidget(public_key_, 1);
    key_row->addWidget(copy_key_);
    form->addRow(tr("State:"), state_);
    form->addRow(tr("Public key:"), key_row);
    form->addRow(tr("Addresses:"), addresses_);
    form->addRow(tr("Listen port:"), listen_port_);
    form->addRow(tr("DNS:"), dns_);
    form->addRow(tr("MTU:"), mtu_);
    details_layout->addLayout(form);
    details_layout->addWidget(kill_switch_);
    details_layout->addWidget(kind_);
    auto* row = new QHBoxLayout;
    row->addWidget(toggle_);
    row->addWidget(export_);
    row->addWidget(rename_);
    row->addWidget(delete_);
    row->addStretch(1);
    details_layout->addLayout(row);
    details_layout->addStretch(1);

    auto* create = new QPushButton(tr("&Create…"), this);
    auto* import = new QPushButton(tr("&Import…"), this);
    auto* left = new QWidget(this);
    auto* left_layout = new QVBoxLayout(left);
    left_layout->setContentsMargins(0, 0, 0, 0);
    left_layout->addWidget(table_, 1);
    auto* left_buttons = new QHBoxLayout;
    left_buttons->addWidget(create);
    left_buttons->addWidget(import);
    left_buttons->addStretch(1);
    left_layout->addLayout(left_buttons);
    auto* splitter = new QSplitter(this);
    splitter->addWidget(left);
    splitter->addWidget(details);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({320, 480});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TunnelsPage::show_details);
    connect(&model_, &QAbstractItemModel::modelReset, this, [this] {
        if (!table_->selectionModel()->hasSelection() && model_.rowCount() > 0) {
            table_->selectRow(0);
        }
        show_details();
    });
    connect(&model_, &QAbstractItemModel::dataChanged, this, &TunnelsPage::show_details);
    connect(copy_key_, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(public_key_->text()); });
    connect(toggle_, &QPushButton::clicked, this, &TunnelsPage::toggle_selected);
    connect(kill_switch_, &QCheckBox::clicked, this, [this](bool on) {
        if (const QString name = selected(); !name.isEmpty()) {
            kill_switch_choice_[name] = on;
        }
    });
    connect(create, &QPushButton::clicked, this, &TunnelsPage::create_tunnel);
    connect(import, &QPushButton::clicked, &actions_, &TunnelActions::import_interactive);
    // Export: the tunnel's own file, or a new peer's file for a phone as a QR code.
    auto* export_menu = new QMenu(export_);
    export_menu->addAction(tr("To a &file…"), this, &TunnelsPage::export_selected);
    export_qr_ =
        export_menu->addAction(tr("&QR code for a phone…"), this, &TunnelsPage::export_qr_selected);
    export_qr_->setObjectName(QStringLiteral("export_qr"));
    export_->setMenu(export_menu);
    connect(rename_, &QPushButton::clicked, this, &TunnelsPage::rename_selected);
    connect(delete_, &QPushButton::clicked, this, &TunnelsPage::delete_selected);
    setTabOrder(table_, create);
    setTabOrder(create, import);
    setTabOrder(import, toggle_);
    setTabOrder(toggle_, kill_switch_);
    setTabOrder(kill_switch_, copy_key_);
    setTabOrder(copy_key_, export_);
    setTabOrder(export_, rename_);
    setTabOrder(rename_, delete_);
    if (model_.rowCount() > 0) {
        table_->selectRow(0);
    }
    show_details();
}

QString TunnelsPage::selected() const {
    const QModelIndexList rows = table_->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : model_.name_at(rows.front().row());
}

void TunnelsPage::select(const QString& name) {
    const int row = model_.row_of(name);
    if (row >= 0) {
        table_->selectRow(row);
    }
}

void TunnelsPage::show_details() {
    const QString name = selected();
    const TunnelView* view = hub_.find(name);
    const bool connected = hub_.link().state() == DaemonLink::State::connected;
    for (QWidget* widget : {static_cast<QWidget*>(toggle_), static_cast<QWidget*>(export_),
                            static_cast<QWidget*>(rename_), static_cast<QWidget*>(delete_),
                            static_cast<QWidget*>(copy_key_)}) {
        widget->setEnabled(view != nullptr);
    }
    if (view == nullptr) {
        title_->setText(tr("No tunnels yet"));
        state_->clear();
        for (QLabel* label : {public_key_, addresses_, listen_port_, dns_, mtu_}) {
            label->clear();
        }
        kind_->setText(tr("Create a tunnel, or import a WireGuard .conf file."));
        toggle_->setText(tr("&Turn on"));
        kill_switch_->setChecked(false);
        kill_switch_->setEnabled(false);
        return;
    }
    const auto& status = view->status;
    title_->setText(name);
    state_->setText(status.up ? tr("Up") : tr("Down"));
    toggle_->setText(status.up ? tr("&Turn off") : tr("&Turn on"));
    toggle_->setEnabled(connected);
    export_qr_->setEnabled(connected && status.up);
    rename_->setEnabled(view->local && !status.up);
    delete_->setEnabled(view->local || !status.system);
    delete_->setToolTip(view->local || !status.system
                            ? QString()
                            : tr("A system tunnel belongs to root: remove "
                                 "/etc/tulle/%1.conf as root.")
                                  .arg(name));
    kind_->setText(view->local
                       ? tr("Your profile: settings in your folder, keys in your keychain.")
                       : (status.system
                              ? tr("System tunnel, kept by tulled in /etc/tulle%1.")
                                    .arg(status.autostart ? tr(", started at boot") : QString())
                              : tr("Started by another program (tullectl); not saved: tulled "
                                   "keeps it, on or off, until it is deleted — gone after "
                                   "tulled restarts.")));
    const TunnelFacts facts = facts_for(name, *view);
    public_key_->setText(dash_if_empty(facts.public_key));
    copy_key_->setEnabled(!facts.public_key.isEmpty());
    addresses_->setText(dash_if_empty(facts.addresses));
    listen_port_->setText(dash_if_empty(facts.listen_port));
    dns_->setText(dash_if_empty(facts.dns));
    mtu_->setText(dash_if_empty(facts.mtu));
    const auto choice = kill_switch_choice_.find(name);
    kill_switch_->setChecked(
        status.up ? status.kill_switch
                  : (choice != kill_switch_choice_.end() ? choice->second : facts.kill_switch));
    kill_switch_->setEnabled(connected && !status.up);
}

// What the details show of a tunnel: a profile's or a system tunnel's file, or what tulled
// reports for a running one (with how its DNS = went).
TunnelFacts TunnelsPage::facts_for(const QString& name, const TunnelView& view) {
    const auto& status = view.status;
    TunnelFacts facts;
    if (view.local) {
        auto found = facts_.find(name);
        if (found == facts_.end()) {
            load_facts(name);
        } else {
            facts = found->second;
        }
    } else if (!view.settings && status.system && !status.up) {
        // The hub asks only running tunnels; a system tunnel's file is read once when shown.
        auto found = facts_.find(name);
        if (found == facts_.end()) {
            load_system_facts(name);
        } else {
            facts = found->second;
        }
    } else {
        facts = view.settings ? facts_of(*view.settings) : TunnelFacts{};
        if (!view.settings) {
            facts.mtu = tr("automatic");
        }
    }
    if (status.up) {
        facts.public_key =
            status.public_key ? QString::fromStdString(status.public_key->to_base64()) : QString();
        facts.addresses = join_prefixes(status.addresses);
        facts.listen_port = QString::number(status.listen_port);
        if (status.dns != value::DnsManager::none) {
            facts.dns = tr("%1 (through %2)")
                            .arg(facts.dns,
                                 QString::fromStdString(std::string(value::to_string(status.dns))));
        }
        if (!status.dns_problem.empty()) {  // tulled's words, as its other messages
            facts.dns =
                tr("%1 (not applied: %2)")
                    .arg(dash_if_empty(facts.dns), QString::fromStdString(status.dns_problem));
        }
    }
    return facts;
}

void TunnelsPage::load_facts(const QString& name) {
    facts_[name] = TunnelFacts{};  // asked once; the answer fills it
    actions_.local().load(
        name, [this, name](std::optional<ipc::TunnelConfig> config, const QString& error) {
            TunnelFacts facts;
            if (config) {
                facts = facts_of(*config);
            } else {
                facts.public_key = error;
            }
            facts_[name] = facts;
            if (selected() == name) {
                show_details();
            }
        });
}

void TunnelsPage::load_system_facts(const QString& name) {
    facts_[name] = TunnelFacts{};  // asked once; the answer fills it
    hub_.link().call<ipc::TunnelGetMethod>(
        ipc::TunnelRef{name.toStdString()}, this,
        [this, name](const ipc::Outcome<ipc::TunnelDetail>& detail) {
            if (detail.ok()) {
                facts_[name] = facts_of(detail->settings);
                if (selected() == name) {
                    show_details();
                }
            }
        });
}

void TunnelsPage::toggle_selected() {
    const QString name = selected();
    const TunnelView* view = hub_.find(name);
    if (view == nullptr) {
        return;
    }
    toggle_->setEnabled(false);
    // Only a choice the user made is sent; else the tunnel's file decides.
    const auto choice = kill_switch_choice_.find(name);
    const std::optional<bool> kill_switch = view->status.up || choice == kill_switch_choice_.end()
                                                ? std::nullopt
                                                : std::optional(choice->second);
    actions_.set_up(
        name, !view->status.up,
        [this](const QString& error) {
            show_details();
            if (!error.isEmpty()) {
                QMessageBox::warning(this, tr("Tunnel"), error);
            }
        },
        kill_switch);
}

void TunnelsPage::create_tunnel() {
    CreateDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted) {
        return;
    }
    const QString name = dialog.name();
    if (hub_.find(name) != nullptr) {
        QMessageBox::warning(this, tr("Create a tunnel"),
                             tr("A tunnel named %1 exists already.").arg(name));
        return;
    }
    actions_.save_profile(name, dialog.config(), [this, name](const QString& error) {
        if (!error.isEmpty()) {
            QMessageBox::warning(this, tr("Create a tunnel"), error);
            return;
        }
        facts_.erase(name);
        select(name);
    });
}

void TunnelsPage::export_selected() {
    const QString name = selected();
    const TunnelView* view = hub_.find(name);
    if (view == nullptr) {
        return;
    }
    bool include_secrets = false;
    if (view->local) {
        QMessageBox box(QMessageBox::Question, tr("Export %1").arg(name),
                        tr("Include the private key and preshared keys? Anyone who has the file "
                           "can then act as this tunnel."),
                        QMessageBox::NoButton, this);
        auto* without = box.addButton(tr("Without keys"), QMessageBox::AcceptRole);
        auto* with = box.addButton(tr("With keys"), QMessageBox::DestructiveRole);
        box.addButton(QMessageBox::Cancel);
        box.setDefaultButton(without);
        box.exec();
        if (box.clickedButton() != without && box.clickedButton() != with) {
            return;
        }
        include_secrets = box.clickedButton() == with;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export %1").arg(name),
                                                      name + QStringLiteral(".conf"),
                                                      tr("WireGuard tunnels (*.conf)"));
    if (path.isEmpty()) {
        return;
    }
    actions_.export_to(name, path, include_secrets, [this](const QString& error) {
        if (!error.isEmpty()) {
            QMessageBox::warning(this, tr("Export"), error);
        }
    });
}

QrExportDialog* TunnelsPage::export_qr_selected() {
    const QString name = selected();
    if (hub_.find(name) == nullptr) {
        return nullptr;
    }
    auto* dialog = new QrExportDialog(hub_.link(), name, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

void TunnelsPage::rename_selected() {
    const QString name = selected();
    bool ok = false;
    const QString new_name =
        QInputDialog::getText(this, tr("Rename %1").arg(name),
                              tr("New name (1 to 15 letters, digits, or _=+.-):"),
                              QLineEdit::Normal, name, &ok)
            .trimmed();
    if (!ok || new_name == name) {
        return;
    }
    actions_.rename(name, new_name, [this, name, new_name](const QString& error) {
        if (!error.isEmpty()) {
            QMessageBox::warning(this, tr("Rename"), error);
            return;
        }
        facts_.erase(name);
        select(new_name);
    });
}

void TunnelsPage::delete_selected() {
    const QString name = selected();
    const auto answer = QMessageBox::question(
        this, tr("Delete %1").arg(name),
        tr("Delete tunnel %1 and its keys? This cannot be undone; export it first to keep a "
           "copy.")
            .arg(name));
    if (answer != QMessageBox::Yes) {
        return;
    }
    actions_.remove(name, [this, name](const QString& error) {
        facts_.erase(name);
        if (!error.isEmpty()) {
            QMessageBox::warning(this, tr("Delete"), error);
        }
    });
}

}  // namespace tulle::app
