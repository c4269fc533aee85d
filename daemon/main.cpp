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
#include <optional>
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
#include "daemon/dns_control.hpp"
#include "daemon/log_hub.hpp"
#include "daemon/metrics.hpp"
#include "daemon/metrics_server.hpp"
#include "daemon/service.hpp"
#include "daemon/standalone.hpp"
#include "daemon/uapi_server.hpp"
#include "ipc/protocol.hpp"
#include "ipc/version.hpp"
#include "platform/network_monitor.hpp"
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

// TULLE_OFFLOADS=off: one packet per system call, as before TUN and UDP offloads (for
// comparison, and for kernels or interfaces where an offload misbehaves).
tulle::platform::Offloads offloads() {
    return tulle::platform::Offloads{!env_is("TULLE_OFFLOADS", "off")};
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

// --metrics: where to serve Prometheus metrics; unset: nowhere (the default).
using MetricsAt = std::optional<boost::asio::ip::tcp::endpoint>;

// Serves GET /metrics on `io` when asked to; throws std::system_error when it cannot listen.
std::unique_ptr<tulle::daemon::MetricsServer> serve_metrics(
    boost::asio::io_context& io, const MetricsAt& at,
    std::function<tulle::daemon::DaemonMetrics()> collect, std::shared_ptr<spdlog::logger> log) {
    if (!at) {
        return nullptr;
    }
    auto server = std::make_unique<tulle::daemon::MetricsServer>(
        io, tulle::daemon::MetricsServer::Options{*at},
        [collect = std::move(collect)] { return tulle::daemon::encode_metrics(collect()); },
        std::move(log));
    server->start();
    return server;
}

// Hooks around the interface's life, for standalone mode.
struct Lifecycle {
    std::function<bool(tulle::daemon::Device&)> after_start;  // false: give up
    std::function<void()> before_stop;
    std::function<void()> on_reload;  // SIGHUP; without it SIGHUP stops tulled, as before
};

// Calls `reload` on every SIGHUP, from the loop.
void on_hangup(boost::asio::signal_set& hangup, const std::function<void()>& reload) {
    hangup.async_wait([&hangup, reload](const boost::system::error_code& error, int /*signal*/) {
        if (error) {
            return;
        }
        reload();
        on_hangup(hangup, reload);
    });
}

int run_interface(boost::asio::io_context& io, const std::string& interface_name, int ready_fd,
                  const Lifecycle& lifecycle, const MetricsAt& metrics_at) {
    namespace asio = boost::asio;
    auto log = make_log(interface_name);
    if (!tulle::core::crypto::init()) {
        log->error("libsodium failed to initialise");
        return kExitFailure;
    }
    tulle::core::SystemEnvironment environment;
    auto sockets = tulle::platform::make_system_udp_socket_factory(offloads());
    try {
        auto tun = tulle::platform::make_system_tun_factory(offloads())->create(interface_name);
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
        const auto metrics = serve_metrics(
            io, metrics_at,
            [&device] {
                tulle::daemon::DaemonMetrics now;
                now.version = tulle::kVersion;
                now.tunnels.push_back(tulle::daemon::metrics_of(device.name(), device));
                return now;
            },
            log);
        device.on_closed = [&io] { io.stop(); };
        uapi.on_removed = [&io] { io.stop(); };
        asio::signal_set signals(io, SIGTERM, SIGINT);
        signals.async_wait([&](const boost::system::error_code& error, int signal) {
            if (!error) {
                log->info("{}: signal {}, shutting down", device.name(), signal);
                io.stop();
            }
        });
        asio::signal_set hangup(io);
        if (lifecycle.on_reload) {
            hangup.add(SIGHUP);
            on_hangup(hangup, lifecycle.on_reload);
        }
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

// Where tulled records what it set outside its interfaces (DNS), so the next start undoes what a
// killed one left: STATE_DIR/dns/IFNAME, root's alone.
std::string dns_records(const std::string& state_directory) {
    return state_directory + "/dns";
}

// Reads and parses a --config file; errors (with file and line) are logged.
std::optional<tulle::ipc::TunnelConfig> read_standalone(const std::string& path,
                                                        spdlog::logger& log) {
    auto file = tulle::daemon::read_config_file(path);
    if (!file) {
        log.error("cannot read {}", file.error());
        return std::nullopt;
    }
    const auto hooks = tulle::daemon::hooks_allowed(*file);
    auto parsed = tulle::ipc::parse_config(file->text, path, hooks.ok());
    sodium_memzero(file->text.data(), file->text.size());
    if (!parsed.ok()) {
        for (const auto& error : parsed.error()) {
            log.error("{}", error.to_string());
        }
        if (!hooks) {
            log.error("{}: hooks are refused because {}", path, hooks.error());
        }
        return std::nullopt;
    }
    return std::move(parsed).value();
}

int run_standalone(const std::string& path, const MetricsAt& metrics_at,
                   const std::string& state_directory) {
    auto log = make_log("tulled");
    const std::string name = tulle::daemon::interface_name_for(path);
    if (name.empty()) {
        log->error(
            "{}: the file name (without .conf) must be a valid interface name of at most "
            "15 characters",
            path);
        return kExitUsage;
    }
    auto config = read_standalone(path, *log);
    if (!config) {
        return kExitFailure;
    }
    auto net = tulle::platform::make_system_net_config();
    auto firewall = tulle::platform::make_system_firewall();
    boost::asio::io_context io;
    // Endpoint host names are looked up on a thread of their own, so the loop never waits.
    tulle::daemon::ThreadResolver resolver(io);
    auto system_dns = tulle::platform::make_system_dns();
    tulle::daemon::DnsControl dns(*system_dns, dns_records(state_directory), log);
    tulle::daemon::StandaloneTunnel tunnel(std::move(*config), *net, firewall.get(), resolver, dns,
                                           log);
    if (!tunnel.before_interface(name)) {
        return kExitFailure;
    }
    auto reload = [&tunnel, &log, &path, &name] {
        log->info("{}: SIGHUP: reading {} again", name, path);
        if (auto again = read_standalone(path, *log)) {
            (void)tunnel.reload(std::move(*again));
        } else {
            log->error("{}: reload: {} has errors; the tunnel runs on as it was", name, path);
        }
    };
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
                                   },
                                   reload},
                         metrics_at);
}

// Service mode: the control socket, any number of tunnels, until SIGTERM.
int run_service(tulle::daemon::Service::Options options, const MetricsAt& metrics_at,
                const std::string& state_directory) {
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
        auto tuns = tulle::platform::make_system_tun_factory(offloads());
        auto sockets = tulle::platform::make_system_udp_socket_factory(offloads());
        auto net = tulle::platform::make_system_net_config();
        auto firewall = tulle::platform::make_system_firewall();
        // One pool of crypto threads for every tunnel the service runs.
        tulle::daemon::WorkerPool workers(crypto_workers());
        tulle::daemon::ThreadResolver resolver(io);  // endpoint host names, off the loop
        auto system_dns = tulle::platform::make_system_dns();
        tulle::daemon::DnsControl dns(*system_dns, dns_records(state_directory), log);
        options.watch_network = tulle::platform::watch_network;
        tulle::daemon::Service service(io, std::move(options), logs, log,
                                       tulle::daemon::TunnelDeps{io,
                                                                 environment,
                                                                 *tuns,
                                                                 *sockets,
                                                                 *net,
                                                                 {},
                                                                 workers,
                                                                 resolver,
                                                                 dns,
                                                                 firewall.get()});
        // Before the tunnels start: an address that cannot be served stops tulled first.
        const auto metrics = serve_metrics(
            io, metrics_at, [&service] { return service.metrics(); }, log);
        service.start();
        asio::signal_set signals(io, SIGTERM, SIGINT);
        signals.async_wait([&](const boost::system::error_code& error, int signal) {
            if (!error) {
                log->info("signal {}: taking every tunnel down", signal);
                service.stop();
                io.stop();
            }
        });
        // SIGHUP (systemctl reload tulled): the system tunnels' files, applied live.
        asio::signal_set hangup(io, SIGHUP);
        on_hangup(hangup, [&service, &log] {
            log->info("SIGHUP: reloading");
            service.reload();
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

// --metrics and --metrics-allow-remote.
struct MetricsOptions {
    std::string address;
    bool allow_remote = false;
    CLI::Option* option = nullptr;

    void add_to(CLI::App& app) {
        option = app.add_option("--metrics", address,
                                "serve Prometheus metrics over HTTP at http://ADDRESS/metrics (off "
                                "by default): PORT or :PORT (on 127.0.0.1), ADDRESS, ADDRESS:PORT, "
                                "[IPV6]:PORT; the option alone means 127.0.0.1:9586")
                     ->expected(0, 1);
        app.add_flag("--metrics-allow-remote", allow_remote,
                     "let --metrics listen on an address that is not loopback (0.0.0.0 included): "
                     "whoever reaches it reads tunnel names, peers' public keys and traffic")
            ->needs(option);
    }
    // Where to serve them (an empty MetricsAt: nowhere), or nullopt after printing why the
    // address is refused.
    [[nodiscard]] std::optional<MetricsAt> where() const {
        if (option->count() == 0) {
            return MetricsAt{};
        }
        auto parsed = tulle::daemon::parse_metrics_address(address, allow_remote);
        if (!parsed) {
            std::fprintf(stderr, "tulled: %s\n", parsed.error().c_str());
            return std::nullopt;
        }
        return MetricsAt{*parsed};
    }
};

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
    MetricsOptions metrics;
    metrics.add_to(app);
    std::string state_directory = "/run/tulle";
    app.add_option("--state-dir", state_directory,
                   "service and standalone: where tulled records what it set outside its "
                   "interfaces (DNS, in dns/), so that the next start undoes what a killed "
                   "tulled left")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    const auto metrics_at = metrics.where();
    if (!metrics_at) {
        return kExitUsage;
    }

    std::signal(SIGPIPE, SIG_IGN);
    if (!config_path.empty()) {
        return run_standalone(config_path, *metrics_at, state_directory);
    }
    if (interface_name.empty()) {
        return run_service(service, *metrics_at, state_directory);
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
    return run_interface(io, interface_name, ready_fd, Lifecycle{}, *metrics_at);
}
