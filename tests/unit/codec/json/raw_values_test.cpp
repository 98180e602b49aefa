// The raw value scanners: texts exactly as written, for objects and arrays.
#include "runnel/codec/json/raw_values.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace runnel::codec::json;
using ::testing::ElementsAre;

TEST(raw_values, members_keep_their_text) {
    auto v = member_values(R"( {"a" : 12.50 , "b":{"x":[1, "]}"]}, "c":"q\"}" ,"d":null} )");
    ASSERT_TRUE(v);
    EXPECT_THAT(*v, ElementsAre("12.50", R"({"x":[1, "]}"]})", R"("q\"}")", "null"));
    EXPECT_THAT(*member_values("{}"), ElementsAre());
}

TEST(raw_values, elements_keep_their_text) {
    auto v = element_values(R"([ {"data": {"t": 1}} ,"s",[],-1e3 ])");
    ASSERT_TRUE(v);
    EXPECT_THAT(*v, ElementsAre(R"({"data": {"t": 1}})", R"("s")", "[]", "-1e3"));
    EXPECT_THAT(*element_values(" [ ] "), ElementsAre());
}

TEST(raw_values, wrong_shapes_give_nothing) {
    EXPECT_FALSE(member_values("[1]"));
    EXPECT_FALSE(element_values(R"({"a":1})"));
    EXPECT_FALSE(element_values("[1,"));
    EXPECT_FALSE(member_values(R"({"a":"unterminated)"));
    EXPECT_FALSE(element_values(""));
}
