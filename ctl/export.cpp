#include "ctl/export.hpp"

#include <utility>

#include "ipc/messages.hpp"
#include "ipc/methods.hpp"

namespace tulle::ctl {

value::Result<peer_export::Export, ExportError> export_peer(Client& client,
                                                            const std::string& tunnel,
                                                            const peer_export::Request& request) {
    using Failure = value::Unexpected<ExportError>;
    auto detail = client.call<ipc::TunnelGetMethod>(ipc::TunnelRef{tunnel});
    if (!detail.ok()) {
        return Failure{detail.error()};
    }
    auto prepared = peer_export::prepare(*detail, request);
    if (!prepared.ok()) {
        return Failure{prepared.error()};
    }
    // The client wipes the encoded params: they hold the preshared key.
    auto added = client.call<ipc::PeerAddMethod>(prepared->edit);
    if (!added.ok()) {
        return Failure{added.error()};
    }
    return std::move(prepared).value();
}

}  // namespace tulle::ctl
