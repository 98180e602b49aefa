#pragma once
/// Helpers for the JSON codec tests: decode a frame expecting success or an error.
#include "runnel/codec/json/request.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace runnel::codec::json::test {

inline request decode_ok(std::string_view frame, const limits& lim = {}) {
    auto r = decode_request(frame, lim);
    if (auto* e = std::get_if<request_error>(&r)) {
        ADD_FAILURE() << "unexpected error " << e->code << " " << e->message << " for " << frame;
        return {};
    }
    return std::get<request>(std::move(r));
}

inline request_error decode_err(std::string_view frame, const limits& lim = {}) {
    auto r = decode_request(frame, lim);
    if (!std::holds_alternative<request_error>(r)) {
        ADD_FAILURE() << "expected an error for " << frame;
        return {};
    }
    return std::get<request_error>(std::move(r));
}

template <class Cmd>
Cmd decode_cmd(std::string_view frame) {
    request r = decode_ok(frame);
    if (const auto* c = std::get_if<Cmd>(&r.cmd)) return *c;
    ADD_FAILURE() << "wrong command type for " << frame;
    return {};
}

} // namespace runnel::codec::json::test
