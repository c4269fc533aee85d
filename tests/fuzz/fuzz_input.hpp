// What the fuzz targets share: reading choices out of the fuzzer's bytes, and checking a
// property (a failed check aborts, which libFuzzer reports as a crash with the input).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

namespace tulle::fuzz {

inline void check(bool condition) {
    if (!condition) {
        std::abort();
    }
}

// The input, read from the front; past its end every byte reads as 0.
class Input {
  public:
    explicit Input(std::span<const std::uint8_t> data) : data_(data) {}
    [[nodiscard]] bool empty() const { return data_.empty(); }
    std::uint8_t byte() {
        if (data_.empty()) {
            return 0;
        }
        const std::uint8_t b = data_[0];
        data_ = data_.subspan(1);
        return b;
    }
    // Up to n bytes (fewer at the end).
    std::span<const std::uint8_t> take(std::size_t n) {
        n = std::min(n, data_.size());
        auto out = data_.first(n);
        data_ = data_.subspan(n);
        return out;
    }
    // A big-endian number of `size` bytes.
    std::uint64_t number(int size) {
        std::uint64_t value = 0;
        for (int i = 0; i < size; ++i) {
            value = (value << 8U) | byte();
        }
        return value;
    }
    template <std::size_t N>
    std::array<std::uint8_t, N> array() {
        std::array<std::uint8_t, N> out{};
        for (auto& b : out) {
            b = byte();
        }
        return out;
    }
    [[nodiscard]] std::string_view rest() const {
        return {reinterpret_cast<const char*>(data_.data()), data_.size()};
    }

  private:
    std::span<const std::uint8_t> data_;
};

}  // namespace tulle::fuzz
