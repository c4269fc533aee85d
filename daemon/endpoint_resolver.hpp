// Endpoint host names turned into addresses away from the loop thread: a slow or failing DNS
// answer must not stall the tunnels and control clients that share the io_context. The caller
// asks, carries on, and gets the answer later as a handler on the io_context.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "daemon/tunnel_config.hpp"
#include "value/ip.hpp"
#include "value/result.hpp"

namespace tulle::daemon {

class EndpointResolver {
  public:
    using Done = std::function<void(value::Result<value::SocketAddress>)>;

    EndpointResolver() = default;
    EndpointResolver(const EndpointResolver&) = delete;
    EndpointResolver& operator=(const EndpointResolver&) = delete;
    virtual ~EndpointResolver() = default;

    // Resolves `host`. `done` runs later on the io_context's thread, never inside this call; it
    // may never run (the resolver went away, or never answers), so it must hold no promise the
    // caller waits for. A caller that may go first guards what `done` touches (a weak_ptr).
    virtual void resolve(std::string host, std::uint16_t port, Done done) = 0;
};

// One thread of its own runs `lookup` (getaddrinfo by default) for one name after the other and
// posts each answer to the io_context. The destructor waits for a lookup under way (the system
// resolver cannot be interrupted: at most its timeout) and drops the names not yet looked up.
class ThreadResolver final : public EndpointResolver {
  public:
    explicit ThreadResolver(boost::asio::io_context& io, Resolver lookup = resolve_with_system);
    ~ThreadResolver() override;
    ThreadResolver(const ThreadResolver&) = delete;
    ThreadResolver& operator=(const ThreadResolver&) = delete;

    void resolve(std::string host, std::uint16_t port, Done done) override;

  private:
    struct Request {
        std::string host;
        std::uint16_t port = 0;
        Done done;
    };
    void run();

    boost::asio::io_context& io_;
    Resolver lookup_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Request> queue_;  // guarded by mutex_
    bool stopping_ = false;      // guarded by mutex_
    std::thread thread_;         // last: starts once the rest is ready
};

}  // namespace tulle::daemon
