// The node's revocation service answers a revoke once it is durable, a repeated one too: the
// second POST of the same entry must not read "stored" while the first write is on its way.
#include "revocations.hpp"

#include "runnel/store/memory_retention_log.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace runnel {
namespace {

store::retention keep_all(std::string_view) { return {}; }

auth::revocation by_jti(std::string jti) {
    auth::revocation r;
    r.what = auth::revocation::kind::jti;
    r.value = std::move(jti);
    r.expires = 4'000'000'000;
    return r;
}

struct revocations : ::testing::Test {
    boost::asio::io_context io;
    auth::revocation_list list;
    store::memory_retention_log log{keep_all};
    int cuts = 0;
    server::revocation_service svc{list, &log, io, [this] { ++cuts; }};
};

TEST_F(revocations, a_repeated_revoke_is_answered_after_the_first_write_is_durable) {
    log.hold(true); // the store has not written anything yet
    std::optional<std::string> first, second;
    svc.revoke(by_jti("t-1"), [&](std::string e) { first = std::move(e); });
    svc.revoke(by_jti("t-1"), [&](std::string e) { second = std::move(e); });
    EXPECT_EQ(list.size(), 1u); // in force at once, for connects and the cut
    EXPECT_EQ(cuts, 2);
    EXPECT_FALSE(first);
    EXPECT_FALSE(second) << "the repeat was answered before the entry was stored";
    log.release();
    EXPECT_EQ(first, "");
    EXPECT_EQ(second, "");
}

TEST_F(revocations, a_failing_store_is_reported_to_the_repeat_too) {
    log.hold(true);
    std::optional<std::string> first, second;
    svc.revoke(by_jti("t-2"), [&](std::string e) { first = std::move(e); });
    svc.revoke(by_jti("t-2"), [&](std::string e) { second = std::move(e); });
    log.fail_writes(make_error_code(errc::storage_failed));
    log.release();
    ASSERT_TRUE(first && second);
    EXPECT_NE(first->find("could not be stored"), std::string::npos) << *first;
    EXPECT_NE(second->find("could not be stored"), std::string::npos) << *second;
}

} // namespace
} // namespace runnel
