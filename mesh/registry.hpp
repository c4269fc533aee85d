// What a lighthouse knows about its network: the members' certificates, where each was last seen,
// the invites it issued (by hash) and the revocations. Pure data and rules, no I/O: tulled's
// network runtime drives it and stores it (state.hpp). Lookups by key and by address are
// hash-map fast, so a lighthouse with thousands of members answers in microseconds.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mesh/certificate.hpp"
#include "mesh/control.hpp"
#include "mesh/invite.hpp"
#include "value/ip.hpp"
#include "value/key.hpp"

namespace tulle::mesh {

// A member counts as online this long after its last Register.
inline constexpr std::int64_t kOnlineSeconds = 75;

struct MemberRecord {
    Certificate certificate;
    std::optional<value::SocketAddress> observed;
    std::vector<value::SocketAddress> candidates;
    std::int64_t last_seen = 0;  // Unix seconds of the last Register; 0: never
};

struct PendingInvite {
    InviteHash hash{};
    value::Key enrollment_key;  // the public half of the invite's enrollment key
    std::string name;           // "" : the joiner's choice
    value::IpAddress address;
    std::int64_t expires = 0;
    // Once redeemed: by whom and when (kept until expiry, so a lost Redeemed can be sent again to
    // the same joiner, and the invite refused to anyone else).
    std::optional<value::Key> redeemed_by;
    std::int64_t redeemed_at = 0;
};

class Registry {
  public:
    Registry(NetworkId network, value::IpPrefix range);

    [[nodiscard]] const NetworkId& network() const { return network_; }
    [[nodiscard]] const value::IpPrefix& range() const { return range_; }

    // --- members ---
    // Adds or replaces the member with the certificate's key; bumps the version.
    void add(const Certificate& certificate);
    // Takes the member out and records its revocation; false when there is none by that key.
    bool revoke(const Revocation& revocation);
    [[nodiscard]] const MemberRecord* find(const value::Key& key) const;
    [[nodiscard]] const MemberRecord* find(const value::IpAddress& address) const;
    [[nodiscard]] const MemberRecord* find_name(const std::string& name) const;
    [[nodiscard]] bool is_revoked(const value::Key& key) const;
    [[nodiscard]] std::size_t size() const { return members_.size(); }
    [[nodiscard]] std::vector<const MemberRecord*> members() const;  // by address
    // A Register from `key` seen from `observed` at `now`; true when it came online (version
    // bumped). False and nothing changed for a key that is not a member.
    bool seen(const value::Key& key, const std::optional<value::SocketAddress>& observed,
              const std::vector<value::SocketAddress>& candidates, std::int64_t now);
    // Marks members not seen for kOnlineSeconds offline (bumps the version when any went).
    void sweep(std::int64_t now);
    [[nodiscard]] bool online(const MemberRecord& record, std::int64_t now) const;
    // Bumped whenever the list, or anyone's online state, changes.
    [[nodiscard]] std::uint64_t version() const { return version_; }
    // Moves the version up to `epoch` (never down). The version is not stored: a lighthouse
    // starts it from its clock each time it starts, so that no member holds the version of an
    // older list that equals the new one's.
    void start_versions_at(std::uint64_t epoch) { version_ = std::max(version_, epoch); }
    [[nodiscard]] Members members_page(std::uint32_t page, std::int64_t now) const;
    [[nodiscard]] PeerInfo peer_info(const MemberRecord& record, std::int64_t now) const;

    // --- revocations ---
    [[nodiscard]] std::uint64_t revocations_version() const { return revocations_.size(); }
    [[nodiscard]] const std::vector<Revocation>& revocations() const { return revocations_; }
    [[nodiscard]] Revocations revocations_page(std::uint32_t page) const;
    // Loading a stored registry: a revocation whose member is gone already.
    void restore_revocation(const Revocation& revocation);

    // --- addresses ---
    // Whether a member or a pending invite holds the address.
    [[nodiscard]] bool address_taken(const value::IpAddress& address) const;
    // The lowest free host address of the range (not its network or broadcast address), or an
    // error when the range is full.
    [[nodiscard]] value::Result<value::IpAddress> allocate_address() const;
    [[nodiscard]] std::uint64_t next_serial() { return ++serial_; }
    [[nodiscard]] std::uint64_t last_serial() const { return serial_; }
    void set_last_serial(std::uint64_t serial) { serial_ = serial; }

    // --- invites ---
    void add_invite(const PendingInvite& invite);
    [[nodiscard]] PendingInvite* find_invite(const InviteHash& hash);
    [[nodiscard]] const PendingInvite* find_invite_by_enrollment(const value::Key& key) const;
    // Drops invites past their expiry; returns their enrollment keys (peers to remove).
    std::vector<value::Key> expire_invites(std::int64_t now);
    [[nodiscard]] const std::vector<PendingInvite>& invites() const { return invites_; }

  private:
    // Takes a member's certificate out of the indexes by address, name and order.
    void unindex(const Certificate& certificate);

    NetworkId network_;
    value::IpPrefix range_;
    std::map<value::Key, MemberRecord> members_;
    std::unordered_map<std::string, value::Key> by_address_;  // address text -> key
    std::unordered_map<std::string, value::Key> by_name_;
    std::set<std::pair<value::IpAddress, value::Key>> by_order_;  // (first address, key)
    std::vector<Revocation> revocations_;
    std::map<value::Key, std::size_t> revoked_;  // key -> index in revocations_
    std::vector<PendingInvite> invites_;
    std::uint64_t version_ = 1;
    std::uint64_t serial_ = 0;
    std::int64_t swept_ = 0;  // the last sweep's time: who went offline since is news
};

}  // namespace tulle::mesh
