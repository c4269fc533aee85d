#include "daemon/log_hub.hpp"

#include <chrono>
#include <string>
#include <utility>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace tulle::daemon {
namespace {

ipc::LogLine to_line(const spdlog::details::log_msg& message) {
    ipc::LogLine line;
    line.time_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(message.time.time_since_epoch())
            .count();
    line.level = to_ipc(message.level);
    line.message.assign(message.payload.data(), message.payload.size());
    return line;
}

}  // namespace

ipc::LogLevel to_ipc(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::trace:
            return ipc::LogLevel::trace;
        case spdlog::level::debug:
            return ipc::LogLevel::debug;
        case spdlog::level::info:
            return ipc::LogLevel::info;
        case spdlog::level::warn:
            return ipc::LogLevel::warning;
        case spdlog::level::err:
            return ipc::LogLevel::error;
        default:
            return ipc::LogLevel::critical;
    }
}

class LogHub::ListenerSink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    void set(std::function<void(ipc::LogLine)> listener) {
        const std::lock_guard<std::mutex> lock(mutex_);
        listener_ = std::move(listener);
    }

  protected:
    void sink_it_(const spdlog::details::log_msg& message) override {
        if (listener_) {
            listener_(to_line(message));
        }
    }
    void flush_() override {}

  private:
    std::function<void(ipc::LogLine)> listener_;
};

LogHub::LogHub(std::size_t lines)
    : ring_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(lines)),
      listener_(std::make_shared<ListenerSink>()) {
    sinks_.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    sinks_.push_back(ring_);
    sinks_.push_back(listener_);
}

std::shared_ptr<spdlog::logger> LogHub::make_logger(const std::string& name,
                                                    spdlog::level::level_enum level) {
    auto logger = std::make_shared<spdlog::logger>(name, sinks_.begin(), sinks_.end());
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
    logger->set_level(level);
    return logger;
}

std::vector<ipc::LogLine> LogHub::tail(std::size_t lines, ipc::LogLevel level) const {
    std::vector<ipc::LogLine> out;
    for (const auto& message : ring_->last_raw()) {
        if (to_ipc(message.level) >= level) {
            out.push_back(to_line(message));
        }
    }
    if (out.size() > lines) {
        out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(lines));
    }
    return out;
}

void LogHub::set_listener(std::function<void(ipc::LogLine)> listener) {
    listener_->set(std::move(listener));
}

}  // namespace tulle::daemon
