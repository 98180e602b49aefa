#pragma once
/// Helpers for the config tests: run a callable and check the config_error it throws.
#include "runnel/config/load.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace runnel::config::test {

/// Succeeds when `f()` throws config_error with exactly `path`, a message starting with the path,
/// and containing `needle`.
template <class F>
::testing::AssertionResult fails_with(F&& f, std::string_view path, std::string_view needle) {
    try {
        f();
    } catch (const config_error& e) {
        const std::string what = e.what();
        if (e.path() != path) {
            return ::testing::AssertionFailure() << "path is \"" << e.path() << "\": " << what;
        }
        if (!path.empty() && !what.starts_with(std::string(path) + ": ")) {
            return ::testing::AssertionFailure() << "message does not start with the path: " << what;
        }
        if (what.find(needle) == std::string::npos) {
            return ::testing::AssertionFailure() << "message lacks \"" << needle << "\": " << what;
        }
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "no config_error thrown";
}

/// load_yaml with only --set assignments.
inline options load_with(std::string_view yaml, std::vector<std::string> sets = {}) {
    overrides o;
    o.sets = std::move(sets);
    return load_yaml(yaml, o);
}

} // namespace runnel::config::test
