#include "request_token.hpp"

#include "runnel/core/url.hpp"

#include <algorithm>
#include <cctype>

namespace runnel::gateway::http {
namespace bhttp = boost::beast::http;

std::variant<std::string, no_token, bad_token_syntax> request_token(const request_t& req) {
    std::optional<std::string> header, query;
    if (auto it = req.find(bhttp::field::authorization); it != req.end()) {
        std::string_view v(it->value().data(), it->value().size());
        constexpr std::string_view scheme = "Bearer ";
        if (v.size() <= scheme.size() || !std::equal(scheme.begin(), scheme.end(), v.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            }))
            return bad_token_syntax{"Authorization must be \"Bearer <token>\""};
        v.remove_prefix(scheme.size());
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        if (v.empty()) return bad_token_syntax{"Authorization has an empty token"};
        header = std::string(v);
    }
    std::string_view target(req.target().data(), req.target().size());
    if (auto q = target.find('?'); q != target.npos) {
        auto pairs = core::parse_query(target.substr(q + 1));
        if (!pairs) return bad_token_syntax{"malformed query string"};
        for (auto& [k, v] : *pairs) {
            if (k != "token") continue;
            if (query) return bad_token_syntax{"token given twice in the query"};
            if (v.empty()) return bad_token_syntax{"token is empty"};
            query = std::move(v);
        }
    }
    if (header && query && *header != *query) return bad_token_syntax{"Authorization and ?token= disagree"};
    if (header) return *header;
    if (query) return *query;
    return no_token{};
}

} // namespace runnel::gateway::http
