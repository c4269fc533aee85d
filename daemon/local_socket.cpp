#include "daemon/local_socket.hpp"

#include <cerrno>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace tulle::daemon {

void bind_local_socket(boost::asio::io_context& io,
                       boost::asio::local::stream_protocol::acceptor& acceptor,
                       const std::string& path, const std::string& who) {
    using stream = boost::asio::local::stream_protocol;
    {
        stream::socket probe(io);
        boost::system::error_code error;
        probe.connect(stream::endpoint(path), error);
        if (!error) {
            throw std::system_error(EADDRINUSE, std::generic_category(),
                                    "another " + who + " serves " + path);
        }
    }
    ::unlink(path.c_str());  // a stale socket of a process that is gone
    acceptor.open(stream());
    const mode_t old_mask = ::umask(077);
    boost::system::error_code error;
    acceptor.bind(stream::endpoint(path), error);
    ::umask(old_mask);
    if (error) {
        throw std::system_error(error.value(), std::generic_category(), "bind " + path);
    }
}

}  // namespace tulle::daemon
