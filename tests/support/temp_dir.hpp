#pragma once
// A fresh directory under the system temp dir (mkdtemp), removed with everything in it when
// the test is done: each test opens its own retention log, so tests can run in parallel.
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace runnel::test {

struct temp_dir {
    std::filesystem::path path;
    explicit temp_dir(const std::string& prefix = "runnel-test") {
        // mkdtemp fills in the trailing six X.
        std::string p = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (!::mkdtemp(p.data())) throw std::runtime_error("mkdtemp failed for " + p);
        path = p;
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
};

} // namespace runnel::test
