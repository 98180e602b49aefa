// Revocation: cutting the live connections whose token the node's revocation list now covers.
#include "runnel/auth/revocations.hpp"
#include "runnel/gateway/mqtt/connection.hpp"

#include "runnel/obs/log.hpp"

namespace runnel::gateway::mqtt {

bool connection::cut_if_revoked(const auth::revocation_list& revoked) {
    if (!connected_ || closing_ || !revoked.covers(identity_)) return false;
    RUNNEL_LOG_DEBUG(obs::mqtt_log(), "cid={} sub={} token revoked", client_id_, identity_.subject);
    publish_will_ = false; // a revoked identity publishes nothing more, its will included
    close(wire::reason::administrative_action, "token revoked");
    return true;
}

std::size_t cut_revoked(context& ctx, broker::worker_id w) {
    if (!ctx.revoked) return 0;
    // close() does not touch the set (finish() does, later), but copy anyway: cheap, and safe
    // should that ever change.
    std::vector<connection*> live(ctx.live[w].begin(), ctx.live[w].end());
    std::size_t cut = 0;
    for (auto* c : live) cut += c->cut_if_revoked(*ctx.revoked) ? 1 : 0;
    return cut;
}

} // namespace runnel::gateway::mqtt
