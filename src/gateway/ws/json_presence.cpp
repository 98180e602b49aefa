// Presence on the JSON protocol: an exact-channel subscription makes the session a member (unless
// `presence: false`; a wildcard filter with `presence: true`), unsubscribe and the client's
// close frame leave, any other end (lost, or decided by the server) leaves after the grace;
// the `presence` (here-now) and `state` commands. The node's presence hub does the work.
#include "runnel/gateway/ws/json_session.hpp"

#include "runnel/codec/json/reply.hpp"
#include "runnel/codec/json/text.hpp"

namespace runnel::gateway::ws {
namespace json = runnel::codec::json;

const std::string& json_session::member() {
    if (member_.empty() && ctx_.presence) member_ = ctx_.presence->member(who_ ? *who_ : auth::identity{}, client_id_);
    return member_;
}

void json_session::presence_join(const std::string& channel) {
    if (!ctx_.presence || closing_) return;
    if (member().empty()) return; // presence.members: verified, and this session is anonymous
    if (presence_conn_ == 0) presence_conn_ = ctx_.presence->new_connection();
    if (!present_.insert(channel).second) return;
    ctx_.presence->join(channel, member(), presence_conn_);
}

void json_session::presence_leave(const std::string& channel) {
    if (!ctx_.presence || present_.erase(channel) == 0) return;
    ctx_.presence->leave(channel, member(), presence_conn_, presence::leave_reason::clean);
}

void json_session::presence_end(bool clean) {
    if (!ctx_.presence || present_.empty()) return;
    present_.clear();
    ctx_.presence->disconnect(member(), presence_conn_,
                              clean ? presence::leave_reason::clean : presence::leave_reason::lost);
}

// The presence service stopped (node shutdown): its empty answers must not read as "nobody here".
void json_session::shutting_down(const std::string& id) { send(json::encode_error(id, 503, "server is shutting down")); }

void json_session::on_presence(const std::string& id, json::presence_cmd c) {
    if (!ctx_.presence) {
        send(json::encode_error(id, 501, "presence is not available on this server"));
        return;
    }
    auto self = shared_from_this();
    auto channel = c.channel;
    ctx_.presence->here_now(std::move(c.channel), worker_, [self, id, channel](presence::here_now_result r) {
        if (self->ctx_.presence->stopped()) return self->shutting_down(id);
        json::reply_ok ok(id);
        ok.field("channel", channel).field("occupancy", r.occupancy);
        if (r.listed) {
            std::string members = "[";
            for (std::size_t i = 0; i < r.members.size(); ++i) {
                if (i) members += ',';
                members += R"({"client":)";
                json::append_json_string(members, r.members[i].member);
                members += R"(,"state":)";
                members += r.members[i].state;
                members += '}';
            }
            members += ']';
            ok.raw_field("members", members);
        }
        self->send(std::move(ok).str());
    });
}

void json_session::on_where_now(const std::string& id, std::string client) {
    if (!ctx_.presence) {
        send(json::encode_error(id, 501, "presence is not available on this server"));
        return;
    }
    auto self = shared_from_this();
    auto who = client;
    ctx_.presence->where_now(std::move(client), worker_, [self, id, who](std::vector<std::string> channels) {
        if (!self->who_) return; // closed meanwhile
        if (self->ctx_.presence->stopped()) return self->shutting_down(id);
        // Only channels the identity may see the presence of: where-now must not reveal more
        // than here-now on each channel would.
        std::string list = "[";
        for (const auto& c : channels) {
            if (!self->who_->may(auth::action::presence, c)) continue;
            if (list.size() > 1) list += ',';
            json::append_json_string(list, c);
        }
        list += ']';
        self->send(json::reply_ok(id).field("client", who).raw_field("channels", list).str());
    });
}

void json_session::on_state(const std::string& id, json::state_cmd c) {
    if (!ctx_.presence) {
        send(json::encode_error(id, 501, "presence is not available on this server"));
        return;
    }
    auto self = shared_from_this();
    auto channel = c.channel;
    if (!c.state) {
        ctx_.presence->get_state(std::move(c.channel), member(), worker_,
                                 [self, id, channel](std::optional<std::string> s) {
            if (self->ctx_.presence->stopped()) return self->shutting_down(id);
            if (!s) return self->send(json::encode_error(id, 404, "not present in " + channel));
            self->send(json::reply_ok(id).field("channel", channel).raw_field("state", *s).str());
        });
        return;
    }
    ctx_.presence->set_state(std::move(c.channel), member(), std::move(*c.state), worker_,
                             [self, id, channel](errc ec) {
        if (ec == errc::shutting_down) return self->shutting_down(id);
        if (ec == errc::ok) return self->send(json::reply_ok(id).str());
        if (ec == errc::not_found) return self->send(json::encode_error(id, 404, "not present in " + channel));
        if (ec == errc::packet_too_large) return self->send(json::encode_error(id, 413, "state too large"));
        self->send(json::encode_error(id, 400, "state must be a JSON object"));
    });
}

} // namespace runnel::gateway::ws
