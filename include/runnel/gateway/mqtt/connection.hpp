#pragma once
/// One MQTT client connection over any net::transport: reads and decodes packets, runs the
/// CONNECT / PUBLISH / SUBSCRIBE flows against the broker, and is the broker::session_sink of
/// its session while attached. One reader coroutine and one writer (net::write_queue).
///
/// Affinity: lives on one worker; every method runs there. Ownership: shared_ptr kept alive by
/// its coroutines and by callbacks in flight; holds its session by raw pointer, cleared when
/// the broker kicks it.
#include "runnel/broker/session_sink.hpp"
#include "runnel/codec/mqtt/decoder.hpp"
#include "runnel/gateway/mqtt/context.hpp"
#include "runnel/net/transport.hpp"
#include "runnel/net/write_queue.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/system_timer.hpp>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace runnel::gateway::mqtt {

namespace wire = runnel::codec::mqtt;

/// MQTT v5 user properties with a meaning here: a PUBLISH's `idempotency-key` (a retry within
/// the window returns the first cursor), a SUBSCRIBE's `runnel-cursor: true` (deliveries
/// carry `runnel-offset`, `runnel-epoch` and `runnel-tt`) and a SUBSCRIBE's `runnel-presence`
/// (`true`: its wildcard filters make the client a member; `false`: none of its filters do).
inline constexpr std::string_view idempotency_property = "idempotency-key";
inline constexpr std::string_view cursor_property = "runnel-cursor";
inline constexpr std::string_view presence_property = "runnel-presence";
/// SUBSCRIBE user property: the member's presence state (a JSON object) in the channels it joins.
inline constexpr std::string_view presence_state_property = "runnel-presence-state";

class connection final : public broker::session_sink, public std::enable_shared_from_this<connection> {
public:
    connection(context& ctx, net::transport_ptr t, broker::worker_id w, std::shared_ptr<void> slot);
    ~connection() override;

    /// Starts the connection's coroutines; call once, on its worker.
    static void start(std::shared_ptr<connection> self);
    /// Server shutdown: DISCONNECT 0x8B to v5 clients, then close.
    void shutdown();
    /// Revocation: when `revoked` covers this connection's identity, DISCONNECT 0x98 "token
    /// revoked" (v5) or close (3.1.1), will discarded. True when it cut. Connections not yet
    /// connected are skipped: they re-check when their session opens (accept_connect).
    bool cut_if_revoked(const auth::revocation_list& revoked);

    // broker::session_sink
    bool deliver(const broker::delivery& d) override;
    void release(std::uint16_t packet_id) override;
    void kick(errc why) override;

private:
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<void> read_loop();
    /// Decodes the next packet of inbuf_[start, used) and returns its (not yet started)
    /// handler; nothing when more bytes are needed or the packet is malformed (then closes).
    std::optional<boost::asio::awaitable<bool>> next_packet(std::size_t& start, std::size_t used);
    boost::asio::awaitable<void> write_loop();
    boost::asio::awaitable<void> watchdog();
    void finish();
    /// After our FIN on plain TCP: reads and drops input until the peer closes (see .cpp).
    boost::asio::awaitable<void> linger();
    bool lingers() const noexcept;
    /// Closes the transport and ends the watchdog's close grace period.
    void close_transport();
    /// A packet the decoder rejected: the CONNACK or DISCONNECT it calls for, then close.
    void refuse_bad_packet(const wire::decode_error& err);

    // Packet handlers (handle_*.cpp). Each returns false when the connection must close.
    boost::asio::awaitable<bool> handle(wire::packet p);
    boost::asio::awaitable<bool> handle_connect(wire::connect p);
    bool connect_checks(const wire::connect& p);
    /// Refuses CONNECT with `code` (v5: with a reason string) and closes; returns false.
    bool refuse_connect(std::uint8_t code, std::string why);
    void accept_connect(wire::connect p, broker::session* s, bool present, std::string assigned);
    // Grants (authz.cpp).
    /// v5 AUTH: re-authentication with a new token (method `jwt`, reason 0x19).
    bool handle_auth(const wire::auth& p);
    /// (Re)arms the timer that ends the connection when the identity's token expires.
    void arm_expiry();
    /// Unsubscribes the filters of `s` the identity may no longer subscribe to, and drops a will
    /// it may no longer publish (a resumed session, a re-authentication with fewer grants).
    void drop_ungranted(broker::session* s);
    bool handle_publish(wire::publish p);
    /// limits.publish_rate (publish_rate.cpp): true when `p` may be handled now or after a wait
    /// (no negative acknowledgement possible: the reader stops until a token is there); false
    /// when it was refused (v5 QoS 1/2: 0x96) or the connection closes.
    boost::asio::awaitable<bool> pace_publish(wire::publish& p);
    bool resolve_topic_alias(wire::publish& p);
    bool check_publish(const wire::publish& p);
    void route_publish(wire::publish p);
    /// A PUBLISH the identity has no publish grant for: dropped, acknowledged as documented.
    void refuse_ungranted(const wire::publish& p);
    /// A delivery the client will not see: acknowledged to the session as if delivered.
    void discard_delivery(const broker::delivery& d);
    /// The retention log could not take a publish: a negative acknowledgement (v5) or a close.
    void refuse_publish(std::uint16_t id, std::uint8_t qos, const broker::publish_ack& ack);
    bool handle_pubrel(const wire::pubrel& p);
    bool handle_ack(const wire::packet& p);
    bool handle_subscribe(wire::subscribe p);
    bool handle_unsubscribe(wire::unsubscribe p);
    bool handle_disconnect(const wire::disconnect& p);

    // Presence (presence.cpp): exact-topic subscriptions make the client a member, wildcard
    // ones when opted in (presence::presence_enabled).
    /// May the identity subscribe to `filter` (`$presence/{f}` needs the presence grant on f)?
    bool may_subscribe(std::string_view filter) const;
    const std::string& member(); // token subject, else client id; fixed at first use
    /// A subscription to `filter` with the client's presence choice: joins when that makes a
    /// member, else leaves (a re-subscription that opted out).
    void presence_subscribed(const std::string& filter, std::optional<bool> opt_in,
                             const std::optional<std::string>& state);
    /// Whether it joined (a presence-enabled filter, a member to join as).
    bool presence_join(const std::string& filter, std::optional<bool> opt_in);
    void presence_leave(const std::string& filter);
    void presence_end();

    /// Queues a packet for the client.
    void send(const wire::packet& p);
    /// Ends the connection: a v5 client first gets DISCONNECT with `reason` (when connected and
    /// reason is not success); the writer flushes, then the transport closes.
    void close(std::uint8_t reason, std::string why = {});
    bool v5() const noexcept { return version_ == wire::version::v5; }
    /// A reason string for an acknowledgement, or none when the client asked for none.
    std::optional<std::string> problem(std::string s) const;

    context& ctx_;
    net::transport_ptr transport_;
    broker::worker_id worker_;
    std::shared_ptr<void> slot_;
    net::write_queue out_;
    wire::decoder decoder_;
    std::string inbuf_;
    boost::asio::steady_timer timer_;         // connect timeout, then keep alive
    boost::asio::steady_timer session_ready_; // reader waits here while the session opens
    boost::asio::steady_timer pace_;          // reader waits here for a publish token
    boost::asio::system_timer expiry_;        // the token's exp (+ clock skew): wall clock
    std::uint64_t expiry_gen_ = 0;            // a wait armed for an older identity is ignored
    limits::token_bucket publish_bucket_;
    std::chrono::steady_clock::time_point last_seen_;
    std::chrono::steady_clock::duration keep_alive_{};

    wire::version version_ = wire::version::v311;
    bool connect_seen_ = false;
    bool connected_ = false;   // CONNACK success sent
    bool closing_ = false;
    bool publish_will_ = true; // false after a normal DISCONNECT
    bool tracked_ = false;
    bool writer_done_ = false;      // the writer has finished (flushed, or failed)
    bool reader_done_ = false;      // the reader has finished, lingering included
    bool transport_closed_ = false;
    bool read_failed_ = false;      // a read ended with EOF or an error
    bool linger_ = true;            // false: close without waiting for the peer's FIN
    std::string client_id_;
    auth::identity identity_;  // who authenticated (set before the session opens), with grants
    bool jwt_method_ = false;  // v5 CONNECT carried Authentication Method `jwt`: AUTH may refresh
    broker::session* session_ = nullptr;
    std::uint16_t inbound_unacked_ = 0;
    presence::conn_id presence_conn_ = 0; // 0 until the first presence join
    std::string member_;
    bool present_ = false;          // joined some channel: presence_end must disconnect
    // Filters that may be presence channels whose SUBSCRIBE is waiting for its SUBACK, with
    // that SUBSCRIBE's number. The join is posted with the SUBACK, the leave at UNSUBSCRIBE:
    // an UNSUBSCRIBE in between drops the entry so the late SUBACK posts no join (else the
    // join would follow the leave and stick). Bounded by the client's subscriptions.
    std::unordered_map<std::string, std::uint64_t> presence_pending_;
    std::uint64_t presence_seq_ = 0; // numbers SUBSCRIBE packets for presence_pending_
    bool clean_disconnect_ = false; // DISCONNECT received: a clean leave, not a lost connection

    // What the client told us in CONNECT (v5).
    std::uint32_t client_max_packet_ = 0; // 0 = no limit
    std::uint16_t client_alias_max_ = 0;
    bool problem_info_ = true;

    std::unordered_map<std::uint16_t, std::string> alias_in_;
    std::unordered_map<std::string, std::uint16_t> alias_out_;
    std::vector<std::string> alias_out_topics_; // [alias-1]
    std::uint16_t alias_out_next_ = 0;          // round-robin replacement once full
};

} // namespace runnel::gateway::mqtt
