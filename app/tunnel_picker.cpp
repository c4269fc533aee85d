#include "app/tunnel_picker.hpp"

#include <QSignalBlocker>
#include <QStringList>

namespace tulle::app {

TunnelPicker::TunnelPicker(QWidget* parent) : QComboBox(parent) {
    setMinimumContentsLength(12);
}

void TunnelPicker::refresh(const TunnelHub& hub) {
    QStringList running;
    for (const auto& [name, view] : hub.tunnels()) {
        if (view.status.up) {
            running << name;
        }
    }
    QStringList shown;
    for (int i = 0; i < count(); ++i) {
        shown << itemText(i);
    }
    if (shown == running) {
        return;
    }
    const QString current = currentText();
    const QSignalBlocker block(this);
    clear();
    addItems(running);
    const int keep = static_cast<int>(running.indexOf(current));
    setCurrentIndex(keep >= 0 ? keep : 0);
}

bool TunnelPicker::select(const QString& tunnel) {
    const int index = findText(tunnel);
    if (index < 0) {
        return false;
    }
    setCurrentIndex(index);
    return true;
}

}  // namespace tulle::app
