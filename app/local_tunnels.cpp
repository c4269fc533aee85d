#include "app/local_tunnels.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QSaveFile>
#include <QStandardPaths>
#include <qt6keychain/keychain.h>

#include "ipc/messages.hpp"
#include "value/ip.hpp"
#include "value/key.hpp"
#include "value/text.hpp"

namespace tulle::app {
namespace {

// The keychain entry of a profile, as binary data: a format byte, the interface's private key,
// then one record per peer that has a preshared key: the peer's public key and its preshared key.
constexpr char kEntryFormat = 1;
constexpr qsizetype kHeaderSize = 1 + static_cast<qsizetype>(value::kKeySize);
constexpr qsizetype kRecordSize = 2 * static_cast<qsizetype>(value::kKeySize);

// A profile file is small; anything larger is not one.
constexpr qint64 kMaxFileSize = qint64{1} << 20;

// Not a valid tunnel name (it has spaces), so it is never the key of a profile's entry.
const QString kProbeKey = QStringLiteral("keychain probe");

// Stands in for the private key while a file is parsed: not a secret, replaced at once.
constexpr std::string_view kPlaceholderKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

constexpr std::string_view kFileHeader =
    "# A Tulle tunnel. Its private key and preshared keys are kept in your keychain.\n";

std::span<std::uint8_t> writable_bytes(std::string& text) {
    return {reinterpret_cast<std::uint8_t*>(text.data()), text.size()};
}

// Zeroes the bytes in place, in every implicitly shared copy at once: call it only when no
// holder needs them any more.
void wipe(QByteArray& bytes) {
    if (!bytes.isEmpty()) {
        // Through constData() on purpose: data() would detach and zero a copy instead.
        auto* data = reinterpret_cast<std::uint8_t*>(const_cast<char*>(bytes.constData()));
        value::secure_zero({data, static_cast<std::size_t>(bytes.size())});
    }
    bytes.clear();
}

using Secret = std::shared_ptr<const QByteArray>;

// Bytes that are zeroed when the last holder lets go of them.
Secret make_secret(QByteArray bytes) {
    return {new QByteArray(std::move(bytes)), [](const QByteArray* held) {
                QByteArray last = *held;
                delete held;
                wipe(last);
            }};
}

// A deep copy, so that wiping one never touches the other.
QByteArray unshared(const QByteArray& bytes) {
    return {bytes.constData(), bytes.size()};
}

void append_key(QByteArray& out, const std::array<std::uint8_t, value::kKeySize>& key) {
    out.append(reinterpret_cast<const char*>(key.data()), static_cast<qsizetype>(key.size()));
}

Secret encode(const ipc::TunnelConfig& config) {
    const auto with_psk = std::count_if(config.peers.begin(), config.peers.end(),
                                        [](const auto& peer) { return peer.preshared_key; });
    QByteArray out;
    out.reserve(kHeaderSize + kRecordSize * static_cast<qsizetype>(with_psk));  // no reallocation
    out.append(kEntryFormat);
    append_key(out, config.iface.private_key.bytes());
    for (const ipc::PeerConfig& peer : config.peers) {
        if (peer.preshared_key) {
            append_key(out, peer.public_key.bytes());
            append_key(out, peer.preshared_key->bytes());
        }
    }
    return make_secret(std::move(out));
}

value::SecretKey secret_key_at(const QByteArray& data, qsizetype offset) {
    std::array<std::uint8_t, value::kKeySize> bytes{};
    std::memcpy(bytes.data(), data.constData() + offset, bytes.size());
    value::SecretKey key(bytes);
    value::secure_zero(bytes);
    return key;
}

// Adds the entry's secrets to a config read from a file; false when the entry is malformed.
bool decode(const QByteArray& data, ipc::TunnelConfig& config) {
    if (data.size() < kHeaderSize || (data.size() - kHeaderSize) % kRecordSize != 0 ||
        data.front() != kEntryFormat) {
        return false;
    }
    config.iface.private_key = secret_key_at(data, 1);
    for (qsizetype at = kHeaderSize; at < data.size(); at += kRecordSize) {
        std::array<std::uint8_t, value::kKeySize> public_key{};
        std::memcpy(public_key.data(), data.constData() + at, public_key.size());
        const auto peer =
            std::find_if(config.peers.begin(), config.peers.end(),
                         [&](const auto& p) { return p.public_key.bytes() == public_key; });
        if (peer != config.peers.end()) {  // a peer removed from the file by hand is skipped
            peer->preshared_key = secret_key_at(data, at + static_cast<qsizetype>(value::kKeySize));
        }
    }
    return !config.iface.private_key.is_zero();
}

bool has_hooks(const ipc::InterfaceConfig& iface) {
    return !iface.pre_up.empty() || !iface.post_up.empty() || !iface.pre_down.empty() ||
           !iface.post_down.empty();
}

QString join(const std::vector<ipc::ParseError>& errors) {
    QStringList lines;
    for (const ipc::ParseError& error : errors) {
        lines << QString::fromStdString(error.to_string());
    }
    return lines.join(u'\n');
}

// The text after line `line` (1-based) gets a placeholder PrivateKey line of its own.
std::string with_placeholder_key(std::string_view text, int line) {
    std::size_t at = 0;
    for (int i = 0; i < line && at != std::string_view::npos; ++i) {
        at = text.find('\n', at);
        at = at == std::string_view::npos ? at : at + 1;
    }
    std::string out(text.substr(0, at));
    if (at == std::string_view::npos) {
        out += '\n';
    }
    out.append("PrivateKey = ").append(kPlaceholderKey).append("\n");
    if (at != std::string_view::npos) {
        out.append(text.substr(at));
    }
    return out;
}

// Why a keychain job failed, for people.
QString describe(const QKeychain::Job& job) {
    const QString detail = job.errorString();
    switch (job.error()) {
        case QKeychain::NoBackendAvailable:
            return LocalTunnels::tr("no keychain (Secret Service) is available");
        case QKeychain::AccessDeniedByUser:
            return LocalTunnels::tr("access to the keychain was denied");
        case QKeychain::AccessDenied:
            return LocalTunnels::tr("the keychain is locked or refused access (%1)").arg(detail);
        default:
            return detail.isEmpty() ? LocalTunnels::tr("unknown keychain error") : detail;
    }
}

}  // namespace

LocalTunnels::LocalTunnels(QString folder, QString service, QObject* parent)
    : QObject(parent), folder_(std::move(folder)), service_(std::move(service)) {
    flush_.setSingleShot(true);
    flush_.setInterval(0);
    connect(&flush_, &QTimer::timeout, this, &LocalTunnels::flush);
    if (folder_.isEmpty()) {
        folder_ = QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
                  QStringLiteral("/tunnels");
    }
}

QStringList LocalTunnels::names() const {
    QStringList out;
    const QStringList files =
        QDir(folder_).entryList({QStringLiteral("*.conf")}, QDir::Files, QDir::Name);
    for (const QString& file : files) {
        const QString name = file.chopped(5);
        if (value::check_tunnel_name(name.toStdString()).ok()) {
            out << name;
        }
    }
    out.sort();
    return out;
}

bool LocalTunnels::exists(const QString& name) const {
    return name_error(name).isEmpty() && QFileInfo(path(name)).isFile();
}

QString LocalTunnels::path(const QString& name) const {
    return folder_ + u'/' + name + QStringLiteral(".conf");
}

void LocalTunnels::later(std::function<void()> work) {
    pending_.push_back(std::move(work));
    flush_.start();
}

void LocalTunnels::flush() {
    // Callbacks may queue more work, which waits for the next round, or delete this object.
    std::vector<std::function<void()>> round;
    round.swap(pending_);
    const QPointer<LocalTunnels> alive(this);
    for (auto& work : round) {
        if (alive.isNull()) {
            return;
        }
        work();
    }
}

QString LocalTunnels::name_error(const QString& name) const {
    const auto checked = value::check_tunnel_name(name.toStdString());
    if (checked.ok()) {
        return {};
    }
    return tr("'%1' is not a valid tunnel name: %2.")
        .arg(name, QString::fromStdString(checked.error()));
}

std::optional<ipc::TunnelConfig> LocalTunnels::read_file(const QString& name,
                                                         QString& error) const {
    QFile file(path(name));
    if (!file.exists()) {
        error = tr("There is no tunnel named %1.").arg(name);
        return std::nullopt;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        error = tr("Could not read %1: %2").arg(file.fileName(), file.errorString());
        return std::nullopt;
    }
    if (file.size() > kMaxFileSize) {
        error = tr("%1 is too large for a tunnel file.").arg(file.fileName());
        return std::nullopt;
    }
    QByteArray bytes = file.readAll();
    std::string text = bytes.toStdString();
    wipe(bytes);  // a file edited by hand may hold a secret after all
    const std::string label = file.fileName().toStdString();

    std::optional<ipc::TunnelConfig> config;
    auto first = ipc::parse_config(text, label, false);
    if (first) {
        error = tr("%1 holds a private key in plain text. Tulle keeps it in your keychain only: "
                   "remove the file and import it as a new tunnel.")
                    .arg(file.fileName());
    } else {
        // The missing PrivateKey is expected (it is in the keychain); report every other error.
        std::vector<ipc::ParseError> errors = first.error();
        const auto missing_key =
            std::find_if(errors.begin(), errors.end(), [](const ipc::ParseError& e) {
                return e.problem == ipc::ConfigProblem::missing_private_key;
            });
        const int header = missing_key == errors.end() ? 0 : missing_key->line;
        if (missing_key != errors.end()) {
            errors.erase(missing_key);
        }
        if (!errors.empty() || header == 0) {
            error = join(errors.empty() ? first.error() : errors);
        } else if (auto parsed =
                       ipc::parse_config(with_placeholder_key(text, header), label, false);
                   !parsed) {
            error = join(parsed.error());
        } else if (std::any_of(parsed->peers.begin(), parsed->peers.end(),
                               [](const auto& peer) { return peer.preshared_key; })) {
            error = tr("%1 holds a preshared key in plain text. Tulle keeps it in your keychain "
                       "only: remove the file and import it as a new tunnel.")
                        .arg(file.fileName());
        } else {
            config = std::move(*parsed);
        }
    }
    value::secure_zero(writable_bytes(text));
    return config;
}

QString LocalTunnels::write_file(const QString& name, const ipc::TunnelConfig& config) const {
    const QFileInfo folder(folder_);
    if (!folder.isDir()) {
        if (!QDir().mkpath(folder_)) {
            return tr("Could not create the folder %1.").arg(folder_);
        }
        QFile::setPermissions(folder_, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    QSaveFile file(path(name));
    if (!file.open(QIODevice::WriteOnly)) {
        return tr("Could not write %1: %2").arg(file.fileName(), file.errorString());
    }
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    const std::string text = std::string(kFileHeader) + ipc::write_config(config, false);
    file.write(text.data(), static_cast<qint64>(text.size()));
    if (!file.commit()) {
        return tr("Could not write %1: %2").arg(file.fileName(), file.errorString());
    }
    return {};
}

void LocalTunnels::save(const QString& name, const ipc::TunnelConfig& config, Done done) {
    QString error = name_error(name);
    if (error.isEmpty() && config.iface.private_key.is_zero()) {
        error = tr("Tunnel %1 has no private key.").arg(name);
    }
    if (error.isEmpty() && has_hooks(config.iface)) {
        error = tr("Tunnel %1 has PreUp, PostUp, PreDown or PostDown commands, which only "
                   "system tunnels may have.")
                    .arg(name);
    }
    if (!error.isEmpty()) {
        later([done = std::move(done), error] { done(error); });
        return;
    }
    // The file is written from a copy without secrets, taken now.
    ipc::TunnelConfig rest = config;
    rest.iface.private_key = {};
    for (auto& peer : rest.peers) {
        peer.preshared_key.reset();
    }
    const bool existed = exists(name);
    const Secret entry = encode(config);
    write_entry(name, *entry,
                [this, name, rest = std::move(rest), existed,
                 done = std::move(done)](const QString& keychain_error) {
                    if (!keychain_error.isEmpty()) {
                        done(tr("Tunnel %1 was not saved: its keys could not be stored in your "
                                "keychain (%2). Tulle never keeps them in plain files.")
                                 .arg(name, keychain_error));
                        return;
                    }
                    const QString file_error = write_file(name, rest);
                    if (file_error.isEmpty() || existed) {
                        done(file_error);
                        return;
                    }
                    // A new profile: take its keys out of the keychain again.
                    delete_entry(name,
                                 [done, file_error](bool, const QString&) { done(file_error); });
                });
}

void LocalTunnels::load(const QString& name, Loaded done) {
    QString error = name_error(name);
    std::optional<ipc::TunnelConfig> config;
    if (error.isEmpty()) {
        config = read_file(name, error);
    }
    if (!config) {
        later([done = std::move(done), error] { done(std::nullopt, error); });
        return;
    }
    auto shared = std::make_shared<ipc::TunnelConfig>(std::move(*config));
    read_entry(name, [name, shared, done = std::move(done)](const Secret& data, bool missing,
                                                            const QString& keychain_error) {
        if (missing) {
            done(std::nullopt, tr("The private key of tunnel %1 is not in your keychain. Import "
                                  "the tunnel again, or remove it.")
                                   .arg(name));
        } else if (!keychain_error.isEmpty()) {
            done(std::nullopt, tr("Could not read the keys of tunnel %1 from your keychain: %2.")
                                   .arg(name, keychain_error));
        } else if (!decode(*data, *shared)) {
            done(std::nullopt,
                 tr("The keychain entry of tunnel %1 is damaged. Import the tunnel again, or "
                    "remove it.")
                     .arg(name));
        } else {
            done(std::move(*shared), {});
        }
    });
}

void LocalTunnels::remove(const QString& name, Done done) {
    QString error = name_error(name);
    if (error.isEmpty() && !exists(name)) {
        error = tr("There is no tunnel named %1.").arg(name);
    }
    if (!error.isEmpty()) {
        later([done = std::move(done), error] { done(error); });
        return;
    }
    delete_entry(
        name, [this, name, done = std::move(done)](bool missing, const QString& keychain_error) {
            if (!keychain_error.isEmpty() && !missing) {
                done(tr("Tunnel %1 was not removed: its keys could not be removed from your "
                        "keychain (%2).")
                         .arg(name, keychain_error));
                return;
            }
            QFile file(path(name));
            if (!file.remove()) {
                done(tr("Could not remove %1: %2").arg(file.fileName(), file.errorString()));
                return;
            }
            done({});
        });
}

void LocalTunnels::rename(const QString& old_name, const QString& new_name, Done done) {
    QString error = name_error(old_name);
    if (error.isEmpty()) {
        error = name_error(new_name);
    }
    if (error.isEmpty() && !exists(old_name)) {
        error = tr("There is no tunnel named %1.").arg(old_name);
    }
    if (error.isEmpty() && QFileInfo::exists(path(new_name))) {
        error = tr("There is already a tunnel named %1.").arg(new_name);
    }
    if (!error.isEmpty()) {
        later([done = std::move(done), error] { done(error); });
        return;
    }
    const auto failed = [old_name, new_name](const QString& why) {
        return tr("Tunnel %1 was not renamed to %2: %3").arg(old_name, new_name, why);
    };
    read_entry(old_name, [this, old_name, new_name, failed, done = std::move(done)](
                             const Secret& data, bool missing, const QString& read_error) {
        if (missing) {
            done(failed(tr("its private key is not in your keychain.")));
            return;
        }
        if (!read_error.isEmpty()) {
            done(failed(tr("its keys could not be read from your keychain (%1).").arg(read_error)));
            return;
        }
        write_entry(
            new_name, *data, [this, old_name, new_name, failed, done](const QString& write_error) {
                if (!write_error.isEmpty()) {
                    done(failed(tr("its keys could not be stored in your keychain (%1).")
                                    .arg(write_error)));
                    return;
                }
                QFile file(path(old_name));
                if (!file.rename(path(new_name))) {
                    const QString why = failed(file.errorString());
                    delete_entry(new_name, [done, why](bool, const QString&) { done(why); });
                    return;
                }
                delete_entry(old_name, [old_name, new_name, done](bool missing,
                                                                  const QString& delete_error) {
                    if (!delete_error.isEmpty() && !missing) {
                        done(tr("Tunnel %1 is now %2, but its old entry could not be removed from "
                                "your keychain (%3).")
                                 .arg(old_name, new_name, delete_error));
                        return;
                    }
                    done({});
                });
            });
    });
}

void LocalTunnels::probe(Probed done) {
    read_entry(kProbeKey, [done = std::move(done)](const Secret&, bool missing,
                                                   const QString& error) {
        if (error.isEmpty() || missing) {
            done(true, {});
            return;
        }
        done(false, tr("No keychain is available (%1). Tulle keeps the private keys of your own "
                       "tunnels only in a keychain, a Secret Service such as GNOME Keyring or "
                       "KWallet: start one, or keep the tunnel as a system tunnel instead.")
                        .arg(error));
    });
}

// qtkeychain runs one job at a time; each job deletes itself once finished, also when this
// object is gone by then (a job must not be deleted while it runs).

void LocalTunnels::read_entry(const QString& name, EntryRead done) {
    auto* job = new QKeychain::ReadPasswordJob(service_);
    job->setInsecureFallback(false);
    job->setKey(name);
    connect(job, &QKeychain::Job::finished, this, [this, job, done = std::move(done)] {
        QByteArray shared = job->binaryData();
        Secret data = make_secret(unshared(shared));
        wipe(shared);  // the job's copy too: it is finished
        const bool missing = job->error() == QKeychain::EntryNotFound;
        const QString error = job->error() == QKeychain::NoError ? QString() : describe(*job);
        later([done, data, missing, error] { done(data, missing, error); });
    });
    job->start();
}

void LocalTunnels::write_entry(const QString& name, const QByteArray& data, Done done) {
    auto* job = new QKeychain::WritePasswordJob(service_);
    job->setInsecureFallback(false);
    job->setKey(name);
    QByteArray copy = unshared(data);
    job->setBinaryData(copy);  // shares the bytes with `copy`
    connect(job, &QKeychain::Job::finished, this, [this, job, done = std::move(done)] {
        const QString error = job->error() == QKeychain::NoError ? QString() : describe(*job);
        later([done, error] { done(error); });
    });
    // Runs even when this object is gone: the job's copy of the secrets is zeroed when done.
    connect(job, &QKeychain::Job::finished, job, [copy]() mutable { wipe(copy); });
    job->start();
}

void LocalTunnels::delete_entry(const QString& name, EntryDeleted done) {
    auto* job = new QKeychain::DeletePasswordJob(service_);
    job->setInsecureFallback(false);
    job->setKey(name);
    connect(job, &QKeychain::Job::finished, this, [this, job, done = std::move(done)] {
        const bool missing = job->error() == QKeychain::EntryNotFound;
        const QString error = job->error() == QKeychain::NoError ? QString() : describe(*job);
        later([done, missing, error] { done(missing, error); });
    });
    job->start();
}

}  // namespace tulle::app
