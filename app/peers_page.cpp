#include "app/peers_page.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QMessageBox>
#include <QVBoxLayout>

#include "app/peer_editor.hpp"

namespace tulle::app {

PeersPage::PeersPage(TunnelHub& hub, QWidget* parent)
    : QWidget(parent),
      hub_(hub),
      model_(hub),
      tunnels_(new TunnelPicker(this)),
      filter_(new QLineEdit(this)),
      table_(new QTableView(this)),
      empty_(new QLabel(this)),
      add_(new QPushButton(tr("&Add peer…"), this)),
      edit_(new QPushButton(tr("&Edit…"), this)),
      remove_(new QPushButton(tr("&Remove"), this)) {
    proxy_.setSourceModel(&model_);
    proxy_.setSortRole(kSortRole);
    proxy_.setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy_.setFilterKeyColumn(-1);
    tunnels_->setObjectName(QStringLiteral("peer_tunnel"));
    filter_->setObjectName(QStringLiteral("peer_filter"));
    filter_->setPlaceholderText(tr("Filter by name, endpoint or allowed IPs"));
    filter_->setClearButtonEnabled(true);
    table_->setObjectName(QStringLiteral("peer_table"));
    table_->setModel(&proxy_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(PeerTableModel::name, Qt::AscendingOrder);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setAlternatingRowColors(true);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table_->horizontalHeader()->setSectionResizeMode(PeerTableModel::allowed_ips,
                                                     QHeaderView::Stretch);
    table_->setWordWrap(false);
    empty_->setAlignment(Qt::AlignCenter);
    empty_->setWordWrap(true);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("&Tunnel:"), this));
    qobject_cast<QLabel*>(top->itemAt(0)->widget())->setBuddy(tunnels_);
    top->addWidget(tunnels_);
    top->addWidget(filter_, 1);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add_);
    buttons->addWidget(edit_);
    buttons->addWidget(remove_);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(table_, 1);
    layout->addWidget(empty_, 1);
    layout->addLayout(buttons);

    connect(filter_, &QLineEdit::textChanged, &proxy_,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(tunnels_, &QComboBox::currentTextChanged, this, [this](const QString& name) {
        model_.set_tunnel(name);
        update_buttons();
    });
    connect(&hub_, &TunnelHub::tunnels_reset, this, &PeersPage::fill_tunnels);
    connect(&model_, &QAbstractItemModel::modelReset, this, [this] {
        // Sized to the peers once per change of the list, not on every stats tick.
        for (int column = 0; column < PeerTableModel::column_count; ++column) {
            if (column != PeerTableModel::allowed_ips) {
                table_->resizeColumnToContents(column);
            }
        }
        update_buttons();
    });
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &PeersPage::update_buttons);
    connect(table_, &QTableView::doubleClicked, this, &PeersPage::edit_selected);
    connect(add_, &QPushButton::clicked, this, &PeersPage::add_peer);
    connect(edit_, &QPushButton::clicked, this, &PeersPage::edit_selected);
    connect(remove_, &QPushButton::clicked, this, &PeersPage::remove_selected);
    setTabOrder(tunnels_, filter_);
    setTabOrder(filter_, table_);
    setTabOrder(table_, add_);
    setTabOrder(add_, edit_);
    setTabOrder(edit_, remove_);
    fill_tunnels();
}

void PeersPage::fill_tunnels() {
    tunnels_->refresh(hub_);
    model_.set_tunnel(tunnels_->currentText());
    update_buttons();
}

void PeersPage::show_tunnel(const QString& tunnel) {
    tunnels_->select(tunnel);
}

const PeerView* PeersPage::selected() const {
    const QModelIndexList rows = table_->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        return nullptr;
    }
    return model_.peer_at(proxy_.mapToSource(rows.front()).row());
}

void PeersPage::update_buttons() {
    const bool running = !model_.tunnel().isEmpty();
    add_->setEnabled(running && hub_.link().state() == DaemonLink::State::connected);
    edit_->setEnabled(selected() != nullptr);
    remove_->setEnabled(selected() != nullptr);
    const bool empty = model_.rowCount() == 0;
    table_->setVisible(!empty);
    empty_->setVisible(empty);
    empty_->setText(
        running ? tr("Tunnel %1 has no peers yet. Add one with \"Add peer…\".").arg(model_.tunnel())
                : tr("No tunnel is up. Bring one up on the Tunnels page to see its "
                     "peers here."));
}

void PeersPage::add_peer() {
    const TunnelView* view = hub_.find(model_.tunnel());
    if (view == nullptr) {
        return;
    }
    QStringList taken;
    for (const auto& peer : view->peers) {
        taken << QString::fromStdString(peer.status.public_key.to_base64());
    }
    auto* editor = new PeerEditor(hub_.link(), model_.tunnel(), taken,
                                  view->status.public_key
                                      ? QString::fromStdString(view->status.public_key->to_base64())
                                      : QString(),
                                  this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    connect(editor, &PeerEditor::applied, this, [this](const QString& tunnel, const QString&) {
        emit status_message(tr("Peer added to %1.").arg(tunnel));
    });
    editor->open();
}

void PeersPage::edit_selected() {
    const PeerView* peer = selected();
    if (peer == nullptr) {
        return;
    }
    auto* editor = new PeerEditor(hub_.link(), model_.tunnel(), peer->status, this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    connect(editor, &PeerEditor::applied, this, [this](const QString& tunnel, const QString&) {
        emit status_message(tr("Peer of %1 changed.").arg(tunnel));
    });
    editor->open();
}

void PeersPage::remove_selected() {
    const PeerView* peer = selected();
    if (peer == nullptr) {
        return;
    }
    const QString label = peer_label(peer->status);
    const QString tunnel = model_.tunnel();
    const auto answer = QMessageBox::question(
        this, tr("Remove peer"),
        tr("Remove peer %1 from the running tunnel %2? Traffic to its allowed IPs stops at once.")
            .arg(label, tunnel));
    if (answer != QMessageBox::Yes) {
        return;
    }
    ipc::PeerRef ref{tunnel.toStdString(), peer->status.public_key};
    hub_.link().call<ipc::PeerRemoveMethod>(
        ref, this, [this, label, tunnel](const ipc::Outcome<ipc::Done>& outcome) {
            if (!outcome.ok()) {
                QMessageBox::warning(
                    this, tr("Remove peer"),
                    tr("tulled refused to remove %1: %2")
                        .arg(label, QString::fromStdString(outcome.error().message)));
                return;
            }
            emit status_message(tr("Peer %1 removed from %2.").arg(label, tunnel));
        });
}

}  // namespace tulle::app
