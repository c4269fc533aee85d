// One WireGuard interface of tulled: its TUN device, its UDP socket and the protocol engine
// between them, driven by a Boost.Asio io_context on one thread. Configured through the UAPI
// (wg set / wg setconf); reports its state for wg show. The AEAD work of its batches goes to
// the process's WorkerPool, which every device shares.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/logger.h>

#include "daemon/core/engine.hpp"
#include "daemon/device_status.hpp"
#include "daemon/uapi.hpp"
#include "daemon/worker_pool.hpp"
#include "mesh/relay.hpp"
#include "platform/tun.hpp"
#include "platform/udp_socket.hpp"

namespace tulle::daemon {

// Traffic inside the tunnel that tulled itself handles (a mesh network's control channel): it
// sees every decrypted packet before the TUN device does, and every packet no peer is for.
class InnerTraffic {
  public:
    InnerTraffic() = default;
    InnerTraffic(const InnerTraffic&) = delete;
    InnerTraffic& operator=(const InnerTraffic&) = delete;
    virtual ~InnerTraffic() = default;
    // A decrypted packet from `peer`: true when it is taken (and never reaches the TUN device).
    // Called in the middle of the engine's work: copy what is needed and act later (post).
    virtual bool take(const core::PublicKey& peer, std::span<const std::uint8_t> packet) = 0;
    // A packet read from the TUN device that no peer's allowed IPs hold. As take(): act later.
    virtual void unrouted(std::span<const std::uint8_t> packet) = 0;
    // A disco datagram (mesh/disco.hpp) that came to the UDP socket. As take(): act later.
    virtual void disco(const value::SocketAddress& from, std::span<const std::uint8_t> datagram) {
        (void)from;
        (void)datagram;
    }
};

// A member's way to a peer through its lighthouse: the engine sends to a synthetic endpoint
// (relay_endpoint of the channel), and the device wraps what goes there into a relay frame for
// the lighthouse; frames from the lighthouse on that channel come to the engine from the
// synthetic endpoint, so WireGuard's roaming follows the path by itself.
struct RelayRoute {
    value::SocketAddress lighthouse;
    std::uint32_t channel = 0;
    mesh::RelayToken token{};
};
// The endpoint that stands for a relay channel: [100::CHANNEL]:1, in the discard-only prefix of
// RFC 6666, so a datagram that escaped the device would go nowhere.
[[nodiscard]] value::SocketAddress relay_endpoint(std::uint32_t channel);
[[nodiscard]] std::optional<std::uint32_t> relay_channel_of(const value::SocketAddress& endpoint);

// A lighthouse's relay channel between two members: it forwards a frame that carries one side's
// token, and comes from where that side's WireGuard session with the lighthouse is, to where
// the other side's session is.
struct RelayChannel {
    core::PublicKey a{};
    mesh::RelayToken token_a{};
    core::PublicKey b{};
    mesh::RelayToken token_b{};
};

struct DeviceCounters {
    std::uint64_t tun_read_errors = 0;
    std::uint64_t tun_write_dropped = 0;
    std::uint64_t udp_send_dropped = 0;
    std::uint64_t relay_forwarded = 0;  // frames a lighthouse passed on
    std::uint64_t relay_dropped = 0;    // frames of no channel, a wrong token, no known address
    std::uint64_t disco_dropped = 0;    // disco datagrams of no member, not sealed by it, unasked
    std::uint64_t shadow_sent = 0;      // copies sent on a second path while the first is in doubt
};

class Device final : public core::PacketSink {
  public:
    Device(boost::asio::io_context& io, std::unique_ptr<platform::Tun> tun,
           platform::UdpSocketFactory& sockets, core::Environment& environment,
           std::shared_ptr<spdlog::logger> log, WorkerPool& workers,
           std::size_t max_peers = core::impl::kMaxPeers,
           std::size_t max_allowed_ips = core::impl::kMaxAllowedIps);
    ~Device() override;
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    // Opens the UDP socket (on a port the system picks until one is set) and starts moving
    // packets. Throws std::system_error when the socket cannot be opened.
    void start();
    void stop();

    // Applies a parsed `wg set` request. Returns 0 or the errno for the UAPI reply, and then
    // changes nothing: ENOSPC when the peers would pass max_peers, E2BIG when the allowed IPs
    // could pass max_allowed_ips. The peers are counted exactly; the prefixes are counted as if
    // each one the request adds were new (a peer's own are subtracted when the request removes
    // the peer or replaces its allowed IPs), so an `addconf` of prefixes the interface holds
    // already may be refused near the limit. (wireguard-go applies a request as it reads it and
    // stops at the first error; here a request is whole or nothing, apart from a listen port or
    // fwmark the system refuses, which ends it after the interface keys are set.)
    [[nodiscard]] int apply(const UapiSet& set);
    // The limits a UAPI request to this device is read with.
    [[nodiscard]] UapiLimits uapi_limits() const;
    [[nodiscard]] std::size_t max_allowed_ips() const { return max_allowed_ips_; }
    // The interface and its peers now: what wg show and the service report.
    [[nodiscard]] DeviceStatus snapshot() const;
    // One peer of snapshot(), without the cost of all the others; nullopt when there is none.
    [[nodiscard]] std::optional<PeerState> snapshot_of(const core::PublicKey& key) const;
    // The UAPI can set a peer's endpoint but not unset it; the control socket can.
    void forget_endpoint(const core::PublicKey& peer);

    [[nodiscard]] const std::string& name() const { return tun_->name(); }
    [[nodiscard]] const core::Engine& engine() const { return engine_; }
    [[nodiscard]] const DeviceCounters& counters() const { return counters_; }

    // Called when the TUN device disappears (someone deleted the interface).
    std::function<void()> on_closed;

    // The handler of inner traffic (nullptr: none); it must outlive its setting.
    void set_inner(InnerTraffic* inner) { inner_ = inner; }
    // An IP packet made by tulled, sent as if the TUN device had read it (encrypted to the peer
    // that owns its destination). Not to be called from InnerTraffic's callbacks.
    void send_inner(std::span<const std::uint8_t> packet);
    // A keepalive to the peer with this key now (a handshake first when there is no session);
    // false when no such peer exists. Not to be called from InnerTraffic's callbacks.
    bool send_keepalive(const core::PublicKey& peer);
    // Where the engine sends to this peer from now on (a path switch: no new handshake).
    bool set_peer_endpoint(const core::PublicKey& peer, const value::SocketAddress& endpoint);
    // What the inner handler refused of the disco datagrams it was given (for the metrics).
    void count_disco_dropped() { ++counters_.disco_dropped; }
    // A datagram of tulled's own (disco) out of the WireGuard socket.
    void send_outer(const value::SocketAddress& to, std::span<const std::uint8_t> datagram);

    // While a path is in doubt, every WireGuard message to `primary` also goes to `shadow` (on
    // the other side the replay window drops whichever copy comes second). A relay endpoint as
    // the shadow is wrapped like any other datagram to it. Disco and relay frames are not copied.
    void set_shadow(const value::SocketAddress& primary, const value::SocketAddress& shadow);
    void clear_shadow(const value::SocketAddress& primary);

    // A member's relay routes (see RelayRoute), keyed by channel.
    void set_relay_route(const RelayRoute& route);
    void remove_relay_route(std::uint32_t channel);
    // A lighthouse's relay channels.
    void set_relay_channel(std::uint32_t channel, const RelayChannel& sides);
    void remove_relay_channel(std::uint32_t channel);
    [[nodiscard]] const std::map<std::uint32_t, RelayChannel>& relay_channels() const {
        return relay_channels_;
    }

  private:
    void send_datagram(const value::SocketAddress& to,
                       std::span<const std::uint8_t> datagram) override;
    void deliver_packet(const core::Peer& peer, std::span<const std::uint8_t> packet) override;
    void no_route(std::span<const std::uint8_t> packet) override;
    [[nodiscard]] bool defers_sealing() const override { return true; }
    void send_unsealed(const value::SocketAddress& to,
                       const std::shared_ptr<const core::Keypair>& keypair,
                       std::span<const std::uint8_t> datagram) override;
    [[nodiscard]] PeerState state_of(const core::Peer& peer) const;
    // Why `set` cannot be applied whole (an errno, logged), or 0.
    [[nodiscard]] int check_capacity(const UapiSet& set) const;
    std::vector<std::uint8_t>& queue_datagram(const value::SocketAddress& to,
                                              std::span<const std::uint8_t> datagram);

    void open_socket(std::uint16_t port);
    void wait_tun();
    void wait_udp();
    void on_tun_readable();
    void on_udp_readable();
    void flush_sends();
    void flush_tun();
    // A datagram of the batch that is not WireGuard's: false when it is not for the engine
    // (disco, a frame forwarded, dropped); true when it is (a relayed datagram, unwrapped, or
    // something unknown that the engine counts).
    bool take_outer(core::IncomingDatagram& datagram);
    void forward_frame(const value::SocketAddress& from, const mesh::RelayHeader& header,
                       std::span<const std::uint8_t> frame);
    void wrap_relayed();
    void copy_to_shadows();
    void rearm_timer();

    boost::asio::io_context& io_;
    std::unique_ptr<platform::Tun> tun_;
    platform::UdpSocketFactory& sockets_;
    std::unique_ptr<platform::UdpSocket> udp_;
    std::shared_ptr<spdlog::logger> log_;
    core::Engine engine_;
    boost::asio::posix::stream_descriptor tun_watch_;
    std::unique_ptr<boost::asio::posix::stream_descriptor> udp_watch_;
    boost::asio::steady_timer timer_;
    std::optional<core::TimePoint> armed_for_;
    std::uint32_t fwmark_ = 0;
    std::size_t max_allowed_ips_;
    bool running_ = false;

    // Buffers for one batch of packets read from the TUN device (not zeroed: pages are touched
    // only as packets fill them).
    std::unique_ptr<std::uint8_t[]> tun_arena_;
    std::vector<std::span<std::uint8_t>> tun_spans_;
    std::vector<std::size_t> tun_sizes_;
    // One batch of datagrams received (in the socket's memory) and what the engine makes of it.
    std::vector<platform::ReceivedDatagram> in_datagrams_;
    std::vector<core::IncomingDatagram> in_batch_;
    // Decrypted packets of a batch (in the datagrams' memory), written to the TUN device together
    // at its end so that runs of one flow can go in one write.
    std::vector<std::span<const std::uint8_t>> to_tun_;
    // Datagrams produced while handling a batch, sealed (in parallel) and sent together at its
    // end; seal_with_[i] is the keypair for out_[i], or null when it is sealed already.
    std::vector<std::vector<std::uint8_t>> out_buffers_;
    std::vector<platform::OutgoingDatagram> out_;
    std::vector<std::shared_ptr<const core::Keypair>> seal_with_;
    WorkerPool& workers_;  // the process's, shared with every other device
    InnerTraffic* inner_ = nullptr;
    std::map<std::uint32_t, RelayRoute> relay_routes_;
    std::map<std::uint32_t, RelayChannel> relay_channels_;
    // (primary, shadow) pairs: a few at most, one per path in doubt.
    std::vector<std::pair<value::SocketAddress, value::SocketAddress>> shadows_;
    DeviceCounters counters_;
    // Handlers posted to the loop (more packets waiting) hold it weakly: they do nothing once
    // the device is gone.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace tulle::daemon
