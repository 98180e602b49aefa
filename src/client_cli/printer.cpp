#include "printer.hpp"

#include "runnel/client_cli/errors.hpp"

#include <cstdio>

namespace runnel::client_cli {

bool printer::print(const received& m) {
    auto line = format_line(m, format_);
    if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() || std::fflush(stdout) != 0)
        throw failure("cannot write to stdout");
    ++printed_;
    return done();
}

void note(const std::string& text, const char* command) {
    std::fprintf(stderr, "runnel %s: %s\n", command, text.c_str());
    std::fflush(stderr);
}

} // namespace runnel::client_cli
