#include "platform/linux/dns_linux.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <memory>
#include <net/if.h>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <system_error>
#include <systemd/sd-bus.h>
#include <unistd.h>
#include <vector>

#include "value/unique_fd.hpp"

extern char** environ;  // NOLINT(readability-redundant-declaration): for posix_spawnp

namespace tulle::platform::linux_impl {
namespace {

using value::DnsManager;

constexpr const char* kResolve1 = "org.freedesktop.resolve1";
constexpr const char* kResolve1Path = "/org/freedesktop/resolve1";
constexpr const char* kResolve1Manager = "org.freedesktop.resolve1.Manager";

// ---- systemd-resolved ---------------------------------------------------------------------------

struct BusClose {
    void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
using Bus = std::unique_ptr<sd_bus, BusClose>;

struct MessageUnref {
    void operator()(sd_bus_message* message) const { sd_bus_message_unref(message); }
};
using Message = std::unique_ptr<sd_bus_message, MessageUnref>;

// An sd_bus_error freed on every path.
struct BusError {
    sd_bus_error error{};  // SD_BUS_ERROR_NULL, which is a C compound literal
    BusError() = default;
    BusError(const BusError&) = delete;
    BusError& operator=(const BusError&) = delete;
    ~BusError() { sd_bus_error_free(&error); }
    [[nodiscard]] std::string text(int code) const {
        if (sd_bus_error_is_set(&error) != 0 && error.message != nullptr) {
            return error.message;
        }
        return std::generic_category().message(-code);
    }
};

// The bus, or none when it cannot be reached (then resolved is not there for us either).
Bus open_bus(const std::string& address, std::chrono::milliseconds timeout) {
    sd_bus* raw = nullptr;
    if (address.empty()) {
        if (sd_bus_open_system(&raw) < 0) {
            return nullptr;
        }
    } else {
        if (sd_bus_new(&raw) < 0) {
            return nullptr;
        }
        Bus bus(raw);
        if (sd_bus_set_address(raw, address.c_str()) < 0 || sd_bus_set_bus_client(raw, 1) < 0 ||
            sd_bus_start(raw) < 0) {
            return nullptr;
        }
        raw = bus.release();
    }
    Bus bus(raw);
    const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
    (void)sd_bus_set_method_call_timeout(raw, static_cast<std::uint64_t>(usec));
    return bus;
}

// Whether systemd-resolved's name is on the bus (asking never starts it).
bool resolved_present(sd_bus* bus) {
    BusError error;
    sd_bus_message* raw = nullptr;
    if (sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                           "org.freedesktop.DBus", "NameHasOwner", &error.error, &raw, "s",
                           kResolve1) < 0) {
        return false;
    }
    const Message reply(raw);
    int has = 0;
    return sd_bus_message_read(raw, "b", &has) >= 0 && has != 0;
}

[[noreturn]] void resolved_failed(const char* method, std::string_view ifname,
                                  const std::string& why) {
    throw std::runtime_error("systemd-resolved refused " + std::string(method) + " for " +
                             std::string(ifname) + ": " + why);
}

Message new_call(sd_bus* bus, const char* method) {
    sd_bus_message* raw = nullptr;
    if (const int r = sd_bus_message_new_method_call(bus, &raw, kResolve1, kResolve1Path,
                                                     kResolve1Manager, method);
        r < 0) {
        throw std::runtime_error(std::string("systemd-resolved: cannot make ") + method + ": " +
                                 std::generic_category().message(-r));
    }
    return Message(raw);
}

// Sends a call built by `fill` (after the link index); the error text on refusal, or nothing.
template <typename Fill>
std::optional<std::string> call(sd_bus* bus, const char* method, std::uint32_t ifindex,
                                const Fill& fill) {
    Message message = new_call(bus, method);
    int r = sd_bus_message_append(message.get(), "i", static_cast<std::int32_t>(ifindex));
    if (r >= 0) {
        r = fill(message.get());
    }
    if (r < 0) {
        return "cannot build the call: " + std::generic_category().message(-r);
    }
    BusError error;
    r = sd_bus_call(bus, message.get(), 0, &error.error, nullptr);
    if (r < 0) {
        return error.text(r);
    }
    return std::nullopt;
}

int append_servers(sd_bus_message* m, const DnsSettings& settings) {
    int r = sd_bus_message_open_container(m, 'a', "(iay)");
    for (const auto& server : settings.servers) {
        if (r < 0) {
            break;
        }
        const auto bytes = server.bytes();
        r = sd_bus_message_open_container(m, 'r', "iay");
        if (r >= 0) {
            r = sd_bus_message_append(m, "i", server.is_v4() ? AF_INET : AF_INET6);
        }
        if (r >= 0) {
            r = sd_bus_message_append_array(m, 'y', bytes.data(), bytes.size());
        }
        if (r >= 0) {
            r = sd_bus_message_close_container(m);
        }
    }
    return r < 0 ? r : sd_bus_message_close_container(m);
}

int append_domains(sd_bus_message* m, const DnsSettings& settings) {
    int r = sd_bus_message_open_container(m, 'a', "(sb)");
    for (const auto& domain : settings.search) {
        if (r >= 0) {
            r = sd_bus_message_append(m, "(sb)", domain.c_str(), 0);
        }
    }
    if (r >= 0 && settings.full_tunnel) {
        r = sd_bus_message_append(m, "(sb)", "~.", 1);  // every name: routing only
    }
    return r < 0 ? r : sd_bus_message_close_container(m);
}

void revert_link(sd_bus* bus, std::string_view ifname, std::uint32_t ifindex, bool link_gone) {
    const auto refused = call(bus, "RevertLink", ifindex, [](sd_bus_message*) { return 0; });
    // A link resolved no longer knows (it went with its interface) has nothing left to undo.
    if (refused && !link_gone) {
        resolved_failed("RevertLink", ifname, *refused);
    }
}

DnsEntry apply_resolved(sd_bus* bus, std::string_view ifname, std::uint32_t ifindex,
                        const DnsSettings& settings) {
    const auto fail_after = [&](const char* method, const std::string& why) {
        try {
            revert_link(bus, ifname, ifindex, true);
        } catch (const std::runtime_error&) {  // the first refusal is the one to tell
        }
        resolved_failed(method, ifname, why);
    };
    if (auto refused = call(bus, "SetLinkDNS", ifindex,
                            [&](sd_bus_message* m) { return append_servers(m, settings); })) {
        fail_after("SetLinkDNS", *refused);
    }
    if (auto refused = call(bus, "SetLinkDomains", ifindex,
                            [&](sd_bus_message* m) { return append_domains(m, settings); })) {
        fail_after("SetLinkDomains", *refused);
    }
    // A full tunnel answers every name; a split tunnel with search domains only those under
    // them, so the other links keep the rest. Without domains its servers are the only reason
    // to list them, so they take names too.
    const bool default_route = settings.full_tunnel || settings.search.empty();
    if (auto refused = call(bus, "SetLinkDefaultRoute", ifindex, [&](sd_bus_message* m) {
            return sd_bus_message_append(m, "b", default_route ? 1 : 0);
        })) {
        fail_after("SetLinkDefaultRoute", *refused);
    }
    return DnsEntry{DnsManager::resolved, std::string(ifname), ifindex, 0};
}

// ---- resolvconf ---------------------------------------------------------------------------------

struct RunResult {
    bool found = true;    // false: the program is not there
    std::string failure;  // empty: exit status 0
};

// Reads what the program says (at most about 1,000 bytes kept) until it closes its output; false
// when that takes longer than `timeout`.
bool read_output(int fd, std::chrono::milliseconds timeout, std::string& said) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return false;
        }
        pollfd wait{fd, POLLIN, 0};
        const int ready = ::poll(&wait, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            return ready != 0;
        }
        std::array<char, 512> buffer{};
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return true;
        }
        if (said.size() < 1000) {
            said.append(buffer.data(), static_cast<std::size_t>(n));
        }
    }
}

// Runs argv with `input` on its standard input and waits at most `timeout` for it to end.
RunResult run(const std::vector<std::string>& argv, const std::string& input,
              std::chrono::milliseconds timeout) {
    // A socket pair rather than a pipe: MSG_NOSIGNAL, so a program that exits without reading
    // cannot raise SIGPIPE here. The program's output and errors come back on the other.
    std::array<int, 2> in{};
    std::array<int, 2> out{};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in.data()) != 0) {
        return {true, "socketpair: " + std::generic_category().message(errno)};
    }
    value::UniqueFd in_parent(in[0]);
    value::UniqueFd in_child(in[1]);
    if (::pipe2(out.data(), O_CLOEXEC) != 0) {
        return {true, "pipe: " + std::generic_category().message(errno)};
    }
    value::UniqueFd out_parent(out[0]);
    value::UniqueFd out_child(out[1]);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_child.get(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out_child.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out_child.get(), STDERR_FILENO);
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& arg : argv) {
        args.push_back(
            const_cast<char*>(arg.c_str()));  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    }
    args.push_back(nullptr);
    pid_t pid = 0;
    const int spawned = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned == ENOENT) {
        return {false, {}};
    }
    if (spawned != 0) {
        return {true, "cannot run " + argv[0] + ": " + std::generic_category().message(spawned)};
    }
    in_child.reset();
    out_child.reset();
    for (std::size_t done = 0; done < input.size();) {
        const ssize_t n =
            ::send(in_parent.get(), input.data() + done, input.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;  // it stopped reading; its exit status tells
        }
        done += static_cast<std::size_t>(n);
    }
    in_parent.reset();  // end of its input

    std::string said;
    const bool timed_out = !read_output(out_parent.get(), timeout, said);
    if (timed_out) {
        ::kill(pid, SIGKILL);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    while (!said.empty() && (said.back() == '\n' || said.back() == ' ')) {
        said.pop_back();
    }
    std::string failure;
    if (timed_out) {
        failure = "did not finish within " + std::to_string(timeout.count()) + " ms";
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        return {};
    } else if (WIFEXITED(status)) {
        failure = "exit status " + std::to_string(WEXITSTATUS(status));
    } else {
        failure = "killed by signal " + std::to_string(WTERMSIG(status));
    }
    return {true, failure + (said.empty() ? std::string() : ": " + said)};
}

std::uint32_t index_of(std::string_view ifname) {
    return ::if_nametoindex(std::string(ifname).c_str());
}

// This thread's network namespace; 0 when it cannot be told.
std::uint64_t own_network() {
    struct stat info {};
    return ::stat("/proc/self/ns/net", &info) == 0 ? static_cast<std::uint64_t>(info.st_ino) : 0;
}

}  // namespace

std::string resolvconf_record(std::string_view ifname) {
    return "tun." + std::string(ifname);
}

std::string resolvconf_text(const DnsSettings& settings) {
    std::string text;
    for (const auto& server : settings.servers) {
        text += "nameserver " + server.to_string() + "\n";
    }
    if (!settings.search.empty()) {
        text += "search";
        for (const auto& domain : settings.search) {
            text += " " + domain;
        }
        text += "\n";
    }
    return text;
}

DnsEntry DnsLinux::apply(std::string_view ifname, const DnsSettings& settings) {
    const std::uint32_t ifindex = index_of(ifname);
    if (ifindex == 0) {
        throw std::runtime_error("DNS for " + std::string(ifname) +
                                 ": no such interface: " + std::generic_category().message(errno));
    }
    if (const Bus bus = open_bus(options_.bus_address, options_.timeout);
        bus && resolved_present(bus.get())) {
        DnsEntry entry = apply_resolved(bus.get(), ifname, ifindex, settings);
        entry.network = own_network();
        return entry;
    }
    const RunResult ran =
        run({options_.resolvconf, "-a", resolvconf_record(ifname), "-m", "0", "-x"},
            resolvconf_text(settings), options_.timeout);
    if (!ran.found) {
        return DnsEntry{DnsManager::none, std::string(ifname), ifindex, 0};
    }
    if (!ran.failure.empty()) {
        // It may have taken part of it: -f makes the removal quiet if it took nothing.
        (void)run({options_.resolvconf, "-d", resolvconf_record(ifname), "-f"}, {},
                  options_.timeout);
        throw std::runtime_error("resolvconf -a " + resolvconf_record(ifname) +
                                 " failed: " + ran.failure);
    }
    return DnsEntry{DnsManager::resolvconf, std::string(ifname), ifindex, own_network()};
}

void DnsLinux::revert(const DnsEntry& entry) {
    switch (entry.manager) {
        case DnsManager::resolved: {
            std::array<char, IF_NAMESIZE> name{};
            const bool index_used = ::if_indextoname(entry.ifindex, name.data()) != nullptr;
            if (index_used && entry.ifname != name.data()) {
                return;  // another interface has the index now: resolved forgot ours with it
            }
            const Bus bus = open_bus(options_.bus_address, options_.timeout);
            if (!bus || !resolved_present(bus.get())) {
                return;  // resolved stopped since: what it held went with it
            }
            revert_link(bus.get(), entry.ifname, entry.ifindex, !index_used);
            return;
        }
        case DnsManager::resolvconf: {
            const RunResult ran =
                run({options_.resolvconf, "-d", resolvconf_record(entry.ifname), "-f"}, {},
                    options_.timeout);
            if (ran.found && !ran.failure.empty()) {
                throw std::runtime_error("resolvconf -d " + resolvconf_record(entry.ifname) +
                                         " failed: " + ran.failure);
            }
            return;
        }
        case DnsManager::none:
            return;
    }
}

bool DnsLinux::interface_lives(const DnsEntry& entry) {
    if (entry.network != own_network()) {
        return true;  // not ours to judge: another namespace's interface
    }
    return entry.ifindex != 0 && index_of(entry.ifname) == entry.ifindex;
}

}  // namespace tulle::platform::linux_impl
