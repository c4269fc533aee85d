#include "daemon/endpoint_resolver.hpp"

#include <utility>

#include <boost/asio/post.hpp>

namespace tulle::daemon {

ThreadResolver::ThreadResolver(boost::asio::io_context& io, Resolver lookup)
    : io_(io), lookup_(std::move(lookup)), thread_([this] { run(); }) {}

ThreadResolver::~ThreadResolver() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
        queue_.clear();
    }
    wake_.notify_one();
    thread_.join();
}

void ThreadResolver::resolve(std::string host, std::uint16_t port, Done done) {
    {
        const std::lock_guard lock(mutex_);
        queue_.push_back(Request{std::move(host), port, std::move(done)});
    }
    wake_.notify_one();
}

void ThreadResolver::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) {
            return;
        }
        Request request = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        auto answer = lookup_(request.host, request.port);
        boost::asio::post(
            io_, [done = std::move(request.done), answer = std::move(answer)] { done(answer); });
        lock.lock();
    }
}

}  // namespace tulle::daemon
