#include "app/networks_page.hpp"

#include <utility>

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QMessageBox>
#include <QSplitter>
#include <QStringList>
#include <QVBoxLayout>

#include "app/format.hpp"
#include "app/models.hpp"

namespace tulle::app {
namespace {

const QColor kProblemColour(0xc0, 0x1c, 0x28);
const QColor kWaitingColour(0x9c, 0x6a, 0x00);

// An overlay address as people write it: without "/32" (or "/128") for one host.
QString address_text(const value::IpPrefix& prefix) {
    const int host = prefix.family() == value::IpFamily::v4 ? 32 : 128;
    return QString::fromStdString(prefix.length() == host ? prefix.address().to_string()
                                                          : prefix.to_string());
}

QString member_label(const ipc::Member& member) {
    return member.name.empty()
               ? QString::fromStdString(member.public_key.to_base64()).left(8) + QStringLiteral("…")
               : QString::fromStdString(member.name);
}

void configure(QTableView& table) {
    table.setSelectionBehavior(QAbstractItemView::SelectRows);
    table.setSelectionMode(QAbstractItemView::SingleSelection);
    table.setAlternatingRowColors(true);
    table.setWordWrap(false);
    table.verticalHeader()->hide();
    table.horizontalHeader()->setStretchLastSection(true);
}

}  // namespace

QString network_state_text(const ipc::NetworkStatus& network) {
    const QString problem = QString::fromStdString(network.problem);
    switch (network.state) {
        case ipc::NetworkState::joining:
            return NetworkListModel::tr("joining…");
        case ipc::NetworkState::online:
            return NetworkListModel::tr("online");
        case ipc::NetworkState::offline:
            return problem.isEmpty() ? NetworkListModel::tr("offline")
                                     : NetworkListModel::tr("offline: %1").arg(problem);
        case ipc::NetworkState::failed:
            return problem.isEmpty() ? NetworkListModel::tr("failed")
                                     : NetworkListModel::tr("failed: %1").arg(problem);
    }
    return {};
}

// --- networks -----------------------------------------------------------------------------------

NetworkListModel::NetworkListModel(QObject* parent) : QAbstractTableModel(parent) {}

void NetworkListModel::assign(std::vector<ipc::NetworkStatus> networks) {
    beginResetModel();
    networks_ = std::move(networks);
    endResetModel();
}

const ipc::NetworkStatus* NetworkListModel::at(int row) const {
    return row >= 0 && row < rowCount() ? &networks_[static_cast<std::size_t>(row)] : nullptr;
}

int NetworkListModel::row_of(const QString& name) const {
    for (int row = 0; row < rowCount(); ++row) {
        if (QString::fromStdString(at(row)->name) == name) {
            return row;
        }
    }
    return -1;
}

int NetworkListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(networks_.size());
}

int NetworkListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : column_count;
}

QVariant NetworkListModel::data(const QModelIndex& index, int role) const {
    const ipc::NetworkStatus* network = at(index.row());
    if (network == nullptr) {
        return {};
    }
    if (role == Qt::ForegroundRole && index.column() == state) {
        if (network->state == ipc::NetworkState::failed) {
            return kProblemColour;
        }
        return network->state == ipc::NetworkState::online ? QVariant() : kWaitingColour;
    }
    if (role == Qt::ToolTipRole && index.column() == state && !network->problem.empty()) {
        return QString::fromStdString(network->problem);
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (index.column()) {
        case name:
            return QString::fromStdString(network->name);
        case Column::role:
            return network->role == ipc::NetworkRoleName::lighthouse ? tr("lighthouse")
                                                                     : tr("member");
        case state:
            return network_state_text(*network);
        case address:
            return network->address ? QString::fromStdString(network->address->to_string())
                                    : QStringLiteral("—");
        case members:
            return static_cast<qulonglong>(network->members);
        default:
            return {};
    }
}

QVariant NetworkListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
        case name:
            return tr("Network");
        case Column::role:
            return tr("Role");
        case state:
            return tr("State");
        case address:
            return tr("This node");
        case members:
            return tr("Members");
        default:
            return {};
    }
}

// --- members ------------------------------------------------------------------------------------

MemberTableModel::MemberTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void MemberTableModel::assign(ipc::MemberList members, std::int64_t now) {
    beginResetModel();
    list_ = std::move(members);
    now_ = now;
    endResetModel();
}

void MemberTableModel::clear() {
    assign({}, 0);
}

const ipc::Member* MemberTableModel::at(int row) const {
    return row >= 0 && row < rowCount() ? &list_.members[static_cast<std::size_t>(row)] : nullptr;
}

int MemberTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(list_.members.size());
}

int MemberTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : column_count;
}

QVariant MemberTableModel::data(const QModelIndex& index, int role) const {
    const ipc::Member* member = at(index.row());
    if (member == nullptr) {
        return {};
    }
    if (role == Qt::ToolTipRole && index.column() == name) {
        return tr("Public key: %1").arg(QString::fromStdString(member->public_key.to_base64()));
    }
    if (role == Qt::FontRole && member->self) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (role == Qt::ForegroundRole && index.column() == online && !member->online &&
        !member->self) {
        return kWaitingColour;
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (index.column()) {
        case name: {
            QStringList marks;
            if (member->lighthouse) {
                marks << tr("lighthouse");
            }
            if (member->self) {
                marks << tr("this node");
            }
            return marks.isEmpty()
                       ? member_label(*member)
                       : tr("%1 (%2)").arg(member_label(*member), marks.join(QStringLiteral(", ")));
        }
        case address: {
            QStringList addresses;
            for (const auto& prefix : member->addresses) {
                addresses << address_text(prefix);
            }
            return addresses.join(QStringLiteral(", "));
        }
        case online:
            return member->online || member->self ? tr("online") : tr("offline");
        case path:
            return member->self ? QStringLiteral("—") : path_text(member->path);
        case last_seen:
            return member->self ? QStringLiteral("—") : format_age(member->last_seen, now_);
        default:
            return {};
    }
}

QVariant MemberTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
        case name:
            return tr("Member");
        case address:
            return tr("Address");
        case online:
            return tr("Online");
        case path:
            return tr("Path");
        case last_seen:
            return tr("Last seen");
        default:
            return {};
    }
}

// --- the page -----------------------------------------------------------------------------------

NetworksPage::NetworksPage(DaemonLink& link, QWidget* parent)
    : QWidget(parent),
      link_(link),
      network_table_(new QTableView(this)),
      problem_(new QLabel(this)),
      members_title_(new QLabel(this)),
      member_table_(new QTableView(this)),
      empty_(new QLabel(this)),
      message_(new QLabel(this)),
      create_(new QPushButton(tr("C&reate network…"), this)),
      join_(new QPushButton(tr("&Join…"), this)),
      invite_(new QPushButton(tr("&Invite…"), this)),
      remove_(new QPushButton(tr("Re&move member"), this)),
      leave_(new QPushButton(tr("&Leave network"), this)),
      confirm_([this](const QString& title, const QString& question) {
          return QMessageBox::question(this, title, question) == QMessageBox::Yes;
      }) {
    network_table_->setObjectName(QStringLiteral("network_table"));
    network_table_->setModel(&networks_);
    configure(*network_table_);
    member_table_->setObjectName(QStringLiteral("member_table"));
    member_table_->setModel(&members_);
    configure(*member_table_);
    problem_->setObjectName(QStringLiteral("network_problem"));
    problem_->setWordWrap(true);
    problem_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    problem_->hide();
    QFont title_font = members_title_->font();
    title_font.setBold(true);
    members_title_->setFont(title_font);
    empty_->setAlignment(Qt::AlignCenter);
    empty_->setWordWrap(true);
    empty_->setText(
        tr("No networks yet. Create one with \"Create network…\" (this computer "
           "becomes its lighthouse), or join one with an invite you were sent."));
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* members_box = new QWidget(this);
    auto* members_layout = new QVBoxLayout(members_box);
    members_layout->setContentsMargins(0, 0, 0, 0);
    members_layout->addWidget(problem_);
    members_layout->addWidget(members_title_);
    members_layout->addWidget(member_table_, 1);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(network_table_);
    split->addWidget(members_box);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* button : {create_, join_, invite_, remove_, leave_}) {
        buttons->addWidget(button);
    }
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(empty_, 1);
    layout->addWidget(message_);
    layout->addLayout(buttons);

    poll_.setInterval(kPollMs);
    connect(&poll_, &QTimer::timeout, this, &NetworksPage::refresh_members);
    connect(network_table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        const QModelIndexList rows = network_table_->selectionModel()->selectedRows();
        if (!rows.isEmpty()) {
            show_members_of(QString::fromStdString(networks_.at(rows.front().row())->name));
        }
    });
    connect(member_table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &NetworksPage::update_buttons);
    connect(create_, &QPushButton::clicked, this, &NetworksPage::create_network);
    connect(join_, &QPushButton::clicked, this, &NetworksPage::join);
    connect(invite_, &QPushButton::clicked, this, &NetworksPage::invite);
    connect(remove_, &QPushButton::clicked, this, &NetworksPage::remove_member);
    connect(leave_, &QPushButton::clicked, this, &NetworksPage::leave_network);
    connect(&link_, &DaemonLink::state_changed, this, [this](DaemonLink::State state) {
        if (state == DaemonLink::State::connected) {
            refresh();
        } else {
            networks_.assign({});
            members_.clear();
            update_buttons();
        }
    });
    connect(&link_, &DaemonLink::network_changed, this,
            [this](const ipc::NetworkChanged&) { refresh(); });
    // A network's tunnel is named after it: its peers are its members.
    connect(&link_, &DaemonLink::peer_changed, this, [this](const ipc::PeerChanged& event) {
        if (QString::fromStdString(event.tunnel) == selected_) {
            refresh_members();
        }
    });
    update_buttons();
    if (link_.state() == DaemonLink::State::connected) {
        refresh();
    }
}

void NetworksPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    refresh_members();
    poll_.start();
}

void NetworksPage::hideEvent(QHideEvent* event) {
    poll_.stop();
    QWidget::hideEvent(event);
}

void NetworksPage::refresh() {
    link_.call<ipc::NetworkListMethod>(
        ipc::NoParams{}, this, [this](const ipc::Outcome<ipc::NetworkList>& outcome) {
            if (!outcome.ok()) {
                if (link_.state() == DaemonLink::State::connected) {
                    report(tr("tulled did not list its networks: %1")
                               .arg(QString::fromStdString(outcome.error().message)));
                }
                return;
            }
            const QString keep = selected_;
            networks_.assign(outcome->networks);
            const int row = networks_.row_of(keep);
            if (row >= 0) {
                network_table_->selectRow(row);
            } else if (networks_.rowCount() > 0) {
                network_table_->selectRow(0);
            } else {
                selected_.clear();
                members_.clear();
            }
            for (int column = 0; column < NetworkListModel::column_count - 1; ++column) {
                network_table_->resizeColumnToContents(column);
            }
            // The selection may not have moved (same row): read the members anyway.
            refresh_members();
            update_buttons();
        });
}

void NetworksPage::select(const QString& network) {
    const int row = networks_.row_of(network);
    if (row >= 0) {
        network_table_->selectRow(row);
    }
}

QString NetworksPage::selected_network() const {
    return selected_;
}

const ipc::NetworkStatus* NetworksPage::selected_status() const {
    return networks_.at(networks_.row_of(selected_));
}

const ipc::Member* NetworksPage::selected_member() const {
    const QModelIndexList rows = member_table_->selectionModel()->selectedRows();
    return rows.isEmpty() ? nullptr : members_.at(rows.front().row());
}

void NetworksPage::show_members_of(const QString& network) {
    if (network == selected_) {
        return;
    }
    selected_ = network;
    members_.clear();
    refresh_members();
    update_buttons();
}

void NetworksPage::refresh_members() {
    if (selected_.isEmpty() || link_.state() != DaemonLink::State::connected) {
        return;
    }
    link_.call<ipc::NetworkMembersMethod>(
        ipc::NetworkRef{selected_.toStdString()}, this,
        [this, asked = selected_](const ipc::Outcome<ipc::MemberList>& outcome) {
            if (asked != selected_) {
                return;  // another network was picked meanwhile
            }
            if (!outcome.ok()) {
                members_title_->setText(
                    tr("Members of %1: %2")
                        .arg(asked, QString::fromStdString(outcome.error().message)));
                return;
            }
            // Keep the member selected across the refresh.
            const ipc::Member* before = selected_member();
            const auto key = before != nullptr ? std::optional(before->public_key) : std::nullopt;
            members_.assign(*outcome, QDateTime::currentSecsSinceEpoch());
            for (int row = 0; key && row < members_.rowCount(); ++row) {
                if (members_.at(row)->public_key == *key) {
                    member_table_->selectRow(row);
                }
            }
            members_title_->setText(tr("Members of %1").arg(asked));
            for (int column = 0; column < MemberTableModel::column_count - 1; ++column) {
                member_table_->resizeColumnToContents(column);
            }
            update_buttons();
        });
}

void NetworksPage::update_buttons() {
    const bool connected = link_.state() == DaemonLink::State::connected;
    const ipc::NetworkStatus* network = selected_status();
    const bool lighthouse = network != nullptr && network->role == ipc::NetworkRoleName::lighthouse;
    const ipc::Member* member = selected_member();
    create_->setEnabled(connected);
    join_->setEnabled(connected);
    invite_->setEnabled(connected && lighthouse);
    remove_->setEnabled(connected && lighthouse && member != nullptr && !member->self);
    leave_->setEnabled(connected && network != nullptr);
    const bool empty = networks_.rowCount() == 0;
    network_table_->parentWidget()->setVisible(!empty);
    empty_->setVisible(empty);
    const bool trouble = network != nullptr && !network->problem.empty();
    problem_->setVisible(trouble);
    if (trouble) {
        problem_->setText(tr("%1 is %2").arg(selected_, network_state_text(*network)));
    }
    if (network == nullptr) {
        members_title_->clear();
    }
}

void NetworksPage::report(const QString& text) {
    message_->setText(text);
    emit status_message(text);
}

CreateNetworkDialog* NetworksPage::create_network() {
    auto* dialog = new CreateNetworkDialog(link_, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CreateNetworkDialog::created, this, [this](const QString& network) {
        selected_ = network;
        report(tr("Network %1 created; this computer is its lighthouse. Invite members with "
                  "\"Invite…\".")
                   .arg(network));
        refresh();
    });
    dialog->open();
    return dialog;
}

InviteDialog* NetworksPage::invite() {
    const ipc::NetworkStatus* network = selected_status();
    if (network == nullptr) {
        return nullptr;
    }
    auto* dialog = new InviteDialog(link_, selected_, network->range, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &InviteDialog::invited, this, [this](const QString& network, const QString&) {
        report(tr("Invite to %1 made.").arg(network));
    });
    dialog->open();
    return dialog;
}

JoinDialog* NetworksPage::join() {
    auto* dialog = new JoinDialog(link_, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &JoinDialog::joined, this, [this](const QString& network) {
        selected_ = network;
        report(tr("Joined %1.").arg(network));
        refresh();
    });
    dialog->open();
    return dialog;
}

void NetworksPage::remove_member() {
    const ipc::Member* member = selected_member();
    if (member == nullptr || member->self) {
        return;
    }
    const QString label = member_label(*member);
    const QString network = selected_;
    // A name, or the key when the member has none.
    const std::string ref = member->name.empty() ? member->public_key.to_base64() : member->name;
    if (!confirm_(tr("Remove member"),
                  tr("Remove %1 from %2? Every member stops talking to it at once, and it "
                     "cannot come back without a new invite.")
                      .arg(label, network))) {
        return;
    }
    link_.call<ipc::NetworkRemoveMethod>(
        ipc::MemberRef{network.toStdString(), ref}, this,
        [this, label, network](const ipc::Outcome<ipc::Done>& outcome) {
            if (!outcome.ok()) {
                report(tr("tulled refused to remove %1: %2")
                           .arg(label, QString::fromStdString(outcome.error().message)));
                return;
            }
            report(tr("%1 removed from %2.").arg(label, network));
            refresh_members();
        });
}

void NetworksPage::leave_network() {
    const ipc::NetworkStatus* status = selected_status();
    if (status == nullptr) {
        return;
    }
    const QString network = selected_;
    const QString question =
        status->role == ipc::NetworkRoleName::lighthouse
            ? tr("Leave %1? This computer is its lighthouse and holds its key: leaving deletes "
                 "the network, and its members can no longer reach each other through it.")
                  .arg(network)
            : tr("Leave %1? Its tunnel goes down and this computer's membership is deleted; "
                 "joining again needs a new invite.")
                  .arg(network);
    if (!confirm_(tr("Leave network"), question)) {
        return;
    }
    link_.call<ipc::NetworkLeaveMethod>(
        ipc::NetworkRef{network.toStdString()}, this,
        [this, network](const ipc::Outcome<ipc::Done>& outcome) {
            if (!outcome.ok()) {
                report(tr("tulled refused to leave %1: %2")
                           .arg(network, QString::fromStdString(outcome.error().message)));
                return;
            }
            report(tr("Left %1.").arg(network));
            refresh();
        });
}

}  // namespace tulle::app
