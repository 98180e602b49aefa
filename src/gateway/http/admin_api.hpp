#pragma once
// The admin API (`/admin/v1/...` on the admin listener): who may call it, and the revocation
// requests.
#include "responses.hpp"
#include "revocation_request.hpp"
#include "runnel/gateway/http/admin.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace runnel::gateway::http {

/// Answers a request under /admin/v1/ (401 without a valid token or certificate identity, 403
/// without `admin`).
boost::asio::awaitable<response> answer_admin_api(admin_context& ctx, const request_t& req, bool loopback,
                                                  std::optional<std::string> certificate_subject);

} // namespace runnel::gateway::http
