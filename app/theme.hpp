// Picks icon variants that read well on the panel: dark ink on light panels, light ink on dark.
#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

namespace tulle::app {

enum class TunnelState { off, connecting, on, error };
enum class IconVariant { light, dark };  // for a light panel, for a dark panel

// The variant for a background colour (relative luminance per WCAG).
[[nodiscard]] IconVariant variant_for_background(const QColor& background);
[[nodiscard]] QString icon_path(TunnelState state, IconVariant variant);
[[nodiscard]] QIcon state_icon(TunnelState state, IconVariant variant);

}  // namespace tulle::app
