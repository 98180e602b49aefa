// Per-member state: a small JSON object, validated and stored compact (so the size limit and
// "did it change" are about the value, not the sender's whitespace).
#include "tables.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace runnel::presence {

result<std::string> compact_state(std::string_view json_object, std::size_t max_bytes) {
    // Refuse oversized input before parsing it: the limit also bounds the parser's work.
    if (json_object.size() > max_bytes)
        return errc::packet_too_large;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(json_object, ec);
    if (ec || !v.is_object())
        return errc::malformed_packet;
    std::string compact = v.as_object().empty() ? std::string() : boost::json::serialize(v);
    if (compact.size() > max_bytes)
        return errc::packet_too_large;
    return compact;
}

result<std::vector<event>> registry::set_state(std::string_view channel, std::string_view member,
                                               std::string_view json_object, time_point now) {
    auto& s = *impl_;
    auto found = s.find_member(channel, member);
    if (!found)
        return errc::not_found;
    auto [cit, mit] = *found;

    auto compact = compact_state(json_object, s.opts.max_state_bytes);
    if (!compact)
        return compact.error();

    std::vector<event> out;
    std::string& state = mit->second.state;
    if (*compact == state)
        return out; // unchanged: nothing to announce
    state = std::move(*compact);
    s.announce(cit, mit->first, action::state_change, state, now, out);
    return out;
}

std::optional<std::string> registry::get_state(std::string_view channel,
                                               std::string_view member) const {
    auto cit = impl_->channels.find(channel);
    if (cit == impl_->channels.end())
        return std::nullopt;
    auto mit = cit->second.members.find(member);
    if (mit == cit->second.members.end())
        return std::nullopt;
    const auto& state = mit->second.state;
    return state.empty() ? std::string(empty_state) : state;
}

} // namespace runnel::presence
