// The text protocol of WireGuard's cross-platform userspace API (wireguard.com/xplatform), which
// wg(8) speaks over /var/run/wireguard/<interface>.sock: framing a byte stream into requests,
// parsing the body of "set=1" and writing the body of the reply to "get=1". Pure: no sockets, no
// engine. Behaviour follows wireguard-go (device/uapi.go) wherever the documentation is silent.
//
// A request is a first line, "get=1" or "set=1", then key=value lines, then an empty line:
//
//   set=1                     get=1
//   private_key=<64 hex>      (empty line)
//   listen_port=51820
//   public_key=<64 hex>       The reply to get is the device's key=value lines; every reply
//   allowed_ip=10.0.0.2/32    ends with "errno=N" and an empty line (see format_status()).
//   (empty line)
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/core/constants.hpp"
#include "daemon/core/crypto.hpp"
#include "daemon/device_status.hpp"
#include "value/ip.hpp"
#include "value/key.hpp"
#include "value/result.hpp"
#include "value/text.hpp"

namespace tulle::daemon {

// Why a request was refused. errno_value is a positive errno constant: EINVAL for a bad value or
// an unknown key, EPROTO for a line that is not key=value or an unknown operation, EMSGSIZE for a
// line over the length limit, ENOSPC for too many peer sections and E2BIG for too many allowed
// IPs in one request (UapiLimits). On the wire it goes negated ("errno=-22"), as wireguard-go and
// the kernel report it; format_status() does that. The message names the line and the key ("line 3:
// listen_port: '70000' is not a number from 0 to 65535"); it never contains a secret key.
struct UapiError {
    int errno_value = 0;
    std::string message;

    friend bool operator==(const UapiError&, const UapiError&) = default;
};

// One peer section of a set request: the public_key line and the lines up to the next one.
struct UapiPeer {
    core::PublicKey public_key{};
    // Remove the peer. The other fields are then left empty: whatever the section says besides is
    // checked, and then has no effect (as in wireguard-go).
    bool remove = false;
    // Change the peer only if it exists already: never create it.
    bool update_only = false;
    // Set: the new preshared key. All zeros means "no preshared key", which is what a zero key is
    // in the handshake.
    std::optional<core::SymmetricKey> preshared_key;
    std::optional<value::SocketAddress> endpoint;       // numeric, port 1..65535
    std::optional<std::uint16_t> persistent_keepalive;  // seconds; 0 turns it off
    // Remove the peer's allowed IPs before adding allowed_ips. A replace_allowed_ips line after
    // allowed_ip lines drops those, so applying this flag first and then allowed_ips gives the
    // effect of the lines in their order.
    bool replace_allowed_ips = false;
    std::vector<value::IpPrefix> allowed_ips;  // host bits kept as sent ("10.0.0.3/24")

    friend bool operator==(const UapiPeer&, const UapiPeer&) = default;
};

// A parsed set request. Unset fields leave the device as it is.
//
// Applying it: the device fields first, then replace_peers, then the peers in order (one public
// key may have several sections; each applies on top of the last). Left to the caller, as it needs
// the device's state: a peer whose key is the device's own public key is ignored, and
// update_only skips a peer that does not exist.
struct UapiSet {
    // Set: the new private key, or nullopt when the request sent all zeros, which removes it.
    std::optional<std::optional<core::PrivateKey>> private_key;
    std::optional<std::uint16_t> listen_port;  // 0: a port the system picks
    std::optional<std::uint32_t> fwmark;       // 0: off
    bool replace_peers = false;                // remove every peer before adding `peers`
    std::vector<UapiPeer> peers;

    friend bool operator==(const UapiSet&, const UapiSet&) = default;
};

// The limits of one set request. Requests are read as a stream, a line at a time, so a request
// may be of any length (as in wireguard-go): what it may ask for is bounded instead.
struct UapiLimits {
    // Bytes in one line, without its '\n' (wireguard-go's bufio.Scanner stops at 64 KiB as well;
    // the longest meaningful line has 78).
    std::size_t max_line = std::size_t{64} * 1024;
    // Peer sections (public_key lines) in one request: room for a `wg syncconf` that removes every
    // peer of a full interface and adds as many new ones. Past it: ENOSPC.
    std::size_t max_peer_sections = 2 * core::impl::kMaxPeers;
    // allowed_ip lines one request holds (those a later replace_allowed_ips or remove line of the
    // same section drops do not count). Past it: E2BIG.
    std::size_t max_allowed_ips = core::impl::kMaxAllowedIps;
};

// Parses a set request one line at a time, as it arrives. The first refused line makes the whole
// request refused: what was parsed is dropped (its keys wiped), later lines are only counted, and
// finish() returns the error. Line numbers in messages count the lines after "set=1" from 1.
//
// Device keys (private_key, listen_port, fwmark, replace_peers) must come before the first
// public_key line; peer keys (remove, update_only, preshared_key, endpoint,
// persistent_keepalive_interval, replace_allowed_ips, allowed_ip, protocol_version) after one.
// Keys are 64 hex digits, either case. A later line overrides an earlier one with the same key.
class UapiSetParser {
  public:
    explicit UapiSetParser(UapiLimits limits = {}) : limits_(limits) {}

    // One non-empty line, without its '\n'.
    void line(std::string_view text);
    // A line longer than limits().max_line, which the caller did not keep: EMSGSIZE.
    void line_too_long();
    // The request so far, or why it is refused; the parser starts over.
    [[nodiscard]] value::Result<UapiSet, UapiError> finish();

    [[nodiscard]] bool refused() const { return error_.has_value(); }
    [[nodiscard]] const UapiLimits& limits() const { return limits_; }

  private:
    void refuse(int errno_value, std::string message);

    UapiLimits limits_;
    UapiSet set_;
    bool in_peer_ = false;
    int line_number_ = 0;
    std::size_t allowed_ips_ = 0;  // in set_
    std::optional<UapiError> error_;
};

// Parses the lines of a set request that follow "set=1": key=value lines, each ending in '\n'
// (the last may lack it), with UapiSetParser. An empty line ends the request; nothing may follow it
// (EPROTO).
[[nodiscard]] value::Result<UapiSet, UapiError> parse_set(std::string_view body,
                                                          const UapiLimits& limits = {});

// The body of the reply to get=1, in wireguard-go's order: private_key, listen_port, fwmark, then
// per peer public_key, preshared_key, protocol_version=1, endpoint, last_handshake_time_sec,
// last_handshake_time_nsec, tx_bytes, rx_bytes, persistent_keepalive_interval and one allowed_ip
// line per prefix. Keys in lower-case hex, IPv6 endpoints in brackets. Without the closing
// "errno=0\n\n" (format_status(0)).
//
// It contains the private key: `wg showconf` needs it. The socket is for root alone (mode 0600),
// which is the one way out for secrets the protocol has by design.
//
// From the device's own status: a private key unset or all zeros, a listen_port or fwmark of 0,
// and an endpoint unset or empty() are not written; a missing preshared key is written as zeros,
// a last handshake that never happened as 0 and 0; allowed IPs with their host bits cleared.
// Whatever else DeviceStatus carries is not part of the UAPI and is left out.
[[nodiscard]] std::string format_get(const DeviceStatus& device);

// The line that ends every reply, and the empty line after it: "errno=0\n\n" for success, and for
// a positive errno constant its negation, as wireguard-go sends it: EINVAL -> "errno=-22\n\n".
// wg(8) only recognises a failure in that form.
[[nodiscard]] std::string format_status(int errno_value);

// One request from the stream, read to its empty line.
struct UapiRequest {
    enum class Op : std::uint8_t { get, set };

    Op op = Op::get;
    // For set: the parsed request, unless it was refused.
    UapiSet set;
    // For set: why it was refused (a bad line or a limit). Nothing of it may be applied; the
    // conversation goes on with the next request.
    std::optional<UapiError> refused;
};

// Splits the bytes of one connection into requests and parses set requests as their lines come,
// keeping no more than one line (UapiLimits::max_line) of unparsed text: a request of any length
// is read to its end before it is answered, so a client that writes all of it before reading the
// reply (as wg(8) does) is never cut off. Feed it what the socket delivers, then take requests
// with next() until it returns nothing.
//
// Errors in the framing end the conversation, as they do in wireguard-go: a first line other than
// "get=1" or "set=1" (EPROTO, noticed as soon as the bytes cannot start either), a get request with
// lines after "get=1" (EINVAL). next() returns the error after the requests before it; the reader
// is broken() from then on, drops what it is fed, and next() returns nothing more. A refused set
// request is not such an error: it comes as a request with `refused` set.
//
// The line in hand is wiped when it is consumed and when the reader is destroyed.
class UapiReader {
  public:
    explicit UapiReader(UapiLimits limits = {});
    ~UapiReader();
    UapiReader(const UapiReader&) = delete;
    UapiReader& operator=(const UapiReader&) = delete;
    UapiReader(UapiReader&&) noexcept = default;
    UapiReader& operator=(UapiReader&&) noexcept = default;

    void feed(std::string_view bytes);

    // The next complete request, an error, or nothing while the next request is incomplete.
    [[nodiscard]] std::optional<value::Result<UapiRequest, UapiError>> next();

    [[nodiscard]] bool broken() const { return broken_; }
    // Bytes of the line in hand (received, not yet a whole line). Never more than max_line.
    [[nodiscard]] std::size_t buffered() const { return line_.size(); }

  private:
    enum class State : std::uint8_t { operation, get, set };

    void take(std::string_view piece);
    void complete_line();
    [[nodiscard]] bool check_partial_line();
    void break_with(int errno_value, std::string message);

    UapiSetParser parser_;
    std::string line_;
    State state_ = State::operation;
    bool skipping_ = false;  // the rest of a line over max_line is dropped up to its '\n'
    bool broken_ = false;
    std::deque<value::Result<UapiRequest, UapiError>> ready_;
};

}  // namespace tulle::daemon
