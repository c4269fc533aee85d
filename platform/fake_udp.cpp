#include "platform/fake_udp.hpp"

#include <algorithm>
#include <cerrno>
#include <deque>
#include <fcntl.h>
#include <mutex>
#include <set>
#include <string>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace tulle::platform {
namespace {

// The first port a host's factory picks when asked for any.
constexpr std::uint16_t kFirstEphemeralPort = 40000;

struct Queued {
    value::SocketAddress from;
    std::vector<std::uint8_t> bytes;
};

class FakeUdpSocket;

}  // namespace

struct FakeNetwork::State {
    mutable std::mutex mutex;
    std::vector<FakeUdpSocket*> sockets;                              // guarded by mutex
    bool drop_all = false;                                            // guarded by mutex
    std::set<std::pair<value::IpAddress, value::IpAddress>> blocked;  // guarded by mutex
    std::size_t sent = 0;                                             // guarded by mutex
    std::size_t dropped = 0;                                          // guarded by mutex

    // Finds the socket bound to `at`; the caller holds mutex.
    [[nodiscard]] FakeUdpSocket* find_locked(const value::SocketAddress& at) const;
    void deliver(const value::SocketAddress& from, const value::SocketAddress& to,
                 std::span<const std::uint8_t> datagram);
};

namespace {

class FakeUdpSocket final : public UdpSocket {
  public:
    FakeUdpSocket(std::shared_ptr<FakeNetwork::State> network, value::SocketAddress bound)
        : network_(std::move(network)), bound_(bound) {
        int fds[2];
        if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
            throw std::system_error(errno, std::system_category(), "open fake UDP socket");
        }
        read_fd_ = fds[0];
        write_fd_ = fds[1];
        network_->sockets.push_back(this);  // the factory holds the mutex
    }

    ~FakeUdpSocket() override {
        {
            const std::lock_guard lock(network_->mutex);
            std::erase(network_->sockets, this);
        }
        ::close(read_fd_);
        ::close(write_fd_);
    }
    FakeUdpSocket(const FakeUdpSocket&) = delete;
    FakeUdpSocket& operator=(const FakeUdpSocket&) = delete;

    [[nodiscard]] const value::SocketAddress& bound() const { return bound_; }
    [[nodiscard]] std::uint16_t port() const override { return bound_.port; }
    [[nodiscard]] int fd() const override { return read_fd_; }
    void set_mark(std::uint32_t /*mark*/) override {}

    // The network's mutex is held.
    bool enqueue_locked(const value::SocketAddress& from, std::span<const std::uint8_t> datagram) {
        if (queue_.size() >= FakeNetwork::kReceiveQueueLimit) {
            return false;
        }
        queue_.push_back(Queued{from, {datagram.begin(), datagram.end()}});
        if (queue_.size() == 1) {
            const std::uint8_t byte = 1;
            // The pipe is empty whenever the queue is, so this cannot block or fail for space.
            [[maybe_unused]] const auto written = ::write(write_fd_, &byte, 1);
        }
        return true;
    }
    [[nodiscard]] std::size_t pending_locked() const { return queue_.size(); }

    Received receive(std::span<ReceivedDatagram> out) override {
        const std::lock_guard lock(network_->mutex);
        // The datagrams handed out last time are the socket's memory until this call.
        handed_out_.clear();
        Received result;
        for (; result.count < out.size() && !queue_.empty(); ++result.count) {
            handed_out_.push_back(std::move(queue_.front()));
            queue_.pop_front();
            Queued& next = handed_out_.back();
            out[result.count] = ReceivedDatagram{next.from, next.bytes};
        }
        result.drained = queue_.empty();
        if (result.count > 0 && queue_.empty()) {
            std::uint8_t byte = 0;
            [[maybe_unused]] const auto drained = ::read(read_fd_, &byte, 1);
        }
        return result;
    }

    std::size_t send(std::span<const OutgoingDatagram> datagrams) override {
        for (const auto& datagram : datagrams) {
            network_->deliver(bound_, datagram.to, datagram.data);
        }
        return datagrams.size();
    }

  private:
    std::shared_ptr<FakeNetwork::State> network_;
    const value::SocketAddress bound_;
    std::deque<Queued> queue_;        // guarded by the network's mutex
    std::vector<Queued> handed_out_;  // what the last receive() returned spans into
    int read_fd_ = -1;                // readable exactly while queue_ is not empty
    int write_fd_ = -1;
};

class FakeHost final : public UdpSocketFactory {
  public:
    FakeHost(std::shared_ptr<FakeNetwork::State> network, const value::IpAddress& address)
        : network_(std::move(network)), address_(address) {}

    std::unique_ptr<UdpSocket> open(std::uint16_t port) override {
        const std::lock_guard lock(network_->mutex);
        if (port == 0) {
            port = next_port_locked();
        } else if (network_->find_locked(value::SocketAddress{address_, port}) != nullptr) {
            throw std::system_error(EADDRINUSE, std::system_category(),
                                    "bind UDP port " + std::to_string(port));
        }
        return std::make_unique<FakeUdpSocket>(network_, value::SocketAddress{address_, port});
    }

  private:
    std::uint16_t next_port_locked() {
        for (;;) {
            const std::uint16_t port = next_port_++;
            if (next_port_ == 0) {
                next_port_ = kFirstEphemeralPort;
            }
            if (network_->find_locked(value::SocketAddress{address_, port}) == nullptr) {
                return port;
            }
        }
    }

    std::shared_ptr<FakeNetwork::State> network_;
    value::IpAddress address_;
    std::uint16_t next_port_ = kFirstEphemeralPort;
};

}  // namespace

FakeUdpSocket* FakeNetwork::State::find_locked(const value::SocketAddress& at) const {
    const auto it = std::find_if(sockets.begin(), sockets.end(),
                                 [&](const FakeUdpSocket* s) { return s->bound() == at; });
    return it == sockets.end() ? nullptr : *it;
}

void FakeNetwork::State::deliver(const value::SocketAddress& from, const value::SocketAddress& to,
                                 std::span<const std::uint8_t> datagram) {
    const std::lock_guard lock(mutex);
    ++sent;
    const bool lost = drop_all || blocked.contains({from.address, to.address}) ||
                      blocked.contains({to.address, from.address});
    FakeUdpSocket* socket = lost ? nullptr : find_locked(to);
    if (socket == nullptr || !socket->enqueue_locked(from, datagram)) {
        ++dropped;
    }
}

FakeNetwork::FakeNetwork() : state_(std::make_shared<State>()) {}

FakeNetwork::~FakeNetwork() = default;

std::unique_ptr<UdpSocketFactory> FakeNetwork::host(const value::IpAddress& address) {
    return std::make_unique<FakeHost>(state_, address);
}

void FakeNetwork::inject(const value::SocketAddress& from, const value::SocketAddress& to,
                         std::span<const std::uint8_t> datagram) {
    state_->deliver(from, to, datagram);
}

void FakeNetwork::set_drop_all(bool drop) {
    const std::lock_guard lock(state_->mutex);
    state_->drop_all = drop;
}

void FakeNetwork::set_blocked(const value::IpAddress& a, const value::IpAddress& b, bool blocked) {
    const std::lock_guard lock(state_->mutex);
    if (blocked) {
        state_->blocked.emplace(a, b);
    } else {
        state_->blocked.erase({a, b});
    }
}

std::size_t FakeNetwork::sent() const {
    const std::lock_guard lock(state_->mutex);
    return state_->sent;
}

std::size_t FakeNetwork::dropped() const {
    const std::lock_guard lock(state_->mutex);
    return state_->dropped;
}

std::size_t FakeNetwork::pending(const value::SocketAddress& at) const {
    const std::lock_guard lock(state_->mutex);
    const FakeUdpSocket* socket = state_->find_locked(at);
    return socket == nullptr ? 0 : socket->pending_locked();
}

}  // namespace tulle::platform
