#pragma once
/// One JSON-protocol WebSocket connection (subprotocol `runnel.json`, docs/protocol.md): reads
/// one request per text frame, answers by id, and is the broker::session_sink of its session,
/// pushing `{"op":"message",...}` frames. A connection that sends no `connect` gets a
/// server-assigned client id on its first subscribe or publish. JSON subscriptions are QoS 0
/// on the wire: what a client misses while away it gets back through cursors (issue 4).
///
/// Affinity: lives on one worker. Ownership: shared_ptr kept by its coroutines and callbacks.
#include "runnel/auth/authenticator.hpp"
#include "runnel/broker/broker.hpp"
#include "runnel/broker/session_sink.hpp"
#include "runnel/codec/json/request.hpp"
#include "runnel/gateway/http/ws_transport.hpp"
#include "runnel/limits/guard.hpp"
#include "runnel/net/write_queue.hpp"
#include "runnel/obs/auth_denials.hpp"
#include "runnel/obs/metrics.hpp"
#include "runnel/presence/hub.hpp"

#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace runnel::gateway::ws {

class json_session;

struct json_stats {
    explicit json_stats(obs::registry& r);
    obs::gauge& connections;
    obs::counter& connections_total;
    obs::counter& requests;
    obs::counter& request_errors;
    obs::counter& messages_out;
    obs::counter& dropped;
};

struct json_context {
    json_context(broker::broker& b, const auth::static_authenticator& a, codec::json::limits l, net::queue_limits q,
                 obs::registry& r, std::size_t workers, runnel::limits::guard& g)
        : broker(b), auth(a), limits(l), queue(q), counters(r), denied(r, "json"), live(workers), guard(g) {}
    broker::broker& broker;
    const auth::static_authenticator& auth; // connect tokens, anonymous access, `refresh`
    const codec::json::limits limits;
    const net::queue_limits queue;
    json_stats counters;
    obs::auth_denials denied; // runnel_auth_denied_total{protocol="json"}
    std::vector<std::unordered_set<json_session*>> live; // [worker]; touched on that worker only
    runnel::limits::guard& guard; // publish rate, subscriptions, message sizes
    runnel::presence::hub* presence = nullptr; // set by the node; null: no presence (501 to its commands)
    /// The last push each worker encoded: a message fans out to many sessions of one worker in
    /// a row, so it is encoded once per worker, not once per subscriber. [worker]
    struct encoded_push {
        core::message_ptr msg; // held, so the pointer cannot be reused while cached
        bool retained = false;
        std::string frame;
    };
    std::vector<encoded_push> last_push = std::vector<encoded_push>(live.size());
};

/// Ends every JSON session of the calling worker whose identity `revoked` now covers: a
/// `disconnect` push (401, "token revoked"), then WebSocket close 1008. Returns how many.
std::size_t cut_revoked_sessions(json_context& ctx, std::size_t worker, const auth::revocation_list& revoked);

class json_session final : public broker::session_sink, public std::enable_shared_from_this<json_session> {
public:
    /// `token`: the one the WebSocket upgrade carried (Bearer or ?token=), already accepted
    /// there; start() checks it again, so a revocation during the handshake still counts.
    json_session(json_context& ctx, std::unique_ptr<http::ws_transport> t, broker::worker_id w, std::shared_ptr<void> slot,
                 std::optional<std::string> token = std::nullopt);
    ~json_session() override;
    static void start(std::shared_ptr<json_session> self);
    /// Server shutdown: close the WebSocket (1001 going away) after what is queued.
    void shutdown();
    /// The identity the session acts as, once it has one (a token, or anonymous on first use).
    const std::optional<auth::identity>& identity() const noexcept { return who_; }
    /// Ends the session for its token: `{"op":"disconnect","code":401,"reason":...}`, then
    /// WebSocket close 1008 (policy violation). Expiry and revocation.
    void end_for(std::string_view reason);

    bool deliver(const broker::delivery& d) override;
    void release(std::uint16_t) override {} // JSON deliveries are never QoS 2
    void kick(errc why) override;

private:
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<void> write_loop();
    boost::asio::awaitable<void> handle(codec::json::request r);
    boost::asio::awaitable<bool> ensure_session(std::string client_id, const std::string& id);
    void on_subscribe(const std::string& id, codec::json::subscribe_cmd c);
    void on_unsubscribe(const std::string& id, codec::json::unsubscribe_cmd c);
    void on_publish(const std::string& id, codec::json::publish_cmd c);
    void on_history(const std::string& id, codec::json::history_cmd c);
    void send(std::string frame);
    void close();

    // Presence (json_presence.cpp).
    const std::string& member(); // token subject, else client id; fixed at first use
    void presence_join(const std::string& channel);
    void presence_leave(const std::string& channel);
    void presence_end(bool clean); // the client closed (clean), or the session ended otherwise
    void shutting_down(const std::string& id); // a presence query the stopped service answered
    void on_presence(const std::string& id, codec::json::presence_cmd c);
    void on_state(const std::string& id, codec::json::state_cmd c);
    /// The channels `client` is present in, of those the identity has the presence grant on.
    void on_where_now(const std::string& id, std::string client);

    // Identity and grants (json_auth.cpp).
    /// The identity for a request: the session's, or anonymous when allowed; false (error 401
    /// sent, connection closing) when there is none.
    bool ensure_identity(const std::string& id);
    /// Takes `who` as the session's identity and arms its expiry.
    void set_identity(auth::identity who);
    /// False, with error 403 sent, when the identity may not take `a` on `channel`.
    bool allowed(const std::string& id, auth::action a, std::string_view channel);
    /// A token from `connect` (or the upgrade: no id) becomes the identity; false, with error
    /// 401 (or a `disconnect` push) sent and the connection closing with 1008, when refused.
    bool accept_token(const std::optional<std::string>& id, std::string token);
    void on_refresh(const std::string& id, codec::json::refresh_cmd c);
    /// Unsubscribes the filters the identity's grants no longer allow; returns them.
    std::vector<std::string> drop_ungranted();

    // Resume (json_replay.cpp): a subscribe with `since` replays what the channel has after
    // the position, up to the subscription's horizon, then the live pushes held meanwhile.
    struct replay;
    void start_replay(const std::string& id, const std::string& filter, const codec::json::position& since,
                      std::uint64_t horizon, std::vector<core::message_ptr> retained);
    void replay_from(std::shared_ptr<replay> r, std::uint64_t cursor);
    void finish_replay(const std::shared_ptr<replay>& r);
    bool hold(const broker::delivery& d);
    bool already_replayed(const core::message& m) const;

    json_context& ctx_;
    std::unique_ptr<http::ws_transport> t_;
    broker::worker_id worker_;
    std::shared_ptr<void> slot_;
    net::write_queue out_;
    boost::asio::steady_timer session_ready_;
    broker::session* session_ = nullptr;
    std::string client_id_;
    bool opening_ = false;
    bool closing_ = false;
    bool tracked_ = false;
    bool clean_close_ = false; // the client sent a close frame
    unsigned replaying_ = 0;                    // replays under way; live pushes are held
    std::vector<broker::delivery> held_;        // live pushes that arrived during a replay
    /// Replayed filters and their horizons: a live push at or below one was replayed.
    std::vector<std::pair<std::string, std::uint64_t>> replayed_;
    boost::asio::steady_timer replay_wait_;     // a replay page waits for the queue to drain
    runnel::limits::token_bucket publish_bucket_;
    std::optional<std::string> upgrade_token_;
    std::optional<auth::identity> who_;
    boost::asio::steady_timer expiry_; // the identity's token expiry
    std::uint64_t expiry_gen_ = 0;     // bumped by each set_identity(); a stale expiry is ignored
    presence::conn_id presence_conn_ = 0; // 0 until the first presence join
    std::string member_;
    std::set<std::string> present_;       // channels this connection is a member of
};

} // namespace runnel::gateway::ws
