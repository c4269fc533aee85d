#include "ipc/protocol.hpp"

#include "ipc/version.hpp"

namespace tulle::ipc {

std::string version_mismatch(ProtocolVersion client, ProtocolVersion daemon) {
    if (client.major == daemon.major) {
        return {};
    }
    const auto text = [](ProtocolVersion v) {
        return std::to_string(v.major) + "." + std::to_string(v.minor);
    };
    const std::string older = client.major < daemon.major ? "the client" : "tulled";
    return "protocol version mismatch: client speaks " + text(client) + ", tulled speaks " +
           text(daemon) + "; update " + older + " so both run the same Tulle release";
}

std::string version_text(std::string_view program) {
    return std::string(program) + " " + kVersion + " (control protocol " +
           std::to_string(kProtocolVersion.major) + "." + std::to_string(kProtocolVersion.minor) +
           ")";
}

std::string_view error_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::parse_error:
            return "parse error";
        case ErrorCode::invalid_request:
            return "invalid request";
        case ErrorCode::method_not_found:
            return "method not found";
        case ErrorCode::invalid_params:
            return "invalid params";
        case ErrorCode::internal_error:
            return "internal error";
        case ErrorCode::version_mismatch:
            return "version mismatch";
        case ErrorCode::permission_denied:
            return "permission denied";
        case ErrorCode::not_found:
            return "not found";
        case ErrorCode::already_exists:
            return "already exists";
        case ErrorCode::message_too_large:
            return "message too large";
        case ErrorCode::busy:
            return "busy";
    }
    return "unknown error";
}

}  // namespace tulle::ipc
