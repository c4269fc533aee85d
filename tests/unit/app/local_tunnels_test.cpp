// LocalTunnels against a real Secret Service: ctest runs every test through with_keyring.sh,
// which gives it a fresh gnome-keyring on a private session bus. The tests without a keychain
// run this program again as a child, on a bus without a Secret Service or on none at all.
#include "app/local_tunnels.hpp"

#include <array>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <gtest/gtest.h>

namespace tulle::app {
namespace {

constexpr int kTimeoutMs = 20000;

// Set in the child that runs without a keychain: the folder for its profiles.
constexpr const char* kChildFolder = "TULLE_TEST_FOLDER_WITHOUT_KEYCHAIN";

std::array<std::uint8_t, value::kKeySize> bytes(std::uint8_t first) {
    std::array<std::uint8_t, value::kKeySize> out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
        out.at(i) = static_cast<std::uint8_t>(first + i);
    }
    return out;
}

ipc::TunnelConfig sample() {
    ipc::TunnelConfig config;
    config.iface.private_key = value::SecretKey(bytes(1));
    config.iface.listen_port = 51820;
    config.iface.addresses = {value::IpPrefix::parse("10.8.0.1/24").value(),
                              value::IpPrefix::parse("fd00:8::1/64").value()};
    config.iface.dns_servers = {value::IpAddress::parse("10.8.0.53").value()};
    config.iface.mtu = 1420;

    ipc::PeerConfig laptop;
    laptop.name = "laptop";
    laptop.public_key = value::Key(bytes(40));
    laptop.preshared_key = value::SecretKey(bytes(80));
    laptop.allowed_ips = {value::IpPrefix::parse("10.8.0.2/32").value()};
    laptop.endpoint = value::Endpoint::parse("192.0.2.7:51820").value();
    laptop.persistent_keepalive = 25;

    ipc::PeerConfig phone;
    phone.name = "phone";
    phone.public_key = value::Key(bytes(120));
    phone.allowed_ips = {value::IpPrefix::parse("10.8.0.3/32").value()};
    phone.endpoint = value::Endpoint::parse("vpn.example.com:51821").value();

    config.peers = {laptop, phone};
    return config;
}

// The asynchronous calls, waited for. A result that never comes reads as an error.
QString save(LocalTunnels& tunnels, const QString& name, const ipc::TunnelConfig& config) {
    auto result = std::make_shared<std::optional<QString>>();
    tunnels.save(name, config, [result](const QString& error) { *result = error; });
    if (!QTest::qWaitFor([&] { return result->has_value(); }, kTimeoutMs)) {
        return QStringLiteral("save timed out");
    }
    return **result;
}

QString remove(LocalTunnels& tunnels, const QString& name) {
    auto result = std::make_shared<std::optional<QString>>();
    tunnels.remove(name, [result](const QString& error) { *result = error; });
    if (!QTest::qWaitFor([&] { return result->has_value(); }, kTimeoutMs)) {
        return QStringLiteral("remove timed out");
    }
    return **result;
}

QString rename(LocalTunnels& tunnels, const QString& old_name, const QString& new_name) {
    auto result = std::make_shared<std::optional<QString>>();
    tunnels.rename(old_name, new_name, [result](const QString& error) { *result = error; });
    if (!QTest::qWaitFor([&] { return result->has_value(); }, kTimeoutMs)) {
        return QStringLiteral("rename timed out");
    }
    return **result;
}

struct Loaded {
    std::optional<ipc::TunnelConfig> config;
    QString error;
};

Loaded load(LocalTunnels& tunnels, const QString& name) {
    auto result = std::make_shared<std::optional<Loaded>>();
    tunnels.load(name, [result](std::optional<ipc::TunnelConfig> config, const QString& error) {
        *result = Loaded{std::move(config), error};
    });
    if (!QTest::qWaitFor([&] { return result->has_value(); }, kTimeoutMs)) {
        return {std::nullopt, QStringLiteral("load timed out")};
    }
    return std::move(**result);
}

std::pair<bool, QString> probe(LocalTunnels& tunnels) {
    auto result = std::make_shared<std::optional<std::pair<bool, QString>>>();
    tunnels.probe([result](bool available, const QString& why) { *result = {available, why}; });
    if (!QTest::qWaitFor([&] { return result->has_value(); }, kTimeoutMs)) {
        return {false, QStringLiteral("probe timed out")};
    }
    return **result;
}

QByteArray read(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool write(const QString& path, const QByteArray& text) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

class LocalTunnelsTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_TRUE(dir_.isValid()); }

    // Not created yet: saving creates it.
    [[nodiscard]] QString folder() const { return dir_.filePath(QStringLiteral("tunnels")); }
    [[nodiscard]] QString file(const QString& name) const {
        return folder() + u'/' + name + QStringLiteral(".conf");
    }
    // A service of its own per test, so that tests sharing a keyring cannot meet.
    [[nodiscard]] static QString service() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        return QStringLiteral("Tulle test %1.%2").arg(info->test_suite_name(), info->name());
    }

    QTemporaryDir dir_;
    LocalTunnels tunnels_{folder(), service()};
};

TEST_F(LocalTunnelsTest, ProbeFindsTheKeychain) {
    const auto [available, why] = probe(tunnels_);
    EXPECT_TRUE(available) << why.toStdString();
    EXPECT_TRUE(why.isEmpty());
}

TEST_F(LocalTunnelsTest, RoundTripKeepsEveryField) {
    ASSERT_EQ(save(tunnels_, "wg-home", sample()).toStdString(), "");
    EXPECT_EQ(tunnels_.names(), QStringList{"wg-home"});
    EXPECT_TRUE(tunnels_.exists("wg-home"));

    const Loaded loaded = load(tunnels_, "wg-home");
    ASSERT_TRUE(loaded.config) << loaded.error.toStdString();
    EXPECT_TRUE(loaded.error.isEmpty());
    EXPECT_TRUE(*loaded.config == sample());
    ASSERT_EQ(loaded.config->peers.size(), 2U);
    ASSERT_TRUE(loaded.config->peers[0].preshared_key);
    EXPECT_TRUE(*loaded.config->peers[0].preshared_key == value::SecretKey(bytes(80)));
    EXPECT_FALSE(loaded.config->peers[1].preshared_key);

    // Saving again replaces the profile, secrets included.
    ipc::TunnelConfig changed = sample();
    changed.iface.private_key = value::SecretKey(bytes(7));
    changed.peers.pop_back();
    ASSERT_EQ(save(tunnels_, "wg-home", changed).toStdString(), "");
    const Loaded reloaded = load(tunnels_, "wg-home");
    ASSERT_TRUE(reloaded.config) << reloaded.error.toStdString();
    EXPECT_TRUE(*reloaded.config == changed);
}

TEST_F(LocalTunnelsTest, FileHoldsNoSecretAndOnlyItsOwnerReadsIt) {
    const ipc::TunnelConfig config = sample();
    ASSERT_EQ(save(tunnels_, "wg-home", config).toStdString(), "");
    const QByteArray text = read(file("wg-home"));
    ASSERT_FALSE(text.isEmpty());
    EXPECT_FALSE(text.contains(config.iface.private_key.to_base64().c_str()));
    EXPECT_FALSE(text.contains(config.peers[0].preshared_key->to_base64().c_str()));
    EXPECT_FALSE(text.contains("PrivateKey"));
    EXPECT_FALSE(text.contains("PresharedKey"));
    // The rest is there, in the wg-quick format.
    EXPECT_TRUE(text.contains(config.peers[0].public_key.to_base64().c_str()));
    EXPECT_TRUE(text.contains("Endpoint = vpn.example.com:51821"));

    const QFile::Permissions others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                      QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
    EXPECT_EQ(QFile::permissions(file("wg-home")) & others, QFile::Permissions());
    EXPECT_EQ(QFile::permissions(folder()) & others, QFile::Permissions());
}

TEST_F(LocalTunnelsTest, SecretsAreInTheKeychain) {
    ASSERT_EQ(save(tunnels_, "wg-home", sample()).toStdString(), "");

    // A fresh instance has nothing but the file and the keychain.
    LocalTunnels fresh(folder(), service());
    const Loaded loaded = load(fresh, "wg-home");
    ASSERT_TRUE(loaded.config) << loaded.error.toStdString();
    EXPECT_TRUE(*loaded.config == sample());

    // The keychain's own tool sees one entry for the service.
    const QString tool = QStandardPaths::findExecutable(QStringLiteral("secret-tool"));
    if (tool.isEmpty()) {
        GTEST_SKIP() << "secret-tool (libsecret-tools) is not installed";
    }
    QProcess search;
    search.start(tool, {"search", "--all", "server", service()});
    ASSERT_TRUE(search.waitForFinished(kTimeoutMs));
    const QByteArray found = search.readAllStandardOutput() + search.readAllStandardError();
    EXPECT_EQ(found.count("[/"), 1) << found.toStdString();
    EXPECT_TRUE(found.contains("wg-home")) << found.toStdString();
}

TEST_F(LocalTunnelsTest, MissingKeychainEntryIsAClearError) {
    ASSERT_EQ(save(tunnels_, "wg-home", sample()).toStdString(), "");
    // A copy of the file has no keychain entry of its own.
    ASSERT_TRUE(QFile::copy(file("wg-home"), file("wg-copy")));
    const Loaded loaded = load(tunnels_, "wg-copy");
    EXPECT_FALSE(loaded.config);
    EXPECT_TRUE(loaded.error.contains("The private key of tunnel wg-copy is not in your keychain"))
        << loaded.error.toStdString();
}

TEST_F(LocalTunnelsTest, RemoveTakesTheKeychainEntryAlong) {
    ASSERT_EQ(save(tunnels_, "wg-home", sample()).toStdString(), "");
    const QByteArray text = read(file("wg-home"));
    ASSERT_EQ(remove(tunnels_, "wg-home").toStdString(), "");
    EXPECT_TRUE(tunnels_.names().isEmpty());
    EXPECT_FALSE(QFile::exists(file("wg-home")));
    EXPECT_FALSE(remove(tunnels_, "wg-home").isEmpty());  // nothing left to remove

    // With the file back, the keys are still gone.
    ASSERT_TRUE(write(file("wg-home"), text));
    const Loaded loaded = load(tunnels_, "wg-home");
    EXPECT_FALSE(loaded.config);
    EXPECT_TRUE(loaded.error.contains("not in your keychain")) << loaded.error.toStdString();
}

TEST_F(LocalTunnelsTest, RenameMovesTheKeychainEntry) {
    ASSERT_EQ(save(tunnels_, "wg-home", sample()).toStdString(), "");
    const QByteArray text = read(file("wg-home"));
    ASSERT_EQ(rename(tunnels_, "wg-home", "wg-office").toStdString(), "");
    EXPECT_EQ(tunnels_.names(), QStringList{"wg-office"});

    const Loaded moved = load(tunnels_, "wg-office");
    ASSERT_TRUE(moved.config) << moved.error.toStdString();
    EXPECT_TRUE(*moved.config == sample());

    // The old name's entry is gone.
    ASSERT_TRUE(write(file("wg-home"), text));
    const Loaded old = load(tunnels_, "wg-home");
    EXPECT_FALSE(old.config);
    EXPECT_TRUE(old.error.contains("not in your keychain")) << old.error.toStdString();

    // A taken name is refused, and both stay as they are.
    EXPECT_TRUE(rename(tunnels_, "wg-office", "wg-home").contains("already a tunnel named"));
    EXPECT_TRUE(load(tunnels_, "wg-office").config);
}

TEST_F(LocalTunnelsTest, InvalidNamesAreRefused) {
    for (const QString name : {"", "has space", "sixteen-chars-xx", "..", "a/b", "ünï"}) {
        SCOPED_TRACE(name.toStdString());
        EXPECT_TRUE(save(tunnels_, name, sample()).contains("is not a valid tunnel name"));
        EXPECT_TRUE(load(tunnels_, name).error.contains("is not a valid tunnel name"));
        EXPECT_TRUE(remove(tunnels_, name).contains("is not a valid tunnel name"));
        EXPECT_FALSE(tunnels_.exists(name));
    }
    ASSERT_EQ(save(tunnels_, "wg-home", sample()).toStdString(), "");
    EXPECT_TRUE(rename(tunnels_, "wg-home", "a b").contains("is not a valid tunnel name"));
    EXPECT_EQ(tunnels_.names(), QStringList{"wg-home"});
    EXPECT_EQ(QDir(folder()).entryList(QDir::Files), QStringList{"wg-home.conf"});
}

TEST_F(LocalTunnelsTest, ConfigsThatCannotBeLocalAreRefused) {
    ipc::TunnelConfig no_key = sample();
    no_key.iface.private_key = {};
    EXPECT_TRUE(save(tunnels_, "wg-nokey", no_key).contains("has no private key"));
    ipc::TunnelConfig hooks = sample();
    hooks.iface.post_up = {"echo up"};
    EXPECT_TRUE(save(tunnels_, "wg-hooks", hooks).contains("only system tunnels"));
    EXPECT_TRUE(tunnels_.names().isEmpty());
}

TEST_F(LocalTunnelsTest, FileErrorsNameFileAndLine) {
    ASSERT_TRUE(QDir().mkpath(folder()));
    ASSERT_TRUE(write(file("wg-bad"), "[Interface]\nListenPort = 99999\n"));
    const Loaded bad = load(tunnels_, "wg-bad");
    EXPECT_FALSE(bad.config);
    EXPECT_TRUE(bad.error.contains("wg-bad.conf:2: ListenPort")) << bad.error.toStdString();
    EXPECT_FALSE(bad.error.contains("PrivateKey")) << bad.error.toStdString();

    // A secret written into the file by hand is refused, not quietly used.
    const std::string key = value::SecretKey(bytes(9)).to_base64();
    ASSERT_TRUE(write(file("wg-plain"), QByteArray("[Interface]\nPrivateKey = ") + key.c_str()));
    const Loaded plain = load(tunnels_, "wg-plain");
    EXPECT_FALSE(plain.config);
    EXPECT_TRUE(plain.error.contains("holds a private key in plain text"))
        << plain.error.toStdString();
    EXPECT_FALSE(plain.error.contains(key.c_str()));

    EXPECT_TRUE(load(tunnels_, "wg-none").error.contains("There is no tunnel named wg-none"));
}

// Runs in the child only: no Secret Service can be reached.
class WithoutKeychain : public ::testing::Test {
  public:
    void TestBody() override {
        const QString folder = qEnvironmentVariable(kChildFolder);
        LocalTunnels tunnels(folder, QStringLiteral("Tulle test without keychain"));
        const auto [available, why] = probe(tunnels);
        EXPECT_FALSE(available);
        EXPECT_TRUE(why.startsWith("No keychain is available")) << why.toStdString();
        std::cout << "probe: " << why.toStdString() << "\n";

        const QString error = save(tunnels, "wg-home", sample());
        EXPECT_TRUE(error.contains("was not saved")) << error.toStdString();
        std::cout << "save: " << error.toStdString() << "\n";
        EXPECT_TRUE(tunnels.names().isEmpty());
        EXPECT_TRUE(QDir(folder).isEmpty());
    }
};

// Runs this program again without a keychain and expects its checks to pass.
void run_without_keychain(const QString& bus_address) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), bus_address);
    environment.insert(kChildFolder, dir.path());
    environment.remove(QStringLiteral("DISPLAY"));  // nothing to autolaunch a bus for
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    QProcess child;
    child.setProcessEnvironment(environment);
    child.setProcessChannelMode(QProcess::MergedChannels);
    child.start(QCoreApplication::applicationFilePath(), {"--gtest_filter=WithoutKeychain.*"});
    ASSERT_TRUE(child.waitForFinished(3 * kTimeoutMs));
    const std::string output = child.readAll().toStdString();
    EXPECT_EQ(child.exitStatus(), QProcess::NormalExit) << output;
    EXPECT_EQ(child.exitCode(), 0) << output;
    EXPECT_NE(output.find("[  PASSED  ] 1 test"), std::string::npos) << output;
}

TEST(LocalTunnelsWithoutKeychain, NoSessionBus) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    run_without_keychain(QStringLiteral("unix:path=") + dir.filePath(QStringLiteral("no-bus")));
}

TEST(LocalTunnelsWithoutKeychain, SessionBusWithoutSecretService) {
    // A bus of its own with no service files, so nothing can be started on it.
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString config = dir.filePath(QStringLiteral("bus.conf"));
    const QString text = QStringLiteral(
        "<busconfig><type>session</type><listen>unix:dir=%1</listen><auth>EXTERNAL</auth>"
        "<policy context=\"default\"><allow send_destination=\"*\"/><allow receive_sender=\"*\"/>"
        "<allow own=\"*\"/>"
        "</policy></busconfig>");
    ASSERT_TRUE(write(config, text.arg(dir.path()).toUtf8()));
    QProcess bus;
    bus.start(QStringLiteral("dbus-daemon"),
              {"--nofork", "--print-address", "--config-file=" + config});
    ASSERT_TRUE(bus.waitForStarted(kTimeoutMs)) << bus.errorString().toStdString();
    ASSERT_TRUE(QTest::qWaitFor([&] { return bus.canReadLine(); }, kTimeoutMs));
    const QString address = QString::fromUtf8(bus.readLine()).trimmed();
    run_without_keychain(address);
    bus.terminate();
    bus.waitForFinished(kTimeoutMs);
}

}  // namespace
}  // namespace tulle::app

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    const QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsSet(tulle::app::kChildFolder)) {
        ::testing::RegisterTest(
            "WithoutKeychain", "ProbeFailsAndSaveWritesNothing", nullptr, nullptr, __FILE__,
            __LINE__, []() -> ::testing::Test* { return new tulle::app::WithoutKeychain; });
    }
    return RUN_ALL_TESTS();
}
