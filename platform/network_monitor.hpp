// Tells when this host's network changes: an interface, an address or a route comes, goes or
// changes (on Linux: rtnetlink's multicast groups). How a mesh member learns at once that its
// paths may be gone and that better ones may exist, instead of finding out by polling.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

namespace tulle::platform {

struct NetworkWatch {
    // Called on the io_context once per burst of changes: when `quiet` has passed without a
    // further one, or `at_most` after the burst's first change while changes go on (so that a
    // route flapping without end costs one call per `at_most`, never one per change).
    std::function<void()> changed;
    // Interfaces whose own changes do not count (tulled's mesh tunnels, whose addresses and
    // routes are its own doing), by name; asked at most once per interface and burst. A burst
    // made only of such changes calls nothing; an interface already gone has no name and
    // counts. Empty: every change counts.
    std::function<bool(const std::string& interface)> ignore;
    // The monitor could not read any more (an error other than an overrun) and has stopped;
    // the text says why. Not called when it is destroyed.
    std::function<void(const std::string& why)> failed;
    std::chrono::milliseconds quiet{200};
    std::chrono::milliseconds at_most{1000};
};

class NetworkMonitor {
  public:
    virtual ~NetworkMonitor() = default;
    NetworkMonitor(const NetworkMonitor&) = delete;
    NetworkMonitor& operator=(const NetworkMonitor&) = delete;

    // False once it has stopped after an error (NetworkWatch::failed).
    [[nodiscard]] virtual bool watching() const = 0;

  protected:
    NetworkMonitor() = default;
};

// Starts watching the network namespace of the calling thread. Throws std::system_error naming
// the step that failed (e.g. "open netlink socket"); whoever starts it carries on without.
[[nodiscard]] std::unique_ptr<NetworkMonitor> watch_network(boost::asio::io_context& io,
                                                            NetworkWatch watch);

}  // namespace tulle::platform
