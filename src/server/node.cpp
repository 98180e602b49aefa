#include "runnel/server/node.hpp"

#include "presence_service.hpp"
#include "retention_rules.hpp"
#include "revocations.hpp"
#include "runtime_dispatcher.hpp"
#include "sys_publisher.hpp"
#include "tls_listeners.hpp"

#include "runnel/auth/authenticator.hpp"
#include "runnel/auth/revocations.hpp"
#include "runnel/broker/broker.hpp"
#include "runnel/gateway/http/admin.hpp"
#include "runnel/gateway/http/server.hpp"
#include "runnel/gateway/http/ws_transport.hpp"
#include "runnel/gateway/ws/json_session.hpp"
#include "runnel/gateway/mqtt/connection.hpp"
#include "runnel/limits/guard.hpp"
#include "runnel/net/listener.hpp"
#include "runnel/net/tls_server.hpp"
#include "runnel/obs/log.hpp"
#include "runnel/store/rocksdb_retention_log.hpp"

#include <boost/asio/thread_pool.hpp>

#include <future>
#include <thread>

namespace runnel::server {
namespace {

gateway::mqtt::options mqtt_options(const config::options& o) {
    const auto& m = o.mqtt;
    gateway::mqtt::options g;
    g.max_packet_size = m.max_packet_size;
    g.topics = {m.max_topic_length, m.max_topic_levels};
    g.max_client_id_length = m.max_client_id_length;
    g.receive_maximum = m.receive_maximum;
    g.max_session_expiry = m.max_session_expiry;
    g.topic_alias_maximum = m.topic_alias_maximum;
    g.max_keep_alive = m.max_keep_alive;
    g.maximum_qos = m.maximum_qos;
    g.retain_available = m.retain_available;
    g.wildcard_subscriptions = m.wildcard_subscriptions;
    g.shared_subscriptions = m.shared_subscriptions;
    g.subscription_identifiers = m.subscription_identifiers;
    g.connect_timeout = m.connect_timeout;
    g.max_connections = o.limits.max_connections;
    g.queue = {o.limits.write_queue_low_watermark, o.limits.write_queue_high_watermark, o.limits.write_queue_max};
    return g;
}

codec::json::limits json_limits(const config::options& o) {
    codec::json::limits l;
    l.max_frame_bytes = o.http.max_frame;
    l.topic = {o.mqtt.max_topic_length, o.mqtt.max_topic_levels};
    return l;
}

limits::options limit_options(const config::limits_options& l) {
    limits::options o{l.publish_rate, l.publish_burst, l.max_subscriptions, {}};
    for (const auto& r : l.message_size) o.message_size.push_back({r.match, r.max_bytes});
    return o;
}

auth::static_options auth_options(const config::auth_options& a) {
    auth::static_options s;
    s.anonymous = a.anonymous;
    s.anonymous_loopback_only = a.anonymous_loopback_only;
    s.anonymous_grants = a.anonymous_grants;
    for (const auto& u : a.users) s.users.push_back({u.username, u.password, u.password_hash, u.grants});
    s.keys = a.keys;
    s.tokens = {a.clock_skew.count(), a.max_token_ttl.count(), a.require_exp};
    s.certificate_grants = a.certificate_grants;
    return s;
}

std::unique_ptr<store::retention_log> open_rocksdb(store::log_options o) {
    std::string why;
    auto path = o.path;
    auto log = store::open_rocksdb_log(std::move(o), &why);
    if (!log) throw std::runtime_error("cannot open the retention log at " + path + ": " + why);
    return std::move(*log);
}

presence::options presence_options(const config::presence_options& p) {
    presence::options o;
    o.grace = p.grace;
    o.timeout = p.timeout;
    o.announce_max = p.announce_max;
    o.interval = p.interval;
    o.here_now_max = p.here_now_max;
    o.max_state_bytes = p.max_state_bytes;
    o.interval_list_max = p.interval_list_max;
    o.members = p.members == "verified" ? presence::member_ids::verified : presence::member_ids::any;
    o.wildcards = p.wildcards;
    return o;
}

} // namespace

struct node::impl {
    impl(config::options o, log_factory make_log)
        : opts(std::move(o)), rt(opts.node.workers), dispatcher(rt), blocking(2),
          retention_of(retention_rules(opts.retention)),
          log(opts.store.enabled ? (make_log ? make_log : open_rocksdb)(log_options(opts, retention_of)) : nullptr),
          limit_stats(metrics), tls_stats(metrics), guard(limit_options(opts.limits), limit_stats),
          per_address(std::make_shared<limits::address_counter>(opts.limits.max_connections_per_address)),
          bstats(metrics),
          brk(dispatcher, broker::broker_options{opts.broker.shards,
              {opts.mqtt.max_inflight, opts.mqtt.max_queued_messages, opts.mqtt.max_queued_bytes},
              {opts.buffer.max_messages, opts.buffer.max_bytes, opts.buffer.max_age, opts.buffer.max_total_bytes},
              log.get(), retention_of, opts.store.idempotency_window}, bstats),
          authn(auth_options(opts.auth), &revoked),
          mqtt(mqtt_options(opts), brk, authn, metrics, blocking, rt.size(), guard, &revoked),
          admin{metrics, [this] { return ready.load(); }, &authn,
                [this](auth::revocation r, std::function<void(std::string)> done) { revocations.revoke(r, std::move(done)); },
                [this] { return revoked.all(); },
                // Without require_exp a token may never expire, and neither may its revocation.
                opts.auth.require_exp ? opts.auth.max_token_ttl.count() : 0, opts.auth.clock_skew.count(),
                opts.http.handshake_timeout, opts.http.idle_timeout},
          http{opts.http, [this] { return ready.load(); },
               [this](net::transport_ptr t, std::size_t w, std::shared_ptr<void> slot) {
                   gateway::mqtt::connection::start(std::make_shared<gateway::mqtt::connection>(
                       mqtt, std::move(t), static_cast<broker::worker_id>(w), std::move(slot)));
               },
               [this](std::unique_ptr<gateway::http::ws_transport> t, std::size_t w, std::shared_ptr<void> slot,
                      std::optional<std::string> token) {
                   gateway::ws::json_session::start(std::make_shared<gateway::ws::json_session>(
                       json, std::move(t), static_cast<broker::worker_id>(w), std::move(slot), std::move(token)));
               },
               &authn,
               core::topic_limits{opts.mqtt.max_topic_length, opts.mqtt.max_topic_levels}, &brk,
               std::vector<std::unordered_set<gateway::http::channel_watch*>>(rt.size()),
               std::make_shared<std::atomic<std::size_t>>(0), &guard, std::make_shared<obs::auth_denials>(metrics, "http")},
          json(brk, authn, json_limits(opts), mqtt.opts.queue, metrics, rt.size(), guard),
          sys(rt.context(0), brk, mqtt.counters, opts.sys.interval),
          revocations(revoked, log.get(), rt.context(0), [this] { cut_revoked(); }),
          presence(presence_options(opts.presence), rt.context(0), brk,
                   [this](std::size_t w, std::function<void()> fn) { rt.post(w, std::move(fn)); }, metrics) {
        mqtt.presence = &presence;
        json.presence = &presence;
        http.presence = &presence;
        if (log) {
            store::snapshot snap;
            if (auto ec = log->load(snap, opts.store.idempotency_window))
                throw std::runtime_error("cannot load the retention log: " + ec.message());
            brk.restore(snap);
            revocations.load(snap);
        }
        open_listeners();
    }

    void open_listeners() {
        for (const auto& l : opts.listeners) {
            std::shared_ptr<net::tls_server> tls;
            if (l.tls) {
                tls = std::make_shared<net::tls_server>(tls_server_options(*l.tls), tls_stats.counters(limit_stats));
            }
            net::listener::accept_fn fn;
            if (l.proto == config::protocol::mqtt) {
                fn = [this](net::transport_ptr t, std::size_t w, std::shared_ptr<void> slot) {
                    gateway::mqtt::connection::start(std::make_shared<gateway::mqtt::connection>(
                        mqtt, std::move(t), static_cast<broker::worker_id>(w), std::move(slot)));
                };
            } else if (l.proto == config::protocol::admin) {
                fn = [this](net::transport_ptr t, std::size_t, std::shared_ptr<void> slot) {
                    gateway::http::serve_admin(admin, std::move(t), std::move(slot));
                };
            } else {
                fn = [this](net::transport_ptr t, std::size_t w, std::shared_ptr<void> slot) {
                    gateway::http::serve_http(http, std::move(t), w, std::move(slot));
                };
            }
            // Admin listeners are the operator's: no per-address limit there.
            net::listener::admission adm{l.max_connections, nullptr, &limit_stats};
            if (l.proto != config::protocol::admin && opts.limits.max_connections_per_address != 0) adm.per_address = per_address;
            auto& ln = listeners.emplace_back(std::make_unique<net::listener>(
                rt, l.host, l.port, std::move(tls), std::move(adm), std::move(fn)));
            bound.push_back({l.proto, l.tls.has_value(), l.host, ln->port()});
        }
    }

    /// Ends every live session (every protocol) whose token the revocation list now covers.
    /// Runs on each session's worker; sessions also re-check when they register, so one that
    /// authenticated just before the revocation cannot slip between.
    void cut_revoked() {
        for (std::size_t w = 0; w < rt.size(); ++w) {
            rt.post(w, [this, w] {
                gateway::mqtt::cut_revoked(mqtt, static_cast<broker::worker_id>(w));
                gateway::ws::cut_revoked_sessions(json, w, revoked);
                gateway::http::cut_revoked_watches(http, w, revoked);
            });
        }
    }

    /// Runs `fn` on every worker and waits for all of them.
    void on_every_worker(const std::function<void(std::size_t)>& fn) {
        std::vector<std::future<void>> done;
        for (std::size_t w = 0; w < rt.size(); ++w) {
            auto p = std::make_shared<std::promise<void>>();
            done.push_back(p->get_future());
            rt.post(w, [p, w, &fn] { fn(w); p->set_value(); });
        }
        for (auto& f : done) f.wait();
    }

    std::size_t live_connections() {
        std::size_t n = 0;
        for (auto& l : listeners) n += l->live();
        return n;
    }

    config::options opts;
    obs::registry metrics;
    net::runtime rt;
    runtime_dispatcher dispatcher;
    boost::asio::thread_pool blocking;
    store::retention_fn retention_of;
    std::unique_ptr<store::retention_log> log; // outlives the broker (declared before it)
    limits::stats limit_stats;
    tls_metrics tls_stats;
    limits::guard guard;
    std::shared_ptr<limits::address_counter> per_address; // shared by the mqtt and http listeners
    broker::broker_stats bstats;
    broker::broker brk;
    auth::revocation_list revoked;
    auth::static_authenticator authn;
    gateway::mqtt::context mqtt;
    gateway::http::admin_context admin;
    gateway::http::http_context http;
    gateway::ws::json_context json;
    sys_publisher sys;
    revocation_service revocations;
    presence_service presence; // the single presence writer, on worker 0
    std::vector<std::unique_ptr<net::listener>> listeners;
    std::vector<bound_listener> bound;
    std::atomic<bool> ready{false};
    bool started = false;
    bool stopped = false;
};

node::node(config::options opts, log_factory make_log)
    : impl_(std::make_unique<impl>(std::move(opts), std::move(make_log))) {}

node::~node() { stop(); }

void node::start() {
    auto& i = *impl_;
    i.rt.start();
    for (auto& l : i.listeners) l->start();
    if (i.opts.sys.enabled) i.rt.post(0, [&i] { i.sys.start(); });
    i.rt.post(0, [&i] { i.revocations.start(); });
    i.started = true;
    i.ready = true;
    RUNNEL_LOG_INFO(obs::server_log(), "workers={} shards={}", i.rt.size(), i.brk.shard_count());
    for (const auto& b : i.bound) {
        RUNNEL_LOG_INFO(obs::server_log(), "listening protocol={} tls={} address={}:{}", config::to_string(b.proto),
                        b.tls, b.host, b.port);
    }
}

void node::stop() {
    auto& i = *impl_;
    if (i.stopped) return;
    i.stopped = true;
    i.ready = false;
    if (!i.started) return;
    for (auto& l : i.listeners) l->stop();
    i.on_every_worker([&i](std::size_t w) {
        if (w == 0) {
            i.sys.stop();
            i.revocations.stop();
            i.presence.stop();
        }
        // Copy: shutdown() may end a connection and erase it from the set.
        auto live = std::vector<gateway::mqtt::connection*>(i.mqtt.live[w].begin(), i.mqtt.live[w].end());
        for (auto* c : live) c->shutdown();
        auto json = std::vector<gateway::ws::json_session*>(i.json.live[w].begin(), i.json.live[w].end());
        for (auto* c : json) c->shutdown();
        gateway::http::shutdown_watches(i.http, w);
    });
    // Wait (bounded) for the connections to flush and close.
    auto deadline = std::chrono::steady_clock::now() + i.opts.shutdown.grace;
    while (i.live_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // Everything submitted to the log is written and answered while the workers still run.
    if (i.log) i.log->close();
    i.rt.halt();
    i.blocking.join();
    RUNNEL_LOG_INFO(obs::server_log(), "stopped");
}

std::size_t node::reload_tls() {
    auto& i = *impl_;
    std::size_t failed = 0;
    for (std::size_t k = 0; k < i.listeners.size(); ++k) {
        auto* tls = i.listeners[k]->tls_settings();
        if (!tls) continue;
        const auto& b = i.bound[k];
        if (auto err = tls->reload()) {
            ++failed;
            i.tls_stats.reload_error.inc();
            RUNNEL_LOG_ERROR(obs::server_log(), "TLS reload failed for listener {}:{}, keeping the old certificate: {}",
                             b.host, b.port, *err);
        } else {
            i.tls_stats.reload_ok.inc();
            RUNNEL_LOG_INFO(obs::server_log(), "TLS reloaded for listener {}:{} cert={}", b.host, b.port,
                            tls->options().files.cert);
        }
    }
    return failed;
}

const std::vector<bound_listener>& node::listeners() const noexcept { return impl_->bound; }

std::uint16_t node::port(config::protocol p, bool tls) const noexcept {
    for (const auto& b : impl_->bound) {
        if (b.proto == p && b.tls == tls) return b.port;
    }
    return 0;
}

std::string node::metrics_text() const { return impl_->metrics.render(); }

} // namespace runnel::server
