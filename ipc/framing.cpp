#include "ipc/framing.hpp"

namespace tulle::ipc {
namespace {

constexpr std::size_t kKeptCapacity = 64U << 10U;

}  // namespace

LineFramer::LineFramer(std::size_t max_message_size) : max_(max_message_size) {}

void LineFramer::compact() {
    if (consumed_ > 0) {
        buffer_.erase(0, consumed_);
        scanned_ -= consumed_;
        consumed_ = 0;
    }
    if (buffer_.capacity() > kKeptCapacity && buffer_.capacity() > 2 * buffer_.size()) {
        buffer_.shrink_to_fit();
    }
}

bool LineFramer::feed(std::span<const char> bytes) {
    if (overflowed_) {
        return false;
    }
    if (consumed_ > 0) {
        buffer_.erase(0, consumed_);
        scanned_ -= consumed_;
        consumed_ = 0;
    }
    buffer_.append(bytes.data(), bytes.size());
    // The pending (incomplete) message is everything after the last newline.
    const auto last_newline = buffer_.rfind('\n');
    const std::size_t pending =
        last_newline == std::string::npos ? buffer_.size() : buffer_.size() - last_newline - 1;
    if (pending >= max_) {
        overflowed_ = true;
    }
    return !overflowed_;
}

std::optional<std::string> LineFramer::next() {
    const auto newline = buffer_.find('\n', scanned_);
    if (newline == std::string::npos) {
        scanned_ = buffer_.size();
        return std::nullopt;
    }
    std::size_t end = newline;
    if (end > consumed_ && buffer_[end - 1] == '\r') {
        --end;
    }
    if (newline + 1 - consumed_ > max_) {
        overflowed_ = true;
        return std::nullopt;
    }
    std::string message = buffer_.substr(consumed_, end - consumed_);
    consumed_ = newline + 1;
    scanned_ = consumed_;
    return message;
}

}  // namespace tulle::ipc
