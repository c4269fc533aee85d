// The peer editor's checks, table-driven: what is accepted, and that each refusal says why.
#include "app/peer_form.hpp"

#include <string>

#include <gtest/gtest.h>

#include "app/format.hpp"

namespace tulle::app {
namespace {

const QString kKey = QStringLiteral("xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=");
const QString kOtherKey = QStringLiteral("HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=");

struct Case {
    const char* input;
    const char* error_contains;  // empty: accepted
};

void expect_cases(const std::vector<Case>& cases, QString (*check)(const QString&),
                  const char* field) {
    for (const auto& c : cases) {
        const QString error = check(QString::fromUtf8(c.input));
        if (std::string(c.error_contains).empty()) {
            EXPECT_TRUE(error.isEmpty())
                << field << " '" << c.input << "': " << error.toStdString();
        } else {
            EXPECT_TRUE(error.contains(QString::fromUtf8(c.error_contains), Qt::CaseInsensitive))
                << field << " '" << c.input << "' gave '" << error.toStdString() << "', expected '"
                << c.error_contains << "'";
        }
    }
}

TEST(PeerForm, PublicKeys) {
    expect_cases(
        {
            {"xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=", ""},
            {"  xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=  ", ""},
            {"", "public key"},
            {"xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg", "44"},
            {"xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg==", "44"},
            {"xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8D!=", "base64"},
            {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "all-zero"},
        },
        [](const QString& text) { return public_key_error(text); }, "public key");
}

TEST(PeerForm, AKeyAlreadyUsedOrTheTunnelsOwnIsRefused) {
    EXPECT_TRUE(public_key_error(kKey, {kKey}).contains(QStringLiteral("already")));
    EXPECT_TRUE(public_key_error(kKey, {}, kKey).contains(QStringLiteral("own")));
    EXPECT_TRUE(public_key_error(kKey, {kOtherKey}, kOtherKey + QStringLiteral("x")).isEmpty());
}

TEST(PeerForm, Endpoints) {
    expect_cases(
        {
            {"", ""},
            {"192.0.2.1:51820", ""},
            {"[2001:db8::1]:51820", ""},
            {"vpn.example.com:51820", ""},
            {"2001:db8::1:51820", "brackets"},
            {"192.0.2.1", "port"},
            {"192.0.2.1:0", "port"},
            {"192.0.2.1:65536", "port"},
            {"bad host!:51820", "host"},
            {"[2001:db8::1]", "port"},
        },
        [](const QString& text) { return endpoint_error(text); }, "endpoint");
}

TEST(PeerForm, AllowedIps) {
    expect_cases(
        {
            {"", ""},
            {"10.0.0.2/32", ""},
            {"10.0.0.2/32, fd00::2/128", ""},
            {"0.0.0.0/0,::/0", ""},
            {"10.0.0.2", ""},
            {"10.0.0.0/33", "33"},
            {"fd00::/129", "129"},
            {"10.0.0.2/32,", "empty"},
            {"10.0.0.2/32,,10.0.0.3/32", "entry 2"},
            {"10.0.0.300/32", "10.0.0.300"},
            {"banana", "banana"},
        },
        [](const QString& text) { return allowed_ips_error(text); }, "allowed IPs");
}

TEST(PeerForm, KeepaliveAndName) {
    expect_cases(
        {{"", ""},
         {"0", ""},
         {"25", ""},
         {"65535", ""},
         {"65536", "65535"},
         {"-1", "65535"},
         {"soon", "65535"}},
        [](const QString& text) { return keepalive_error(text); }, "keepalive");
    expect_cases(
        {{"", ""}, {"laptop", ""}, {"Café ☕", ""}, {"a\nb", "control"}},
        [](const QString& text) { return name_error(text); }, "name");
    EXPECT_FALSE(name_error(QString(65, QLatin1Char('x'))).isEmpty());
    // The daemon's rule counts characters: 30 Chinese characters pass (90 bytes of UTF-8), and
    // 64 emoji (128 UTF-16 units) too; 65 of either do not.
    EXPECT_TRUE(name_error(QString(30, QChar(0x529E))).isEmpty());
    EXPECT_TRUE(name_error(QString::fromUcs4(std::u32string(64, U'\U0001F408').c_str())).isEmpty());
    EXPECT_FALSE(name_error(QString(65, QChar(0x529E))).isEmpty());
}

TEST(PeerForm, PresharedKeys) {
    EXPECT_TRUE(preshared_key_error({}).isEmpty());
    EXPECT_TRUE(preshared_key_error(generate_preshared_key()).isEmpty());
    EXPECT_FALSE(preshared_key_error(QStringLiteral("short=")).isEmpty());
    // The message never repeats a secret.
    const QString bad = QStringLiteral("xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8D!=");
    EXPECT_FALSE(preshared_key_error(bad).contains(bad));
    EXPECT_NE(generate_preshared_key(), generate_preshared_key());
}

TEST(PeerForm, TheFormNamesTheFirstBadFieldAndConvertsWhenGood) {
    PeerForm form;
    form.name = QStringLiteral("phone");
    form.public_key = kKey;
    form.endpoint = QStringLiteral("[2001:db8::1]:51820");
    form.allowed_ips = QStringLiteral("10.0.0.2/32, fd00::2/128");
    form.keepalive = QStringLiteral("25");
    EXPECT_TRUE(form_error(form).isEmpty()) << form_error(form).toStdString();
    const ipc::PeerChange change = to_change(form);
    EXPECT_EQ(change.public_key.to_base64(), kKey.toStdString());
    EXPECT_EQ(change.name, "phone");
    ASSERT_TRUE(change.endpoint && *change.endpoint);
    EXPECT_EQ((*change.endpoint)->to_string(), "[2001:db8::1]:51820");
    ASSERT_TRUE(change.allowed_ips);
    EXPECT_EQ(change.allowed_ips->size(), 2U);
    EXPECT_EQ(change.persistent_keepalive, 25);
    EXPECT_FALSE(change.preshared_key) << "an empty field keeps the peer's key";

    form.allowed_ips = QStringLiteral("10.0.0.2/40");
    EXPECT_TRUE(form_error(form).startsWith(QStringLiteral("Allowed IPs:")))
        << form_error(form).toStdString();
    form.allowed_ips.clear();
    form.endpoint.clear();
    const ipc::PeerChange cleared = to_change(form);
    ASSERT_TRUE(cleared.endpoint);
    EXPECT_FALSE(*cleared.endpoint) << "an empty endpoint forgets the old one";
}

TEST(PeerForm, AnExistingPeerFillsTheFormWithoutItsSecret) {
    ipc::PeerStatus peer;
    peer.public_key = value::Key::from_base64(kKey.toStdString()).value();
    peer.name = "nas";
    peer.endpoint = value::Endpoint::parse("192.0.2.7:51820").value();
    peer.allowed_ips = {value::IpPrefix::parse("10.0.0.7/32").value()};
    peer.persistent_keepalive = 15;
    peer.has_preshared_key = true;
    const PeerForm form = form_of(peer);
    EXPECT_EQ(form.name, QStringLiteral("nas"));
    EXPECT_EQ(form.endpoint, QStringLiteral("192.0.2.7:51820"));
    EXPECT_EQ(form.allowed_ips, QStringLiteral("10.0.0.7/32"));
    EXPECT_EQ(form.keepalive, QStringLiteral("15"));
    EXPECT_TRUE(form.preshared_key.isEmpty());
}

TEST(Format, SizesRatesAndAges) {
    EXPECT_EQ(format_bytes(0), QStringLiteral("0 B"));
    EXPECT_EQ(format_bytes(1023), QStringLiteral("1023 B"));
    EXPECT_EQ(format_bytes(1536), QStringLiteral("1.50 KiB"));
    EXPECT_EQ(format_bytes(12ULL * 1024 * 1024 + 300ULL * 1024), QStringLiteral("12.3 MiB"));
    EXPECT_EQ(format_rate(2048), QStringLiteral("2.00 KiB/s"));
    EXPECT_EQ(format_rate(-5), QStringLiteral("0 B/s"));
    EXPECT_EQ(format_age(0, 1000), QStringLiteral("never"));
    EXPECT_EQ(format_age(1000, 1000), QStringLiteral("now"));
    EXPECT_EQ(format_age(988, 1000), QStringLiteral("12 s ago"));
    EXPECT_EQ(format_age(1000, 1185), QStringLiteral("3 min 5 s ago"));
    EXPECT_EQ(format_age(0 + 1, 1 + 7440), QStringLiteral("2 h 4 min ago"));
    EXPECT_EQ(rate_scale(500).unit, QStringLiteral("B/s"));
    EXPECT_EQ(rate_scale(5000).unit, QStringLiteral("KiB/s"));
    EXPECT_DOUBLE_EQ(rate_scale(5.0 * 1024 * 1024).divisor, 1024.0 * 1024);
}

}  // namespace
}  // namespace tulle::app
