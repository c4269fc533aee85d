// Arbitrary bytes from a client: framing, then decoding, then every typed params codec the
// daemon uses, and the result and event codecs a client uses. Nothing may crash, and every
// failure must come back as an error value.
#include <cstdint>
#include <span>
#include <variant>

#include "ipc/framing.hpp"
#include "ipc/jsonrpc.hpp"
#include "ipc/messages.hpp"

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
                namespace ipc = tulle::ipc;
                const ipc::Json& p = request->params;
                (void)ipc::hello_params_from_json(p);
                (void)ipc::tunnel_ref_from_json(p);
                (void)ipc::tunnel_up_from_json(p);
                (void)ipc::tunnel_save_from_json(p);
                (void)ipc::peer_edit_from_json(p);
                (void)ipc::peer_ref_from_json(p);
                (void)ipc::stats_query_from_json(p);
                (void)ipc::log_query_from_json(p);
                (void)ipc::subscription_from_json(p);
                (void)ipc::stats_event_from_json(p);
                (void)ipc::log_line_from_json(p);
                (void)ipc::tunnel_changed_from_json(p);
                (void)ipc::peer_changed_from_json(p);
                (void)ipc::encode(*request);
            } else if (auto* response = std::get_if<tulle::ipc::Response>(message);
                       response != nullptr && response->ok()) {
                namespace ipc = tulle::ipc;
                const auto& r = std::get<ipc::Json>(response->outcome);
                (void)ipc::tunnel_list_from_json(r);
                (void)ipc::tunnel_detail_from_json(r);
                (void)ipc::daemon_status_from_json(r);
                (void)ipc::stats_history_from_json(r);
                (void)ipc::log_lines_from_json(r);
                (void)ipc::peer_status_from_json(r);
            }
        }
    }
    return 0;
}
