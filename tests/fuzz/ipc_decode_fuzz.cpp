// Arbitrary bytes from a client: framing, then decoding, then every typed params codec the
// daemon uses, and the result and event codecs a client uses. Nothing may crash, and every
// failure must come back as an error value.
#include <cstdint>
#include <span>
#include <variant>

#include "ipc/framing.hpp"
#include "ipc/jsonrpc.hpp"
#include "ipc/messages.hpp"
#include "ipc/methods.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    tulle::ipc::LineFramer framer(4096);
    const std::span<const char> bytes(reinterpret_cast<const char*>(data), size);
    // Feed in two pieces to exercise partial lines.
    const std::size_t half = size / 2;
    (void)framer.feed(bytes.first(half));
    (void)framer.feed(bytes.subspan(half));
    while (auto line = framer.next()) {
        auto decoded = tulle::ipc::decode(*line);
        if (auto* message = std::get_if<tulle::ipc::Message>(&decoded)) {
            namespace ipc = tulle::ipc;
            if (auto* request = std::get_if<ipc::Request>(message)) {
                // Every decoder of the method table, as tulled and the app use them.
                const ipc::Json& p = request->params;
                (void)ipc::read(p, ipc::As<ipc::HelloMethod::Params>{});
                ipc::Methods::for_each([&p](auto type) {
                    using M = typename decltype(type)::type;
                    (void)ipc::read(p, ipc::As<typename M::Params>{});
                });
                ipc::Events::for_each([&p](auto type) {
                    using E = typename decltype(type)::type;
                    (void)ipc::read(p, ipc::As<typename E::Params>{});
                });
                (void)ipc::encode(*request);
            } else if (auto* response = std::get_if<ipc::Response>(message);
                       response != nullptr && response->ok()) {
                const ipc::Json& r = *response->outcome;
                (void)ipc::read_result<ipc::HelloMethod>(r);
                ipc::Methods::for_each([&r](auto type) {
                    using M = typename decltype(type)::type;
                    (void)ipc::read_result<M>(r);
                });
            }
        }
    }
    return 0;
}
