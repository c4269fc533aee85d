// Binding a local (Unix) listening socket the way both of tulled's sockets need it: refuse when a
// live process answers on the path, replace a stale socket file, and bind under umask 077 so
// nobody can connect before the caller has set the file's owner and mode.
#pragma once

#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

namespace tulle::daemon {

// Opens and binds `acceptor` at `path` (not yet listening). Throws std::system_error: EADDRINUSE
// naming `who` when another process serves the path, or the error of bind.
void bind_local_socket(boost::asio::io_context& io,
                       boost::asio::local::stream_protocol::acceptor& acceptor,
                       const std::string& path, const std::string& who);

}  // namespace tulle::daemon
