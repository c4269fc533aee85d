#include "app/theme.hpp"

#include <QFile>
#include <QImage>
#include <QPainter>
#include <gtest/gtest.h>

namespace tulle::app {
namespace {

TEST(Theme, DarkInkOnLightPanelsAndLightInkOnDarkPanels) {
    EXPECT_EQ(variant_for_background(QColor(Qt::white)), IconVariant::light);
    EXPECT_EQ(variant_for_background(QColor(0xef, 0xf0, 0xf1)), IconVariant::light);
    EXPECT_EQ(variant_for_background(QColor(0x31, 0x36, 0x3b)), IconVariant::dark);
    EXPECT_EQ(variant_for_background(QColor(Qt::black)), IconVariant::dark);
}

// The average luminance of the icon's opaque pixels, rendered at tray size.
double ink_luminance(const QIcon& icon) {
    const QImage image = icon.pixmap(32, 32).toImage().convertToFormat(QImage::Format_ARGB32);
    double sum = 0;
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (c.alpha() > 100) {
                sum += c.lightnessF();
                ++count;
            }
        }
    }
    return count == 0 ? -1 : sum / count;
}

TEST(Theme, EveryStateHasAnIconThatContrastsWithItsPanel) {
    for (auto state :
         {TunnelState::off, TunnelState::connecting, TunnelState::on, TunnelState::error}) {
        for (auto variant : {IconVariant::light, IconVariant::dark}) {
            ASSERT_TRUE(QFile::exists(icon_path(state, variant)))
                << icon_path(state, variant).toStdString();
            const double ink = ink_luminance(state_icon(state, variant));
            ASSERT_GE(ink, 0) << "icon rendered empty: " << icon_path(state, variant).toStdString();
            if (variant == IconVariant::light) {
                EXPECT_LT(ink, 0.5) << icon_path(state, variant).toStdString();
            } else {
                EXPECT_GT(ink, 0.5) << icon_path(state, variant).toStdString();
            }
        }
    }
}

}  // namespace
}  // namespace tulle::app
