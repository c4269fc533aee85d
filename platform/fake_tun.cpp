#include "platform/fake_tun.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

namespace tulle::platform {

FakeTunDevice::FakeTunDevice(std::string name, std::uint32_t mtu)
    : name_(std::move(name)), mtu_(mtu) {
    int fds[2];
    if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
        throw std::system_error(errno, std::system_category(), "open fake TUN " + name_);
    }
    read_fd_ = fds[0];
    write_fd_ = fds[1];
}

FakeTunDevice::~FakeTunDevice() {
    ::close(read_fd_);
    ::close(write_fd_);
}

void FakeTunDevice::inject(std::span<const std::uint8_t> packet) {
    const std::lock_guard lock(mutex_);
    to_read_.emplace_back(packet.begin(), packet.end());
    if (to_read_.size() == 1) {
        const std::uint8_t byte = 1;
        // The pipe is empty whenever the queue is, so this cannot block or fail for space.
        [[maybe_unused]] const auto written = ::write(write_fd_, &byte, 1);
    }
}

std::optional<std::vector<std::uint8_t>> FakeTunDevice::take_written() {
    const std::lock_guard lock(mutex_);
    if (written_.empty()) {
        return std::nullopt;
    }
    auto packet = std::move(written_.front());
    written_.pop_front();
    return packet;
}

std::size_t FakeTunDevice::pending_reads() const {
    const std::lock_guard lock(mutex_);
    return to_read_.size();
}

std::size_t FakeTunDevice::pending_writes() const {
    const std::lock_guard lock(mutex_);
    return written_.size();
}

void FakeTunDevice::set_write_blocked(bool blocked) {
    const std::lock_guard lock(mutex_);
    write_blocked_ = blocked;
}

void FakeTunDevice::fail_next_read(std::error_code error) {
    const std::lock_guard lock(mutex_);
    next_read_error_ = error;
}

void FakeTunDevice::fail_next_write(std::error_code error) {
    const std::lock_guard lock(mutex_);
    next_write_error_ = error;
}

bool FakeTunDevice::is_open() const {
    const std::lock_guard lock(mutex_);
    return open_;
}

std::uint32_t FakeTunDevice::mtu() const {
    const std::lock_guard lock(mutex_);
    return mtu_;
}

void FakeTunDevice::set_mtu(std::uint32_t mtu) {
    const std::lock_guard lock(mutex_);
    mtu_ = mtu;
}

void FakeTunDevice::drain_locked() {
    std::uint8_t byte = 0;
    [[maybe_unused]] const auto drained = ::read(read_fd_, &byte, 1);
}

std::size_t FakeTunDevice::read(std::span<std::uint8_t> buffer) {
    const std::lock_guard lock(mutex_);
    if (next_read_error_) {
        throw std::system_error(std::exchange(next_read_error_, {}), "read from TUN " + name_);
    }
    if (to_read_.empty()) {
        return 0;
    }
    auto packet = std::move(to_read_.front());
    to_read_.pop_front();
    if (to_read_.empty()) {
        drain_locked();
    }
    if (packet.size() > buffer.size()) {
        // Like Linux: the packet is lost and the read fails.
        throw std::system_error(EMSGSIZE, std::system_category(),
                                "read from TUN " + name_ + " (packet of " +
                                    std::to_string(packet.size()) + " bytes, buffer of " +
                                    std::to_string(buffer.size()) + ")");
    }
    std::copy(packet.begin(), packet.end(), buffer.begin());
    return packet.size();
}

bool FakeTunDevice::write(std::span<const std::uint8_t> packet) {
    const std::lock_guard lock(mutex_);
    if (next_write_error_) {
        throw std::system_error(std::exchange(next_write_error_, {}), "write to TUN " + name_);
    }
    if (write_blocked_) {
        return false;
    }
    written_.emplace_back(packet.begin(), packet.end());
    return true;
}

void FakeTunDevice::close() {
    const std::lock_guard lock(mutex_);
    open_ = false;
}

FakeTun::FakeTun(std::shared_ptr<FakeTunDevice> device) : device_(std::move(device)) {}

FakeTun::~FakeTun() {
    device_->close();
}

std::unique_ptr<Tun> FakeTunFactory::create(std::string_view name) {
    const std::lock_guard lock(mutex_);
    const std::string operation = "open TUN \"" + std::string(name) + "\"";
    if (next_error_) {
        throw std::system_error(std::exchange(next_error_, {}), operation);
    }
    if (name.empty()) {
        throw std::system_error(EINVAL, std::system_category(),
                                operation + " (invalid interface name)");
    }
    if (const auto it = devices_.find(name); it != devices_.end() && it->second->is_open()) {
        throw std::system_error(EBUSY, std::system_category(),
                                operation + " (an interface of that name exists already)");
    }
    auto device = std::make_shared<FakeTunDevice>(std::string(name));
    devices_.insert_or_assign(std::string(name), device);
    ++created_;
    return std::make_unique<FakeTun>(std::move(device));
}

std::shared_ptr<FakeTunDevice> FakeTunFactory::device(std::string_view name) const {
    const std::lock_guard lock(mutex_);
    const auto it = devices_.find(name);
    return it == devices_.end() ? nullptr : it->second;
}

std::size_t FakeTunFactory::created_count() const {
    const std::lock_guard lock(mutex_);
    return created_;
}

void FakeTunFactory::fail_next_create(std::error_code error) {
    const std::lock_guard lock(mutex_);
    next_error_ = error;
}

}  // namespace tulle::platform
