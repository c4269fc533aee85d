#include "daemon/device.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <unistd.h>
#include <unordered_map>

#include <boost/asio/post.hpp>

#include "daemon/core/messages.hpp"
#include "mesh/disco.hpp"

namespace tulle::daemon {
namespace {

namespace asio = boost::asio;

// Packets per batch: with offloads, two 64 KiB TCP super-packets cut to MTU-sized segments.
constexpr std::size_t kBatch = 128;
// Batches handled per wake-up before other work (timers, the other direction, UAPI) gets a turn.
constexpr int kBatchesPerWake = 16;
// What one TUN read may bring without offloads (an MTU of up to 65535).
constexpr std::size_t kMaxPacket = 65535;

// WireGuard's messages start with a type of 1-4; anything else on its socket is mesh traffic
// (disco, relay frames) or junk.
bool is_wireguard_type(std::span<const std::uint8_t> bytes) {
    return !bytes.empty() && bytes[0] >= 1U && bytes[0] <= 4U;
}

core::EngineConfig engine_config(std::size_t mtu, std::size_t max_peers) {
    core::EngineConfig config;
    config.mtu = mtu;
    config.max_peers = max_peers;
    return config;
}

}  // namespace

Device::Device(asio::io_context& io, std::unique_ptr<platform::Tun> tun,
               platform::UdpSocketFactory& sockets, core::Environment& environment,
               std::shared_ptr<spdlog::logger> log, WorkerPool& workers, std::size_t max_peers,
               std::size_t max_allowed_ips)
    : io_(io),
      tun_(std::move(tun)),
      sockets_(sockets),
      log_(std::move(log)),
      engine_(environment, engine_config(tun_->mtu(), max_peers)),
      tun_watch_(io, ::dup(tun_->fd())),
      timer_(io),
      max_allowed_ips_(max_allowed_ips),
      // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): not value-initialised on purpose
      tun_arena_(new std::uint8_t[kBatch * kMaxPacket]),
      tun_sizes_(kBatch),
      in_datagrams_(kBatch),
      workers_(workers) {
    for (std::size_t i = 0; i < kBatch; ++i) {
        tun_spans_.emplace_back(tun_arena_.get() + i * kMaxPacket, kMaxPacket);
    }
    to_tun_.reserve(kBatch);
    out_buffers_.reserve(kBatch);
    out_.reserve(kBatch);
    seal_with_.reserve(kBatch);
    in_batch_.reserve(kBatch);
}

Device::~Device() {
    stop();
}

void Device::start() {
    open_socket(0);
    running_ = true;
    wait_tun();
    const auto tun = tun_->offloads();
    const auto udp = udp_->offloads();
    std::string offloads;
    for (const auto& [on, what] :
         {std::pair{tun.tcp_segmentation, " TSO"}, std::pair{tun.udp_segmentation, " USO"},
          std::pair{tun.checksum, " checksum"}, std::pair{udp.segmentation, " UDP-GSO"},
          std::pair{udp.coalescing, " UDP-GRO"}}) {
        if (on) {
            offloads += what;
        }
    }
    log_->info("{}: up, listening on UDP port {}, {} shared crypto worker thread(s), offloads:{}",
               name(), udp_->port(), workers_.workers(), offloads.empty() ? " none" : offloads);
}

void Device::stop() {
    if (!running_) {
        return;
    }
    running_ = false;
    boost::system::error_code ignored;
    tun_watch_.cancel(ignored);
    if (udp_watch_) {
        udp_watch_->cancel(ignored);
    }
    timer_.cancel();
}

void Device::open_socket(std::uint16_t port) {
    auto socket = sockets_.open(port);
    if (fwmark_ != 0) {
        socket->set_mark(fwmark_);
    }
    if (udp_watch_) {
        boost::system::error_code ignored;
        udp_watch_->cancel(ignored);
        udp_watch_->close(ignored);
    }
    udp_ = std::move(socket);
    udp_watch_ = std::make_unique<asio::posix::stream_descriptor>(io_, ::dup(udp_->fd()));
    if (running_ || port == 0) {
        wait_udp();
    }
}

void Device::wait_tun() {
    tun_watch_.async_wait(asio::posix::stream_descriptor::wait_read,
                          [this](const boost::system::error_code& error) {
                              if (!error && running_) {
                                  on_tun_readable();
                              }
                          });
}

void Device::wait_udp() {
    // The watcher belongs to one socket; a rebind replaces it and cancels this wait.
    auto* watch = udp_watch_.get();
    watch->async_wait(asio::posix::stream_descriptor::wait_read,
                      [this, watch](const boost::system::error_code& error) {
                          if (!error && running_ && watch == udp_watch_.get()) {
                              on_udp_readable();
                          }
                      });
}

void Device::on_tun_readable() {
    bool more = false;  // the last batch was full: packets may wait (also inside the Tun)
    try {
        for (int round = 0; round < kBatchesPerWake; ++round) {
            // With offloads one read may bring a 64 KiB super-packet, cut here into segments.
            const std::size_t packets = tun_->read_batch(tun_spans_, tun_sizes_);
            const auto now = core::Clock::now();
            for (std::size_t i = 0; i < packets; ++i) {
                engine_.send_packet(tun_spans_[i].first(tun_sizes_[i]), now, *this);
            }
            flush_sends();
            more = packets == kBatch;
            if (!more) {
                break;
            }
        }
    } catch (const std::system_error& error) {
        // The interface was deleted (EBADFD/EIO), or worse: this device is finished.
        log_->warn("{}: {}; shutting down", name(), error.what());
        stop();
        if (on_closed) {
            on_closed();
        }
        return;
    }
    rearm_timer();
    if (more) {
        // Segments of a super-packet the Tun has read already do not make its descriptor
        // readable: come back after the loop's other work instead of waiting for it.
        asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
            if (!alive.expired() && running_) {
                on_tun_readable();
            }
        });
        return;
    }
    wait_tun();
}

void Device::on_udp_readable() {
    bool drained = true;
    for (int round = 0; round < kBatchesPerWake; ++round) {
        platform::Received received;
        try {
            received = udp_->receive(in_datagrams_);
        } catch (const std::system_error& error) {
            log_->warn("{}: {}", name(), error.what());
            break;
        }
        in_batch_.clear();
        for (std::size_t i = 0; i < received.count; ++i) {
            core::IncomingDatagram datagram{in_datagrams_[i].from, in_datagrams_[i].data};
            if (is_wireguard_type(datagram.bytes) || take_outer(datagram)) {
                in_batch_.push_back(datagram);
            }
        }
        // Decryption of the batch's transport data is shared with the worker threads; the
        // packets come back through deliver_packet, in order, and go to the TUN device together.
        engine_.receive_batch(in_batch_, core::Clock::now(), *this, workers_);
        flush_tun();
        flush_sends();
        drained = received.drained;
        if (drained) {
            // The socket is empty: what queued up while we worked is done (as in wireguard-go
            // and the kernel, a long handshake queue turns cookies on: Engine::under_load).
            engine_.queue_drained();
            break;
        }
    }
    rearm_timer();
    if (!drained) {
        // Datagrams of a coalesced receive that the socket holds already do not make its
        // descriptor readable: come back after the loop's other work instead of waiting.
        auto* watch = udp_watch_.get();
        asio::post(io_, [this, watch, alive = std::weak_ptr<int>(alive_)] {
            if (!alive.expired() && running_ && watch == udp_watch_.get()) {
                on_udp_readable();
            }
        });
        return;
    }
    wait_udp();
}

std::vector<std::uint8_t>& Device::queue_datagram(const value::SocketAddress& to,
                                                  std::span<const std::uint8_t> datagram) {
    if (out_.size() == kBatch) {
        flush_sends();
    }
    if (out_buffers_.size() <= out_.size()) {
        out_buffers_.emplace_back();
    }
    auto& buffer = out_buffers_[out_.size()];
    buffer.assign(datagram.begin(), datagram.end());
    out_.push_back(platform::OutgoingDatagram{to, buffer});
    return buffer;
}

void Device::send_datagram(const value::SocketAddress& to, std::span<const std::uint8_t> datagram) {
    queue_datagram(to, datagram);
    seal_with_.emplace_back();
}

void Device::send_unsealed(const value::SocketAddress& to,
                           const std::shared_ptr<const core::Keypair>& keypair,
                           std::span<const std::uint8_t> datagram) {
    queue_datagram(to, datagram);
    seal_with_.push_back(keypair);
}

void Device::deliver_packet(const core::Peer& peer, std::span<const std::uint8_t> packet) {
    if (inner_ != nullptr && inner_->take(peer.public_key(), packet)) {
        return;
    }
    to_tun_.push_back(packet);
}

void Device::no_route(std::span<const std::uint8_t> packet) {
    if (inner_ != nullptr) {
        inner_->unrouted(packet);
    }
}

void Device::send_inner(std::span<const std::uint8_t> packet) {
    if (!running_) {
        return;
    }
    engine_.send_packet(packet, core::Clock::now(), *this);
    flush_sends();
    rearm_timer();
}

bool Device::take_outer(core::IncomingDatagram& datagram) {
    const std::span<const std::uint8_t> bytes = datagram.bytes;
    if (mesh::is_relay_frame(bytes)) {
        const auto header = mesh::read_relay_header(bytes);
        if (!header) {
            ++counters_.relay_dropped;
            return false;
        }
        if (!relay_channels_.empty()) {
            forward_frame(datagram.from, *header, bytes);
            return false;
        }
        // A member: only its lighthouse's frames on a channel it was offered.
        const auto route = relay_routes_.find(header->channel);
        if (route == relay_routes_.end() || route->second.lighthouse != datagram.from) {
            ++counters_.relay_dropped;
            return false;
        }
        datagram.from = relay_endpoint(header->channel);
        datagram.bytes = datagram.bytes.subspan(mesh::kRelayHeader);
        return true;
    }
    if (inner_ != nullptr && mesh::is_disco(bytes)) {
        inner_->disco(datagram.from, bytes);
        return false;
    }
    return true;  // the engine counts it (invalid_message), as any datagram it cannot read
}

void Device::forward_frame(const value::SocketAddress& from, const mesh::RelayHeader& header,
                           std::span<const std::uint8_t> frame) {
    const auto found = relay_channels_.find(header.channel);
    if (found == relay_channels_.end()) {
        ++counters_.relay_dropped;
        return;
    }
    const RelayChannel& channel = found->second;
    const bool from_a = mesh::same_token(header.token, channel.token_a);
    if (!from_a && !mesh::same_token(header.token, channel.token_b)) {
        ++counters_.relay_dropped;
        return;
    }
    // Both ends are where their WireGuard sessions with this node are (the same sockets and NAT
    // mappings the frames use, and authenticated): a frame seen and sent again from elsewhere
    // is dropped, and nothing ever goes to an address a frame merely claims.
    const core::Peer* sender = engine_.find_peer(from_a ? channel.a : channel.b);
    const core::Peer* other = engine_.find_peer(from_a ? channel.b : channel.a);
    if (sender == nullptr || other == nullptr || sender->endpoint() != from || !other->endpoint()) {
        ++counters_.relay_dropped;
        return;
    }
    const value::SocketAddress to = *other->endpoint();
    auto& copy = queue_datagram(to, frame);
    seal_with_.emplace_back();
    // The sender's token stays here: the other side learns nothing it could use.
    mesh::write_relay_header(copy, {header.channel, mesh::RelayToken{}});
    ++counters_.relay_forwarded;
}

void Device::wrap_relayed() {
    bool unroutable = false;
    for (std::size_t i = 0; i < out_.size(); ++i) {
        const auto channel = relay_channel_of(out_[i].to);
        if (!channel) {
            continue;
        }
        const auto route = relay_routes_.find(*channel);
        if (route == relay_routes_.end()) {
            unroutable = true;  // the route went away: dropped below, never sent to [100::…]
            continue;
        }
        auto& buffer = out_buffers_[i];
        buffer.insert(buffer.begin(), mesh::kRelayHeader, std::uint8_t{0});
        mesh::write_relay_header(buffer, {route->second.channel, route->second.token});
        out_[i] = platform::OutgoingDatagram{route->second.lighthouse, buffer};
    }
    if (unroutable) {
        const auto before = out_.size();
        std::erase_if(out_, [](const platform::OutgoingDatagram& datagram) {
            return relay_channel_of(datagram.to).has_value();
        });
        counters_.relay_dropped += before - out_.size();
    }
}

bool Device::set_peer_endpoint(const core::PublicKey& peer, const value::SocketAddress& endpoint) {
    core::Peer* found = engine_.find_peer(peer);
    if (found == nullptr) {
        return false;
    }
    engine_.set_endpoint(*found, endpoint);
    return true;
}

void Device::send_outer(const value::SocketAddress& to, std::span<const std::uint8_t> datagram) {
    if (!running_) {
        return;
    }
    send_datagram(to, datagram);
    flush_sends();
}

void Device::copy_to_shadows() {
    if (shadows_.empty()) {
        return;
    }
    const std::size_t count = out_.size();
    for (std::size_t i = 0; i < count; ++i) {
        const auto shadow =
            std::find_if(shadows_.begin(), shadows_.end(),
                         [&to = out_[i].to](const auto& pair) { return pair.first == to; });
        if (shadow == shadows_.end() || !is_wireguard_type(out_[i].data)) {
            continue;  // a path not in doubt, or not a WireGuard message (disco)
        }
        if (const auto channel = relay_channel_of(shadow->second);
            channel && !relay_routes_.contains(*channel)) {
            continue;  // the relay went away: a copy would only be dropped
        }
        if (out_buffers_.size() <= out_.size()) {
            out_buffers_.emplace_back();  // moves the buffers, never their bytes: spans hold
        }
        auto& copy = out_buffers_[out_.size()];
        copy.assign(out_[i].data.begin(), out_[i].data.end());
        out_.push_back(platform::OutgoingDatagram{shadow->second, copy});
        ++counters_.shadow_sent;
    }
}

void Device::set_shadow(const value::SocketAddress& primary, const value::SocketAddress& shadow) {
    clear_shadow(primary);
    shadows_.emplace_back(primary, shadow);
}

void Device::clear_shadow(const value::SocketAddress& primary) {
    std::erase_if(shadows_, [&primary](const auto& pair) { return pair.first == primary; });
}

void Device::set_relay_route(const RelayRoute& route) {
    relay_routes_[route.channel] = route;
}

void Device::remove_relay_route(std::uint32_t channel) {
    relay_routes_.erase(channel);
}

void Device::set_relay_channel(std::uint32_t channel, const RelayChannel& sides) {
    relay_channels_[channel] = sides;
}

void Device::remove_relay_channel(std::uint32_t channel) {
    relay_channels_.erase(channel);
}

value::SocketAddress relay_endpoint(std::uint32_t channel) {
    std::array<std::uint8_t, 16> bytes{};
    bytes[0] = 0x01;
    bytes[12] = static_cast<std::uint8_t>(channel >> 24U);
    bytes[13] = static_cast<std::uint8_t>(channel >> 16U);
    bytes[14] = static_cast<std::uint8_t>(channel >> 8U);
    bytes[15] = static_cast<std::uint8_t>(channel);
    return value::SocketAddress{value::IpAddress::v6(bytes), 1};
}

std::optional<std::uint32_t> relay_channel_of(const value::SocketAddress& endpoint) {
    if (endpoint.port != 1 || !endpoint.address.is_v6()) {
        return std::nullopt;
    }
    const auto bytes = endpoint.address.bytes();
    if (bytes[0] != 0x01 ||
        std::any_of(bytes.begin() + 1, bytes.begin() + 12, [](std::uint8_t b) { return b != 0; })) {
        return std::nullopt;
    }
    return (std::uint32_t{bytes[12]} << 24U) | (std::uint32_t{bytes[13]} << 16U) |
           (std::uint32_t{bytes[14]} << 8U) | std::uint32_t{bytes[15]};
}

bool Device::send_keepalive(const core::PublicKey& peer) {
    core::Peer* found = running_ ? engine_.find_peer(peer) : nullptr;
    if (found == nullptr) {
        return false;
    }
    engine_.send_keepalive(*found, core::Clock::now(), *this);
    flush_sends();
    rearm_timer();
    return true;
}

void Device::flush_tun() {
    if (to_tun_.empty()) {
        return;
    }
    try {
        counters_.tun_write_dropped += to_tun_.size() - tun_->write_batch(to_tun_);
    } catch (const std::system_error& error) {
        counters_.tun_write_dropped += to_tun_.size();
        log_->debug("{}: {}", name(), error.what());
    }
    to_tun_.clear();
}

void Device::flush_sends() {
    if (!out_.empty() && udp_) {
        // Seal in parallel, send in order: the order the engine numbered them in.
        workers_.run(out_.size(), [this](std::size_t i) {
            if (seal_with_[i]) {
                core::seal_transport(out_buffers_[i], *seal_with_[i]);
            }
        });
        copy_to_shadows();
        wrap_relayed();
        const std::size_t sent = udp_->send(out_);
        counters_.udp_send_dropped += out_.size() - sent;
    }
    out_.clear();
    seal_with_.clear();
}

void Device::rearm_timer() {
    const auto deadline = engine_.next_deadline();
    if (!running_ || deadline == armed_for_) {
        return;
    }
    armed_for_ = deadline;
    if (!deadline) {
        timer_.cancel();
        return;
    }
    timer_.expires_at(*deadline);
    timer_.async_wait([this](const boost::system::error_code& error) {
        if (error || !running_) {
            return;
        }
        armed_for_.reset();
        engine_.tick(core::Clock::now(), *this);
        flush_sends();
        rearm_timer();
    });
}

UapiLimits Device::uapi_limits() const {
    UapiLimits limits;
    limits.max_peer_sections = 2 * engine_.config().max_peers;
    limits.max_allowed_ips = max_allowed_ips_;
    return limits;
}

int Device::check_capacity(const UapiSet& set) const {
    struct KeyHash {
        std::size_t operator()(const core::PublicKey& key) const noexcept {
            std::size_t hash = 0;
            std::memcpy(&hash, key.data(), sizeof(hash));
            return hash;
        }
    };
    // What the request does to the peers it names: present or not after each section, and
    // whether their prefixes from before the request are gone.
    struct Fate {
        bool present = false;
        bool cleared = false;
    };
    std::unordered_map<core::PublicKey, Fate, KeyHash> fates;
    std::size_t peers = set.replace_peers ? 0 : engine_.peer_count();
    std::size_t prefixes = set.replace_peers ? 0 : engine_.allowed_ip_count();
    std::optional<core::PublicKey> own_key = engine_.public_key();  // as apply() will have it
    if (set.private_key) {
        own_key.reset();
        if (*set.private_key) {
            own_key = core::crypto::public_key(**set.private_key);
        }
    }
    for (const UapiPeer& change : set.peers) {
        if (own_key && change.public_key == *own_key) {
            continue;
        }
        auto [it, fresh] = fates.try_emplace(change.public_key);
        Fate& fate = it->second;
        const core::Peer* existing = engine_.find_peer(change.public_key);
        if (fresh) {
            fate.present = existing != nullptr && !set.replace_peers;
            fate.cleared = existing == nullptr || set.replace_peers;
        }
        const auto clear = [&] {
            if (!fate.cleared) {
                prefixes -= engine_.allowed_ip_count(*existing);
                fate.cleared = true;
            }
        };
        if (change.remove) {
            if (fate.present) {
                --peers;
                fate.present = false;
                clear();
            }
            continue;
        }
        if (!fate.present) {
            if (change.update_only) {
                continue;
            }
            fate.present = true;
            if (++peers > engine_.config().max_peers) {
                log_->warn("{}: too many peers: an interface holds at most {}", name(),
                           engine_.config().max_peers);
                return ENOSPC;
            }
        }
        if (change.replace_allowed_ips) {
            clear();
        }
        prefixes += change.allowed_ips.size();
        if (prefixes > max_allowed_ips_) {
            log_->warn("{}: too many allowed IPs: an interface holds at most {}", name(),
                       max_allowed_ips_);
            return E2BIG;
        }
    }
    return 0;
}

int Device::apply(const UapiSet& set) {
    if (const int error = check_capacity(set); error != 0) {
        return error;
    }
    const auto now = core::Clock::now();
    if (set.private_key) {
        engine_.set_private_key(*set.private_key);
    }
    if (set.fwmark && *set.fwmark != fwmark_) {
        fwmark_ = *set.fwmark;
        try {
            udp_->set_mark(fwmark_);
        } catch (const std::system_error& error) {
            log_->warn("{}: {}", name(), error.what());
            return error.code().value();
        }
    }
    if (set.listen_port && *set.listen_port != udp_->port()) {
        try {
            open_socket(*set.listen_port);
        } catch (const std::system_error& error) {
            log_->warn("{}: {}", name(), error.what());
            return error.code().value();
        }
        log_->info("{}: listening on UDP port {}", name(), udp_->port());
    }
    if (set.replace_peers) {
        engine_.remove_all_peers();
    }
    const auto own_key = engine_.public_key();
    int status = 0;
    for (const UapiPeer& change : set.peers) {
        if (own_key && change.public_key == *own_key) {
            continue;  // as wireguard-go: a peer with our own key is ignored
        }
        if (change.remove) {
            engine_.remove_peer(change.public_key);
            continue;
        }
        core::Peer* peer = engine_.find_peer(change.public_key);
        if (peer == nullptr) {
            if (change.update_only) {
                continue;
            }
            auto added = engine_.add_peer(change.public_key);
            if (!added) {
                log_->warn("{}: {}", name(), added.error());
                status = ENOSPC;
                break;
            }
            peer = added.value();
        }
        if (change.preshared_key) {
            engine_.set_preshared_key(*peer, *change.preshared_key);
        }
        if (change.endpoint) {
            engine_.set_endpoint(*peer, *change.endpoint);
        }
        if (change.replace_allowed_ips) {
            engine_.clear_allowed_ips(*peer);
        }
        for (const auto& prefix : change.allowed_ips) {
            engine_.add_allowed_ip(*peer, prefix);
        }
        if (change.persistent_keepalive) {
            engine_.set_persistent_keepalive(
                *peer, std::chrono::seconds{*change.persistent_keepalive}, now, *this);
        }
    }
    flush_sends();
    rearm_timer();
    return status;
}

void Device::forget_endpoint(const core::PublicKey& peer) {
    if (core::Peer* found = engine_.find_peer(peer)) {
        engine_.set_endpoint(*found, std::nullopt);
    }
}

PeerState Device::state_of(const core::Peer& peer) const {
    PeerState info;
    info.public_key = peer.public_key();
    if (peer.has_preshared_key()) {
        info.preshared_key = peer.preshared_key();
    }
    info.endpoint = peer.endpoint();
    info.persistent_keepalive = static_cast<std::uint16_t>(peer.persistent_keepalive().count());
    info.last_handshake = peer.stats().last_handshake;
    info.rx_bytes = peer.stats().rx_bytes;
    info.tx_bytes = peer.stats().tx_bytes;
    info.allowed_ips = engine_.allowed_ips(peer);
    return info;
}

DeviceStatus Device::snapshot() const {
    DeviceStatus device;
    device.private_key = engine_.private_key();
    device.listen_port = udp_ ? udp_->port() : 0;
    device.fwmark = fwmark_;
    engine_.for_each_peer([&](const core::Peer& peer) { device.peers.push_back(state_of(peer)); });
    return device;
}

std::optional<PeerState> Device::snapshot_of(const core::PublicKey& key) const {
    const core::Peer* peer = engine_.find_peer(key);
    if (peer == nullptr) {
        return std::nullopt;
    }
    return state_of(*peer);
}

}  // namespace tulle::daemon
