// History requests shared by REST and the JSON command: bounds into a broker query, the page
// token, the reply's members.
#include "runnel/gateway/http/history_request.hpp"

#include "runnel/codec/json/message_json.hpp"
#include "runnel/codec/json/text.hpp"
#include "runnel/core/cursor.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace runnel::gateway::http {
namespace {

constexpr std::string_view token_version = "1";

// base64url without padding: a token travels in URLs untouched.
std::string to_url64(std::string_view text) {
    std::string out;
    codec::json::append_base64(out, text);
    while (!out.empty() && out.back() == '=') out.pop_back();
    std::replace(out.begin(), out.end(), '+', '-');
    std::replace(out.begin(), out.end(), '/', '_');
    return out;
}

std::optional<std::string> from_url64(std::string text) {
    if (text.find_first_of("+/=") != std::string::npos) return std::nullopt;
    std::replace(text.begin(), text.end(), '-', '+');
    std::replace(text.begin(), text.end(), '_', '/');
    return codec::json::decode_base64(text);
}

std::string encode_token(const broker::history_query& q, const std::optional<std::string>& epoch) {
    std::string text(token_version);
    text += q.newest_first ? " n" : " o";
    for (auto v : {q.after_offset, q.after_tt, q.until_offset, q.until_tt}) text += ' ' + std::to_string(v);
    text += ' ' + epoch.value_or("-");
    return to_url64(text);
}

/// Reads a token back into `plan` (range, order, epoch); false when it is not one of ours.
bool decode_token(const std::string& token, history_plan& plan) {
    auto text = from_url64(token);
    if (!text) return false;
    std::istringstream in(*text);
    std::string version, order, epoch;
    std::string bounds[4];
    in >> version >> order >> bounds[0] >> bounds[1] >> bounds[2] >> bounds[3] >> epoch;
    std::string extra;
    if (!in || (in >> extra) || version != token_version || (order != "n" && order != "o")) return false;
    std::uint64_t* out[] = {&plan.q.after_offset, &plan.q.after_tt, &plan.q.until_offset, &plan.q.until_tt};
    for (int i = 0; i < 4; ++i) {
        auto [end, ec] = std::from_chars(bounds[i].data(), bounds[i].data() + bounds[i].size(), *out[i]);
        if (ec != std::errc{} || end != bounds[i].data() + bounds[i].size()) return false;
    }
    plan.q.newest_first = order == "n";
    if (epoch != "-") plan.epoch = epoch;
    return true;
}

} // namespace

std::variant<history_plan, std::string> plan_history(history_params p) {
    history_plan plan;
    plan.q.channel = std::move(p.channel);
    plan.q.limit = p.limit.value_or(default_history_limit);
    if (plan.q.limit < 1 || plan.q.limit > max_history_limit) return std::string("limit must be 1..1000");
    if (p.page) {
        if (p.since_offset || p.since_tt || p.until_offset || p.until_tt || p.newest_first || p.epoch)
            return std::string("a page token carries the range and order: send it with limit only");
        if (!decode_token(*p.page, plan)) return std::string("page is not a token this server handed out");
        return plan;
    }
    plan.q.newest_first = p.newest_first.value_or(true);
    plan.q.after_offset = p.since_offset.value_or(0);
    plan.q.after_tt = p.since_tt.value_or(0);
    if (p.until_offset) plan.q.until_offset = *p.until_offset;
    if (p.until_tt) plan.q.until_tt = *p.until_tt;
    if (p.epoch && !(p.since_offset || p.until_offset))
        return std::string("epoch names the epoch of offset bounds; give since or until as an offset");
    plan.epoch = std::move(p.epoch);
    return plan;
}

std::optional<std::string> next_page_token(const history_plan& plan, const broker::history_page& page) {
    if (!page.more || page.messages.empty()) return std::nullopt;
    // Continue by timetoken: it orders the channel whatever happens to its epoch.
    auto next = plan.q;
    auto last_tt = page.messages.back()->cur.tt;
    if (next.newest_first) next.until_tt = last_tt - 1;
    else next.after_tt = last_tt;
    return encode_token(next, plan.epoch);
}

std::string history_members(const history_plan& plan, const broker::history_page& page) {
    std::string out = "\"channel\":";
    codec::json::append_json_string(out, plan.q.channel);
    out += ",\"epoch\":";
    if (page.epoch == 0) out += "null";
    else out += '"' + core::epoch_string(page.epoch) + '"';
    out += ",\"last_offset\":" + std::to_string(page.last_offset) + ",\"messages\":[";
    for (std::size_t i = 0; i < page.messages.size(); ++i) {
        if (i > 0) out += ',';
        codec::json::append_message_json(out, *page.messages[i], false);
    }
    out += "],\"next\":";
    if (auto next = next_page_token(plan, page)) codec::json::append_json_string(out, *next);
    else out += "null";
    bool complete = page.complete;
    auto reason = page.reason;
    if (plan.epoch && page.epoch != 0 && *plan.epoch != core::epoch_string(page.epoch)) {
        complete = false;
        reason = "offsets of epoch " + *plan.epoch + " do not apply: the channel's epoch is now " +
                 core::epoch_string(page.epoch) + " (its offsets started over)";
    }
    out += complete ? ",\"complete\":true" : ",\"complete\":false,\"reason\":";
    if (!complete) codec::json::append_json_string(out, reason);
    return out;
}

} // namespace runnel::gateway::http
