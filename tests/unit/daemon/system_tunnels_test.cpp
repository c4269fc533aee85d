// System tunnels and configuration files whose owner decides what they may do: read once through
// one descriptor, refused when a link, not regular, too large, or not root's alone.
#include "daemon/system_tunnels.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "daemon/config_file.hpp"
#include "value/key.hpp"

namespace tulle::daemon {
namespace {

namespace fs = std::filesystem;

class SystemTunnelsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "tulle-system-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { fs::remove_all(dir_); }

    void write(const std::string& file, const std::string& text, mode_t mode = 0600) const {
        const std::string path = dir_ + "/" + file;
        std::ofstream(path, std::ios::binary) << text;
        ::chmod(path.c_str(), mode);
    }

    static std::string config_text() {
        return "[Interface]\nPrivateKey = " + value::generate_private_key().to_base64() +
               "\nPostUp = true\n\n[Peer]\nPublicKey = "
               "Q2TYThaGV2DI6vUTlcfba5E41BhU4t7pVWMPbTho7QA=\nAllowedIPs = 10.0.0.2/32\n";
    }

    static bool root() { return ::geteuid() == 0; }

    std::string dir_;
};

TEST_F(SystemTunnelsTest, ReadsARegularFileWithItsOwnership) {
    write("a.conf", "hello", 0644);
    const auto file = read_config_file(dir_ + "/a.conf");
    ASSERT_TRUE(file.ok()) << file.error();
    EXPECT_EQ(file->text, "hello");
    EXPECT_EQ(file->owned_by_root, ::geteuid() == 0);
    EXPECT_FALSE(file->writable_by_others);
    EXPECT_FALSE(file->private_to_owner);
    write("b.conf", "x", 0620);
    EXPECT_TRUE(read_config_file(dir_ + "/b.conf")->writable_by_others);
    EXPECT_FALSE(hooks_allowed(*read_config_file(dir_ + "/b.conf")).ok());
}

TEST_F(SystemTunnelsTest, RefusesLinksFoldersDevicesAndLargeFiles) {
    write("target.conf", "x");
    fs::create_symlink(dir_ + "/target.conf", dir_ + "/link.conf");
    const auto link = read_config_file(dir_ + "/link.conf");
    ASSERT_FALSE(link.ok());
    EXPECT_NE(link.error().find("symbolic link"), std::string::npos) << link.error();
    EXPECT_NE(read_config_file(dir_).error().find("not a regular file"), std::string::npos);
    EXPECT_NE(read_config_file("/dev/zero").error().find("not a regular file"), std::string::npos);
    write("big.conf", std::string(kMaxConfigFileSize + 1, '#'));
    EXPECT_NE(read_config_file(dir_ + "/big.conf").error().find("larger than 1 MiB"),
              std::string::npos);
    EXPECT_NE(read_config_file(dir_ + "/none.conf").error().find("No such file"),
              std::string::npos);
}

// #15 item 1: whoever may change a folder above the file may swap a root-owned file for their
// own between reads, so hooks are only taken when every folder from / down is root's alone.
TEST_F(SystemTunnelsTest, HooksOnlyFromFoldersNobodyElseMayChange) {
    if (!root()) {
        GTEST_SKIP() << "needs root to make folders owned by others";
    }
    const auto hooks_in = [&](const std::string& folder, mode_t mode, uid_t owner) {
        const std::string path = dir_ + "/" + folder;
        fs::create_directory(path);
        EXPECT_EQ(::chown(path.c_str(), owner, 0), 0);
        EXPECT_EQ(::chmod(path.c_str(), mode), 0);
        write(folder + "/wg0.conf", config_text());
        auto file = read_config_file(path + "/wg0.conf");
        EXPECT_TRUE(file.ok()) << file.error();
        return file.ok() ? hooks_allowed(*file) : value::Result<void>(value::fail(file.error()));
    };
    EXPECT_TRUE(hooks_in("root-only", 0755, 0).ok());
    EXPECT_TRUE(hooks_in("sticky", 01777, 0).ok());  // as /tmp: others can't swap root's file
    const auto user_owned = hooks_in("user", 0755, 65534);
    ASSERT_FALSE(user_owned.ok());
    EXPECT_NE(user_owned.error().find(dir_ + "/user (owned by uid 65534)"), std::string::npos)
        << user_owned.error();
    const auto world = hooks_in("world", 0777, 0);
    ASSERT_FALSE(world.ok());
    EXPECT_NE(world.error().find("writable by everyone"), std::string::npos) << world.error();
    // A folder deeper down does not make up for one above it.
    fs::create_directory(dir_ + "/user/inner");
    write("user/inner/wg1.conf", config_text());
    const auto deep = read_config_file(dir_ + "/user/inner/wg1.conf");
    ASSERT_TRUE(deep.ok()) << deep.error();
    EXPECT_FALSE(hooks_allowed(*deep).ok());
    // Relative paths are walked from / too.
    const auto here = fs::current_path();
    fs::current_path(dir_ + "/user");
    const auto relative = read_config_file("wg0.conf");
    fs::current_path(here);
    ASSERT_TRUE(relative.ok()) << relative.error();
    EXPECT_FALSE(relative->unsafe_folder.empty());
}

TEST_F(SystemTunnelsTest, ListsOnlyFilesNamedAsTunnels) {
    write("wg0.conf", "");
    write("office.conf", "");
    write("-x.conf", "");
    write("has space.conf", "");
    write("notes.txt", "");
    EXPECT_EQ(SystemTunnels(dir_).names(), (std::vector<std::string>{"office", "wg0"}));
    EXPECT_TRUE(SystemTunnels(dir_ + "/missing").names().empty());
}

TEST_F(SystemTunnelsTest, SavesRootsAloneAndReadsBackWithTheMarker) {
    if (!root()) {
        GTEST_SKIP() << "system tunnels must be owned by root; run as root to test them";
    }
    const SystemTunnels systems(dir_ + "/etc");
    auto parsed = ipc::parse_config(config_text(), "t", true);
    ASSERT_TRUE(parsed.ok());
    ASSERT_TRUE(systems.save("home", *parsed, true, 1000).ok());
    struct stat info {};
    ASSERT_EQ(::stat(systems.path("home").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
    ASSERT_EQ(::stat(systems.directory().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0700U);
    EXPECT_TRUE(systems.autostart("home"));
    const auto entry = systems.read("home");
    ASSERT_TRUE(entry.ok()) << entry.error().message;
    EXPECT_TRUE(entry->autostart);
    EXPECT_EQ(entry->saved_by, 1000U);
    EXPECT_EQ(entry->config.iface.private_key, parsed->iface.private_key);
    EXPECT_EQ(entry->config.iface.post_up, std::vector<std::string>{"true"});  // root's: hooks

    ASSERT_TRUE(systems.save("home", *parsed, false, 0).ok());
    EXPECT_FALSE(systems.autostart("home"));
    EXPECT_EQ(systems.read("home")->saved_by, 0U);
    // A file written by hand has no saved-by line: it is root's.
    write("etc/hand.conf", config_text());
    EXPECT_EQ(systems.read("hand")->saved_by, 0U);
    EXPECT_FALSE(fs::exists(systems.path("home") + ".tmp"));
}

TEST_F(SystemTunnelsTest, RefusesFilesThatAreNotRootsAlone) {
    if (!root()) {
        GTEST_SKIP() << "system tunnels must be owned by root; run as root to test them";
    }
    const SystemTunnels systems(dir_);
    write("open.conf", config_text(), 0644);
    const auto open = systems.read("open");
    ASSERT_FALSE(open.ok());
    EXPECT_EQ(open.error().code, ipc::ErrorCode::permission_denied);
    EXPECT_NE(open.error().message.find("mode 0600"), std::string::npos);

    write("theirs.conf", config_text());
    ASSERT_EQ(::chown((dir_ + "/theirs.conf").c_str(), 65534, 65534), 0);
    EXPECT_EQ(systems.read("theirs").error().code, ipc::ErrorCode::permission_denied);

    // A link to root's own file is refused too: the folder's owner could swap it.
    write("real.conf", config_text());
    fs::create_symlink(dir_ + "/real.conf", dir_ + "/swapped.conf");
    EXPECT_EQ(systems.read("swapped").error().code, ipc::ErrorCode::permission_denied);
    EXPECT_EQ(systems.read("missing").error().code, ipc::ErrorCode::not_found);
}

}  // namespace
}  // namespace tulle::daemon
