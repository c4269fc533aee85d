// Driving an asio loop from a test: run it in short slices until a condition holds.
#pragma once

#include <chrono>
#include <functional>

#include <boost/asio/io_context.hpp>

namespace tulle::daemon::testing {

// Runs `io` until `done` holds; false if it does not within `limit`.
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds{5}) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        io.restart();
        io.run_for(std::chrono::milliseconds{2});
    }
    return true;
}

}  // namespace tulle::daemon::testing
