// tulled: the privileged helper of Tulle.
//
// Compatibility mode, as wireguard-go: `tulled IFNAME` creates the TUN device IFNAME, serves the
// WireGuard userspace API at /var/run/wireguard/IFNAME.sock for wg(8), and goes to the background
// once both are ready. `--foreground` or WG_PROCESS_FOREGROUND=1 keeps it in the foreground.
// Standalone mode: `tulled --config FILE` applies a wg-quick file itself, in the foreground.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <sodium.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "daemon/config_file.hpp"
#include "daemon/core/crypto.hpp"
#include "daemon/core/environment.hpp"
#include "daemon/device.hpp"
#include "daemon/log_hub.hpp"
#include "daemon/service.hpp"
#include "daemon/standalone.hpp"
#include "daemon/uapi_server.hpp"
#include "ipc/protocol.hpp"
#include "platform/system.hpp"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

bool env_is(const char* name, std::string_view value) {
    const char* set = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): before any thread
    return set != nullptr && value == set;
}

// LOG_LEVEL as wireguard-go reads it: error, verbose (or debug), silent.
spdlog::level::level_enum log_level() {
    if (env_is("LOG_LEVEL", "verbose") || env_is("LOG_LEVEL", "debug")) {
        return spdlog::level::debug;
    }
    if (env_is("LOG_LEVEL", "error")) {
        return spdlog::level::err;
    }
    if (env_is("LOG_LEVEL", "silent")) {
        return spdlog::level::off;
    }
    return spdlog::level::info;
}

std::shared_ptr<spdlog::logger> make_log(const std::string& name) {
    auto log = std::make_shared<spdlog::logger>(
        name, std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    log->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
    log->set_level(log_level());
    return log;
}

// TULLE_CRYPTO_WORKERS overrides how many threads help with encryption (0: none).
unsigned crypto_workers() {
    unsigned workers = tulle::daemon::WorkerPool::default_workers();
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read before the worker threads start
    if (const char* set = std::getenv("TULLE_CRYPTO_WORKERS"); set != nullptr) {
        workers = static_cast<unsigned>(std::min(std::strtoul(set, nullptr, 10), 16UL));
    }
    return workers;
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

// Hooks around the interface's life, for standalone mode.
struct Lifecycle {
    std::function<bool(tulle::daemon::Device&)> after_start;  // false: give up
    std::function<void()> before_stop;
};

int run_interface(boost::asio::io_context& io, const std::string& interface_name, int ready_fd,
                  const Lifecycle& lifecycle) {
    namespace asio = boost::asio;
    auto log = make_log(interface_name);
    if (!tulle::core::crypto::init()) {
        log->error("libsodium failed to initialise");
        return kExitFailure;
    }
    tulle::core::SystemEnvironment environment;
    auto sockets = tulle::platform::make_system_udp_socket_factory();
    try {
        auto tun = tulle::platform::make_system_tun_factory()->create(interface_name);
        tulle::daemon::WorkerPool workers(crypto_workers());
        tulle::daemon::Device device(io, std::move(tun), *sockets, environment, log, workers);
        tulle::daemon::UapiServer uapi(io, tulle::daemon::UapiServer::path_for(device.name()),
                                       device, log);
        device.start();
        uapi.start();
        if (lifecycle.after_start && !lifecycle.after_start(device)) {
            if (lifecycle.before_stop) {
                lifecycle.before_stop();
            }
            return kExitFailure;
        }
        device.on_closed = [&io] { io.stop(); };
        uapi.on_removed = [&io] { io.stop(); };
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
        if (lifecycle.before_stop) {
            lifecycle.before_stop();
        }
        uapi.stop();
        device.stop();
        log->info("{}: down", device.name());
    } catch (const std::system_error& error) {
        log->error("{}: {}", interface_name, error.what());
        return kExitFailure;
    }
    return 0;
}

int run_standalone(const std::string& path) {
    auto log = make_log("tulled");
    const std::string name = tulle::daemon::interface_name_for(path);
    if (name.empty()) {
        log->error(
            "{}: the file name (without .conf) must be a valid interface name of at most "
            "15 characters",
            path);
        return kExitUsage;
    }
    auto file = tulle::daemon::read_config_file(path);
    if (!file) {
        log->error("cannot read {}", file.error());
        return kExitFailure;
    }
    const auto hooks = tulle::daemon::hooks_allowed(*file);
    auto parsed = tulle::ipc::parse_config(file->text, path, hooks.ok());
    sodium_memzero(file->text.data(), file->text.size());
    if (!parsed.ok()) {
        for (const auto& error : parsed.error()) {
            log->error("{}", error.to_string());
        }
        if (!hooks) {
            log->error("{}: hooks are refused because {}", path, hooks.error());
        }
        return kExitFailure;
    }
    auto net = tulle::platform::make_system_net_config();
    auto firewall = tulle::platform::make_system_firewall();
    boost::asio::io_context io;
    // Endpoint host names are looked up on a thread of their own, so the loop never waits.
    tulle::daemon::ThreadResolver resolver(io);
    tulle::daemon::StandaloneTunnel tunnel(std::move(parsed).value(), *net, firewall.get(),
                                           resolver, log);
    if (!tunnel.before_interface(name)) {
        return kExitFailure;
    }
    // Once a second the kill switch (if any) follows the peers' endpoints, as the service's does.
    boost::asio::steady_timer ticker(io);
    std::function<void(tulle::daemon::Device&)> follow = [&](tulle::daemon::Device& device) {
        ticker.expires_after(std::chrono::seconds(1));
        ticker.async_wait([&](const boost::system::error_code& error) {
            if (!error) {
                tunnel.follow_endpoints(device.snapshot());
                follow(device);
            }
        });
    };
    return run_interface(io, name, -1,
                         Lifecycle{[&](tulle::daemon::Device& device) {
                                       if (!tunnel.bring_up(device)) {
                                           return false;
                                       }
                                       if (tunnel.kill_switch_on()) {
                                           follow(device);
                                       }
                                       return true;
                                   },
                                   [&] {
                                       ticker.cancel();
                                       tunnel.take_down();
                                   }});
}

// Service mode: the control socket, any number of tunnels, until SIGTERM.
int run_service(tulle::daemon::Service::Options options) {
    namespace asio = boost::asio;
    tulle::daemon::LogHub logs;
    auto log = logs.make_logger("tulled", log_level());
    if (!tulle::core::crypto::init()) {
        log->error("libsodium failed to initialise");
        return kExitFailure;
    }
    asio::io_context io;
    tulle::core::SystemEnvironment environment;
    try {
        auto tuns = tulle::platform::make_system_tun_factory();
        auto sockets = tulle::platform::make_system_udp_socket_factory();
        auto net = tulle::platform::make_system_net_config();
        auto firewall = tulle::platform::make_system_firewall();
        // One pool of crypto threads for every tunnel the service runs.
        tulle::daemon::WorkerPool workers(crypto_workers());
        tulle::daemon::ThreadResolver resolver(io);  // endpoint host names, off the loop
        tulle::daemon::Service service(
            io, std::move(options), logs, log,
            tulle::daemon::TunnelDeps{
                io, environment, *tuns, *sockets, *net, {}, workers, resolver, firewall.get()});
        service.start();
        asio::signal_set signals(io, SIGTERM, SIGINT);
        signals.async_wait([&](const boost::system::error_code& error, int signal) {
            if (!error) {
                log->info("signal {}: taking every tunnel down", signal);
                service.stop();
                io.stop();
            }
        });
        log->info("{} ready", tulle::ipc::version_text("tulled"));
        io.run();
        service.stop();
    } catch (const std::system_error& error) {
        log->error("{}", error.what());
        return kExitFailure;
    }
    log->info("stopped");
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
        "tulled --config FILE brings up the tunnel of a wg-quick file by itself (see --config).\n\n"
        "tulled with neither runs as the service (in the foreground, for systemd): the control "
        "socket /run/tulle/tulled.sock (group tulle) for the Tulle app and tullectl, any "
        "number of tunnels, the system tunnels of /etc/tulle marked for autostart.",
        "tulled"};
    app.set_version_flag("--version", tulle::ipc::version_text("tulled"));
    std::string interface_name;
    std::string config_path;
    bool foreground = false;
    auto* name_option =
        app.add_option("IFNAME", interface_name, "the interface to create (at most 15 characters)");
    app.add_option("-c,--config", config_path,
                   "standalone: bring up the tunnel this wg-quick file describes (interface "
                   "named after the file), with its addresses, MTU and routes; runs in the "
                   "foreground and takes it all down on exit")
        ->excludes(name_option);
    app.add_flag("-f,--foreground", foreground, "stay in the foreground");
    tulle::daemon::Service::Options service;
    app.add_option("--socket", service.socket_path, "service: the control socket's path")
        ->capture_default_str();
    app.add_option("--config-dir", service.config_directory,
                   "service: the folder of system tunnels (NAME.conf, root's, mode 0600)")
        ->capture_default_str();
    app.add_option("--group", service.group,
                   "service: the group whose members may use the control socket")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    std::signal(SIGPIPE, SIG_IGN);
    if (!config_path.empty()) {
        return run_standalone(config_path);
    }
    if (interface_name.empty()) {
        return run_service(service);
    }
    foreground = foreground || env_is("WG_PROCESS_FOREGROUND", "1");

    int ready_fd = -1;
    if (!foreground) {
        const int parent_result = fork_to_background(ready_fd);
        if (parent_result >= 0) {
            return parent_result;
        }
    }
    boost::asio::io_context io;
    return run_interface(io, interface_name, ready_fd, Lifecycle{});
}
