// wg-quick files: the parser and the writer of ipc/wg_config, which the daemon, tullectl and the
// app share. Besides "no crash":
//
// - what parses, written out with its secrets, parses again to the same config (what
//   `tunnel.save` and the app's export write, the next start reads back unchanged);
// - written without its secrets, the text holds neither the private key nor a preshared key;
// - without hooks allowed the text parses exactly when it parses with hooks allowed and has none;
// - errors are at most kMaxParseErrors and one more that says parsing stopped, each on a line of
//   the text (or 0, the file as a whole), with a message.
//
// A failed property calls std::abort(), which libFuzzer reports as a crash.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ipc/wg_config.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

using tulle::fuzz::check;

bool has_hooks(const tulle::ipc::TunnelConfig& config) {
    const auto& i = config.iface;
    return !i.pre_up.empty() || !i.post_up.empty() || !i.pre_down.empty() || !i.post_down.empty();
}

void check_errors(const std::vector<tulle::ipc::ParseError>& errors, std::string_view text) {
    check(!errors.empty());
    check(errors.size() <= tulle::ipc::kMaxParseErrors + 1);
    const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
    for (const auto& error : errors) {
        check(error.line >= 0 && error.line <= lines);
        check(!error.message.empty());
        check(error.file == "fuzz.conf");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto with_hooks = tulle::ipc::parse_config(text, "fuzz.conf", true);
    auto without_hooks = tulle::ipc::parse_config(text, "fuzz.conf", false);
    if (!with_hooks) {
        check_errors(with_hooks.error(), text);
        check(!without_hooks);
        check_errors(without_hooks.error(), text);
        return 0;
    }
    const tulle::ipc::TunnelConfig& config = *with_hooks;
    if (has_hooks(config)) {
        check(!without_hooks);
        check_errors(without_hooks.error(), text);
    } else {
        check(without_hooks.ok() && *without_hooks == config);
    }

    const std::string written = tulle::ipc::write_config(config, true);
    auto again = tulle::ipc::parse_config(written, "fuzz.conf", true);
    check(again.ok());
    check(*again == config);
    // Writing is stable: the second text is the first.
    check(tulle::ipc::write_config(*again, true) == written);

    // A secret may equal another value of the file (a peer's public key, a name); only secrets
    // that appear nowhere else are looked for.
    std::string others;
    std::size_t at = 0;
    while (at < written.size()) {
        const std::size_t end = written.find('\n', at);
        const std::string_view line = std::string_view(written).substr(at, end - at);
        at = end + 1;
        if (!line.starts_with("PrivateKey = ") && !line.starts_with("PresharedKey = ")) {
            others.append(line).append("\n");
        }
    }
    const std::string shown = tulle::ipc::write_config(config, false);
    auto check_hidden = [&](const tulle::value::SecretKey& key) {
        const std::string text = key.to_base64();
        if (others.find(text) == std::string::npos) {
            check(shown.find(text) == std::string::npos);
        }
    };
    check_hidden(config.iface.private_key);
    for (const auto& peer : config.peers) {
        if (peer.preshared_key) {
            check_hidden(*peer.preshared_key);
        }
    }
    return 0;
}
