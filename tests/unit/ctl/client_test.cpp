#include "ctl/client.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "ctl/network.hpp"
#include "ipc/messages.hpp"
#include "ipc/methods.hpp"
#include "ipc/protocol.hpp"

namespace tulle::ctl {
namespace {

using namespace std::chrono_literals;

std::string hello_reply(const ipc::Request& request, ipc::ProtocolVersion version) {
    return ipc::encode(
        ipc::Response{request.id, ipc::to_json(ipc::HelloResult{version, "tulled 0.1.0"})});
}

// The daemon's end of a socketpair, on a thread: reads requests and writes what `answer` returns
// for each (any lines, in order), until the client hangs up or `answer` says to close.
class FakeDaemon {
  public:
    struct Answer {
        std::vector<std::string> lines;
        bool close = false;
    };
    using Script = std::function<Answer(const ipc::Request&)>;

    explicit FakeDaemon(Script script) {
        std::array<int, 2> fds{};
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds.data()) != 0) {
            ADD_FAILURE() << "socketpair failed";
            return;
        }
        client_ = value::UniqueFd(fds[0]);
        thread_ = std::thread([fd = fds[1], script = std::move(script), this] {
            serve(value::UniqueFd(fd), script);
        });
    }
    FakeDaemon(const FakeDaemon&) = delete;
    FakeDaemon& operator=(const FakeDaemon&) = delete;
    ~FakeDaemon() {
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    value::UniqueFd take_client() { return std::move(client_); }
    // The requests seen so far; read only after the client is gone and the thread joined.
    std::vector<ipc::Request> requests() {
        if (thread_.joinable()) {
            thread_.join();
        }
        return requests_;
    }

  private:
    void serve(value::UniqueFd fd, const Script& script) {
        ipc::LineFramer framer(ipc::kMaxMessageSize);
        std::array<char, 4096> buffer{};
        for (;;) {
            const ssize_t n = ::recv(fd.get(), buffer.data(), buffer.size(), 0);
            if (n <= 0 || !framer.feed({buffer.data(), static_cast<std::size_t>(n)})) {
                return;
            }
            while (auto text = framer.next()) {
                auto decoded = ipc::decode(*text);
                const auto& request = std::get<ipc::Request>(std::get<ipc::Message>(decoded));
                requests_.push_back(request);
                const Answer answer = script(request);
                for (const auto& out : answer.lines) {
                    if (::send(fd.get(), out.data(), out.size(), MSG_NOSIGNAL) < 0) {
                        return;
                    }
                }
                if (answer.close) {
                    return;
                }
            }
        }
    }

    value::UniqueFd client_;
    std::vector<ipc::Request> requests_;
    std::thread thread_;
};

// Answers hello as a compatible tulled, then hands other calls to `calls`.
FakeDaemon::Script after_hello(std::function<FakeDaemon::Answer(const ipc::Request&)> calls) {
    return [calls = std::move(calls)](const ipc::Request& request) -> FakeDaemon::Answer {
        if (request.method == ipc::HelloMethod::name) {
            return {{hello_reply(request, ipc::kProtocolVersion)}};
        }
        return calls(request);
    };
}

Outcome<Client> connect(FakeDaemon& daemon, std::chrono::milliseconds timeout = 2s) {
    return Client::over(daemon.take_client(), "/test.sock", "tullectl test", timeout);
}

TEST(Client, SaysHelloFirstWithItsNameAndVersion) {
    FakeDaemon daemon(after_hello([](const ipc::Request&) { return FakeDaemon::Answer{}; }));
    {
        auto client = connect(daemon);
        ASSERT_TRUE(client.ok()) << client.error().message;
        EXPECT_EQ(client->daemon().daemon, "tulled 0.1.0");
    }
    const auto requests = daemon.requests();
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].method, ipc::HelloMethod::name);
    auto hello = ipc::hello_params_from_json(requests[0].params);
    ASSERT_TRUE(hello.ok());
    EXPECT_EQ(hello->client, "tullectl test");
    EXPECT_EQ(hello->version, ipc::kProtocolVersion);
}

TEST(Client, ReturnsTheResultAndHandsEventsOnTheWay) {
    FakeDaemon daemon(after_hello([](const ipc::Request& request) {
        const std::string event = ipc::encode(
            ipc::Request{nullptr, std::string(ipc::LogEvent::name),
                         ipc::to_json(ipc::LogLine{1, ipc::LogLevel::info, "meanwhile"})});
        // A reply to another id first: not ours, skipped.
        return FakeDaemon::Answer{
            {event, ipc::encode(ipc::Response{999, ipc::Json{{"wrong", true}}}), event,
             ipc::encode(ipc::Response{request.id, ipc::Json{{"topics", {"log"}}}})}};
    }));
    auto client = connect(daemon);
    ASSERT_TRUE(client.ok()) << client.error().message;
    std::vector<std::string> seen;
    client->on_event([&seen](const ipc::Request& event) { seen.push_back(event.method); });
    auto result = client->call(ipc::SubscribeMethod::name, ipc::Json::object());
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(*result, (ipc::Json{{"topics", {"log"}}}));
    EXPECT_EQ(seen, (std::vector<std::string>{"log", "log"}));
}

TEST(Client, ErrorRepliesAreRefusalsWithMethodCodeAndMessage) {
    FakeDaemon daemon(after_hello([](const ipc::Request& request) {
        return FakeDaemon::Answer{{ipc::encode(ipc::Response{
            request.id, ipc::refuse(ipc::Error{ipc::ErrorCode::not_found, "no tunnel 'x'"})})}};
    }));
    auto client = connect(daemon);
    ASSERT_TRUE(client.ok());
    auto result = client->call(ipc::TunnelDownMethod::name, ipc::Json::object());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ClientError::Kind::refused);
    EXPECT_EQ(result.error().method, "tunnel.down");
    EXPECT_EQ(result.error().code, ipc::ErrorCode::not_found);
    EXPECT_EQ(result.error().message, "no tunnel 'x'");
}

TEST(Client, AnErrorWithoutIdAnswersTheCallInFlight) {
    FakeDaemon daemon(after_hello([](const ipc::Request&) {
        return FakeDaemon::Answer{{ipc::encode(
            ipc::Response{nullptr, ipc::refuse(ipc::Error{ipc::ErrorCode::parse_error,
                                                          "the message is not valid JSON"})})}};
    }));
    auto client = connect(daemon);
    ASSERT_TRUE(client.ok());
    auto result = client->call(ipc::DaemonStatusMethod::name, ipc::Json::object());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ClientError::Kind::refused);
    EXPECT_EQ(result.error().code, ipc::ErrorCode::parse_error);
}

TEST(Client, AVersionMismatchFromTulledIsPassedOnAsItIs) {
    const std::string why =
        "protocol version mismatch: client speaks 1.0, tulled speaks 2.0; "
        "update the client so both run the same Tulle release";
    FakeDaemon daemon([&why](const ipc::Request& request) {
        return FakeDaemon::Answer{
            {ipc::encode(ipc::Response{
                request.id, ipc::refuse(ipc::Error{ipc::ErrorCode::version_mismatch, why})})},
            true};
    });
    auto client = connect(daemon);
    ASSERT_FALSE(client.ok());
    EXPECT_EQ(client.error().kind, ClientError::Kind::version_mismatch);
    EXPECT_EQ(client.error().message, why);
}

TEST(Client, ANewerMajorVersionInTheHelloIsAMismatch) {
    FakeDaemon daemon([](const ipc::Request& request) {
        return FakeDaemon::Answer{{hello_reply(request, {ipc::kProtocolVersion.major + 1, 0})},
                                  true};
    });
    auto client = connect(daemon);
    ASSERT_FALSE(client.ok());
    EXPECT_EQ(client.error().kind, ClientError::Kind::version_mismatch);
    EXPECT_NE(client.error().message.find("update the client"), std::string::npos)
        << client.error().message;
}

TEST(Client, ANewerMinorVersionIsFine) {
    FakeDaemon daemon([](const ipc::Request& request) {
        return FakeDaemon::Answer{
            {hello_reply(request, {ipc::kProtocolVersion.major, ipc::kProtocolVersion.minor + 7})},
            true};
    });
    EXPECT_TRUE(connect(daemon).ok());
}

TEST(Client, NoAnswerInTimeIsUnreachable) {
    FakeDaemon daemon(after_hello([](const ipc::Request&) { return FakeDaemon::Answer{}; }));
    auto client = connect(daemon, 100ms);
    ASSERT_TRUE(client.ok());
    const auto start = std::chrono::steady_clock::now();
    auto result = client->call(ipc::DaemonStatusMethod::name, ipc::Json::object());
    EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ClientError::Kind::unreachable);
    EXPECT_EQ(result.error().message,
              "tulled at /test.sock did not answer daemon.status within 100 ms");
}

TEST(Client, EventsDoNotExtendTheTimeout) {
    FakeDaemon daemon(after_hello([](const ipc::Request&) {
        FakeDaemon::Answer chatter;
        for (int i = 0; i < 3; ++i) {
            chatter.lines.push_back(
                ipc::encode(ipc::Request{nullptr, "stats", ipc::Json::object()}));
        }
        return chatter;
    }));
    auto client = connect(daemon, 100ms);
    ASSERT_TRUE(client.ok());
    auto result = client->call(ipc::DaemonStatusMethod::name, ipc::Json::object());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ClientError::Kind::unreachable);
}

TEST(Client, AClosedConnectionIsUnreachable) {
    FakeDaemon daemon(after_hello([](const ipc::Request&) {
        return FakeDaemon::Answer{{}, true};
    }));
    auto client = connect(daemon);
    ASSERT_TRUE(client.ok());
    auto result = client->call(ipc::DaemonStatusMethod::name, ipc::Json::object());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ClientError::Kind::unreachable);
    EXPECT_EQ(result.error().message, "tulled at /test.sock closed the connection");
}

TEST(Client, GarbageAndOversizedRepliesAreBadReplies) {
    FakeDaemon garbage(
        after_hello([](const ipc::Request&) { return FakeDaemon::Answer{{"{not json\n"}}; }));
    auto client = connect(garbage);
    ASSERT_TRUE(client.ok());
    auto result = client->call(ipc::DaemonStatusMethod::name, ipc::Json::object());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ClientError::Kind::bad_reply);

    FakeDaemon huge(after_hello([](const ipc::Request&) {
        return FakeDaemon::Answer{{std::string(ipc::kMaxMessageSize + 10, 'x')}, true};
    }));
    auto second = connect(huge);
    ASSERT_TRUE(second.ok());
    result = second->call(ipc::DaemonStatusMethod::name, ipc::Json::object());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ClientError::Kind::bad_reply);
    EXPECT_NE(result.error().message.find("larger than"), std::string::npos);
}

TEST(Client, NextEventSkipsRepliesAndEndsWhenTulledCloses) {
    FakeDaemon daemon(after_hello([](const ipc::Request& request) {
        return FakeDaemon::Answer{
            {ipc::encode(ipc::Response{request.id, ipc::Json{{"topics", {"log"}}}}),
             ipc::encode(ipc::Response{12345, ipc::Json::object()}),
             ipc::encode(ipc::Request{nullptr, "log", ipc::Json{{"n", 1}}}),
             ipc::encode(ipc::Request{nullptr, "log", ipc::Json{{"n", 2}}})},
            true};
    }));
    auto client = connect(daemon);
    ASSERT_TRUE(client.ok());
    ASSERT_TRUE(client->call(ipc::SubscribeMethod::name, ipc::Json::object()).ok());
    auto first = client->next_event();
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->params.at("n"), 1);
    auto second = client->next_event();
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->params.at("n"), 2);
    auto end = client->next_event();
    ASSERT_FALSE(end.ok());
    EXPECT_EQ(end.error().kind, ClientError::Kind::unreachable);
}

TEST(Client, RequestsCarryIncreasingIdsAndTheParams) {
    FakeDaemon daemon(after_hello([](const ipc::Request& request) {
        return FakeDaemon::Answer{{ipc::encode(ipc::Response{request.id, request.params})}};
    }));
    {
        auto client = connect(daemon);
        ASSERT_TRUE(client.ok());
        const ipc::Json params = ipc::to_json(ipc::TunnelRef{"office"});
        auto result = client->call(ipc::TunnelGetMethod::name, params);
        ASSERT_TRUE(result.ok());
        EXPECT_EQ(*result, params);
        ASSERT_TRUE(client->call(ipc::TunnelDownMethod::name, params).ok());
    }
    const auto requests = daemon.requests();
    ASSERT_EQ(requests.size(), 3U);
    EXPECT_EQ(requests[1].method, "tunnel.get");
    EXPECT_EQ(requests[1].params, (ipc::Json{{"name", "office"}}));
    EXPECT_LT(requests[0].id.get<std::int64_t>(), requests[1].id.get<std::int64_t>());
    EXPECT_LT(requests[1].id.get<std::int64_t>(), requests[2].id.get<std::int64_t>());
}

TEST(ClientConnect, AMissingSocketNamesThePathAndTheReason) {
    auto client = Client::connect("/nonexistent-tulle-test/tulled.sock", "tullectl test");
    ASSERT_FALSE(client.ok());
    EXPECT_EQ(client.error().kind, ClientError::Kind::unreachable);
    EXPECT_EQ(client.error().message,
              "cannot connect to /nonexistent-tulle-test/tulled.sock: No such file or directory");
}

TEST(ClientConnect, APathTooLongForASocketIsRefused) {
    auto client = Client::connect("/" + std::string(200, 'x'), "tullectl test");
    ASSERT_FALSE(client.ok());
    EXPECT_EQ(client.error().kind, ClientError::Kind::unreachable);
    EXPECT_NE(client.error().message.find("a socket path has 1 to 107 bytes"), std::string::npos)
        << client.error().message;
}

TEST(ClientConnect, ConnectsToAListeningSocket) {
    std::string dir = "/tmp/tulle-ctl-test-XXXXXX";
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    const std::string path = dir + "/tulled.sock";
    value::UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(static_cast<char*>(address.sun_path), path.size());
    ASSERT_EQ(::bind(listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)),
              0);
    ASSERT_EQ(::listen(listener.get(), 1), 0);
    std::thread server([&listener] {
        const value::UniqueFd peer(::accept(listener.get(), nullptr, nullptr));
        std::array<char, 4096> buffer{};
        const ssize_t n = ::recv(peer.get(), buffer.data(), buffer.size(), 0);
        ASSERT_GT(n, 0);
        auto decoded =
            ipc::decode(std::string_view(buffer.data(), static_cast<std::size_t>(n) - 1));
        const auto& request = std::get<ipc::Request>(std::get<ipc::Message>(decoded));
        const std::string reply = hello_reply(request, ipc::kProtocolVersion);
        ASSERT_GT(::send(peer.get(), reply.data(), reply.size(), MSG_NOSIGNAL), 0);
    });
    auto client = Client::connect(path, "tullectl test");
    server.join();
    EXPECT_TRUE(client.ok()) << client.error().message;
    ::unlink(path.c_str());
    ::rmdir(dir.c_str());
}

TEST(Wipe, ZeroesEveryStringInsideAJsonTree) {
    ipc::Json json{{"config", "PrivateKey = x"},
                   {"peer", {{"preshared_key", "secret"}, {"n", 1}}},
                   {"list", {"a", "bc"}}};
    wipe_strings(json);
    EXPECT_EQ(json.at("config"), std::string(14, '\0'));
    EXPECT_EQ(json.at("peer").at("preshared_key"), std::string(6, '\0'));
    EXPECT_EQ(json.at("peer").at("n"), 1);
    EXPECT_EQ(json.at("list"), (ipc::Json{std::string(1, '\0'), std::string(2, '\0')}));
    std::string text = "secret";
    wipe(text);
    EXPECT_EQ(text, std::string(6, '\0'));
}

// --- stats.history in pages -----------------------------------------------------------------

value::Key key_of(int i) {
    std::array<std::uint8_t, value::kKeySize> bytes{};
    bytes[0] = static_cast<std::uint8_t>(i >> 8);
    bytes[1] = static_cast<std::uint8_t>(i);
    return value::Key(bytes);
}

// A tunnel of `peers` peers with ten minutes of samples each, answered as tulled answers
// (ipc::answer_history behind the Dispatcher, replies through encode_reply); `paging`: false for
// a tulled older than 1.2, which ignores limit and after.
class HistoryDaemon {
  public:
    HistoryDaemon(int peers, bool paging) {
        for (int i = 0; i < peers; ++i) {
            keys_.push_back(key_of(i));
            auto& samples = samples_[keys_.back()];
            for (std::int64_t t = 0; t < ipc::kMaxHistorySeconds; ++t) {
                const auto bytes = static_cast<std::uint64_t>(t * (1'000'003 + i));
                samples.push_back({1'765'000'000 + t, bytes, bytes / 3});
            }
        }
        dispatcher_.on<ipc::StatsHistoryMethod>([this, paging](Nothing&, ipc::StatsQuery query) {
            if (!paging) {
                query.limit.reset();
                query.after.reset();
            }
            ++pages_;
            return ipc::Outcome<ipc::StatsHistory>(ipc::answer_history(
                keys_, query, [this](const value::Key& key) { return samples_.at(key); }));
        });
    }

    FakeDaemon::Script script() {
        return after_hello([this](const ipc::Request& request) {
            Nothing context;
            const auto* method = dispatcher_.find(request.method);
            const std::string line = ipc::encode_reply(
                ipc::Response{request.id, method->handler(context, request.params)},
                request.method);
            largest_ = std::max(largest_, line.size());
            return FakeDaemon::Answer{{line}};
        });
    }

    [[nodiscard]] std::vector<ipc::PeerHistory> expected() const {
        std::vector<ipc::PeerHistory> out;
        for (const auto& key : keys_) {
            out.push_back({key, samples_.at(key)});
        }
        return out;
    }
    [[nodiscard]] int pages() const { return pages_; }
    [[nodiscard]] std::size_t largest() const { return largest_; }

  private:
    struct Nothing {};
    std::vector<value::Key> keys_;
    std::map<value::Key, std::vector<ipc::StatsSample>> samples_;
    ipc::Dispatcher<Nothing> dispatcher_;
    int pages_ = 0;
    std::size_t largest_ = 0;
};

TEST(StatsHistoryPages, AThousandPeersOfTenMinutesComeBackWholeInPages) {
    HistoryDaemon history(1000, true);
    FakeDaemon daemon(history.script());
    {
        auto client = connect(daemon, 60s);
        ASSERT_TRUE(client.ok()) << client.error().message;
        auto all =
            stats_history(*client, ipc::StatsQuery{"wg0", std::nullopt, ipc::kMaxHistorySeconds,
                                                   std::nullopt, std::nullopt});
        ASSERT_TRUE(all.ok()) << all.error().message;
        EXPECT_EQ(all->peers, history.expected());
        EXPECT_FALSE(all->next);
    }
    EXPECT_GT(history.pages(), 1);
    EXPECT_LT(history.largest(), ipc::kMaxMessageSize);
    std::cout << "tullectl stats, 1000 peers x 600 s: " << history.pages() << " pages, the largest "
              << history.largest() << " bytes\n";
    const auto requests = daemon.requests();
    ASSERT_GE(requests.size(), 3U);
    EXPECT_EQ(requests[1].params.at("limit"), ipc::kMaxHistoryPage);
    EXPECT_FALSE(requests[1].params.contains("after"));
    EXPECT_TRUE(requests[2].params.contains("after"));
}

TEST(StatsHistoryPages, AnOlderTulledAnswersAllAtOnce) {
    HistoryDaemon history(3, false);
    FakeDaemon daemon(history.script());
    auto client = connect(daemon);
    ASSERT_TRUE(client.ok());
    auto all = stats_history(*client,
                             ipc::StatsQuery{"wg0", std::nullopt, 60, std::nullopt, std::nullopt});
    ASSERT_TRUE(all.ok()) << all.error().message;
    EXPECT_EQ(all->peers.size(), 3U);
    EXPECT_EQ(all->encoding, ipc::SampleEncoding::triples);
    EXPECT_EQ(history.pages(), 1);
}

TEST(StatsHistoryPages, AllAtOnceOverTheLimitIsAClearRefusal) {
    HistoryDaemon history(1000, false);
    FakeDaemon daemon(history.script());
    auto client = connect(daemon, 60s);  // 23 MB to build and measure
    ASSERT_TRUE(client.ok());
    auto all = stats_history(*client,
                             ipc::StatsQuery{"wg0", std::nullopt, 600, std::nullopt, std::nullopt});
    ASSERT_FALSE(all.ok());
    EXPECT_EQ(all.error().kind, ClientError::Kind::refused);
    EXPECT_EQ(all.error().code, ipc::ErrorCode::message_too_large);
    EXPECT_NE(all.error().message.find("the reply to stats.history would be"), std::string::npos)
        << all.error().message;
}

// --- network join: waiting for the network ----------------------------------------------------

// Answers network.list with the network "home" in each of `states` in turn (the last one
// repeated), as tulled would: through the real codecs.
FakeDaemon::Script joining(std::vector<ipc::NetworkState> states, int* lists,
                           std::string problem = "") {
    return after_hello([states = std::move(states), lists, problem](const ipc::Request& request) {
        ipc::NetworkStatus home;
        home.name = "home";
        home.range = value::IpPrefix::parse("10.88.0.0/16").value();
        home.state =
            states.at(std::min<std::size_t>(static_cast<std::size_t>(*lists), states.size() - 1));
        home.problem = home.state == ipc::NetworkState::failed ? problem : "";
        ++*lists;
        EXPECT_EQ(request.method, ipc::NetworkListMethod::name);
        ipc::NetworkStatus other = home;
        other.name = "work";
        other.state = ipc::NetworkState::online;
        return FakeDaemon::Answer{{ipc::encode(
            ipc::Response{request.id, ipc::to_json(ipc::NetworkList{{other, home}})})}};
    });
}

TEST(WaitForJoin, PollsUntilTheNetworkIsOnline) {
    int lists = 0;
    FakeDaemon daemon(
        joining({ipc::NetworkState::joining, ipc::NetworkState::joining, ipc::NetworkState::online},
                &lists));
    {
        auto client = connect(daemon);
        ASSERT_TRUE(client.ok()) << client.error().message;
        auto ended = wait_for_join(*client, "home", {10s, 1ms});
        ASSERT_TRUE(ended.ok()) << ended.error().message;
        EXPECT_EQ(ended->name, "home");
        EXPECT_EQ(ended->state, ipc::NetworkState::online);
    }
    EXPECT_EQ(daemon.requests().size(), 4U);  // hello and three lists
}

TEST(WaitForJoin, AFailedJoinEndsTheWaitWithItsProblem) {
    int lists = 0;
    FakeDaemon daemon(joining({ipc::NetworkState::joining, ipc::NetworkState::failed}, &lists,
                              "the invite was used already"));
    auto client = connect(daemon);
    ASSERT_TRUE(client.ok()) << client.error().message;
    auto ended = wait_for_join(*client, "home", {10s, 1ms});
    ASSERT_TRUE(ended.ok()) << ended.error().message;
    EXPECT_EQ(ended->state, ipc::NetworkState::failed);
    EXPECT_EQ(ended->problem, "the invite was used already");
}

TEST(WaitForJoin, GivesUpAfterTheTimeoutWithTheLastState) {
    int lists = 0;
    FakeDaemon daemon(joining({ipc::NetworkState::offline}, &lists));
    auto client = connect(daemon);
    ASSERT_TRUE(client.ok()) << client.error().message;
    auto ended = wait_for_join(*client, "home", {50ms, 5ms});
    ASSERT_TRUE(ended.ok()) << ended.error().message;
    EXPECT_EQ(ended->state, ipc::NetworkState::offline);
}

TEST(WaitForJoin, ANetworkGoneFromTheListIsNamed) {
    int lists = 0;
    FakeDaemon daemon(joining({ipc::NetworkState::joining}, &lists));
    auto client = connect(daemon);
    ASSERT_TRUE(client.ok()) << client.error().message;
    auto ended = wait_for_join(*client, "office", {10s, 1ms});
    ASSERT_FALSE(ended.ok());
    EXPECT_EQ(ended.error().kind, ClientError::Kind::refused);
    EXPECT_NE(ended.error().message.find("'office' is gone"), std::string::npos)
        << ended.error().message;
}

TEST(WaitForJoin, AStatusTullectlCannotReadIsABadReply) {
    FakeDaemon daemon(after_hello([](const ipc::Request& request) {
        return FakeDaemon::Answer{{ipc::encode(ipc::Response{
            request.id, ipc::Json::parse(R"({"networks":[{"name":"home","role":"member",)"
                                         R"("state":"happy","range":"10.88.0.0/16"}]})")})}};
    }));
    auto client = connect(daemon);
    ASSERT_TRUE(client.ok()) << client.error().message;
    auto ended = wait_for_join(*client, "home", {10s, 1ms});
    ASSERT_FALSE(ended.ok());
    EXPECT_EQ(ended.error().kind, ClientError::Kind::bad_reply);
    EXPECT_NE(ended.error().message.find("result.networks[0].state: 'happy'"), std::string::npos)
        << ended.error().message;
}

TEST(NetworkCalls, JoinSendsTheInviteAndTheNameThroughTheRealCodecs) {
    const std::string invite = "TULLE1:" + std::string(64, 'B');
    FakeDaemon daemon(after_hello([](const ipc::Request& request) {
        auto params = ipc::read(request.params, ipc::As<ipc::NetworkJoinMethod::Params>{});
        EXPECT_TRUE(params.ok());
        ipc::NetworkStatus home;
        home.name = "home";
        home.range = value::IpPrefix::parse("10.88.0.0/16").value();
        return FakeDaemon::Answer{{ipc::encode(ipc::Response{request.id, ipc::to_json(home)})}};
    }));
    {
        auto client = connect(daemon);
        ASSERT_TRUE(client.ok()) << client.error().message;
        auto started = client->call<ipc::NetworkJoinMethod>(ipc::NetworkJoin{invite, "laptop"});
        ASSERT_TRUE(started.ok()) << started.error().message;
        EXPECT_EQ(started->state, ipc::NetworkState::joining);
    }
    const auto requests = daemon.requests();
    ASSERT_EQ(requests.size(), 2U);
    EXPECT_EQ(requests[1].method, "network.join");
    EXPECT_EQ(requests[1].params, (ipc::Json{{"invite", invite}, {"name", "laptop"}}));
}

TEST(OwnName, TheMemberMarkedSelf) {
    ipc::MemberList list{"home", {}};
    EXPECT_EQ(own_name(list), "");
    ipc::Member server;
    server.name = "server";
    ipc::Member laptop;
    laptop.name = "laptop";
    laptop.self = true;
    list.members = {server, laptop};
    EXPECT_EQ(own_name(list), "laptop");
}

}  // namespace
}  // namespace tulle::ctl
