// JSON-RPC 2.0 envelopes and the one codec for them. Every decoding error names what is wrong.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "ipc/protocol.hpp"
#include "value/result.hpp"

namespace tulle::ipc {

using Json = nlohmann::json;

struct Error {
    ErrorCode code = ErrorCode::internal_error;
    std::string message;  // for people: names the field or the method at fault
    friend bool operator==(const Error&, const Error&) = default;
};

// The one error idiom of ipc, the daemon's handlers, tullectl and the app: a value, or an Error
// with a code and a message. `return value;` or `return refuse(code, "...");`.
template <typename T>
using Outcome = value::Result<T, Error>;

[[nodiscard]] inline value::Unexpected<Error> refuse(Error error) {
    return value::Unexpected<Error>{std::move(error)};
}
[[nodiscard]] inline value::Unexpected<Error> refuse(ErrorCode code, std::string message) {
    return value::Unexpected<Error>{Error{code, std::move(message)}};
}

// A call; without an id it is a notification (an event when the daemon sends it).
struct Request {
    Json id;  // null for notifications
    std::string method;
    Json params = Json::object();
    [[nodiscard]] bool is_notification() const { return id.is_null(); }
};

struct Response {
    Json id;
    Outcome<Json> outcome = Json::object();  // the result, or the error
    [[nodiscard]] bool ok() const { return outcome.ok(); }
};

using Message = std::variant<Request, Response>;

// One line of the wire format, with its trailing newline.
[[nodiscard]] std::string encode(const Request& request);
[[nodiscard]] std::string encode(const Response& response);
// The answer to a call of `method` as a line. One that would pass kMaxMessageSize (which no
// client could read: its reader would give up the connection) becomes a message_too_large error
// naming the method and the size instead, so the caller learns to ask for less.
[[nodiscard]] std::string encode_reply(const Response& response, std::string_view method);

// How deep arrays and objects may nest in one message.
inline constexpr std::size_t kMaxNesting = 32;

// How deep arrays and objects nest in a JSON text (brackets inside strings not counted).
[[nodiscard]] std::size_t nesting_depth(std::string_view text);

// Decodes one line (without its newline). On failure the Error says what is wrong and, where the
// line had a readable id, `id` carries it so the reply can name the call.
struct DecodeFailure {
    Error error;
    Json id;
};
[[nodiscard]] std::variant<Message, DecodeFailure> decode(std::string_view line);

// Typed access to params with errors that name the field ("params.name: expected a string").
class ParamReader {
  public:
    explicit ParamReader(const Json& params, std::string prefix = "params");

    [[nodiscard]] std::optional<Error> error() const { return error_; }
    [[nodiscard]] std::string string(std::string_view key);
    [[nodiscard]] std::optional<std::string> optional_string(std::string_view key);
    [[nodiscard]] std::int64_t integer(std::string_view key, std::int64_t min, std::int64_t max);
    [[nodiscard]] std::optional<std::int64_t> optional_integer(std::string_view key,
                                                               std::int64_t min, std::int64_t max);
    [[nodiscard]] bool boolean(std::string_view key, bool absent);
    // An array of strings; nullopt when absent (or on error).
    [[nodiscard]] std::optional<std::vector<std::string>> optional_strings(std::string_view key);
    [[nodiscard]] const Json* object(std::string_view key);  // nullptr on error
    // Records an error about a field whose value is of the right type but not valid.
    void invalid(std::string_view key, std::string_view what) { fail(key, what); }

  private:
    const Json* field(std::string_view key, bool required);
    void fail(std::string_view key, std::string_view what);

    const Json& params_;
    std::string prefix_;
    std::optional<Error> error_;
};

// daemon.hello: the first call of every connection.
struct HelloParams {
    ProtocolVersion version = kProtocolVersion;
    std::string client;  // "tulle 0.1.0", "tullectl 0.1.0"
};
struct HelloResult {
    ProtocolVersion version = kProtocolVersion;
    std::string daemon;  // "tulled 0.1.0"
};

[[nodiscard]] Json to_json(const HelloParams& params);
[[nodiscard]] Json to_json(const HelloResult& result);
[[nodiscard]] Outcome<HelloParams> hello_params_from_json(const Json& params);
[[nodiscard]] Outcome<HelloResult> hello_result_from_json(const Json& result);

}  // namespace tulle::ipc
