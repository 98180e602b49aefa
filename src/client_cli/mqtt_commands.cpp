// --via mqtt: the publisher and the subscribe loop over mqtt_link.
#include "connect.hpp"
#include "mqtt_link.hpp"
#include "transports.hpp"

namespace runnel::client_cli {
namespace asio = boost::asio;

namespace {

wire::version version_of(const connection_options& c) { return c.mqtt_version == 3 ? wire::version::v311 : wire::version::v5; }

wire::connect connect_packet(const connection_options& c, std::string_view role, bool clean,
                             std::optional<std::uint32_t> session_expiry) {
    wire::connect p;
    p.ver = version_of(c);
    p.clean_start = clean;
    p.keep_alive = c.keep_alive;
    p.client_id = c.client_id.empty() ? generated_client_id(role) : c.client_id;
    p.username = c.username;
    p.password = c.token ? c.token : c.password;
    // MQTT 3.1.1 has no password without a user name (3.1.2.9).
    if (p.password && !p.username && p.ver == wire::version::v311) p.username = "";
    p.props.session_expiry_interval = session_expiry;
    return p;
}

asio::awaitable<std::shared_ptr<mqtt_link>> open_link(const connection_options& c, endpoint e, asio::ssl::context* tls,
                                                      wire::connect p) {
    auto t = co_await open_transport(e, tls, c.timeout);
    auto link = std::make_shared<mqtt_link>(std::move(t), p.ver, c.timeout);
    co_await link->open(std::move(p));
    co_return link;
}

class mqtt_publisher final : public publisher {
public:
    using publisher::publisher;
    ~mqtt_publisher() override {
        if (link_) link_->close();
    }

    asio::awaitable<void> open() override {
        link_ = co_await open_link(o_.conn, e_, tls_, connect_packet(o_.conn, "pub", true, std::nullopt));
    }

    asio::awaitable<std::string> publish(std::string payload) override {
        wire::publish p;
        p.topic = o_.channel;
        p.payload = std::move(payload);
        p.qos = static_cast<std::uint8_t>(o_.qos);
        p.retain = o_.retain;
        p.props.content_type = o_.content_type;
        p.props.user_properties = o_.headers;
        auto code = co_await link_->publish(std::move(p));
        if (!code) co_return o_.channel + ": sent (QoS 0)";
        co_return o_.channel + ": " + (o_.qos == 1 ? "PUBACK " : "PUBREC ") + reason_text(*code);
    }

    asio::awaitable<void> close() override {
        // QoS 0 has no acknowledgement: a round trip shows the server took the publishes
        // (a refused one ends the connection first).
        if (o_.qos == 0) co_await link_->round_trip();
        co_await link_->disconnect();
    }

private:
    std::shared_ptr<mqtt_link> link_;
};

} // namespace

std::unique_ptr<publisher> make_mqtt_publisher(const pub_options& o, const endpoint& e, asio::ssl::context* tls) {
    return std::make_unique<mqtt_publisher>(o, e, tls);
}

asio::awaitable<void> subscribe_mqtt(sub_options o, endpoint e, asio::ssl::context* tls, printer& out) {
    auto link = co_await open_link(o.conn, e, tls, connect_packet(o.conn, "sub", o.clean, o.session_expiry));
    std::vector<wire::subscription> subs;
    for (const auto& f : o.filters) subs.push_back({.filter = f, .max_qos = static_cast<std::uint8_t>(o.qos)});
    auto codes = co_await link->subscribe(subs);
    for (std::size_t i = 0; i < o.filters.size(); ++i) {
        auto code = i < codes.size() ? codes[i] : wire::reason::unspecified_error;
        if (code >= 0x80) {
            link->close();
            throw refusal("subscription to " + o.filters[i] + " refused: " + reason_text(code));
        }
    }
    if (o.verbose) note("subscribed to " + join_filters(o) + " (QoS " + std::to_string(o.qos) + ")");
    while (!out.done()) {
        auto p = co_await link->receive();
        out.print(from_mqtt(p));
        co_await link->acknowledge(p);
    }
    co_await link->disconnect();
}

} // namespace runnel::client_cli
