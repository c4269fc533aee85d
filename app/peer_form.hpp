// The peer editor's fields as text, checked as the user types. Each check says what is wrong in
// words a user can act on; an empty message means the field is good. Kept apart from the dialog
// so that the rules are tested table-driven without widgets.
#pragma once

#include <optional>

#include <QString>
#include <QStringList>

#include "ipc/messages.hpp"

namespace tulle::app {

struct PeerForm {
    QString name;
    QString public_key;
    QString endpoint;       // "host:port", "[v6]:port"; empty: none (the peer dials in)
    QString allowed_ips;    // comma-separated prefixes
    QString keepalive;      // seconds; empty or 0: off
    QString preshared_key;  // empty: none
};

[[nodiscard]] QString name_error(const QString& name);
// `taken`: keys of the tunnel's other peers (a new peer may not reuse one); `own`: the tunnel's
// own public key, which cannot be a peer of itself.
[[nodiscard]] QString public_key_error(const QString& key, const QStringList& taken = {},
                                       const QString& own = {});
[[nodiscard]] QString endpoint_error(const QString& endpoint);
[[nodiscard]] QString allowed_ips_error(const QString& allowed_ips);
[[nodiscard]] QString keepalive_error(const QString& keepalive);
[[nodiscard]] QString preshared_key_error(const QString& key);

// The first problem of the whole form ("Public key: ..."), or empty when it can be applied.
[[nodiscard]] QString form_error(const PeerForm& form, const QStringList& taken = {},
                                 const QString& own = {});

// The change that applies the form (call only when form_error() is empty). Every field but the
// preshared key is set, so an edit replaces what the peer had (an empty endpoint forgets it); an
// empty preshared key field leaves the peer's key as it is.
[[nodiscard]] ipc::PeerChange to_change(const PeerForm& form);

// The form for an existing peer. Its preshared key is never known to the app (replies say only
// whether one is set), so that field stays empty.
[[nodiscard]] PeerForm form_of(const ipc::PeerStatus& peer);

// A fresh preshared key in base64 (32 random bytes), for the "Generate" button.
[[nodiscard]] QString generate_preshared_key();

}  // namespace tulle::app
