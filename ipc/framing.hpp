// Splits a byte stream into newline-terminated messages with a hard size limit, so a client can
// never make the reader buffer more than one message's worth.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace tulle::ipc {

class LineFramer {
  public:
    explicit LineFramer(std::size_t max_message_size);

    // Appends received bytes. Returns false once a message grows past the limit; the stream is
    // then unusable and the connection should be answered with an error and closed.
    [[nodiscard]] bool feed(std::span<const char> bytes);

    // The next complete message without its newline (a trailing '\r' is dropped too).
    [[nodiscard]] std::optional<std::string> next();

    // Forgets the messages next() returned and gives back the memory a long message left behind
    // (keeping up to 64 KiB), so a connection that once carried a big message does not go on
    // holding a buffer of its size.
    void compact();

    [[nodiscard]] bool overflowed() const { return overflowed_; }
    [[nodiscard]] std::size_t buffered() const { return buffer_.size() - consumed_; }
    // Bytes of memory the framer holds (what it buffers and room kept for more).
    [[nodiscard]] std::size_t memory() const { return buffer_.capacity(); }

  private:
    std::size_t max_;
    std::string buffer_;
    std::size_t consumed_ = 0;  // bytes of buffer_ already returned by next()
    std::size_t scanned_ = 0;   // bytes of buffer_ known to hold no newline
    bool overflowed_ = false;
};

}  // namespace tulle::ipc
