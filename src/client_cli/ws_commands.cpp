// --via ws: the JSON protocol's publisher and subscribe loop over ws_link.
#include "connect.hpp"
#include "runnel/client_cli/requests.hpp"
#include "transports.hpp"
#include "ws_link.hpp"

namespace runnel::client_cli {
namespace asio = boost::asio;

namespace {

/// A publisher idle longer than this checks its connection before publishing.
constexpr std::chrono::seconds idle_check{15};

std::string describe_error(const reply& r) { return std::to_string(r.code) + " " + r.message; }

// Upgrade, then `connect` (client id and token when given): a refused connect throws.
asio::awaitable<std::unique_ptr<ws_link>> open_ws(const connection_options& c, endpoint e, asio::ssl::context* tls) {
    auto link = std::make_unique<ws_link>(co_await open_transport(e, tls, c.timeout), c.timeout);
    co_await link->handshake(e);
    auto r = co_await link->request(connect_members(c.client_id, c.token), "the connect reply");
    if (!r.ok) throw refusal("connect refused: " + describe_error(r));
    co_return link;
}

class ws_publisher final : public publisher {
public:
    using publisher::publisher;

    asio::awaitable<void> open() override {
        link_ = co_await open_ws(o_.conn, e_, tls_);
        used_ = std::chrono::steady_clock::now();
    }

    asio::awaitable<std::string> publish(std::string payload) override {
        // Between publishes nothing reads (-l may wait long on stdin), so the server's pings
        // go unanswered and it may have cut the connection: check it first, reopen if gone.
        if (std::chrono::steady_clock::now() - used_ > idle_check) {
            bool gone = false;
            try {
                co_await link_->request("\"op\":\"ping\"", "the ping reply");
            } catch (const failure&) {
                gone = true;
            }
            if (gone) link_ = co_await open_ws(o_.conn, e_, tls_);
        }
        auto r = co_await link_->request(publish_members(o_, payload), "the publish reply");
        used_ = std::chrono::steady_clock::now();
        if (!r.ok) throw refusal("publish refused: " + describe_error(r));
        co_return r.text;
    }

    asio::awaitable<void> close() override { co_await link_->close(); }

private:
    std::unique_ptr<ws_link> link_;
    std::chrono::steady_clock::time_point used_;
};

} // namespace

std::unique_ptr<publisher> make_ws_publisher(const pub_options& o, const endpoint& e, asio::ssl::context* tls) {
    return std::make_unique<ws_publisher>(o, e, tls);
}

asio::awaitable<void> subscribe_ws(sub_options o, endpoint e, asio::ssl::context* tls, printer& out) {
    auto link = co_await open_ws(o.conn, e, tls);
    for (const auto& f : o.filters) {
        // With --since the server replays what it kept after the cursor (before its reply),
        // then goes live.
        auto r = co_await link->request(subscribe_members(f, o.since), "the subscribe reply");
        if (!r.ok) throw refusal("subscription to " + f + " refused: " + describe_error(r));
        if (o.since && r.text.find("\"recovered\":false") != std::string::npos)
            note("resume of " + f + " is not complete: " + r.text);
    }
    if (o.verbose) note("subscribed to " + join_filters(o));
    while (!out.done()) {
        auto f = co_await link->next_frame();
        if (auto* m = std::get_if<received>(&f)) out.print(*m);
        else if (auto* r = std::get_if<reply>(&f); r && !r->ok) throw refusal("the server says: " + describe_error(*r));
    }
    co_await link->close();
}

} // namespace runnel::client_cli
