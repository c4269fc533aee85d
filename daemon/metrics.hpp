// tulled's Prometheus metrics (tulled --metrics): what is counted, taken from the running tunnels,
// and written in the text exposition format 0.0.4. No secret goes in: the model has no field for
// one (peers are named by their public key, base64, and by their name when the tunnel gives them
// names), and endpoints are reported as known or not, never as addresses.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/core/engine.hpp"
#include "daemon/device.hpp"
#include "value/key.hpp"

namespace tulle::daemon {

struct PeerMetrics {
    value::Key public_key;
    std::string name;  // empty: the peer has none (the label is left out)
    bool endpoint_known = false;
    std::int64_t last_handshake = 0;  // Unix seconds; 0: never
    std::uint64_t rx_bytes = 0;
    std::uint64_t tx_bytes = 0;
};

struct TunnelMetrics {
    std::string name;
    std::uint16_t listen_port = 0;
    std::vector<PeerMetrics> peers;
    core::EngineCounters engine;
    DeviceCounters device;
};

struct DaemonMetrics {
    std::string version;
    std::vector<TunnelMetrics> tunnels;          // the ones that are up
    std::optional<std::size_t> control_clients;  // service mode only
};

// A tunnel's metrics from its device; peer_name gives a peer's name ("" for none).
[[nodiscard]] TunnelMetrics metrics_of(
    const std::string& tunnel, const Device& device,
    const std::function<std::string(const value::Key&)>& peer_name = {});

// Writes families in the text exposition format 0.0.4: a family's HELP and TYPE lines, then its
// samples, each family once. Counter names must end in _total (checked: std::logic_error).
class MetricsText {
  public:
    using Labels = std::vector<std::pair<std::string_view, std::string_view>>;
    enum class Type : std::uint8_t { counter, gauge };

    void family(std::string_view name, Type type, std::string_view help);
    // A sample of the family begun last.
    void sample(const Labels& labels, std::uint64_t value);

    [[nodiscard]] const std::string& text() const { return text_; }
    [[nodiscard]] std::string take() { return std::move(text_); }

  private:
    void sample_line(const Labels& labels, const std::string& value);

    std::string text_;
    std::string family_;
};

// A label value as the format wants it: backslash, double quote and line feed escaped.
[[nodiscard]] std::string escape_label_value(std::string_view value);
// HELP text as the format wants it: backslash and line feed escaped.
[[nodiscard]] std::string escape_help(std::string_view text);

// Every metric tulled exports, as the body of GET /metrics.
[[nodiscard]] std::string encode_metrics(const DaemonMetrics& metrics);

}  // namespace tulle::daemon
