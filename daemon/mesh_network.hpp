// One mesh network on this node (mesh/ holds its formats and rules): its tunnel, named after the
// network, and the control channel inside it (UDP to mesh::kControlPort on overlay addresses,
// taken from the device before its TUN device sees it).
//
// The lighthouse admits members with invites, answers their registrations, queries and member
// lists, and spreads removals. A member redeems its invite, registers every 25 s, and installs a
// peer for another member when the first packet for it leaves (the packet waits for the answer).
// Both keep what they learn in the network's file, so a restart brings the mesh back.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/logger.h>

#include "daemon/device.hpp"
#include "daemon/tunnel.hpp"
#include "ipc/jsonrpc.hpp"
#include "ipc/messages.hpp"
#include "mesh/control.hpp"
#include "mesh/disco.hpp"
#include "mesh/state.hpp"

namespace tulle::daemon {

// What a network needs from the service that runs it.
struct MeshHost {
    boost::asio::io_context& io;
    std::function<Tunnel*(const std::string&)> find;  // the running tunnel of that name
    std::function<ipc::Outcome<ipc::TunnelStatus>(const std::string&, ipc::TunnelConfig)> bring_up;
    std::function<void(const std::string&)> take_down;
    std::function<void(const ipc::NetworkChanged&)> changed;  // the network.changed event
    std::function<std::int64_t()> now;                        // Unix seconds
    // This host's addresses but the tunnel's (platform::local_addresses): a member's candidates.
    std::function<std::vector<value::IpAddress>(std::string_view)> local_addresses;
    std::function<void(const ipc::PathChanged&)> path_changed;  // the path.changed event
    // True while a platform::NetworkMonitor tells of this host's network changes (then
    // host_network_changed() is called, and addresses are polled only as a backstop). Empty:
    // none runs, addresses are polled every second.
    std::function<bool()> network_watched;
};

class MeshNetwork final : public InnerTraffic {
  public:
    static constexpr std::int64_t kRegisterEvery = 25;  // under common 30 s NAT timeouts
    static constexpr std::int64_t kRedeemFor = 30;      // then the join failed
    // No answer from the lighthouse for this long: offline.
    static constexpr std::int64_t kLighthouseSilentAfter = 60;
    static constexpr std::size_t kMaxHeld = 64;  // packets waiting for a query
    static constexpr std::size_t kMaxHeldPerAddress = 8;
    static constexpr std::int64_t kHoldFor = 5;      // seconds
    static constexpr std::size_t kMaxInbound = 256;  // control datagrams not yet handled
    // A relay channel's life: the lighthouse forgets it then, and so do its two members unless
    // a fresh one came. A member asks for a fresh one from 3/4 of the life on (kRelayRenewAfter
    // before the end), every kRelayRenewEvery until it comes; the channel it replaces stays valid
    // kRelayOverlap longer, for the frames on their way.
    static constexpr std::int64_t kRelayOfferFor = 24LL * 3600;
    static constexpr std::int64_t kRelayRenewBefore = kRelayOfferFor / 4;
    static constexpr std::int64_t kRelayRenewEvery = 60;
    static constexpr std::int64_t kRelayOverlap = 60;
    static constexpr std::size_t kDefaultMtu = 1420;  // WireGuard's usual
    // This host's addresses are read this often while a network monitor runs (a backstop for
    // a change it missed); else every second.
    static constexpr std::int64_t kAddressPollWatched = 10;

    MeshNetwork(MeshHost host, mesh::NetworkState state, std::string file,
                std::shared_ptr<spdlog::logger> log);
    ~MeshNetwork() override;
    MeshNetwork(const MeshNetwork&) = delete;
    MeshNetwork& operator=(const MeshNetwork&) = delete;

    // Brings the tunnel up as the state says and starts the control channel (again, after its
    // tunnel was taken down from outside); the error says why the tunnel could not come up (the
    // network is kept, offline).
    [[nodiscard]] ipc::Outcome<void> start();
    // Takes the tunnel down (the file stays).
    void stop();

    // The lighthouse: a new invite (its enrollment peer installed, the invite kept by hash).
    [[nodiscard]] ipc::Outcome<ipc::InviteIssued> invite(const ipc::NetworkInvite& request);
    // The lighthouse: revokes a member (by name or public key) and tells every member.
    [[nodiscard]] ipc::Outcome<void> remove(const std::string& member);

    [[nodiscard]] ipc::NetworkStatus status() const;
    [[nodiscard]] ipc::MemberList members() const;
    [[nodiscard]] const std::string& name() const { return state_.name; }
    [[nodiscard]] const std::string& file() const { return file_; }
    [[nodiscard]] bool is_lighthouse() const {
        return state_.role == mesh::NetworkRole::lighthouse;
    }

    // InnerTraffic: control datagrams for this node; what an enrollment peer sends otherwise.
    bool take(const core::PublicKey& peer, std::span<const std::uint8_t> packet) override;
    void unrouted(std::span<const std::uint8_t> packet) override;
    // Disco from another member (mesh_paths.cpp).
    void disco(const value::SocketAddress& from, std::span<const std::uint8_t> datagram) override;

    // This host's network changed (an address, a route, an interface: platform::NetworkMonitor):
    // a member reads its addresses again, registers at once and looks for paths again, even when
    // its addresses stayed the same (a new route may open a better path or close the one in
    // use). Nothing for a lighthouse, or a network that is not running or still joining.
    void host_network_changed();

    // The path to a member as this node uses it; nullopt when it knows none (plain peers).
    [[nodiscard]] std::optional<ipc::PeerPath> path_for(const value::Key& key) const;

    // The address an invite's enrollment peer sends from: a link-local address derived from the
    // invite's hash (which both ends know), only ever seen inside the enrollment session. Not
    // the member's address, so that the member's own peer can hold that one from the moment
    // its certificate is issued while a lost answer can still be asked for again.
    [[nodiscard]] static value::IpAddress enrollment_address(const value::IpPrefix& range,
                                                             const mesh::InviteHash& hash);

  private:
    struct Inbound {
        value::Key peer;
        value::SocketAddress from;
        std::vector<std::uint8_t> payload;
    };
    struct Outer {
        value::SocketAddress from;
        std::vector<std::uint8_t> datagram;
    };
    using Clock = std::chrono::steady_clock;
    struct Ping {
        value::SocketAddress to;
        Clock::time_point sent;
    };
    // One member's way from here (mesh_paths.cpp).
    struct Path {
        value::Key key;
        std::string name;
        std::unique_ptr<mesh::DiscoBox> box;
        std::optional<value::SocketAddress> observed;  // where the lighthouse sees it
        std::vector<value::SocketAddress> lan;         // its own interface addresses
        std::vector<value::SocketAddress> candidates;  // all of these, then where pings came from
        std::optional<mesh::RelayOffer> relay;
        ipc::PeerPath current;
        std::optional<Clock::time_point> unanswered_since;  // the first heartbeat not answered
        Clock::time_point last_heard{};     // a pong or authenticated traffic on the path in use
        Clock::time_point overlap_until{};  // just switched to direct: the relay gets copies
        std::optional<value::SocketAddress> shadowed;  // the device's shadow is set for it
        std::uint64_t rx_seen = 0;                     // the peer's byte counters at the last tick
        std::uint64_t tx_seen = 0;
        std::deque<mesh::TxId> seen;  // pings taken (against replays)
        Clock::time_point next_heartbeat{};
        Clock::time_point next_retry{};
        bool punching = false;
        Clock::time_point punch_started{};
        std::size_t punch_step = 0;
        std::map<mesh::TxId, Ping> pings;
    };
    struct Held {
        value::IpAddress to;
        std::vector<std::uint8_t> packet;
        std::int64_t until = 0;
    };
    // A member list or revocation list being fetched page by page.
    struct Fetch {
        std::uint64_t version = 0;
        std::uint32_t next = 0;
        bool active = false;
    };

    void drain_inbound();
    void handle(const Inbound& in);
    void send(const value::SocketAddress& to, const mesh::ControlMessage& message);
    [[nodiscard]] Tunnel* tunnel() const { return host_.find(state_.name); }
    [[nodiscard]] ipc::TunnelConfig tunnel_config() const;
    void schedule();
    void tick();
    void save();
    void set_state(ipc::NetworkState state, std::string problem);
    void announce();
    [[nodiscard]] std::optional<value::IpAddress> own_address() const;
    [[nodiscard]] std::optional<value::IpAddress> control_source() const;
    [[nodiscard]] bool is_own_control(const value::IpAddress& address) const;

    // --- the lighthouse (mesh_lighthouse.cpp) ---
    void serve(const Inbound& in, const mesh::ControlMessage& message);
    void on_redeem(const Inbound& in, const mesh::Redeem& redeem);
    void on_register(const Inbound& in, const mesh::Register& request);
    void on_query(const Inbound& in, const mesh::Query& query);
    void refuse_control(const Inbound& in, mesh::ControlErrorCode code, std::string message);
    void lighthouse_tick(std::int64_t now);
    void tell_members();
    // Adds or updates the member's WireGuard peer; false (logged) when it could not.
    bool put_peer(const mesh::Certificate& certificate,
                  const std::optional<value::SocketAddress>& endpoint);
    [[nodiscard]] std::optional<value::SocketAddress> endpoint_of(const value::Key& peer) const;
    [[nodiscard]] static value::SocketAddress control_of(const mesh::Certificate& certificate);
    // The name the enrollment peer of an invite shows in the tunnel's peers.
    [[nodiscard]] static std::string enrollment_peer_name(const mesh::PendingInvite& invite);
    // The address a new invite gives: the one asked for (checked), or the lowest free one.
    [[nodiscard]] ipc::Outcome<value::IpAddress> invite_address(
        const ipc::NetworkInvite& request) const;
    // A new invite id whose enrollment address no pending invite uses already.
    [[nodiscard]] mesh::InviteId unused_invite_id() const;

    // --- a member (mesh_member.cpp) ---
    void member_receive(const Inbound& in, const mesh::ControlMessage& message);
    // What the lighthouse tells a member that has its certificate.
    void member_message(const mesh::ControlMessage& message);
    void on_redeemed(const mesh::Redeemed& redeemed);
    void on_register_ack(const mesh::RegisterAck& ack);
    void on_peer_info(const mesh::PeerInfo& info);
    void on_members(const mesh::Members& page);
    void on_revocations(const mesh::Revocations& page);
    void apply_revocation(const mesh::Revocation& revocation);
    void member_tick(std::int64_t now);
    void send_register();
    void send_to_lighthouse(const mesh::ControlMessage& message);
    [[nodiscard]] std::optional<value::SocketAddress> lighthouse_control() const;
    [[nodiscard]] value::Key lighthouse_key() const;
    void install_peer(const mesh::Certificate& certificate,
                      const std::optional<value::SocketAddress>& endpoint);
    // Sends the packets held for the member's addresses; false when none were held.
    bool release_held(const mesh::Certificate& certificate);
    void dial_due(std::int64_t now);
    [[nodiscard]] std::vector<value::SocketAddress> candidates() const;
    // Reads this host's addresses into local_seen_; true when they differ from the last read
    // (never on the first).
    bool read_local_addresses();

    // --- paths (mesh_paths.cpp) ---
    void handle_disco(const Outer& in);
    void count_dropped_disco();
    [[nodiscard]] Path* path_of_key(const value::Key& key);
    [[nodiscard]] static bool on_direct(const Path& path);
    [[nodiscard]] static bool direct_dead(const Path& path, Clock::time_point now);
    [[nodiscard]] static bool in_doubt(const Path& path, Clock::time_point now);
    static void heard(Path& path, Clock::time_point now);
    // Watches the path in use: real traffic, heartbeats, doubt (copies on the relay), death.
    void check_direct(Path& path, const core::Peer* peer, Clock::time_point now);
    void update_shadow(Path& path, Clock::time_point now);
    void keep_endpoint(Path& path, const std::optional<value::SocketAddress>& now_at);
    static void add_candidate(Path& path, const value::SocketAddress& address);
    void confirm(Path& path, const value::SocketAddress& address, Clock::time_point now);
    void switch_path(Path& path, const ipc::PeerPath& to, const std::string& reason);
    [[nodiscard]] static std::string describe(const ipc::PeerPath& path);
    void send_disco(Path& path, const value::SocketAddress& to, const mesh::DiscoMessage& message);
    void send_ping(Path& path, const value::SocketAddress& to, Clock::time_point now);
    void start_punch(Path& path, Clock::time_point now);
    void track_path(const mesh::Certificate& certificate,
                    const std::optional<value::SocketAddress>& observed,
                    const std::vector<value::SocketAddress>& candidates);
    void use_relay(Path& path, const mesh::RelayOffer& offer);
    void on_relay_offer(const mesh::RelayOffer& offer);
    void arm_paths(Clock::time_point now);
    void paths_tick(Clock::time_point now);
    void network_changed();
    // Asks the lighthouse about every known member again (its PeerInfo and relay offer).
    void requery_paths();
    // Asks the lighthouse about one known member (its PeerInfo and a relay offer).
    void ask_about_member(const mesh::KnownPeer& known);
    // A member: the relay channels it holds, near or past their end (mesh_member.cpp): asks for
    // fresh ones, forgets expired ones (and the routes of replaced ones after the overlap).
    void renew_relays(std::int64_t now);
    // A member: a relay channel no longer offered; its route stays for kRelayOverlap.
    void retire_relay_route(std::uint32_t channel);
    // The lighthouse: forgets expired relay channels and replaced ones after the overlap.
    void expire_channels(std::int64_t now);
    [[nodiscard]] std::string lighthouse_name() const;
    [[nodiscard]] ipc::PeerPath relay_path() const;
    // The lighthouse: the relay channel between two members (made on first use).
    void offer_relay(const mesh::Certificate& asker, const mesh::Certificate& target);

    MeshHost host_;
    mesh::NetworkState state_;
    std::string file_;
    std::shared_ptr<spdlog::logger> log_;
    boost::asio::steady_timer timer_;
    bool running_ = false;
    ipc::NetworkState status_ = ipc::NetworkState::offline;
    std::string problem_;

    std::deque<Inbound> inbound_;
    bool drain_posted_ = false;
    std::uint64_t ignored_ = 0;  // control datagrams dropped: unknown sender, malformed, too many

    // member
    std::int64_t redeem_until_ = 0;
    std::int64_t next_register_ = 0;
    std::int64_t last_ack_ = 0;
    std::uint64_t register_seq_ = 0;
    std::optional<value::SocketAddress> observed_;
    std::vector<Held> held_;
    std::map<value::IpAddress, std::int64_t> queried_;  // address -> when last asked
    // Members that asked for this one: dialled at the time given unless a session exists by then.
    std::map<value::Key, std::int64_t> to_dial_;
    std::vector<mesh::MemberEntry> member_cache_;
    std::uint64_t members_version_ = 0;
    std::uint64_t revocations_version_ = 0;
    std::vector<mesh::MemberEntry> members_fetched_;
    Fetch members_fetch_;
    Fetch revocations_fetch_;
    std::vector<value::IpAddress> local_seen_;  // this host's addresses at the last tick
    bool local_seen_valid_ = false;
    std::int64_t next_address_poll_ = 0;
    std::uint64_t lighthouse_epoch_ = 0;  // its list version >> 20: changes on its restart

    // paths
    std::map<value::Key, Path> paths_;
    std::map<value::Key, mesh::RelayOffer> relay_offers_;
    std::deque<Outer> disco_in_;
    bool disco_posted_ = false;
    boost::asio::steady_timer path_timer_;
    bool paths_armed_ = false;
    Clock::time_point paths_at_{};
    std::map<value::Key, std::int64_t> renew_asked_;  // member -> when a fresh relay was asked
    std::map<std::uint32_t, std::int64_t> retired_routes_;  // channel -> when its route goes
    // lighthouse: relay channels by the pair of members (the smaller key first); a channel
    // replaced by a fresh one stays on the device until `retired_until`.
    struct Channel {
        std::uint32_t id = 0;
        std::int64_t expires = 0;
        std::uint32_t retired = 0;
        std::int64_t retired_until = 0;
    };
    std::map<std::pair<value::Key, value::Key>, Channel> channels_;

    // Handlers posted to the loop hold this weakly: they do nothing once the network is gone.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace tulle::daemon
