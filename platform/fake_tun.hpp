// An in-memory TUN device for tests: packets the test injects are what the daemon reads, and
// what the daemon writes is kept for the test to take. For tests only; not linked into tulled.
//
// The device (FakeTunDevice) is shared between the Tun handle the daemon owns (FakeTun) and the
// factory, so a test can still inspect it after the daemon has closed the handle. Thread-safe:
// a test may inject from one thread while the daemon reads on another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "platform/tun.hpp"

namespace tulle::platform {

class FakeTunDevice {
  public:
    // Throws std::system_error when the notification pipe cannot be made.
    explicit FakeTunDevice(std::string name, std::uint32_t mtu = 1420);
    ~FakeTunDevice();
    FakeTunDevice(const FakeTunDevice&) = delete;
    FakeTunDevice& operator=(const FakeTunDevice&) = delete;

    // ---- The test's side (playing the OS). ----

    // Queues a packet for the daemon's next read().
    void inject(std::span<const std::uint8_t> packet);
    // The oldest packet the daemon wrote and the test has not taken yet.
    [[nodiscard]] std::optional<std::vector<std::uint8_t>> take_written();
    // Packets injected but not read yet / written but not taken yet.
    [[nodiscard]] std::size_t pending_reads() const;
    [[nodiscard]] std::size_t pending_writes() const;
    // While blocked, write() returns false as a full device would.
    void set_write_blocked(bool blocked);
    // Makes the next read() or write() throw this error (once), as a failing device would.
    void fail_next_read(std::error_code error);
    void fail_next_write(std::error_code error);
    // False once the daemon has destroyed its FakeTun.
    [[nodiscard]] bool is_open() const;

    // ---- The daemon's side, through FakeTun. ----

    [[nodiscard]] const std::string& name() const { return name_; }
    [[nodiscard]] std::uint32_t mtu() const;
    void set_mtu(std::uint32_t mtu);
    // Readable exactly while a packet is waiting.
    [[nodiscard]] int fd() const { return read_fd_; }
    [[nodiscard]] std::size_t read(std::span<std::uint8_t> buffer);
    [[nodiscard]] bool write(std::span<const std::uint8_t> packet);
    void close();

  private:
    void drain_locked();

    const std::string name_;
    mutable std::mutex mutex_;
    std::uint32_t mtu_;
    std::deque<std::vector<std::uint8_t>> to_read_;
    std::deque<std::vector<std::uint8_t>> written_;
    bool write_blocked_ = false;
    bool open_ = true;
    std::error_code next_read_error_;
    std::error_code next_write_error_;
    // A pipe holding one byte while to_read_ is not empty, so fd() works with poll/epoll.
    int read_fd_ = -1;
    int write_fd_ = -1;
};

// The Tun handle given to the daemon.
class FakeTun final : public Tun {
  public:
    explicit FakeTun(std::shared_ptr<FakeTunDevice> device);
    ~FakeTun() override;

    [[nodiscard]] const std::string& name() const override { return device_->name(); }
    [[nodiscard]] std::uint32_t mtu() const override { return device_->mtu(); }
    void set_mtu(std::uint32_t mtu) override { device_->set_mtu(mtu); }
    [[nodiscard]] int fd() const override { return device_->fd(); }
    [[nodiscard]] std::size_t read(std::span<std::uint8_t> buffer) override {
        return device_->read(buffer);
    }
    [[nodiscard]] bool write(std::span<const std::uint8_t> packet) override {
        return device_->write(packet);
    }

  private:
    std::shared_ptr<FakeTunDevice> device_;
};

class FakeTunFactory final : public TunFactory {
  public:
    // Creates a FakeTun whose device the test can get with device(name). Like the real one it
    // refuses (EBUSY) a name whose device is still open, and an empty name (EINVAL).
    [[nodiscard]] std::unique_ptr<Tun> create(std::string_view name) override;

    // The device most recently created under that name, or null.
    [[nodiscard]] std::shared_ptr<FakeTunDevice> device(std::string_view name) const;
    [[nodiscard]] std::size_t created_count() const;
    // Makes the next create() throw this error (once).
    void fail_next_create(std::error_code error);

  private:
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<FakeTunDevice>, std::less<>> devices_;
    std::size_t created_ = 0;
    std::error_code next_error_;
};

}  // namespace tulle::platform
