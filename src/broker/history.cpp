// History of one channel: a range by offset or timetoken, from the retention log when it keeps
// the channel, else from the channel's buffer. Either way the channel's shard is visited first
// for its epoch and newest offset, and the answer comes back on the caller's worker.
#include "broker_internal.hpp"

namespace runnel::broker {
namespace {

/// The page of `got`, and whether the asked range starts before what was kept.
void fill(history_page& page, const store::read_query& q, store::read_page got, const char* keeper) {
    page.messages = std::move(got.messages);
    page.more = got.more;
    bool trimmed = got.trimmed_offset != 0 || got.trimmed_tt != 0;
    // Both lower bounds apply, so the range is whole when either one is past the trimmed part.
    if (trimmed && q.after_offset < got.trimmed_offset && q.after_tt < got.trimmed_tt) {
        page.complete = false;
        page.reason = "the range starts before the oldest message the " + std::string(keeper) +
                      " kept: offsets up to " + std::to_string(got.trimmed_offset) + " are gone";
    }
}

} // namespace

void broker::history(history_query q, std::function<void(history_page)> done) {
    auto origin = reply_worker(d_.current());
    auto k = shard_of(q.channel);
    bool from_log = opts_.log != nullptr && opts_.retention_of && opts_.retention_of(q.channel).store;
    run_on(worker_of(k), [this, k, origin, from_log, q = std::move(q), done = std::move(done)]() mutable {
        history_page page;
        auto& buffers = shards_[k]->buffers;
        if (!from_log) {
            store::read_page got;
            buffers.read_range(q, d_.now(), got);
            fill(page, q, std::move(got), "buffer");
        }
        if (const auto* b = buffers.find(q.channel)) {
            page.epoch = b->epoch();
            page.last_offset = b->last_offset();
        }
        if (!from_log) {
            run_on(origin, [done = std::move(done), page = std::move(page)]() mutable { done(std::move(page)); });
            return;
        }
        auto asked = q; // the log takes its own copy
        opts_.log->read(std::move(asked), [this, origin, q = std::move(q), page = std::move(page),
                                           done = std::move(done)](boost::system::error_code ec,
                                                                   store::read_page got) mutable {
            // On a store thread: only the query, the page and the dispatcher are touched here.
            if (ec) {
                page.error = ec;
                page.reason = "the retention log could not be read: " + ec.message();
            } else {
                fill(page, q, std::move(got), "retention log");
            }
            run_on(origin, [done = std::move(done), page = std::move(page)]() mutable { done(std::move(page)); });
        });
    });
}

} // namespace runnel::broker
