// A private D-Bus for tests: a dbus-daemon of its own on a socket in a temporary folder, and
// optionally the resolve1 test double (resolve1_double.cpp) on it, whose calls the test reads.
// Everything it started is stopped (by PID) when it goes.
#pragma once

#include <array>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <memory>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;  // NOLINT(readability-redundant-declaration): for posix_spawnp

namespace tulle::testing {

// A child process whose first line of output is read (a readiness line or an address).
class Child {
  public:
    // `quiet`: its errors go to /dev/null (dbus-daemon complains of limits it may not raise).
    explicit Child(std::vector<std::string> argv, bool quiet = false) {
        std::array<int, 2> out{};
        if (::pipe(out.data()) != 0) {
            return;
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, out[0]);
        if (quiet) {
            posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        }
        std::vector<char*> args;
        for (auto& arg : argv) {
            args.push_back(arg.data());
        }
        args.push_back(nullptr);
        if (::posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) {
            pid_ = -1;
        }
        posix_spawn_file_actions_destroy(&actions);
        ::close(out[1]);
        char c = 0;
        while (pid_ > 0 && ::read(out[0], &c, 1) == 1 && c != '\n') {
            first_line_ += c;
        }
        ::close(out[0]);
    }
    ~Child() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    [[nodiscard]] const std::string& first_line() const { return first_line_; }

  private:
    pid_t pid_ = -1;
    std::string first_line_;
};

class PrivateBus {
  public:
    // `refuse`: a resolve1 method the double answers with an error.
    explicit PrivateBus(bool with_resolved, const std::string& refuse = {}) {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "tulle-bus-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            return;
        }
        dir_ = pattern;
        daemon_ = std::make_unique<Child>(
            std::vector<std::string>{"dbus-daemon", "--session", "--nofork", "--print-address",
                                     "--address=unix:path=" + dir_ + "/bus"},
            true);
        address_ = daemon_->first_line();
        if (with_resolved && !address_.empty()) {
            std::vector<std::string> argv{TULLE_RESOLVE1_DOUBLE, address_, calls_path()};
            if (!refuse.empty()) {
                argv.insert(argv.end(), {"--refuse", refuse});
            }
            resolved_ = std::make_unique<Child>(argv);
            ready_ = resolved_->first_line() == "ready";
        } else {
            ready_ = !address_.empty();
        }
    }
    ~PrivateBus() {
        resolved_.reset();
        daemon_.reset();
        if (!dir_.empty()) {
            std::filesystem::remove_all(dir_);
        }
    }
    PrivateBus(const PrivateBus&) = delete;
    PrivateBus& operator=(const PrivateBus&) = delete;

    [[nodiscard]] bool ready() const { return ready_; }
    [[nodiscard]] const std::string& address() const { return address_; }
    [[nodiscard]] const std::string& dir() const { return dir_; }
    [[nodiscard]] std::string calls_path() const { return dir_ + "/calls"; }
    // The calls the double answered so far, one line each.
    [[nodiscard]] std::vector<std::string> calls() const {
        std::vector<std::string> lines;
        std::ifstream in(calls_path());
        for (std::string line; std::getline(in, line);) {
            lines.push_back(line);
        }
        return lines;
    }

  private:
    std::string dir_;
    std::string address_;
    std::unique_ptr<Child> daemon_;
    std::unique_ptr<Child> resolved_;
    bool ready_ = false;
};

// A fake resolvconf(8) in `dir` that appends its arguments and its standard input to
// `dir`/resolvconf.log and exits with `status` (after printing `say` if not empty).
inline std::string write_fake_resolvconf(const std::string& dir, int status = 0,
                                         const std::string& say = {}) {
    const std::string path = dir + "/resolvconf";
    std::ofstream script(path);
    script << "#!/bin/sh\n"
           << "{ echo \"args: $*\"; sed 's/^/stdin: /'; } >> '" << dir << "/resolvconf.log'\n";
    if (!say.empty()) {
        script << "echo '" << say << "' >&2\n";
    }
    script << "exit " << status << "\n";
    script.close();
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    return path;
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace tulle::testing
