#include "revocations.hpp"

#include "runnel/auth/authenticator.hpp"
#include "runnel/obs/log.hpp"

namespace runnel::server {

revocation_service::revocation_service(auth::revocation_list& list, store::retention_log* log,
                                       boost::asio::io_context& timer_ctx, cut_fn cut)
    : list_(list), log_(log), timer_(timer_ctx), cut_(std::move(cut)) {}

void revocation_service::load(const store::snapshot& snap) {
    auto now = auth::unix_now();
    store::write_batch gone;
    for (const auto& [k, v] : snap.kv) {
        if (!k.starts_with(auth::revocation_prefix)) continue;
        auto r = auth::decode_revocation(k, v);
        if (!r || (r->expires != 0 && r->expires < now)) {
            gone.kv_erase.push_back(k);
            continue;
        }
        list_.add(*r);
    }
    if (list_.size() > 0) RUNNEL_LOG_INFO(obs::server_log(), "revocations loaded={}", list_.size());
    if (log_ && !gone.empty()) log_->commit(std::move(gone), {}, {});
}

void revocation_service::revoke(const auth::revocation& r, done_fn done) {
    std::unique_lock lock(order_);
    auto stored = list_.add(r);
    if (cut_) cut_();
    RUNNEL_LOG_INFO(obs::server_log(), "revoked {}={} before={} expires={}", auth::to_string(r.what), r.value, r.before,
                    r.expires);
    if (!log_) {
        lock.unlock();
        return done("");
    }
    // A revoke the list already covers writes nothing, but is answered only once what came
    // before it is durable: an empty batch queues behind the earlier write of the same entry,
    // which may still be on its way (a repeated POST must not read "stored" before it is).
    store::write_batch b;
    if (stored) b.kv_put.emplace_back(auth::revocation_key(*stored), auth::encode_revocation(*stored));
    log_->commit(std::move(b), {}, [done = std::move(done)](boost::system::error_code ec) {
        done(ec ? "the revocation is in force but could not be stored: " + ec.message() : std::string());
    });
}

void revocation_service::start() { arm(); }

void revocation_service::stop() {
    stopped_ = true;
    timer_.cancel();
}

void revocation_service::arm() {
    if (stopped_) return;
    timer_.expires_after(std::chrono::minutes(1));
    timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || stopped_) return;
        sweep();
        arm();
    });
}

void revocation_service::sweep() {
    std::lock_guard lock(order_);
    auto gone = list_.expire(auth::unix_now());
    if (gone.empty() || !log_) return;
    store::write_batch b;
    for (const auto& r : gone) b.kv_erase.push_back(auth::revocation_key(r));
    log_->commit(std::move(b), {}, {});
}

} // namespace runnel::server
