// Numbers for people: sizes, rates and ages as the pages, the tray and the charts show them.
#pragma once

#include <cstdint>

#include <QString>

namespace tulle::app {

// "0 B", "1023 B", "1.5 KiB", "12.3 MiB", "2.00 GiB".
[[nodiscard]] QString format_bytes(std::uint64_t bytes);
// "0 B/s", "1.5 KiB/s", ...
[[nodiscard]] QString format_rate(double bytes_per_second);
// The time since a handshake: "never", "now", "12 s ago", "3 min 5 s ago", "2 h 4 min ago".
[[nodiscard]] QString format_age(std::int64_t then, std::int64_t now);

// A scale for a chart axis: the divisor and unit that keep `max` below 1024 units.
struct RateScale {
    double divisor = 1;
    QString unit;
};
[[nodiscard]] RateScale rate_scale(double max);

}  // namespace tulle::app
