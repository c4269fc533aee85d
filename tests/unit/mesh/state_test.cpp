#include "mesh/state.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <signal.h>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "tests/unit/mesh/mesh_samples.hpp"

namespace tulle::mesh {
namespace {

namespace fs = std::filesystem;
using testing::ip;
using testing::SampleNetwork;
using testing::socket;

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}
void write_text(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

class StateTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("tulle-state-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    [[nodiscard]] std::string path(const std::string& name) const { return (dir_ / name).string(); }
    [[nodiscard]] std::vector<std::string> files() const {
        std::vector<std::string> out;
        for (const auto& entry : fs::directory_iterator(dir_)) {
            out.push_back(entry.path().filename().string());
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    // What every node of the network keeps.
    NetworkState node(NetworkRole role) const {
        NetworkState s;
        s.role = role;
        s.name = "home";
        s.id = net_.id;
        s.network_key = net_.key.public_key();
        s.private_key = value::generate_private_key();
        s.range = value::IpPrefix::parse("10.88.0.0/16").value();
        return s;
    }

    NetworkState lighthouse() const {
        NetworkState s = node(NetworkRole::lighthouse);
        s.signing_key = net_.key;
        s.listen_port = 51820;
        s.endpoints = {value::Endpoint::parse("vpn.example.net:51820").value(),
                       value::Endpoint::parse("[2001:db8::1]:51820").value()};
        s.certificate = net_.member("lh", ip("10.88.0.1"), 1, kRoleLighthouse);
        Registry registry(s.id, s.range);
        registry.add(*s.certificate);
        const Certificate alice = net_.member("alice", ip("10.88.0.2"), 2);
        const Certificate bob = net_.member("bob", ip("10.88.0.3"), 3);
        registry.add(alice);
        registry.add(bob);
        registry.seen(alice.public_key, socket("198.51.100.4:40000"),
                      {socket("192.168.1.4:40000"), socket("[2001:db8::4]:40000")}, 1'700'000'000);
        const Certificate carol = net_.member("carol", ip("10.88.0.4"), 4);
        registry.add(carol);
        registry.revoke(net_.revocation(carol));
        PendingInvite invite;
        invite.hash.fill(0xab);
        invite.enrollment_key = value::public_key_of(value::generate_private_key()).value();
        invite.name = "dave";
        invite.address = ip("10.88.0.5");
        invite.expires = 1'700'086'400;
        registry.add_invite(invite);
        invite.hash.fill(0xcd);
        invite.name = "";
        invite.address = ip("10.88.0.6");
        invite.redeemed_by = bob.public_key;
        invite.redeemed_at = 1'700'000'100;
        registry.add_invite(invite);
        registry.set_last_serial(4);
        s.registry = std::move(registry);
        return s;
    }

    NetworkState member() const {
        NetworkState s = node(NetworkRole::member);
        s.endpoints = {value::Endpoint::parse("192.0.2.1:51820").value()};
        s.certificate = net_.member("laptop", ip("10.88.0.7"), 7);
        s.lighthouse = net_.member("lh", ip("10.88.0.1"), 1, kRoleLighthouse);
        s.joining = Joining{.invite = InviteId{9, 8, 7},
                            .enrollment_key = value::generate_private_key(),
                            .name = "laptop",
                            .address = ip("10.88.0.7"),
                            .expires = 1'700'086'400,
                            .lighthouse_key = value::Key(std::array<std::uint8_t, 32>{4, 2}),
                            .lighthouse_address = ip("10.88.0.1")};
        s.peers = {KnownPeer{.certificate = net_.member("alice", ip("10.88.0.2")),
                             .endpoint = socket("[2001:db8::4]:40000")},
                   KnownPeer{.certificate = net_.member("bob", ip("10.88.0.3")), .endpoint = {}}};
        s.revocations = {net_.revocation(net_.member("carol", ip("10.88.0.4")))};
        return s;
    }

    // Saved, loaded, and saved again to the same text: what was loaded.
    NetworkState round_trip(const NetworkState& saved) const {
        EXPECT_EQ(save_network(saved, path("home.json")), std::nullopt);
        auto loaded = load_network(path("home.json"));
        EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error());
        NetworkState out = std::move(loaded).value();  // throws if it did not load: a failure
        EXPECT_EQ(save_network(out, path("again.json")), std::nullopt);
        EXPECT_EQ(read_text(path("again.json")), read_text(path("home.json")));
        return out;
    }

    SampleNetwork net_;
    fs::path dir_;
};

TEST_F(StateTest, ALighthouseComesBackWhole) {
    const NetworkState saved = lighthouse();
    const NetworkState loaded = round_trip(saved);
    EXPECT_EQ(loaded.role, NetworkRole::lighthouse);
    EXPECT_EQ(loaded.name, "home");
    EXPECT_EQ(loaded.id, saved.id);
    EXPECT_EQ(loaded.network_key, saved.network_key);
    ASSERT_TRUE(loaded.signing_key);
    EXPECT_EQ(loaded.signing_key->seed(), saved.signing_key->seed());
    EXPECT_EQ(loaded.private_key, saved.private_key);
    EXPECT_EQ(loaded.listen_port, 51820);
    EXPECT_EQ(loaded.range, saved.range);
    EXPECT_EQ(loaded.endpoints, saved.endpoints);
    EXPECT_EQ(loaded.certificate, saved.certificate);

    ASSERT_TRUE(loaded.registry);
    const Registry& r = *loaded.registry;
    const Registry& o = *saved.registry;
    EXPECT_EQ(r.network(), o.network());
    EXPECT_EQ(r.range(), o.range());
    EXPECT_EQ(r.last_serial(), 4U);
    ASSERT_EQ(r.size(), 3U);
    const auto members = r.members();
    const auto originals = o.members();
    for (std::size_t i = 0; i < members.size(); ++i) {
        EXPECT_EQ(members[i]->certificate, originals[i]->certificate);
        EXPECT_EQ(members[i]->observed, originals[i]->observed);
        EXPECT_EQ(members[i]->candidates, originals[i]->candidates);
        EXPECT_EQ(members[i]->last_seen, originals[i]->last_seen);
    }
    EXPECT_EQ(r.find_name("alice")->last_seen, 1'700'000'000);
    EXPECT_EQ(r.revocations(), o.revocations());
    EXPECT_TRUE(r.is_revoked(o.revocations()[0].public_key));
    ASSERT_EQ(r.invites().size(), 2U);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(r.invites()[i].hash, o.invites()[i].hash);
        EXPECT_EQ(r.invites()[i].enrollment_key, o.invites()[i].enrollment_key);
        EXPECT_EQ(r.invites()[i].name, o.invites()[i].name);
        EXPECT_EQ(r.invites()[i].address, o.invites()[i].address);
        EXPECT_EQ(r.invites()[i].expires, o.invites()[i].expires);
        EXPECT_EQ(r.invites()[i].redeemed_by, o.invites()[i].redeemed_by);
        EXPECT_EQ(r.invites()[i].redeemed_at, o.invites()[i].redeemed_at);
    }
}

TEST_F(StateTest, AMemberComesBackWhole) {
    const NetworkState saved = member();
    const NetworkState loaded = round_trip(saved);
    EXPECT_EQ(loaded.role, NetworkRole::member);
    EXPECT_FALSE(loaded.signing_key);
    EXPECT_FALSE(loaded.registry);
    EXPECT_EQ(loaded.listen_port, 0);
    EXPECT_EQ(loaded.certificate, saved.certificate);
    EXPECT_EQ(loaded.lighthouse, saved.lighthouse);
    ASSERT_TRUE(loaded.joining);
    EXPECT_EQ(loaded.joining->invite, saved.joining->invite);
    EXPECT_EQ(loaded.joining->enrollment_key, saved.joining->enrollment_key);
    EXPECT_EQ(loaded.joining->name, "laptop");
    EXPECT_EQ(loaded.joining->address, ip("10.88.0.7"));
    EXPECT_EQ(loaded.joining->expires, 1'700'086'400);
    EXPECT_EQ(loaded.joining->lighthouse_key, saved.joining->lighthouse_key);
    EXPECT_EQ(loaded.joining->lighthouse_address, ip("10.88.0.1"));
    ASSERT_EQ(loaded.peers.size(), 2U);
    EXPECT_EQ(loaded.peers[0].certificate, saved.peers[0].certificate);
    EXPECT_EQ(loaded.peers[0].endpoint, socket("[2001:db8::4]:40000"));
    EXPECT_EQ(loaded.peers[1].endpoint, std::nullopt);
    EXPECT_EQ(loaded.revocations, saved.revocations);
}

TEST_F(StateTest, TheFileIsTheOwnersAlone) {
    // The mode is set, not left to the umask (which would make this one 0400).
    const mode_t old_umask = ::umask(0277);
    const auto saved = save_network(member(), path("home.json"));
    ::umask(old_umask);
    ASSERT_EQ(saved, std::nullopt);
    struct stat st {};
    ASSERT_EQ(::stat(path("home.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600U);
    // Replacing it keeps the mode, and leaves no temporary file.
    ASSERT_EQ(save_network(lighthouse(), path("home.json")), std::nullopt);
    ASSERT_EQ(::stat(path("home.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600U);
    EXPECT_EQ(files(), std::vector<std::string>{"home.json"});
}

TEST_F(StateTest, AFailedSaveLeavesTheOldFileWhole) {
    ASSERT_EQ(save_network(member(), path("home.json")), std::nullopt);
    const std::string before = read_text(path("home.json"));

    // A full disk: writes past 100 bytes fail (EFBIG), as they would with no space left.
    struct rlimit old {};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
    const auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old;
    small.rlim_cur = 100;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    const auto error = save_network(lighthouse(), path("home.json"));
    ::setrlimit(RLIMIT_FSIZE, &old);
    ::signal(SIGXFSZ, old_handler);
    ASSERT_TRUE(error);
    EXPECT_NE(error->find("cannot write " + path("home.json") + ".tmp-"), std::string::npos)
        << *error;
    EXPECT_EQ(read_text(path("home.json")), before);
    EXPECT_EQ(files(), std::vector<std::string>{"home.json"});  // the temporary file is gone
    EXPECT_TRUE(load_network(path("home.json")));

    // A folder that is not there.
    const auto missing = save_network(member(), path("gone/home.json"));
    ASSERT_TRUE(missing);
    EXPECT_NE(missing->find("cannot create " + path("gone/home.json") + ".tmp-"), std::string::npos)
        << *missing;
    EXPECT_NE(missing->find("No such file or directory"), std::string::npos);
    EXPECT_EQ(files(), std::vector<std::string>{"home.json"});
}

TEST_F(StateTest, ADamagedFileNamesTheFieldAtFault) {
    ASSERT_EQ(save_network(lighthouse(), path("home.json")), std::nullopt);
    const std::string good = read_text(path("home.json"));
    const auto fails_with = [&](const std::string& text, const std::string& expected) {
        write_text(path("bad.json"), text);
        const auto loaded = load_network(path("bad.json"));
        ASSERT_FALSE(loaded) << expected;
        EXPECT_EQ(loaded.error().rfind(path("bad.json") + ": ", 0), 0U) << loaded.error();
        EXPECT_NE(loaded.error().find(expected), std::string::npos) << loaded.error();
    };
    const auto replaced = [&good](const std::string& from, const std::string& to) {
        std::string text = good;
        const std::size_t at = text.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        return text.replace(at, from.size(), to);
    };
    fails_with(replaced("\"certificate\": \"", "\"certificate\": \"zz"), "certificate ");
    // The first member's certificate: find it after "members".
    std::string text = good;
    const std::size_t members = text.find("\"members\"");
    const std::size_t cert = text.find("\"certificate\": \"", members);
    text.insert(cert + 16, "00");
    fails_with(text, "registry.members[0].certificate ");
    fails_with(replaced("\"role\": \"lighthouse\"", "\"role\": \"boss\""),
               "role is neither \"lighthouse\" nor \"member\"");
    fails_with(replaced("\"listen_port\": 51820", "\"listen_port\": 70000"),
               "listen_port is larger than 65535");
    fails_with(replaced("\"listen_port\": 51820", "\"listen_port\": \"x\""),
               "listen_port is not a non-negative integer");
    fails_with(replaced("\"range\": \"10.88.0.0/16\"", "\"range\": \"10.88.0.0/33\""), "range ");
    fails_with(replaced("\"last_serial\"", "\"lost_serial\""), "registry.last_serial is missing");
    fails_with(replaced("\"format\": 1", "\"format\": 2"), "format is 2");

    // A broken private key is named, never quoted.
    const std::size_t at = good.find("\"private_key\": \"") + 16;
    const std::string stored = good.substr(at, 44);
    std::string bad_key = good;
    bad_key.replace(at, 44, stored.substr(0, 40) + "!!!=");
    write_text(path("bad.json"), bad_key);
    auto loaded = load_network(path("bad.json"));
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.error().find("private_key "), std::string::npos) << loaded.error();
    EXPECT_EQ(loaded.error().find(stored.substr(0, 8)), std::string::npos) << loaded.error();

    // Not JSON at all: the line, and no text of the file.
    std::string broken = good;
    broken.insert(good.find("\"private_key\""), "{");
    write_text(path("bad.json"), broken);
    loaded = load_network(path("bad.json"));
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.error().find("not valid JSON (line "), std::string::npos) << loaded.error();
    EXPECT_EQ(loaded.error().find(stored.substr(0, 8)), std::string::npos) << loaded.error();

    const auto absent = load_network(path("absent.json"));
    ASSERT_FALSE(absent);
    EXPECT_NE(absent.error().find(path("absent.json")), std::string::npos);
}

TEST_F(StateTest, NetworkFilesAreTheJsonFilesByName) {
    write_text(path("b.json"), "{}");
    write_text(path("a.json"), "{}");
    write_text(path("a.json.tmp-0011"), "{}");
    write_text(path("notes.txt"), "");
    fs::create_directory(path("dir.json"));
    EXPECT_EQ(network_files(dir_.string()),
              (std::vector<std::string>{path("a.json"), path("b.json")}));
    EXPECT_TRUE(network_files(path("missing")).empty());
}

}  // namespace
}  // namespace tulle::mesh
