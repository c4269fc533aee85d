// The user's own tunnel profiles (as opposed to root's system tunnels in /etc/tulle): wg-quick
// files in a folder of the user's, holding everything but the secrets. The interface's private
// key and the peers' preshared keys live in the OS keychain (a Secret Service, through
// qtkeychain), one entry per profile. There is no fallback to plain files: without a keychain,
// saving fails and says so.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include "ipc/wg_config.hpp"

namespace tulle::app {

class LocalTunnels : public QObject {
    Q_OBJECT
  public:
    using Done = std::function<void(QString error)>;  // the error is empty on success
    using Loaded = std::function<void(std::optional<ipc::TunnelConfig> config, QString error)>;
    using Probed = std::function<void(bool available, QString why)>;

    // `folder` empty: QStandardPaths::AppConfigLocation + "/tunnels". `service` names the
    // keychain entries' service.
    explicit LocalTunnels(QString folder = {}, QString service = QStringLiteral("Tulle"),
                          QObject* parent = nullptr);

    [[nodiscard]] QString folder() const { return folder_; }
    // The profile names, sorted: one per "<name>.conf" with a valid tunnel name.
    [[nodiscard]] QStringList names() const;
    [[nodiscard]] bool exists(const QString& name) const;

    // Every callback below runs once, later, on the Qt event loop (never inside the call), and
    // is skipped when this object is destroyed first.

    // Creates or replaces a profile: the secrets go to the keychain first, then the rest to the
    // file (mode 0600, replaced atomically), so a keychain failure leaves nothing behind.
    void save(const QString& name, const ipc::TunnelConfig& config, Done done);
    // The profile's file and its secrets from the keychain; errors name the file and line.
    void load(const QString& name, Loaded done);
    // Removes the keychain entry, then the file (which stays when the keychain refuses).
    void remove(const QString& name, Done done);
    // Moves the keychain entry and the file to a new name that is not taken yet.
    void rename(const QString& old_name, const QString& new_name, Done done);
    // Whether a keychain is usable; if not, why, for people.
    void probe(Probed done);

  private:
    [[nodiscard]] QString path(const QString& name) const;
    // Runs `work` on the event loop unless this object is gone by then, in the order queued.
    void later(std::function<void()> work);
    void flush();
    [[nodiscard]] QString name_error(const QString& name) const;
    [[nodiscard]] std::optional<ipc::TunnelConfig> read_file(const QString& name,
                                                             QString& error) const;
    [[nodiscard]] QString write_file(const QString& name, const ipc::TunnelConfig& config) const;

    // The keychain. Callbacks get the job's error for people (empty on success) and, for
    // reads, the data, which is zeroed when the last holder lets go of it. `missing` is true
    // when the entry was not there.
    using Secret = std::shared_ptr<const QByteArray>;
    using EntryRead = std::function<void(const Secret& data, bool missing, const QString& error)>;
    using EntryDeleted = std::function<void(bool missing, const QString& error)>;
    void read_entry(const QString& name, EntryRead done);
    void write_entry(const QString& name, const QByteArray& data, Done done);
    void delete_entry(const QString& name, EntryDeleted done);

    QString folder_;
    QString service_;
    std::vector<std::function<void()>> pending_;
    QTimer flush_;
};

}  // namespace tulle::app
