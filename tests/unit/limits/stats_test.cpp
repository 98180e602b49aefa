#include "runnel/limits/stats.hpp"

#include <gtest/gtest.h>

using namespace runnel;
using namespace runnel::limits;

TEST(limit_stats, every_limit_is_a_series_of_one_family) {
    obs::registry reg;
    stats st(reg);
    st.hit(limit::frame_size);
    st.hit(limit::frame_size);
    st.hit(limit::streams);
    const auto text = reg.render();
    EXPECT_NE(text.find("# TYPE runnel_limit_exceeded_total counter"), std::string::npos) << text;
    EXPECT_NE(text.find("runnel_limit_exceeded_total{limit=\"frame_size\"} 2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("runnel_limit_exceeded_total{limit=\"streams\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("runnel_limit_exceeded_total{limit=\"publish_rate\"} 0\n"), std::string::npos) << text;
    for (std::size_t i = 0; i < limit_count; ++i) {
        auto label = "{limit=\"" + std::string(name(static_cast<limit>(i))) + "\"}";
        EXPECT_NE(text.find(label), std::string::npos) << label;
    }
    EXPECT_EQ(name(limit::connections_per_address), "connections_per_address");
    EXPECT_EQ(name(limit::streams), "streams");
}
