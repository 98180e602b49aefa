#include "payload_source.hpp"

#include "runnel/client_cli/errors.hpp"

#include <cerrno>
#include <cstring>
#include <memory>

namespace runnel::client_cli {

std::string read_all(std::FILE* f, const std::string& what) {
    std::string out;
    char buf[64 * 1024];
    for (;;) {
        std::size_t n = std::fread(buf, 1, sizeof buf, f);
        out.append(buf, n);
        if (n < sizeof buf) break;
    }
    if (std::ferror(f)) throw failure("cannot read " + what + ": " + std::strerror(errno));
    return out;
}

payload_source::payload_source(const pub_options& o) : lines_(o.lines) {
    if (o.lines) return;
    if (o.message) {
        one_ = *o.message;
    } else if (!o.file.empty()) {
        std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(o.file.c_str(), "rb"), &std::fclose);
        if (!f) throw failure("cannot open " + o.file + ": " + std::strerror(errno));
        one_ = read_all(f.get(), o.file);
    } else {
        one_ = read_all(stdin, "stdin");
    }
}

std::optional<std::string> payload_source::next() {
    if (!lines_) return std::exchange(one_, std::nullopt);
    std::string line;
    for (;;) {
        int c = std::getc(stdin);
        if (c == EOF) {
            if (std::ferror(stdin)) throw failure(std::string("cannot read stdin: ") + std::strerror(errno));
            if (line.empty()) return std::nullopt;
            return line; // a last line without "\n"
        }
        if (c != '\n') {
            line += static_cast<char>(c);
        } else if (!line.empty()) {
            return line;
        }
    }
}

} // namespace runnel::client_cli
