#include "daemon/core/index_table.hpp"

namespace tulle::core {

std::uint32_t IndexTable::add_handshake(Peer* peer, const std::function<std::uint32_t()>& random) {
    for (;;) {
        const std::uint32_t index = random();
        // Zero is left unused so that a zeroed field never names anything.
        if (index != 0 && entries_.try_emplace(index, Entry{peer, nullptr}).second) {
            return index;
        }
    }
}

void IndexTable::promote(std::uint32_t index, Keypair* keypair) {
    if (auto it = entries_.find(index); it != entries_.end()) {
        it->second.keypair = keypair;
    }
}

void IndexTable::remove(std::uint32_t index) {
    entries_.erase(index);
}

void IndexTable::remove_handshake(std::uint32_t index) {
    if (auto it = entries_.find(index); it != entries_.end() && it->second.keypair == nullptr) {
        entries_.erase(it);
    }
}

const IndexTable::Entry* IndexTable::find(std::uint32_t index) const {
    auto it = entries_.find(index);
    return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace tulle::core
