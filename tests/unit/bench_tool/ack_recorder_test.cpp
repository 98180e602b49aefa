#include "runnel/bench_tool/ack_recorder.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

using namespace runnel::bench_tool;

TEST(ack_recorder, a_line_is_one_json_object) {
    EXPECT_EQ(format_ack_line(3, 42, "crash/p3", 0), "{\"publisher\":3,\"seq\":42,\"topic\":\"crash/p3\",\"reason\":0}\n");
    EXPECT_EQ(format_ack_line(0, 0, "a\"b", 0x87), "{\"publisher\":0,\"seq\":0,\"topic\":\"a\\\"b\",\"reason\":135}\n");
}

// The one test here that touches the file system: the recorder's whole job is the file.
TEST(ack_recorder, lines_are_in_the_file_as_soon_as_recorded_and_a_new_run_truncates) {
    auto path = ::testing::TempDir() + "ack_recorder_test." + std::to_string(::getpid());
    auto read = [&] {
        std::ifstream in(path);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    };
    {
        ack_recorder r(path);
        ASSERT_TRUE(r.record(1, 5, "t", 0));
        EXPECT_EQ(read(), format_ack_line(1, 5, "t", 0)); // before the recorder closes
        ASSERT_TRUE(r.record(1, 6, "t", 0));
    }
    EXPECT_EQ(read(), format_ack_line(1, 5, "t", 0) + format_ack_line(1, 6, "t", 0));
    { ack_recorder again(path); }
    EXPECT_EQ(read(), "");
    std::remove(path.c_str());
    EXPECT_THROW(ack_recorder("/nonexistent-dir/x"), std::runtime_error);
}
