// What the engine needs from the world besides packets: randomness and the wall clock (for
// TAI64N timestamps and "latest handshake" times). Monotonic time is passed into every call.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>

namespace tulle::core {

class Environment {
  public:
    Environment() = default;
    Environment(const Environment&) = delete;
    Environment& operator=(const Environment&) = delete;
    virtual ~Environment() = default;

    virtual void random_bytes(std::span<std::uint8_t> out) = 0;
    [[nodiscard]] virtual std::chrono::system_clock::time_point wall_now() = 0;
};

// libsodium's random generator and the system clock: what tulled runs with.
class SystemEnvironment final : public Environment {
  public:
    void random_bytes(std::span<std::uint8_t> out) override;
    [[nodiscard]] std::chrono::system_clock::time_point wall_now() override;
};

}  // namespace tulle::core
