#pragma once
/// One connection of the load generator, the base of publishers, subscribers and idle clients.
/// It speaks MQTT (over TCP, TLS or WebSocket) or the JSON protocol (over WebSocket), as the
/// config's transport says. MQTT: connect() runs CONNECT/CONNACK itself; after that one reader
/// coroutine decodes packets and hands them to on_packet(). JSON: connect() ends with the
/// WebSocket handshake (the server opens a session on the first request); the reader hands each
/// text message to on_text(). One writer coroutine sends the outbox. Producers encode straight
/// into the outbox (no per-packet allocation) and call flush(); the writer swaps the outbox out
/// and writes it in one call (one WebSocket message for MQTT), so a burst becomes one syscall.
/// JSON frames must each be their own WebSocket message: producers mark each frame's end with
/// end_frame(), and the writer sends them one by one.
///
/// Affinity: every method runs on the io_context the client was built on (its executor).
/// Ownership: owned by the run (bench_run / connections runner), which outlives its coroutines:
/// they capture `this`, and the run closes every client and lets them finish before freeing.
#include "client_stream.hpp"
#include "runnel/bench_tool/options.hpp"
#include "runnel/codec/mqtt/decoder.hpp"
#include "runnel/codec/mqtt/encoder.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace runnel::bench_tool {

namespace wire = runnel::codec::mqtt;

/// Producers that encode in place (publisher, producer) encode at most `encode_batch` messages
/// per turn, and stop once the outbox holds `outbox_high` bytes until it is below `outbox_low`.
inline constexpr std::size_t encode_batch = 64;
inline constexpr std::size_t outbox_high = 256 * 1024;
inline constexpr std::size_t outbox_low = 64 * 1024;

struct client_config {
    boost::asio::ip::tcp::endpoint endpoint;
    std::string host;                           // TLS SNI / verification name
    boost::asio::ssl::context* tls = nullptr;   // null = plain TCP
    transport_kind transport = transport_kind::tcp;
    std::string ws_path;                        // WebSocket request target
    wire::version version = wire::version::v311;
    std::uint16_t keep_alive = 120;             // seconds; the bench never sends PINGREQ
    std::chrono::seconds connect_timeout{10};
};

class client {
public:
    using error_code = boost::system::error_code;

    client(boost::asio::io_context& io, client_config cfg);
    virtual ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    boost::asio::any_io_executor executor() const { return executor_; }

    /// TCP (+TLS) (+WebSocket) connect; MQTT: CONNECT with a clean session, wait for CONNACK.
    /// Starts the reader and writer when accepted. An error or a refusal closes the client.
    boost::asio::awaitable<error_code> connect(std::string client_id);

    /// The JSON protocol (ws-json) rather than MQTT.
    bool json() const noexcept { return cfg_.transport == transport_kind::ws_json; }

    /// MQTT: encodes `p` into the outbox and wakes the writer.
    void send(const wire::packet& p);
    /// JSON: queues one frame and wakes the writer.
    void send_text(std::string_view frame);
    /// For producers that encode in place: append to outbox() (JSON: then end_frame() after
    /// each frame), then flush().
    std::string& outbox() noexcept { return outbox_; }
    void end_frame() { frame_ends_.push_back(outbox_.size()); }
    void flush();
    /// Resolves once fewer than `below` bytes wait in the outbox (or the client closed).
    boost::asio::awaitable<void> wait_room(std::size_t below);

    /// DISCONNECT after whatever is queued, then close.
    void disconnect();
    /// Abortive close (idempotent).
    void close();
    bool is_open() const noexcept { return open_; }
    /// Receive Maximum from CONNACK (v5); 65535 when the server sent none.
    std::uint16_t server_receive_maximum() const noexcept { return server_receive_maximum_; }
    wire::version version() const noexcept { return cfg_.version; }

protected:
    /// A packet from the broker (after CONNACK). May call send().
    virtual void on_packet(wire::packet& p) = 0;
    /// JSON: a text message from the server (valid until return). May call send_text().
    virtual void on_text(std::string_view) {}
    /// The connection ended (read error, broker close or close()).
    virtual void on_closed() {}

private:
    std::string connect_packet(std::string client_id) const;
    boost::asio::awaitable<error_code> read_connack();
    boost::asio::awaitable<void> read_loop();
    boost::asio::awaitable<void> read_text_loop();
    boost::asio::awaitable<void> write_loop();
    /// Writes writing_: one call, or one WebSocket message per JSON frame.
    boost::asio::awaitable<error_code> write_out();
    /// Decodes what is in the input buffer; false on a protocol error.
    bool decode_buffered();
    /// close() after `after` unless cancelled (connect, disconnect).
    void arm_deadline(std::chrono::milliseconds after);

    client_config cfg_;
    boost::asio::any_io_executor executor_;
    client_stream stream_;
    wire::decoder decoder_;
    std::string inbuf_;
    std::size_t used_ = 0;
    std::string outbox_;
    std::string writing_;
    std::vector<std::size_t> frame_ends_;   // JSON: end offset of each frame in outbox_
    std::vector<std::size_t> writing_ends_; // the same for writing_
    boost::asio::steady_timer wake_writer_;
    boost::asio::steady_timer wake_producer_;
    boost::asio::steady_timer deadline_; // cuts a connect or a disconnect that takes too long
    bool writer_idle_ = false;
    bool producer_waiting_ = false;
    bool open_ = false;
    bool closing_ = false;
    std::uint16_t server_receive_maximum_ = 65535;
};

} // namespace runnel::bench_tool
