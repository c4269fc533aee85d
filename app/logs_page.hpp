// The Logs page: the daemon's log, read from its ring buffer when the app connects and followed
// live; filter by level, search, copy the selected lines, save what is shown to a file.
#pragma once

#include <QComboBox>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QWidget>

#include "app/daemon_link.hpp"
#include "app/models.hpp"

namespace tulle::app {

class LogsPage : public QWidget {
    Q_OBJECT
  public:
    static constexpr int kTailLines = 2000;

    explicit LogsPage(DaemonLink& link, QWidget* parent = nullptr);

    [[nodiscard]] const LogModel& model() const { return model_; }
    [[nodiscard]] LogFilter& filter() { return filter_; }
    void set_level(ipc::LogLevel level);
    void set_search(const QString& text);
    // The lines shown (after filtering), one per line.
    [[nodiscard]] QString shown_text() const;
    void copy_selection() const;
    // Writes the shown lines to `path`; the error for people, or empty.
    [[nodiscard]] QString save_to(const QString& path) const;

  private:
    void reload();

    DaemonLink& link_;
    LogModel model_;
    LogFilter filter_;
    QComboBox* level_;
    QLineEdit* search_;
    QListView* list_;
    QPushButton* follow_;
};

}  // namespace tulle::app
