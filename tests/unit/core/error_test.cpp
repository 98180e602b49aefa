#include "runnel/core/error.hpp"

#include <gtest/gtest.h>

using namespace runnel;

TEST(error, codes_compare_equal_to_their_condition) {
    boost::system::error_code ec = errc::bad_utf8;
    EXPECT_EQ(ec, condition::protocol);
    EXPECT_NE(ec, condition::permission);
    ec = errc::not_authorized;
    EXPECT_EQ(ec, condition::permission);
    ec = errc::queue_full;
    EXPECT_EQ(ec, condition::overload);
    EXPECT_EQ(ec.message(), "queue full");
}
