// Starting the app at login: an XDG autostart entry (tulle.desktop in $XDG_CONFIG_HOME/autostart)
// that the desktop reads when the user logs in.
#pragma once

#include <QString>

namespace tulle::app {

// The autostart folder: $XDG_CONFIG_HOME/autostart, or ~/.config/autostart.
[[nodiscard]] QString autostart_folder();
[[nodiscard]] bool autostart_enabled(const QString& folder = autostart_folder());
// Writes or removes the entry; the error for people, or empty.
[[nodiscard]] QString set_autostart(bool enabled, const QString& folder = autostart_folder());

}  // namespace tulle::app
