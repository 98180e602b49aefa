#include "store_test_util.hpp"

#include "db_handle.hpp"
#include "keys.hpp"

#include <fstream>

namespace runnel::store::test {
namespace {

/// Opens the database with RocksDB itself (to damage it on purpose).
std::unique_ptr<rocksdb::DB> raw_open(const std::string& path, std::vector<rocksdb::ColumnFamilyHandle*>& handles) {
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (auto* name : cf_names) cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
    cfs.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* db = nullptr;
    EXPECT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), path, cfs, &handles, &db).ok());
    return std::unique_ptr<rocksdb::DB>(db);
}

TEST(store_corruption, an_undecodable_record_fails_open_unless_repair) {
    temp_dir d;
    auto o = options_for(d);
    {
        auto log = open_log(o);
        ASSERT_FALSE(append(*log, "c", 1, 3, now_tt()).durable);
    }
    {
        std::vector<rocksdb::ColumnFamilyHandle*> h;
        auto db = raw_open(o.path, h);
        ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), h[0], msg_key("c", 2), "garbage").ok());
        for (auto* c : h) db->DestroyColumnFamilyHandle(c);
    }
    std::string why;
    auto r = open_rocksdb_log(o, &why);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), errc::data_corrupt);
    EXPECT_NE(why.find(o.path), std::string::npos) << why;
    EXPECT_NE(why.find("store.repair: true"), std::string::npos) << why;

    o.repair = true;
    auto log = open_log(o);
    ASSERT_TRUE(log);
    EXPECT_EQ(offsets(read_wait(*log, {.channel = "c"})), (std::vector<std::uint64_t>{1, 3}));
}

TEST(store_corruption, damaged_sst_bytes_fail_open_unless_repair) {
    temp_dir d;
    auto o = options_for(d);
    {
        auto log = open_log(o);
        ASSERT_FALSE(append(*log, "c", 1, 200, now_tt(), 100).durable);
        concrete(*log).flush();
    }
    bool damaged = false;
    for (const auto& f : std::filesystem::directory_iterator(d.path)) {
        if (f.path().extension() != ".sst" || f.file_size() < 4096) continue;
        std::fstream s(f.path(), std::ios::in | std::ios::out | std::ios::binary);
        s.seekp(64);
        std::string junk(512, '\xa5');
        s.write(junk.data(), static_cast<std::streamsize>(junk.size()));
        damaged = true;
    }
    ASSERT_TRUE(damaged);
    std::string why;
    auto r = open_rocksdb_log(o, &why);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), errc::data_corrupt) << why;
    EXPECT_NE(why.find(o.path), std::string::npos) << why;
    EXPECT_NE(why.find("store.repair"), std::string::npos) << why;

    o.repair = true;
    auto log = open_log(o);
    ASSERT_TRUE(log);
    write_batch b;
    b.kv_put = {{"still", "writable"}};
    EXPECT_FALSE(commit_wait(*log, std::move(b)).durable);
}

} // namespace
} // namespace runnel::store::test
