#include "ipc/methods.hpp"

#include <utility>

namespace tulle::ipc {

// --- decoders by type ----------------------------------------------------------------------------

Outcome<NoParams> read(const Json& /*json*/, As<NoParams> /*type*/) {
    return NoParams{};
}

Outcome<Done> read(const Json& json, As<Done> /*type*/) {
    if (!json.is_object()) {
        return refuse(ErrorCode::invalid_params, "result: expected an object");
    }
    return Done{};
}

Outcome<TunnelRef> read(const Json& json, As<TunnelRef> /*type*/) {
    return tunnel_ref_from_json(json);
}

Outcome<TunnelUp> read(const Json& json, As<TunnelUp> /*type*/) {
    return tunnel_up_from_json(json);
}

Outcome<TunnelSave> read(const Json& json, As<TunnelSave> /*type*/) {
    return tunnel_save_from_json(json);
}

Outcome<PeerEdit> read(const Json& json, As<PeerEdit> /*type*/) {
    return peer_edit_from_json(json);
}

Outcome<PeerRef> read(const Json& json, As<PeerRef> /*type*/) {
    return peer_ref_from_json(json);
}

Outcome<StatsQuery> read(const Json& json, As<StatsQuery> /*type*/) {
    return stats_query_from_json(json);
}

Outcome<LogQuery> read(const Json& json, As<LogQuery> /*type*/) {
    return log_query_from_json(json);
}

Outcome<Subscription> read(const Json& json, As<Subscription> /*type*/) {
    return subscription_from_json(json);
}

Outcome<PeerStatus> read(const Json& json, As<PeerStatus> /*type*/) {
    return peer_status_from_json(json);
}

Outcome<TunnelStatus> read(const Json& json, As<TunnelStatus> /*type*/) {
    return tunnel_status_from_json(json);
}

Outcome<TunnelList> read(const Json& json, As<TunnelList> /*type*/) {
    auto list = tunnel_list_from_json(json);
    if (!list.ok()) {
        return refuse(list.error());
    }
    return TunnelList{std::move(list).value()};
}

Outcome<TunnelDetail> read(const Json& json, As<TunnelDetail> /*type*/) {
    return tunnel_detail_from_json(json);
}

Outcome<DaemonStatus> read(const Json& json, As<DaemonStatus> /*type*/) {
    return daemon_status_from_json(json);
}

Outcome<StatsHistory> read(const Json& json, As<StatsHistory> /*type*/) {
    return stats_history_from_json(json);
}

Outcome<LogTail> read(const Json& json, As<LogTail> /*type*/) {
    auto lines = log_lines_from_json(json);
    if (!lines.ok()) {
        return refuse(lines.error());
    }
    return LogTail{std::move(lines).value()};
}

Outcome<StatsEvent> read(const Json& json, As<StatsEvent> /*type*/) {
    return stats_event_from_json(json);
}

Outcome<LogLine> read(const Json& json, As<LogLine> /*type*/) {
    return log_line_from_json(json);
}

Outcome<TunnelChanged> read(const Json& json, As<TunnelChanged> /*type*/) {
    return tunnel_changed_from_json(json);
}

Outcome<PeerChanged> read(const Json& json, As<PeerChanged> /*type*/) {
    return peer_changed_from_json(json);
}

Outcome<HelloParams> read(const Json& json, As<HelloParams> /*type*/) {
    return hello_params_from_json(json);
}

Outcome<HelloResult> read(const Json& json, As<HelloResult> /*type*/) {
    return hello_result_from_json(json);
}

}  // namespace tulle::ipc
