#include "app/theme.hpp"

#include <cmath>

namespace tulle::app {
namespace {

double linear(double channel) {
    return channel <= 0.03928 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
}

}  // namespace

IconVariant variant_for_background(const QColor& background) {
    const double luminance = 0.2126 * linear(background.redF()) +
                             0.7152 * linear(background.greenF()) +
                             0.0722 * linear(background.blueF());
    return luminance > 0.179 ? IconVariant::light : IconVariant::dark;
}

QString icon_path(TunnelState state, IconVariant variant) {
    QString name;
    switch (state) {
        case TunnelState::off:
            name = QStringLiteral("off");
            break;
        case TunnelState::connecting:
            name = QStringLiteral("connecting");
            break;
        case TunnelState::on:
            name = QStringLiteral("on");
            break;
        case TunnelState::error:
            name = QStringLiteral("error");
            break;
    }
    const QString suffix =
        variant == IconVariant::light ? QStringLiteral("light") : QStringLiteral("dark");
    return QStringLiteral(":/icons/tulle-%1-%2.svg").arg(name, suffix);
}

QIcon state_icon(TunnelState state, IconVariant variant) {
    return QIcon(icon_path(state, variant));
}

}  // namespace tulle::app
