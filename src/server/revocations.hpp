#pragma once
// The node's side of revocation: loads the persisted entries at start, adds new ones (the
// list first, so connects are refused at once; then the live sessions are cut; then the entry
// is written to the store's kv table and the caller answered once it is durable), and drops
// expired entries from list and store every minute.
#include "runnel/auth/revocations.hpp"
#include "runnel/store/retention_log.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <mutex>
#include <string>

namespace runnel::server {

class revocation_service {
public:
    using cut_fn = std::function<void()>; // cut live sessions the list now covers (any thread)
    using done_fn = std::function<void(std::string error)>; // "" = durable; runs on the store's thread

    revocation_service(auth::revocation_list& list, store::retention_log* log, boost::asio::io_context& timer_ctx,
                       cut_fn cut);
    /// Loads `snap.kv` entries, skipping (and erasing) expired ones. Before start().
    void load(const store::snapshot& snap);
    void revoke(const auth::revocation& r, done_fn done);
    void start();
    void stop();

private:
    void arm();
    void sweep();
    auth::revocation_list& list_;
    // Held from a list change until its write is queued to the log, so the log sees puts and
    // sweep erases in the order the list made them (a revoke on the admin thread racing a sweep
    // on worker 0 must not have its put overtaken by the sweep's erase of the same key).
    std::mutex order_;
    store::retention_log* log_;
    boost::asio::steady_timer timer_;
    cut_fn cut_;
    bool stopped_ = false;
};

} // namespace runnel::server
