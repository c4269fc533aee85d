#include "app/tunnel_actions.hpp"

#include <utility>

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMessageBox>
#include <QSaveFile>
#include <sodium.h>

namespace tulle::app {
namespace {

// A running tunnel's configuration, as far as tulled shows it (settings and peers, no secrets).
ipc::TunnelConfig config_of(const ipc::TunnelSettings& settings,
                            const std::vector<PeerView>& peers) {
    ipc::TunnelConfig config;
    config.iface.addresses = settings.addresses;
    config.iface.listen_port = settings.listen_port;
    config.iface.mtu = settings.mtu;
    config.iface.dns_servers = settings.dns_servers;
    config.iface.dns_search = settings.dns_search;
    config.iface.table = settings.table;
    config.iface.fwmark = settings.fwmark;
    for (const auto& peer : peers) {
        ipc::PeerConfig shown;
        shown.name = peer.status.name;
        shown.public_key = peer.status.public_key;
        shown.allowed_ips = peer.status.allowed_ips;
        shown.endpoint = peer.status.endpoint;
        shown.persistent_keepalive = peer.status.persistent_keepalive;
        config.peers.push_back(std::move(shown));
    }
    return config;
}

constexpr qint64 kMaxFileSize = 1 << 20;

void wipe(std::string& text) {
    sodium_memzero(text.data(), text.size());
    text.clear();
}

}  // namespace

std::optional<std::string> read_small_file(const QString& path, QString& error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        error = QObject::tr("Cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    // Read one byte past the cap rather than trusting size(): a pipe or device reports 0.
    QByteArray bytes = file.read(kMaxFileSize + 1);
    std::optional<std::string> text;
    if (bytes.size() > kMaxFileSize) {
        error =
            QObject::tr("%1 is larger than 1 MiB; a tunnel file is a few hundred bytes.").arg(path);
    } else {
        text.emplace(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    }
    sodium_memzero(bytes.data(), static_cast<std::size_t>(bytes.size()));  // it may hold keys
    return text;
}

QString name_from_file(const QString& path) {
    const QString name = QFileInfo(path).completeBaseName();
    return value::check_tunnel_name(name.toStdString()).ok() ? name : QString();
}

TunnelActions::TunnelActions(TunnelHub& hub, LocalTunnels& local, QObject* parent)
    : QObject(parent), hub_(hub), local_(local) {
    ask_system_tunnel = [this](const QString& name, const QString& why) {
        const auto answer = QMessageBox::question(
            window_, tr("No keychain"),
            tr("%1\n\nTulle keeps private keys only in your keychain, never in plain files. "
               "You can keep \"%2\" as a system tunnel instead: tulled stores it in /etc/tulle, "
               "readable by root only, and every member of the group \"tulle\" can bring it "
               "up.\n\nSave \"%2\" as a system tunnel?")
                .arg(why, name),
            QMessageBox::Save | QMessageBox::Cancel, QMessageBox::Cancel);
        return answer == QMessageBox::Save;
    };
    reload_profiles();
}

void TunnelActions::reload_profiles() {
    hub_.set_local_profiles(local_.names());
}

void TunnelActions::report(const QString& success, const QString& error, const Done& done) {
    emit message(error.isEmpty() ? success : error, !error.isEmpty());
    if (done) {
        done(error);
    }
}

template <typename M>
void TunnelActions::call_and_report(const typename M::Params& params, const QString& name,
                                    const QString& success, const QString& failure,
                                    const Done& done, const std::function<void()>& on_success) {
    hub_.link().call<M>(
        params, this,
        [this, name, success, failure, done,
         on_success](const ipc::Outcome<typename M::Result>& outcome) {
            if (outcome.ok() && on_success) {
                on_success();
            }
            report(success.arg(name),
                   outcome.ok()
                       ? QString()
                       : failure.arg(name, QString::fromStdString(outcome.error().message)),
                   done);
        });
}

void TunnelActions::set_up(const QString& name, bool up, const Done& done,
                           std::optional<bool> kill_switch) {
    if (!up) {
        call_and_report<ipc::TunnelDownMethod>(ipc::TunnelRef{name.toStdString()}, name,
                                               tr("Tunnel %1 is down."),
                                               tr("Could not bring %1 down: %2"), done);
        return;
    }
    auto send_up = [this, name, done, kill_switch](std::optional<std::string> config) {
        ipc::TunnelUp params{name.toStdString(), std::move(config), kill_switch, {}};
        call_and_report<ipc::TunnelUpMethod>(params, name, tr("Tunnel %1 is up."),
                                             tr("Could not bring %1 up: %2"), done);
        if (params.config) {
            wipe(*params.config);
        }
    };
    if (!local_.exists(name)) {
        send_up(std::nullopt);  // a system tunnel: tulled reads its own file
        return;
    }
    local_.load(name, [this, name, done, send_up](std::optional<ipc::TunnelConfig> config,
                                                  const QString& error) {
        if (!config) {
            report({}, tr("Could not bring %1 up: %2").arg(name, error), done);
            return;
        }
        send_up(ipc::write_config(*config, true));
    });
}

void TunnelActions::import_interactive() {
    const QString path =
        QFileDialog::getOpenFileName(window_, tr("Import tunnel from file"), QString(),
                                     tr("WireGuard tunnels (*.conf);;All files (*)"));
    if (path.isEmpty()) {
        return;
    }
    import_file(path, [this](const QString& error) {
        if (!error.isEmpty()) {
            QMessageBox::warning(window_, tr("Import tunnel"), error);
        }
    });
}

void TunnelActions::import_file(const QString& path, const Done& done) {
    QString error;
    auto text = read_small_file(path, error);
    if (!text) {
        report({}, error, done);
        return;
    }
    auto parsed = ipc::parse_config(*text, QFileInfo(path).fileName().toStdString(), false);
    wipe(*text);
    if (!parsed) {
        report({},
               tr("%1 cannot be imported:\n%2")
                   .arg(path, QString::fromStdString(ipc::to_string(parsed.error())).trimmed()),
               done);
        return;
    }
    QString name = name_from_file(path);
    if (name.isEmpty() || local_.exists(name) || hub_.find(name) != nullptr) {
        bool ok = false;
        name = QInputDialog::getText(
            window_, tr("Import tunnel"),
            tr("Name for the imported tunnel (1 to 15 letters, digits, or _=+.-):"),
            QLineEdit::Normal, name, &ok);
        if (!ok) {
            return;
        }
    }
    if (const auto checked = value::check_tunnel_name(name.toStdString()); !checked.ok()) {
        report({},
               tr("\"%1\" cannot be a tunnel name: %2")
                   .arg(name, QString::fromStdString(checked.error())),
               done);
        return;
    }
    if (local_.exists(name) || hub_.find(name) != nullptr) {
        report({}, tr("A tunnel named %1 exists already.").arg(name), done);
        return;
    }
    save_profile(name, *parsed, done);
}

void TunnelActions::save_profile(const QString& name, const ipc::TunnelConfig& config,
                                 const Done& done) {
    local_.probe([this, name, config, done](bool available, const QString& why) {
        if (!available) {
            if (ask_system_tunnel && ask_system_tunnel(name, why)) {
                save_system(name, config, done);
            } else {
                report({}, tr("%1 was not saved: %2").arg(name, why), done);
            }
            return;
        }
        local_.save(name, config, [this, name, done](const QString& error) {
            reload_profiles();
            report(tr("Tunnel %1 saved; its keys are in your keychain.").arg(name),
                   error.isEmpty() ? QString() : tr("%1 was not saved: %2").arg(name, error), done);
        });
    });
}

void TunnelActions::save_system(const QString& name, const ipc::TunnelConfig& config,
                                const Done& done) {
    ipc::TunnelSave params;
    params.name = name.toStdString();
    params.config = ipc::write_config(config, true);
    call_and_report<ipc::TunnelSaveMethod>(params, name, tr("Tunnel %1 saved as a system tunnel."),
                                           tr("tulled did not save %1: %2"), done,
                                           [this] { hub_.refresh(); });
    wipe(*params.config);
}

void TunnelActions::export_to(const QString& name, const QString& path, bool include_secrets,
                              const Done& done) {
    auto write = [this, path, done](std::string text) {
        QSaveFile file(path);
        QString error;
        if (!file.open(QIODevice::WriteOnly)) {
            error = tr("Cannot write %1: %2").arg(path, file.errorString());
        } else {
            file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            file.write(text.data(), static_cast<qint64>(text.size()));
            if (!file.commit()) {
                error = tr("Cannot write %1: %2").arg(path, file.errorString());
            }
        }
        wipe(text);
        report(tr("Exported to %1.").arg(path), error, done);
    };
    if (local_.exists(name)) {
        local_.load(name, [this, name, include_secrets, write, done](
                              std::optional<ipc::TunnelConfig> config, const QString& error) {
            if (!config) {
                report({}, tr("Could not export %1: %2").arg(name, error), done);
                return;
            }
            write(ipc::write_config(*config, include_secrets));
        });
        return;
    }
    const TunnelView* view = hub_.find(name);
    if (view == nullptr || !view->settings) {
        report({},
               tr("Tunnel %1 is not running; tulled shows a system tunnel's settings only "
                  "while it is up.")
                   .arg(name),
               done);
        return;
    }
    // Without secrets: tulled never sends them; they stay with root.
    write(ipc::write_config(config_of(*view->settings, view->peers), false));
}

void TunnelActions::remove(const QString& name, const Done& done) {
    const TunnelView* listed = hub_.find(name);
    if (!local_.exists(name) && listed != nullptr && !listed->status.system) {
        // Brought up from a file by tullectl or another client, kept by tulled until deleted.
        call_and_report<ipc::TunnelDeleteMethod>(ipc::TunnelRef{name.toStdString()}, name,
                                                 tr("Tunnel %1 deleted."),
                                                 tr("Could not delete %1: %2"), done);
        return;
    }
    if (!local_.exists(name)) {
        report(
            {},
            tr("%1 is a system tunnel; root removes it with sudo rm /etc/tulle/%1.conf").arg(name),
            done);
        return;
    }
    const TunnelView* view = hub_.find(name);
    auto forget = [this, name, done](const QString&) {
        local_.remove(name, [this, name, done](const QString& error) {
            reload_profiles();
            report(tr("Tunnel %1 deleted.").arg(name),
                   error.isEmpty() ? QString() : tr("Could not delete %1: %2").arg(name, error),
                   done);
        });
    };
    if (view != nullptr && view->status.up) {
        set_up(name, false, forget);
    } else {
        forget({});
    }
}

void TunnelActions::rename(const QString& old_name, const QString& new_name, const Done& done) {
    const TunnelView* view = hub_.find(old_name);
    if (view != nullptr && view->status.up) {
        report({}, tr("Bring %1 down before renaming it.").arg(old_name), done);
        return;
    }
    if (hub_.find(new_name) != nullptr) {
        report({}, tr("A tunnel named %1 exists already.").arg(new_name), done);
        return;
    }
    local_.rename(old_name, new_name, [this, old_name, new_name, done](const QString& error) {
        reload_profiles();
        report(tr("%1 is now called %2.").arg(old_name, new_name),
               error.isEmpty() ? QString() : tr("Could not rename %1: %2").arg(old_name, error),
               done);
    });
}

}  // namespace tulle::app
