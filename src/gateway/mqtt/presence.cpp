// Presence for MQTT clients: a SUBSCRIBE to an exact topic (or, opted in, a wildcard filter)
// makes the client a member of that channel (when its SUBACK goes out), UNSUBSCRIBE and
// DISCONNECT leave at once, and a lost connection (socket dropped, keep alive expired, session
// taken over) leaves only after presence.grace, so a client that comes back within it causes
// no leave/join flap. A resumed session's subscriptions join again.
#include "runnel/gateway/mqtt/connection.hpp"

namespace runnel::gateway::mqtt {

bool connection::may_subscribe(std::string_view filter) const {
    if (auto inner = presence::events_filter(filter)) return identity_.may(auth::action::presence, *inner);
    return identity_.may(auth::action::subscribe, filter);
}

const std::string& connection::member() {
    if (member_.empty() && ctx_.presence) member_ = ctx_.presence->member(identity_, client_id_);
    return member_;
}

void connection::presence_subscribed(const std::string& filter, std::optional<bool> opt_in,
                                     const std::optional<std::string>& state) {
    if (!ctx_.presence) return;
    if (!ctx_.presence->enabled(filter, opt_in)) {
        presence_leave(filter); // ignored by the registry when it was no member
        return;
    }
    // `runnel-presence-state` (checked before the SUBACK): set right after the join, in order.
    if (presence_join(filter, opt_in) && state)
        ctx_.presence->set_state(filter, member(), *state, worker_, [](errc) {});
}

bool connection::presence_join(const std::string& filter, std::optional<bool> opt_in) {
    if (!ctx_.presence || closing_ || !ctx_.presence->enabled(filter, opt_in)) return false;
    if (member().empty()) return false; // presence.members: verified, and this client is anonymous
    if (presence_conn_ == 0) presence_conn_ = ctx_.presence->new_connection();
    present_ = true;
    ctx_.presence->join(filter, member(), presence_conn_);
    return true;
}

void connection::presence_leave(const std::string& filter) {
    presence_pending_.erase(filter); // a SUBACK still to come must not join after this leave
    if (!ctx_.presence || !present_ || !presence::presence_candidate(filter)) return;
    ctx_.presence->leave(filter, member(), presence_conn_, presence::leave_reason::clean);
}

void connection::presence_end() {
    presence_pending_.clear();
    if (!ctx_.presence || !present_) return;
    present_ = false;
    ctx_.presence->disconnect(member(), presence_conn_,
                              clean_disconnect_ ? presence::leave_reason::clean : presence::leave_reason::lost);
}

} // namespace runnel::gateway::mqtt
