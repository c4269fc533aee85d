// tulled: the privileged helper of Tulle. It will own TUN devices, addresses, routes and the
// encrypted UDP tunnel; this build carries the WireGuard protocol engine and the control protocol
// library, and no data plane yet, which its --help says.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "daemon/core/crypto.hpp"
#include "ipc/protocol.hpp"

int main(int argc, char** argv) {
    CLI::App app{
        "tulled - the privileged helper service of Tulle, a desktop mesh VPN that speaks the "
        "WireGuard protocol.\n"
        "It will create TUN interfaces and carry their traffic over encrypted UDP, configured by "
        "the stock wg tool and by the Tulle app and tullectl over a local control socket.\n"
        "This build contains the protocol engine only: it has no data plane yet, so it can "
        "report its version and exit.",
        "tulled"};
    app.set_version_flag("--version", tulle::ipc::version_text("tulled"));
    CLI11_PARSE(app, argc, argv);

    if (!tulle::core::crypto::init()) {
        std::fputs("tulled: libsodium failed to initialise\n", stderr);
        return 1;
    }
    std::fputs("tulled: this build has no data plane yet; nothing to run (see tulled --help)\n",
               stderr);
    return 2;
}
