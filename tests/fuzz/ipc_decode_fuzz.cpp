// Arbitrary bytes from a client: framing, then decoding, then typed hello params. Nothing may
// crash, and every failure must come back as an error value.
#include <cstdint>
#include <span>
#include <variant>

#include "ipc/framing.hpp"
#include "ipc/jsonrpc.hpp"

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
            if (auto* request = std::get_if<tulle::ipc::Request>(message)) {
                (void)tulle::ipc::hello_params_from_json(request->params);
                (void)tulle::ipc::encode(*request);
            }
        }
    }
    return 0;
}
