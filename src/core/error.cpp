#include "runnel/core/error.hpp"

#include <string>

namespace runnel {
namespace {

condition condition_of(errc e) {
    switch (e) {
    case errc::not_authorized:
    case errc::bad_credentials:
    case errc::client_id_rejected: return condition::permission;
    case errc::quota_exceeded:
    case errc::queue_full:
    case errc::server_busy:
    case errc::receive_maximum_exceeded:
    case errc::packet_too_large: return condition::overload;
    case errc::io_error:
    case errc::shutting_down:
    case errc::session_taken_over:
    case errc::keep_alive_timeout: return condition::io;
    case errc::storage_full:
    case errc::storage_failed:
    case errc::data_corrupt: return condition::storage;
    default: return condition::protocol;
    }
}

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "runnel"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::ok: return "ok";
        case errc::malformed_packet: return "malformed packet";
        case errc::protocol_error: return "protocol error";
        case errc::bad_utf8: return "invalid UTF-8 string";
        case errc::topic_invalid: return "invalid topic name";
        case errc::filter_invalid: return "invalid topic filter";
        case errc::packet_too_large: return "packet too large";
        case errc::not_authorized: return "not authorized";
        case errc::bad_credentials: return "bad user name or password";
        case errc::quota_exceeded: return "quota exceeded";
        case errc::queue_full: return "queue full";
        case errc::shutting_down: return "server shutting down";
        case errc::unsupported_protocol: return "unsupported protocol version";
        case errc::client_id_rejected: return "client identifier not valid";
        case errc::topic_alias_invalid: return "topic alias invalid";
        case errc::receive_maximum_exceeded: return "receive maximum exceeded";
        case errc::session_taken_over: return "session taken over";
        case errc::keep_alive_timeout: return "keep alive timeout";
        case errc::server_busy: return "server busy";
        case errc::not_found: return "not found";
        case errc::io_error: return "i/o error";
        case errc::storage_full: return "storage full";
        case errc::storage_failed: return "storage failed";
        case errc::data_corrupt: return "stored data corrupt";
        }
        return "unknown runnel error " + std::to_string(ev);
    }
    boost::system::error_condition default_error_condition(int ev) const noexcept override {
        return make_error_condition(condition_of(static_cast<errc>(ev)));
    }
};

class condition_category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "runnel.condition"; }
    std::string message(int ev) const override {
        switch (static_cast<condition>(ev)) {
        case condition::protocol: return "protocol violation";
        case condition::permission: return "permission denied";
        case condition::overload: return "overload";
        case condition::io: return "connection ended";
        case condition::storage: return "storage unavailable";
        }
        return "unknown condition";
    }
};

} // namespace

const boost::system::error_category& runnel_category() noexcept {
    static const category c;
    return c;
}
const boost::system::error_category& runnel_condition_category() noexcept {
    static const condition_category c;
    return c;
}

} // namespace runnel
