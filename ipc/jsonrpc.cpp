#include "ipc/jsonrpc.hpp"

#include <algorithm>
#include <limits>

namespace tulle::ipc {
namespace {

constexpr std::string_view kJsonRpcVersion = "2.0";

Json error_to_json(const Error& error) {
    return Json{{"code", static_cast<std::int32_t>(error.code)}, {"message", error.message}};
}

bool valid_id(const Json& id) {
    return id.is_null() || id.is_string() || id.is_number_integer();
}

DecodeFailure invalid(std::string message, Json id = nullptr) {
    return DecodeFailure{Error{ErrorCode::invalid_request, std::move(message)}, std::move(id)};
}

Outcome<ProtocolVersion> version_from_json(const Json& parent, std::string_view where) {
    ParamReader reader(parent, std::string(where));
    const Json* version = reader.object("version");
    if (version == nullptr) {
        return refuse(*reader.error());
    }
    ParamReader fields(*version, std::string(where) + ".version");
    ProtocolVersion v;
    v.major = static_cast<int>(fields.integer("major", 0, std::numeric_limits<int>::max()));
    v.minor = static_cast<int>(fields.integer("minor", 0, std::numeric_limits<int>::max()));
    if (auto error = fields.error()) {
        return refuse(*error);
    }
    return v;
}

Json version_to_json(ProtocolVersion v) {
    return Json{{"major", v.major}, {"minor", v.minor}};
}

}  // namespace

std::string encode(const Request& request) {
    Json j{{"jsonrpc", kJsonRpcVersion}, {"method", request.method}};
    if (!request.params.is_null()) {
        j["params"] = request.params;
    }
    if (!request.is_notification()) {
        j["id"] = request.id;
    }
    return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string encode(const Response& response) {
    Json j{{"jsonrpc", kJsonRpcVersion}, {"id", response.id}};
    if (response.outcome.ok()) {
        j["result"] = *response.outcome;
    } else {
        j["error"] = error_to_json(response.outcome.error());
    }
    return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string encode_reply(const Response& response, std::string_view method) {
    std::string line = encode(response);
    if (line.size() <= kMaxMessageSize) {
        return line;
    }
    const std::string message =
        "the reply to " + std::string(method) + " would be " + std::to_string(line.size()) +
        " bytes, more than the message limit of " + std::to_string(kMaxMessageSize) +
        "; ask for less (one item, or pages where the method has them) or update this client";
    std::string refused =
        encode(Response{response.id, refuse(ErrorCode::message_too_large, message)});
    if (refused.size() <= kMaxMessageSize) {
        return refused;
    }
    // The caller's id alone is too long to echo.
    return encode(Response{nullptr, refuse(ErrorCode::message_too_large, message)});
}

std::size_t nesting_depth(std::string_view text) {
    std::size_t depth = 0;
    std::size_t deepest = 0;
    bool in_string = false;
    bool escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

std::variant<Message, DecodeFailure> decode(std::string_view line) {
    // nlohmann's parser does not recurse, but copying a value does: a deep enough nest would
    // overflow the stack. No message of the protocol nests more than a few levels.
    if (nesting_depth(line) > kMaxNesting) {
        return DecodeFailure{
            Error{ErrorCode::invalid_request, "the message nests arrays and objects deeper than " +
                                                  std::to_string(kMaxNesting) + " levels"},
            nullptr};
    }
    Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
        return DecodeFailure{Error{ErrorCode::parse_error, "the message is not valid JSON"},
                             nullptr};
    }
    if (!j.is_object()) {
        return invalid("the message must be a JSON object");
    }
    Json id = nullptr;
    if (auto it = j.find("id"); it != j.end()) {
        if (!valid_id(*it)) {
            return invalid("id: expected a string, an integer or null");
        }
        id = *it;
    }
    auto version = j.find("jsonrpc");
    if (version == j.end() || *version != kJsonRpcVersion) {
        return invalid("jsonrpc: expected \"2.0\"", id);
    }
    if (auto method = j.find("method"); method != j.end()) {
        if (!method->is_string()) {
            return invalid("method: expected a string", id);
        }
        Request request{id, method->get<std::string>(), Json::object()};
        if (auto params = j.find("params"); params != j.end()) {
            if (!params->is_object() && !params->is_array()) {
                return invalid("params: expected an object", id);
            }
            request.params = *params;
        }
        return Message{std::move(request)};
    }
    const auto result = j.find("result");
    const auto error = j.find("error");
    if ((result == j.end()) == (error == j.end())) {
        return invalid("a message needs a method, or exactly one of result and error", id);
    }
    if (result != j.end()) {
        return Message{Response{id, Outcome<Json>(*result)}};
    }
    ParamReader reader(*error, "error");
    const auto code = reader.integer("code", std::numeric_limits<std::int32_t>::min(),
                                     std::numeric_limits<std::int32_t>::max());
    auto message = reader.string("message");
    if (auto failure = reader.error()) {
        return invalid(failure->message, id);
    }
    return Message{Response{id, refuse(static_cast<ErrorCode>(code), std::move(message))}};
}

ParamReader::ParamReader(const Json& params, std::string prefix)
    : params_(params), prefix_(std::move(prefix)) {}

void ParamReader::fail(std::string_view key, std::string_view what) {
    if (!error_) {
        error_ = Error{ErrorCode::invalid_params,
                       prefix_ + "." + std::string(key) + ": " + std::string(what)};
    }
}

const Json* ParamReader::field(std::string_view key, bool required) {
    if (!params_.is_object()) {
        if (!error_) {
            error_ = Error{ErrorCode::invalid_params, prefix_ + ": expected an object"};
        }
        return nullptr;
    }
    auto it = params_.find(key);
    if (it == params_.end() || it->is_null()) {
        if (required) {
            fail(key, "missing");
        }
        return nullptr;
    }
    return &*it;
}

std::string ParamReader::string(std::string_view key) {
    if (const Json* value = field(key, true)) {
        if (value->is_string()) {
            return value->get<std::string>();
        }
        fail(key, "expected a string");
    }
    return {};
}

std::optional<std::string> ParamReader::optional_string(std::string_view key) {
    if (const Json* value = field(key, false)) {
        if (value->is_string()) {
            return value->get<std::string>();
        }
        fail(key, "expected a string");
    }
    return std::nullopt;
}

std::int64_t ParamReader::integer(std::string_view key, std::int64_t min, std::int64_t max) {
    if (const Json* value = field(key, true)) {
        if (!value->is_number_integer()) {
            fail(key, "expected an integer");
            return 0;
        }
        const bool too_large = value->is_number_unsigned() &&
                               value->get<std::uint64_t>() > static_cast<std::uint64_t>(max);
        const std::int64_t number = too_large ? max : value->get<std::int64_t>();
        if (too_large || number < min || number > max) {
            fail(key,
                 "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
            return 0;
        }
        return number;
    }
    return 0;
}

std::optional<std::int64_t> ParamReader::optional_integer(std::string_view key, std::int64_t min,
                                                          std::int64_t max) {
    if (field(key, false) == nullptr) {
        return std::nullopt;
    }
    const std::int64_t value = integer(key, min, max);
    if (error_) {
        return std::nullopt;
    }
    return value;
}

bool ParamReader::boolean(std::string_view key, bool absent) {
    if (const Json* value = field(key, false)) {
        if (value->is_boolean()) {
            return value->get<bool>();
        }
        fail(key, "expected true or false");
    }
    return absent;
}

std::optional<std::vector<std::string>> ParamReader::optional_strings(std::string_view key) {
    const Json* value = field(key, false);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_array()) {
        fail(key, "expected an array of strings");
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < value->size(); ++i) {
        if (!(*value)[i].is_string()) {
            fail(std::string(key) + "[" + std::to_string(i) + "]", "expected a string");
            return std::nullopt;
        }
        out.push_back((*value)[i].get<std::string>());
    }
    return out;
}

const Json* ParamReader::object(std::string_view key) {
    if (const Json* value = field(key, true)) {
        if (value->is_object()) {
            return value;
        }
        fail(key, "expected an object");
    }
    return nullptr;
}

Json to_json(const HelloParams& params) {
    return Json{{"version", version_to_json(params.version)}, {"client", params.client}};
}

Json to_json(const HelloResult& result) {
    return Json{{"version", version_to_json(result.version)}, {"daemon", result.daemon}};
}

Outcome<HelloParams> hello_params_from_json(const Json& params) {
    auto version = version_from_json(params, "params");
    if (!version.ok()) {
        return refuse(version.error());
    }
    ParamReader reader(params);
    HelloParams out{*version, reader.string("client")};
    if (auto error = reader.error()) {
        return refuse(*error);
    }
    return out;
}

Outcome<HelloResult> hello_result_from_json(const Json& result) {
    auto version = version_from_json(result, "result");
    if (!version.ok()) {
        return refuse(version.error());
    }
    ParamReader reader(result, "result");
    HelloResult out{*version, reader.string("daemon")};
    if (auto error = reader.error()) {
        return refuse(*error);
    }
    return out;
}

}  // namespace tulle::ipc
