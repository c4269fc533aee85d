// An in-memory UDP network for tests: sockets opened through the factories of several fake hosts
// reach each other by the addresses the test gave the hosts, so two whole daemons can talk inside
// one process. For tests only; not linked into tulled.
//
// Like a real socket, a FakeUdpSocket is non-blocking, readable (fd()) exactly while datagrams
// wait, refuses a port in use on its host (EADDRINUSE), and drops what its bounded receive
// queue cannot hold. Thread-safe: a test may send from one thread while a daemon reads on another.
// The network's state is shared with every host and socket, so any of them may outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "platform/udp_socket.hpp"
#include "value/ip.hpp"

namespace tulle::platform {

class FakeNetwork {
  public:
    // Datagrams a socket holds before it drops new ones, as a full socket buffer does.
    static constexpr std::size_t kReceiveQueueLimit = 4096;

    FakeNetwork();
    ~FakeNetwork();
    FakeNetwork(const FakeNetwork&) = delete;
    FakeNetwork& operator=(const FakeNetwork&) = delete;

    // A host with this address; the sockets its factory opens are bound to it. The factory may
    // outlive the network.
    [[nodiscard]] std::unique_ptr<UdpSocketFactory> host(const value::IpAddress& address);

    // Sends a datagram as if from `from` (which needs no socket): for tests that play a peer.
    void inject(const value::SocketAddress& from, const value::SocketAddress& to,
                std::span<const std::uint8_t> datagram);

    // While on, every datagram sent is lost (and counted in dropped()).
    void set_drop_all(bool drop);
    // While on, datagrams between these two hosts (either way) are lost: two hosts behind NATs
    // that let nothing through between them, each still reaching the others.
    void set_blocked(const value::IpAddress& a, const value::IpAddress& b, bool blocked);
    // Datagrams sent through the network so far, and those of them that were lost (dropped,
    // no socket at the destination, or its queue full).
    [[nodiscard]] std::size_t sent() const;
    [[nodiscard]] std::size_t dropped() const;
    // Datagrams waiting in the socket bound to `at`, or 0 when none is.
    [[nodiscard]] std::size_t pending(const value::SocketAddress& at) const;

    struct State;

  private:
    std::shared_ptr<State> state_;
};

}  // namespace tulle::platform
