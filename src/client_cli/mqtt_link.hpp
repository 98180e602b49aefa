#pragma once
/// One MQTT client connection of `runnel pub`/`runnel sub` over the sans-I/O codec: CONNECT,
/// PUBLISH with its QoS 1/2 flows, SUBSCRIBE, deliveries with their acknowledgements, keep
/// alive, DISCONNECT. The calling coroutine reads packets itself (one operation at a time);
/// writes go through an outbox so the keep-alive pinger never interleaves with them.
/// Refusals and dropped connections throw `failure` with the reason code spelled out.
/// Affinity: the io_context of its transport. Ownership: shared (the pinger holds a reference
/// until close()).
#include "watchdog.hpp"

#include "runnel/codec/mqtt/decoder.hpp"
#include "runnel/codec/mqtt/encoder.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::client_cli {

namespace wire = codec::mqtt;

/// "0x87 not authorized".
std::string reason_text(std::uint8_t code);

class mqtt_link : public std::enable_shared_from_this<mqtt_link> {
public:
    mqtt_link(net::transport_ptr t, wire::version v, std::chrono::milliseconds timeout);
    ~mqtt_link();

    /// CONNECT, then CONNACK within the timeout; throws failure on a refusal. Starts the
    /// keep-alive pinger when `c.keep_alive` is nonzero (or the server's keep alive says so).
    boost::asio::awaitable<wire::connack> open(wire::connect c);
    /// QoS 0: once written (nullopt). QoS 1/2: once PUBACK / PUBCOMP arrived, with its reason
    /// code; a refusal code throws.
    boost::asio::awaitable<std::optional<std::uint8_t>> publish(wire::publish p);
    /// The SUBACK reason codes, one per subscription.
    boost::asio::awaitable<std::vector<std::uint8_t>> subscribe(std::vector<wire::subscription> subs);
    /// The next delivery (a QoS 2 resend is not returned twice). Throws when the connection ends.
    boost::asio::awaitable<wire::publish> receive();
    /// PUBACK or PUBREC for a delivery returned by receive().
    boost::asio::awaitable<void> acknowledge(const wire::publish& p);
    /// PINGREQ and wait for PINGRESP: proves the server took everything sent before (a refused
    /// QoS 0 publish ends the connection instead).
    boost::asio::awaitable<void> round_trip();
    /// DISCONNECT, then wait (bounded) for the server to close; a v5 DISCONNECT with an error
    /// code from the server throws.
    boost::asio::awaitable<void> disconnect();
    void close() noexcept;

private:
    /// The next packet; I/O errors and timeouts throw failure naming `waiting_for`.
    boost::asio::awaitable<wire::packet> read_packet(std::string_view waiting_for);
    /// read_packet, and a DISCONNECT from the server throws.
    boost::asio::awaitable<wire::packet> next(std::string_view waiting_for);
    /// A packet that arrived while waiting for another: deliveries are kept for receive(),
    /// PUBREL is answered, the rest (PINGRESP) dropped.
    boost::asio::awaitable<void> absorb(wire::packet p);
    boost::asio::awaitable<void> release(std::uint16_t packet_id);
    boost::asio::awaitable<void> send(const wire::packet& p);
    static boost::asio::awaitable<void> keep_alive(std::shared_ptr<mqtt_link> self);
    std::uint16_t next_packet_id();
    [[noreturn]] void fail_io(const boost::system::error_code& ec, std::string_view waiting_for);

    net::transport_ptr t_;
    wire::version version_;
    std::chrono::milliseconds timeout_;
    watchdog watchdog_;
    wire::decoder decoder_;
    std::string in_;
    std::string outbox_;
    bool writing_ = false;
    bool closed_ = false;
    std::uint16_t last_id_ = 0;
    std::chrono::seconds keep_alive_{0};
    std::deque<wire::publish> early_;      // deliveries read while waiting for something else
    std::set<std::uint16_t> awaiting_rel_; // QoS 2 deliveries acknowledged with PUBREC
    boost::asio::steady_timer ping_timer_;
};

} // namespace runnel::client_cli
