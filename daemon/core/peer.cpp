#include "daemon/core/peer.hpp"

namespace tulle::core {

Peer::Peer(const LocalIdentity& local, const PublicKey& public_key)
    : secrets_(make_peer_secrets(local, public_key, SymmetricKey{})), cookie_(public_key) {}

}  // namespace tulle::core
