// Netlink plumbing (netlink(7)): building request messages, splitting and parsing what the
// kernel sends back, and a blocking request/reply socket. Nothing here knows about routes or
// addresses; platform/linux/rtnl.hpp builds on it.
//
// The builders and parsers are pure functions over bytes (unit-testable without privileges).
// Parsers return std::nullopt for malformed input; NetlinkSocket turns that, and every error the
// kernel reports, into std::system_error naming the operation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "value/unique_fd.hpp"

namespace tulle::platform::linux_impl {

// One netlink message under construction: the nlmsghdr, then a family header (ifinfomsg,
// ifaddrmsg, rtmsg...), then attributes. nlmsg_len is kept current as parts are appended.
class NetlinkMessage {
  public:
    NetlinkMessage(std::uint16_t type, std::uint16_t flags);

    // Appends a fixed-size struct (a family header, or the payload that VETH_INFO_PEER and the
    // like start with), padded to the netlink alignment.
    template <typename T>
    void append_struct(const T& value) {
        static_assert(std::is_trivially_copyable_v<T>);
        append_padded(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(&value),
                                                    sizeof value));
    }

    // Appends one attribute. Throws std::length_error when the payload cannot fit an nlattr.
    void add_attr(std::uint16_t type, std::span<const std::uint8_t> payload);
    void add_attr_u8(std::uint16_t type, std::uint8_t value);
    void add_attr_u32(std::uint16_t type, std::uint32_t value);        // host byte order
    void add_attr_string(std::uint16_t type, std::string_view value);  // NUL-terminated

    // A nested attribute: what is appended between begin_nested() and end_nested() becomes its
    // payload. begin_nested() returns the token end_nested() needs.
    [[nodiscard]] std::size_t begin_nested(std::uint16_t type);
    void end_nested(std::size_t token);

    void set_sequence(std::uint32_t sequence);
    void add_flags(std::uint16_t flags);

    [[nodiscard]] std::uint16_t type() const;
    [[nodiscard]] std::uint16_t flags() const;
    [[nodiscard]] std::uint32_t sequence() const;
    [[nodiscard]] std::span<const std::uint8_t> bytes() const { return buffer_; }

  private:
    void append_padded(std::span<const std::uint8_t> bytes);
    void update_length();

    std::vector<std::uint8_t> buffer_;
};

// The header fields of one received message. (A copy, so no alignment is assumed of buffers.)
struct NetlinkHeader {
    std::uint32_t length = 0;
    std::uint16_t type = 0;
    std::uint16_t flags = 0;
    std::uint32_t sequence = 0;
    std::uint32_t port_id = 0;
};

// One message inside a received datagram: its header and the bytes after the header.
struct NetlinkMessageView {
    NetlinkHeader header;
    std::span<const std::uint8_t> payload;
};

// One message the kernel sent in reply, copied out of the receive buffer.
struct NetlinkReply {
    NetlinkHeader header;
    std::vector<std::uint8_t> payload;

    [[nodiscard]] NetlinkMessageView view() const { return {header, payload}; }
};

// Splits a received datagram into its messages. nullopt when a length is out of bounds.
[[nodiscard]] std::optional<std::vector<NetlinkMessageView>> split_messages(
    std::span<const std::uint8_t> datagram);

struct NetlinkAttribute {
    std::uint16_t type = 0;  // with NLA_F_NESTED and NLA_F_NET_BYTEORDER masked off
    std::span<const std::uint8_t> payload;
};

// Parses a run of attributes (for a message: the payload after its family header). nullopt
// when an attribute's length is out of bounds.
[[nodiscard]] std::optional<std::vector<NetlinkAttribute>> parse_attributes(
    std::span<const std::uint8_t> bytes);

// The attributes after the family header of a message, or nullopt when the payload is shorter
// than the header or the attributes are malformed. header_size is e.g. sizeof(ifaddrmsg).
[[nodiscard]] std::optional<std::vector<NetlinkAttribute>> parse_message_attributes(
    std::span<const std::uint8_t> payload, std::size_t header_size);

// Copies the front of `bytes` into a T; nullopt when there are fewer than sizeof(T) bytes.
template <typename T>
[[nodiscard]] std::optional<T> read_struct(std::span<const std::uint8_t> bytes) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (bytes.size() < sizeof(T)) {
        return std::nullopt;
    }
    T value{};
    std::memcpy(&value, bytes.data(), sizeof(T));
    return value;
}

[[nodiscard]] std::optional<std::uint32_t> attribute_u32(const NetlinkAttribute& attribute);
[[nodiscard]] std::optional<std::uint8_t> attribute_u8(const NetlinkAttribute& attribute);
// The payload up to its first NUL (or all of it when there is none).
[[nodiscard]] std::string attribute_string(const NetlinkAttribute& attribute);

// The result carried by an NLMSG_ERROR message (an ACK when error is 0) or by the NLMSG_DONE
// that ends a dump.
struct NetlinkStatus {
    int error = 0;        // 0 or a negative errno
    std::string message;  // the kernel's extended-ACK text (NLMSGERR_ATTR_MSG), if any
};

// Parses an NLMSG_ERROR or NLMSG_DONE message; nullopt for other types or malformed ones.
[[nodiscard]] std::optional<NetlinkStatus> parse_status(const NetlinkMessageView& message);

// Opens a NETLINK_ROUTE socket (close-on-exec, plus `flags`) bound to a port the kernel picks
// and to the multicast `groups` (RTMGRP_*, 0 for none), and sets `port_id` to that port. Throws
// std::system_error naming the step.
[[nodiscard]] value::UniqueFd open_route_socket(int flags, std::uint32_t groups,
                                                std::uint32_t& port_id);

// A NETLINK_ROUTE socket for request/reply exchanges with the kernel. Blocking with a receive
// timeout; not thread-safe. Lives in the network namespace of the thread that created it.
class NetlinkSocket {
  public:
    // Throws std::system_error ("open netlink socket: ...").
    NetlinkSocket();

    // Sends `request` with NLM_F_REQUEST | NLM_F_ACK and a fresh sequence number and waits for
    // the kernel's ACK. Returns the messages that came before the ACK (e.g. the RTM_NEWLINK
    // that answers an RTM_GETLINK). A negative ACK throws std::system_error whose code is the
    // kernel's errno and whose message is `operation`, followed by the kernel's explanation in
    // parentheses when it gave one.
    std::vector<NetlinkReply> request(NetlinkMessage& request, std::string_view operation);

    // Sends `request` with NLM_F_REQUEST | NLM_F_DUMP and returns every message of the dump,
    // which may span many datagrams. A dump the kernel marks inconsistent (NLM_F_DUMP_INTR,
    // because the tables changed meanwhile) is started again, a few times at most. Errors as
    // for request().
    std::vector<NetlinkReply> dump(NetlinkMessage& request, std::string_view operation);

  private:
    // Sends and collects replies up to the ACK or NLMSG_DONE; sets `interrupted` when a
    // message carried NLM_F_DUMP_INTR.
    std::vector<NetlinkReply> exchange(NetlinkMessage& request, std::string_view operation,
                                       bool& interrupted);
    // Receives one datagram from the kernel into receive_buffer_ and returns its size.
    std::size_t receive(std::string_view operation);

    value::UniqueFd fd_;
    std::uint32_t port_id_ = 0;
    std::uint32_t sequence_ = 0;
    std::vector<std::uint8_t> receive_buffer_;
};

}  // namespace tulle::platform::linux_impl
