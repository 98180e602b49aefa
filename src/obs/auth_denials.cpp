#include "runnel/obs/auth_denials.hpp"

#include <string>

namespace runnel::obs {

auth_denials::auth_denials(registry& r, std::string_view protocol) {
    for (std::size_t i = 0; i < actions.size(); ++i) {
        auto labels = "protocol=\"" + std::string(protocol) + "\",action=\"" + std::string(actions[i]) + "\"";
        by_action_[i] = &r.make_counter("runnel_auth_denied_total",
                                        "Refused credentials and actions without a grant",
                                        labels);
    }
}

std::size_t auth_denials::index(std::string_view action) noexcept {
    for (std::size_t i = 0; i < actions.size(); ++i) {
        if (actions[i] == action) return i;
    }
    return 0;
}

void auth_denials::count(std::string_view action) noexcept { by_action_[index(action)]->inc(); }

std::uint64_t auth_denials::value(std::string_view action) const noexcept { return by_action_[index(action)]->value(); }

} // namespace runnel::obs
