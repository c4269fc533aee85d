// Where tulled's log goes besides stderr (the journal): a ring buffer of the newest lines that
// log.tail reads (spdlog's ringbuffer sink), and a listener that turns new lines into `log`
// events for subscribed clients.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include <spdlog/logger.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include "ipc/messages.hpp"

namespace tulle::daemon {

class LogHub {
  public:
    static constexpr std::size_t kDefaultLines = 4000;

    explicit LogHub(std::size_t lines = kDefaultLines);

    // A logger writing to stderr, the ring and the listener, at `level`.
    [[nodiscard]] std::shared_ptr<spdlog::logger> make_logger(const std::string& name,
                                                              spdlog::level::level_enum level);

    // The newest `lines` lines at or above `level`, oldest first.
    [[nodiscard]] std::vector<ipc::LogLine> tail(std::size_t lines, ipc::LogLevel level) const;

    // Called for every new line, on the thread that logged it. Set once, before logging starts.
    void set_listener(std::function<void(ipc::LogLine)> listener);

  private:
    class ListenerSink;
    std::vector<spdlog::sink_ptr> sinks_;
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> ring_;
    std::shared_ptr<ListenerSink> listener_;
};

[[nodiscard]] ipc::LogLevel to_ipc(spdlog::level::level_enum level);

}  // namespace tulle::daemon
