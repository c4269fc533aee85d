#include "mesh/registry.hpp"

#include <algorithm>
#include <iterator>

namespace tulle::mesh {
namespace {

value::IpAddress first_address(const Certificate& certificate) {
    return certificate.addresses.empty() ? value::IpAddress() : certificate.addresses[0].address();
}

// Adds one to an address's bytes; false when it wraps around.
bool increment(std::array<std::uint8_t, 16>& bytes, std::size_t size) {
    for (std::size_t i = size; i-- > 0;) {
        if (++bytes.at(i) != 0) {
            return true;
        }
    }
    return false;
}

value::IpAddress make_address(const std::array<std::uint8_t, 16>& bytes, bool v4) {
    return v4 ? value::IpAddress::v4({bytes[0], bytes[1], bytes[2], bytes[3]})
              : value::IpAddress::v6(bytes);
}

// Whether every host bit of the address (past `length`) is set: IPv4's broadcast address.
bool all_host_bits_set(std::span<const std::uint8_t> bytes, int length) {
    for (std::size_t bit = static_cast<std::size_t>(length); bit < bytes.size() * 8; ++bit) {
        if ((bytes[bit / 8] & (0x80U >> (bit % 8))) == 0) {
            return false;
        }
    }
    return true;
}

}  // namespace

Registry::Registry(NetworkId network, value::IpPrefix range)
    : network_(network), range_(range.canonical()) {}

// --- members ---

void Registry::unindex(const Certificate& certificate) {
    const value::Key& key = certificate.public_key;
    by_order_.erase({first_address(certificate), key});
    // Another member may hold an address or name by now (the last certificate added wins).
    for (const auto& prefix : certificate.addresses) {
        if (auto a = by_address_.find(prefix.address().to_string());
            a != by_address_.end() && a->second == key) {
            by_address_.erase(a);
        }
    }
    if (auto n = by_name_.find(certificate.name); n != by_name_.end() && n->second == key) {
        by_name_.erase(n);
    }
}

void Registry::add(const Certificate& certificate) {
    const value::Key& key = certificate.public_key;
    MemberRecord record;
    if (auto it = members_.find(key); it != members_.end()) {
        // A renewed certificate: the member keeps where it was seen.
        record = std::move(it->second);
        unindex(record.certificate);
    }
    record.certificate = certificate;
    for (const auto& prefix : certificate.addresses) {
        by_address_[prefix.address().to_string()] = key;
    }
    by_name_[certificate.name] = key;
    by_order_.emplace(first_address(certificate), key);
    members_[key] = std::move(record);
    ++version_;
}

bool Registry::revoke(const Revocation& revocation) {
    const value::Key& key = revocation.public_key;
    const auto it = members_.find(key);
    if (it == members_.end()) {
        return false;
    }
    unindex(it->second.certificate);
    members_.erase(it);
    revoked_[key] = revocations_.size();
    revocations_.push_back(revocation);
    ++version_;
    return true;
}

const MemberRecord* Registry::find(const value::Key& key) const {
    const auto it = members_.find(key);
    return it == members_.end() ? nullptr : &it->second;
}

const MemberRecord* Registry::find(const value::IpAddress& address) const {
    const auto it = by_address_.find(address.to_string());
    return it == by_address_.end() ? nullptr : find(it->second);
}

const MemberRecord* Registry::find_name(const std::string& name) const {
    const auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : find(it->second);
}

bool Registry::is_revoked(const value::Key& key) const {
    return revoked_.contains(key);
}

std::vector<const MemberRecord*> Registry::members() const {
    std::vector<const MemberRecord*> out;
    out.reserve(members_.size());
    for (const auto& entry : by_order_) {
        out.push_back(&members_.at(entry.second));
    }
    return out;
}

bool Registry::seen(const value::Key& key, const std::optional<value::SocketAddress>& observed,
                    const std::vector<value::SocketAddress>& candidates, std::int64_t now) {
    const auto it = members_.find(key);
    if (it == members_.end()) {
        return false;
    }
    MemberRecord& record = it->second;
    const bool was_online = online(record, now);
    record.observed = observed;
    record.candidates.assign(candidates.begin(),
                             candidates.begin() + static_cast<std::ptrdiff_t>(
                                                      std::min(candidates.size(), kMaxCandidates)));
    record.last_seen = now;
    if (was_online) {
        return false;
    }
    ++version_;
    return true;
}

void Registry::sweep(std::int64_t now) {
    // Whoever's time ran out since the last sweep went offline in between.
    const bool any_went =
        std::any_of(members_.begin(), members_.end(), [this, now](const auto& entry) {
            const std::int64_t last_seen = entry.second.last_seen;
            if (last_seen == 0) {
                return false;
            }
            const std::int64_t gone_at = last_seen + kOnlineSeconds;
            return gone_at <= now && gone_at > swept_;
        });
    if (any_went) {
        ++version_;
    }
    swept_ = std::max(swept_, now);
}

bool Registry::online(const MemberRecord& record, std::int64_t now) const {
    return record.last_seen != 0 && now - record.last_seen < kOnlineSeconds;
}

Members Registry::members_page(std::uint32_t page, std::int64_t now) const {
    const std::size_t per_page = members_per_page();
    Members out;
    out.version = version_;
    out.page = page;
    out.pages = static_cast<std::uint32_t>(
        std::max<std::size_t>(1, (members_.size() + per_page - 1) / per_page));
    const std::size_t first = static_cast<std::size_t>(page) * per_page;
    if (first >= by_order_.size()) {
        return out;
    }
    auto it = std::next(by_order_.begin(), static_cast<std::ptrdiff_t>(first));
    for (std::size_t i = 0; i < per_page && it != by_order_.end(); ++i, ++it) {
        const MemberRecord& record = members_.at(it->second);
        out.entries.push_back(MemberEntry{.certificate = record.certificate,
                                          .online = online(record, now),
                                          .last_seen = record.last_seen,
                                          .observed = record.observed});
    }
    return out;
}

PeerInfo Registry::peer_info(const MemberRecord& record, std::int64_t now) const {
    return PeerInfo{.certificate = record.certificate,
                    .observed = record.observed,
                    .candidates = record.candidates,
                    .online = online(record, now)};
}

// --- revocations ---

Revocations Registry::revocations_page(std::uint32_t page) const {
    const std::size_t per_page = revocations_per_page();
    Revocations out;
    out.version = revocations_version();
    out.page = page;
    out.pages = static_cast<std::uint32_t>(
        std::max<std::size_t>(1, (revocations_.size() + per_page - 1) / per_page));
    const std::size_t first = static_cast<std::size_t>(page) * per_page;
    for (std::size_t i = first; i < revocations_.size() && i < first + per_page; ++i) {
        out.entries.push_back(revocations_[i]);
    }
    return out;
}

void Registry::restore_revocation(const Revocation& revocation) {
    if (revoke(revocation)) {
        return;  // it was still a member: now it is not
    }
    revoked_[revocation.public_key] = revocations_.size();
    revocations_.push_back(revocation);
}

// --- addresses ---

bool Registry::address_taken(const value::IpAddress& address) const {
    if (by_address_.contains(address.to_string())) {
        return true;
    }
    return std::any_of(invites_.begin(), invites_.end(), [&address](const PendingInvite& invite) {
        return invite.address == address;
    });
}

value::Result<value::IpAddress> Registry::allocate_address() const {
    const bool v4 = range_.address().is_v4();
    const auto network = range_.address().bytes();  // canonical: the network address
    const std::size_t size = network.size();
    const int length = range_.length();
    std::array<std::uint8_t, 16> bytes{};
    std::copy(network.begin(), network.end(), bytes.begin());
    // Skip the network address where the range has room for hosts besides it (IPv4 /31 and
    // /32, IPv6 /128: every address is a host).
    const bool skip_ends = length < range_.address().max_prefix_length() - (v4 ? 1 : 0);
    if (skip_ends && !increment(bytes, size)) {
        return value::fail("the range " + range_.to_string() + " has no host address");
    }
    while (true) {
        const value::IpAddress candidate = make_address(bytes, v4);
        if (!range_.contains(candidate) ||
            (v4 && skip_ends && all_host_bits_set(candidate.bytes(), length))) {
            break;
        }
        if (!address_taken(candidate)) {
            return candidate;
        }
        if (!increment(bytes, size)) {
            break;
        }
    }
    return value::fail("the range " + range_.to_string() + " is full: every host address is " +
                       "held by a member or a pending invite");
}

// --- invites ---

void Registry::add_invite(const PendingInvite& invite) {
    if (PendingInvite* existing = find_invite(invite.hash)) {
        *existing = invite;
        return;
    }
    invites_.push_back(invite);
}

PendingInvite* Registry::find_invite(const InviteHash& hash) {
    const auto it =
        std::find_if(invites_.begin(), invites_.end(),
                     [&hash](const PendingInvite& invite) { return invite.hash == hash; });
    return it == invites_.end() ? nullptr : &*it;
}

const PendingInvite* Registry::find_invite_by_enrollment(const value::Key& key) const {
    const auto it =
        std::find_if(invites_.begin(), invites_.end(),
                     [&key](const PendingInvite& invite) { return invite.enrollment_key == key; });
    return it == invites_.end() ? nullptr : &*it;
}

std::vector<value::Key> Registry::expire_invites(std::int64_t now) {
    std::vector<value::Key> expired;
    std::erase_if(invites_, [&](const PendingInvite& invite) {
        if (invite.expires > now) {
            return false;
        }
        expired.push_back(invite.enrollment_key);
        return true;
    });
    return expired;
}

}  // namespace tulle::mesh
