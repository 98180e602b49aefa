// libFuzzer target for the history page token (docs/fuzzing.md): `page` is client input that
// plan_history decodes (base64url of a range, an order and an epoch). Any bytes must give a
// plan or a 400 message, never a crash; a plan must be within the documented limits, and the
// token of its next page must plan again to the same order and limit.
#include "runnel/gateway/http/history_request.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "history_token_fuzz: %s\n", what);
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace runnel;
    gateway::http::history_params p;
    p.channel = "fuzz/channel";
    p.page = std::string(reinterpret_cast<const char*>(data), size);
    auto planned = gateway::http::plan_history(p);
    auto* plan = std::get_if<gateway::http::history_plan>(&planned);
    if (!plan) return 0;
    require(plan->q.limit >= 1 && plan->q.limit <= gateway::http::max_history_limit, "limit out of range");
    require(plan->q.channel == "fuzz/channel", "channel changed");
    // A page that ended on a message continues from it.
    broker::history_page page;
    core::message m;
    m.topic = plan->q.channel;
    m.cur = {plan->q.after_offset + 1, 1, plan->q.after_tt + 1};
    page.messages.push_back(core::make_message(std::move(m)));
    page.more = true;
    if (auto next = gateway::http::next_page_token(*plan, page)) {
        gateway::http::history_params again;
        again.channel = plan->q.channel;
        again.page = *next;
        auto replanned = gateway::http::plan_history(again);
        auto* p2 = std::get_if<gateway::http::history_plan>(&replanned);
        require(p2 != nullptr, "a token of ours is refused");
        require(p2->q.newest_first == plan->q.newest_first, "the order changed");
    }
    return 0;
}
