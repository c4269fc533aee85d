#include "app/peer_form.hpp"

#include <array>

#include <QCoreApplication>
#include <sodium.h>

namespace tulle::app {
namespace {

QStringList split_list(const QString& text) {
    QStringList items;
    for (const QString& part : text.split(QLatin1Char(','))) {
        items << part.trimmed();
    }
    if (items.size() == 1 && items.front().isEmpty()) {
        items.clear();
    }
    return items;
}

QString from(const std::string& message) {
    return QString::fromStdString(message);
}

}  // namespace

QString name_error(const QString& name) {
    // The daemon's rule, checked on the UTF-8 the daemon will get: characters, not UTF-16 units.
    const auto checked = value::check_peer_name(name.toStdString());
    if (checked.ok()) {
        return {};
    }
    switch (checked.error()) {
        case value::PeerNameProblem::too_long:
            return QCoreApplication::translate("tulle::app::PeerForm",
                                               "A name may have at most %1 characters.")
                .arg(value::kMaxPeerNameCharacters);
        case value::PeerNameProblem::control_character:
        case value::PeerNameProblem::not_utf8:
            break;
    }
    return QCoreApplication::translate("tulle::app::PeerForm",
                                       "A name cannot contain control characters.");
}

QString public_key_error(const QString& key, const QStringList& taken, const QString& own) {
    const QString text = key.trimmed();
    if (text.isEmpty()) {
        return QCoreApplication::translate("tulle::app::PeerForm",
                                           "Enter the peer's public key (44 characters, from "
                                           "\"wg pubkey\" or the peer's app).");
    }
    auto parsed = value::Key::from_base64(text.toStdString());
    if (!parsed) {
        return from(parsed.error());
    }
    if (parsed->is_zero()) {
        return QCoreApplication::translate("tulle::app::PeerForm",
                                           "An all-zero key is not a public key.");
    }
    if (!own.isEmpty() && text == own) {
        return QCoreApplication::translate("tulle::app::PeerForm",
                                           "This is the tunnel's own public key; enter the "
                                           "peer's.");
    }
    if (taken.contains(text)) {
        return QCoreApplication::translate("tulle::app::PeerForm",
                                           "The tunnel already has a peer with this key.");
    }
    return {};
}

QString endpoint_error(const QString& endpoint) {
    const QString text = endpoint.trimmed();
    if (text.isEmpty()) {
        return {};
    }
    auto parsed = value::Endpoint::parse(text.toStdString());
    if (parsed) {
        return {};
    }
    // The common slip: an IPv6 address without brackets.
    if (text.count(QLatin1Char(':')) > 1 && !text.startsWith(QLatin1Char('['))) {
        return QCoreApplication::translate("tulle::app::PeerForm",
                                           "Put an IPv6 address in brackets: "
                                           "[2001:db8::1]:51820.");
    }
    return from(parsed.error());
}

QString allowed_ips_error(const QString& allowed_ips) {
    const QStringList items = split_list(allowed_ips);
    for (int i = 0; i < items.size(); ++i) {
        if (items[i].isEmpty()) {
            return QCoreApplication::translate("tulle::app::PeerForm",
                                               "Entry %1 is empty; remove the extra comma.")
                .arg(i + 1);
        }
        auto parsed = value::IpPrefix::parse(items[i].toStdString());
        if (!parsed) {
            return QStringLiteral("%1: %2").arg(items[i], from(parsed.error()));
        }
    }
    return {};
}

QString keepalive_error(const QString& keepalive) {
    const QString text = keepalive.trimmed();
    if (text.isEmpty()) {
        return {};
    }
    bool ok = false;
    const uint seconds = text.toUInt(&ok);
    constexpr uint kMax = 65535;
    if (!ok || seconds > kMax) {
        return QCoreApplication::translate("tulle::app::PeerForm",
                                           "Enter seconds from 0 (off) to 65535; 25 keeps most "
                                           "NATs open.");
    }
    return {};
}

QString preshared_key_error(const QString& key) {
    const QString text = key.trimmed();
    if (text.isEmpty()) {
        return {};
    }
    auto parsed = value::SecretKey::from_base64(text.toStdString());
    if (!parsed) {
        return from(parsed.error());
    }
    return {};
}

QString form_error(const PeerForm& form, const QStringList& taken, const QString& own) {
    const std::array<std::pair<QString, QString>, 6> checks{{
        {QCoreApplication::translate("tulle::app::PeerForm", "Name"), name_error(form.name)},
        {QCoreApplication::translate("tulle::app::PeerForm", "Public key"),
         public_key_error(form.public_key, taken, own)},
        {QCoreApplication::translate("tulle::app::PeerForm", "Endpoint"),
         endpoint_error(form.endpoint)},
        {QCoreApplication::translate("tulle::app::PeerForm", "Allowed IPs"),
         allowed_ips_error(form.allowed_ips)},
        {QCoreApplication::translate("tulle::app::PeerForm", "Persistent keepalive"),
         keepalive_error(form.keepalive)},
        {QCoreApplication::translate("tulle::app::PeerForm", "Preshared key"),
         preshared_key_error(form.preshared_key)},
    }};
    for (const auto& [field, error] : checks) {
        if (!error.isEmpty()) {
            return QStringLiteral("%1: %2").arg(field, error);
        }
    }
    return {};
}

ipc::PeerChange to_change(const PeerForm& form) {
    ipc::PeerChange change;
    change.public_key = value::Key::from_base64(form.public_key.trimmed().toStdString()).value();
    change.name = form.name.trimmed().toStdString();
    const QString endpoint = form.endpoint.trimmed();
    change.endpoint = endpoint.isEmpty()
                          ? std::optional<value::Endpoint>()
                          : std::optional<value::Endpoint>(
                                value::Endpoint::parse(endpoint.toStdString()).value());
    std::vector<value::IpPrefix> prefixes;
    for (const QString& item : split_list(form.allowed_ips)) {
        prefixes.push_back(value::IpPrefix::parse(item.toStdString()).value());
    }
    change.allowed_ips = std::move(prefixes);
    change.persistent_keepalive = static_cast<std::uint16_t>(form.keepalive.trimmed().toUInt());
    const QString psk = form.preshared_key.trimmed();
    if (!psk.isEmpty()) {
        std::string text = psk.toStdString();
        change.preshared_key = value::SecretKey::from_base64(text).value();
        sodium_memzero(text.data(), text.size());
    }
    return change;
}

PeerForm form_of(const ipc::PeerStatus& peer) {
    PeerForm form;
    form.name = QString::fromStdString(peer.name);
    form.public_key = QString::fromStdString(peer.public_key.to_base64());
    form.endpoint = peer.endpoint ? QString::fromStdString(peer.endpoint->to_string()) : QString();
    QStringList prefixes;
    for (const auto& prefix : peer.allowed_ips) {
        prefixes << QString::fromStdString(prefix.to_string());
    }
    form.allowed_ips = prefixes.join(QStringLiteral(", "));
    form.keepalive =
        peer.persistent_keepalive == 0 ? QString() : QString::number(peer.persistent_keepalive);
    return form;
}

QString generate_preshared_key() {
    const value::SecretKey key = value::generate_preshared_key();
    std::string text = key.to_base64();
    QString result = QString::fromStdString(text);
    sodium_memzero(text.data(), text.size());
    return result;
}

}  // namespace tulle::app
