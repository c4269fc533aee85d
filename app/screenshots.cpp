#include "app/screenshots.hpp"

#include <cstdio>
#include <functional>

#include <QApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QTimer>

#include "app/peer_editor.hpp"
#include "app/qr_export_dialog.hpp"

namespace tulle::app {
namespace {

bool save(QWidget& widget, const QString& folder, const QString& name) {
    QApplication::processEvents();
    const QString path = QDir(folder).filePath(name + QStringLiteral(".png"));
    const bool ok = widget.grab().save(path);
    std::fprintf(ok ? stdout : stderr, "screenshots: %s %s\n", ok ? "wrote" : "could not write",
                 qPrintable(path));
    return ok;
}

// Runs the event loop until `done` or five seconds have passed.
bool settle(const std::function<bool()>& done) {
    const QDeadlineTimer deadline(5000);
    while (!done() && !deadline.hasExpired()) {
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    return done();
}

}  // namespace

bool save_network_screenshots(MainWindow& window, const QString& folder) {
    QDir().mkpath(folder);
    if (!window.isVisible()) {
        window.resize(980, 640);
        window.show();
    }
    NetworksPage& page = window.networks_page();
    window.pages().setCurrentWidget(&page);
    settle([&page] { return page.members().rowCount() > 0; });
    if (page.members().rowCount() > 1) {
        page.member_table().selectRow(1);
    }
    bool ok = save(window, folder, QStringLiteral("networks"));
    const ipc::NetworkStatus* lighthouse = nullptr;
    for (int row = 0; row < page.networks().rowCount() && lighthouse == nullptr; ++row) {
        if (page.networks().at(row)->role == ipc::NetworkRoleName::lighthouse) {
            lighthouse = page.networks().at(row);
        }
    }
    InviteDialog* invite = nullptr;
    if (lighthouse != nullptr) {
        page.select(QString::fromStdString(lighthouse->name));
        invite = page.invite();
    }
    if (invite == nullptr) {
        std::fprintf(stderr, "screenshots: no network here to invite to; no network-invite.png\n");
        return ok;
    }
    invite->set_fields(QStringLiteral("phone"), QString(), 24LL * 3600);
    invite->create();
    if (!settle([invite] { return invite->shown(); })) {
        std::fprintf(stderr, "screenshots: the invite did not come: %s\n",
                     qPrintable(invite->message()));
        invite->close();
        return false;
    }
    ok = save(*invite, folder, QStringLiteral("network-invite")) && ok;
    invite->close();
    return ok;
}

void take_screenshots(MainWindow& window, TunnelHub& hub, Tray& tray, const QString& folder,
                      int settle_ms) {
    QDir().mkpath(folder);
    window.resize(980, 640);
    window.show();
    auto* timer = new QTimer(&window);
    timer->setSingleShot(true);
    timer->start(settle_ms);
    QObject::connect(timer, &QTimer::timeout, &window, [&window, &hub, &tray, folder] {
        bool ok = true;
        QTabWidget& pages = window.pages();
        const std::array<const char*, 4> names{"tunnels", "peers", "throughput", "logs"};
        for (int i = 0; i < pages.count() && i < static_cast<int>(names.size()); ++i) {
            pages.setCurrentIndex(i);
            if (pages.widget(i) == &window.peers_page() &&
                window.peers_page().table().model()->rowCount() > 0) {
                window.peers_page().table().selectRow(0);
            }
            ok =
                save(window, folder, QString::fromLatin1(names[static_cast<std::size_t>(i)])) && ok;
        }
        // The editor with a half-typed peer, so its checks show.
        const QString tunnel = window.peers_page().tunnel();
        PeerEditor editor(hub.link(), tunnel.isEmpty() ? QStringLiteral("demo") : tunnel,
                          QStringList(), QString(), &window);
        PeerForm form;
        form.name = QStringLiteral("phone");
        form.public_key = QStringLiteral("xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=");
        form.endpoint = QStringLiteral("2001:db8::7:51820");
        form.allowed_ips = QStringLiteral("10.250.0.3/32, fd00::3/129");
        form.keepalive = QStringLiteral("25");
        editor.set_form(form);
        editor.show();
        ok = save(editor, folder, QStringLiteral("peer-editor")) && ok;
        editor.close();
        // The tray's menu, as it opens from the panel (no panel under Xvfb: shown by itself).
        tray.menu().popup(QPoint(0, 0));
        ok = save(tray.menu(), folder, QStringLiteral("tray-menu")) && ok;
        tray.menu().hide();
        // Export -> QR code: a phone added to the tunnel, its code and file shown once.
        QrExportDialog qr(hub.link(), tunnel.isEmpty() ? QStringLiteral("demo") : tunnel, &window);
        qr.set_fields(QStringLiteral("phone"), QStringLiteral("vpn.example.com"), QString(), false);
        qr.show();
        qr.create();
        if (!settle([&qr] { return qr.shown(); })) {
            std::fprintf(stderr, "screenshots: the QR export did not finish: %s\n",
                         qPrintable(qr.message()));
        }
        ok = qr.shown() && save(qr, folder, QStringLiteral("qr-export")) && ok;
        qr.close();
        ok = save_network_screenshots(window, folder) && ok;
        QApplication::exit(ok ? 0 : 1);
    });
}

}  // namespace tulle::app
