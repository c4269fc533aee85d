// tulled: the privileged helper of Tulle.
//
// Compatibility mode, as wireguard-go: `tulled IFNAME` creates the TUN device IFNAME, serves the
// WireGuard userspace API at /var/run/wireguard/IFNAME.sock for wg(8), and goes to the background
// once both are ready. `--foreground` or WG_PROCESS_FOREGROUND=1 keeps it in the foreground.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <memory>
#include <string>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "daemon/core/crypto.hpp"
#include "daemon/core/environment.hpp"
#include "daemon/device.hpp"
#include "daemon/uapi_server.hpp"
#include "ipc/protocol.hpp"
#include "platform/system.hpp"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

bool env_is(const char* name, std::string_view value) {
    const char* set = std::getenv(name);
    return set != nullptr && value == set;
}

std::shared_ptr<spdlog::logger> make_log(const std::string& name) {
    auto log = std::make_shared<spdlog::logger>(
        name, std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    log->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
    // LOG_LEVEL as wireguard-go reads it: error, verbose (or debug), silent.
    if (env_is("LOG_LEVEL", "verbose") || env_is("LOG_LEVEL", "debug")) {
        log->set_level(spdlog::level::debug);
    } else if (env_is("LOG_LEVEL", "error")) {
        log->set_level(spdlog::level::err);
    } else if (env_is("LOG_LEVEL", "silent")) {
        log->set_level(spdlog::level::off);
    } else {
        log->set_level(spdlog::level::info);
    }
    return log;
}

// Tells the parent that waits in the foreground that the interface is ready, then lets go of
// the terminal.
void detach(int ready_fd) {
    if (ready_fd < 0) {
        return;
    }
    const char ok = 1;
    (void)!::write(ready_fd, &ok, 1);
    ::close(ready_fd);
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        ::dup2(null, STDIN_FILENO);
        ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
        ::close(null);
    }
}

int run_interface(const std::string& interface_name, int ready_fd) {
    namespace asio = boost::asio;
    auto log = make_log(interface_name);
    if (!tulle::core::crypto::init()) {
        log->error("libsodium failed to initialise");
        return kExitFailure;
    }
    asio::io_context io;
    tulle::core::SystemEnvironment environment;
    auto sockets = tulle::platform::make_system_udp_socket_factory();
    try {
        auto tun = tulle::platform::make_system_tun_factory()->create(interface_name);
        tulle::daemon::Device device(io, std::move(tun), *sockets, environment, log);
        tulle::daemon::UapiServer uapi(io, tulle::daemon::UapiServer::path_for(device.name()),
                                       device, log);
        device.start();
        uapi.start();
        device.on_closed = [&io] { io.stop(); };
        asio::signal_set signals(io, SIGTERM, SIGINT);
        signals.async_wait([&](const boost::system::error_code& error, int signal) {
            if (!error) {
                log->info("{}: signal {}, shutting down", device.name(), signal);
                io.stop();
            }
        });
        log->info("{}: ready; UAPI at {}", device.name(), uapi.path());
        detach(ready_fd);
        io.run();
        uapi.stop();
        device.stop();
        log->info("{}: down", device.name());
    } catch (const std::system_error& error) {
        log->error("{}: {}", interface_name, error.what());
        return kExitFailure;
    }
    return 0;
}

// Forks; the parent returns once the child reports the interface ready (0) or dies (1).
// Returns -1 in the child, with the write end of the readiness pipe in ready_fd.
int fork_to_background(int& ready_fd) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        std::perror("tulled: pipe");
        return kExitFailure;
    }
    const pid_t child = ::fork();
    if (child < 0) {
        std::perror("tulled: fork");
        return kExitFailure;
    }
    if (child == 0) {
        ::close(fds[0]);
        ::setsid();
        ready_fd = fds[1];
        return -1;
    }
    ::close(fds[1]);
    char ok = 0;
    ssize_t n = 0;
    do {
        n = ::read(fds[0], &ok, 1);
    } while (n < 0 && errno == EINTR);
    ::close(fds[0]);
    if (n == 1) {
        return 0;
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "tulled - the privileged helper service of Tulle, a desktop mesh VPN that speaks the "
        "WireGuard protocol.\n\n"
        "tulled IFNAME creates the TUN interface IFNAME, serves the WireGuard userspace API at "
        "/var/run/wireguard/IFNAME.sock so that wg(8) configures it (wg setconf, wg set, wg "
        "show), and carries its traffic over UDP. It returns once the interface is ready and "
        "goes on in the background; --foreground or WG_PROCESS_FOREGROUND=1 keeps it in the "
        "foreground. SIGTERM or deleting the interface stops it. It works as "
        "WG_QUICK_USERSPACE_IMPLEMENTATION for wg-quick.\n\n"
        "Not built yet: the service mode (no IFNAME) with the control socket for the Tulle app "
        "and tullectl.",
        "tulled"};
    app.set_version_flag("--version", tulle::ipc::version_text("tulled"));
    std::string interface_name;
    bool foreground = false;
    app.add_option("IFNAME", interface_name, "the interface to create (at most 15 characters)");
    app.add_flag("-f,--foreground", foreground, "stay in the foreground");
    CLI11_PARSE(app, argc, argv);

    if (interface_name.empty()) {
        std::fputs(
            "tulled: give an interface name (tulled IFNAME); the service mode is not built yet\n",
            stderr);
        return kExitUsage;
    }
    foreground = foreground || env_is("WG_PROCESS_FOREGROUND", "1");
    std::signal(SIGPIPE, SIG_IGN);

    int ready_fd = -1;
    if (!foreground) {
        const int parent_result = fork_to_background(ready_fd);
        if (parent_result >= 0) {
            return parent_result;
        }
    }
    return run_interface(interface_name, ready_fd);
}
