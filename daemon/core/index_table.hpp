// Receiver indices (whitepaper 5.4.2): the random 32-bit numbers by which a peer names our end of
// a handshake or a session in every message it sends us. One table per device.
#pragma once

#include <cstdint>
#include <functional>
#include <unordered_map>

namespace tulle::core {

class Peer;
struct Keypair;

class IndexTable {
  public:
    struct Entry {
        Peer* peer = nullptr;
        Keypair* keypair = nullptr;  // null while the index names a handshake in progress
    };

    // A fresh index for a handshake of `peer`, unused by anything else. `random` yields
    // candidate numbers.
    [[nodiscard]] std::uint32_t add_handshake(Peer* peer,
                                              const std::function<std::uint32_t()>& random);
    // The session begun by that handshake now owns the index.
    void promote(std::uint32_t index, Keypair* keypair);
    void remove(std::uint32_t index);
    // Removes the index only while it still names a handshake (not a session).
    void remove_handshake(std::uint32_t index);

    [[nodiscard]] const Entry* find(std::uint32_t index) const;
    [[nodiscard]] std::size_t size() const { return entries_.size(); }

  private:
    std::unordered_map<std::uint32_t, Entry> entries_;
};

}  // namespace tulle::core
