#include "app/autostart.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QStandardPaths>

namespace tulle::app {
namespace {

QString entry_path(const QString& folder) {
    return QDir(folder).filePath(QStringLiteral("tulle.desktop"));
}

}  // namespace

QString autostart_folder() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation))
        .filePath(QStringLiteral("autostart"));
}

bool autostart_enabled(const QString& folder) {
    return QFile::exists(entry_path(folder));
}

QString set_autostart(bool enabled, const QString& folder) {
    const QString path = entry_path(folder);
    if (!enabled) {
        if (QFile::exists(path) && !QFile::remove(path)) {
            return QCoreApplication::translate("tulle::app::Autostart", "Cannot remove %1.")
                .arg(path);
        }
        return {};
    }
    if (!QDir().mkpath(folder)) {
        return QCoreApplication::translate("tulle::app::Autostart", "Cannot create the folder %1.")
            .arg(folder);
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        return QCoreApplication::translate("tulle::app::Autostart", "Cannot write %1: %2")
            .arg(path, file.errorString());
    }
    file.write(
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Tulle\n"
        "Comment=WireGuard tunnels in the tray\n"
        "Exec=tulle\n"
        "Icon=tulle\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n");
    if (!file.commit()) {
        return QCoreApplication::translate("tulle::app::Autostart", "Cannot write %1: %2")
            .arg(path, file.errorString());
    }
    return {};
}

}  // namespace tulle::app
