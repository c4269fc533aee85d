#include "platform/linux/netlink.hpp"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <limits>
#include <linux/netlink.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/time.h>
#include <system_error>

namespace tulle::platform::linux_impl {
namespace {

constexpr std::size_t align4(std::size_t n) {
    return (n + 3) & ~std::size_t{3};
}

// How long to wait for the kernel's answer before giving up; it answers at once in practice.
constexpr int kReceiveTimeoutSeconds = 5;
// Enough for a dump datagram as the kernel sizes them; larger ones grow the buffer.
constexpr std::size_t kInitialReceiveBuffer = std::size_t{32} * 1024;
// How many times an interrupted dump is started again before giving up.
constexpr int kDumpAttempts = 5;

[[noreturn]] void throw_errno(int error, std::string_view operation) {
    throw std::system_error(error, std::system_category(), std::string(operation));
}

[[noreturn]] void throw_status(const NetlinkStatus& status, std::string_view operation) {
    std::string what(operation);
    if (!status.message.empty()) {
        what += " (" + status.message + ")";
    }
    throw std::system_error(-status.error, std::system_category(), what);
}

[[noreturn]] void throw_malformed(std::string_view operation) {
    throw std::system_error(EBADMSG, std::system_category(),
                            std::string(operation) + " (malformed netlink reply)");
}

// Walks records that each start with a `Header` whose length (`length_of`) covers that header
// (`header_len` bytes) and the record's body, the next record starting 4-byte aligned after it
// (the last may end unaligned). `take` is given each header and body. False when a record is
// shorter than its header or runs past the end.
template <typename Header, typename LengthOf, typename Take>
bool walk_records(std::span<const std::uint8_t> bytes, std::size_t header_len,
                  const LengthOf& length_of, const Take& take) {
    std::size_t offset = 0;
    while (offset < bytes.size()) {
        const auto raw = read_struct<Header>(bytes.subspan(offset));
        if (!raw || length_of(*raw) < header_len || length_of(*raw) > bytes.size() - offset) {
            return false;
        }
        take(*raw, bytes.subspan(offset + header_len, length_of(*raw) - header_len));
        offset += std::min<std::size_t>(align4(length_of(*raw)), bytes.size() - offset);
    }
    return true;
}

}  // namespace

NetlinkMessage::NetlinkMessage(std::uint16_t type, std::uint16_t flags) {
    nlmsghdr header{};
    header.nlmsg_type = type;
    header.nlmsg_flags = flags;
    buffer_.resize(NLMSG_HDRLEN);
    std::memcpy(buffer_.data(), &header, sizeof header);
    update_length();
}

void NetlinkMessage::append_padded(std::span<const std::uint8_t> bytes) {
    const std::size_t at = buffer_.size();
    buffer_.resize(align4(at + bytes.size()), 0);
    if (!bytes.empty()) {
        std::memcpy(buffer_.data() + at, bytes.data(), bytes.size());
    }
    update_length();
}

void NetlinkMessage::update_length() {
    const auto length = static_cast<std::uint32_t>(buffer_.size());
    std::memcpy(buffer_.data() + offsetof(nlmsghdr, nlmsg_len), &length, sizeof length);
}

void NetlinkMessage::add_attr(std::uint16_t type, std::span<const std::uint8_t> payload) {
    if (payload.size() > std::numeric_limits<std::uint16_t>::max() - NLA_HDRLEN) {
        throw std::length_error("netlink attribute too long");
    }
    nlattr attribute{};
    attribute.nla_len = static_cast<std::uint16_t>(NLA_HDRLEN + payload.size());
    attribute.nla_type = type;
    const std::size_t at = buffer_.size();
    buffer_.resize(at + sizeof attribute);
    std::memcpy(buffer_.data() + at, &attribute, sizeof attribute);
    append_padded(payload);
}

void NetlinkMessage::add_attr_u8(std::uint16_t type, std::uint8_t value) {
    add_attr(type, std::span<const std::uint8_t>(&value, 1));
}

void NetlinkMessage::add_attr_u32(std::uint16_t type, std::uint32_t value) {
    add_attr(type, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(&value), 4));
}

void NetlinkMessage::add_attr_string(std::uint16_t type, std::string_view value) {
    std::vector<std::uint8_t> bytes(value.begin(), value.end());
    bytes.push_back(0);
    add_attr(type, bytes);
}

std::size_t NetlinkMessage::begin_nested(std::uint16_t type) {
    const std::size_t token = buffer_.size();
    add_attr(static_cast<std::uint16_t>(type | NLA_F_NESTED), {});
    return token;
}

void NetlinkMessage::end_nested(std::size_t token) {
    const std::size_t length = buffer_.size() - token;
    if (length > std::numeric_limits<std::uint16_t>::max()) {
        throw std::length_error("nested netlink attribute too long");
    }
    const auto nla_len = static_cast<std::uint16_t>(length);
    std::memcpy(buffer_.data() + token + offsetof(nlattr, nla_len), &nla_len, sizeof nla_len);
}

void NetlinkMessage::set_sequence(std::uint32_t sequence) {
    std::memcpy(buffer_.data() + offsetof(nlmsghdr, nlmsg_seq), &sequence, sizeof sequence);
}

void NetlinkMessage::add_flags(std::uint16_t flags) {
    const auto combined = static_cast<std::uint16_t>(this->flags() | flags);
    std::memcpy(buffer_.data() + offsetof(nlmsghdr, nlmsg_flags), &combined, sizeof combined);
}

std::uint16_t NetlinkMessage::type() const {
    std::uint16_t value = 0;
    std::memcpy(&value, buffer_.data() + offsetof(nlmsghdr, nlmsg_type), sizeof value);
    return value;
}

std::uint16_t NetlinkMessage::flags() const {
    std::uint16_t value = 0;
    std::memcpy(&value, buffer_.data() + offsetof(nlmsghdr, nlmsg_flags), sizeof value);
    return value;
}

std::uint32_t NetlinkMessage::sequence() const {
    std::uint32_t value = 0;
    std::memcpy(&value, buffer_.data() + offsetof(nlmsghdr, nlmsg_seq), sizeof value);
    return value;
}

std::optional<std::vector<NetlinkMessageView>> split_messages(
    std::span<const std::uint8_t> datagram) {
    std::vector<NetlinkMessageView> messages;
    const bool whole = walk_records<nlmsghdr>(
        datagram, NLMSG_HDRLEN, [](const nlmsghdr& raw) { return std::size_t{raw.nlmsg_len}; },
        [&](const nlmsghdr& raw, std::span<const std::uint8_t> payload) {
            NetlinkMessageView view;
            view.header = {raw.nlmsg_len, raw.nlmsg_type, raw.nlmsg_flags, raw.nlmsg_seq,
                           raw.nlmsg_pid};
            view.payload = payload;
            messages.push_back(view);
        });
    if (!whole) {
        return std::nullopt;
    }
    return messages;
}

std::optional<std::vector<NetlinkAttribute>> parse_attributes(std::span<const std::uint8_t> bytes) {
    std::vector<NetlinkAttribute> attributes;
    const bool whole = walk_records<nlattr>(
        bytes, NLA_HDRLEN, [](const nlattr& raw) { return std::size_t{raw.nla_len}; },
        [&](const nlattr& raw, std::span<const std::uint8_t> payload) {
            attributes.push_back(
                {static_cast<std::uint16_t>(raw.nla_type & NLA_TYPE_MASK), payload});
        });
    if (!whole) {
        return std::nullopt;
    }
    return attributes;
}

std::optional<std::vector<NetlinkAttribute>> parse_message_attributes(
    std::span<const std::uint8_t> payload, std::size_t header_size) {
    const std::size_t start = align4(header_size);
    if (payload.size() < header_size) {
        return std::nullopt;
    }
    if (payload.size() <= start) {
        return std::vector<NetlinkAttribute>{};
    }
    return parse_attributes(payload.subspan(start));
}

std::optional<std::uint32_t> attribute_u32(const NetlinkAttribute& attribute) {
    if (attribute.payload.size() != sizeof(std::uint32_t)) {
        return std::nullopt;
    }
    return read_struct<std::uint32_t>(attribute.payload);
}

std::optional<std::uint8_t> attribute_u8(const NetlinkAttribute& attribute) {
    if (attribute.payload.size() != 1) {
        return std::nullopt;
    }
    return attribute.payload[0];
}

std::string attribute_string(const NetlinkAttribute& attribute) {
    const auto* begin = reinterpret_cast<const char*>(attribute.payload.data());
    const auto* end = begin + attribute.payload.size();
    return std::string(begin, std::find(begin, end, '\0'));
}

std::optional<NetlinkStatus> parse_status(const NetlinkMessageView& message) {
    const auto error = read_struct<std::int32_t>(message.payload);
    // Ancient kernels sent NLMSG_DONE with no payload at all.
    if (message.header.type == NLMSG_DONE && message.payload.empty()) {
        return NetlinkStatus{};
    }
    if (!error || (message.header.type != NLMSG_ERROR && message.header.type != NLMSG_DONE)) {
        return std::nullopt;
    }
    NetlinkStatus status;
    status.error = *error;
    if (status.error > 0) {
        return std::nullopt;
    }
    std::size_t tlv_offset = align4(sizeof(std::int32_t));
    if (message.header.type == NLMSG_ERROR) {
        // nlmsgerr: the error, then the header of the request, then (unless capped) the rest of
        // the request; the extended-ACK attributes follow.
        const auto original = read_struct<nlmsghdr>(message.payload.subspan(sizeof(std::int32_t)));
        if (!original) {
            return std::nullopt;
        }
        const bool capped = (message.header.flags & NLM_F_CAPPED) != 0;
        tlv_offset = align4(sizeof(std::int32_t) + (capped ? NLMSG_HDRLEN : original->nlmsg_len));
    }
    if ((message.header.flags & NLM_F_ACK_TLVS) != 0 && tlv_offset < message.payload.size()) {
        const auto attributes = parse_attributes(message.payload.subspan(tlv_offset));
        if (attributes) {
            for (const auto& attribute : *attributes) {
                if (attribute.type == NLMSGERR_ATTR_MSG) {
                    status.message = attribute_string(attribute);
                }
            }
        }
    }
    return status;
}

value::UniqueFd open_route_socket(int flags, std::uint32_t groups, std::uint32_t& port_id) {
    value::UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | flags, NETLINK_ROUTE));
    if (!fd.valid()) {
        throw_errno(errno, "open netlink socket");
    }
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    local.nl_groups = groups;
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
        throw_errno(errno, groups == 0 ? "bind netlink socket"
                                       : "bind netlink socket to its multicast groups");
    }
    socklen_t length = sizeof local;
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &length) != 0) {
        throw_errno(errno, "get netlink socket address");
    }
    port_id = local.nl_pid;
    return fd;
}

NetlinkSocket::NetlinkSocket() : receive_buffer_(kInitialReceiveBuffer) {
    fd_ = open_route_socket(0, 0, port_id_);

    // Optional: the kernel's explanations with errors, and errors that do not echo the request.
    // Older kernels lack them and are still usable.
    const int one = 1;
    ::setsockopt(fd_.get(), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
    ::setsockopt(fd_.get(), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);

    timeval timeout{};
    timeout.tv_sec = kReceiveTimeoutSeconds;
    if (::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0) {
        throw_errno(errno, "set netlink socket timeout");
    }
    // A sequence number unlikely to match anything a previous owner of the port left queued.
    sequence_ = static_cast<std::uint32_t>(::time(nullptr));
}

std::vector<NetlinkReply> NetlinkSocket::request(NetlinkMessage& request,
                                                 std::string_view operation) {
    request.add_flags(NLM_F_REQUEST | NLM_F_ACK);
    bool interrupted = false;
    return exchange(request, operation, interrupted);
}

std::vector<NetlinkReply> NetlinkSocket::dump(NetlinkMessage& request, std::string_view operation) {
    request.add_flags(NLM_F_REQUEST | NLM_F_DUMP);
    for (int attempt = 1;; ++attempt) {
        bool interrupted = false;
        auto replies = exchange(request, operation, interrupted);
        if (!interrupted) {
            return replies;
        }
        if (attempt == kDumpAttempts) {
            throw std::system_error(
                EAGAIN, std::system_category(),
                std::string(operation) + " (the kernel's tables kept changing during the dump)");
        }
    }
}

std::size_t NetlinkSocket::receive(std::string_view operation) {
    for (;;) {
        sockaddr_nl sender{};
        iovec io{receive_buffer_.data(), receive_buffer_.size()};
        msghdr header{};
        header.msg_name = &sender;
        header.msg_namelen = sizeof sender;
        header.msg_iov = &io;
        header.msg_iovlen = 1;
        // Peek first to learn the size, so no datagram is ever truncated.
        const ssize_t size = ::recvmsg(fd_.get(), &header, MSG_PEEK | MSG_TRUNC);
        if (size < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                throw std::system_error(ETIMEDOUT, std::system_category(),
                                        std::string(operation) + " (no reply from the kernel)");
            }
            throw_errno(errno, operation);
        }
        if (static_cast<std::size_t>(size) > receive_buffer_.size()) {
            receive_buffer_.resize(static_cast<std::size_t>(size));
            continue;
        }
        const ssize_t received = ::recvmsg(fd_.get(), &header, 0);
        if (received < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_errno(errno, operation);
        }
        // Only the kernel (port 0) may answer; anything else is not for us.
        if (sender.nl_pid != 0) {
            continue;
        }
        return static_cast<std::size_t>(received);
    }
}

std::vector<NetlinkReply> NetlinkSocket::exchange(NetlinkMessage& request,
                                                  std::string_view operation, bool& interrupted) {
    const std::uint32_t sequence = ++sequence_;
    request.set_sequence(sequence);
    const bool is_dump = (request.flags() & NLM_F_DUMP) == NLM_F_DUMP;

    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    const auto bytes = request.bytes();
    for (;;) {
        const ssize_t sent = ::sendto(fd_.get(), bytes.data(), bytes.size(), 0,
                                      reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel);
        if (sent >= 0) {
            if (static_cast<std::size_t>(sent) != bytes.size()) {
                throw_errno(EMSGSIZE, operation);
            }
            break;
        }
        if (errno != EINTR) {
            throw_errno(errno, operation);
        }
    }

    std::vector<NetlinkReply> replies;
    for (;;) {
        const std::size_t size = receive(operation);
        const auto messages =
            split_messages(std::span<const std::uint8_t>(receive_buffer_.data(), size));
        if (!messages) {
            throw_malformed(operation);
        }
        for (const auto& message : *messages) {
            // Leftovers of an earlier exchange that was abandoned (e.g. after a timeout).
            if (message.header.sequence != sequence || message.header.port_id != port_id_) {
                continue;
            }
            if ((message.header.flags & NLM_F_DUMP_INTR) != 0) {
                interrupted = true;
            }
            switch (message.header.type) {
                case NLMSG_NOOP:
                    break;
                case NLMSG_OVERRUN:
                    throw_errno(ENOBUFS, operation);
                case NLMSG_ERROR:
                case NLMSG_DONE: {
                    const auto status = parse_status(message);
                    if (!status) {
                        throw_malformed(operation);
                    }
                    if (status->error != 0) {
                        throw_status(*status, operation);
                    }
                    // A zero NLMSG_ERROR is the ACK that ends a plain request; a dump ends with
                    // NLMSG_DONE only.
                    if (message.header.type == NLMSG_DONE || !is_dump) {
                        return replies;
                    }
                    break;
                }
                default:
                    replies.push_back(NetlinkReply{
                        message.header,
                        std::vector<std::uint8_t>(message.payload.begin(), message.payload.end())});
                    break;
            }
        }
    }
}

}  // namespace tulle::platform::linux_impl
