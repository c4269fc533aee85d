#include "daemon/endpoint_resolver.hpp"

#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "tests/unit/daemon/run_loop.hpp"

namespace tulle::daemon {
namespace {

using namespace std::chrono_literals;

using testing::run_until;

TEST(ThreadResolver, LooksUpOffTheLoopAndAnswersOnIt) {
    boost::asio::io_context io;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::thread::id looked_up_on;
    ThreadResolver resolver(io, [&](const std::string& host, std::uint16_t port) {
        looked_up_on = std::this_thread::get_id();
        released.wait();  // a slow DNS server
        EXPECT_EQ(host, "vpn.example.test");
        return value::Result<value::SocketAddress>(
            value::SocketAddress{value::IpAddress::v4({192, 0, 2, 9}), port});
    });
    std::optional<value::Result<value::SocketAddress>> answer;
    std::thread::id answered_on;
    resolver.resolve("vpn.example.test", 51820, [&](value::Result<value::SocketAddress> result) {
        answered_on = std::this_thread::get_id();
        answer = std::move(result);
    });
    // The caller did not wait for the lookup, and the loop goes on while it is under way.
    EXPECT_FALSE(answer.has_value());
    io.restart();
    io.run_for(20ms);
    EXPECT_FALSE(answer.has_value());

    release.set_value();
    ASSERT_TRUE(run_until(io, [&] { return answer.has_value(); }));
    ASSERT_TRUE(answer->ok());
    EXPECT_EQ(answer->value(), (value::SocketAddress{value::IpAddress::v4({192, 0, 2, 9}), 51820}));
    EXPECT_EQ(answered_on, std::this_thread::get_id());
    EXPECT_NE(looked_up_on, std::this_thread::get_id());
}

TEST(ThreadResolver, AFailureIsAnsweredToo) {
    boost::asio::io_context io;
    ThreadResolver resolver(io, [](const std::string& host, std::uint16_t) {
        return value::Result<value::SocketAddress>(value::fail("cannot resolve '" + host + "'"));
    });
    std::optional<value::Result<value::SocketAddress>> answer;
    resolver.resolve("nowhere.test", 1, [&](value::Result<value::SocketAddress> r) { answer = r; });
    ASSERT_TRUE(run_until(io, [&] { return answer.has_value(); }));
    ASSERT_FALSE(answer->ok());
    EXPECT_EQ(answer->error(), "cannot resolve 'nowhere.test'");
}

// Destroyed with questions queued: it returns without looking them all up, and answers already
// posted find nothing freed (run under ASan).
TEST(ThreadResolver, GoesAwayWithQuestionsQueued) {
    boost::asio::io_context io;
    int answers = 0;
    {
        ThreadResolver resolver(io, [](const std::string&, std::uint16_t port) {
            return value::Result<value::SocketAddress>(
                value::SocketAddress{value::IpAddress::v4({192, 0, 2, 1}), port});
        });
        for (std::uint16_t i = 1; i <= 50; ++i) {
            resolver.resolve("a.test", i,
                             [&](const value::Result<value::SocketAddress>&) { ++answers; });
        }
    }
    io.restart();
    io.poll();
    EXPECT_LE(answers, 50);  // those looked up before it went; the rest were dropped
}

}  // namespace
}  // namespace tulle::daemon
