#include "app/format.hpp"

#include <array>

#include <QCoreApplication>

namespace tulle::app {
namespace {

QString scaled(double value, const QString& suffix) {
    static constexpr std::array<const char*, 5> kUnits{"B", "KiB", "MiB", "GiB", "TiB"};
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < kUnits.size()) {
        value /= 1024;
        ++unit;
    }
    if (unit == 0) {
        return QStringLiteral("%1 %2%3")
            .arg(static_cast<qint64>(value))
            .arg(QLatin1String(kUnits[unit]), suffix);
    }
    const int decimals = value < 10 ? 2 : (value < 100 ? 1 : 0);
    return QStringLiteral("%1 %2%3").arg(QString::number(value, 'f', decimals),
                                         QLatin1String(kUnits[unit]), suffix);
}

}  // namespace

QString format_bytes(std::uint64_t bytes) {
    return scaled(static_cast<double>(bytes), QString());
}

QString format_rate(double bytes_per_second) {
    return scaled(bytes_per_second < 0 ? 0 : bytes_per_second, QStringLiteral("/s"));
}

QString format_age(std::int64_t then, std::int64_t now) {
    if (then == 0) {
        return QCoreApplication::translate("format", "never");
    }
    const std::int64_t age = now - then;
    if (age < 1) {
        return QCoreApplication::translate("format", "now");
    }
    constexpr std::int64_t kMinute = 60;
    constexpr std::int64_t kHour = 3600;
    constexpr std::int64_t kDay = 86400;
    if (age < kMinute) {
        return QCoreApplication::translate("format", "%1 s ago").arg(age);
    }
    if (age < kHour) {
        return QCoreApplication::translate("format", "%1 min %2 s ago")
            .arg(age / kMinute)
            .arg(age % kMinute);
    }
    if (age < kDay) {
        return QCoreApplication::translate("format", "%1 h %2 min ago")
            .arg(age / kHour)
            .arg((age % kHour) / kMinute);
    }
    return QCoreApplication::translate("format", "%1 d %2 h ago")
        .arg(age / kDay)
        .arg((age % kDay) / kHour);
}

RateScale rate_scale(double max) {
    static constexpr std::array<const char*, 4> kUnits{"B/s", "KiB/s", "MiB/s", "GiB/s"};
    RateScale scale{1, QLatin1String(kUnits[0])};
    for (std::size_t i = 1; i < kUnits.size() && max / scale.divisor >= 1024; ++i) {
        scale.divisor *= 1024;
        scale.unit = QLatin1String(kUnits[i]);
    }
    return scale;
}

}  // namespace tulle::app
