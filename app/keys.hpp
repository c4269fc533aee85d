// WireGuard key pairs for tunnels the app creates: X25519 through libsodium, as `wg genkey` and
// `wg pubkey` make them.
#pragma once

#include "ipc/net.hpp"

namespace tulle::app {

[[nodiscard]] ipc::SecretKey generate_private_key();
[[nodiscard]] ipc::Key public_key_of(const ipc::SecretKey& private_key);

}  // namespace tulle::app
