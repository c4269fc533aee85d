// Arbitrary bytes from a client: framing, then decoding, then every typed params codec the
// daemon uses, and the result and event codecs a client uses. Nothing may crash, and every
// failure must come back as an error value. The decoders come from the type lists of
// ipc/methods.hpp (ipc::Methods, ipc::Events), so a new method or event is fuzzed as soon as it
// has its row.
//
// Properties besides "no crash" (a failure calls std::abort(), which libFuzzer reports):
// - framing: however the bytes arrive (whole, or in pieces of 1 to 16 bytes), the framer returns
//   the same lines: those of the stream up to the first one that is too long, '\r' dropped;
// - codecs: whatever a decoder accepts, its encoder writes as JSON that the decoder accepts
//   again and that encodes to the same JSON (no field lost or changed on the way through tulled
//   or a client).
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ipc/framing.hpp"
#include "ipc/jsonrpc.hpp"
#include "ipc/messages.hpp"
#include "ipc/methods.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

namespace ipc = tulle::ipc;

using tulle::fuzz::check;

// --- framing ---

struct Framed {
    std::vector<std::string> lines;
    bool overflowed = false;
    friend bool operator==(const Framed&, const Framed&) = default;
};

// What the framer should make of a stream: each line without its '\n' and one trailing '\r', up
// to the first line (complete or not) of max bytes or more without its newline.
Framed expected_lines(std::string_view stream, std::size_t max) {
    Framed out;
    std::size_t at = 0;
    while (at < stream.size()) {
        const std::size_t newline = stream.find('\n', at);
        const std::size_t end = newline == std::string_view::npos ? stream.size() : newline;
        if (end - at >= max) {
            out.overflowed = true;
            break;
        }
        if (newline == std::string_view::npos) {
            break;  // an incomplete last line waits for more
        }
        std::string_view line = stream.substr(at, end - at);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        out.lines.emplace_back(line);
        at = newline + 1;
    }
    return out;
}

// What a LineFramer returns when `stream` arrives in pieces of the given sizes (all at once when
// there are none).
Framed framed_lines(std::string_view stream, std::size_t max,
                    std::span<const std::uint8_t> pieces) {
    ipc::LineFramer framer(max);
    Framed out;
    std::size_t at = 0;
    std::size_t piece = 0;
    while (at < stream.size()) {
        const std::size_t size = pieces.empty()
                                     ? stream.size()
                                     : std::size_t{1} + (pieces[piece++ % pieces.size()] % 16U);
        const std::size_t n = std::min(size, stream.size() - at);
        (void)framer.feed(std::span<const char>(stream.data() + at, n));
        at += n;
        while (auto line = framer.next()) {
            out.lines.push_back(std::move(*line));
        }
    }
    out.overflowed = framer.overflowed();
    return out;
}

void check_framing(std::string_view stream) {
    const std::span<const std::uint8_t> pieces(reinterpret_cast<const std::uint8_t*>(stream.data()),
                                               std::min<std::size_t>(stream.size(), 64));
    for (const std::size_t max : {std::size_t{16}, std::size_t{4096}}) {
        const Framed expected = expected_lines(stream, max);
        check(framed_lines(stream, max, {}) == expected);
        check(framed_lines(stream, max, pieces) == expected);
    }
}

// --- codecs ---

template <typename T>
void decode_and_round_trip(const ipc::Json& json) {
    auto decoded = ipc::read(json, ipc::As<T>{});
    if (!decoded.ok()) {
        check(!decoded.error().message.empty());
        return;
    }
    const ipc::Json encoded = ipc::to_json(*decoded);
    auto again = ipc::read(encoded, ipc::As<T>{});
    check(again.ok());
    check(ipc::to_json(*again) == encoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view stream(reinterpret_cast<const char*>(data), size);
    check_framing(stream);

    ipc::LineFramer framer(4096);
    (void)framer.feed(std::span<const char>(stream.data(), stream.size()));
    while (auto line = framer.next()) {
        auto decoded = ipc::decode(*line);
        auto* message = std::get_if<ipc::Message>(&decoded);
        if (message == nullptr) {
            check(!std::get<ipc::DecodeFailure>(decoded).error.message.empty());
            continue;
        }
        if (auto* request = std::get_if<ipc::Request>(message)) {
            // Every params decoder of the table, as tulled uses them, and every event's, as the
            // app and tullectl use them (an event is a request without an id).
            const ipc::Json& p = request->params;
            decode_and_round_trip<ipc::HelloMethod::Params>(p);
            ipc::Methods::for_each([&p](auto type) {
                using M = typename decltype(type)::type;
                decode_and_round_trip<typename M::Params>(p);
            });
            ipc::Events::for_each([&p](auto type) {
                using E = typename decltype(type)::type;
                decode_and_round_trip<typename E::Params>(p);
            });
            (void)ipc::encode(*request);
        } else if (auto* response = std::get_if<ipc::Response>(message)) {
            (void)ipc::encode(*response);
            if (!response->ok()) {
                continue;
            }
            // Every result decoder, as tullectl and the app use them.
            const ipc::Json& r = *response->outcome;
            (void)ipc::read_result<ipc::HelloMethod>(r);
            decode_and_round_trip<ipc::HelloMethod::Result>(r);
            ipc::Methods::for_each([&r](auto type) {
                using M = typename decltype(type)::type;
                (void)ipc::read_result<M>(r);
                decode_and_round_trip<typename M::Result>(r);
            });
        }
    }
    return 0;
}
