// A node whose disk fills up (a RocksDB file system that fails every write while a flag is set):
// MQTT v5 publishes get PUBACK 0x97 with a reason, REST publishes 503, ephemeral channels and
// subscribers keep working, and once space returns publishing works again and nothing that was
// acknowledged is missing. Then a corrupt database stops the node unless told to repair.
#include "runnel/config/load.hpp"
#include "runnel/server/node.hpp"

#include "rocksdb_log.hpp"

#include "../support/full_disk.hpp"
#include "../support/mqtt_test_client.hpp"
#include "../support/temp_dir.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

using namespace runnel;
namespace wire = runnel::codec::mqtt;
using namespace std::chrono_literals;

namespace {

config::options options(const std::string& dir, std::vector<std::string> sets = {}) {
    config::overrides o;
    o.mqtt = {"127.0.0.1:0"};
    o.admin = {"127.0.0.1:0"};
    o.http = {"127.0.0.1:0"};
    o.workers = 2;
    o.data_dir = dir;
    o.sets = {"log.level=warn", "sys.enabled=false", "retention=[{match: \"tmp/#\", store: false}, {match: \"#\"}]"};
    for (auto& s : sets) o.sets.push_back(std::move(s));
    return config::load(std::nullopt, o);
}

/// One HTTP/1.1 request with `Connection: close`; returns the status code and the body.
std::pair<int, std::string> http(std::uint16_t port, const std::string& method, const std::string& target,
                                 const std::string& body = {}) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket s(io);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: text/plain\r\n" +
                      "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    boost::asio::write(s, boost::asio::buffer(req));
    std::string out;
    boost::system::error_code ec;
    boost::asio::read(s, boost::asio::dynamic_buffer(out), ec);
    auto sp = out.find(' ');
    int code = sp == std::string::npos ? 0 : std::atoi(out.c_str() + sp + 1);
    auto at = out.find("\r\n\r\n");
    return {code, at == std::string::npos ? std::string() : out.substr(at + 4)};
}

/// How history shows a payload that is not JSON.
std::string b64(const std::string& in) {
    static constexpr char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        auto v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        for (int k = 18; k >= 0; k -= 6) out += abc[(v >> k) & 63];
    }
    if (i < in.size()) {
        unsigned v = (unsigned char)in[i] << 16 | (i + 1 < in.size() ? (unsigned char)in[i + 1] << 8 : 0);
        out += abc[(v >> 18) & 63];
        out += abc[(v >> 12) & 63];
        out += i + 1 < in.size() ? abc[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

template <class Pred> bool eventually(Pred pred, std::chrono::milliseconds within) {
    auto deadline = std::chrono::steady_clock::now() + within;
    for (auto delay = 5ms; std::chrono::steady_clock::now() < deadline; delay = std::min(delay * 2, 100ms)) {
        if (pred()) return true;
        std::this_thread::sleep_for(delay);
    }
    return pred();
}

TEST(node_faults, a_full_disk_refuses_publishes_clearly_keeps_serving_and_recovers) {
    test::temp_dir dir("runnel-fault-it");
    std::atomic<bool> full{false};
    auto env = rocksdb::NewCompositeEnv(std::make_shared<test::full_disk>(full));
    std::vector<std::uint16_t> acked; // packet ids of publishes acknowledged with success
    {
        server::node n(options(dir.path.string(), {"store.sync_interval=1ms"}), [&](store::log_options o) {
            store::rocksdb_internals in;
            in.env = env.get();
            std::string why;
            auto log = store::open_rocksdb_log(std::move(o), in, &why);
            if (!log) throw std::runtime_error(why);
            return std::move(*log);
        });
        n.start();
        auto mqtt = n.port(config::protocol::mqtt);
        auto web = n.port(config::protocol::http);
        test::mqtt_test_client sub(mqtt), pub(mqtt);
        sub.connect("sub");
        sub.send(wire::subscribe{1, {{"tmp/#", 0}}, {}});
        sub.expect<wire::suback>();
        pub.connect("pub");
        std::uint16_t id = 1;
        for (; id <= 5; ++id) {
            pub.send(wire::publish{"orders", "before-" + std::to_string(id), 1, false, false, id, {}});
            auto ack = pub.expect<wire::puback>();
            ASSERT_LT(ack.reason_code, 0x80);
            acked.push_back(id);
        }

        full = true;
        // The first write that fails answers with the reason; later ones are refused up front.
        for (int i = 0; i < 3; ++i, ++id) {
            pub.send(wire::publish{"orders", "during", 1, false, false, id, {}});
            auto ack = pub.expect<wire::puback>();
            EXPECT_EQ(ack.reason_code, wire::reason::quota_exceeded) << int(ack.reason_code);
            ASSERT_TRUE(ack.props.reason_string.has_value());
            EXPECT_NE(ack.props.reason_string->find("not stored"), std::string::npos) << *ack.props.reason_string;
        }
        auto [code, body] = http(web, "POST", "/v1/channels/orders/messages", "rest-during");
        EXPECT_EQ(code, 503) << body;
        EXPECT_NE(body.find("not stored"), std::string::npos) << body;
        // Ephemeral channels and their subscribers keep working.
        pub.send(wire::publish{"tmp/live", "still-here", 1, false, false, id++, {}});
        EXPECT_LT(pub.expect<wire::puback>().reason_code, 0x80);
        auto live = sub.expect<wire::publish>();
        EXPECT_EQ(live.payload, "still-here");

        full = false;
        // The log retries in the background; publishing works again once it has recovered.
        bool back = eventually([&] {
            auto [c, b] = http(web, "POST", "/v1/channels/orders/messages", "rest-after");
            return c == 200;
        }, 20s);
        ASSERT_TRUE(back);
        pub.send(wire::publish{"orders", "after", 1, false, false, id, {}});
        EXPECT_LT(pub.expect<wire::puback>().reason_code, 0x80);
        n.stop();
    }
    // Everything acknowledged is there after a restart; nothing refused is.
    server::node again(options(dir.path.string()));
    again.start();
    auto [code, body] = http(again.port(config::protocol::http), "GET", "/v1/channels/orders/messages?limit=100&order=oldest");
    ASSERT_EQ(code, 200) << body;
    for (int i = 1; i <= 5; ++i) EXPECT_NE(body.find(b64("before-" + std::to_string(i))), std::string::npos) << body;
    EXPECT_NE(body.find(b64("rest-after")), std::string::npos) << body;
    EXPECT_NE(body.find(b64("after")), std::string::npos) << body;
    EXPECT_EQ(body.find(b64("during")), std::string::npos) << body;
    EXPECT_EQ(body.find(b64("rest-during")), std::string::npos) << body;
}

TEST(node_faults, a_corrupt_log_stops_the_node_unless_told_to_repair) {
    test::temp_dir dir("runnel-fault-it");
    {
        server::node n(options(dir.path.string()));
        n.start();
        for (int i = 0; i < 50; ++i) http(n.port(config::protocol::http), "POST", "/v1/channels/c/messages", std::string(200, 'x'));
        n.stop();
    }
    // Overwrite the middle of every table file (and the WAL) with garbage.
    std::size_t damaged = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path)) {
        auto ext = e.path().extension();
        if (ext != ".sst" && ext != ".log") continue;
        auto size = std::filesystem::file_size(e.path());
        if (size < 64) continue;
        std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(size / 2));
        std::string junk(std::min<std::uintmax_t>(size / 4, 4096), '\xA5');
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
        ++damaged;
    }
    ASSERT_GT(damaged, 0u);
    try {
        server::node n(options(dir.path.string()));
        FAIL() << "a corrupt log was opened";
    } catch (const std::runtime_error& e) {
        std::string what = e.what();
        EXPECT_NE(what.find(dir.path.string()), std::string::npos) << what;
        EXPECT_NE(what.find("repair"), std::string::npos) << what;
    }
    server::node repaired(options(dir.path.string(), {"store.repair=true"}));
    repaired.start();
    auto [code, body] = http(repaired.port(config::protocol::http), "POST", "/v1/channels/c/messages", "fine");
    EXPECT_EQ(code, 200) << body;
}

} // namespace
