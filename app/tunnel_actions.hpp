// What the user does to whole tunnels, shared by the Tunnels page and the tray: bring one up or
// down, import a wg-quick file, create one with a fresh key pair, export, rename and delete.
// Local profiles keep their secrets in the keychain; where there is none, the user may keep the
// tunnel as a system tunnel instead (tunnel.save), and is asked first, never silently.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include <QObject>
#include <QPointer>
#include <QString>
#include <QWidget>

#include "app/local_tunnels.hpp"
#include "app/tunnel_hub.hpp"

namespace tulle::app {

class TunnelActions : public QObject {
    Q_OBJECT
  public:
    using Done = std::function<void(const QString& error)>;  // empty on success

    TunnelActions(TunnelHub& hub, LocalTunnels& local, QObject* parent = nullptr);

    [[nodiscard]] TunnelHub& hub() const { return hub_; }
    [[nodiscard]] LocalTunnels& local() const { return local_; }
    // The window that owns the questions and file dialogs.
    void set_window(QWidget* window) { window_ = window; }

    // Up: a local profile is read with its secrets and sent as tunnel.up's config; a system
    // tunnel is started by name. Down: tunnel.down.
    // `kill_switch`, when set, chooses the kill switch for this run over the tunnel's file.
    void set_up(const QString& name, bool up, const Done& done = {},
                std::optional<bool> kill_switch = std::nullopt);
    // Asks for a file and imports it (the tray's and the page's "Import tunnel from file…").
    void import_interactive();
    // Imports the wg-quick file at `path` as a profile named after the file; errors name the
    // file and line. Hooks (PreUp and the like) are refused: they would run as root.
    void import_file(const QString& path, const Done& done);
    // Keeps `config` as a local profile, or, without a keychain and only if the user agrees (or
    // `ask` says so), as a system tunnel.
    void save_profile(const QString& name, const ipc::TunnelConfig& config, const Done& done);
    // Writes the tunnel as a wg-quick file; secrets only with `include_secrets` and only for
    // local profiles (a system tunnel's stay with root).
    void export_to(const QString& name, const QString& path, bool include_secrets,
                   const Done& done);
    // A local profile: down, then its file and keychain entry go. A tunnel tulled keeps for a
    // client (brought up from a file, not saved): tunnel.delete. A system tunnel stays (root's).
    void remove(const QString& name, const Done& done);
    void rename(const QString& old_name, const QString& new_name, const Done& done);
    // Re-reads the profile folder into the hub.
    void reload_profiles();

    // The question asked when no keychain is there: return true to save as a system tunnel.
    // Tests replace it; the default asks with a message box.
    std::function<bool(const QString& name, const QString& why)> ask_system_tunnel;

  signals:
    // For the status bar and notifications.
    void message(const QString& text, bool error);

  private:
    void save_system(const QString& name, const ipc::TunnelConfig& config, const Done& done);
    void report(const QString& success, const QString& error, const Done& done);
    // Calls `method` and reports the outcome: `success` with the name as %1, or `failure` with
    // the name and the daemon's message as %1 and %2; `on_success` runs first when it worked.
    // Calls method M (tunnel.up, tunnel.down, tunnel.save) and reports its outcome.
    template <typename M>
    void call_and_report(const typename M::Params& params, const QString& name,
                         const QString& success, const QString& failure, const Done& done,
                         const std::function<void()>& on_success = {});

    TunnelHub& hub_;
    LocalTunnels& local_;
    QPointer<QWidget> window_;
};

// Reads a text file of at most 1 MiB; the error names the file.
[[nodiscard]] std::optional<std::string> read_small_file(const QString& path, QString& error);
// The tunnel name a file suggests: "office" for "/x/office.conf"; empty if not a valid name.
[[nodiscard]] QString name_from_file(const QString& path);

}  // namespace tulle::app
