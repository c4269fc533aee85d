#include "mesh/registry.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/mesh/mesh_samples.hpp"

namespace tulle::mesh {
namespace {

using testing::ip;
using testing::SampleNetwork;
using testing::socket;

value::IpPrefix prefix(const std::string& text) {
    return value::IpPrefix::parse(text).value();
}

PendingInvite invite_for(const value::IpAddress& address, std::int64_t expires, std::uint8_t tag) {
    PendingInvite invite;
    invite.hash.fill(tag);
    invite.enrollment_key = value::public_key_of(value::generate_private_key()).value();
    invite.address = address;
    invite.expires = expires;
    return invite;
}

TEST(Registry, FindsMembersByKeyAddressAndName) {
    const SampleNetwork net;
    Registry registry(net.id, prefix("10.88.0.0/16"));
    const Certificate alice = net.member("alice", ip("10.88.0.2"));
    const Certificate bob = net.member("bob", ip("10.88.0.3"));
    registry.add(alice);
    registry.add(bob);
    EXPECT_EQ(registry.size(), 2U);
    ASSERT_NE(registry.find(alice.public_key), nullptr);
    EXPECT_EQ(registry.find(alice.public_key)->certificate, alice);
    ASSERT_NE(registry.find(ip("10.88.0.3")), nullptr);
    EXPECT_EQ(registry.find(ip("10.88.0.3"))->certificate, bob);
    ASSERT_NE(registry.find_name("alice"), nullptr);
    EXPECT_EQ(registry.find_name("alice")->certificate.public_key, alice.public_key);
    EXPECT_EQ(registry.find(ip("10.88.0.4")), nullptr);
    EXPECT_EQ(registry.find_name("carol"), nullptr);
    EXPECT_EQ(registry.find(value::Key()), nullptr);
}

TEST(Registry, ARenewedCertificateReplacesTheOldOneAndKeepsWhereTheMemberWasSeen) {
    const SampleNetwork net;
    Registry registry(net.id, prefix("10.88.0.0/16"));
    Certificate alice = net.member("alice", ip("10.88.0.2"));
    registry.add(alice);
    ASSERT_TRUE(registry.seen(alice.public_key, socket("192.0.2.1:4000"), {}, 100));
    const auto version = registry.version();
    alice.name = "alice2";
    alice.addresses = {value::IpPrefix(ip("10.88.0.20"))};
    alice = sign_certificate(alice, net.key);
    registry.add(alice);
    EXPECT_GT(registry.version(), version);
    EXPECT_EQ(registry.size(), 1U);
    EXPECT_EQ(registry.find_name("alice"), nullptr);
    EXPECT_EQ(registry.find(ip("10.88.0.2")), nullptr);
    ASSERT_NE(registry.find(ip("10.88.0.20")), nullptr);
    EXPECT_EQ(registry.find(ip("10.88.0.20"))->observed, socket("192.0.2.1:4000"));
    EXPECT_EQ(registry.members().size(), 1U);
}

TEST(Registry, RevokingTakesTheMemberOutAndKeepsTheRevocation) {
    const SampleNetwork net;
    Registry registry(net.id, prefix("10.88.0.0/16"));
    const Certificate alice = net.member("alice", ip("10.88.0.2"));
    registry.add(alice);
    const auto version = registry.version();
    EXPECT_EQ(registry.revocations_version(), 0U);
    EXPECT_TRUE(registry.revoke(net.revocation(alice)));
    EXPECT_GT(registry.version(), version);
    EXPECT_EQ(registry.revocations_version(), 1U);
    EXPECT_EQ(registry.find(alice.public_key), nullptr);
    EXPECT_EQ(registry.find(ip("10.88.0.2")), nullptr);
    EXPECT_EQ(registry.find_name("alice"), nullptr);
    EXPECT_TRUE(registry.is_revoked(alice.public_key));
    EXPECT_FALSE(registry.address_taken(ip("10.88.0.2")));
    ASSERT_EQ(registry.revocations().size(), 1U);
    EXPECT_EQ(registry.revocations()[0], net.revocation(alice));
    // Nobody by that key any more: nothing to revoke, nothing recorded.
    EXPECT_FALSE(registry.revoke(net.revocation(alice)));
    EXPECT_EQ(registry.revocations_version(), 1U);

    const Certificate gone = net.member("gone", ip("10.88.0.9"));
    registry.restore_revocation(net.revocation(gone));
    EXPECT_TRUE(registry.is_revoked(gone.public_key));
    EXPECT_EQ(registry.revocations_version(), 2U);
    const Revocations page = registry.revocations_page(0);
    EXPECT_EQ(page.entries.size(), 2U);
    EXPECT_EQ(page.pages, 1U);
    EXPECT_EQ(page.version, 2U);
}

TEST(Registry, AllocatesTheLowestFreeHostAddress) {
    const SampleNetwork net;
    Registry registry(net.id, prefix("10.88.0.0/29"));                // hosts .1 to .6
    EXPECT_EQ(registry.allocate_address().value(), ip("10.88.0.1"));  // not the network's .0
    registry.add(net.member("lh", ip("10.88.0.1")));
    registry.add_invite(invite_for(ip("10.88.0.2"), 1000, 1));
    registry.add(net.member("c", ip("10.88.0.4")));
    EXPECT_TRUE(registry.address_taken(ip("10.88.0.2")));
    EXPECT_EQ(registry.allocate_address().value(), ip("10.88.0.3"));
    registry.add(net.member("d", ip("10.88.0.3")));
    EXPECT_EQ(registry.allocate_address().value(), ip("10.88.0.5"));
    registry.add(net.member("e", ip("10.88.0.5")));
    registry.add_invite(invite_for(ip("10.88.0.6"), 1000, 2));
    // .7 is the broadcast address: the range is full.
    const auto full = registry.allocate_address();
    ASSERT_FALSE(full);
    EXPECT_EQ(full.error(),
              "the range 10.88.0.0/29 is full: every host address is held by a member or a "
              "pending invite");
    // An expired invite gives its address back.
    registry.expire_invites(1000);
    EXPECT_EQ(registry.allocate_address().value(), ip("10.88.0.2"));
}

TEST(Registry, AllocatesInIpv6AndInTinyRanges) {
    const SampleNetwork net;
    Registry v6(net.id, prefix("fd00:88::/64"));
    EXPECT_EQ(v6.allocate_address().value(), ip("fd00:88::1"));
    v6.add(net.member("a", ip("fd00:88::1")));
    EXPECT_EQ(v6.allocate_address().value(), ip("fd00:88::2"));

    Registry slash30(net.id, prefix("10.0.0.0/30"));
    slash30.add(net.member("a", ip("10.0.0.1")));
    slash30.add(net.member("b", ip("10.0.0.2")));
    EXPECT_FALSE(slash30.allocate_address());  // neither .0 nor .3

    Registry slash32(net.id, prefix("10.0.0.7/32"));
    EXPECT_EQ(slash32.allocate_address().value(), ip("10.0.0.7"));
    slash32.add(net.member("a", ip("10.0.0.7")));
    EXPECT_FALSE(slash32.allocate_address());
}

TEST(Registry, MembersComeAndGoOnlineWithVersionBumps) {
    const SampleNetwork net;
    Registry registry(net.id, prefix("10.88.0.0/16"));
    const Certificate alice = net.member("alice", ip("10.88.0.2"));
    registry.add(alice);
    const MemberRecord& record = *registry.find(alice.public_key);
    EXPECT_FALSE(registry.online(record, 1000));
    EXPECT_EQ(registry.peer_info(record, 1000).online, false);

    auto version = registry.version();
    EXPECT_TRUE(registry.seen(alice.public_key, socket("198.51.100.1:7000"),
                              {socket("192.168.0.2:7000")}, 1000));
    EXPECT_EQ(registry.version(), version + 1);
    EXPECT_TRUE(registry.online(record, 1000));
    EXPECT_EQ(record.observed, socket("198.51.100.1:7000"));
    EXPECT_EQ(record.candidates.size(), 1U);
    const PeerInfo info = registry.peer_info(record, 1010);
    EXPECT_TRUE(info.online);
    EXPECT_EQ(info.certificate, alice);
    EXPECT_EQ(info.observed, socket("198.51.100.1:7000"));

    // Registering again while online changes nothing anyone sees.
    version = registry.version();
    EXPECT_FALSE(registry.seen(alice.public_key, socket("198.51.100.1:7000"), {}, 1025));
    EXPECT_EQ(registry.version(), version);

    registry.sweep(1025 + kOnlineSeconds - 1);
    EXPECT_EQ(registry.version(), version);
    EXPECT_TRUE(registry.online(record, 1025 + kOnlineSeconds - 1));
    registry.sweep(1025 + kOnlineSeconds);
    EXPECT_EQ(registry.version(), version + 1);
    EXPECT_FALSE(registry.online(record, 1025 + kOnlineSeconds));
    registry.sweep(1025 + kOnlineSeconds + 30);  // still gone: no news
    EXPECT_EQ(registry.version(), version + 1);

    EXPECT_TRUE(registry.seen(alice.public_key, std::nullopt, {}, 2000));
    EXPECT_EQ(registry.version(), version + 2);

    // Strangers are not members.
    const Certificate stranger = net.member("x", ip("10.88.0.50"));
    EXPECT_FALSE(registry.seen(stranger.public_key, std::nullopt, {}, 2000));
    EXPECT_EQ(registry.version(), version + 2);
    EXPECT_EQ(registry.size(), 1U);
}

TEST(Registry, PagesHoldEveryMemberOnceInAddressOrder) {
    const SampleNetwork net;
    Registry registry(net.id, prefix("10.88.0.0/16"));
    const std::size_t count = members_per_page() * 3 + 1;
    for (std::size_t i = count; i > 0; --i) {  // added backwards
        registry.add(net.member("m" + std::to_string(i), ip("10.88.1." + std::to_string(i))));
    }
    registry.seen(registry.find(ip("10.88.1.1"))->certificate.public_key, std::nullopt, {}, 50);

    std::vector<value::IpAddress> listed;
    const Members first = registry.members_page(0, 60);
    EXPECT_EQ(first.pages, 4U);
    EXPECT_EQ(first.version, registry.version());
    EXPECT_TRUE(first.entries.at(0).online);
    EXPECT_EQ(first.entries.at(0).last_seen, 50);
    EXPECT_FALSE(first.entries.at(1).online);
    for (std::uint32_t page = 0; page < first.pages; ++page) {
        const Members m = registry.members_page(page, 60);
        EXPECT_EQ(m.page, page);
        EXPECT_LE(m.entries.size(), members_per_page());
        EXPECT_LE(encode_control(m).size(), kMaxControlMessage);
        for (const auto& entry : m.entries) {
            listed.push_back(entry.certificate.addresses.at(0).address());
        }
    }
    ASSERT_EQ(listed.size(), count);
    EXPECT_TRUE(std::is_sorted(listed.begin(), listed.end()));
    EXPECT_EQ(std::adjacent_find(listed.begin(), listed.end()), listed.end());
    EXPECT_TRUE(registry.members_page(4, 60).entries.empty());

    const auto members = registry.members();
    ASSERT_EQ(members.size(), count);
    EXPECT_EQ(members.front()->certificate.name, "m1");

    Registry empty(net.id, prefix("10.88.0.0/16"));
    EXPECT_EQ(empty.members_page(0, 0).pages, 1U);
    EXPECT_TRUE(empty.members_page(0, 0).entries.empty());
}

TEST(Registry, ExpiredInvitesGoRedeemedOrNot) {
    const SampleNetwork net;
    Registry registry(net.id, prefix("10.88.0.0/16"));
    PendingInvite used = invite_for(ip("10.88.0.5"), 500, 1);
    used.redeemed_by = net.member("a", ip("10.88.0.5")).public_key;
    used.redeemed_at = 200;
    const PendingInvite open = invite_for(ip("10.88.0.6"), 400, 2);
    const PendingInvite later = invite_for(ip("10.88.0.7"), 900, 3);
    registry.add_invite(used);
    registry.add_invite(open);
    registry.add_invite(later);
    ASSERT_NE(registry.find_invite(open.hash), nullptr);
    EXPECT_EQ(registry.find_invite(open.hash)->address, ip("10.88.0.6"));
    ASSERT_NE(registry.find_invite_by_enrollment(later.enrollment_key), nullptr);
    EXPECT_EQ(registry.find_invite_by_enrollment(later.enrollment_key)->hash, later.hash);

    EXPECT_TRUE(registry.expire_invites(399).empty());
    EXPECT_EQ(registry.expire_invites(400), std::vector<value::Key>{open.enrollment_key});
    EXPECT_EQ(registry.find_invite(open.hash), nullptr);
    EXPECT_EQ(registry.expire_invites(600), std::vector<value::Key>{used.enrollment_key});
    ASSERT_EQ(registry.invites().size(), 1U);
    EXPECT_EQ(registry.invites()[0].hash, later.hash);
}

}  // namespace
}  // namespace tulle::mesh

namespace tulle::mesh {
namespace {

// The version is not stored: a registry loaded again starts low, where a member may hold the
// version of the list before the restart. Started from the clock, it is past every old one.
TEST(Registry, VersionsStartFromTheEpochGivenAndNeverGoBack) {
    const SampleNetwork net;
    Registry before(net.id, prefix("10.88.0.0/16"));
    before.start_versions_at(std::uint64_t{1000} << 20U);
    before.add(net.member("alice", ip("10.88.0.2")));
    const std::uint64_t held = before.version();  // what a member fetched

    Registry after(net.id, prefix("10.88.0.0/16"));  // the same list, loaded after a restart
    after.add(net.member("alice", ip("10.88.0.2")));
    after.add(net.member("bob", ip("10.88.0.3")));
    after.start_versions_at(std::uint64_t{1060} << 20U);
    EXPECT_GT(after.version(), held);
    const auto now = after.version();
    after.start_versions_at(5);
    EXPECT_EQ(after.version(), now);
}

}  // namespace
}  // namespace tulle::mesh
