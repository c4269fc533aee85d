// The WireGuard protocol engine of one interface. It does no I/O and reads no clock: the caller
// hands it IP packets from the TUN device, datagrams from the UDP socket and the current
// monotonic time, and it answers through a PacketSink with datagrams to send and packets to
// deliver, and through next_deadline() with when it next wants tick(). Not thread-safe: one
// thread drives an engine. Its code is in engine.cpp (state, configuration, sessions, timers),
// send.cpp and receive.cpp, as the kernel module splits it.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "daemon/core/allowedips.hpp"
#include "daemon/core/cookie.hpp"
#include "daemon/core/environment.hpp"
#include "daemon/core/index_table.hpp"
#include "daemon/core/noise.hpp"
#include "daemon/core/peer.hpp"
#include "daemon/core/ratelimiter.hpp"
#include "value/result.hpp"

namespace tulle::core {

// Runs job(0) .. job(count - 1), possibly on several threads at once, and returns when all are
// done. The engine hands it only the AEAD work of a batch, which touches nothing but its own
// packet and a keypair's (immutable) keys.
class Parallel {
  public:
    Parallel() = default;
    Parallel(const Parallel&) = delete;
    Parallel& operator=(const Parallel&) = delete;
    virtual ~Parallel() = default;
    virtual void run(std::size_t count, const std::function<void(std::size_t)>& job) = 0;
};

// One job after the other on the calling thread.
class Serial final : public Parallel {
  public:
    void run(std::size_t count, const std::function<void(std::size_t)>& job) override {
        for (std::size_t i = 0; i < count; ++i) {
            job(i);
        }
    }
};

class PacketSink {
  public:
    PacketSink() = default;
    PacketSink(const PacketSink&) = delete;
    PacketSink& operator=(const PacketSink&) = delete;
    virtual ~PacketSink() = default;

    // A datagram for the UDP socket. The bytes are valid only during the call.
    virtual void send_datagram(const value::SocketAddress& to,
                               std::span<const std::uint8_t> datagram) = 0;
    // A decrypted IP packet for the TUN device, from `peer`. Valid only during the call.
    virtual void deliver_packet(const Peer& peer, std::span<const std::uint8_t> packet) = 0;
    // An IP packet handed to send_packet() that no peer's allowed IPs hold (counted as
    // no_route and dropped). Valid only during the call. A mesh network asks its lighthouse who
    // holds the address.
    virtual void no_route(std::span<const std::uint8_t> packet) { (void)packet; }

    // A sink that answers true gets transport messages unsealed, through send_unsealed(), so it
    // can seal a whole batch in parallel before sending it in order.
    [[nodiscard]] virtual bool defers_sealing() const { return false; }
    // `datagram` holds the header and the padded plaintext followed by room for the tag. Before
    // it goes to `to`, seal_transport(datagram, *keypair) must run on it. Valid during the call.
    virtual void send_unsealed(const value::SocketAddress& to,
                               const std::shared_ptr<const Keypair>& keypair,
                               std::span<const std::uint8_t> datagram) {
        (void)to;
        (void)keypair;
        (void)datagram;
    }
};

// Seals a transport message in place: header, padded plaintext, then the 16-byte tag. Safe on
// any thread: it reads only the keypair's sending key and the message's own header.
void seal_transport(std::span<std::uint8_t> datagram, const Keypair& keypair);

// A datagram of a batch, as it came from the socket; it is decrypted in place.
struct IncomingDatagram {
    value::SocketAddress from;
    std::span<std::uint8_t> bytes;
};

struct EngineConfig {
    std::size_t mtu = impl::kDefaultMtu;
    // The handshake backlog at or above which the engine counts as under load (for a second)
    // and answers initiations without a cookie with a cookie reply. The backlog is the handshake
    // messages with a right mac1 received since the socket was last drained (queue_drained()):
    // messages that queued up while earlier ones were being worked on. Junk and wrong-mac1
    // messages never count, so strangers can't make real peers wait. wireguard-go's threshold.
    std::size_t under_load_backlog = impl::kUnderLoadQueueLength;
    // add_peer() refuses a peer beyond this many (lower only in tests).
    std::size_t max_peers = impl::kMaxPeers;
};

// Why packets were dropped, and a few events worth counting. Each a running total.
struct EngineCounters {
    std::uint64_t invalid_message = 0;       // unknown type or wrong length
    std::uint64_t invalid_mac = 0;           // mac1 wrong
    std::uint64_t cookie_replies_sent = 0;   // under load, a handshake without a valid mac2
    std::uint64_t cookie_replies_taken = 0;  // cookie replies that decrypted
    std::uint64_t ratelimited = 0;
    std::uint64_t handshake_failed = 0;    // did not authenticate, unknown peer, bad state
    std::uint64_t handshake_replayed = 0;  // an initiation not newer than the last, or a flood
    std::uint64_t unknown_receiver = 0;    // receiver index names nothing suitable
    std::uint64_t keypair_expired = 0;     // transport data on keys past REJECT_AFTER_TIME
    std::uint64_t decrypt_failed = 0;
    std::uint64_t replayed = 0;            // counter seen before or too old
    std::uint64_t invalid_packet = 0;      // decrypted, but not a well-formed IP packet
    std::uint64_t source_not_allowed = 0;  // inner source address not in the peer's allowed IPs
    std::uint64_t no_route = 0;            // outgoing packet to an address no peer owns
    std::uint64_t no_endpoint = 0;         // a peer to send to has no known endpoint
    std::uint64_t staged_dropped = 0;      // waited for a session too long or queue full
    std::uint64_t handshake_initiations_sent = 0;
    std::uint64_t handshake_responses_sent = 0;
    std::uint64_t sessions_established = 0;
    std::uint64_t keepalives_sent = 0;
};

// How much the engine holds now: what must stay bounded however long it runs (tests and
// benchmarks check it).
struct EngineSizes {
    std::size_t peers = 0;
    std::size_t allowed_ips = 0;
    std::size_t indices = 0;              // receiver indices: handshakes and sessions in flight
    std::size_t ratelimiter_sources = 0;  // at most impl::kRatelimitMaxEntries
    std::size_t keypairs = 0;             // at most 3 a peer
    std::size_t handshakes = 0;           // peers with a handshake in progress
    std::size_t staged_packets = 0;       // at most impl::kMaxStagedPackets a peer
    std::size_t timers_armed = 0;         // peers with a deadline
    std::size_t scratch_bytes = 0;        // capacity of the engine's own buffers
};

class Engine {
  public:
    explicit Engine(Environment& environment, EngineConfig config = {});
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;
    ~Engine();

    // --- configuration (as the UAPI sets it) ---
    // Sets or clears the interface's private key. Every peer's precomputation is redone and its
    // sessions expire (new handshakes follow); a peer with the new public key is removed.
    void set_private_key(const std::optional<PrivateKey>& private_key);
    [[nodiscard]] std::optional<PublicKey> public_key() const;
    // For the UAPI's get, which hands it to root only (wg showconf).
    [[nodiscard]] std::optional<PrivateKey> private_key() const;
    [[nodiscard]] bool has_private_key() const { return has_identity_; }

    // Adds a peer, or returns the existing one with that key. Fails, changing nothing, when the
    // interface holds config().max_peers peers already.
    [[nodiscard]] value::Result<Peer*> add_peer(const PublicKey& public_key);
    bool remove_peer(const PublicKey& public_key);
    void remove_all_peers();
    [[nodiscard]] Peer* find_peer(const PublicKey& public_key);
    [[nodiscard]] const Peer* find_peer(const PublicKey& public_key) const;
    [[nodiscard]] std::size_t peer_count() const { return peers_.size(); }
    void for_each_peer(const std::function<void(const Peer&)>& visit) const;

    // A changed preshared key applies from the next handshake; sessions are kept.
    void set_preshared_key(Peer& peer, const SymmetricKey& preshared_key);
    // nullopt forgets the endpoint: nothing goes to the peer (its packets are dropped and counted
    // as no_endpoint) until one is set again or the peer sends an authenticated packet.
    void set_endpoint(Peer& peer, const std::optional<value::SocketAddress>& endpoint);
    // Turning the keepalive on sends one at once (starting a handshake if needed).
    void set_persistent_keepalive(Peer& peer, std::chrono::seconds interval, TimePoint now,
                                  PacketSink& sink);

    // Allowed IPs; host bits are ignored. A prefix another peer holds moves to this one.
    void add_allowed_ip(Peer& peer, const value::IpPrefix& prefix);
    // True when the peer held the prefix.
    bool remove_allowed_ip(Peer& peer, const value::IpPrefix& prefix);
    void clear_allowed_ips(Peer& peer);
    // Canonical (host bits clear), IPv4 first, then by address and length.
    [[nodiscard]] std::vector<value::IpPrefix> allowed_ips(const Peer& peer) const;
    // Prefixes the peer holds, and all peers together.
    [[nodiscard]] std::size_t allowed_ip_count(const Peer& peer) const {
        return allowed_ips_.count(&peer);
    }
    [[nodiscard]] std::size_t allowed_ip_count() const { return allowed_ips_.size(); }
    [[nodiscard]] Peer* route(std::span<const std::uint8_t> address) const;

    // --- traffic ---
    // An IP packet read from the TUN device: encrypted to the peer that owns its destination, or
    // held until a session exists (a handshake is started).
    void send_packet(std::span<const std::uint8_t> packet, TimePoint now, PacketSink& sink);
    // A datagram from the UDP socket. Decrypted in place; the buffer is scratch afterwards.
    void receive_datagram(const value::SocketAddress& from, std::span<std::uint8_t> datagram,
                          TimePoint now, PacketSink& sink);
    // A batch of datagrams, with the same effect as receiving them one by one in order; their
    // decryption runs through `parallel`.
    void receive_batch(std::span<const IncomingDatagram> batch, TimePoint now, PacketSink& sink,
                       Parallel& parallel);
    // A keepalive to the peer now: sealed at once when a session exists, else it waits for the
    // handshake this starts (as any packet does).
    void send_keepalive(Peer& peer, TimePoint now, PacketSink& sink);
    // Runs the timers that are due.
    void tick(TimePoint now, PacketSink& sink);
    [[nodiscard]] std::optional<TimePoint> next_deadline() const;

    // The caller read everything the socket held: the handshake backlog starts again from zero.
    // receive_datagram() counts as a batch that drained the socket.
    void queue_drained() { handshake_backlog_ = 0; }
    [[nodiscard]] bool under_load(TimePoint now) const;

    [[nodiscard]] const EngineCounters& counters() const { return counters_; }
    [[nodiscard]] EngineSizes sizes() const;
    [[nodiscard]] const EngineConfig& config() const { return config_; }
    void set_mtu(std::size_t mtu) { config_.mtu = mtu; }

  private:
    struct KeyHash {
        std::size_t operator()(const PublicKey& key) const noexcept;
    };

    // --- receive.cpp ---
    void receive_initiation(const value::SocketAddress& from,
                            std::span<const std::uint8_t> datagram, TimePoint now,
                            PacketSink& sink);
    void receive_response(const value::SocketAddress& from, std::span<const std::uint8_t> datagram,
                          TimePoint now, PacketSink& sink);
    void receive_cookie_reply(std::span<const std::uint8_t> datagram, TimePoint now);
    // Transport data in two steps around the decryption: which keypair, then what it means.
    struct OpenJob {
        std::size_t index = 0;  // in the batch
        std::shared_ptr<Keypair> keypair;
        std::uint64_t counter = 0;
        bool opened = false;
    };
    [[nodiscard]] bool prepare_transport(std::span<const std::uint8_t> datagram, TimePoint now,
                                         OpenJob& job);
    static bool open_transport(std::span<std::uint8_t> datagram, const OpenJob& job);
    void finish_transport(const value::SocketAddress& from, std::span<std::uint8_t> datagram,
                          OpenJob& job, TimePoint now, PacketSink& sink);
    // Decrypts the transport messages gathered in open_jobs_ (in parallel) and takes them in order.
    void open_and_finish(std::span<const IncomingDatagram> batch, TimePoint now, PacketSink& sink,
                         Parallel& parallel);
    void receive_handshake(MessageType type, const value::SocketAddress& from,
                           std::span<const std::uint8_t> datagram, TimePoint now, PacketSink& sink);
    // Checks the MACs and load policy of a handshake message; true when it may be processed.
    bool admit_handshake(const value::SocketAddress& from, std::span<const std::uint8_t> datagram,
                         std::size_t mac1_offset, std::uint32_t sender_index, TimePoint now,
                         PacketSink& sink);
    // Adds the batch's handshake messages that carry a right mac1 to the backlog.
    void count_backlog(std::span<const IncomingDatagram> batch, TimePoint now);
    void keep_key_fresh_after_receive(Peer& peer, TimePoint now, PacketSink& sink);

    // --- send.cpp ---
    void send_initiation(Peer& peer, bool is_retry, TimePoint now, PacketSink& sink);
    void send_response(Peer& peer, TimePoint now, PacketSink& sink);
    template <typename Create>
    auto make_handshake_message(Peer& peer, TimePoint now, std::size_t mac1_offset,
                                const Create& create);
    void send_staged(Peer& peer, TimePoint now, PacketSink& sink);
    void encrypt_and_send(Peer& peer, Keypair& keypair, std::span<const std::uint8_t> packet,
                          TimePoint now, PacketSink& sink);
    void send_to_peer(Peer& peer, std::span<const std::uint8_t> datagram, PacketSink& sink);
    void stage(Peer& peer, std::span<const std::uint8_t> packet);
    void keep_key_fresh_after_send(Peer& peer, TimePoint now, PacketSink& sink);

    // --- engine.cpp: sessions ---
    void begin_session(Peer& peer, TimePoint now);
    void clear_handshake(Peer& peer);
    void clear_keypairs(Peer& peer);
    void forget_keypair(const KeypairPtr& keypair);

    [[nodiscard]] Duration jitter();
    [[nodiscard]] std::uint32_t random_index();
    [[nodiscard]] PrivateKey new_ephemeral();

    Environment& env_;
    EngineConfig config_;
    LocalIdentity identity_;
    bool has_identity_ = false;
    std::unordered_map<PublicKey, std::unique_ptr<Peer>, KeyHash> peers_;
    AllowedIps<Peer> allowed_ips_;
    IndexTable indices_;
    CookieChecker cookie_checker_;
    Ratelimiter ratelimiter_;
    std::optional<TimePoint> last_under_load_;
    std::size_t handshake_backlog_ = 0;
    std::vector<std::uint8_t> scratch_;  // one outgoing transport message
    std::vector<OpenJob> open_jobs_;     // the transport messages of the batch in hand
    Serial serial_;
    EngineCounters counters_;
};

}  // namespace tulle::core
