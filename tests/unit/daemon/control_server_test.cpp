// The control socket's guards against its own users, on a real Unix socket in a temporary folder
// with the loop run by the test: connections per user and root's reserve (other users are real:
// child processes that switch to uid 65534 and 65533), deadlines for daemon.hello and for
// unfinished lines, a memory budget over all clients, and memory handed back when clients go.
#include "daemon/control_server.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <grp.h>
#include <memory>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include "ipc/jsonrpc.hpp"
#include "ipc/messages.hpp"
#include "ipc/methods.hpp"
#include "platform/memory.hpp"
#include "tests/unit/daemon/run_loop.hpp"

// ASan's allocator (clang's __has_feature, gcc's __SANITIZE_ADDRESS__).
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TULLE_TEST_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TULLE_TEST_UNDER_ASAN 1
#endif

namespace tulle::daemon {
namespace {

using namespace std::chrono_literals;
using ipc::ErrorCode;
using ipc::Json;
using testing::run_until;

constexpr std::uint32_t kGroup = 65534;  // the socket's group; the children below are in it
constexpr std::uint32_t kUser = 65534;
constexpr std::uint32_t kOtherUser = 65533;

std::string hello_line() {
    ipc::HelloParams hello;
    hello.client = "control_server_test";
    return ipc::encode(ipc::Request{1, std::string(ipc::HelloMethod::name), ipc::to_json(hello)});
}

std::optional<ipc::Response> response_of(const std::string& line) {
    auto decoded = ipc::decode(line);
    if (auto* message = std::get_if<ipc::Message>(&decoded)) {
        if (auto* response = std::get_if<ipc::Response>(message)) {
            return *response;
        }
    }
    return std::nullopt;
}

int connect_to(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof(address.sun_path) - 1);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// A client of this process (root, as the test runs), non-blocking: while it waits, the test's
// loop runs, so the server answers.
class Client {
  public:
    Client(boost::asio::io_context& io, const std::string& path) : io_(io), fd_(connect_to(path)) {
        if (fd_ >= 0) {
            ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
        }
    }
    ~Client() { close(); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    [[nodiscard]] bool connected() const { return fd_ >= 0; }
    void close() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

    // Sends everything, running the loop while the socket is full.
    bool send(const std::string& bytes) {
        std::size_t done = 0;
        return run_until(io_,
                         [&] {
                             const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done,
                                                      MSG_NOSIGNAL | MSG_DONTWAIT);
                             if (n > 0) {
                                 done += static_cast<std::size_t>(n);
                             }
                             return done == bytes.size() || (n < 0 && errno != EAGAIN);
                         }) &&
               done == bytes.size();
    }

    // The next line; nullopt once the server closed (or after `limit`).
    std::optional<std::string> line(std::chrono::milliseconds limit = 5s) {
        std::optional<std::string> out;
        run_until(
            io_,
            [&] {
                if (auto at = buffer_.find('\n'); at != std::string::npos) {
                    out = buffer_.substr(0, at);
                    buffer_.erase(0, at + 1);
                    return true;
                }
                return !pull();
            },
            limit);
        return out;
    }

    ipc::Response call(const std::string& method, Json params = Json::object()) {
        const int id = next_id_++;
        send(ipc::encode(ipc::Request{id, method, std::move(params)}));
        while (auto text = line()) {
            if (auto response = response_of(*text); response && response->id == id) {
                return *response;
            }
        }
        return ipc::Response{id, ipc::refuse(ErrorCode::internal_error, "no answer")};
    }

    bool hello() {
        ipc::HelloParams hello;
        hello.client = "control_server_test";
        return call(std::string(ipc::HelloMethod::name), ipc::to_json(hello)).ok();
    }

    // Reads until the server closes; the lines it sent on the way are kept in `seen`. False if
    // it is still open after `limit`.
    bool closed_by_server(std::chrono::milliseconds limit = 5s) {
        return run_until(
            io_, [&] { return !pull(); }, limit);
    }
    [[nodiscard]] const std::string& seen() const { return buffer_; }

  private:
    // Takes what has arrived; false once the server closed.
    bool pull() {
        std::array<char, 65536> chunk{};
        const ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), MSG_DONTWAIT);
        if (n > 0) {
            buffer_.append(chunk.data(), static_cast<std::size_t>(n));
            return true;
        }
        return n < 0 && errno == EAGAIN;
    }

    boost::asio::io_context& io_;
    int fd_ = -1;
    std::string buffer_;
    int next_id_ = 1;
};

// Another user: a child process that switches to `uid` (group kGroup), opens `count`
// connections, says hello on each and reports the first line each got back; it holds its
// connections until release(). Its subscribers (subscribe = true) never read after that.
class OtherUser {
  public:
    OtherUser(boost::asio::io_context& io, const std::string& path, std::uint32_t uid,
              std::size_t count, bool subscribe = false)
        : io_(io) {
        int report[2];
        int hold[2];
        if (::pipe2(report, O_CLOEXEC) != 0 || ::pipe2(hold, O_CLOEXEC) != 0) {
            return;
        }
        const std::string hello = hello_line();
        const std::string subscription =
            ipc::encode(ipc::Request{2, "subscribe", Json{{"topics", Json::array({"log"})}}});
        pid_ = ::fork();
        if (pid_ == 0) {
            // Only what the child needs: copies of the test's sockets would keep them open.
            for (int fd = 3; fd < 4096; ++fd) {
                if (fd != report[1] && fd != hold[0]) {
                    ::close(fd);
                }
            }
            const gid_t group = kGroup;
            if (::setgroups(1, &group) != 0 || ::setgid(kGroup) != 0 || ::setuid(uid) != 0) {
                ::_exit(2);
            }
            std::vector<int> fds;
            for (std::size_t i = 0; i < count; ++i) {
                fds.push_back(connect_to(path));
                const std::string out = subscribe ? hello + subscription : hello;
                // The server may have refused and closed this one already: no SIGPIPE.
                (void)!::send(fds.back(), out.data(), out.size(), MSG_NOSIGNAL);
            }
            for (const int fd : fds) {
                timeval timeout{10, 0};
                ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
                std::string line;
                char c = 0;
                while (::read(fd, &c, 1) == 1 && c != '\n') {
                    line += c;
                }
                line += '\n';
                (void)!::write(report[1], line.data(), line.size());
            }
            (void)!::write(report[1], "done\n", 5);
            char c = 0;
            (void)!::read(hold[0], &c, 1);  // until the parent lets go
            ::_exit(0);
        }
        ::close(report[1]);
        ::close(hold[0]);
        report_ = report[0];
        hold_ = hold[1];
        ::fcntl(report_, F_SETFL, ::fcntl(report_, F_GETFL) | O_NONBLOCK);
    }
    ~OtherUser() { release(); }
    OtherUser(const OtherUser&) = delete;
    OtherUser& operator=(const OtherUser&) = delete;

    // The first line each connection got, in order of connecting.
    std::vector<std::string> answers() {
        std::string text;
        run_until(
            io_,
            [&] {
                std::array<char, 4096> chunk{};
                ssize_t n = 0;
                while ((n = ::read(report_, chunk.data(), chunk.size())) > 0) {
                    text.append(chunk.data(), static_cast<std::size_t>(n));
                }
                return text.ends_with("done\n") || n == 0;
            },
            20s);
        std::vector<std::string> lines;
        std::size_t from = 0;
        for (auto at = text.find('\n'); at != std::string::npos; at = text.find('\n', from)) {
            lines.push_back(text.substr(from, at - from));
            from = at + 1;
        }
        if (!lines.empty() && lines.back() == "done") {
            lines.pop_back();
        }
        return lines;
    }

    // Ends the child, and with it its connections.
    void release() {
        if (pid_ <= 0) {
            return;
        }
        ::close(hold_);
        ::close(report_);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }

  private:
    boost::asio::io_context& io_;
    pid_t pid_ = -1;
    int report_ = -1;
    int hold_ = -1;
};

class ControlServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "tulle-control-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
        ::chmod(dir_.c_str(), 0755);  // other users reach the socket through it
        options_.path = dir_ + "/run/tulled.sock";
        options_.group = kGroup;
    }

    void TearDown() override {
        if (server_) {
            server_->stop();
            io_.restart();
            io_.poll();
            server_.reset();
        }
        std::filesystem::remove_all(dir_);
    }

    void start() {
        server_ = std::make_unique<ControlServer>(
            io_, options_,
            [](ControlClient& client, const ipc::Request& request) {
                if (request.method == "subscribe") {
                    client.topics = ipc::kAllTopics;
                }
                return ipc::Response{request.id, Json{{"method", request.method}}};
            },
            std::make_shared<spdlog::logger>("test",
                                             std::make_shared<spdlog::sinks::null_sink_mt>()));
        server_->start();
    }

    std::unique_ptr<Client> greeted_client() {
        auto client = std::make_unique<Client>(io_, options_.path);
        EXPECT_TRUE(client->connected());
        EXPECT_TRUE(client->hello());
        return client;
    }

    // One event of `size` bytes to every subscriber.
    void publish(std::size_t size) {
        server_->publish(ipc::Topic::log,
                         ipc::Request{nullptr, "log", Json{{"text", std::string(size, 'e')}}});
    }

    // Runs the loop until the server has `count` clients.
    bool clients_become(std::size_t count) {
        return run_until(io_, [&] { return server_->client_count() == count; });
    }

    static bool running_as_root() { return ::geteuid() == 0; }

    std::string dir_;
    ControlServer::Options options_;
    boost::asio::io_context io_;
    std::unique_ptr<ControlServer> server_;
};

int ok_count(const std::vector<std::string>& answers) {
    return static_cast<int>(std::count_if(answers.begin(), answers.end(), [](const auto& line) {
        auto response = response_of(line);
        return response && response->ok();
    }));
}

TEST_F(ControlServerTest, OneUserCannotLockRootOut) {
    if (!running_as_root()) {
        GTEST_SKIP() << "other users are child processes that switch uid: run as root";
    }
    start();
    // The attack: one group member opens as many connections as the server used to take.
    OtherUser user(io_, options_.path, kUser, ControlServer::kMaxClients);
    const auto answers = user.answers();
    ASSERT_EQ(answers.size(), ControlServer::kMaxClients);
    EXPECT_EQ(ok_count(answers), static_cast<int>(ControlServer::kMaxClientsPerUser));
    const auto refused = response_of(answers.back());
    ASSERT_TRUE(refused && !refused->ok()) << answers.back();
    EXPECT_EQ(refused->outcome.error().code, ErrorCode::busy);
    EXPECT_NE(refused->outcome.error().message.find("too many connections from uid 65534 (32 "
                                                    "per user at most)"),
              std::string::npos)
        << refused->outcome.error().message;
    // Root still gets in, and so does another member of the group.
    auto root = greeted_client();
    EXPECT_TRUE(root->call("daemon.status").ok());
    OtherUser other(io_, options_.path, kOtherUser, 1);
    EXPECT_EQ(ok_count(other.answers()), 1);
}

TEST_F(ControlServerTest, TheLastPlacesAreRootsAlone) {
    if (!running_as_root()) {
        GTEST_SKIP() << "other users are child processes that switch uid: run as root";
    }
    options_.max_clients = 6;
    options_.reserved_for_root = 2;
    options_.max_clients_per_user = 3;
    start();
    OtherUser user(io_, options_.path, kUser, 3);
    EXPECT_EQ(ok_count(user.answers()), 3);
    OtherUser other(io_, options_.path, kOtherUser, 2);
    const auto answers = other.answers();
    ASSERT_EQ(answers.size(), 2U);
    EXPECT_EQ(ok_count(answers), 1);
    const auto refused = response_of(answers[1]);
    ASSERT_TRUE(refused && !refused->ok()) << answers[1];
    EXPECT_EQ(refused->outcome.error().code, ErrorCode::busy);
    EXPECT_NE(refused->outcome.error().message.find("4 at most besides the 2 kept for root"),
              std::string::npos)
        << refused->outcome.error().message;
    // Root takes the two places kept for it, and no more.
    auto first = greeted_client();
    auto second = greeted_client();
    Client third(io_, options_.path);
    const auto line = third.line();
    ASSERT_TRUE(line);
    const auto full = response_of(*line);
    ASSERT_TRUE(full && !full->ok()) << *line;
    EXPECT_NE(full->outcome.error().message.find("too many clients (6)"), std::string::npos);
    // When a user's client goes, its place is free again.
    user.release();
    ASSERT_TRUE(clients_become(3));
    OtherUser again(io_, options_.path, kOtherUser, 1);
    EXPECT_EQ(ok_count(again.answers()), 1);
}

TEST_F(ControlServerTest, AClientThatNeverSaysHelloIsClosed) {
    options_.hello_timeout = 50ms;
    start();
    Client silent(io_, options_.path);
    ASSERT_TRUE(silent.connected());
    ASSERT_TRUE(silent.closed_by_server());
    EXPECT_NE(silent.seen().find("no daemon.hello within 50 ms of connecting"), std::string::npos)
        << silent.seen();
    EXPECT_TRUE(clients_become(0));
}

TEST_F(ControlServerTest, AHalfLineIsDroppedAfterTheTimeoutWhileIdleClientsStay) {
    options_.line_timeout = 50ms;
    start();
    auto idle = greeted_client();
    auto half = greeted_client();
    ASSERT_TRUE(half->send("{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": \"daemon.st"));
    ASSERT_TRUE(half->closed_by_server());
    EXPECT_NE(half->seen().find("a line was not finished (with a newline) within 50 ms of its "
                                "first byte"),
              std::string::npos)
        << half->seen();
    // A greeted client with nothing unfinished may stay as long as it likes.
    run_until(
        io_, [] { return false; }, 200ms);
    EXPECT_TRUE(idle->call("daemon.status").ok());
}

TEST_F(ControlServerTest, ALineTrickledByteByByteIsDroppedToo) {
    options_.line_timeout = 50ms;
    start();
    auto slow = greeted_client();
    const std::string line = ipc::encode(ipc::Request{2, "daemon.status", Json::object()});
    bool closed = false;
    for (std::size_t i = 0; i < line.size() && !closed; ++i) {
        slow->send(line.substr(i, 1));
        closed = slow->closed_by_server(10ms);
    }
    EXPECT_TRUE(closed) << "a byte every 10 ms kept a line open for " << line.size() * 10 << " ms";
}

TEST_F(ControlServerTest, SubscribersThatNeverReadCannotPassTheBudget) {
    options_.memory_budget = 1U << 20U;  // per client, the default 8 MiB still applies
    start();
    std::vector<std::unique_ptr<Client>> sleepers;
    for (int i = 0; i < 4; ++i) {
        sleepers.push_back(greeted_client());
        ASSERT_TRUE(sleepers.back()->call("subscribe").ok());
    }
    auto reader = greeted_client();
    ASSERT_TRUE(reader->call("subscribe").ok());
    const auto before = platform::memory_use();
    std::size_t most_allocated = 0;
    std::size_t most_held = 0;
    for (int i = 0; i < 2000 && server_->client_count() > 1; ++i) {
        publish(16384);
        most_held = std::max(most_held, server_->held_bytes());
        if (auto use = platform::memory_use()) {
            most_allocated = std::max(most_allocated, use->allocated);
        }
        (void)reader->line(1s);  // the reader keeps up
    }
    EXPECT_LE(most_held, options_.memory_budget);
    EXPECT_TRUE(clients_become(1)) << "the sleepers were not dropped";
    EXPECT_TRUE(reader->call("daemon.status").ok());
    if (before && before->allocated > 0) {
        // Four sleepers at 8 MiB each could have held 32 MiB.
        EXPECT_LT(most_allocated - before->allocated, 3U << 20U);
    }
}

TEST_F(ControlServerTest, OtherUsersAreDroppedForTheBudgetBeforeRoot) {
    if (!running_as_root()) {
        GTEST_SKIP() << "other users are child processes that switch uid: run as root";
    }
    options_.memory_budget = 2U << 20U;
    start();
    OtherUser user(io_, options_.path, kUser, 1, /*subscribe=*/true);
    ASSERT_EQ(ok_count(user.answers()), 1);
    auto root = greeted_client();
    ASSERT_TRUE(root->call("subscribe").ok());
    // Neither reads; the same events pile up for both, until the budget is passed.
    for (int i = 0; i < 2000 && server_->client_count() > 1; ++i) {
        publish(16384);
        io_.restart();
        io_.poll();
    }
    ASSERT_TRUE(clients_become(1));
    // Root's client is the one left, with every event it was sent.
    EXPECT_TRUE(root->call("daemon.status").ok());
}

TEST_F(ControlServerTest, MemoryGoesBackToTheSystemWhenClientsGo) {
#ifdef TULLE_TEST_UNDER_ASAN
    GTEST_SKIP() << "ASan's allocator keeps freed memory in quarantine: malloc_trim cannot return "
                    "it (the release build's tests measure this)";
#endif
    const auto start_use = platform::memory_use();
    if (!start_use) {
        GTEST_SKIP() << "this system does not tell a process's memory use";
    }
    options_.return_memory = platform::return_free_memory;
    start();
    // Clients that hold what they may: subscribers that never read, unfinished lines.
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 5; ++i) {
        clients.push_back(greeted_client());
        ASSERT_TRUE(clients.back()->call("subscribe").ok());
    }
    for (int i = 0; i < 400; ++i) {
        publish(16384);
        io_.restart();
        io_.poll();
    }
    for (int i = 0; i < 20; ++i) {
        clients.push_back(greeted_client());
        ASSERT_TRUE(clients.back()->send(std::string(ipc::kMaxMessageSize - 100, 'x')));
    }
    ASSERT_TRUE(run_until(io_, [&] { return server_->held_bytes() > (40U << 20U); }))
        << server_->held_bytes();
    const auto before = *start_use;
    const auto during = *platform::memory_use();
    clients.clear();
    ASSERT_TRUE(clients_become(0));
    run_until(
        io_, [] { return false; }, 50ms);  // the memory is handed back after they went
    const auto after = *platform::memory_use();
    std::printf("resident: %zu MiB before, %zu MiB with the clients, %zu MiB after they went\n",
                before.resident >> 20U, during.resident >> 20U, after.resident >> 20U);
    ASSERT_GT(during.resident, before.resident + (30U << 20U));
    // Most of what they held is back with the system.
    EXPECT_LT(after.resident, before.resident + (during.resident - before.resident) / 4);
    EXPECT_EQ(server_->held_bytes(), 0U);
}

}  // namespace
}  // namespace tulle::daemon
