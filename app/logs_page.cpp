#include "app/logs_page.hpp"

#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QSaveFile>
#include <QScrollBar>
#include <QShortcut>
#include <QVBoxLayout>

namespace tulle::app {

// A page constructor lays out its widgets: the one kind of function allowed past 80 lines.
// NOLINTNEXTLINE(readability-function-size)
LogsPage::LogsPage(DaemonLink& link, QWidget* parent)
    : QWidget(parent),
      link_(link),
      level_(new QComboBox(this)),
      search_(new QLineEdit(this)),
      list_(new QListView(this)),
      follow_(new QPushButton(tr("F&ollow"), this)) {
    filter_.setSourceModel(&model_);
    level_->setObjectName(QStringLiteral("log_level"));
    search_->setObjectName(QStringLiteral("log_search"));
    list_->setObjectName(QStringLiteral("log_list"));
    const std::array<std::pair<QString, ipc::LogLevel>, 5> levels{{
        {tr("Debug and above"), ipc::LogLevel::debug},
        {tr("Info and above"), ipc::LogLevel::info},
        {tr("Warnings and errors"), ipc::LogLevel::warning},
        {tr("Errors only"), ipc::LogLevel::error},
        {tr("Everything"), ipc::LogLevel::trace},
    }};
    for (const auto& [text, level] : levels) {
        level_->addItem(text, static_cast<int>(level));
    }
    level_->setCurrentIndex(1);
    filter_.set_level(ipc::LogLevel::info);
    search_->setPlaceholderText(tr("Search"));
    search_->setClearButtonEnabled(true);
    list_->setModel(&filter_);
    list_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    list_->setUniformItemSizes(true);
    list_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    follow_->setCheckable(true);
    follow_->setChecked(true);
    follow_->setToolTip(tr("Keep the newest line in view"));
    auto* copy = new QPushButton(tr("&Copy"), this);
    auto* save = new QPushButton(tr("Save &as…"), this);

    auto* top = new QHBoxLayout;
    auto* level_label = new QLabel(tr("&Level:"), this);
    level_label->setBuddy(level_);
    top->addWidget(level_label);
    top->addWidget(level_);
    top->addWidget(search_, 1);
    top->addWidget(follow_);
    top->addWidget(copy);
    top->addWidget(save);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(list_, 1);

    connect(level_, &QComboBox::currentIndexChanged, this, [this] {
        filter_.set_level(static_cast<ipc::LogLevel>(level_->currentData().toInt()));
    });
    connect(search_, &QLineEdit::textChanged, &filter_, &LogFilter::set_text);
    connect(copy, &QPushButton::clicked, this, &LogsPage::copy_selection);
    auto* copy_shortcut = new QShortcut(QKeySequence::Copy, list_);
    connect(copy_shortcut, &QShortcut::activated, this, &LogsPage::copy_selection);
    connect(save, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save the log"), QStringLiteral("tulled.log"), tr("Log files (*.log *.txt)"));
        if (path.isEmpty()) {
            return;
        }
        const QString error = save_to(path);
        if (!error.isEmpty()) {
            QMessageBox::warning(this, tr("Save the log"), error);
        }
    });
    connect(&filter_, &QAbstractItemModel::rowsInserted, this, [this] {
        if (follow_->isChecked()) {
            list_->scrollToBottom();
        }
    });
    connect(list_->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        // Scrolling up to read stops following; back at the bottom it follows again.
        follow_->setChecked(value == list_->verticalScrollBar()->maximum());
    });
    connect(&link_, &DaemonLink::log_line, &model_, &LogModel::append);
    connect(&link_, &DaemonLink::state_changed, this, [this](DaemonLink::State state) {
        if (state == DaemonLink::State::connected) {
            reload();
        }
    });
    setTabOrder(level_, search_);
    setTabOrder(search_, follow_);
    setTabOrder(follow_, copy);
    setTabOrder(copy, save);
    setTabOrder(save, list_);
    if (link_.state() == DaemonLink::State::connected) {
        reload();
    }
}

void LogsPage::reload() {
    ipc::LogQuery query;
    query.lines = kTailLines;
    query.level = ipc::LogLevel::trace;  // the page filters; the choice stays the user's
    link_.call<ipc::LogTailMethod>(query, this, [this](const ipc::Outcome<ipc::LogTail>& tail) {
        if (tail.ok()) {
            model_.assign(tail->lines);
            if (follow_->isChecked()) {
                list_->scrollToBottom();
            }
        }
    });
}

void LogsPage::set_level(ipc::LogLevel level) {
    const int index = level_->findData(static_cast<int>(level));
    if (index >= 0) {
        level_->setCurrentIndex(index);
    }
}

void LogsPage::set_search(const QString& text) {
    search_->setText(text);
}

QString LogsPage::shown_text() const {
    QStringList lines;
    for (int row = 0; row < filter_.rowCount(); ++row) {
        lines << filter_.index(row, 0).data().toString();
    }
    return lines.join(QLatin1Char('\n'));
}

void LogsPage::copy_selection() const {
    QModelIndexList rows = list_->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end());
    QStringList lines;
    for (const QModelIndex& index : rows) {
        lines << index.data().toString();
    }
    QApplication::clipboard()->setText(lines.isEmpty() ? shown_text()
                                                       : lines.join(QLatin1Char('\n')));
}

QString LogsPage::save_to(const QString& path) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        return tr("Cannot write %1: %2").arg(path, file.errorString());
    }
    file.write(shown_text().toUtf8());
    file.write("\n");
    if (!file.commit()) {
        return tr("Cannot write %1: %2").arg(path, file.errorString());
    }
    return {};
}

}  // namespace tulle::app
