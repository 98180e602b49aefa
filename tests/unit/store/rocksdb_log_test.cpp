#include "store_test_util.hpp"

namespace runnel::store::test {
namespace {

write_batch everything(std::uint64_t tt) {
    write_batch b;
    b.messages = {msg("a/b", 1, tt + 1), msg("a/b", 2, tt + 2)};
    b.channels = {{"a/b", 7, 2, tt + 2}};
    b.retained_put = {msg("r/1", 3, tt + 3, "kept"), msg("r/2", 4, tt + 4)};
    b.idempotency = {{"a/b", "key-1", {2, 7, tt + 2}, clock_now::read().unix_ms}};
    b.sessions_put = {{"c1", 10, 60, 0, {{"a/#", 1, false, false, true, 3}}}, {"c2", 11, 60, 5, {}}};
    b.owed_put = {{10, tt + 9, msg("a/b", 2, tt + 2), 1, false, {3}, 0, false},
                  {10, tt + 5, nullptr, 2, false, {}, 12, true},
                  {99, tt + 6, msg("a/b", 1, tt + 1), 1, false, {}, 0, false}}; // no session 99
    b.inbound_put = {{10, 4}, {10, 5}};
    b.kv_put = {{"k", "v"}, {"a", "1"}};
    return b;
}

void expect_everything(const snapshot& s, std::uint64_t tt, std::uint64_t max_durable_id) {
    ASSERT_EQ(s.channels.size(), 1u);
    EXPECT_EQ(s.channels[0].name, "a/b");
    EXPECT_EQ(s.channels[0].epoch, 7u);
    EXPECT_EQ(s.channels[0].last_offset, 2u);
    ASSERT_EQ(s.retained.size(), 1u); // r/2 erased
    EXPECT_EQ(s.retained[0]->payload, "kept");
    ASSERT_EQ(s.idempotency.size(), 1u);
    EXPECT_EQ(s.idempotency[0].key, "key-1");
    EXPECT_EQ(s.idempotency[0].cur.offset, 2u);
    ASSERT_EQ(s.sessions.size(), 2u);
    const auto& c1 = s.sessions[0];
    EXPECT_EQ(c1.record.client_id, "c1");
    ASSERT_EQ(c1.owed.size(), 2u);
    EXPECT_EQ(c1.owed[0].tt, tt + 5); // tt order
    EXPECT_TRUE(c1.owed[0].released);
    EXPECT_EQ(c1.owed[1].msg->cur.offset, 2u);
    EXPECT_EQ(c1.inbound_qos2, (std::vector<std::uint16_t>{4, 5}));
    EXPECT_EQ(s.max_durable_id, max_durable_id);
    EXPECT_EQ(s.max_tt, tt + 9);
    using kv = std::pair<std::string, std::string>;
    EXPECT_EQ(s.kv, (std::vector<kv>{{"a", "1"}, {"k", "v"}})); // key order
}

TEST(rocksdb_log, every_table_round_trips_and_survives_reopen) {
    temp_dir d;
    auto o = options_for(d);
    auto tt = now_tt();
    {
        auto log = open_log(o);
        ASSERT_TRUE(log);
        auto r = commit_wait(*log, everything(tt));
        EXPECT_FALSE(r.written);
        EXPECT_FALSE(r.durable);
        write_batch erase;
        erase.retained_erase = {"r/2"};
        EXPECT_FALSE(commit_wait(*log, std::move(erase)).durable);
        snapshot s;
        ASSERT_FALSE(log->load(s, std::chrono::minutes(2)));
        expect_everything(s, tt, 99);
        log->close();
    }
    auto log = open_log(o);
    ASSERT_TRUE(log);
    snapshot s;
    ASSERT_FALSE(log->load(s, std::chrono::minutes(2)));
    // The first load() dropped the owed message of the missing session 99 (as the memory log does).
    expect_everything(s, tt, 11);
    EXPECT_EQ(offsets(read_wait(*log, {.channel = "a/b"})), (std::vector<std::uint64_t>{1, 2}));
}

TEST(rocksdb_log, session_erase_removes_record_owed_and_inbound_of_that_incarnation) {
    temp_dir d;
    auto log = open_log(options_for(d));
    auto tt = now_tt();
    ASSERT_FALSE(commit_wait(*log, everything(tt)).durable);
    write_batch b;
    b.sessions_erase = {{"c1", 10}, {"c2", 999}}; // c2: another incarnation, record stays
    ASSERT_FALSE(commit_wait(*log, std::move(b)).durable);
    snapshot s;
    ASSERT_FALSE(log->load(s, std::chrono::minutes(2)));
    ASSERT_EQ(s.sessions.size(), 1u);
    EXPECT_EQ(s.sessions[0].record.client_id, "c2");
}

TEST(rocksdb_log, idempotency_entries_older_than_the_window_are_not_loaded) {
    temp_dir d;
    auto log = open_log(options_for(d));
    auto now = clock_now::read().unix_ms;
    write_batch b;
    b.idempotency = {{"c", "old", {1, 1, 1}, now - 60'000}, {"c", "new", {2, 1, 2}, now}};
    ASSERT_FALSE(commit_wait(*log, std::move(b)).durable);
    snapshot s;
    ASSERT_FALSE(log->load(s, std::chrono::seconds(30)));
    ASSERT_EQ(s.idempotency.size(), 1u);
    EXPECT_EQ(s.idempotency[0].key, "new");
}

TEST(rocksdb_log, ephemeral_channels_are_never_written) {
    temp_dir d;
    auto o = options_for(d);
    o.retention_of = [](std::string_view ch) {
        retention r;
        r.store = !ch.starts_with("eph/");
        return r;
    };
    auto log = open_log(o);
    write_batch b;
    b.messages = {msg("eph/x", 1, now_tt()), msg("kept/x", 1, now_tt())};
    ASSERT_FALSE(commit_wait(*log, std::move(b)).durable);
    EXPECT_EQ(log->stats().messages_written, 1u);
    log->close();
    log = open_log(o);
    EXPECT_TRUE(read_wait(*log, {.channel = "eph/x"}).messages.empty());
    EXPECT_EQ(read_wait(*log, {.channel = "kept/x"}).messages.size(), 1u);
}

TEST(rocksdb_log, a_new_epoch_starts_the_channel_over) {
    temp_dir d;
    auto log = open_log(options_for(d));
    auto tt = now_tt();
    ASSERT_FALSE(append(*log, "c", 1, 5, tt).durable);
    write_batch b;
    core::message m;
    m.topic = "c";
    m.cur = {1, 8, tt + 100};
    b.messages = {core::make_message(m)};
    b.channels = {{"c", 8, 1, tt + 100}};
    ASSERT_FALSE(commit_wait(*log, std::move(b)).durable);
    auto page = read_wait(*log, {.channel = "c"});
    ASSERT_EQ(page.messages.size(), 1u);
    EXPECT_EQ(page.messages[0]->cur.epoch, 8u);
}

TEST(rocksdb_log, commits_after_close_fail_and_missing_retention_fn_is_refused) {
    temp_dir d;
    auto o = options_for(d);
    auto log = open_log(o);
    log->close();
    auto r = commit_wait(*log, write_batch{});
    EXPECT_EQ(r.written, errc::shutting_down);
    o.retention_of = nullptr;
    std::string why;
    EXPECT_FALSE(open_rocksdb_log(o, &why).has_value());
    EXPECT_NE(why.find("retention_of"), std::string::npos);
}

} // namespace
} // namespace runnel::store::test
