// The control methods and events, each defined once: its name, its params and result types (whose
// codecs are found by type: to_json and read), whether it changes anything, and the protocol
// version that brought it. tulled dispatches from this table (Dispatcher), tullectl and the app
// make typed calls from it (`client.call<TunnelUpMethod>(params)`).
//
// Adding a method: a row here (a struct and its place in `Methods`), the codecs of its types in
// messages.hpp, one handler in daemon::Service (the build fails without it), one caller.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <map>
#include <string_view>
#include <type_traits>
#include <utility>

#include "ipc/jsonrpc.hpp"
#include "ipc/messages.hpp"
#include "ipc/protocol.hpp"

namespace tulle::ipc {

// --- codecs by type -----------------------------------------------------------------------------

// The decoder of each message type, found by type: read(json, As<TunnelUp>{}). Params decode with
// the prefix "params", results with "result", so errors name the field.
template <typename T>
using As = std::type_identity<T>;

[[nodiscard]] Outcome<NoParams> read(const Json& json, As<NoParams> type);
[[nodiscard]] Outcome<Done> read(const Json& json, As<Done> type);
[[nodiscard]] Outcome<TunnelRef> read(const Json& json, As<TunnelRef> type);
[[nodiscard]] Outcome<TunnelUp> read(const Json& json, As<TunnelUp> type);
[[nodiscard]] Outcome<TunnelSave> read(const Json& json, As<TunnelSave> type);
[[nodiscard]] Outcome<PeerEdit> read(const Json& json, As<PeerEdit> type);
[[nodiscard]] Outcome<PeerRef> read(const Json& json, As<PeerRef> type);
[[nodiscard]] Outcome<StatsQuery> read(const Json& json, As<StatsQuery> type);
[[nodiscard]] Outcome<LogQuery> read(const Json& json, As<LogQuery> type);
[[nodiscard]] Outcome<Subscription> read(const Json& json, As<Subscription> type);
[[nodiscard]] Outcome<PeerStatus> read(const Json& json, As<PeerStatus> type);
[[nodiscard]] Outcome<TunnelStatus> read(const Json& json, As<TunnelStatus> type);
[[nodiscard]] Outcome<TunnelList> read(const Json& json, As<TunnelList> type);
[[nodiscard]] Outcome<TunnelDetail> read(const Json& json, As<TunnelDetail> type);
[[nodiscard]] Outcome<DaemonStatus> read(const Json& json, As<DaemonStatus> type);
[[nodiscard]] Outcome<StatsHistory> read(const Json& json, As<StatsHistory> type);
[[nodiscard]] Outcome<LogTail> read(const Json& json, As<LogTail> type);
[[nodiscard]] Outcome<StatsEvent> read(const Json& json, As<StatsEvent> type);
[[nodiscard]] Outcome<LogLine> read(const Json& json, As<LogLine> type);
[[nodiscard]] Outcome<TunnelChanged> read(const Json& json, As<TunnelChanged> type);
[[nodiscard]] Outcome<PeerChanged> read(const Json& json, As<PeerChanged> type);
[[nodiscard]] Outcome<HelloParams> read(const Json& json, As<HelloParams> type);
[[nodiscard]] Outcome<HelloResult> read(const Json& json, As<HelloResult> type);
[[nodiscard]] Outcome<NetworkCreate> read(const Json& json, As<NetworkCreate> type);
[[nodiscard]] Outcome<NetworkInvite> read(const Json& json, As<NetworkInvite> type);
[[nodiscard]] Outcome<InviteIssued> read(const Json& json, As<InviteIssued> type);
[[nodiscard]] Outcome<NetworkJoin> read(const Json& json, As<NetworkJoin> type);
[[nodiscard]] Outcome<NetworkRef> read(const Json& json, As<NetworkRef> type);
[[nodiscard]] Outcome<MemberRef> read(const Json& json, As<MemberRef> type);
[[nodiscard]] Outcome<NetworkStatus> read(const Json& json, As<NetworkStatus> type);
[[nodiscard]] Outcome<NetworkList> read(const Json& json, As<NetworkList> type);
[[nodiscard]] Outcome<MemberList> read(const Json& json, As<MemberList> type);
[[nodiscard]] Outcome<NetworkChanged> read(const Json& json, As<NetworkChanged> type);
[[nodiscard]] Outcome<PathChanged> read(const Json& json, As<PathChanged> type);

// --- the methods --------------------------------------------------------------------------------

// A method's or event's name on the wire, as a template argument.
template <std::size_t N>
struct WireName {
    constexpr WireName(const char (&name)[N]) {  // NOLINT: implicit, for "tunnel.up"
        std::copy_n(name, N, text);
    }
    [[nodiscard]] constexpr std::string_view view() const { return {text, N - 1}; }
    char text[N]{};  // NOLINT: a structural type needs a public array
};

enum class Mutates : bool { no = false, yes = true };

// A row of the table: {name, Params, Result, mutates (logged as a change by tulled), since}.
template <WireName wire, typename P, typename R, Mutates changes, ProtocolVersion version>
struct Method {
    static constexpr std::string_view name = wire.view();
    using Params = P;
    using Result = R;
    static constexpr bool mutates = changes == Mutates::yes;
    static constexpr ProtocolVersion since = version;
};

inline constexpr ProtocolVersion k1_0{1, 0};
inline constexpr ProtocolVersion k1_3{1, 3};
inline constexpr ProtocolVersion k1_4{1, 4};
constexpr Mutates kReads = Mutates::no;
constexpr Mutates kChanges = Mutates::yes;

// The handshake: answered by the ControlServer itself, before any other call.
struct HelloMethod : Method<"daemon.hello", HelloParams, HelloResult, kReads, k1_0> {};

// clang-format off
struct DaemonStatusMethod : Method<"daemon.status", NoParams,     DaemonStatus, kReads,   k1_0> {};
struct TunnelListMethod   : Method<"tunnel.list",   NoParams,     TunnelList,   kReads,   k1_0> {};
struct TunnelUpMethod     : Method<"tunnel.up",     TunnelUp,     TunnelStatus, kChanges, k1_0> {};
struct TunnelDownMethod   : Method<"tunnel.down",   TunnelRef,    TunnelStatus, kChanges, k1_0> {};
struct TunnelGetMethod    : Method<"tunnel.get",    TunnelRef,    TunnelDetail, kReads,   k1_0> {};
struct TunnelSaveMethod   : Method<"tunnel.save",   TunnelSave,   TunnelStatus, kChanges, k1_0> {};
struct PeerAddMethod      : Method<"peer.add",      PeerEdit,     PeerStatus,   kChanges, k1_0> {};
struct PeerUpdateMethod   : Method<"peer.update",   PeerEdit,     PeerStatus,   kChanges, k1_0> {};
struct PeerRemoveMethod   : Method<"peer.remove",   PeerRef,      Done,         kChanges, k1_0> {};
struct StatsHistoryMethod : Method<"stats.history", StatsQuery,   StatsHistory, kReads,   k1_0> {};
struct LogTailMethod      : Method<"log.tail",      LogQuery,     LogTail,      kReads,   k1_0> {};
struct SubscribeMethod    : Method<"subscribe",     Subscription, Subscription, kReads,   k1_0> {};
struct UnsubscribeMethod  : Method<"unsubscribe",   Subscription, Subscription, kReads,   k1_0> {};
// Forgets a tunnel that was brought up with a config and not saved (tulled keeps its config
// while it is down, so that it comes up again by name).
struct TunnelDeleteMethod : Method<"tunnel.delete", TunnelRef,    Done,         kChanges, k1_3> {};
// Mesh networks (ipc/messages.hpp, "mesh networks").
struct NetworkListMethod    : Method<"network.list",    NoParams,      NetworkList,   kReads,   k1_4> {};
struct NetworkCreateMethod  : Method<"network.create",  NetworkCreate, NetworkStatus, kChanges, k1_4> {};
struct NetworkInviteMethod  : Method<"network.invite",  NetworkInvite, InviteIssued,  kChanges, k1_4> {};
struct NetworkJoinMethod    : Method<"network.join",    NetworkJoin,   NetworkStatus, kChanges, k1_4> {};
struct NetworkMembersMethod : Method<"network.members", NetworkRef,    MemberList,    kReads,   k1_4> {};
struct NetworkRemoveMethod  : Method<"network.remove",  MemberRef,     Done,          kChanges, k1_4> {};
struct NetworkLeaveMethod   : Method<"network.leave",   NetworkRef,    Done,          kChanges, k1_4> {};
// clang-format on

template <typename... Ms>
struct TypeList {
    // Calls f(As<M>{}) for each type, in order.
    template <typename F>
    static void for_each(F&& f) {
        (f(As<Ms>{}), ...);
    }
    static constexpr std::size_t size = sizeof...(Ms);
};

// Every method tulled's Service answers (daemon.hello aside).
using Methods =
    TypeList<DaemonStatusMethod, TunnelListMethod, TunnelUpMethod, TunnelDownMethod,
             TunnelGetMethod, TunnelSaveMethod, PeerAddMethod, PeerUpdateMethod, PeerRemoveMethod,
             StatsHistoryMethod, LogTailMethod, SubscribeMethod, UnsubscribeMethod,
             TunnelDeleteMethod, NetworkListMethod, NetworkCreateMethod, NetworkInviteMethod,
             NetworkJoinMethod, NetworkMembersMethod, NetworkRemoveMethod, NetworkLeaveMethod>;

// --- the events ---------------------------------------------------------------------------------

// An event (a notification from tulled): {name, Params, topic a client subscribes to}.
template <WireName wire, typename P, Topic topic_bit>
struct Event {
    static constexpr std::string_view name = wire.view();
    using Params = P;
    static constexpr Topic topic = topic_bit;
};

// clang-format off
struct TunnelChangedEvent : Event<"tunnel.changed", TunnelChanged, Topic::tunnels> {};
struct PeerChangedEvent   : Event<"peer.changed",   PeerChanged,   Topic::peers> {};
struct StatsTickEvent     : Event<"stats",          StatsEvent,    Topic::stats> {};
struct LogEvent           : Event<"log",            LogLine,       Topic::log> {};
struct NetworkChangedEvent : Event<"network.changed", NetworkChanged, Topic::tunnels> {};
// Since 1.5; an older tulled never sends it.
struct PathChangedEvent    : Event<"path.changed",    PathChanged,    Topic::peers> {};
// clang-format on

using Events = TypeList<TunnelChangedEvent, PeerChangedEvent, StatsTickEvent, LogEvent,
                        NetworkChangedEvent, PathChangedEvent>;

// The notification that announces an event.
template <typename E>
[[nodiscard]] Request notification(const typename E::Params& params) {
    return Request{nullptr, std::string(E::name), to_json(params)};
}

// --- typed calls --------------------------------------------------------------------------------

// Reads a method's result; a result that does not decode is the daemon's fault, said so.
template <typename M>
[[nodiscard]] Outcome<typename M::Result> read_result(const Json& result) {
    auto decoded = read(result, As<typename M::Result>{});
    if (!decoded.ok()) {
        return refuse(ErrorCode::internal_error,
                      "tulled answered " + std::string(M::name) +
                          " with a result this program cannot read: " + decoded.error().message);
    }
    return decoded;
}

// Why a method cannot be called on a daemon that speaks `daemon`; empty when it can.
template <typename M>
[[nodiscard]] std::string unsupported(ProtocolVersion daemon) {
    if (daemon.major > M::since.major ||
        (daemon.major == M::since.major && daemon.minor >= M::since.minor)) {
        return {};
    }
    return std::string(M::name) + " needs control protocol " + std::to_string(M::since.major) +
           "." + std::to_string(M::since.minor) + "; tulled speaks " +
           std::to_string(daemon.major) + "." + std::to_string(daemon.minor) + ": update tulled";
}

// --- dispatch -----------------------------------------------------------------------------------

// A map from method name to a handler built from the table: the params are decoded with the
// method's decoder before the handler runs, and its typed result encoded after. `Context` is what
// every handler gets besides its params (tulled: the calling client).
template <typename Context>
class Dispatcher {
  public:
    using Handler = std::function<Outcome<Json>(Context&, const Json&)>;
    struct Entry {
        std::string_view name;
        bool mutates = false;
        ProtocolVersion since;
        Handler handler;
    };

    // `handler(Context&, const M::Params&) -> Outcome<M::Result>`.
    template <typename M, typename F>
    void on(F handler) {
        entries_.insert_or_assign(
            M::name, Entry{M::name, M::mutates, M::since,
                           [handler = std::move(handler)](Context& context,
                                                          const Json& params) -> Outcome<Json> {
                               auto decoded = read(params, As<typename M::Params>{});
                               if (!decoded.ok()) {
                                   return refuse(decoded.error());
                               }
                               Outcome<typename M::Result> result = handler(context, *decoded);
                               if (!result.ok()) {
                                   return refuse(result.error());
                               }
                               return to_json(*result);
                           }});
    }

    // The entry of a method, or null for an unknown name.
    [[nodiscard]] const Entry* find(std::string_view name) const {
        auto found = entries_.find(name);
        return found == entries_.end() ? nullptr : &found->second;
    }
    [[nodiscard]] std::size_t size() const { return entries_.size(); }

  private:
    std::map<std::string_view, Entry, std::less<>> entries_;
};

}  // namespace tulle::ipc
