// Revocation on the HTTP listener: long-polls and SSE streams whose token a new revocation
// covers are ended on their worker (node::impl::cut_revoked posts here for every worker).
// REST requests need nothing: they authenticate each time, and the list is already updated.
#include "channel_watch.hpp"

#include "runnel/auth/revocations.hpp"

namespace runnel::gateway::http {

std::size_t cut_revoked_watches(http_context& ctx, std::size_t worker, const auth::revocation_list& revoked) {
    // Copy: a cut request may end and leave the set.
    auto live = std::vector<channel_watch*>(ctx.watches.at(worker).begin(), ctx.watches.at(worker).end());
    std::size_t n = 0;
    for (auto* w : live) {
        if (w->cut_reason() || !revoked.covers(w->identity())) continue;
        w->cut("token revoked");
        ++n;
    }
    return n;
}

} // namespace runnel::gateway::http
